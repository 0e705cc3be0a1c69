//! Full-text search over published articles: turning any reader input into a safe FTS5 query,
//! ranking, snippets, "Did you mean", text similarity for related articles, and keeping the
//! index in step with the articles. The only module that speaks FTS5 (see the second migration).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};

use crate::markdown;
use crate::models::ArticleStatus;
use crate::schema::{article_search_content, article_search_facets, search_vocabulary};

/// Longer input is cut here, and the reader is told.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words or phrases take part in a query.
const MAX_CLAUSES: usize = 12;
/// Longer "words" are noise (pasted hashes, URLs); they are cut.
const MAX_WORD_CHARS: usize = 40;
/// Partial typing matches as a prefix only from this many letters: shorter prefixes match most
/// of the archive and say little.
const MIN_PREFIX_CHARS: usize = 3;
/// Column weights for bm25: headline, dek, body, tags, authors.
const RANK_WEIGHTS: &str = "10.0, 4.0, 1.0, 3.0, 2.0";
/// Snippet markers: control characters no article contains, swapped for `<mark>` after escaping.
const MARK_OPEN: char = '\u{2}';
const MARK_CLOSE: char = '\u{3}';

/// Words too common to narrow a search; dropped unless the query has nothing else.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but",
    "by", "can", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "more", "new", "not", "of", "on", "one", "or", "our", "out", "over",
    "said", "she", "so", "than", "that", "the", "their", "them", "there", "they", "this", "to",
    "up", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you",
];

#[derive(Debug, Clone, PartialEq)]
enum Clause {
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
    clauses: Vec<Clause>,
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
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
    fn to_fts(&self) -> String {
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

    /// The query as a reader would type it, for links and suggestions.
    fn display(clauses: &[Clause]) -> String {
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
    pub fn expand_prefix(&mut self, conn: &mut SqliteConnection) -> QueryResult<()> {
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
struct IdRow {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct SectionCountRow {
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = BigInt)]
    hits: i64,
}

#[derive(QueryableByName)]
struct SnippetRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// Julian day number of a date, as the index stores publication days.
fn julian_day(date: NaiveDate) -> f64 {
    // 2440587.5 is the Julian day of 1970-01-01T00:00Z.
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp() as f64
        / 86_400.0
        + 2_440_587.5
}

fn julian_day_time(at: NaiveDateTime) -> f64 {
    at.and_utc().timestamp() as f64 / 86_400.0 + 2_440_587.5
}

/// Result sets up to this size are counted per section exactly; larger ones are estimated
/// from a sample of their newest matches (and the page says "about").
const EXACT_COUNT_LIMIT: i64 = 10_000;
/// A large result set is counted in the newest 1/N of the archive and scaled up.
const COUNT_SAMPLE_FRACTION: i64 = 10;
/// Result sets larger than this are ranked among their newest matches only, about this many:
/// ranking every match of a word found in most of the archive would cost a bm25 score per
/// article, and for a news site the newest of such matches are the ones readers want.
const RANK_WINDOW: i64 = 3_000;

/// A value bound to a `?` placeholder.
enum Bind {
    Text(String),
    Int(i32),
    Real(f64),
    Big(i64),
}

/// A SQL statement and its bind values in order, built up clause by clause.
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Statement {
    fn new(sql: &str) -> Statement {
        Statement {
            sql: sql.to_string(),
            binds: Vec::new(),
        }
    }

    fn push(&mut self, sql: &str, bind: Option<Bind>) -> &mut Statement {
        self.sql.push_str(sql);
        self.binds.extend(bind);
        self
    }

    fn load<U>(&self, conn: &mut SqliteConnection) -> QueryResult<Vec<U>>
    where
        U: QueryableByName<diesel::sqlite::Sqlite> + 'static,
    {
        let mut query = diesel::sql_query(self.sql.clone()).into_boxed();
        for bind in &self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v.clone()),
                Bind::Int(v) => query.bind::<Integer, _>(*v),
                Bind::Real(v) => query.bind::<Double, _>(*v),
                Bind::Big(v) => query.bind::<BigInt, _>(*v),
            };
        }
        query.load(conn)
    }

