-- PostgreSQL twin of migrations/2026-12-01-000008_article_bodies (same SQL where both backends read it alike).
-- An article's text lives apart from its facts. SQLite stores a row's columns in order, and the
-- bodies (kilobytes each, in overflow pages) came before section, status and dates: every card,
-- listing and status check walked the bodies' overflow chains to reach those columns, which was
-- most of an article page's cost at 100,000 articles (perf, 2026-12-01). The articles row is now
-- small; the text is read by the article page, the editor and the search indexer only.
CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    body_markdown TEXT NOT NULL DEFAULT '',
    -- Rendered and sanitized when the article is saved, never at read time.
    body_html TEXT NOT NULL DEFAULT ''
);
INSERT INTO article_bodies (article_id, body_markdown, body_html)
    SELECT id, body_markdown, body_html FROM articles;
ALTER TABLE articles DROP COLUMN body_markdown;
ALTER TABLE articles DROP COLUMN body_html;
