//! Running a search: counting matches per section (estimated for very large result sets),
//! ranking one page (an exact headline first, then bm25 with a recency boost), and the page's
//! snippets.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use super::query::ParsedQuery;
use super::scored;
use super::snippet::Marker;
use super::statement::{Bind, Engine, Statement, counted, highest_indexed, nth_newest_match};
use super::{IdRow, RANK_WEIGHTS, TSVECTOR_WEIGHTS, julian_day_time};

use crate::db::DbConnection;

/// Narrowing a search; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub section_id: Option<i32>,
    pub author_id: Option<i32>,
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub article_id: i32,
    /// A passage of the body, HTML-escaped, with the matched words in `<mark>`.
    pub snippet_html: String,
}

#[derive(Debug, Clone, Default)]
pub struct ResultsPage {
    /// Matches with every filter applied.
    pub total: i64,
    /// True when the counts are estimates (very large result sets).
    pub approximate: bool,
    pub hits: Vec<Hit>,
    /// Matches per section with every filter but the section applied, largest first.
    pub section_counts: Vec<(i32, i64)>,
}

#[derive(QueryableByName)]
struct SectionCountRow {
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = BigInt)]
    hits: i64,
}

#[derive(QueryableByName)]
struct BodyRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    body: String,
}

/// Where counting and ranking change method for large result sets. Both costs then depend on
/// these numbers of matches, never on the size of the archive (at 1,000,000 articles a common
/// word matches hundreds of thousands).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Result sets up to this size are counted per section exactly; larger ones are estimated
    /// (and the page says "about").
    pub exact_count_limit: i64,
    /// A larger set is counted per section among its newest this many matches, scaled up by
    /// the share of the archive they span.
    pub sample_matches: i64,
    /// Result sets larger than this are ranked among their newest this many matches (more
    /// for deep pages), headline matches first, then newest first: bm25 would first count
    /// every match of each word in the whole index (FTS5 computes its word weights so), and
    /// for a news site the newest of so many matches are the ones readers want, as
    /// WordPress's search orders them.
    pub rank_window: i64,
}

impl Bounds {
    /// The count limit is the rank window: past it a search costs the same at any size of
    /// archive (at 10,000, a two-word search of common words cost four times as much at
    /// 1,000,000 articles as at 100,000, its exact count walking ten times the matches).
    pub const DEFAULT: Bounds = Bounds {
        exact_count_limit: 1_000,
        sample_matches: 1_000,
        rank_window: 1_000,
    };
}

/// How a page of results is put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// bm25 (ts_rank_cd on PostgreSQL) with a recency boost.
    Relevance,
    /// Matches in the headline first, then newest first.
    HeadlineThenNewest,
}

fn section_counts(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
) -> QueryResult<Vec<(i32, i64)>> {
    let engine = Engine::of(conn);
    let mut statement = Statement::new(
        engine,
        "SELECT f.section_id AS section_id, COUNT(*) AS hits",
    );
    statement
        .push(engine.matches_joined_to_facets(), None)
        .matching(query, filters)
        .newer_than(first);
    statement.push(" GROUP BY f.section_id", None);
    Ok(statement
        .load::<SectionCountRow>(conn)?
        .into_iter()
        .map(|row| (row.section_id, row.hits))
        .collect())
}

