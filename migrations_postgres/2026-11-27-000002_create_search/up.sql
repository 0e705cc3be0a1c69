-- PostgreSQL twin of migrations/2026-11-27-000002_create_search. The same tables hold the text
-- and the facets; instead of an FTS5 index, the text row carries a weighted tsvector (headline
-- A, standfirst B, body C, tags and authors D; English stemming over unaccented text) with a
-- GIN index.
--
-- (Amended on 2026-12-01, before any server ran on PostgreSQL: the `gazette_english`
-- configuration replaced 'english', which drops stopwords from the index.)

CREATE EXTENSION IF NOT EXISTS unaccent;
-- unaccent() is only STABLE (its dictionary could change); an index needs IMMUTABLE, so the
-- dictionary is named explicitly in a wrapper declared immutable.
CREATE FUNCTION gazette_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- English stemming that keeps every word, as SQLite's porter tokenizer does: a search for
-- "the" or the phrase "the who" must find what it finds there. (The 'english' configuration
-- drops stopwords; the reader's query parser already leaves them out when other words remain.)
CREATE TEXT SEARCH DICTIONARY gazette_english_stem (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION gazette_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION gazette_english
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH gazette_english_stem;

CREATE TABLE article_search_content (
    rowid INTEGER PRIMARY KEY,
    headline TEXT NOT NULL,
    dek TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    authors TEXT NOT NULL,
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('gazette_english', gazette_unaccent(headline)), 'A') ||
        setweight(to_tsvector('gazette_english', gazette_unaccent(dek)), 'B') ||
        setweight(to_tsvector('gazette_english', gazette_unaccent(body)), 'C') ||
        setweight(to_tsvector('gazette_english', gazette_unaccent(tags || ' ' || authors)), 'D')
    ) STORED
);
CREATE INDEX article_search_content_headline ON article_search_content (lower(headline));
CREATE INDEX article_search_content_document ON article_search_content USING GIN (document);

CREATE TABLE article_search_facets (
    rowid INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL,
    published_day DOUBLE PRECISION NOT NULL
);

CREATE TABLE search_vocabulary (
    term TEXT PRIMARY KEY,
    documents INTEGER NOT NULL
);

-- Whatever path changes an article's status or deletes it, it leaves the index at once.
CREATE FUNCTION gazette_article_leaves_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM article_search_content WHERE rowid = OLD.id;
        DELETE FROM article_search_facets WHERE rowid = OLD.id;
        RETURN OLD;
    END IF;
    IF NEW.status <> 'published' THEN
        DELETE FROM article_search_content WHERE rowid = NEW.id;
        DELETE FROM article_search_facets WHERE rowid = NEW.id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER articles_leave_search AFTER UPDATE OF status ON articles
    FOR EACH ROW EXECUTE FUNCTION gazette_article_leaves_search();
CREATE TRIGGER articles_deleted_leave_search AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION gazette_article_leaves_search();

CREATE TABLE article_pinned_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, related_id),
    CHECK (article_id <> related_id)
);

CREATE TABLE article_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, related_id)
);
CREATE INDEX article_related_related ON article_related (related_id);
