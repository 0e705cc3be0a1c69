-- PostgreSQL twin of migrations/2026-11-27-000003_create_staff (same SQL where both backends read it alike).
-- Staff accounts, their sessions, login throttling, the audit log, and article revisions.

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'writer')),
    -- argon2id PHC string.
    password_hash TEXT NOT NULL,
    -- The byline profile this account writes as, if any.
    author_id INTEGER REFERENCES authors (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of the database does not let anyone log in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per account ("email:…") and per address ("ip:…"): after five, each further
-- attempt waits longer. Rows are cleared by a successful login.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);

CREATE TABLE audit_log (
    id SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- Every save of an article, whole, so any version can be compared and restored.
CREATE TABLE article_revisions (
    id SERIAL PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    headline TEXT NOT NULL,
    slug TEXT NOT NULL,
    dek TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    -- Everything else the editor set (section, authors, tags, image, SEO, status) as JSON.
    settings TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, number)
);

ALTER TABLE articles ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';
-- The staff account that created the article (writers edit only their own). No REFERENCES
-- clause: SQLite cannot drop a foreign-key column, and down.sql must work. Accounts are not
-- deleted as such: deleting an account clears created_by first (src/handlers/admin/users.rs).
ALTER TABLE articles ADD COLUMN created_by INTEGER;
-- The number of the latest revision: a save based on an older one is a conflict.
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_created_by ON articles (created_by);
-- The scheduler's question: which scheduled articles are due?
CREATE INDEX articles_scheduled ON articles (status, published_at) WHERE status = 'scheduled';
