//! What the sitemaps list, answered without scanning the archive: published articles in stable
//! id-range chunks, the listing pages (home, sections, authors, tags) and the last two days of
//! news. When each chunk and listing last changed is stored (`sitemap_chunk_dates`,
//! `listing_dates`): the change path writes the time of each change, and a date never written
//! is computed from the articles once and kept.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::{exists, max};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::ArticleStatus;
use crate::models::page::Page;
use crate::schema::{
    article_authors, article_tags, articles, authors, listing_dates, sections, sitemap_chunk_dates,
    tags,
};

/// Most URLs one sitemap file may list (the sitemap protocol's limit).
pub const MOST_URLS_PER_FILE: i64 = 50_000;

/// Article URLs in one sitemap file unless set otherwise: WordPress's own sitemaps' size. Every
/// publish dates the newest file again, and a crawler then fetches it whole; at 50,000 URLs that
/// file was rendered and compressed in 0.6 s after each publish and sent as 1.8 MB of brotli (its
/// `tools/bench` row: p99 250 ms, and the server's peak memory), at 2,000 it is 25 times smaller.
pub const DEFAULT_URLS_PER_FILE: i64 = 2_000;

/// One article sitemap file: the published articles with ids in
/// `(number * size, (number + 1) * size]`. Chunking by id, not by position, keeps each file's
/// content stable: it changes only when one of its own articles does.
#[derive(Debug)]
pub struct ArticleChunk {
    pub number: i64,
    pub last_modified: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub path: String,
    pub last_modified: Option<NaiveDateTime>,
}

pub struct NewsItem {
    pub path: String,
    pub title: String,
    pub published_at: NaiveDateTime,
}

/// A listing page the sitemaps list, and the key its date is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListingKey {
    Home,
    Section(i32),
    Author(i32),
    Tag(i32),
}

impl ListingKey {
    fn stored(&self) -> String {
        match self {
            ListingKey::Home => "home".into(),
            ListingKey::Section(id) => format!("section:{id}"),
            ListingKey::Author(id) => format!("author:{id}"),
            ListingKey::Tag(id) => format!("tag:{id}"),
        }
    }
}

/// Notes that `listing` changed at `now` (an article entered, left or changed on it, or its own
/// record changed).
pub fn touch_listing(
    conn: &mut DbConnection,
    listing: ListingKey,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let listing = listing.stored();
    crate::on_each_backend!(conn, |inner| diesel::insert_into(listing_dates::table)
        .values((
            listing_dates::listing.eq(&listing),
            listing_dates::last_modified.eq(now),
        ))
        .on_conflict(listing_dates::listing)
        .do_update()
        .set(listing_dates::last_modified.eq(now))
        .execute(inner))?;
    Ok(())
}

/// Notes that the article sitemap file listing `article_id` changed at `now`, whatever the
/// chunk size (a size never asked for has no row; it is computed when first asked for).
pub fn touch_article(
    conn: &mut DbConnection,
    article_id: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sitemap_chunk_dates::table)
        .filter(sitemap_chunk_dates::number.eq(
            (i64::from(article_id) - 1).into_sql::<diesel::sql_types::BigInt>()
                / sitemap_chunk_dates::chunk_size,
        ))
        .set(sitemap_chunk_dates::last_modified.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Dates every listing and article sitemap file again from the articles, after a bulk load
/// (whose saves did not date them one by one), while bulk work is expected to take time rather
/// than when the first crawler asks: at 1,000,000 articles the sitemap index's first answer
/// took over 5 s. Article files are dated for each chunk size asked for before (the servers'
/// setting) and for the default one.
pub fn date_again(conn: &mut DbConnection) -> QueryResult<()> {
    let mut sizes: Vec<i64> = sitemap_chunk_dates::table
        .select(sitemap_chunk_dates::chunk_size)
        .distinct()
        .load(conn)?;
    sizes.push(DEFAULT_URLS_PER_FILE);
    sizes.sort_unstable();
    sizes.dedup();
    diesel::delete(listing_dates::table).execute(conn)?;
    diesel::delete(sitemap_chunk_dates::table).execute(conn)?;
    listing_pages(conn)?;
    for size in sizes {
        article_chunks(conn, size)?;
    }
    Ok(())
}

fn id_range(number: i64, size: i64) -> (i32, i32) {
    let first = number.saturating_mul(size);
    let clamp = |n: i64| n.clamp(0, i64::from(i32::MAX)) as i32;
    (clamp(first), clamp(first.saturating_add(size)))
}

/// The chunks holding a published article, with when each last changed. One indexed lookup per
/// chunk (`articles_id_status_published`), plus the archive's rows of one chunk for a date not
/// yet stored.
pub fn article_chunks(conn: &mut DbConnection, size: i64) -> QueryResult<Vec<ArticleChunk>> {
    let newest_id: Option<i32> = articles::table.select(max(articles::id)).first(conn)?;
    let Some(newest_id) = newest_id else {
        return Ok(Vec::new());
    };
    let stored: HashMap<i64, NaiveDateTime> = sitemap_chunk_dates::table
        .filter(sitemap_chunk_dates::chunk_size.eq(size))
        .select((
            sitemap_chunk_dates::number,
            sitemap_chunk_dates::last_modified,
        ))
        .load(conn)?
        .into_iter()
        .collect();
    let mut chunks = Vec::new();
    for number in 0..=(i64::from(newest_id) - 1) / size {
        let (after, until) = id_range(number, size);
        let published = articles::table
            .filter(articles::id.gt(after).and(articles::id.le(until)))
            .filter(articles::status.eq(ArticleStatus::Published));
        let last_modified = match stored.get(&number) {
            Some(date) => {
                let any: bool =
                    diesel::select(exists(published.select(articles::id))).get_result(conn)?;
                any.then_some(*date)
            }
            None => {
                let newest: Option<NaiveDateTime> =
                    published.select(max(articles::updated_at)).first(conn)?;
                if let Some(date) = newest {
                    crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
                        sitemap_chunk_dates::table
                    )
                    .values((
                        sitemap_chunk_dates::chunk_size.eq(size),
                        sitemap_chunk_dates::number.eq(number),
                        sitemap_chunk_dates::last_modified.eq(date),
                    ))
                    .on_conflict_do_nothing()
                    .execute(inner))?;
                }
                newest
            }
        };
        if let Some(last_modified) = last_modified {
            chunks.push(ArticleChunk {
                number,
                last_modified,
            });
        }
    }
    Ok(chunks)
}

