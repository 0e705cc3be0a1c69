DROP INDEX article_tags_listed;
DROP INDEX article_authors_listed;
ALTER TABLE article_tags DROP COLUMN listed_at;
ALTER TABLE article_authors DROP COLUMN listed_at;
