-- PostgreSQL twin of migrations/2026-11-27-000005_create_autosaves (same SQL where both backends read it alike).
-- The editor's work in progress, saved in the background every few seconds while someone
-- types (static/js/editor.js), one per article and person. It never touches the article or
-- its revisions; the editor offers it back, and restoring it saves against the revision it
-- was based on, so a change made by someone else in between still shows as a conflict.
CREATE TABLE article_autosaves (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    form TEXT NOT NULL,
    base_revision INTEGER NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
