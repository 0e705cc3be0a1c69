-- Old addresses that answer 301 with a new one: typed in the admin, or written by an importer
-- for every post, page, category, tag and author of the site it came from. Looked up only
-- when nothing else answers a path (just before the 404 page).
CREATE TABLE redirects (
    id INTEGER PRIMARY KEY NOT NULL,
    -- A site path, with its query only for addresses that live in one (WordPress's /?p=123);
    -- stored as `redirects::normalize` writes it.
    from_path TEXT NOT NULL UNIQUE,
    -- A site path or an absolute http(s) URL.
    to_path TEXT NOT NULL,
    -- Who made it: 'admin', or the importer ('wordpress').
    origin TEXT NOT NULL DEFAULT 'admin',
    created_at TIMESTAMP NOT NULL
);
