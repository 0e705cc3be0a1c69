-- Full-text search over published articles (SQLite FTS5). All SQL that reads or writes these
-- tables lives in src/search.rs; a PostgreSQL backend would replace that module and this file.

-- What readers search: headline, standfirst, body text, tag and author names of every published
-- article, one row per article (rowid = article id).
CREATE TABLE article_search_content (
    rowid INTEGER PRIMARY KEY,
    headline TEXT NOT NULL,
    dek TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    authors TEXT NOT NULL
);
-- "An exact headline match ranks first" is an index lookup, not a scan of the matches.
CREATE INDEX article_search_content_headline ON article_search_content (headline COLLATE NOCASE);

-- What filters and ranking need besides the text, in rows narrow enough that joining tens of
-- thousands of matches to them stays cheap (the text rows are kilobytes each).
CREATE TABLE article_search_facets (
    rowid INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL,
    -- Julian day number of the publication time.
    published_day REAL NOT NULL
);

-- The index over the text (external content: FTS5 reads the text from the table above, so a
-- full rebuild is one 'rebuild' command). Porter stemming ("elections" finds "election") over
-- unicode61 with diacritics removed ("Zurich" finds "Zürich").
CREATE VIRTUAL TABLE article_search USING fts5(
    headline, dek, body, tags, authors,
    content = 'article_search_content',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Every word of the indexed text (folded like the index folds it, unstemmed) and how many
-- articles use it: the vocabulary "Did you mean …" corrects from, and the rarity of words for
-- related articles. Kept in step by src/search.rs.
CREATE TABLE search_vocabulary (
    term TEXT PRIMARY KEY NOT NULL,
    documents INTEGER NOT NULL
) WITHOUT ROWID;

-- Whatever path changes an article's status or deletes it, it leaves the index at once.
-- (Entering the index needs the rendered text, so src/search.rs does that in the same
-- transaction as the save; it also keeps the vocabulary counts, which these triggers cannot.)
-- (An external-content index forgets a row through the 'delete' command with the row's values.)
CREATE TRIGGER articles_leave_search AFTER UPDATE OF status ON articles
WHEN new.status <> 'published'
BEGIN
    INSERT INTO article_search
        (article_search, rowid, headline, dek, body, tags, authors)
    SELECT 'delete', rowid, headline, dek, body, tags, authors
    FROM article_search_content WHERE rowid = new.id;
    DELETE FROM article_search_content WHERE rowid = new.id;
    DELETE FROM article_search_facets WHERE rowid = new.id;
END;
CREATE TRIGGER articles_deleted_leave_search AFTER DELETE ON articles
BEGIN
    INSERT INTO article_search
        (article_search, rowid, headline, dek, body, tags, authors)
    SELECT 'delete', rowid, headline, dek, body, tags, authors
    FROM article_search_content WHERE rowid = old.id;
    DELETE FROM article_search_content WHERE rowid = old.id;
    DELETE FROM article_search_facets WHERE rowid = old.id;
END;

-- Related articles an editor chose by hand; shown before the computed ones.
CREATE TABLE article_pinned_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, related_id),
    CHECK (article_id <> related_id)
);

-- "You May Also Like", computed when an article is published or changed and for the articles
-- it lists (see views::related), so an article page reads one short list.
CREATE TABLE article_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, related_id)
);
CREATE INDEX article_related_related ON article_related (related_id);
