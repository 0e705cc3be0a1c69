//! Operating a newsroom: `gazette backup DIR` (a consistent copy while the site serves and
//! editors write) and `gazette check` (is the database whole, and does what is derived from the
//! articles agree with them?).

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConnection;

/// What a backup wrote.
#[derive(Debug)]
pub struct Backup {
    pub database: PathBuf,
    pub media_files: usize,
}

/// Copies the database into `folder/gazette.db` with `VACUUM INTO` (one read transaction: a
/// consistent snapshot however busy the writers are, compacted as it goes) and the media files
/// into `folder/media`. Uploads are never modified once written, so copying them after the
/// snapshot keeps every file the snapshot refers to. The folder must not hold a backup yet.
pub fn backup(conn: &mut DbConnection, media_dir: &Path, folder: &Path) -> Result<Backup, String> {
    if let DbConnection::Postgres(_) = conn {
        return Err(
            "on PostgreSQL, back up the database with pg_dump (or the server's own \
                    backups) and copy the media folder; `gazette backup` copies a SQLite file"
                .to_string(),
        );
    }
    std::fs::create_dir_all(folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let database = folder.join("gazette.db");
    if database.exists() {
        return Err(format!(
            "{} already exists: back up into an empty folder",
            database.display()
        ));
    }
    let target = database
        .to_str()
        .ok_or_else(|| format!("{} is not valid UTF-8", database.display()))?;
    diesel::sql_query(crate::db::sql(conn, "VACUUM INTO ?"))
        .bind::<Text, _>(target)
        .execute(conn)
        .map_err(|e| format!("database copy failed: {e}"))?;
    let media_files = copy_tree(media_dir, &folder.join("media"))
        .map_err(|e| format!("media copy failed: {e}"))?;
    Ok(Backup {
        database,
        media_files,
    })
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(to)?;
    if !from.is_dir() {
        return Ok(0);
    }
    let mut copied = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copied += copy_tree(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// One finding of `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub what: &'static str,
    pub ok: bool,
    pub detail: String,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut DbConnection, sql: &str) -> QueryResult<i64> {
    Ok(diesel::sql_query(crate::db::sql(conn, sql))
        .get_result::<Count>(conn)?
        .n)
}

/// Checks the database: SQLite's own integrity and foreign keys, the search index against the
/// published articles, and the stored related lists. Every finding is returned; the caller
/// exits non-zero when one is not ok.
pub fn check(conn: &mut DbConnection) -> QueryResult<Vec<Finding>> {
    let mut findings = Vec::new();
    if let DbConnection::Sqlite(_) = conn {
        sqlite_integrity(conn, &mut findings)?;
    }
    search_and_lists(conn, &mut findings)?;
    Ok(findings)
}

/// SQLite's own check of its file, and of foreign keys (which it enforces only per
/// connection). PostgreSQL enforces both itself.
fn sqlite_integrity(conn: &mut DbConnection, findings: &mut Vec<Finding>) -> QueryResult<()> {
    let integrity: Vec<String> =
        diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
            .load::<Line>(conn)?
            .into_iter()
            .map(|l| l.line)
            .collect();
    findings.push(Finding {
        what: "database integrity",
        ok: integrity == ["ok"],
        detail: integrity.join("; "),
    });
    let orphans = count(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check")?;
    findings.push(Finding {
        what: "references between tables",
        ok: orphans == 0,
        detail: format!("{orphans} rows point at missing rows"),
    });
    Ok(())
}

/// What is derived from the articles: the search index, related lists, listing order.
fn search_and_lists(conn: &mut DbConnection, findings: &mut Vec<Finding>) -> QueryResult<()> {
    // The index holds exactly the published articles, and FTS5 agrees with its content table.
    let missing = count(
        conn,
        "SELECT COUNT(*) AS n FROM articles
         WHERE status = 'published' AND id NOT IN (SELECT rowid FROM article_search_content)",
    )?;
    let extra = count(
        conn,
        "SELECT COUNT(*) AS n FROM article_search_content
         WHERE rowid NOT IN (SELECT id FROM articles WHERE status = 'published')",
    )?;
    let facets = count(
        conn,
        "SELECT COUNT(*) AS n FROM article_search_content
         WHERE rowid NOT IN (SELECT rowid FROM article_search_facets)",
    )?;
    // PostgreSQL computes each document from its row (a generated column): nothing to drift.
    let fts = match conn {
        DbConnection::Sqlite(_) => diesel::sql_query(
            "INSERT INTO article_search (article_search) VALUES ('integrity-check')",
        )
        .execute(conn),
        DbConnection::Postgres(_) => Ok(0),
    };
    findings.push(Finding {
        what: "search index",
        ok: missing == 0 && extra == 0 && facets == 0 && fts.is_ok(),
        detail: format!(
            "{missing} published articles missing, {extra} entries for articles not published, \
             {facets} without facets, full-text index {}",
            match &fts {
                Ok(_) => "consistent".to_string(),
                Err(e) => format!("damaged ({e})"),
            }
        ),
    });

    // Stored lists may name an article withdrawn since (readers never see those: lists are
    // filtered when shown), but never one that does not exist or the article itself.
    let broken = count(
        conn,
        "SELECT COUNT(*) AS n FROM article_related r
         WHERE r.article_id = r.related_id
            OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.related_id)
            OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.article_id)",
    )?;
    let without = count(
        conn,
        "SELECT COUNT(*) AS n FROM articles a WHERE a.status = 'published'
         AND NOT EXISTS (SELECT 1 FROM article_related r WHERE r.article_id = a.id)",
    )?;
    findings.push(Finding {
        what: "related lists",
        ok: broken == 0,
        detail: format!(
            "{broken} broken entries; {without} published articles get theirs computed when next read"
        ),
    });

    // Author and tag listings are ordered by the publication time copied to byline and tag
    // rows: a row that disagrees with its article lists it wrongly, or hides it.
    let mut stale = 0;
    for table in ["article_authors", "article_tags"] {
        stale += count(
            conn,
            &format!(
                "SELECT COUNT(*) AS n FROM {table} j JOIN articles a ON a.id = j.article_id
                 WHERE j.listed_at IS DISTINCT FROM (CASE WHEN a.status = 'published'
                                                            THEN a.published_at END)"
            ),
        )?;
    }
    findings.push(Finding {
        what: "author and tag listings",
        ok: stale == 0,
        detail: format!("{stale} byline or tag rows out of step with their article"),
    });
    Ok(())
}
