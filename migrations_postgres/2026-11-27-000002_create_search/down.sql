DROP TABLE article_related;
DROP TABLE article_pinned_related;
DROP TRIGGER articles_deleted_leave_search ON articles;
DROP TRIGGER articles_leave_search ON articles;
DROP FUNCTION gazette_article_leaves_search();
DROP TABLE search_vocabulary;
DROP TABLE article_search_facets;
DROP TABLE article_search_content;
DROP FUNCTION gazette_unaccent(text);
