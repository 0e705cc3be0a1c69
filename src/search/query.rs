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

impl Clause {
    fn fts_phrases(&self) -> Vec<String> {
        match self {
            Clause::Word(w) => vec![format!("\"{w}\"")],
            Clause::Prefix(w) => vec![format!("\"{w}\"*")],
            Clause::Completions { words, .. } => words.iter().map(|w| format!("\"{w}\"")).collect(),
            Clause::Phrase(words) => vec![format!("\"{}\"", words.join(" "))],
        }
    }
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
                Clause::Completions { .. } => format!("({})", clause.fts_phrases().join(" OR ")),
                _ => clause.fts_phrases().concat(),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The phrases of the FTS5 query as it writes them, in the order FTS5 numbers them (each
    /// completion of a prefix is a phrase of its own).
    pub(super) fn fts_phrases(&self) -> Vec<String> {
        self.clauses.iter().flat_map(Clause::fts_phrases).collect()
    }

    /// How many of `articles` the query would match if its words occurred independently,
    /// given how many articles each phrase of `fts_phrases` occurs in (a clause of
    /// completions: in any of them).
    pub(super) fn estimated_matches(&self, counts: &[i64], articles: i64) -> f64 {
        let articles = articles.max(1) as f64;
        let mut at = 0;
        let mut share = 1.0;
        for clause in &self.clauses {
            let phrases = clause.fts_phrases().len();
            let in_any: i64 = counts.iter().skip(at).take(phrases).sum();
            at += phrases;
            share *= (in_any as f64 / articles).min(1.0);
        }
        share * articles
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
                super::super::rank_function::register();
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
                // FTS5 numbers the query's phrases as `fts_phrases` lists them: the rank
                // function, given one count per phrase, scores a text holding every phrase
                // (unless a phrase is only characters the index drops: then nothing matches).
                let phrases = parsed.fts_phrases();
                let text = phrases.concat().replace(['"', '*'], " ");
                diesel::sql_query("INSERT INTO t (a) VALUES (?)")
                    .bind::<diesel::sql_types::Text, _>(text)
                    .execute(&mut conn)
                    .unwrap();
                #[derive(diesel::QueryableByName)]
                struct Score {
                    #[diesel(sql_type = diesel::sql_types::Double)]
                    score: f64,
                }
                let counts = vec!["1"; phrases.len()].join(", ");
                let ranked: Result<Vec<Score>, _> = diesel::sql_query(format!(
                    "SELECT gazette_rank(t, {counts}) AS score FROM t WHERE t MATCH ?"
                ))
                .bind::<diesel::sql_types::Text, _>(parsed.to_fts())
                .load(&mut conn);
                let scores: Result<Vec<bool>, String> = ranked
                    .map(|rows| rows.iter().map(|row| row.score > 0.0).collect())
                    .map_err(|e| e.to_string());
                proptest::prop_assert!(
                    scores.as_ref().is_ok_and(|s| s.iter().all(|positive| *positive)),
                    "{:?} -> {:?}: {:?}", raw, parsed.to_fts(), scores
                );
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
    fn matches_are_estimated_from_each_clause_s_share_of_the_articles() {
        let query = ParsedQuery::parse("harbour council");
        assert_eq!(query.fts_phrases(), ["\"harbour\"", "\"council\"*"]);
        assert_eq!(query.estimated_matches(&[1_000, 50_000], 100_000), 500.0);
        let mut typing = ParsedQuery::parse("harbour cou");
        typing.clauses[1] = Clause::Completions {
            prefix: "cou".into(),
            words: vec!["council".into(), "court".into()],
        };
        // Completions: an article with any of them (at most all).
        assert_eq!(
            typing.estimated_matches(&[1_000, 30_000, 20_000], 100_000),
            500.0
        );
        assert_eq!(typing.estimated_matches(&[10, 90, 90], 100), 10.0);
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
