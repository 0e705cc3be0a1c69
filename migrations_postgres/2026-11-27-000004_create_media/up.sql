-- PostgreSQL twin of migrations/2026-11-27-000004_create_media (same SQL where both backends read it alike).
-- Uploaded images. Each is stored re-encoded (metadata dropped) under the media folder as
-- <stem>.<ext> (at most 1600 wide), <stem>-480w / -960w (narrower copies for srcset) and the
-- <stem>-4x3 / -1x1 centre crops (see src/media.rs).
CREATE TABLE media (
    id SERIAL PRIMARY KEY,
    stem TEXT NOT NULL UNIQUE,
    extension TEXT NOT NULL CHECK (extension IN ('jpg', 'png')),
    original_name TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    credit TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_created ON media (created_at DESC);
