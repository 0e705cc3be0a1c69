-- PostgreSQL twin of migrations/2026-12-01-000010_listing_on_joins (same SQL where both backends read it alike).
-- Author and tag listings are ordered by publication time, which lived only on the article
-- rows: a page of a prolific author's list read every one of their articles (8 ms at 100,000
-- articles, growing with the archive). Each byline and tag row now carries its article's
-- publication time while the article is published (NULL otherwise), kept by the change path,
-- and an index orders the list by it.
ALTER TABLE article_authors ADD COLUMN listed_at TIMESTAMP;
ALTER TABLE article_tags ADD COLUMN listed_at TIMESTAMP;

UPDATE article_authors SET listed_at = (
    SELECT a.published_at FROM articles a
    WHERE a.id = article_authors.article_id AND a.status = 'published');
UPDATE article_tags SET listed_at = (
    SELECT a.published_at FROM articles a
    WHERE a.id = article_tags.article_id AND a.status = 'published');

CREATE INDEX article_authors_listed ON article_authors (author_id, listed_at, article_id);
CREATE INDEX article_tags_listed ON article_tags (tag_id, listed_at, article_id);
