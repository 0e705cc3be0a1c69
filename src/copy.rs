//! `gazette copy --from … --to …`: a whole newsroom moved between databases (SQLite to
//! PostgreSQL when it outgrows one machine, or back): sections, authors, tags, staff accounts
//! with their password hashes, media records, articles with their text, bylines, tags,
//! revisions, former addresses, related lists, the audit log, view counts, editors'
//! autosaves, standalone pages with their revisions, redirects and what importers made of
//! each object they brought in. Not sessions or login throttling (staff log in again). What
//! is derived from the articles (search index, vocabulary, sitemap dates) is rebuilt on the
//! target through the change path, and every table's rows are counted on both sides at the
//! end.
//!
//! The source is read in one transaction (a consistent snapshot while the site serves); the
//! target is written in one, so a failed copy leaves it empty. The target must be empty.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet, Progress};
use crate::db::DbConnection;

/// Rows read and written per statement (21 columns × 500 stays under either backend's limit
/// on bound values).
const BATCH: i64 = 500;

/// Rows copied per table, in the order copied.
#[derive(Debug, Default)]
pub struct Copied {
    pub tables: Vec<(&'static str, i64)>,
}

/// Why a copy did not happen or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target already holds a newsroom ({0}); copy into an empty database")]
    TargetNotEmpty(String),
    #[error("{table}: {copied} rows copied but {found} found on the target")]
    CountMismatch {
        table: &'static str,
        copied: i64,
        found: i64,
    },
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Copies one table in primary-key order, `BATCH` rows at a time. Written out per table with
/// its columns and their Rust types, from `schema.rs`.
macro_rules! copy_table {
    ($from:ident, $to:ident, $copied:ident, $progress:ident,
     $table:ident, [$($key:ident),+], { $($column:ident: $type:ty),+ $(,)? }) => {{
        use crate::schema::$table as t;
        let total: i64 = t::table.count().get_result($from)?;
        let mut done: i64 = 0;
        while done < total {
            let rows: Vec<($($type,)+)> = t::table
                .select(($(t::$column,)+))
                .order(($(t::$key,)+))
                .limit(BATCH)
                .offset(done)
                .load($from)?;
            if rows.is_empty() {
                break;
            }
            done += rows.len() as i64;
            let values: Vec<_> = rows
                .into_iter()
                .map(|($($column,)+)| ($(t::$column.eq($column),)+))
                .collect();
            crate::on_each_backend!(&mut *$to, |inner| diesel::insert_into(t::table)
                .values(&values)
                .execute(inner))?;
            $progress(stringify!($table), done as u64, total as u64);
        }
        $copied.tables.push((stringify!($table), total));
    }};
}

/// Copies the newsroom in `from` into the empty database `to` (both migrated), reporting
/// (table, done, total) as it goes.
pub fn copy(
    from: &mut DbConnection,
    to: &mut DbConnection,
    now: NaiveDateTime,
    mut progress: Progress<'_>,
) -> Result<Copied, CopyError> {
    let held = existing_newsroom(to)?;
    if !held.is_empty() {
        return Err(CopyError::TargetNotEmpty(held));
    }
    let copied = from.transaction::<_, CopyError, _>(|from| {
        if let DbConnection::Postgres(_) = from {
            // One snapshot for every table, as SQLite's read transaction gives.
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(from)?;
        }
        crate::db::write_transaction(to, |to| {
            let copied = copy_tables(from, to, &mut progress)?;
            continue_numbering(to, &copied)?;
            // Search index and vocabulary, derived on the target.
            let mut changes = ChangeSet::bulk(now).with_progress(Box::new(&mut progress));
            changes.record(to, Change::ArchiveLoaded)?;
            drop(changes);
            // Sitemap dates record when a listing last changed (an article leaving it, say),
            // which the articles alone do not tell: the source's replace the ones derived.
            let mut copied = copied;
            copy_sitemap_dates(from, to, &mut copied, &mut progress)?;
            Ok(copied)
        })
    })?;
    // Fresh statistics for the query planner (either backend): PostgreSQL planned a freshly
    // filled table as if it held a few rows, and sorted a section's every article per page.
    // On PostgreSQL, VACUUM also marks every page all-visible, so counts and listings answer
    // from their indexes alone instead of visiting every row until autovacuum comes by (a
    // section page's count at 100,000 articles). Both run outside the copy's transaction.
    let statistics = match to {
        crate::db::DbConnection::Postgres(_) => "VACUUM ANALYZE",
        crate::db::DbConnection::Sqlite(_) => "ANALYZE",
    };
    diesel::sql_query(statistics).execute(to)?;
    for (table, rows) in &copied.tables {
        let found = count(to, table)?;
        if found != *rows {
            return Err(CopyError::CountMismatch {
                table,
                copied: *rows,
                found,
            });
        }
    }
    Ok(copied)
}

/// Every table of a newsroom with its columns and their Rust types (from `schema.rs`), in an
/// order that puts referenced tables before the tables that reference them: the one list that
/// `gazette copy`, `gazette export` and `gazette import gazette` all go through. Calls
/// `$action!($args, table, [key columns], { column: Type, … })` for each.
macro_rules! newsroom_tables {
    ($action:ident, $($args:tt)*) => {{
        $action!($($args)*, sections, [id], { id: i32, name: String, slug: String, description: String, position: i32, created_at: NaiveDateTime, updated_at: NaiveDateTime });
        $action!($($args)*, authors, [id], { id: i32, name: String, slug: String, job_title: String, bio: String, avatar_url: Option<String>, website_url: Option<String>, email: Option<String>, x_handle: Option<String>, mastodon_url: Option<String>, linkedin_url: Option<String>, created_at: NaiveDateTime, updated_at: NaiveDateTime });
        $action!($($args)*, tags, [id], { id: i32, name: String, slug: String, description: String });
        $action!($($args)*, users, [id], { id: i32, email: String, name: String, role: String, password_hash: String, author_id: Option<i32>, created_at: NaiveDateTime, updated_at: NaiveDateTime, must_change_password: bool });
        $action!($($args)*, media, [id], { id: i32, stem: String, extension: String, original_name: String, width: i32, height: i32, bytes: i32, alt: String, credit: String, uploaded_by: Option<i32>, created_at: NaiveDateTime, caption: String });
        $action!($($args)*, articles, [id], { id: i32, headline: String, slug: String, dek: String, word_count: i32, hero_image_url: Option<String>, hero_image_alt: String, hero_image_caption: String, hero_image_credit: String, hero_image_width: Option<i32>, hero_image_height: Option<i32>, section_id: i32, status: String, is_featured: bool, published_at: Option<NaiveDateTime>, created_at: NaiveDateTime, updated_at: NaiveDateTime, seo_title: String, seo_description: String, created_by: Option<i32>, revision: i32 });
        $action!($($args)*, article_bodies, [article_id], { article_id: i32, body_markdown: String, body_html: String });
        $action!($($args)*, article_authors, [article_id, author_id], { article_id: i32, author_id: i32, position: i32, listed_at: Option<NaiveDateTime> });
        $action!($($args)*, article_tags, [article_id, tag_id], { article_id: i32, tag_id: i32, listed_at: Option<NaiveDateTime> });
        $action!($($args)*, article_revisions, [id], { id: i32, article_id: i32, number: i32, user_id: Option<i32>, headline: String, slug: String, dek: String, body_markdown: String, settings: String, created_at: NaiveDateTime });
        $action!($($args)*, article_slug_history, [slug], { slug: String, article_id: i32, created_at: NaiveDateTime });
        $action!($($args)*, article_related, [article_id, related_id], { article_id: i32, related_id: i32, position: i32 });
        $action!($($args)*, article_pinned_related, [article_id, related_id], { article_id: i32, related_id: i32, position: i32 });
        $action!($($args)*, article_trash, [article_id], { article_id: i32, trashed_at: NaiveDateTime, trashed_by: Option<i32> });
        $action!($($args)*, audit_log, [id], { id: i32, at: NaiveDateTime, user_id: Option<i32>, action: String, subject: String, detail: String, address: String });
        $action!($($args)*, article_daily_views, [article_id, day], { article_id: i32, day: NaiveDate, views: i32 });
        $action!($($args)*, article_autosaves, [article_id, user_id], { article_id: i32, user_id: i32, form: String, base_revision: i32, saved_at: NaiveDateTime });
        $action!($($args)*, pages, [id], { id: i32, title: String, slug: String, body_markdown: String, body_html: String, seo_title: String, seo_description: String, status: String, menu_position: Option<i32>, published_at: Option<NaiveDateTime>, created_at: NaiveDateTime, updated_at: NaiveDateTime });
        $action!($($args)*, page_revisions, [id], { id: i32, page_id: i32, number: i32, user_id: Option<i32>, title: String, slug: String, body_markdown: String, seo_title: String, seo_description: String, status: String, created_at: NaiveDateTime });
        $action!($($args)*, redirects, [id], { id: i32, from_path: String, to_path: String, origin: String, created_at: NaiveDateTime });
        $action!($($args)*, import_origins, [source, kind, source_id], { source: String, kind: String, source_id: String, target_id: i32 });
    }};
}
pub(crate) use newsroom_tables;

fn copy_tables(
    from: &mut DbConnection,
    to: &mut DbConnection,
    progress: &mut Progress<'_>,
) -> QueryResult<Copied> {
    let mut copied = Copied::default();
    newsroom_tables!(copy_table, from, to, copied, progress);
    Ok(copied)
}

fn copy_sitemap_dates(
    from: &mut DbConnection,
    to: &mut DbConnection,
    copied: &mut Copied,
    progress: &mut Progress<'_>,
) -> QueryResult<()> {
    use crate::schema::{listing_dates, sitemap_chunk_dates};
    diesel::delete(listing_dates::table).execute(to)?;
    diesel::delete(sitemap_chunk_dates::table).execute(to)?;
    copy_table!(from, to, copied, progress, listing_dates, [listing], { listing: String, last_modified: NaiveDateTime });
    copy_table!(from, to, copied, progress, sitemap_chunk_dates, [chunk_size, number], { chunk_size: i64, number: i64, last_modified: NaiveDateTime });
    Ok(())
}

/// What the target already holds of a newsroom, described ("" when empty).
pub(crate) fn existing_newsroom(to: &mut DbConnection) -> QueryResult<String> {
    let mut held = Vec::new();
    for table in ["sections", "authors", "articles", "users", "media"] {
        let rows = count(to, table)?;
        if rows > 0 {
            held.push(format!("{rows} {table}"));
        }
    }
    Ok(held.join(", "))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Rows in `table` (one of the fixed names above, never input).
fn count(conn: &mut DbConnection, table: &str) -> QueryResult<i64> {
    Ok(
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(conn)?
            .n,
    )
}

/// PostgreSQL hands out ids from a sequence, which explicit ids do not advance: each starts
/// after the highest copied id, so the next article saved does not collide. (SQLite takes the
/// highest id plus one by itself.)
pub(crate) fn continue_numbering(to: &mut DbConnection, copied: &Copied) -> QueryResult<()> {
    if let DbConnection::Postgres(_) = to {
        for (table, _) in &copied.tables {
            if matches!(
                *table,
                "sections"
                    | "authors"
                    | "tags"
                    | "users"
                    | "media"
                    | "articles"
                    | "article_revisions"
                    | "audit_log"
                    | "pages"
                    | "page_revisions"
                    | "redirects"
            ) {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL)
                     FROM {table}"
                ))
                .execute(to)?;
            }
        }
    }
    Ok(())
}
