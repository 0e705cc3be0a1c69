//! How related articles are ranked: shared tags (rarer tags weigh more), text similarity, same
//! section and recency. The ranking reads its candidates from a [`Neighbourhood`]: the
//! database when one article is saved, or the whole archive held in memory for a bulk run
//! ([`super::archive::Archive`]); both give the same lists.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::{Subject, fill_up};
use crate::db::DbConnection;
use crate::models::Listing;
use crate::schema::article_tags;
use crate::search;

/// How much each signal counts in the related score (each signal is scaled to 0..=1 first).
const TAG_WEIGHT: f64 = 2.0;
const TEXT_WEIGHT: f64 = 1.5;
const SECTION_WEIGHT: f64 = 0.5;
const RECENCY_WEIGHT: f64 = 0.5;
/// Candidates taken from each shared tag (the highest ids) and from text similarity.
const PER_TAG_CANDIDATES: usize = 100;
const TEXT_CANDIDATES: i64 = 30;
const SECTION_CANDIDATES: usize = 20;

/// A published article competing for a place in a list.
#[derive(Debug, Clone, QueryableByName)]
pub(super) struct Candidate {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Integer)]
    pub section_id: i32,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub age_days: f64,
}

/// Where the ranking finds what it weighs. Every list is the same whichever answers: the
/// in-memory archive mirrors the queries of [`Database`] exactly.
pub(super) trait Neighbourhood {
    /// The tags an article carries.
    fn tags_of(&mut self, conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<i32>>;
    /// How many articles (in any status) carry a tag.
    fn tag_size(&mut self, conn: &mut DbConnection, tag_id: i32) -> QueryResult<i64>;
    /// The archive's size for the rarity weight: the highest article id, a close estimate.
    fn archive_size(&mut self, conn: &mut DbConnection) -> QueryResult<i64>;
    /// Up to `limit` articles (in any status) with the tag, highest id first, never `excluding`.
    fn sharing_tag(
        &mut self,
        conn: &mut DbConnection,
        tag_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>>;
    /// Up to `limit` of a section's published articles, newest first, never `excluding`.
    fn newest_in_section(
        &mut self,
        conn: &mut DbConnection,
        section_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>>;
    /// The published ones among these articles, with what scoring needs, in any order.
    fn published(
        &mut self,
        conn: &mut DbConnection,
        ids: &[i32],
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Candidate>>;
    /// How many articles hold each word, for text similarity.
    fn word_counts(&mut self) -> &mut search::WordCounts;
}

/// The neighbourhood read from the database, query by query, with tag and word counts kept
/// for the run: a run over many articles asks for each once (a common tag has tens of
/// thousands of articles, a common word the whole archive).
#[derive(Debug, Default)]
pub(super) struct Database {
    tags: HashMap<i32, i64>,
    words: search::WordCounts,
    archive: Option<i64>,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct SizeRow {
    #[diesel(sql_type = BigInt)]
    articles: i64,
}

impl Neighbourhood for Database {
    fn tags_of(&mut self, conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<i32>> {
        article_tags::table
            .filter(article_tags::article_id.eq(article_id))
            .select(article_tags::tag_id)
            .order(article_tags::tag_id)
            .load(conn)
    }

    fn tag_size(&mut self, conn: &mut DbConnection, tag_id: i32) -> QueryResult<i64> {
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

    fn archive_size(&mut self, conn: &mut DbConnection) -> QueryResult<i64> {
        if let Some(size) = self.archive {
            return Ok(size);
        }
        let size = diesel::sql_query(
            "SELECT CAST(COALESCE(MAX(id), 1) AS BIGINT) AS articles FROM articles",
        )
        .get_result::<SizeRow>(conn)?
        .articles
        .max(1);
        self.archive = Some(size);
        Ok(size)
    }

    fn sharing_tag(
        &mut self,
        conn: &mut DbConnection,
        tag_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>> {
        let rows: Vec<IdRow> = diesel::sql_query(crate::db::sql(
            conn,
            "SELECT article_id AS id FROM article_tags
             WHERE tag_id = ? AND article_id <> ? ORDER BY article_id DESC LIMIT ?",
        ))
        .bind::<Integer, _>(tag_id)
        .bind::<Integer, _>(excluding)
        .bind::<BigInt, _>(limit as i64)
        .load(conn)?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    fn newest_in_section(
        &mut self,
        conn: &mut DbConnection,
        section_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>> {
        Listing::InSection(section_id).ids(conn, Some(excluding), limit as i64, 0)
    }

    fn published(
        &mut self,
        conn: &mut DbConnection,
        ids: &[i32],
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Candidate>> {
        published_candidates(conn, ids, now)
    }

    fn word_counts(&mut self) -> &mut search::WordCounts {
        &mut self.words
    }
}

/// Published articles ranked by shared tags (rarer tags weigh more), text similarity (the
/// article's most distinctive words as a full-text query), same section and recency; topped
/// up with the newest of its section when too few are related. Never the article itself.
pub(super) fn compute(
    conn: &mut DbConnection,
    subject: &Subject,
    now: NaiveDateTime,
    limit: usize,
    around: &mut impl Neighbourhood,
) -> QueryResult<Vec<i32>> {
    let mut chosen: Vec<i32> = Vec::with_capacity(limit);

    // Shared tags, each weighted by how rare it is.
    let total = around.archive_size(conn)? as f64;
    let mut tag_score: HashMap<i32, f64> = HashMap::new();
    for tag_id in around.tags_of(conn, subject.id)? {
        let weight = (1.0 + total / around.tag_size(conn, tag_id)?.max(1) as f64).ln();
        for id in around.sharing_tag(conn, tag_id, subject.id, PER_TAG_CANDIDATES)? {
            *tag_score.entry(id).or_default() += weight;
        }
    }
    let text_score: HashMap<i32, f64> =
        search::similar_by_text(conn, subject.id, TEXT_CANDIDATES, around.word_counts())?
            .into_iter()
            .collect();
    // The newest of the same section compete too, on section and recency.
    let same_section =
        around.newest_in_section(conn, subject.section_id, subject.id, SECTION_CANDIDATES)?;

    let mut candidate_ids: Vec<i32> = tag_score
        .keys()
        .chain(text_score.keys())
        .chain(&same_section)
        .copied()
        .collect();
    candidate_ids.sort_unstable();
    candidate_ids.dedup();
    let candidates = around.published(conn, &candidate_ids, now)?;
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
    fill_up(&mut chosen, scored.into_iter().map(|(_, id)| id), limit);
    if chosen.len() < limit {
        let newest = around.newest_in_section(conn, subject.section_id, subject.id, limit * 2)?;
        fill_up(&mut chosen, newest, limit);
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
