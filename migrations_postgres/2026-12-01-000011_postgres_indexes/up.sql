-- Search windows: a large result set is counted and ranked among its newest matches
-- (`rowid >= …`, see src/search/ranking.rs). With the document alone in the GIN index,
-- PostgreSQL either fetched every match of a common word and then dropped the old ones, or
-- walked the primary key backwards testing each document (430 ms for "harbour council" at
-- 100,000 articles). With the id in the same GIN index (btree_gin), the window is part of the
-- index scan: 5 ms.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX article_search_content_document_rowid
    ON article_search_content USING GIN (document, rowid);
DROP INDEX article_search_content_document;

-- Listings are ordered by (published_at, id). SQLite appends the rowid (the id) to every index,
-- so its listing indexes give that order as they are; PostgreSQL needs the id named, or it
-- sorts every published article of a section for each page (90 ms at 100,000 articles).
CREATE INDEX articles_section_listing ON articles (section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_listing ON articles (status, published_at DESC, id DESC);
DROP INDEX articles_section_status_published;
DROP INDEX articles_status_published;
