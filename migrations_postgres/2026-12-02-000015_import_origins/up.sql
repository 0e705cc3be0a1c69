-- What an importer made of each object of the site it came from, so running the same import
-- again finds them instead of adding them twice: ('wordpress', 'post', '123') → article 45.
CREATE TABLE import_origins (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    PRIMARY KEY (source, kind, source_id)
);
