//! The index's own vocabulary (word → how many published articles use it), kept by `index`:
//! word rarity for related articles, prefix completions, and "Did you mean".

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::query::{Clause, ParsedQuery};
use super::statement::any_match;
use super::words::fold;
use crate::db::DbConnection;
use crate::schema::search_vocabulary;

#[derive(Queryable)]
struct VocabRow {
    term: String,
    documents: i32,
}

/// How many published articles use a word.
pub(super) fn documents_with(conn: &mut DbConnection, word: &str) -> QueryResult<i64> {
    let documents: Option<i32> = search_vocabulary::table
        .find(fold(word))
        .select(search_vocabulary::documents)
        .first(conn)
        .optional()?;
    Ok(documents.unwrap_or(0).into())
}

/// Adds (`delta` 1) or takes away (`delta` -1) one article's words from the vocabulary counts.
pub(super) fn count_words(
    conn: &mut DbConnection,
    words: &HashSet<String>,
    delta: i32,
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    if delta > 0 {
        let rows: Vec<_> = words
            .iter()
            .map(|w| {
                (
                    search_vocabulary::term.eq(w),
                    search_vocabulary::documents.eq(delta),
                )
            })
            .collect();
        for chunk in rows.chunks(400) {
            crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
                search_vocabulary::table
            )
            .values(chunk)
            .on_conflict(search_vocabulary::term)
            .do_update()
            .set(
                search_vocabulary::documents
                    .eq(search_vocabulary::documents + excluded(search_vocabulary::documents)),
            )
            .execute(inner))?;
        }
    } else {
        let words: Vec<&String> = words.iter().collect();
        for chunk in words.chunks(400) {
            diesel::update(search_vocabulary::table.filter(search_vocabulary::term.eq_any(chunk)))
                .set(search_vocabulary::documents.eq(search_vocabulary::documents + delta))
                .execute(conn)?;
        }
        diesel::delete(search_vocabulary::table.filter(search_vocabulary::documents.le(0)))
            .execute(conn)?;
    }
    Ok(())
}

/// The closest word in the index's own vocabulary: same first letter, similar length, at most
/// one edit for short words and two for longer ones; the most common wins a tie.
fn closest_word(conn: &mut DbConnection, word: &str) -> QueryResult<Option<String>> {
    let folded = fold(word);
    let Some(first) = folded.chars().next() else {
        return Ok(None);
    };
    let length = folded.chars().count();
    if length < 3 {
        return Ok(None);
    }
    let upper_bound: String = char::from_u32(first as u32 + 1)
        .map(String::from)
        .unwrap_or_default();
    let candidates: Vec<VocabRow> = search_vocabulary::table
        .filter(search_vocabulary::term.ge(first.to_string()))
        .filter(search_vocabulary::term.lt(upper_bound))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("length(term) BETWEEN ")
                .bind::<BigInt, _>(length as i64 - 2)
                .sql(" AND ")
                .bind::<BigInt, _>(length as i64 + 2),
        )
        .select((search_vocabulary::term, search_vocabulary::documents))
        .load(conn)?;
    let allowed = if length <= 4 { 1 } else { 2 };
    Ok(candidates
        .into_iter()
        .filter(|c| c.term != folded)
        .map(|c| (strsim::osa_distance(&folded, &c.term), c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by(|(da, a), (db, b)| da.cmp(db).then(b.documents.cmp(&a.documents)))
        .map(|(_, c)| c.term))
}

/// At most this many words of a query are looked up for a correction.
const MAX_CORRECTIONS: usize = 6;

/// "Did you mean …": the query with each word the index does not know replaced by its closest
/// known word, or None when nothing could be improved.
pub fn suggestion(conn: &mut DbConnection, query: &ParsedQuery) -> QueryResult<Option<String>> {
    let mut changed = false;
    let mut lookups = 0;
    let mut corrected = Vec::with_capacity(query.clauses.len());
    for clause in &query.clauses {
        let mut fix = |word: &String| -> QueryResult<String> {
            // Each unknown word costs a scan of similar words: a few are enough to help.
            lookups += 1;
            if lookups > MAX_CORRECTIONS || documents_with(conn, word)? > 0 {
                return Ok(word.clone());
            }
            Ok(match closest_word(conn, word)? {
                Some(better) => {
                    changed = true;
                    better
                }
                None => word.clone(),
            })
        };
        corrected.push(match clause {
            Clause::Word(w) => Clause::Word(fix(w)?),
            // A prefix that matches something is fine as it is.
            Clause::Prefix(w) => Clause::Prefix(fix(w)?),
            Clause::Completions { .. } => clause.clone(),
            Clause::Phrase(words) => {
                Clause::Phrase(words.iter().map(&mut fix).collect::<QueryResult<_>>()?)
            }
        });
    }
    if !changed {
        return Ok(None);
    }
    // Only offer what finds something (the vocabulary can lag behind a withdrawal).
    let better = ParsedQuery {
        text: ParsedQuery::display(&corrected),
        truncated: false,
        clauses: corrected,
    };
    Ok(any_match(conn, &better)?.then_some(better.text))
}
