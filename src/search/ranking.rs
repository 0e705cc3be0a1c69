//! Running a search: the archive read in tiers from the newest articles, only as deep as the
//! page asked for needs (each tier counted and ranked by `tier`), the counts per section
//! (estimated for very large result sets and for tiers not read), one page ranked (an exact
//! headline first, then tier by tier), and the page's snippets.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::IdRow;
use super::counts::PhraseCounts;
use super::query::ParsedQuery;
use super::snippet::Marker;
use super::statement::{Archive, Bind, Engine, Span, Statement, highest_indexed};
use super::tier;

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
    /// The archive is searched in tiers of this many article ids, newest first, and only as
    /// deep as the page asked for needs: the matches of older tiers are estimated from the
    /// newer ones (and the page says "about") until a page reaches them. Each tier is counted
    /// and ranked as a whole archive of its size would be, and ranks before the older ones.
    /// FTS5 intersects a query's postings one posting at a time, and a word has ten times as
    /// many at 1,000,000 articles as at 100,000: reading them all, a never-repeated search cost
    /// 3.6 times the CPU there; a tier costs the same at any size. An archive within one tier
    /// is searched as a whole, and so is any archive on PostgreSQL (see `search_within`).
    pub tier_ids: i64,
    /// Result sets (of a tier) up to this size are counted per section exactly; larger ones
    /// are estimated (and the page says "about").
    pub exact_count_limit: i64,
    /// A larger set is counted per section among its newest this many matches, scaled up by
    /// the share of the tier they span.
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
        tier_ids: 100_000,
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
/// page only. Ranking: an exact headline match first, then, tier by tier from the newest (see
/// [`Bounds::tier_ids`]), bm25 (headline above dek above body) with a gentle boost for recent
/// articles, or for a tier with more matches than the rank window, its newest matches with
/// headline matches first (`tier`).
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
    let wanted = ranked_offset + limit + 1;

    // Tier by tier from the newest, until the page is full or the archive read.
    let highest = highest_indexed(conn)?;
    // PostgreSQL's GIN index hands over a query's matches as one bitmap of the whole table,
    // whatever range of ids is asked for: in tiers it would be read once per tier.
    let tier_ids = match Engine::of(conn) {
        Engine::Fts5 => bounds.tier_ids,
        Engine::Tsvector => i64::MAX,
    };
    let mut tiers = Span::tiers(highest, tier_ids).peekable();
    let archive = Archive {
        highest,
        newest: *tiers.peek().expect("there is always a newest tier"),
    };
    let mut per_section: BTreeMap<i32, i64> = BTreeMap::new();
    let mut approximate = false;
    let mut ranked: Vec<i32> = Vec::new();
    let mut read_above = highest;
    for span in tiers {
        let found = tier::search(
            conn,
            (counts, archive),
            (query, filters),
            now,
            (span, wanted - ranked.len() as i64),
            bounds,
        )?;
        for (section, n) in found.section_counts {
            *per_section.entry(section).or_default() += n;
        }
        approximate |= found.approximate;
        ranked.extend(found.ranked);
        read_above = span.above;
        if ranked.len() as i64 >= wanted {
            break;
        }
    }
    // Older tiers not read: their matches are estimated from the newer ones, by the share of
    // the ids read.
    if read_above > 0 {
        let scale = highest as f64 / (highest - read_above).max(1) as f64;
        for n in per_section.values_mut() {
            *n = (*n as f64 * scale).round() as i64;
        }
        approximate = true;
    }
    let mut section_counts: Vec<(i32, i64)> = per_section.into_iter().collect();
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

    let mut ids: Vec<i32> = ranked
        .into_iter()
        .skip(ranked_offset as usize)
        .take(limit as usize + 1)
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
