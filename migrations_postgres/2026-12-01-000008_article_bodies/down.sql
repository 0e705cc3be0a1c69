ALTER TABLE articles ADD COLUMN body_markdown TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
UPDATE articles SET
    body_markdown = (SELECT body_markdown FROM article_bodies WHERE article_id = articles.id),
    body_html = (SELECT body_html FROM article_bodies WHERE article_id = articles.id)
WHERE id IN (SELECT article_id FROM article_bodies);
DROP TABLE article_bodies;
