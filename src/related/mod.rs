//! "You May Also Like": which published articles relate to an article. Lists are computed when
//! an article is saved (and for the articles it lists, whose neighbourhood just changed) and
//! stored, so an article page reads one short list; pinned articles always come first.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use crate::db::DbConnection;
use crate::models::Listing;
use crate::schema::article_related;

mod archive;
mod scoring;

use archive::Archive;
use scoring::{Database, compute};

/// How many related articles a page shows, and how many are stored per article.
pub const RELATED: usize = 6;

/// An article's two lists: the editor's pinned articles and the computed one.
#[derive(Clone, Copy)]
enum List {
    Pinned,
    Stored,
}

/// The published articles an article's list names, in order. Written with the query builder,
/// not as SQL text, so each connection prepares it once (diesel caches only statements whose
/// shape it knows; an article page missing the page cache read both lists).
fn published_in_list(
    conn: &mut DbConnection,
    list: List,
    article_id: i32,
) -> QueryResult<Vec<i32>> {
    use crate::models::ArticleStatus;
    use crate::schema::{article_pinned_related, articles};
    macro_rules! published_in {
        ($table:ident) => {
            crate::on_each_backend!(conn, |conn| {
                $table::table
                    .inner_join(articles::table.on(articles::id.eq($table::related_id)))
                    .filter($table::article_id.eq(article_id))
                    .filter(articles::status.eq(ArticleStatus::Published))
                    .order($table::position)
                    .select($table::related_id)
                    .load(conn)
            })
        };
    }
    match list {
        List::Pinned => published_in!(article_pinned_related),
        List::Stored => published_in!(article_related),
    }
}

/// Computes and stores an article's list (an unpublished article keeps none).
pub fn refresh(
    conn: &mut DbConnection,
    subject: &Subject,
    published: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    diesel::delete(article_related::table.filter(article_related::article_id.eq(subject.id)))
        .execute(conn)?;
    if !published {
        return Ok(Vec::new());
    }
    let ids = compute(conn, subject, now, RELATED, &mut Database::default())?;
    store(conn, &[(subject.id, ids.clone())])?;
    Ok(ids)
}

/// Stores lists (an article, the articles it lists in order) of articles that have none.
fn store(conn: &mut DbConnection, lists: &[(i32, Vec<i32>)]) -> QueryResult<()> {
    let rows: Vec<_> = lists
        .iter()
        .flat_map(|(article_id, ids)| {
            ids.iter().enumerate().map(move |(position, id)| {
                (
                    article_related::article_id.eq(*article_id),
                    article_related::related_id.eq(*id),
                    article_related::position.eq(position as i32),
                )
            })
        })
        .collect();
    // Multi-row inserts, built for each backend (`MultiConnection` cannot batch), within
    // SQLite's and PostgreSQL's limits on bound values.
    for chunk in rows.chunks(300) {
        crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
            article_related::table
        )
        .values(chunk)
        .execute(inner))?;
    }
    Ok(())
}

/// Drops the stored lists of these articles; each is computed again when next read.
pub fn forget(conn: &mut DbConnection, article_ids: &[i32]) -> QueryResult<()> {
    for ids in article_ids.chunks(500) {
        diesel::delete(article_related::table.filter(article_related::article_id.eq_any(ids)))
            .execute(conn)?;
    }
    Ok(())
}

/// Computes and stores the list of every published article that has none, in batches of
/// short transactions (readers and editors keep working meanwhile), reporting (done, total).
/// Returns how many lists were computed.
///
/// The archive is read into memory once ([`Archive`]) and the articles to do are picked there:
/// asking the database for each next batch of articles without a list walked the published
/// articles again every time, two fifths of the run at 100,000 articles (perf).
pub fn fill_missing(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    mut progress: impl FnMut(u64, u64),
) -> QueryResult<u64> {
    const BATCH: usize = 200;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let missing = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM articles a WHERE a.status = 'published'
         AND NOT EXISTS (SELECT 1 FROM article_related r WHERE r.article_id = a.id)",
    )
    .get_result::<Count>(conn)?
    .n;
    if missing == 0 {
        return Ok(0);
    }
    let listed: HashSet<i32> = article_related::table
        .select(article_related::article_id)
        .distinct()
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let mut archive = Archive::read(conn)?;
    let to_do: Vec<Subject> = archive
        .published_subjects()
        .into_iter()
        .filter(|subject| !listed.contains(&subject.id))
        .collect();
    let total = to_do.len() as u64;
    let mut done = 0u64;
    for batch in to_do.chunks(BATCH) {
        crate::db::write_transaction(conn, |conn| {
            let mut lists = Vec::with_capacity(batch.len());
            for subject in batch {
                lists.push((
                    subject.id,
                    compute(conn, subject, now, RELATED, &mut archive)?,
                ));
            }
            // A list saved meanwhile (an editor on a live site) gives way to this one.
            let ids: Vec<i32> = batch.iter().map(|subject| subject.id).collect();
            forget(conn, &ids)?;
            store(conn, &lists)
        })?;
        done += batch.len() as u64;
        progress(done, total);
    }
    Ok(done)
}

