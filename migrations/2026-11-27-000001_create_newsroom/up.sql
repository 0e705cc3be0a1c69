-- The newsroom: sections, authors, articles with ordered bylines, tags, old slugs and daily readership.
-- Timestamps are UTC, stored as ISO-8601 text by diesel on SQLite (TIMESTAMP on PostgreSQL).

CREATE TABLE sections (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sections_position ON sections (position, name);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    job_title TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    avatar_url TEXT,
    website_url TEXT,
    email TEXT,
    x_handle TEXT,
    mastodon_url TEXT,
    linkedin_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY NOT NULL,
    headline TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    dek TEXT NOT NULL DEFAULT '',
    body_markdown TEXT NOT NULL DEFAULT '',
    -- Rendered and sanitized when the article is saved, never at read time.
    body_html TEXT NOT NULL DEFAULT '',
    word_count INTEGER NOT NULL DEFAULT 0,
    hero_image_url TEXT,
    hero_image_alt TEXT NOT NULL DEFAULT '',
    hero_image_caption TEXT NOT NULL DEFAULT '',
    hero_image_credit TEXT NOT NULL DEFAULT '',
    hero_image_width INTEGER,
    hero_image_height INTEGER,
    section_id INTEGER NOT NULL REFERENCES sections (id),
    -- The whole editorial workflow is allowed here so later stages need no table rebuild.
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'unpublished')),
    is_featured BOOLEAN NOT NULL DEFAULT FALSE,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Home page, feeds and "Latest": newest published first.
CREATE INDEX articles_status_published ON articles (status, published_at DESC);
-- Section pages and "Latest in section".
CREATE INDEX articles_section_status_published ON articles (section_id, status, published_at DESC);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, author_id)
);
-- Author pages and "More from this author".
CREATE INDEX article_authors_author ON article_authors (author_id, article_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE
);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
-- Tag pages and related articles by shared tags.
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

-- An article whose slug changed keeps answering at every old URL with a 301.
CREATE TABLE article_slug_history (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

-- Page views, counted in memory and flushed in batches: one row per article per day.
CREATE TABLE article_daily_views (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);
CREATE INDEX article_daily_views_day ON article_daily_views (day, article_id);
