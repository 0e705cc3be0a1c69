//! Running a search: counting matches per section (estimated for very large result sets),
//! ranking one page (an exact headline first, then bm25 with a recency boost), and the page's
//! snippets.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::counts::PhraseCounts;
use super::query::ParsedQuery;
use super::scored;
use super::snippet::Marker;
use super::statement::{Bind, Engine, Statement, highest_indexed};
use super::{IdRow, window};

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
    /// for deep pages), headline matches first, then latest published: ranking them all by
    /// relevance would read and score every match (hundreds of thousands for a common word at
    /// 1,000,000 articles), and for a news site the newest of so many matches are the ones readers want, as
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
/// with a gentle boost for recent articles. A result set within the rank window is read with
/// its relevance, then counted and ranked from that (`scored`); a larger one is counted from
/// its newest matches and ranked among them (`window`, see [`Bounds`]). Whether a set is small
/// comes from the walk of its newest matches, or, when the article counts of the query's
/// phrases are known (`counts`) and say so, is tried first.
pub fn search(
    conn: &mut DbConnection,
    counts: &PhraseCounts,
    query: &ParsedQuery,
    filters: &Filters,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<ResultsPage> {
    search_within(
        conn,
        counts,
        query,
        filters,
        now,
        (limit, offset),
        Bounds::DEFAULT,
    )
}

/// [`search`] with other bounds (tests reach the large-set paths with a small archive).
pub fn search_within(
    conn: &mut DbConnection,
    counts: &PhraseCounts,
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

    // The exact headline match leads page one and is left out of the ranked list, which is
    // read one further so that it can stand in for the headline match wherever that sits.
    let exact = exact_headline(conn, query, filters)?;
    let ranked_offset = match (exact, offset) {
        (Some(_), offset) if offset > 0 => offset - 1,
        (_, offset) => offset,
    };
    let page = (limit + 1, ranked_offset);
    // One window for every page it covers, so paging neither repeats nor skips a result.
    let window = bounds.rank_window.max(ranked_offset + page.0);
    let read = window.max(bounds.sample_matches);
    let small_bound = bounds.rank_window.min(bounds.exact_count_limit);

    // Most searches match at most the rank window: they are read with their relevance, then
    // counted and ranked from that (`scored`). When the counts of the query's words say so,
    // that comes first; otherwise the walk of the newest matches tells.
    let mut small = if likely_within(conn, counts, query, small_bound)? {
        scored::all_matches(conn, counts, query, filters, small_bound)?
    } else {
        None
    };
    let mut newest = Vec::new();
    let mut every_match_read = true;
    if small.is_none() {
        let ids = window::newest(conn, query, filters, None, read + 1)?;
        if ids.is_empty() {
            return Ok(ResultsPage::default());
        }
        every_match_read = ids.len() as i64 <= read;
        if ids.len() as i64 <= small_bound {
            small = scored::all_matches(conn, counts, query, filters, small_bound)?;
        }
        if small.is_none() {
            newest = window::facets(conn, &ids[..ids.len().min(read as usize)])?;
        }
    }
    let (mut section_counts, approximate) = match &small {
        Some(matches) => (scored::per_section(matches), false),
        None if every_match_read && newest.len() as i64 <= bounds.exact_count_limit => {
            (window::per_section(&newest, 1.0), false)
        }
        None => {
            // More than the limit: count the newest matches and scale up by the share of the
            // archive (by id) they span.
            let sample = &newest[..newest.len().min(bounds.sample_matches as usize)];
            let first = sample.last().map_or(0, |found| i64::from(found.id));
            let highest = highest_indexed(conn)?;
            let scale = highest as f64 / (highest - first + 1).max(1) as f64;
            (window::per_section(sample, scale), true)
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

    let mut ids: Vec<i32> = match small {
        Some(matches) => scored::ranked(&matches, filters.section_id, now),
        None => {
            // Ranked within the newest `window` matches: headline matches first, then the
            // latest published.
            let mut ranked = ranked_window(conn, query, &newest, window, filters.section_id)?;
            // A window too thin for this page (the section filter applies after it): the
            // window of the section's own newest matches.
            if filters.section_id.is_some()
                && !every_match_read
                && (ranked.len() as i64) < ranked_offset + page.0
            {
                let ids = window::newest(conn, query, filters, filters.section_id, window)?;
                let in_section = window::facets(conn, &ids)?;
                ranked = ranked_window(conn, query, &in_section, window, None)?;
            }
            ranked
        }
    }
    .into_iter()
    .skip(ranked_offset as usize)
    .take(page.0 as usize)
    .collect();
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

/// Whether the query's phrase counts, if all are known, say it matches at most `most`
/// articles (estimated as if its words occurred independently, with a margin of two). A wrong
/// guess costs a walk of `most` matches, never a wrong result.
fn likely_within(
    conn: &mut DbConnection,
    counts: &PhraseCounts,
    query: &ParsedQuery,
    most: i64,
) -> QueryResult<bool> {
    if Engine::of(conn) != Engine::Fts5 {
        return Ok(false);
    }
    let Some(known) = counts.known(&query.fts_phrases()) else {
        return Ok(false);
    };
    let articles = highest_indexed(conn)?;
    Ok(query.estimated_matches(&known, articles) <= most as f64 / 2.0)
}

/// The first `window` of `newest` (newest first) in `section_id`, headline matches first.
fn ranked_window(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    newest: &[window::Found],
    window: i64,
    section_id: Option<i32>,
) -> QueryResult<Vec<i32>> {
    let window = &newest[..newest.len().min(window as usize)];
    let Some(oldest) = window.last() else {
        return Ok(Vec::new());
    };
    let headline = window::headline_matches(conn, query, oldest.id)?;
    Ok(window::ranked(window, &headline, section_id))
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
    let statement = Statement::for_ids(
        Engine::of(conn),
        "SELECT rowid AS id, body FROM article_search_content",
        ids,
    );
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
