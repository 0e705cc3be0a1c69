//! How many articles each phrase of a query occurs in, for ranking (see `rank_function`):
//! counted once per phrase, then kept until published content changes. Counting walks the
//! phrase's posting list, so it is counted among the newest tier of the archive only (see
//! `ranking::Bounds::tier_ids`) and scaled up to the whole: a word in one article of ten is
//! 10,000 postings to walk at any size of archive, not 100,000 at 1,000,000 articles. The words
//! of reader queries repeat far more than the queries do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::CountRow;
use super::statement::{Archive, Span};
use crate::db::DbConnection;

/// Phrases remembered at most (a few megabytes); past it the counts start over.
const MOST_PHRASES: usize = 50_000;

/// Article counts (estimated from the newest tier) by phrase as the FTS5 query writes it
/// (`"harbour"`, `"sea wall"`, `"harb"*`). Cloning shares them. The server drops them wherever
/// it drops its cached search results (`AppState::after_commit`, `apply_remote_change`).
#[derive(Clone, Default)]
pub struct PhraseCounts {
    inner: Arc<Mutex<Known>>,
}

#[derive(Default)]
struct Known {
    counts: HashMap<String, i64>,
    /// Changes with every `clear`: a count read before a change is not stored after it.
    generation: u64,
}

impl PhraseCounts {
    /// Forgets every count (the published articles changed).
    pub fn clear(&self) {
        let mut known = self.lock();
        known.counts.clear();
        known.generation += 1;
    }

    /// How many published articles of `archive` each of `phrases` occurs in: counted in its
    /// newest tier and scaled up by the share of the ids that spans (exact when it spans them
    /// all).
    pub(super) fn of(
        &self,
        conn: &mut DbConnection,
        phrases: &[String],
        archive: Archive,
    ) -> QueryResult<Vec<i64>> {
        let newest = archive.newest;
        let mut found = Vec::with_capacity(phrases.len());
        for phrase in phrases {
            let (known, generation) = {
                let known = self.lock();
                (known.counts.get(phrase).copied(), known.generation)
            };
            let count = match known {
                Some(count) => count,
                None => {
                    let counted = count_articles(conn, phrase, newest)?;
                    let count = if newest.above > 0 {
                        (counted as f64 * archive.highest as f64 / newest.ids() as f64).round()
                            as i64
                    } else {
                        counted
                    };
                    let mut known = self.lock();
                    if known.generation == generation {
                        if known.counts.len() >= MOST_PHRASES {
                            known.counts.clear();
                        }
                        known.counts.insert(phrase.clone(), count);
                    }
                    count
                }
            };
            found.push(count);
        }
        Ok(found)
    }

    /// How many phrases' counts are kept.
    pub fn remembered(&self) -> usize {
        self.lock().counts.len()
    }

    /// The counts of `phrases` if every one is known, without counting any.
    pub(super) fn known(&self, phrases: &[String]) -> Option<Vec<i64>> {
        let known = self.lock();
        phrases
            .iter()
            .map(|phrase| known.counts.get(phrase).copied())
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Known> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The articles in `span` that `phrase` (one phrase of FTS5 query syntax) occurs in, counted
/// in the index.
fn count_articles(conn: &mut DbConnection, phrase: &str, span: Span) -> QueryResult<i64> {
    let row: CountRow = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH ? AND rowid > ?",
    )
    .bind::<Text, _>(phrase)
    .bind::<BigInt, _>(span.above)
    .get_result(conn)?;
    Ok(row.n)
}
