//! Keeping the index in step with the articles: one article at a time inside the saving
//! transaction, or the whole archive at once.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::vocabulary::count_words;
use super::words::vocabulary_of;
use super::{CountRow, TextRow, julian_day_time};
use crate::db::DbConnection;
use crate::markdown;
use crate::models::ArticleStatus;
use crate::schema::{article_search_content, article_search_facets, search_vocabulary};

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
    conn: &mut DbConnection,
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
    conn: &mut DbConnection,
    after_id: i32,
    through_id: i32,
    limit: i64,
) -> QueryResult<Vec<ArticleText>> {
    use crate::schema::{article_bodies, articles};
    articles::table
        .inner_join(article_bodies::table)
        .filter(articles::status.eq(ArticleStatus::Published))
        .filter(articles::id.gt(after_id))
        .filter(articles::id.le(through_id))
        .order(articles::id)
        .limit(limit)
        .select((
            articles::id,
            articles::headline,
            articles::dek,
            article_bodies::body_markdown,
            articles::section_id,
            articles::published_at,
        ))
        .load(conn)
}

const COLUMNS: &str = "headline, dek, body, tags, authors";

/// Stores documents and their facets (text first: the index reads it).
fn store(
    conn: &mut DbConnection,
    documents: Vec<(SearchDocument, SearchFacets)>,
) -> QueryResult<()> {
    let (documents, facets): (Vec<_>, Vec<_>) = documents.into_iter().unzip();
    // Multi-row inserts, well under SQLite's limit of 32,766 bound values.
    for chunk in documents.chunks(500) {
        // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
        crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
            article_search_content::table
        )
        .values(chunk)
        .execute(inner))?;
    }
    for chunk in facets.chunks(2_000) {
        // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
        crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
            article_search_facets::table
        )
        .values(chunk)
        .execute(inner))?;
    }
    Ok(())
}

/// Takes an article out of the index.
fn remove_from_index(conn: &mut DbConnection, article_id: i32) -> QueryResult<()> {
    let old_text: Option<String> = diesel::sql_query(crate::db::sql(
        conn,
        &format!("SELECT {WORDS_TEXT} AS text FROM article_search_content WHERE rowid = ?"),
    ))
    .bind::<Integer, _>(article_id)
    .load::<TextRow>(conn)?
    .into_iter()
    .next()
    .and_then(|row| row.text);
    if let Some(text) = old_text {
        count_words(conn, &vocabulary_of(&text), -1)?;
    }
    fts5_row(conn, Fts5Row::Forget, article_id)?;
    diesel::delete(article_search_content::table.find(article_id)).execute(conn)?;
    diesel::delete(article_search_facets::table.find(article_id)).execute(conn)?;
    Ok(())
}

/// What to do with an article's row in SQLite's FTS5 index.
enum Fts5Row {
    Add,
    /// An external-content index forgets a row through the 'delete' command, given the
    /// values it indexed.
    Forget,
}

/// Adds or forgets an article's row in SQLite's FTS5 index, which keeps its own copy of the
/// words. PostgreSQL's search document is a generated column of the content row: storing or
/// deleting that row is all there is to do.
fn fts5_row(conn: &mut DbConnection, what: Fts5Row, article_id: i32) -> QueryResult<()> {
    if let DbConnection::Sqlite(_) = conn {
        let (command_column, command) = match what {
            Fts5Row::Add => ("", ""),
            Fts5Row::Forget => ("article_search, ", "'delete', "),
        };
        diesel::sql_query(format!(
            "INSERT INTO article_search ({command_column}rowid, {COLUMNS})
             SELECT {command}rowid, {COLUMNS} FROM article_search_content WHERE rowid = ?"
        ))
        .bind::<Integer, _>(article_id)
        .execute(conn)?;
    }
    Ok(())
}