    /// Adds the match and every filter but the section.
    fn matching(&mut self, query: &ParsedQuery, filters: &Filters) -> &mut Statement {
        self.push(
            " WHERE article_search MATCH ?",
            Some(Bind::Text(query.to_fts())),
        );
        self.author_and_dates(filters)
    }

    /// The author and date filters, as `AND …` clauses on `s.rowid` and `f.published_day`.
    fn author_and_dates(&mut self, filters: &Filters) -> &mut Statement {
        self.by_author(filters.author_id);
        if let Some(from) = filters.from {
            self.push(
                " AND f.published_day >= ?",
                Some(Bind::Real(julian_day(from))),
            );
        }
        if let Some(to) = filters.to {
            self.push(
                " AND f.published_day < ?",
                Some(Bind::Real(julian_day(to) + 1.0)),
            );
        }
        self
    }

    fn by_author(&mut self, author_id: Option<i32>) -> &mut Statement {
        if let Some(author_id) = author_id {
            self.push(
                " AND s.rowid IN (SELECT article_id FROM article_authors WHERE author_id = ?)",
                Some(Bind::Int(author_id)),
            );
        }
        self
    }

    fn newer_than(&mut self, first: Option<i64>) -> &mut Statement {
        if let Some(first) = first {
            self.push(" AND s.rowid >= ?", Some(Bind::Big(first)));
        }
        self
    }

    fn in_section(&mut self, section_id: Option<i32>) -> &mut Statement {
        if let Some(section_id) = section_id {
            self.push(" AND f.section_id = ?", Some(Bind::Int(section_id)));
        }
        self
    }
}

const FROM_MATCHES: &str =
    " FROM article_search s JOIN article_search_facets f ON f.rowid = s.rowid";

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Matches of the query (with the author filter, the cheap one), counted without touching any
/// table but the index; and the highest rowid in the index.
fn raw_count(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
) -> QueryResult<i64> {
    counted(conn, query, filters, first, None)
}

/// Matches counted up to `cap` + 1 at most: enough to know a result set is large without
/// walking all of it.
fn counted(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
    cap: Option<i64>,
) -> QueryResult<i64> {
    let mut statement =
        Statement::new("SELECT COUNT(*) AS n FROM (SELECT s.rowid FROM article_search s");
    statement.push(
        " WHERE article_search MATCH ?",
        Some(Bind::Text(query.to_fts())),
    );
    statement.by_author(filters.author_id).newer_than(first);
    match cap {
        Some(cap) => statement.push(" LIMIT ?)", Some(Bind::Big(cap + 1))),
        None => statement.push(")", None),
    };
    Ok(statement
        .load::<CountRow>(conn)?
        .first()
        .map(|r| r.n)
        .unwrap_or(0))
}

/// The newest article id in the index.
fn highest_indexed(conn: &mut SqliteConnection) -> QueryResult<i64> {
    let highest: CountRow =
        diesel::sql_query("SELECT COALESCE(MAX(rowid), 0) AS n FROM article_search_facets")
            .get_result(conn)?;
    Ok(highest.n)
}

/// The rowid above which about `wanted` of `matches` matches lie, assuming matches spread
/// evenly over the archive up to `highest`; None when every match is wanted anyway.
fn window_start(highest: i64, matches: i64, wanted: i64) -> Option<i64> {
    if matches <= wanted {
        return None;
    }
    let span = (highest as f64 * wanted as f64 / matches as f64).ceil() as i64;
    Some((highest - span).max(0))
}

