//! Text similarity for related articles: an article's most distinctive words (frequent in it,
//! rare in the archive) run as one FTS5 query.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text};

use super::statement::Engine;
use super::vocabulary::documents_with;
use super::words::{is_stopword, words_of};
use super::{CountRow, TextRow, bm25_weights};

use crate::db::DbConnection;

#[derive(QueryableByName)]
struct ScoredRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// How many articles hold each word, as read from the vocabulary: a bulk run over the archive
/// (every related list after an import) asks for the same words tens of thousands of times,
/// while the counts do not change. Bounded: emptied when it holds `MOST_WORDS`.
#[derive(Debug, Default)]
pub struct WordCounts(HashMap<String, i64>);

impl WordCounts {
    const MOST_WORDS: usize = 200_000;

    fn of(&mut self, conn: &mut DbConnection, word: &str) -> QueryResult<i64> {
        if let Some(count) = self.0.get(word) {
            return Ok(*count);
        }
        if self.0.len() >= WordCounts::MOST_WORDS {
            self.0.clear();
        }
        let count = documents_with(conn, word)?;
        self.0.insert(word.to_string(), count);
        Ok(count)
    }
}

/// Published articles whose text is most like this one's: its most distinctive words (frequent
/// in it, rare in the archive) run as one FTS5 query. Returns (article id, similarity > 0),
/// most similar first, never the article itself.
pub fn similar_by_text(
    conn: &mut DbConnection,
    article_id: i32,
    limit: i64,
    word_counts: &mut WordCounts,
) -> QueryResult<Vec<(i32, f64)>> {
    const TERMS: usize = 8;
    /// At most this many matching articles (summed over the chosen words) are scored: about
    /// a millisecond at any archive size.
    const MATCH_BUDGET: f64 = 1_000.0;
    const CANDIDATE_WORDS: usize = 24;
    let text: Vec<TextRow> = diesel::sql_query(crate::db::sql(
        conn,
        "SELECT headline || ' ' || headline || ' ' || dek || ' ' || body AS text
         FROM article_search_content WHERE rowid = ?",
    ))
    .bind::<Integer, _>(article_id)
    .load(conn)?;
    let Some(text) = text.into_iter().next().and_then(|r| r.text) else {
        return Ok(Vec::new());
    };

    let mut frequency: HashMap<String, u32> = HashMap::new();
    for word in words_of(&text) {
        if word.chars().count() >= 4 && !is_stopword(&word) && !word.chars().all(|c| c.is_numeric())
        {
            *frequency.entry(word).or_default() += 1;
        }
    }
    let mut frequent: Vec<(String, u32)> = frequency.into_iter().collect();
    frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    frequent.truncate(CANDIDATE_WORDS);

    // The archive's size for the rarity weight; the highest id is a close, O(1) estimate.
    let total: CountRow = diesel::sql_query(
        "SELECT CAST(COALESCE(MAX(rowid), 1) AS BIGINT) AS n FROM article_search_content",
    )
    .get_result(conn)?;
    let total = total.n.max(1) as f64;
    let mut weighted = Vec::with_capacity(frequent.len());
    for (word, count) in frequent {
        let documents = word_counts.of(conn, &word)?.max(1) as f64;
        // Words in over a fifth of the archive say nothing about this article.
        if documents / total > 0.2 && total > 50.0 {
            continue;
        }
        weighted.push((f64::from(count) * (total / documents).ln(), word, documents));
    }
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    // The most distinctive words first, while the articles they match stay within the
    // budget: FTS5 scores every match, so the budget, not the archive, sets the cost.
    let mut matched = 0.0;
    weighted.retain(|(_, _, documents)| {
        let fits = matched + documents <= MATCH_BUDGET;
        if fits {
            matched += documents;
        }
        fits
    });
    weighted.truncate(TERMS);
    if weighted.is_empty() {
        return Ok(Vec::new());
    }
    let words = weighted.iter().map(|(_, w, _)| w.as_str());
    let rows: Vec<ScoredRow> = match Engine::of(conn) {
        Engine::Fts5 => {
            let any = words
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" OR ");
            let weights = bm25_weights();
            diesel::sql_query(format!(
                "SELECT rowid AS id, -bm25(article_search, {weights}) AS score
                 FROM article_search WHERE article_search MATCH ? AND rowid <> ?
                 ORDER BY bm25(article_search, {weights}) LIMIT ?"
            ))
            .bind::<Text, _>(format!("{{headline dek body}} : ({any})"))
            .bind::<Integer, _>(article_id)
            .bind::<BigInt, _>(limit)
            .load(conn)?
        }
        // Tags and authors (weight class D) do not count here, as FTS5 leaves their columns out.
        Engine::Tsvector => diesel::sql_query(
            "SELECT rowid AS id,
                    CAST(ts_rank_cd('{0, 0.1, 0.4, 1.0}', document, to_tsquery('gazette_english', $1))
                         AS DOUBLE PRECISION) AS score
             FROM article_search_content
             WHERE document @@ to_tsquery('gazette_english', $1) AND rowid <> $2
             ORDER BY score DESC, rowid DESC LIMIT $3",
        )
        .bind::<Text, _>(words.collect::<Vec<_>>().join(" | "))
        .bind::<Integer, _>(article_id)
        .bind::<BigInt, _>(limit)
        .load(conn)?,
    };
    Ok(rows.into_iter().map(|r| (r.id, r.score)).collect())
}
