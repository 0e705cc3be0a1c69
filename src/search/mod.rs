//! Full-text search over published articles: turning any reader input into a safe FTS5 query,
//! ranking, snippets, "Did you mean", text similarity for related articles, and keeping the
//! index in step with the articles. The only module that speaks FTS5 (see the second migration);
//! reader text only ever reaches `MATCH` as a bound value built by `query`, every token quoted.
//!
//! - `words`: splitting and folding text into the index's words, stopwords
//! - `query`: a reader's input parsed into quoted clauses
//! - `statement`: SQL built clause by clause with its bind values
//! - `ranking`: the results page, read tier by tier from the newest articles
//! - `tier`: one tier's matches counted and ranked
//! - `rank_function`: bm25 as an FTS5 function taking each phrase's article count
//! - `counts`: those counts, kept until published content changes
//! - `scored`: result sets up to the rank window counted and ranked in one pass
//! - `window`: the newest matches read once: larger sets sampled, counted and ranked from them
//! - `snippet`: the passage of each hit shown with its matched words marked
//! - `vocabulary`: word counts, completions and "Did you mean"
//! - `index`: keeping the index in step with the articles
//! - `similar`: text similarity for related articles

mod counts;
mod index;
mod query;
mod rank_function;
mod ranking;
mod scored;
mod similar;
mod snippet;
mod statement;
mod tier;
mod vocabulary;
mod window;
mod words;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

pub use counts::PhraseCounts;
pub use index::{index_article, never_built, out_of_step, rebuild};
pub use query::{MAX_QUERY_CHARS, ParsedQuery};
pub use rank_function::register as register_rank_function;
pub use ranking::{Bounds, Filters, Hit, ResultsPage, search, search_within};
pub use similar::{WordCounts, similar_by_text};
pub use vocabulary::suggestion;

/// Column weights for bm25: headline, dek, body, tags, authors.
pub(super) const COLUMN_WEIGHTS: [f64; 5] = [10.0, 4.0, 1.0, 3.0, 2.0];

/// The weights as arguments of FTS5's `bm25()`.
pub(super) fn bm25_weights() -> String {
    COLUMN_WEIGHTS
        .map(|weight| format!("{weight:.1}"))
        .join(", ")
}
/// The same for PostgreSQL's ts_rank_cd, by weight class {D, C, B, A}: tags and authors (D),
/// body (C), dek (B), headline (A), scaled so the headline is 1.
pub(super) const TSVECTOR_WEIGHTS: &str = "{0.25, 0.1, 0.4, 1.0}";

#[derive(QueryableByName)]
pub(super) struct IdRow {
    #[diesel(sql_type = Integer)]
    pub(super) id: i32,
}

#[derive(QueryableByName)]
pub(super) struct CountRow {
    #[diesel(sql_type = BigInt)]
    pub(super) n: i64,
}

#[derive(QueryableByName)]
pub(super) struct TextRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) text: Option<String>,
}

/// Julian day number of a date, as the index stores publication days.
pub(super) fn julian_day(date: NaiveDate) -> f64 {
    // 2440587.5 is the Julian day of 1970-01-01T00:00Z.
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp() as f64
        / 86_400.0
        + 2_440_587.5
}

pub(super) fn julian_day_time(at: NaiveDateTime) -> f64 {
    at.and_utc().timestamp() as f64 / 86_400.0 + 2_440_587.5
}