/// An FTS5 maintenance command ('rebuild', 'optimize', …); nothing to do on PostgreSQL.
fn fts5_command(conn: &mut DbConnection, command: &str) -> QueryResult<()> {
    if let DbConnection::Sqlite(_) = conn {
        diesel::sql_query(format!(
            "INSERT INTO article_search (article_search) VALUES ('{command}')"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Sets one of FTS5's persistent settings, or runs its 'merge' command, which takes a number the
/// same way; nothing to do on PostgreSQL.
fn fts5_setting(conn: &mut DbConnection, key: &str, value: i64) -> QueryResult<()> {
    if let DbConnection::Sqlite(_) = conn {
        diesel::sql_query(format!(
            "INSERT INTO article_search (article_search, rank) VALUES ('{key}', {value})"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// FTS5 gathers new terms in memory and writes them out as a segment each time they pass this
/// many bytes, merging segments as they pile up. Its default (1 MiB) suits a save's few
/// hundred terms; a whole archive at that size is written as hundreds of small segments
/// (100,000 articles make a 150 MB index) merged over and over. 64 MiB halved the 'rebuild' at 100,000 articles (16.6 s to 8.7 s,
/// 2026-12-03); the setting is put back after the rebuild, so saves keep the default.
const BULK_TERM_BUFFER: i64 = 64 * 1024 * 1024;
const DEFAULT_TERM_BUFFER: i64 = 1024 * 1024;

/// FTS5's 'optimize', and its automatic merges while a rebuild writes segments, merge in steps
/// of a thousand pages, and after each step delete the pages it consumed from every input
/// segment with a range `DELETE` on the index's table. At a million articles (a 2 GB index)
/// those `DELETE`s stepped through long runs of pages: a seed's 'optimize' read over 1.4 TB
/// from a 12 GB file and was stopped; with the pages cached it ran CPU-bound in the same
/// `DELETE` (perf, 2026-12-04) and was stopped too; why the runs are so long is not known. So
/// the rebuild turns automatic merging off (the crisis merge, one pass over a level, still
/// bounds the segments) and merges at the end with 'merge' and the smallest number FTS5 reads
/// as "all segments, all pages": one pass without steps, each input segment deleted once.
const WHOLE_MERGE: i64 = i32::MIN as i64;
/// FTS5's default: saves merge as they go.
const DEFAULT_AUTOMERGE: i64 = 4;

const WORDS_TEXT: &str = "headline || ' ' || dek || ' ' || body || ' ' || tags || ' ' || authors";

/// Puts an article's current text in the index if it is published, and takes it out if not.
/// Call inside the transaction that saved the article.
pub fn index_article(conn: &mut DbConnection, article_id: i32) -> QueryResult<()> {
    remove_from_index(conn, article_id)?;
    let texts = published_texts(conn, article_id - 1, article_id, 1)?;
    let documents = documents_for(conn, texts)?;
    if documents.is_empty() {
        return Ok(());
    }
    let words: HashSet<String> = documents
        .iter()
        .flat_map(|(document, _)| vocabulary_of(&document.text()))
        .collect();
    store(conn, documents)?;
    fts5_row(conn, Fts5Row::Add, article_id)?;
    count_words(conn, &words, 1)
}

/// True when articles are published but the index holds none: a database filled by a tool
/// that wrote no index, or before search existed. Two indexed existence checks, so start-up
/// costs the same at any archive size (counting both, as [`out_of_step`] does, reads an index
/// entry per article).
pub fn never_built(conn: &mut DbConnection) -> QueryResult<bool> {
    let row: CountRow = diesel::sql_query(
        "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM articles WHERE status = 'published')
                 AND NOT EXISTS (SELECT 1 FROM article_search_content)
            THEN 1 ELSE 0 END AS BIGINT) AS n",
    )
    .get_result(conn)?;
    Ok(row.n == 1)
}

/// True when the index does not hold as many articles as are published. Every save keeps the
/// index in its own transaction, so this finds only what was written around the application
/// (by hand, by another tool); `gazette reindex` repairs it.
pub fn out_of_step(conn: &mut DbConnection) -> QueryResult<bool> {
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
pub fn rebuild(conn: &mut DbConnection, mut progress: impl FnMut(u64, u64)) -> QueryResult<u64> {
    const BATCH: i64 = 1_000;
    crate::db::write_transaction(conn, |conn| {
        let total: CountRow =
            diesel::sql_query("SELECT COUNT(*) AS n FROM articles WHERE status = 'published'")
                .get_result(conn)?;
        let total = total.n as u64;
        fts5_command(conn, "delete-all")?;
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
        fts5_setting(conn, "hashsize", BULK_TERM_BUFFER)?;
        fts5_setting(conn, "automerge", 0)?;
        fts5_command(conn, "rebuild")?;
        // One merged segment: every query then reads one b-tree per term instead of several.
        // Merged in one pass, not by 'optimize' (see `WHOLE_MERGE`).
        fts5_setting(conn, "merge", WHOLE_MERGE)?;
        fts5_setting(conn, "automerge", DEFAULT_AUTOMERGE)?;
        fts5_setting(conn, "hashsize", DEFAULT_TERM_BUFFER)?;
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
            // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
            crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
                search_vocabulary::table
            )
            .values(chunk)
            .execute(inner))?;
        }
        // Fresh statistics, so the query planner knows the new sizes.
        let statistics = match conn {
            DbConnection::Sqlite(_) => "PRAGMA optimize",
            DbConnection::Postgres(_) => "ANALYZE article_search_content, search_vocabulary",
        };
        diesel::sql_query(statistics).execute(conn)?;
        Ok(done)
    })
}
