//! The newest matches of a query, read once: whether a result set fits the rank window, the
//! sample its section counts are estimated from, and the window a large set is ranked in
//! (headline matches first, then the latest published) all come from one walk of the index, newest
//! first, that stops after the window. Counting to the limit, finding the sample's and the
//! window's oldest match, counting the sample per section and ranking the window were four walks
//! over the same postings (at 1,000,000 articles, 45% of a never-repeated search's time, perf,
//! 2026-12-04). The walk reads the index alone; the sections and days of the matches are looked
//! up only for a set larger than the window (for a smaller one the walk only tells that it is
//! small, and the lookups were a third of its cost at 1,000,000 articles).

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::QueryableByName;
use diesel::sql_types::{Double, Integer};

use super::IdRow;
use super::query::ParsedQuery;
use super::ranking::Filters;
use super::statement::{Bind, Engine, Span, Statement};
use crate::db::DbConnection;

/// One match: its id (articles added later have higher ids), section and publication day.
#[derive(QueryableByName, Debug, Clone, Copy, PartialEq)]
pub(super) struct Found {
    #[diesel(sql_type = Integer)]
    pub(super) id: i32,
    #[diesel(sql_type = Integer)]
    pub(super) section_id: i32,
    /// Julian day, as the index stores it.
    #[diesel(sql_type = Double)]
    pub(super) published_day: f64,
}

/// The ids of the newest `most` matches in `span` with the author and date filters (and the
/// section's, when given), newest first. Only the index is read unless a filter needs the facets: most
/// searches match no more than the rank window, and for those this walk only says so.
pub(super) fn newest(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
    section_id: Option<i32>,
    (span, most): (Span, i64),
) -> diesel::QueryResult<Vec<i32>> {
    let engine = Engine::of(conn);
    let needs_facets = section_id.is_some() || filters.from.is_some() || filters.to.is_some();
    let mut statement = Statement::new(engine, "SELECT s.rowid AS id");
    statement
        .push(
            if needs_facets {
                engine.matches_joined_to_facets()
            } else {
                engine.index_alone()
            },
            None,
        )
        .matching(query, filters)
        .in_section(section_id)
        .within("s.rowid", span)
        .push(" ORDER BY s.rowid DESC LIMIT ?", Some(Bind::Big(most)));
    Ok(statement
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// The section and day of each of `ids`, in the same order.
pub(super) fn facets(conn: &mut DbConnection, ids: &[i32]) -> diesel::QueryResult<Vec<Found>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = Statement::for_ids(
        Engine::of(conn),
        "SELECT rowid AS id, section_id, published_day FROM article_search_facets",
        ids,
    );
    let by_id: HashMap<i32, Found> = statement
        .load::<Found>(conn)?
        .into_iter()
        .map(|found| (found.id, found))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.get(id).copied()).collect())
}

/// The ids from `first` on, within `span`, whose headline matches the query.
pub(super) fn headline_matches(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    first: i32,
    span: Span,
) -> diesel::QueryResult<HashSet<i32>> {
    let engine = Engine::of(conn);
    let mut statement = match engine {
        Engine::Fts5 => {
            let mut statement = Statement::new(
                engine,
                "SELECT rowid AS id FROM article_search WHERE article_search MATCH ?",
            );
            statement
                .binds
                .push(Bind::Text(format!("{{headline}} : ({})", query.to_fts())));
            statement
        }
        // The headline's words are the document's weight A.
        Engine::Tsvector => {
            let mut statement = Statement::new(
                engine,
                "SELECT s.rowid AS id FROM article_search_content s
                 WHERE s.document @@ to_tsquery('gazette_english', ?)
                   AND ts_filter(s.document, '{a}') @@ to_tsquery('gazette_english', ?)",
            );
            statement.binds.push(Bind::Text(query.to_tsquery()));
            statement.binds.push(Bind::Text(query.to_tsquery()));
            statement
        }
    };
    let rowid = match engine {
        Engine::Fts5 => "rowid",
        Engine::Tsvector => "s.rowid",
    };
    statement
        .push(&format!(" AND {rowid} >= ?"), Some(Bind::Int(first)))
        .within(rowid, span);
    Ok(statement
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// The ids of `window` in `section_id` (all when None): headline matches first, then the
/// latest published (an article back-dated when it was added comes after newer ones).
pub(super) fn ranked(
    window: &[Found],
    headline: &HashSet<i32>,
    section_id: Option<i32>,
) -> Vec<i32> {
    let mut ranked: Vec<&Found> = window
        .iter()
        .filter(|found| section_id.is_none_or(|section| found.section_id == section))
        .collect();
    ranked.sort_by(|a, b| {
        headline
            .contains(&b.id)
            .cmp(&headline.contains(&a.id))
            .then(b.published_day.total_cmp(&a.published_day))
            .then(b.id.cmp(&a.id))
    });
    ranked.into_iter().map(|found| found.id).collect()
}

/// Matches per section in `found`, each scaled by `scale`.
pub(super) fn per_section(found: &[Found], scale: f64) -> Vec<(i32, i64)> {
    let mut counts: BTreeMap<i32, i64> = BTreeMap::new();
    for one in found {
        *counts.entry(one.section_id).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(section, n)| (section, (n as f64 * scale).round() as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(id: i32, section_id: i32) -> Found {
        Found {
            id,
            section_id,
            published_day: f64::from(id),
        }
    }

    #[test]
    fn headline_matches_lead_then_the_latest_published_within_the_section() {
        let window = [
            found(9, 1),
            found(8, 2),
            found(7, 1),
            found(5, 1),
            found(4, 2),
        ];
        let headline = HashSet::from([5, 4]);
        assert_eq!(ranked(&window, &headline, None), [5, 4, 9, 8, 7]);
        assert_eq!(ranked(&window, &headline, Some(1)), [5, 9, 7]);
        assert_eq!(ranked(&window, &HashSet::new(), Some(2)), [8, 4]);
        // Back-dated: added after 8 and 9, published before them; the same day: newer id first.
        let backdated = [
            Found {
                published_day: 3.0,
                ..found(10, 1)
            },
            found(9, 1),
            Found {
                published_day: 9.0,
                ..found(6, 1)
            },
        ];
        assert_eq!(ranked(&backdated, &HashSet::new(), None), [9, 6, 10]);
    }

    #[test]
    fn counts_per_section_scale_up_a_sample() {
        let sample = [found(9, 1), found(8, 2), found(7, 1)];
        assert_eq!(per_section(&sample, 1.0), [(1, 2), (2, 1)]);
        assert_eq!(per_section(&sample, 2.5), [(1, 5), (2, 3)]);
    }
}
