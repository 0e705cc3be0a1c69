-- The trash: articles moved out of the way (never published while here), restorable by an
-- editor until the trash is emptied. A table of its own keeps the status an article had.
CREATE TABLE article_trash (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    trashed_at TIMESTAMP NOT NULL,
    trashed_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
