//! Which articles to offer next to an article ("You May Also Like") and on the home page's
//! section blocks. Ids only: the caller loads cards for them in one go.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

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

/// Published articles related to this one: most shared tags first, then the same section, then
/// the most recent; topped up with the latest articles when too few are related. Never the
/// article itself.
pub fn related_article_ids(
    conn: &mut SqliteConnection,
    article_id: i32,
    section_id: i32,
    limit: i64,
) -> QueryResult<Vec<i32>> {
    let mut ids: Vec<i32> = diesel::sql_query(
        "SELECT a.id AS id
         FROM articles a
         LEFT JOIN article_tags shared
           ON shared.article_id = a.id
          AND shared.tag_id IN (SELECT tag_id FROM article_tags WHERE article_id = ?)
         WHERE a.status = 'published' AND a.id <> ?
           AND (a.section_id = ? OR shared.tag_id IS NOT NULL)
         GROUP BY a.id, a.section_id, a.published_at
         ORDER BY COUNT(shared.tag_id) DESC,
                  CASE WHEN a.section_id = ? THEN 1 ELSE 0 END DESC,
                  a.published_at DESC, a.id DESC
         LIMIT ?",
    )
    .bind::<Integer, _>(article_id)
    .bind::<Integer, _>(article_id)
    .bind::<Integer, _>(section_id)
    .bind::<Integer, _>(section_id)
    .bind::<BigInt, _>(limit)
    .load::<IdRow>(conn)?
    .into_iter()
    .map(|row| row.id)
    .collect();

    if (ids.len() as i64) < limit {
        let latest = ArticleCard::list(conn, &Listing::Everything, Some(article_id), limit * 2, 0)?;
        for card in latest {
            if ids.len() as i64 >= limit {
                break;
            }
            if !ids.contains(&card.id) {
                ids.push(card.id);
            }
        }
    }
    Ok(ids)
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
