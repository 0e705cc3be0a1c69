//! One tier of the archive searched: its matches counted per section and put in rank order,
//! as a whole archive of that size would be. A result set within the rank window is read with
//! its relevance, then counted and ranked from that (`scored`); a larger one is counted from its
//! newest matches and ranked among them (`window`, see [`Bounds`]). Whether a set is small comes
//! from the walk of its newest matches, or, when the article counts of the query's phrases are
//! known (`counts`) and say so, is tried first.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::counts::PhraseCounts;
use super::query::ParsedQuery;
use super::ranking::{Bounds, Filters};
use super::scored;
use super::statement::{Archive, Engine, Span};
use super::window;
use crate::db::DbConnection;

/// What one tier holds for a search.
#[derive(Debug, Default)]
pub(super) struct TierMatches {
    /// Matches per section with every filter but the section applied (unordered).
    pub(super) section_counts: Vec<(i32, i64)>,
    /// True when the counts are estimates (a set larger than the count limit).
    pub(super) approximate: bool,
    /// The tier's matches in the section filtered on, in rank order: at least `wanted` of
    /// them when the tier has that many.
    pub(super) ranked: Vec<i32>,
}

/// Counts and ranks the matches in `span`; `wanted` is how many ranked results the page still
/// needs from this tier.
pub(super) fn search(
    conn: &mut DbConnection,
    (counts, archive): (&PhraseCounts, Archive),
    (query, filters): (&ParsedQuery, &Filters),
    now: NaiveDateTime,
    (span, wanted): (Span, i64),
    bounds: Bounds,
) -> QueryResult<TierMatches> {
    // One window for every page it covers, so paging neither repeats nor skips a result.
    let window = bounds.rank_window.max(wanted);
    let read = window.max(bounds.sample_matches);
    let small_bound = bounds.rank_window.min(bounds.exact_count_limit);
    let counted = (counts, archive);

    // Most searches match at most the rank window: they are read with their relevance, then
    // counted and ranked from that (`scored`). When the counts of the query's words say so,
    // that comes first; otherwise the walk of the newest matches tells.
    let mut small = if likely_within(conn, counted, query, span, small_bound)? {
        scored::all_matches(conn, counted, query, filters, span, small_bound)?
    } else {
        None
    };
    let mut newest = Vec::new();
    let mut every_match_read = true;
    if small.is_none() {
        let ids = window::newest(conn, query, filters, None, (span, read + 1))?;
        if ids.is_empty() {
            return Ok(TierMatches::default());
        }
        every_match_read = ids.len() as i64 <= read;
        if ids.len() as i64 <= small_bound {
            small = scored::all_matches(conn, counted, query, filters, span, small_bound)?;
        }
        if small.is_none() {
            newest = window::facets(conn, &ids[..ids.len().min(read as usize)])?;
        }
    }
    let (section_counts, approximate) = match &small {
        Some(matches) => (scored::per_section(matches), false),
        None if every_match_read && newest.len() as i64 <= bounds.exact_count_limit => {
            (window::per_section(&newest, 1.0), false)
        }
        None => {
            // More than the limit: count the newest matches and scale up by the share of the
            // tier (by id) they span.
            let sample = &newest[..newest.len().min(bounds.sample_matches as usize)];
            let first = sample
                .last()
                .map_or(span.above, |found| i64::from(found.id));
            let scale = span.ids() as f64 / (span.through - first + 1).max(1) as f64;
            (window::per_section(sample, scale), true)
        }
    };
    let any_in_section = section_counts
        .iter()
        .any(|(section, _)| filters.section_id.is_none_or(|s| *section == s));
    if !any_in_section {
        return Ok(TierMatches {
            section_counts,
            approximate,
            ranked: Vec::new(),
        });
    }

    let ranked = match small {
        Some(matches) => scored::ranked(&matches, filters.section_id, now),
        None => {
            // Ranked within the newest `window` matches: headline matches first, then the
            // latest published.
            let mut ranked =
                ranked_window(conn, query, &newest, (span, window), filters.section_id)?;
            // A window too thin for this page (the section filter applies after it): the
            // window of the section's own newest matches.
            if filters.section_id.is_some() && !every_match_read && (ranked.len() as i64) < wanted {
                let ids = window::newest(conn, query, filters, filters.section_id, (span, window))?;
                let in_section = window::facets(conn, &ids)?;
                ranked = ranked_window(conn, query, &in_section, (span, window), None)?;
            }
            ranked
        }
    };
    Ok(TierMatches {
        section_counts,
        approximate,
        ranked,
    })
}

/// Whether the query's phrase counts, if all are known, say it matches at most `most`
/// articles in `span` (estimated as if its words occurred independently, with a margin of
/// two). A wrong guess costs a walk of `most` matches, never a wrong result.
fn likely_within(
    conn: &mut DbConnection,
    (counts, archive): (&PhraseCounts, Archive),
    query: &ParsedQuery,
    span: Span,
    most: i64,
) -> QueryResult<bool> {
    if Engine::of(conn) != Engine::Fts5 {
        return Ok(false);
    }
    let Some(known) = counts.known(&query.fts_phrases()) else {
        return Ok(false);
    };
    let articles = archive.highest.max(1);
    let in_span = query.estimated_matches(&known, articles) * span.ids() as f64 / articles as f64;
    Ok(in_span <= most as f64 / 2.0)
}

/// The first `window` of `newest` (newest first) in `section_id`, headline matches first.
fn ranked_window(
    conn: &mut DbConnection,
    query: &ParsedQuery,
    newest: &[window::Found],
    (span, window): (Span, i64),
    section_id: Option<i32>,
) -> QueryResult<Vec<i32>> {
    let window = &newest[..newest.len().min(window as usize)];
    let Some(oldest) = window.last() else {
        return Ok(Vec::new());
    };
    let headline = window::headline_matches(conn, query, oldest.id, span)?;
    Ok(window::ranked(window, &headline, section_id))
}