fn section_counts(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
) -> QueryResult<Vec<(i32, i64)>> {
    let mut statement = Statement::new("SELECT f.section_id AS section_id, COUNT(*) AS hits");
    statement
        .push(FROM_MATCHES, None)
        .matching(query, filters)
        .newer_than(first);
    statement.push(" GROUP BY f.section_id", None);
    Ok(statement
        .load::<SectionCountRow>(conn)?
        .into_iter()
        .map(|row| (row.section_id, row.hits))
        .collect())
}

fn ranked_ids(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
    first: Option<i64>,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<i32>> {
    let mut statement = Statement::new("SELECT s.rowid AS id");
    statement
        .push(FROM_MATCHES, None)
        .matching(query, filters)
        .newer_than(first)
        .in_section(filters.section_id);
    statement.push(
        &format!(
            " ORDER BY bm25(article_search, {RANK_WEIGHTS})
                 * (1.0 + 0.3 / (1.0 + max(0.0, ? - f.published_day) / 30.0))
               LIMIT ? OFFSET ?"
        ),
        Some(Bind::Real(julian_day_time(now))),
    );
    statement.binds.push(Bind::Big(limit));
    statement.binds.push(Bind::Big(offset));
    Ok(statement
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// The published article whose headline is exactly the query, if it passes the filters.
fn exact_headline(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
) -> QueryResult<Option<i32>> {
    let headline = query.text.trim().trim_matches('"').trim();
    if headline.is_empty() {
        return Ok(None);
    }
    let mut statement = Statement::new(
        "SELECT s.rowid AS id FROM article_search_content s
         JOIN article_search_facets f ON f.rowid = s.rowid
         WHERE s.headline = ? COLLATE NOCASE",
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
/// with a gentle boost for recent articles. Very large result sets are counted from a sample
/// and ranked among their newest matches (see `EXACT_COUNT_LIMIT` and `RANK_WINDOW`).
pub fn search(
    conn: &mut SqliteConnection,
    query: &ParsedQuery,
    filters: &Filters,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<ResultsPage> {
    if query.is_empty() {
        return Ok(ResultsPage::default());
    }
    let mut expanded = query.clone();
    expanded.expand_prefix(conn)?;
    let query = &expanded;
    let matches = counted(conn, query, filters, None, Some(EXACT_COUNT_LIMIT))?;
    if matches == 0 {
        return Ok(ResultsPage::default());
    }
    // Only large result sets are sampled or windowed, and only they need the newest id.
    let highest = if matches > RANK_WINDOW {
        highest_indexed(conn)?
    } else {
        0
    };
    let (mut section_counts, approximate) = if matches <= EXACT_COUNT_LIMIT {
        (section_counts(conn, query, filters, None)?, false)
    } else {
        // More than the limit: count the newest slice of the archive and scale up.
        let span = (highest / COUNT_SAMPLE_FRACTION).max(1);
        let first = Some(highest - span);
        let scale = highest as f64 / span as f64;
        let counts = section_counts(conn, query, filters, first)?
            .into_iter()
            .map(|(section, hits)| (section, (hits as f64 * scale).round() as i64))
            .collect();
        (counts, true)
    };
    section_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total = match filters.section_id {
        Some(section) => section_counts
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, n)| n)
            .sum(),
        None => section_counts.iter().map(|(_, n)| n).sum(),
    };
    if total == 0 || offset >= total {
        return Ok(ResultsPage {
            total,
            approximate,
            hits: Vec::new(),
            section_counts,
        });
    }

    // The exact headline match leads page one and is left out of the ranked list.
    let exact = exact_headline(conn, query, filters)?;
    let (ranked_limit, ranked_offset) = match (exact, offset) {
        (Some(_), 0) => (limit, 0),
        (Some(_), offset) => (limit, offset - 1),
        (None, offset) => (limit, offset),
    };
    let wanted = ranked_offset + ranked_limit + 1;
    let mut ids = match window_start(highest, total, RANK_WINDOW.max(wanted * 4)) {
        Some(first) => {
            let windowed = ranked_ids(
                conn,
                query,
                filters,
                Some(first),
                now,
                ranked_limit + 1,
                ranked_offset,
            )?;
            // A window that turned out too thin for this page: rank everything instead.
            if (windowed.len() as i64) < ranked_limit + 1 {
                ranked_ids(
                    conn,
                    query,
                    filters,
                    None,
                    now,
                    ranked_limit + 1,
                    ranked_offset,
                )?
            } else {
                windowed
            }
        }
        None => ranked_ids(
            conn,
            query,
            filters,
            None,
            now,
            ranked_limit + 1,
            ranked_offset,
        )?,
    };
    if let Some(exact) = exact {
        ids.retain(|id| *id != exact);
        if offset == 0 {
            ids.insert(0, exact);
        }
    }
    ids.truncate(limit as usize);

    // One short query per hit: FTS5 seeks straight to a rowid, where a `rowid IN (…)` list
    // would make it walk every match of the query.
    let mut snippets = Vec::with_capacity(ids.len());
    for id in &ids {
        let rows: Vec<SnippetRow> = diesel::sql_query(
            "SELECT rowid AS id, snippet(article_search, 2, char(2), char(3), '…', 24) AS snippet
             FROM article_search WHERE article_search MATCH ? AND rowid = ?",
        )
        .bind::<Text, _>(query.to_fts())
        .bind::<Integer, _>(*id)
        .load(conn)?;
        snippets.extend(rows);
    }
    let hits = ids
        .iter()
        .map(|id| Hit {
            article_id: *id,
            snippet_html: snippets
                .iter()
                .find(|s| s.id == *id)
                .map(|s| highlight(&s.snippet))
                .unwrap_or_default(),
        })
        .collect();
    Ok(ResultsPage {
        total,
        approximate,
        hits,
        section_counts,
    })
}

/// Escapes a snippet for HTML, then turns the match markers into `<mark>` elements.
fn highlight(snippet: &str) -> String {
    let mut html = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            MARK_OPEN => html.push_str("<mark>"),
            MARK_CLOSE => html.push_str("</mark>"),
            c if c.is_control() && c != '\n' => {}
            c => html.push(c),
        }
    }
    html
}

#[derive(Queryable)]
struct VocabRow {
    term: String,
    documents: i32,
}

/// Folds a word the way the index does (lower case, Latin diacritics removed), so "Zürich"
/// and "zurich" look up the same entry.
fn fold(word: &str) -> String {
    if word.chars().all(|c| (c as u32) < 0x250) {
        deunicode::deunicode(word).to_lowercase()
    } else {
        word.to_lowercase()
    }
}

/// The distinct words of a text, folded as the index folds them.
fn vocabulary_of(text: &str) -> std::collections::HashSet<String> {
    words_of(text)
        .iter()
        .map(|w| fold(w))
        .filter(|w| w.chars().count() > 1)
        .collect()
}

/// How many published articles use a word.
fn documents_with(conn: &mut SqliteConnection, word: &str) -> QueryResult<i64> {
    let documents: Option<i32> = search_vocabulary::table
        .find(fold(word))
        .select(search_vocabulary::documents)
        .first(conn)
        .optional()?;
    Ok(documents.unwrap_or(0).into())
}

/// Adds (`delta` 1) or takes away (`delta` -1) one article's words from the vocabulary counts.
fn count_words(
    conn: &mut SqliteConnection,
    words: &std::collections::HashSet<String>,
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
            diesel::insert_into(search_vocabulary::table)
                .values(chunk)
                .on_conflict(search_vocabulary::term)
                .do_update()
                .set(
                    search_vocabulary::documents
                        .eq(search_vocabulary::documents + excluded(search_vocabulary::documents)),
                )
                .execute(conn)?;
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
fn closest_word(conn: &mut SqliteConnection, word: &str) -> QueryResult<Option<String>> {
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

/// "Did you mean …": the query with each word the index does not know replaced by its closest
/// known word, or None when nothing could be improved.
pub fn suggestion(conn: &mut SqliteConnection, query: &ParsedQuery) -> QueryResult<Option<String>> {
    let mut changed = false;
    let mut corrected = Vec::with_capacity(query.clauses.len());
    for clause in &query.clauses {
        let mut fix = |word: &String| -> QueryResult<String> {
            if documents_with(conn, word)? > 0 {
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
    let found = raw_count(conn, &better, &Filters::default(), None)?;
    Ok((found > 0).then_some(better.text))
}

// ---- Keeping the index in step ----

/// One article's searchable text, as stored in `article_search_content`.
#[derive(Insertable)]
#[diesel(table_name = article_search_content)]
struct SearchDocument {
    rowid: i32,
    headline: String,
    dek: String,
    body: String,
    tags: String,
    authors: String,
}

impl SearchDocument {
    /// All of the document's words, as the vocabulary counts them.
    fn text(&self) -> String {
        [
            &self.headline,
            &self.dek,
            &self.body,
            &self.tags,
            &self.authors,
        ]
        .map(String::as_str)
        .join(" ")
    }
}

/// What filters and ranking need, as stored in `article_search_facets`.
#[derive(Insertable)]
#[diesel(table_name = article_search_facets)]
struct SearchFacets {
    rowid: i32,
    section_id: i32,
    published_day: f64,
}

#[derive(Queryable)]
struct ArticleText {
    id: i32,
    headline: String,
    dek: String,
    body_markdown: String,
    section_id: i32,
    published_at: Option<NaiveDateTime>,
}

/// Search documents for these published articles: tag and author names fetched for all of
/// them in two queries.
fn documents_for(
    conn: &mut SqliteConnection,
    texts: Vec<ArticleText>,
) -> QueryResult<Vec<(SearchDocument, SearchFacets)>> {
    use crate::schema::{article_authors, article_tags, authors, tags};
    let ids: Vec<i32> = texts.iter().map(|t| t.id).collect();
    let mut tag_names: HashMap<i32, Vec<String>> = HashMap::new();
    for (article_id, name) in article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq_any(&ids))
        .select((article_tags::article_id, tags::name))
        .load::<(i32, String)>(conn)?
    {
        tag_names.entry(article_id).or_default().push(name);
    }
    let mut author_names: HashMap<i32, Vec<String>> = HashMap::new();
    for (article_id, name) in article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(&ids))
        .order((article_authors::article_id, article_authors::position))
        .select((article_authors::article_id, authors::name))
        .load::<(i32, String)>(conn)?
    {
        author_names.entry(article_id).or_default().push(name);
    }
    Ok(texts
        .into_iter()
        .map(|text| {
            let facets = SearchFacets {
                rowid: text.id,
                section_id: text.section_id,
                published_day: text.published_at.map(julian_day_time).unwrap_or_default(),
            };
            let document = SearchDocument {
                rowid: text.id,
                body: markdown::plain_text(&text.body_markdown),
                tags: tag_names.remove(&text.id).unwrap_or_default().join(" "),
                authors: author_names.remove(&text.id).unwrap_or_default().join(" "),
                headline: text.headline,
                dek: text.dek,
            };
            (document, facets)
        })
        .collect())
}

fn published_texts(
    conn: &mut SqliteConnection,
    after_id: i32,
    through_id: i32,
    limit: i64,
) -> QueryResult<Vec<ArticleText>> {
    use crate::schema::articles;
    articles::table
        .filter(articles::status.eq(ArticleStatus::Published))
        .filter(articles::id.gt(after_id))
        .filter(articles::id.le(through_id))
        .order(articles::id)
        .limit(limit)
        .select((
            articles::id,
            articles::headline,
            articles::dek,
            articles::body_markdown,
            articles::section_id,
            articles::published_at,
        ))
        .load(conn)
}

const COLUMNS: &str = "headline, dek, body, tags, authors";

/// Stores documents and their facets (text first: the index reads it).
fn store(
    conn: &mut SqliteConnection,
    documents: Vec<(SearchDocument, SearchFacets)>,
) -> QueryResult<()> {
    let (documents, facets): (Vec<_>, Vec<_>) = documents.into_iter().unzip();
    // Multi-row inserts, well under SQLite's limit of 32,766 bound values.
    for chunk in documents.chunks(500) {
        diesel::insert_into(article_search_content::table)
            .values(chunk)
            .execute(conn)?;
    }
    for chunk in facets.chunks(2_000) {
        diesel::insert_into(article_search_facets::table)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

/// Takes an article out of the index (an external-content index forgets a row through the
/// 'delete' command with the values it indexed).
fn remove_from_index(conn: &mut SqliteConnection, article_id: i32) -> QueryResult<()> {
    let old_text: Option<String> = diesel::sql_query(format!(
        "SELECT {WORDS_TEXT} AS text FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .load::<TextRow>(conn)?
    .into_iter()
    .next()
    .and_then(|row| row.text);
    if let Some(text) = old_text {
        count_words(conn, &vocabulary_of(&text), -1)?;
    }
    diesel::sql_query(format!(
        "INSERT INTO article_search (article_search, rowid, {COLUMNS})
         SELECT 'delete', rowid, {COLUMNS} FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .execute(conn)?;
    diesel::delete(article_search_content::table.find(article_id)).execute(conn)?;
    diesel::delete(article_search_facets::table.find(article_id)).execute(conn)?;
    Ok(())
}

const WORDS_TEXT: &str = "headline || ' ' || dek || ' ' || body || ' ' || tags || ' ' || authors";

/// Puts an article's current text in the index if it is published, and takes it out if not.
/// Call inside the transaction that saved the article.
pub fn index_article(conn: &mut SqliteConnection, article_id: i32) -> QueryResult<()> {
    remove_from_index(conn, article_id)?;
    let texts = published_texts(conn, article_id - 1, article_id, 1)?;
    let documents = documents_for(conn, texts)?;
    if documents.is_empty() {
        return Ok(());
    }
    let words: std::collections::HashSet<String> = documents
        .iter()
        .flat_map(|(document, _)| vocabulary_of(&document.text()))
        .collect();
    store(conn, documents)?;
    diesel::sql_query(format!(
        "INSERT INTO article_search (rowid, {COLUMNS})
         SELECT rowid, {COLUMNS} FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .execute(conn)?;
    count_words(conn, &words, 1)
}

/// True when the index does not hold exactly the published articles (a new database, or one
/// filled before search existed).
pub fn needs_rebuild(conn: &mut SqliteConnection) -> QueryResult<bool> {
    let indexed: CountRow =
        diesel::sql_query("SELECT COUNT(*) AS n FROM article_search_content").get_result(conn)?;
    let published: CountRow =
        diesel::sql_query("SELECT COUNT(*) AS n FROM articles WHERE status = 'published'")
            .get_result(conn)?;
    Ok(indexed.n != published.n)
}

/// Rebuilds the whole index from the articles: the text in batches (reporting (done, total)
/// after each), then both indexes in one pass each. Readers keep searching the old index until
/// the rebuild commits.
pub fn rebuild(
    conn: &mut SqliteConnection,
    mut progress: impl FnMut(u64, u64),
) -> QueryResult<u64> {
    const BATCH: i64 = 1_000;
    crate::db::write_transaction(conn, |conn| {
        let total: CountRow =
            diesel::sql_query("SELECT COUNT(*) AS n FROM articles WHERE status = 'published'")
                .get_result(conn)?;
        let total = total.n as u64;
        diesel::sql_query("INSERT INTO article_search (article_search) VALUES ('delete-all')")
            .execute(conn)?;
        diesel::delete(search_vocabulary::table).execute(conn)?;
        diesel::delete(article_search_content::table).execute(conn)?;
        diesel::delete(article_search_facets::table).execute(conn)?;
        let mut done = 0u64;
        let mut after_id = 0;
        let mut vocabulary: HashMap<String, i32> = HashMap::new();
        loop {
            let texts = published_texts(conn, after_id, i32::MAX, BATCH)?;
            let Some(last) = texts.last() else { break };
            after_id = last.id;
            done += texts.len() as u64;
            let documents = documents_for(conn, texts)?;
            for (document, _) in &documents {
                for word in vocabulary_of(&document.text()) {
                    *vocabulary.entry(word).or_default() += 1;
                }
            }
            store(conn, documents)?;
            progress(done, total);
        }
        diesel::sql_query("INSERT INTO article_search (article_search) VALUES ('rebuild')")
            .execute(conn)?;
        // One merged segment: every query then reads one b-tree per term instead of several.
        diesel::sql_query("INSERT INTO article_search (article_search) VALUES ('optimize')")
            .execute(conn)?;
        let rows: Vec<_> = vocabulary
            .iter()
            .map(|(term, documents)| {
                (
                    search_vocabulary::term.eq(term),
                    search_vocabulary::documents.eq(*documents),
                )
            })
            .collect();
        for chunk in rows.chunks(2_000) {
            diesel::insert_into(search_vocabulary::table)
                .values(chunk)
                .execute(conn)?;
        }
        // Fresh statistics, so the query planner knows the new sizes.
        diesel::sql_query("PRAGMA optimize").execute(conn)?;
        Ok(done)
    })
}

// ---- Text similarity for related articles ----

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Nullable<Text>)]
    text: Option<String>,
}

#[derive(QueryableByName)]
struct ScoredRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// Published articles whose text is most like this one's: its most distinctive words (frequent
/// in it, rare in the archive) run as one FTS5 query. Returns (article id, similarity > 0),
/// most similar first, never the article itself.
pub fn similar_by_text(
    conn: &mut SqliteConnection,
    article_id: i32,
    limit: i64,
) -> QueryResult<Vec<(i32, f64)>> {
    const TERMS: usize = 8;
    const CANDIDATE_WORDS: usize = 24;
    let text: Vec<TextRow> = diesel::sql_query(
        "SELECT headline || ' ' || headline || ' ' || dek || ' ' || body AS text
         FROM article_search_content WHERE rowid = ?",
    )
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
    let total: CountRow =
        diesel::sql_query("SELECT COALESCE(MAX(rowid), 1) AS n FROM article_search_content")
            .get_result(conn)?;
    let total = total.n.max(1) as f64;
    let mut weighted = Vec::with_capacity(frequent.len());
    for (word, count) in frequent {
        let documents = documents_with(conn, &word)?.max(1) as f64;
        // Words in over a fifth of the archive say nothing about this article.
        if documents / total > 0.2 && total > 50.0 {
            continue;
        }
        weighted.push((f64::from(count) * (total / documents).ln(), word));
    }
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    weighted.truncate(TERMS);
    if weighted.is_empty() {
        return Ok(Vec::new());
    }
    let fts = format!(
        "{{headline dek body}} : ({})",
        weighted
            .iter()
            .map(|(_, w)| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    let rows: Vec<ScoredRow> = diesel::sql_query(format!(
        "SELECT rowid AS id, -bm25(article_search, {RANK_WEIGHTS}) AS score
         FROM article_search WHERE article_search MATCH ? AND rowid <> ?
         ORDER BY bm25(article_search, {RANK_WEIGHTS}) LIMIT ?"
    ))
    .bind::<Text, _>(fts)
    .bind::<Integer, _>(article_id)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.score)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
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
    }

    #[test]
    fn snippets_are_escaped_before_marks_are_added() {
        assert_eq!(
            highlight("a <b> & \u{2}match\u{3} \"q\""),
            "a &lt;b&gt; &amp; <mark>match</mark> &quot;q&quot;"
        );
    }

    #[test]
    fn folding_matches_the_index() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("Ελλάδα"), "ελλάδα");
    }
}
