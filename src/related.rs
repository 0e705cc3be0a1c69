//! "You May Also Like": which published articles relate to an article. Lists are computed when
//! an article is saved (and for the articles it lists, whose neighbourhood just changed) and
//! stored, so an article page reads one short list; pinned articles always come first.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use crate::db::DbConnection;
use crate::models::Listing;
use crate::schema::{article_related, article_tags};
use crate::search;

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// How many related articles a page shows, and how many are stored per article.
pub const RELATED: usize = 6;

/// The published articles an article's list in `list_table` (pinned or stored) names, in order.
fn published_in_list(
    conn: &mut DbConnection,
    list_table: &str,
    article_id: i32,
) -> QueryResult<Vec<i32>> {
    let text = crate::db::sql(
        conn,
        &format!(
            "SELECT l.related_id AS id FROM {list_table} l
         JOIN articles a ON a.id = l.related_id AND a.status = 'published'
         WHERE l.article_id = ? ORDER BY l.position"
        ),
    );
    let rows = crate::on_each_backend!(conn, |conn| {
        diesel::sql_query(&text)
            .bind::<Integer, _>(article_id)
            .load::<IdRow>(conn)
    })?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// How many articles carry each tag and hold each word, counted once per run: a bulk run over
/// the archive asks for each once instead of once per article (a common tag has tens of
/// thousands of articles, a common word the whole archive).
#[derive(Debug, Default)]
pub struct Counts {
    tags: HashMap<i32, i64>,
    words: search::WordCounts,
    /// The archive's size for the rarity weight: the highest id, a close, O(1) estimate.
    archive: Option<i64>,
}

impl Counts {
    fn tag(&mut self, conn: &mut DbConnection, tag_id: i32) -> QueryResult<i64> {
        if let Some(count) = self.tags.get(&tag_id) {
            return Ok(*count);
        }
        let count: i64 = article_tags::table
            .filter(article_tags::tag_id.eq(tag_id))
            .count()
            .get_result(conn)?;
        self.tags.insert(tag_id, count);
        Ok(count)
    }

    fn archive(&mut self, conn: &mut DbConnection) -> QueryResult<i64> {
        if let Some(size) = self.archive {
            return Ok(size);
        }
        let size = diesel::sql_query(
            "SELECT CAST(COALESCE(MAX(id), 1) AS BIGINT) AS articles, 0 AS tag_id FROM articles",
        )
        .get_result::<TagRow>(conn)?
        .articles
        .max(1);
        self.archive = Some(size);
        Ok(size)
    }
}

/// Computes and stores an article's list (an unpublished article keeps none).
pub fn refresh(
    conn: &mut DbConnection,
    subject: &Subject,
    published: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    refresh_counting(conn, subject, published, now, &mut Counts::default())
}

fn refresh_counting(
    conn: &mut DbConnection,
    subject: &Subject,
    published: bool,
    now: NaiveDateTime,
    counts: &mut Counts,
) -> QueryResult<Vec<i32>> {
    diesel::delete(article_related::table.filter(article_related::article_id.eq(subject.id)))
        .execute(conn)?;
    if !published {
        return Ok(Vec::new());
    }
    let ids = compute(conn, subject, now, RELATED, counts)?;
    let rows: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(position, id)| {
            (
                article_related::article_id.eq(subject.id),
                article_related::related_id.eq(*id),
                article_related::position.eq(position as i32),
            )
        })
        .collect();
    // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
    crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
        article_related::table
    )
    .values(&rows)
    .execute(inner))?;
    Ok(ids)
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
pub fn fill_missing(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    mut progress: impl FnMut(u64, u64),
) -> QueryResult<u64> {
    const BATCH: i64 = 200;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    const MISSING: &str = "FROM articles a WHERE a.status = 'published'
         AND NOT EXISTS (SELECT 1 FROM article_related r WHERE r.article_id = a.id)";
    let total = diesel::sql_query(crate::db::sql(
        conn,
        &format!("SELECT COUNT(*) AS n {MISSING}"),
    ))
    .get_result::<Count>(conn)?
    .n as u64;
    let mut done = 0u64;
    let mut after_id = 0;
    let mut counts = Counts::default();
    loop {
        let batch: Vec<SubjectRow> = diesel::sql_query(crate::db::sql(
            conn,
            &format!(
                "SELECT a.id AS id, a.section_id AS section_id {MISSING} AND a.id > ?
             ORDER BY a.id LIMIT ?"
            ),
        ))
        .bind::<Integer, _>(after_id)
        .bind::<BigInt, _>(BATCH)
        .load(conn)?;
        let Some(last) = batch.last() else { break };
        after_id = last.id;
        crate::db::write_transaction(conn, |conn| {
            for row in &batch {
                let subject = Subject {
                    id: row.id,
                    section_id: row.section_id,
                };
                refresh_counting(conn, &subject, true, now, &mut counts)?;
            }
            Ok::<_, diesel::result::Error>(())
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
    let mut chosen = published_in_list(conn, "article_pinned_related", subject.id)?;
    let mut listed = published_in_list(conn, "article_related", subject.id)?;
    if listed.is_empty() {
        listed = crate::db::write_transaction(conn, |conn| refresh(conn, subject, true, now))?;
    }
    for id in listed {
        if chosen.len() >= RELATED {
            break;
        }
        if !chosen.contains(&id) && id != subject.id {
            chosen.push(id);
        }
    }
    if chosen.len() < RELATED {
        for id in Listing::InSection(subject.section_id).ids(
            conn,
            Some(subject.id),
            (RELATED * 2) as i64,
            0,
        )? {
            if chosen.len() >= RELATED {
                break;
            }
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
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
    let mut chosen = published_in_list(conn, "article_pinned_related", subject.id)?;
    for id in compute(conn, subject, now, RELATED, &mut Counts::default())? {
        if chosen.len() >= RELATED {
            break;
        }
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    Ok(chosen)
}

/// How much each signal counts in the related score (each signal is scaled to 0..=1 first).
const TAG_WEIGHT: f64 = 2.0;
const TEXT_WEIGHT: f64 = 1.5;
const SECTION_WEIGHT: f64 = 0.5;
const RECENCY_WEIGHT: f64 = 0.5;
/// Candidates taken from each shared tag (the newest) and from text similarity.
const PER_TAG_CANDIDATES: i64 = 100;
const TEXT_CANDIDATES: i64 = 30;
const SECTION_CANDIDATES: i64 = 20;
/// When an article is saved, this many of the newest in its section recompute their lists.
const NEWEST_NEIGHBOURS: i64 = 5;

#[derive(QueryableByName)]
struct TagRow {
    #[diesel(sql_type = Integer)]
    tag_id: i32,
    #[diesel(sql_type = BigInt)]
    articles: i64,
}

/// A published article competing for a place in a list.
#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = diesel::sql_types::Double)]
    age_days: f64,
}

/// The article an editor or reader is looking at, as related-article scoring needs it.
pub struct Subject {
    pub id: i32,
    pub section_id: i32,
}

/// Published articles ranked by shared tags (rarer tags weigh more), text similarity (the
/// article's most distinctive words as an FTS query), same section and recency; topped up with
/// the newest of its section when too few are related. Never the article itself.
pub fn compute(
    conn: &mut DbConnection,
    subject: &Subject,
    now: NaiveDateTime,
    limit: usize,
    counts: &mut Counts,
) -> QueryResult<Vec<i32>> {
    let mut chosen: Vec<i32> = Vec::with_capacity(limit);

    // Shared tags, each weighted by how rare it is.
    let tag_ids: Vec<i32> = article_tags::table
        .filter(article_tags::article_id.eq(subject.id))
        .select(article_tags::tag_id)
        .load(conn)?;
    let mut tags = Vec::with_capacity(tag_ids.len());
    for tag_id in tag_ids {
        let articles = counts.tag(conn, tag_id)?;
        tags.push(TagRow { tag_id, articles });
    }
    let total = counts.archive(conn)?;
    let mut tag_score: HashMap<i32, f64> = HashMap::new();
    for tag in &tags {
        let weight = (1.0 + total as f64 / tag.articles.max(1) as f64).ln();
        let sharing: Vec<IdRow> = diesel::sql_query(crate::db::sql(
            conn,
            "SELECT article_id AS id FROM article_tags
             WHERE tag_id = ? AND article_id <> ? ORDER BY article_id DESC LIMIT ?",
        ))
        .bind::<Integer, _>(tag.tag_id)
        .bind::<Integer, _>(subject.id)
        .bind::<BigInt, _>(PER_TAG_CANDIDATES)
        .load(conn)?;
        for row in sharing {
            *tag_score.entry(row.id).or_default() += weight;
        }
    }
    let text_score: HashMap<i32, f64> =
        search::similar_by_text(conn, subject.id, TEXT_CANDIDATES, &mut counts.words)?
            .into_iter()
            .collect();
    // The newest of the same section compete too, on section and recency.
    let same_section = Listing::InSection(subject.section_id).ids(
        conn,
        Some(subject.id),
        SECTION_CANDIDATES,
        0,
    )?;

    let mut candidate_ids: Vec<i32> = tag_score
        .keys()
        .chain(text_score.keys())
        .chain(&same_section)
        .copied()
        .collect();
    candidate_ids.sort_unstable();
    candidate_ids.dedup();
    let candidates = published_candidates(conn, &candidate_ids, now)?;
    let max_of = |scores: &HashMap<i32, f64>| scores.values().copied().fold(0.0_f64, f64::max);
    let (max_tag, max_text) = (max_of(&tag_score), max_of(&text_score));
    let scaled = |score: Option<&f64>, max: f64| {
        if max > 0.0 {
            score.unwrap_or(&0.0) / max
        } else {
            0.0
        }
    };
    let mut scored: Vec<(f64, i32)> = candidates
        .iter()
        .filter(|c| c.id != subject.id)
        .map(|c| {
            let score = TAG_WEIGHT * scaled(tag_score.get(&c.id), max_tag)
                + TEXT_WEIGHT * scaled(text_score.get(&c.id), max_text)
                + if c.section_id == subject.section_id {
                    SECTION_WEIGHT
                } else {
                    0.0
                }
                + RECENCY_WEIGHT / (1.0 + c.age_days.max(0.0) / 30.0);
            (score, c.id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    for (_, id) in scored {
        if chosen.len() >= limit {
            break;
        }
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }

    if chosen.len() < limit {
        let latest = Listing::InSection(subject.section_id).ids(
            conn,
            Some(subject.id),
            (limit * 2) as i64,
            0,
        )?;
        for id in latest {
            if chosen.len() >= limit {
                break;
            }
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
    }
    Ok(chosen)
}

/// The published ones among these articles, with what scoring needs.
///
/// One statement text whatever the number of ids (a JSON array on SQLite, an array on
/// PostgreSQL), so each connection prepares it once: as an `IN (?, ?, …)` list of a few hundred
/// ids it was parsed again for every article, a tenth of a bulk run's time (perf). The age is
/// worked out by the database rather than by parsing each row's timestamp.
fn published_candidates(
    conn: &mut DbConnection,
    ids: &[i32],
    now: NaiveDateTime,
) -> QueryResult<Vec<Candidate>> {
    use diesel::sql_types::{Array, Text, Timestamp};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match conn {
        DbConnection::Sqlite(inner) => {
            let list: Vec<String> = ids.iter().map(i32::to_string).collect();
            diesel::sql_query(
                "SELECT id, section_id,
                        COALESCE(julianday(?) - julianday(published_at), 0.0) AS age_days
                 FROM articles
                 WHERE status = 'published' AND id IN (SELECT value FROM json_each(?))",
            )
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(format!("[{}]", list.join(",")))
            .load(inner)
        }
        DbConnection::Postgres(inner) => diesel::sql_query(
            "SELECT id, section_id,
                    COALESCE(EXTRACT(EPOCH FROM ($1 - published_at)) / 86400.0, 0.0)::float8
                        AS age_days
             FROM articles
             WHERE status = 'published' AND id = ANY($2)",
        )
        .bind::<Timestamp, _>(now)
        .bind::<Array<Integer>, _>(ids)
        .load(inner),
    }
}
