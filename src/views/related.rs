//! Which articles the home page's section blocks show. Ids only: the caller loads cards for all
//! of a page's lists in one go.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

#[derive(QueryableByName)]
struct SectionIdRow {
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = Integer)]
    id: i32,
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
