CREATE INDEX articles_status_published ON articles (status, published_at DESC);
CREATE INDEX articles_section_status_published ON articles (section_id, status, published_at DESC);
DROP INDEX articles_listing;
DROP INDEX articles_section_listing;
CREATE INDEX article_search_content_document ON article_search_content USING GIN (document);
DROP INDEX article_search_content_document_rowid;
