//! A reader's input parsed into clauses (words, the prefix being typed, quoted phrases), each
//! reduced to letters and digits and quoted before it reaches `MATCH`, so no input can be FTS5
//! syntax; bounded in length and in the number of clauses.

use diesel::prelude::*;

use super::words::{fold, is_stopword, words_of};
use crate::db::DbConnection;
use crate::schema::search_vocabulary;

/// Longer input is cut here, and the reader is told.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words or phrases take part in a query.
pub(super) const MAX_CLAUSES: usize = 12;
/// A quoted phrase keeps at most this many words: a longer one costs FTS5 a position check per
/// word per match and finds nothing a shorter one would not.
const MAX_PHRASE_WORDS: usize = 8;
/// Partial typing matches as a prefix only from this many letters: shorter prefixes match most
/// of the archive and say little.
const MIN_PREFIX_CHARS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Clause {
    Word(String),
    /// The last word while the reader is still typing it.
    Prefix(String),
    /// A prefix replaced by its most common completions in the vocabulary: any of them matches.
    Completions {
        prefix: String,
        words: Vec<String>,
    },
    Phrase(Vec<String>),
}

/// A reader's query, parsed. Every token is reduced to letters and digits and quoted before it
/// reaches `MATCH`, so no input can be FTS5 syntax.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    /// What the reader typed, cut to `MAX_QUERY_CHARS`.
    pub text: String,
    /// True when the input was longer than the limit.
    pub truncated: bool,
    pub(super) clauses: Vec<Clause>,
}

