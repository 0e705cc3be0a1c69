//! Full-text search over published articles: turning any reader input into a safe FTS5 query,
//! ranking, snippets, "Did you mean", text similarity for related articles, and keeping the
//! index in step with the articles. The only module that speaks FTS5 (see the second migration).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};

use crate::markdown;
use crate::schema::article_search_content;

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
                Clause::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The query as a reader would type it, for links and suggestions.
    fn display(clauses: &[Clause]) -> String {
        clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word(w) | Clause::Prefix(w) => w.clone(),
                Clause::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" ")
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

/// The WHERE clause shared by counting and ranking, and its bind values in order.
enum Bind {
    Text(String),
    Int(i32),
    Real(f64),
}

fn filter_sql(query: &ParsedQuery, filters: &Filters) -> (String, Vec<Bind>) {
    let mut sql = String::from("article_search MATCH ?");
    let mut binds = vec![Bind::Text(query.to_fts())];
    if let Some(author_id) = filters.author_id {
        sql.push_str(" AND rowid IN (SELECT article_id FROM article_authors WHERE author_id = ?)");
        binds.push(Bind::Int(author_id));
    }
    if let Some(from) = filters.from {
        sql.push_str(" AND published_day >= ?");
        binds.push(Bind::Real(julian_day(from)));
    }
    if let Some(to) = filters.to {
        sql.push_str(" AND published_day < ?");
        binds.push(Bind::Real(julian_day(to) + 1.0));
    }
    (sql, binds)
}

fn bind_all<'a>(
    mut query: diesel::query_builder::BoxedSqlQuery<
        'a,
        diesel::sqlite::Sqlite,
        diesel::query_builder::SqlQuery,
    >,
    binds: Vec<Bind>,
) -> diesel::query_builder::BoxedSqlQuery<'a, diesel::sqlite::Sqlite, diesel::query_builder::SqlQuery>
{
    for bind in binds {
        query = match bind {
            Bind::Text(v) => query.bind::<Text, _>(v),
            Bind::Int(v) => query.bind::<Integer, _>(v),
            Bind::Real(v) => query.bind::<Double, _>(v),
        };
    }
    query
}

/// Runs a search: per-section counts, then one page of ids in rank order, then snippets for
/// that page only. Ranking: an exact headline match first, then bm25 (headline above dek above
/// body) with a gentle boost for recent articles.
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
    let (where_sql, _) = filter_sql(query, filters);
    let counts_sql = format!(
        "SELECT CAST(section_id AS INTEGER) AS section_id, COUNT(*) AS hits
         FROM article_search WHERE {where_sql} GROUP BY section_id ORDER BY hits DESC"
    );
    let counts: Vec<SectionCountRow> = bind_all(
        diesel::sql_query(counts_sql).into_boxed(),
        filter_sql(query, filters).1,
    )
    .load(conn)?;
    let section_counts: Vec<(i32, i64)> = counts.iter().map(|c| (c.section_id, c.hits)).collect();
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
            hits: Vec::new(),
            section_counts,
        });
    }

    let mut ranked_sql = format!("SELECT rowid AS id FROM article_search WHERE {where_sql}");
    let mut binds = filter_sql(query, filters).1;
    if let Some(section_id) = filters.section_id {
        ranked_sql.push_str(" AND section_id = ?");
        binds.push(Bind::Int(section_id));
    }
    ranked_sql.push_str(&format!(
        " ORDER BY (lower(headline) = ?) DESC,
                   bm25(article_search, {RANK_WEIGHTS})
                     * (1.0 + 0.3 / (1.0 + max(0.0, ? - published_day) / 30.0))
          LIMIT ? OFFSET ?"
    ));
    binds.push(Bind::Text(
        query.text.trim().trim_matches('"').to_lowercase(),
    ));
    binds.push(Bind::Real(julian_day_time(now)));
    let ids: Vec<i32> = bind_all(diesel::sql_query(ranked_sql).into_boxed(), binds)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|row| row.id)
        .collect();

    let placeholders = vec!["?"; ids.len()].join(", ");
    let snippet_sql = format!(
        "SELECT rowid AS id,
                snippet(article_search, 2, char(2), char(3), '…', 24) AS snippet
         FROM article_search WHERE article_search MATCH ? AND rowid IN ({placeholders})"
    );
    let mut snippet_query = diesel::sql_query(snippet_sql)
        .into_boxed()
        .bind::<Text, _>(query.to_fts());
    for id in &ids {
        snippet_query = snippet_query.bind::<Integer, _>(*id);
    }
    let snippets: Vec<SnippetRow> = snippet_query.load(conn)?;
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