pub fn articles_in_chunk(
    conn: &mut DbConnection,
    number: i64,
    size: i64,
) -> QueryResult<Vec<SitemapUrl>> {
    let (after, until) = id_range(number, size);
    let rows: Vec<(String, NaiveDateTime)> = articles::table
        .filter(articles::status.eq(ArticleStatus::Published))
        .filter(articles::id.gt(after))
        .filter(articles::id.le(until))
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

/// Everything the pages sitemap lists: the listing pages, then the published standalone pages
/// (About, Contact, …) with when each was last saved.
pub fn pages(conn: &mut DbConnection) -> QueryResult<Vec<SitemapUrl>> {
    let mut urls = listing_pages(conn)?;
    urls.extend(
        Page::published(conn)?
            .into_iter()
            .map(|(slug, updated_at)| SitemapUrl {
                path: format!("/{slug}"),
                last_modified: Some(updated_at),
            }),
    );
    Ok(urls)
}

/// Home, section, author and tag pages that have published articles, each with when it last
/// changed. One indexed existence check per section, author and tag; a date not yet stored is
/// computed from that listing's articles once.
pub fn listing_pages(conn: &mut DbConnection) -> QueryResult<Vec<SitemapUrl>> {
    let published = articles::status.eq(ArticleStatus::Published);
    let any_published: bool = diesel::select(exists(
        articles::table.filter(published).select(articles::id),
    ))
    .get_result(conn)?;
    let mut listed: Vec<(ListingKey, String)> = Vec::new();
    if any_published {
        listed.push((ListingKey::Home, "/".into()));
    }
    let section_rows: Vec<(i32, String)> = sections::table
        .filter(exists(
            articles::table
                .filter(articles::section_id.eq(sections::id))
                .filter(published)
                .select(articles::id),
        ))
        .order(sections::id)
        .select((sections::id, sections::slug))
        .load(conn)?;
    listed.extend(
        section_rows
            .into_iter()
            .map(|(id, slug)| (ListingKey::Section(id), format!("/section/{slug}"))),
    );
    let author_rows: Vec<(i32, String)> = authors::table
        .filter(exists(
            article_authors::table
                .inner_join(articles::table)
                .filter(article_authors::author_id.eq(authors::id))
                .filter(published)
                .select(articles::id),
        ))
        .order(authors::id)
        .select((authors::id, authors::slug))
        .load(conn)?;
    listed.extend(
        author_rows
            .into_iter()
            .map(|(id, slug)| (ListingKey::Author(id), format!("/author/{slug}"))),
    );
    let tag_rows: Vec<(i32, String)> = tags::table
        .filter(exists(
            article_tags::table
                .inner_join(articles::table)
                .filter(article_tags::tag_id.eq(tags::id))
                .filter(published)
                .select(articles::id),
        ))
        .order(tags::id)
        .select((tags::id, tags::slug))
        .load(conn)?;
    listed.extend(
        tag_rows
            .into_iter()
            .map(|(id, slug)| (ListingKey::Tag(id), format!("/tag/{slug}"))),
    );

    let stored: HashMap<String, NaiveDateTime> = listing_dates::table
        .select((listing_dates::listing, listing_dates::last_modified))
        .load(conn)?
        .into_iter()
        .collect();
    let mut urls = Vec::with_capacity(listed.len());
    for (key, path) in listed {
        let last_modified = match stored.get(&key.stored()) {
            Some(date) => Some(*date),
            None => {
                let computed = newest_change(conn, key)?;
                if let Some(date) = computed {
                    touch_listing(conn, key, date)?;
                }
                computed
            }
        };
        urls.push(SitemapUrl {
            path,
            last_modified,
        });
    }
    Ok(urls)
}

/// When a listing's newest published article last changed: the first answer for a listing
/// whose date the change path has not written yet.
fn newest_change(
    conn: &mut DbConnection,
    listing: ListingKey,
) -> QueryResult<Option<NaiveDateTime>> {
    let published = articles::status.eq(ArticleStatus::Published);
    let newest = max(articles::updated_at);
    match listing {
        ListingKey::Home => articles::table.filter(published).select(newest).first(conn),
        ListingKey::Section(id) => articles::table
            .filter(articles::section_id.eq(id))
            .filter(published)
            .select(newest)
            .first(conn),
        ListingKey::Author(id) => article_authors::table
            .inner_join(articles::table)
            .filter(article_authors::author_id.eq(id))
            .filter(published)
            .select(newest)
            .first(conn),
        ListingKey::Tag(id) => article_tags::table
            .inner_join(articles::table)
            .filter(article_tags::tag_id.eq(id))
            .filter(published)
            .select(newest)
            .first(conn),
    }
}

/// Articles published since `since`, newest first.
pub fn news_since(
    conn: &mut DbConnection,
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