/// One page, (limit, offset), of matching ids (those from id `first` on, when given) in
/// `order`.
fn ranked_ids(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
    order: Order,
    now: NaiveDateTime,
    (limit, offset): (i64, i64),
) -> QueryResult<Vec<i32>> {
    let engine = Engine::of(conn);
    let mut statement = Statement::new(engine, "SELECT s.rowid AS id");
    statement
        .push(engine.matches_joined_to_facets(), None)
        .matching(query, filters)
        .newer_than(first)
        .in_section(filters.section_id);
    if order == Order::HeadlineThenNewest {
        match engine {
            Engine::Fts5 => {
                // The headline matches of the same window, found once (an uncorrelated IN).
                statement.push(
                    " ORDER BY s.rowid IN (SELECT rowid FROM article_search WHERE article_search MATCH ?",
                    Some(Bind::Text(format!("{{headline}} : ({})", query.to_fts()))),
                );
                if let Some(first) = first {
                    statement.push(" AND rowid >= ?", Some(Bind::Big(first)));
                }
                statement.push(")", None);
            }
            // The headline's words are the document's weight A.
            Engine::Tsvector => {
                statement.push(
                    " ORDER BY (ts_filter(s.document, '{a}') @@ to_tsquery('gazette_english', ?))",
                    Some(Bind::Text(query.to_tsquery())),
                );
            }
        }
        statement.push(
            " DESC, f.published_day DESC, s.rowid DESC LIMIT ? OFFSET ?",
            Some(Bind::Big(limit)),
        );
        statement.binds.push(Bind::Big(offset));
        return Ok(statement
            .load::<IdRow>(conn)?
            .into_iter()
            .map(|r| r.id)
            .collect());
    }
    // The same recency boost on either engine: up to 30% for today, fading over a month.
    let order = match engine {
        // bm25 is negative, best first: the boost makes a good match more negative.
        Engine::Fts5 => format!(
            " ORDER BY bm25(article_search, {RANK_WEIGHTS})
                 * (1.0 + 0.3 / (1.0 + max(0.0, ? - f.published_day) / 30.0))
               LIMIT ? OFFSET ?"
        ),
        Engine::Tsvector => {
            statement.binds.push(Bind::Text(query.to_tsquery()));
            format!(
                " ORDER BY ts_rank_cd('{TSVECTOR_WEIGHTS}', s.document, to_tsquery('gazette_english', ?))
                 * (1.0 + 0.3 / (1.0 + GREATEST(0.0, ? - f.published_day) / 30.0)) DESC,
                 s.rowid DESC
               LIMIT ? OFFSET ?"
            )
        }
    };
    statement.push(&order, Some(Bind::Real(julian_day_time(now))));
    statement.binds.push(Bind::Big(limit));
    statement.binds.push(Bind::Big(offset));
    Ok(statement
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// The published article whose headline is exactly the query, if it passes the filters.
fn exact_headline(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
) -> QueryResult<Option<i32>> {
    let headline = query.text.trim().trim_matches('"').trim();
    if headline.is_empty() {
        return Ok(None);
    }
    let headline_is = match Engine::of(conn) {
        Engine::Fts5 => "s.headline = ? COLLATE NOCASE",
        // Served by the index on lower(headline).
        Engine::Tsvector => "lower(s.headline) = lower(?)",
    };
    let mut statement = Statement::new(
        Engine::of(conn),
        &format!(
            "SELECT s.rowid AS id FROM article_search_content s
             JOIN article_search_facets f ON f.rowid = s.rowid
             WHERE {headline_is}"
        ),
    );
    statement.binds.push(Bind::Text(headline.to_string()));
    statement
        .author_and_dates(filters)
        .in_section(filters.section_id);
    statement.push(" LIMIT 1", None);
    Ok(statement.load::<IdRow>(conn)?.first().map(|r| r.id))
}

/// Runs a search: per-section counts, one page of ids in rank order, then snippets for that
/// page only. Ranking: an exact headline match first, then bm25 (headline above dek above body)
/// with a gentle boost for recent articles. Result sets up to the rank window are read in one
/// pass and counted and ranked from it (`scored`); very large ones are counted from their
/// newest matches and ranked among them (see [`Bounds`]).
pub fn search(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<ResultsPage> {
    search_within(conn, query, filters, now, (limit, offset), Bounds::DEFAULT)
}

/// [`search`] with other bounds (tests reach the large-set paths with a small archive).
pub fn search_within(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    filters: &Filters,
    now: NaiveDateTime,
    (limit, offset): (i64, i64),
    bounds: Bounds,
) -> QueryResult<ResultsPage> {
    if query.is_empty() {
        return Ok(ResultsPage::default());
    }
    let mut expanded = query.clone();
    expanded.expand_prefix(conn)?;
    let query = &expanded;
    let matches = counted(conn, query, filters, None, Some(bounds.exact_count_limit))?;
    if matches == 0 {
        return Ok(ResultsPage::default());
    }
    // Most searches match at most the rank window: one pass reads them all (counting first
    // costs a fraction of it, and spares a pass a large result set would not use). It counts
    // exactly, so only within the exact count limit too.
    let small = if matches <= bounds.rank_window.min(bounds.exact_count_limit) {
        scored::all_matches(conn, query, filters, bounds.rank_window)?
    } else {
        None
    };
    // The id of the nth newest match, once looked up (counting and ranking may both want it).
    let mut nth_newest: Option<(i64, Option<i64>)> = None;
    let (mut section_counts, approximate) = match &small {
        Some(matches) => (scored::per_section(matches), false),
        None if matches <= bounds.exact_count_limit => {
            (section_counts(conn, query, filters, None)?, false)
        }
        None => {
            // More than the limit: count the newest matches and scale up by the share of the
            // archive (by id) they span.
            let sampled = nth_newest_match(conn, query, filters, bounds.sample_matches)?;
            nth_newest = Some((bounds.sample_matches, sampled));
            let first = sampled.unwrap_or(0);
            let highest = highest_indexed(conn)?;
            let scale = highest as f64 / (highest - first + 1).max(1) as f64;
            let counts = section_counts(conn, query, filters, Some(first))?
                .into_iter()
                .map(|(section, hits)| (section, (hits as f64 * scale).round() as i64))
                .collect();
            (counts, true)
        }
    };
    section_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total = total_in(&section_counts, filters.section_id);
    if total == 0 || offset >= total {
        return Ok(ResultsPage {
            total,
            approximate,
            hits: Vec::new(),
            section_counts,
        });
    }

    // The exact headline match leads page one and is left out of the ranked list, which is
    // read one further so that it can stand in for the headline match wherever that sits.
    let exact = exact_headline(conn, query, filters)?;
    let ranked_offset = match (exact, offset) {
        (Some(_), offset) if offset > 0 => offset - 1,
        (_, offset) => offset,
    };
    let page = (limit + 1, ranked_offset);
    let mut ids = match small {
        Some(matches) => scored::ranked(&matches, filters.section_id, now)
            .into_iter()
            .skip(ranked_offset as usize)
            .take(page.0 as usize)
            .collect(),
        None => {
            // One window for every page it covers, so paging neither repeats nor skips a
            // result. `matches` is exact up to the count limit; past it, only the lookup tells
            // whether there are more than the window (a deep page's window may be larger).
            let window = bounds.rank_window.max(ranked_offset + page.0);
            let first = match nth_newest {
                Some((n, first)) if n == window => first,
                _ if matches > window || matches > bounds.exact_count_limit => {
                    nth_newest_match(conn, query, filters, window)?
                }
                _ => None,
            };
            match first {
                Some(first) => {
                    let order = Order::HeadlineThenNewest;
                    let windowed = ranked_ids(conn, query, filters, Some(first), order, now, page)?;
                    // A window too thin for this page (the section and date filters apply
                    // after it): the same order over every match.
                    if (windowed.len() as i64) < page.0 {
                        ranked_ids(conn, query, filters, None, order, now, page)?
                    } else {
                        windowed
                    }
                }
                None => ranked_ids(conn, query, filters, None, Order::Relevance, now, page)?,
            }
        }
    };
    if let Some(exact) = exact {
        ids.retain(|id| *id != exact);
        if offset == 0 {
            ids.insert(0, exact);
        }
    }
    ids.truncate(limit as usize);

    let hits = snippets(conn, query, &ids)?;
    Ok(ResultsPage {
        total,
        approximate,
        hits,
        section_counts,
    })
}

/// Matches in the section filtered on, or in all sections.
fn total_in(section_counts: &[(i32, i64)], section_id: Option<i32>) -> i64 {
    section_counts
        .iter()
        .filter(|(section, _)| section_id.is_none_or(|wanted| *section == wanted))
        .map(|(_, n)| n)
        .sum()
}

/// The page's hits with their snippets, made from their stored text read in one query.
fn snippets(conn: &mut DbConnection, query: &ParsedQuery, ids: &[i32]) -> QueryResult<Vec<Hit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; ids.len()].join(", ");
    let mut statement = Statement::new(
        Engine::of(conn),
        &format!(
            "SELECT rowid AS id, body FROM article_search_content WHERE rowid IN ({placeholders})"
        ),
    );
    statement.binds.extend(ids.iter().map(|id| Bind::Int(*id)));
    let bodies: HashMap<i32, String> = statement
        .load::<BodyRow>(conn)?
        .into_iter()
        .map(|row| (row.id, row.body))
        .collect();
    let marker = Marker::new(query);
    Ok(ids
        .iter()
        .map(|id| Hit {
            article_id: *id,
            snippet_html: bodies
                .get(id)
                .map(|body| marker.snippet_html(body))
                .unwrap_or_default(),
        })
        .collect())
}