#[derive(QueryableByName)]
struct VocabRow {
    #[diesel(sql_type = Text)]
    term: String,
    #[diesel(sql_type = BigInt)]
    doc: i64,
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

fn documents_with(conn: &mut SqliteConnection, word: &str) -> QueryResult<i64> {
    let rows: Vec<VocabRow> =
        diesel::sql_query("SELECT term, doc FROM article_words_vocab WHERE term = ?")
            .bind::<Text, _>(fold(word))
            .load(conn)?;
    Ok(rows.first().map(|r| r.doc).unwrap_or(0))
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
    let candidates: Vec<VocabRow> = diesel::sql_query(
        "SELECT term, doc FROM article_words_vocab
         WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
    )
    .bind::<Text, _>(first.to_string())
    .bind::<Text, _>(upper_bound)
    .bind::<BigInt, _>(length as i64 - 2)
    .bind::<BigInt, _>(length as i64 + 2)
    .load(conn)?;
    let allowed = if length <= 4 { 1 } else { 2 };
    Ok(candidates
        .into_iter()
        .filter(|c| c.term != folded)
        .map(|c| (strsim::damerau_levenshtein(&folded, &c.term), c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by(|(da, a), (db, b)| da.cmp(db).then(b.doc.cmp(&a.doc)))
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
            Clause::Phrase(words) => {
                Clause::Phrase(words.iter().map(&mut fix).collect::<QueryResult<_>>()?)
            }
        });
    }
    Ok(changed.then(|| ParsedQuery::display(&corrected)))
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
) -> QueryResult<Vec<SearchDocument>> {
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
        .map(|text| SearchDocument {
            rowid: text.id,
            body: markdown::plain_text(&text.body_markdown),
            headline: text.headline,
            dek: text.dek,
            tags: tag_names.remove(&text.id).unwrap_or_default().join(" "),
            authors: author_names.remove(&text.id).unwrap_or_default().join(" "),
            section_id: text.section_id,
            published_day: text.published_at.map(julian_day_time).unwrap_or_default(),
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
        .filter(articles::status.eq("published"))
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

const COLUMNS: &str = "headline, dek, body, tags, authors, section_id, published_day";

/// Takes an article out of the index (an external-content index forgets a row through the
/// 'delete' command with the values it indexed).
fn remove_from_index(conn: &mut SqliteConnection, article_id: i32) -> QueryResult<()> {
    diesel::sql_query(format!(
        "INSERT INTO article_search (article_search, rowid, {COLUMNS})
         SELECT 'delete', rowid, {COLUMNS} FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .execute(conn)?;
    diesel::delete(article_search_content::table.find(article_id)).execute(conn)?;
    diesel::sql_query("DELETE FROM article_words WHERE rowid = ?")
        .bind::<Integer, _>(article_id)
        .execute(conn)?;
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
    diesel::insert_into(article_search_content::table)
        .values(&documents)
        .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO article_search (rowid, {COLUMNS})
         SELECT rowid, {COLUMNS} FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO article_words (rowid, text)
         SELECT rowid, {WORDS_TEXT} FROM article_search_content WHERE rowid = ?"
    ))
    .bind::<Integer, _>(article_id)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
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
        diesel::sql_query("INSERT INTO article_words (article_words) VALUES ('delete-all')")
            .execute(conn)?;
        diesel::delete(article_search_content::table).execute(conn)?;
        let mut done = 0u64;
        let mut after_id = 0;
        loop {
            let texts = published_texts(conn, after_id, i32::MAX, BATCH)?;
            let Some(last) = texts.last() else { break };
            after_id = last.id;
            done += texts.len() as u64;
            let documents = documents_for(conn, texts)?;
            // Multi-row inserts, well under SQLite's limit of 32,766 bound values.
            for chunk in documents.chunks(500) {
                diesel::insert_into(article_search_content::table)
                    .values(chunk)
                    .execute(conn)?;
            }
            progress(done, total);
        }
        diesel::sql_query("INSERT INTO article_search (article_search) VALUES ('rebuild')")
            .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO article_words (rowid, text) SELECT rowid, {WORDS_TEXT} FROM article_search_content"
        ))
        .execute(conn)?;
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
            "\"election\" \"results\"*"
        );
        assert_eq!(
            ParsedQuery::parse("election results ").to_fts(),
            "\"election\" \"results\""
        );
        assert_eq!(
            ParsedQuery::parse("\"sea wall\" storm").to_fts(),
            "\"sea wall\" \"storm\"*"
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
            ("NEAR(a b)", "\"near\" \"b\""),
            ("\"unbalanced", "\"unbalanced\"*"),
            ("a* OR -b) AND (c:", "\"b\" \"c\""),
            (
                "'; DROP TABLE articles; --",
                "\"drop\" \"table\" \"articles\"*",
            ),
            (
                "<script>alert(1)</script>",
                "\"script\" \"alert\" \"1\" \"script\"*",
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
