//! Which articles to offer next to an article ("You May Also Like") and on the home page's
//! section blocks. Ids only: the caller loads cards for all of a page's lists in one go.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Timestamp};

use crate::search;
use crate::views::{ArticleCard, Listing};

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct SectionIdRow {
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// How much each signal counts in the related score (each signal is scaled to 0..=1 first).
const TAG_WEIGHT: f64 = 2.0;
const TEXT_WEIGHT: f64 = 1.5;
const SECTION_WEIGHT: f64 = 0.5;
const RECENCY_WEIGHT: f64 = 0.5;
/// Candidates taken from each shared tag (the newest) and from text similarity.
const PER_TAG_CANDIDATES: i64 = 100;
const TEXT_CANDIDATES: i64 = 30;

#[derive(QueryableByName)]
struct TagRow {
    #[diesel(sql_type = Integer)]
    tag_id: i32,
    #[diesel(sql_type = BigInt)]
    articles: i64,
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = Double)]
    age_days: f64,
}

/// The article an editor or reader is looking at, as related-article scoring needs it.
pub struct Subject {
    pub id: i32,
    pub section_id: i32,
}

/// "You May Also Like": pinned articles first (in the editor's order), then published articles
/// ranked by shared tags (rarer tags weigh more), text similarity (the article's most
/// distinctive words as an FTS query), same section and recency; topped up with the newest
/// articles when too few are related. Never the article itself, never an unpublished one.
pub fn related_article_ids(
    conn: &mut SqliteConnection,
    subject: &Subject,
    now: NaiveDateTime,
    limit: usize,
) -> QueryResult<Vec<i32>> {
    let mut chosen: Vec<i32> = diesel::sql_query(
        "SELECT p.related_id AS id FROM article_pinned_related p
         JOIN articles a ON a.id = p.related_id AND a.status = 'published'
         WHERE p.article_id = ? ORDER BY p.position",
    )
    .bind::<Integer, _>(subject.id)
    .load::<IdRow>(conn)?
    .into_iter()
    .map(|row| row.id)
    .collect();
    chosen.truncate(limit);

    // Shared tags, each weighted by how rare it is.
    let tags: Vec<TagRow> = diesel::sql_query(
        "SELECT at.tag_id AS tag_id,
                (SELECT COUNT(*) FROM article_tags other WHERE other.tag_id = at.tag_id) AS articles
         FROM article_tags at WHERE at.article_id = ?",
    )
    .bind::<Integer, _>(subject.id)
    .load(conn)?;
    // The archive's size for the rarity weight; the highest id is a close, O(1) estimate.
    let total: i64 =
        diesel::sql_query("SELECT COALESCE(MAX(id), 1) AS articles, 0 AS tag_id FROM articles")
            .get_result::<TagRow>(conn)?
            .articles
            .max(1);
    let mut tag_score: HashMap<i32, f64> = HashMap::new();
    for tag in &tags {
        let weight = (1.0 + total as f64 / tag.articles.max(1) as f64).ln();
        let sharing: Vec<IdRow> = diesel::sql_query(
            "SELECT article_id AS id FROM article_tags
             WHERE tag_id = ? AND article_id <> ? ORDER BY article_id DESC LIMIT ?",
        )
        .bind::<Integer, _>(tag.tag_id)
        .bind::<Integer, _>(subject.id)
        .bind::<BigInt, _>(PER_TAG_CANDIDATES)
        .load(conn)?;
        for row in sharing {
            *tag_score.entry(row.id).or_default() += weight;
        }
    }
    let text_score: HashMap<i32, f64> = search::similar_by_text(conn, subject.id, TEXT_CANDIDATES)?
        .into_iter()
        .collect();

    let mut candidate_ids: Vec<i32> = tag_score.keys().chain(text_score.keys()).copied().collect();
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
        let latest = ArticleCard::list(
            conn,
            &Listing::InSection(subject.section_id),
            Some(subject.id),
            (limit * 2) as i64,
            0,
        )?;
        for card in latest {
            if chosen.len() >= limit {
                break;
            }
            if !chosen.contains(&card.id) {
                chosen.push(card.id);
            }
        }
    }
    Ok(chosen)
}

/// The published ones among these articles, with what scoring needs.
fn published_candidates(
    conn: &mut SqliteConnection,
    ids: &[i32],
    now: NaiveDateTime,
) -> QueryResult<Vec<CandidateRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; ids.len()].join(", ");
    let mut query = diesel::sql_query(format!(
        "SELECT id, section_id, (julianday(?) - julianday(published_at)) AS age_days
         FROM articles WHERE status = 'published' AND id IN ({placeholders})"
    ))
    .into_boxed()
    .bind::<Timestamp, _>(now);
    for id in ids {
        query = query.bind::<Integer, _>(*id);
    }
    query.load(conn)
}

/// The newest `per_section` published article ids of each section, as (section id, article id)
/// pairs. One query: a UNION ALL of per-section index range scans, so its cost does not grow
/// with the size of the archive.
pub fn latest_ids_per_section(
    conn: &mut SqliteConnection,
    section_ids: &[i32],
    per_section: i64,
) -> QueryResult<Vec<(i32, i32)>> {
    if section_ids.is_empty() {
        return Ok(Vec::new());
    }
    let one_section = "SELECT * FROM (SELECT section_id, id FROM articles
                        WHERE section_id = ? AND status = 'published'
                        ORDER BY published_at DESC, id DESC LIMIT ?)";
    let sql = vec![one_section; section_ids.len()].join(" UNION ALL ");
    let mut query = diesel::sql_query(sql).into_boxed();
    for section_id in section_ids {
        query = query
            .bind::<Integer, _>(*section_id)
            .bind::<BigInt, _>(per_section);
    }
    let rows: Vec<SectionIdRow> = query.load(conn)?;
    Ok(rows.into_iter().map(|r| (r.section_id, r.id)).collect())
}
