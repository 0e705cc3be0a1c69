//! A page of search results as readers see them: cards with highlighted snippets, counts per
//! section for the filter links, and a suggestion when little was found.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::search::{self, Filters, ParsedQuery, PhraseCounts};
use crate::views::{ArticleCard, SectionLink};

/// Fewer results than this and the page offers "Did you mean …".
const SUGGEST_BELOW: i64 = 3;

pub struct SearchHit {
    pub card: ArticleCard,
    /// Escaped by `search`, with `<mark>` around matches.
    pub snippet_html: String,
}

#[derive(Clone)]
pub struct SectionCount {
    pub section: SectionLink,
    pub hits: i64,
}

pub struct SearchResults {
    pub total: i64,
    /// The counts are estimates (a very large result set).
    pub approximate: bool,
    pub hits: Vec<SearchHit>,
    pub section_counts: Vec<SectionCount>,
    /// Matches in all sections (with the other filters applied).
    pub all_sections_count: i64,
    pub suggestion: Option<String>,
}

impl SearchResults {
    /// The results page of `limit` hits from `offset` on.
    pub fn load(
        conn: &mut DbConnection,
        counts: &PhraseCounts,
        query: &ParsedQuery,
        filters: &Filters,
        sections: &[SectionLink],
        now: NaiveDateTime,
        (limit, offset): (i64, i64),
    ) -> QueryResult<SearchResults> {
        let page = search::search(conn, counts, query, filters, now, limit, offset)?;
        let ids: Vec<i32> = page.hits.iter().map(|h| h.article_id).collect();
        let mut cards = ArticleCard::by_ids(conn, &ids)?;
        let hits = page
            .hits
            .into_iter()
            .filter_map(|hit| {
                let index = cards.iter().position(|c| c.id == hit.article_id)?;
                Some(SearchHit {
                    card: cards.swap_remove(index),
                    snippet_html: hit.snippet_html,
                })
            })
            .collect();
        let section_counts: Vec<SectionCount> = page
            .section_counts
            .iter()
            .filter_map(|(section_id, hits)| {
                let section = sections.iter().find(|s| s.id == *section_id)?.clone();
                Some(SectionCount {
                    section,
                    hits: *hits,
                })
            })
            .collect();
        let suggestion = if page.total < SUGGEST_BELOW {
            search::suggestion(conn, query)?
        } else {
            None
        };
        Ok(SearchResults {
            total: page.total,
            approximate: page.approximate,
            hits,
            all_sections_count: section_counts.iter().map(|c| c.hits).sum(),
            section_counts,
            suggestion,
        })
    }
}
