-- Full-text search over published articles (SQLite FTS5). All SQL that reads or writes these
-- tables lives in src/search.rs; a PostgreSQL backend would replace that module and this file.

-- What readers search: headline, standfirst, body text, tag and author names. Only published
-- articles are in it. section_id and published_day ride along so ranking and filters need no
-- join. Porter stemming ("elections" finds "election") over unicode61 with diacritics removed
-- ("Zurich" finds "Zürich"); 2- and 3-letter prefix indexes make partial words fast.
CREATE VIRTUAL TABLE article_search USING fts5(
    headline, dek, body, tags, authors,
    section_id UNINDEXED, published_day UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- The same text as whole words, unstemmed, for "Did you mean …": suggestions must be words
-- readers recognise, not stems. Contentless and without positions, so it stays small.
CREATE VIRTUAL TABLE article_words USING fts5(
    text,
    content = '', contentless_delete = 1, detail = 'none',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE article_words_vocab USING fts5vocab(article_words, row);

-- Whatever path changes an article's status or deletes it, it leaves the index at once.
-- (Entering the index needs the rendered text, so src/search.rs does that in the same
-- transaction as the save.)
CREATE TRIGGER articles_leave_search AFTER UPDATE OF status ON articles
WHEN new.status <> 'published'
BEGIN
    DELETE FROM article_search WHERE rowid = new.id;
    DELETE FROM article_words WHERE rowid = new.id;
END;
CREATE TRIGGER articles_deleted_leave_search AFTER DELETE ON articles
BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
    DELETE FROM article_words WHERE rowid = old.id;
END;

-- Related articles an editor chose by hand; shown before the computed ones.
CREATE TABLE article_pinned_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, related_id),
    CHECK (article_id <> related_id)
);
