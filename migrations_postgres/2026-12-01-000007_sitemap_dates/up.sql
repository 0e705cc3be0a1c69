-- PostgreSQL twin of migrations/2026-12-01-000007_sitemap_dates (same SQL where both backends read it alike).
-- When each sitemap entry last changed, kept by the change path (src/changes.rs) so the sitemap
-- index and the pages sitemap never scan the archive. A missing row is computed from the
-- articles once (when first asked for) and stored; a change writes the time it happened.

-- Listing pages: 'home', 'section:3', 'author:7', 'tag:9'.
CREATE TABLE listing_dates (
    listing TEXT PRIMARY KEY NOT NULL,
    last_modified TIMESTAMP NOT NULL
);

-- Article sitemap files: published articles with ids in (number * chunk_size, (number + 1) * chunk_size].
-- Keyed by the chunk size too, so changing the setting only means computing new rows once.
CREATE TABLE sitemap_chunk_dates (
    chunk_size BIGINT NOT NULL,
    number BIGINT NOT NULL,
    last_modified TIMESTAMP NOT NULL,
    PRIMARY KEY (chunk_size, number)
);