impl ParsedQuery {
    pub fn parse(raw: &str) -> ParsedQuery {
        let truncated = raw.chars().count() > MAX_QUERY_CHARS;
        let text: String = raw.chars().take(MAX_QUERY_CHARS).collect();
        let normalized = text.replace(['“', '”', '„'], "\"");

        let mut clauses = Vec::new();
        // Even-numbered pieces are outside quotes, odd ones inside; an unclosed quote counts
        // as closed at the end.
        for (index, piece) in normalized.split('"').enumerate() {
            let words = words_of(piece);
            if index % 2 == 1 && words.len() > 1 {
                let mut words = words;
                words.truncate(MAX_PHRASE_WORDS);
                clauses.push(Clause::Phrase(words));
            } else {
                clauses.extend(words.into_iter().map(Clause::Word));
            }
        }
        let still_typing = !normalized.ends_with(|c: char| c.is_whitespace() || c == '"');
        if still_typing
            && let Some(Clause::Word(last)) = clauses.last()
            && last.chars().count() >= MIN_PREFIX_CHARS
        {
            let last = last.clone();
            *clauses.last_mut().expect("just matched") = Clause::Prefix(last);
        }
        let meaningful = |c: &Clause| match c {
            Clause::Word(w) | Clause::Prefix(w) => !is_stopword(w),
            Clause::Completions { .. } => true,
            Clause::Phrase(_) => true,
        };
        if clauses.iter().any(meaningful) {
            clauses.retain(meaningful);
        }
        clauses.dedup();
        clauses.truncate(MAX_CLAUSES);
        ParsedQuery {
            text,
            truncated,
            clauses,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The FTS5 query: every word and phrase quoted, all required.
    pub(super) fn to_fts(&self) -> String {
        self.clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word(w) => format!("\"{w}\""),
                Clause::Prefix(w) => format!("\"{w}\"*"),
                Clause::Completions { words, .. } => format!(
                    "({})",
                    words
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                ),
                Clause::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The same query for PostgreSQL's `to_tsquery('gazette_english', …)`: words, prefixes (`:*`),
    /// alternatives (`|`) and phrases (`<->`), all required (`&`). Every word is letters and
    /// digits only (see `words_of`), so none can be tsquery syntax.
    pub(super) fn to_tsquery(&self) -> String {
        self.clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word(w) => w.clone(),
                Clause::Prefix(w) => format!("{w}:*"),
                Clause::Completions { words, .. } => format!("({})", words.join(" | ")),
                Clause::Phrase(words) => format!("({})", words.join(" <-> ")),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The query as a reader would type it, for links and suggestions.
    pub(super) fn display(clauses: &[Clause]) -> String {
        clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word(w) | Clause::Prefix(w) => w.clone(),
                Clause::Completions { prefix, .. } => prefix.clone(),
                Clause::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A prefix matches as its most common completions: an FTS5 prefix query would merge the
/// postings of every word that starts with it, which for a short prefix is much of the archive.
const COMPLETIONS: i64 = 6;

impl ParsedQuery {
    /// Replaces the typed prefix with the words it most likely completes to (the vocabulary's
    /// most common); a prefix the vocabulary does not know stays an FTS5 prefix query.
    pub fn expand_prefix(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        for clause in self.clauses.iter_mut() {
            let Clause::Prefix(prefix) = clause else {
                continue;
            };
            let folded = fold(prefix);
            let upper = format!("{folded}\u{10FFFF}");
            let words: Vec<String> = search_vocabulary::table
                .filter(search_vocabulary::term.ge(&folded))
                .filter(search_vocabulary::term.lt(&upper))
                .order(search_vocabulary::documents.desc())
                .limit(COMPLETIONS)
                .select(search_vocabulary::term)
                .load(conn)?;
            if !words.is_empty() {
                *clause = Clause::Completions {
                    prefix: prefix.clone(),
                    words,
                };
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Whatever a reader types, the query is bounded and SQLite's FTS5 accepts it.
        #[test]
        fn any_text_makes_a_bounded_valid_fts_query(raw in crate::properties::hostile_text()) {
            use diesel::{Connection, RunQueryDsl};
            let parsed = ParsedQuery::parse(&raw);
            proptest::prop_assert!(parsed.clauses.len() <= MAX_CLAUSES);
            proptest::prop_assert!(parsed.text.chars().count() <= MAX_QUERY_CHARS);
            for clause in &parsed.clauses {
                if let Clause::Phrase(words) = clause {
                    proptest::prop_assert!(words.len() <= MAX_PHRASE_WORDS);
                }
            }
            if !parsed.is_empty() {
                let mut conn = DbConnection::establish(":memory:").unwrap();
                diesel::sql_query(
                    "CREATE VIRTUAL TABLE t USING fts5(a, tokenize = 'porter unicode61 remove_diacritics 2')",
                )
                .execute(&mut conn)
                .unwrap();
                let result = diesel::sql_query("SELECT rowid FROM t WHERE t MATCH ?")
                    .bind::<diesel::sql_types::Text, _>(parsed.to_fts())
                    .execute(&mut conn);
                proptest::prop_assert!(result.is_ok(), "{:?} -> {:?}: {:?}", raw, parsed.to_fts(), result);
            }
        }
    }

    #[test]
    fn every_token_is_quoted_and_the_last_word_is_a_prefix() {
        assert_eq!(
            ParsedQuery::parse("Election results").to_fts(),
            "\"election\" AND \"results\"*"
        );
        assert_eq!(
            ParsedQuery::parse("election results ").to_fts(),
            "\"election\" AND \"results\""
        );
        assert_eq!(
            ParsedQuery::parse("\"sea wall\" storm").to_fts(),
            "\"sea wall\" AND \"storm\"*"
        );
        assert_eq!(
            ParsedQuery::parse("the election of a").to_fts(),
            "\"election\""
        );
        assert_eq!(ParsedQuery::parse("the").to_fts(), "\"the\"*");
        assert_eq!(ParsedQuery::parse("ab").to_fts(), "\"ab\"");
    }

    #[test]
    fn hostile_input_becomes_plain_words() {
        for (raw, fts) in [
            ("NEAR(a b)", "\"near\" AND \"b\""),
            ("\"unbalanced", "\"unbalanced\"*"),
            ("a* OR -b) AND (c:", "\"b\" AND \"c\""),
            (
                "'; DROP TABLE articles; --",
                "\"drop\" AND \"table\" AND \"articles\"*",
            ),
            (
                "<script>alert(1)</script>",
                "\"script\" AND \"alert\" AND \"1\" AND \"script\"*",
            ),
            ("🎉🎉", ""),
        ] {
            assert_eq!(ParsedQuery::parse(raw).to_fts(), fts, "{raw}");
        }
        let long = "word ".repeat(1000);
        let parsed = ParsedQuery::parse(&long);
        assert!(parsed.truncated);
        assert_eq!(parsed.text.chars().count(), MAX_QUERY_CHARS);
        assert!(parsed.to_fts().matches('"').count() <= MAX_CLAUSES * 2);
        let phrase = format!("\"{}\"", "the ".repeat(40));
        let parsed = ParsedQuery::parse(&phrase);
        assert_eq!(
            parsed.to_fts(),
            format!("\"{}\"", ["the"; MAX_PHRASE_WORDS].join(" "))
        );
    }
}