#[derive(QueryableByName)]
struct SubjectRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    section_id: i32,
}

/// After an article is saved: its own list, and the lists of its neighbours, which may now want
/// to list it: the articles it lists and the newest of its section. Call inside the saving
/// transaction.
pub fn refresh_after_save(
    conn: &mut DbConnection,
    subject: &Subject,
    published: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut neighbours = refresh(conn, subject, published, now)?;
    if !published {
        return Ok(());
    }
    for id in
        Listing::InSection(subject.section_id).ids(conn, Some(subject.id), NEWEST_NEIGHBOURS, 0)?
    {
        if !neighbours.contains(&id) {
            neighbours.push(id);
        }
    }
    if neighbours.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["?"; neighbours.len()].join(", ");
    let mut query = diesel::sql_query(crate::db::sql(conn, &format!(
        "SELECT id, section_id FROM articles WHERE status = 'published' AND id IN ({placeholders})"
    )))
    .into_boxed();
    for id in &neighbours {
        query = query.bind::<Integer, _>(*id);
    }
    for neighbour in query.load::<SubjectRow>(conn)? {
        refresh(
            conn,
            &Subject {
                id: neighbour.id,
                section_id: neighbour.section_id,
            },
            true,
            now,
        )?;
    }
    Ok(())
}

/// What "You May Also Like" shows: pinned articles first (in the editor's order), then the
/// stored list; an article found without one (written in bulk, or its list forgotten after a
/// move) gets one computed and stored now, once. Never the article itself, never an
/// unpublished one.
pub fn for_page(
    conn: &mut DbConnection,
    subject: &Subject,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    let mut chosen = published_in_list(conn, List::Pinned, subject.id)?;
    let mut listed = published_in_list(conn, List::Stored, subject.id)?;
    if listed.is_empty() {
        listed = crate::db::write_transaction(conn, |conn| refresh(conn, subject, true, now))?;
    }
    fill_up(
        &mut chosen,
        listed.into_iter().filter(|id| *id != subject.id),
        RELATED,
    );
    if chosen.len() < RELATED {
        let newest = Listing::InSection(subject.section_id).ids(
            conn,
            Some(subject.id),
            (RELATED * 2) as i64,
            0,
        )?;
        fill_up(&mut chosen, newest, RELATED);
    }
    Ok(chosen)
}

/// What "You May Also Like" would show for an article not (yet) published: pinned articles
/// first, then a list computed for this request and not stored.
pub fn for_preview(
    conn: &mut DbConnection,
    subject: &Subject,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    let mut chosen = published_in_list(conn, List::Pinned, subject.id)?;
    let computed = compute(conn, subject, now, RELATED, &mut Database::default())?;
    fill_up(&mut chosen, computed, RELATED);
    Ok(chosen)
}

/// Appends the ids not chosen yet, in their order, until `chosen` holds `limit`.
fn fill_up(chosen: &mut Vec<i32>, ids: impl IntoIterator<Item = i32>, limit: usize) {
    for id in ids {
        if chosen.len() >= limit {
            break;
        }
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
}

/// When an article is saved, this many of the newest in its section recompute their lists.
const NEWEST_NEIGHBOURS: i64 = 5;

/// The article an editor or reader is looking at, as related-article scoring needs it.
pub struct Subject {
    pub id: i32,
    pub section_id: i32,
}
