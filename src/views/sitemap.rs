//! What the sitemaps list: published articles in stable id-range chunks, the listing pages
//! (home, sections, authors, tags) and the last two days of news.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::models::ArticleStatus;
use crate::schema::articles;

/// One article sitemap file: the published articles with ids in
/// `(number * size, (number + 1) * size]`. Chunking by id, not by position, keeps each file's
/// content stable: it changes only when one of its own articles does.
#[derive(Debug, QueryableByName)]
pub struct ArticleChunk {
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = Timestamp)]
    pub last_modified: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub path: String,
    pub last_modified: Option<NaiveDateTime>,
}

#[derive(Debug, QueryableByName)]
struct PathRow {
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    last_modified: Option<NaiveDateTime>,
}

pub struct NewsItem {
    pub path: String,
    pub title: String,
    pub published_at: NaiveDateTime,
}

pub fn article_chunks(conn: &mut SqliteConnection, size: i64) -> QueryResult<Vec<ArticleChunk>> {
    diesel::sql_query(
        "SELECT (id - 1) / ? AS number, MAX(updated_at) AS last_modified
         FROM articles WHERE status = 'published'
         GROUP BY (id - 1) / ? ORDER BY number",
    )
    .bind::<BigInt, _>(size)
    .bind::<BigInt, _>(size)
    .load(conn)
}

pub fn articles_in_chunk(
    conn: &mut SqliteConnection,
    number: i64,
    size: i64,
) -> QueryResult<Vec<SitemapUrl>> {
    let first = number.saturating_mul(size);
    let rows: Vec<(String, NaiveDateTime)> = articles::table
        .filter(articles::status.eq(ArticleStatus::Published))
        .filter(articles::id.gt(first.clamp(0, i32::MAX as i64) as i32))
        .filter(articles::id.le(first.saturating_add(size).clamp(0, i32::MAX as i64) as i32))
        .order(articles::id)
        .select((articles::slug, articles::updated_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, updated)| SitemapUrl {
            path: format!("/article/{slug}"),
            last_modified: Some(updated),
        })
        .collect())
}

/// Home, section, author and tag pages that have published articles, each last modified when
/// its newest change was.
pub fn listing_pages(conn: &mut SqliteConnection) -> QueryResult<Vec<SitemapUrl>> {
    let rows: Vec<PathRow> = diesel::sql_query(
        "SELECT '/' AS path, MAX(updated_at) AS last_modified
           FROM articles WHERE status = 'published'
         UNION ALL
         SELECT '/section/' || s.slug, MAX(a.updated_at)
           FROM sections s JOIN articles a ON a.section_id = s.id AND a.status = 'published'
           GROUP BY s.id, s.slug
         UNION ALL
         SELECT '/author/' || au.slug, MAX(a.updated_at)
           FROM authors au
           JOIN article_authors aa ON aa.author_id = au.id
           JOIN articles a ON a.id = aa.article_id AND a.status = 'published'
           GROUP BY au.id, au.slug
         UNION ALL
         SELECT '/tag/' || t.slug, MAX(a.updated_at)
           FROM tags t
           JOIN article_tags at ON at.tag_id = t.id
           JOIN articles a ON a.id = at.article_id AND a.status = 'published'
           GROUP BY t.id, t.slug",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| SitemapUrl {
            path: row.path,
            last_modified: row.last_modified,
        })
        .collect())
}

/// Articles published since `since`, newest first.
pub fn news_since(
    conn: &mut SqliteConnection,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<NewsItem>> {
    let rows: Vec<(String, String, Option<NaiveDateTime>)> = articles::table
        .filter(articles::status.eq(ArticleStatus::Published))
        .filter(articles::published_at.ge(since))
        .order(articles::published_at.desc())
        .limit(limit)
        .select((articles::slug, articles::headline, articles::published_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, title, published_at)| NewsItem {
            path: format!("/article/{slug}"),
            title,
            published_at: published_at.unwrap_or_default(),
        })
        .collect())
}
