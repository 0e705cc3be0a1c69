//! `gazette export DIR` and `gazette import gazette DIR`: a whole newsroom as plain files, for
//! archiving, for moving between installations, or for other software to read.
//!
//! The folder holds `manifest.json` (format, version, row counts), one JSON Lines file per
//! table under `tables/` (one object per row, keyed by column name, in primary-key order;
//! timestamps in ISO 8601, UTC) and the media library's files under `media/`. Every table of
//! `copy::newsroom_tables!` is written: sections, authors, tags, staff accounts with their
//! password hashes (never their sessions), media records, articles with their text, bylines,
//! tags, revisions and former addresses, related lists, the audit log, view counts, autosaves,
//! pages with their revisions, redirects and import origins; and the sitemap dates. What is
//! derived from the articles (the search index) is rebuilt on import, through the change path.
//! Importing into an empty database gives a site that serves the same pages.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::changes::{Change, ChangeSet, Progress};
use crate::copy::{Copied, newsroom_tables};
use crate::db::DbConnection;

/// What `manifest.json` says the folder is.
const FORMAT: &str = "gazette-newsroom-export";
const VERSION: u64 = 1;
/// Rows inserted per statement on import (see `copy`).
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Message(String),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

macro_rules! export_table {
    ($from:ident, $dir:ident, $copied:ident, $progress:ident,
     $table:ident, [$($key:ident),+], { $($column:ident: $type:ty),+ $(,)? }) => {{
        use crate::schema::$table as t;
        let path = $dir.join(concat!(stringify!($table), ".jsonl"));
        let mut out = BufWriter::new(File::create(&path)?);
        let total: i64 = t::table.count().get_result($from)?;
        let mut done: i64 = 0;
        while done < total {
            let rows: Vec<($($type,)+)> = t::table
                .select(($(t::$column,)+))
                .order(($(t::$key,)+))
                .limit(BATCH as i64)
                .offset(done)
                .load($from)?;
            if rows.is_empty() {
                break;
            }
            done += rows.len() as i64;
            for ($($column,)+) in rows {
                let mut object = Map::new();
                $(object.insert(stringify!($column).to_string(), serde_json::to_value(&$column)?);)+
                serde_json::to_writer(&mut out, &object)?;
                out.write_all(b"\n")?;
            }
            $progress(stringify!($table), done as u64, total as u64);
        }
        out.flush()?;
        $copied.tables.push((stringify!($table), total));
    }};
}

macro_rules! import_table {
    ($dir:ident, $to:ident, $copied:ident, $progress:ident,
     $table:ident, [$($key:ident),+], { $($column:ident: $type:ty),+ $(,)? }) => {{
        use crate::schema::$table as t;
        let path = $dir.join(concat!(stringify!($table), ".jsonl"));
        let file = File::open(&path).map_err(|e| {
            ExportError::Message(format!("{}: {e}", path.display()))
        })?;
        let mut rows: Vec<($($type,)+)> = Vec::with_capacity(BATCH);
        let mut done: i64 = 0;
        let mut lines = BufReader::new(file).lines().enumerate().peekable();
        while let Some((number, line)) = lines.next() {
            let line = line?;
            if !line.trim().is_empty() {
                let bad = |what: String| {
                    ExportError::Message(format!("{}, line {}: {what}", path.display(), number + 1))
                };
                let mut object: Map<String, Value> =
                    serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
                rows.push(($(
                    serde_json::from_value::<$type>(
                        object.remove(stringify!($column)).unwrap_or(Value::Null),
                    )
                    .map_err(|e| bad(format!("{}: {e}", stringify!($column))))?,
                )+));
            }
            if rows.len() == BATCH || (lines.peek().is_none() && !rows.is_empty()) {
                done += rows.len() as i64;
                let values: Vec<_> = rows
                    .drain(..)
                    .map(|($($column,)+)| ($(t::$column.eq($column),)+))
                    .collect();
                crate::on_each_backend!(&mut *$to, |inner| diesel::insert_into(t::table)
                    .values(&values)
                    .execute(inner))?;
                $progress(stringify!($table), done as u64, done as u64);
            }
        }
        $copied.tables.push((stringify!($table), done));
    }};
}

/// The sitemap dates travel too: they record when a listing last changed, which the articles
/// alone do not tell.
macro_rules! sitemap_tables {
    ($action:ident, $($args:tt)*) => {{
        $action!($($args)*, listing_dates, [listing], { listing: String, last_modified: NaiveDateTime });
        $action!($($args)*, sitemap_chunk_dates, [chunk_size, number], { chunk_size: i64, number: i64, last_modified: NaiveDateTime });
    }};
}

fn copy_folder(from: &Path, to: &Path) -> std::io::Result<u64> {
    let mut files = 0;
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            files += copy_folder(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            files += 1;
        }
    }
    Ok(files)
}

/// Writes the newsroom in `from` (read in one transaction: a consistent snapshot while the
/// site serves) and the files of `media_dir` into `dir`, which must be new or empty.
pub fn export(
    from: &mut DbConnection,
    media_dir: &Path,
    dir: &Path,
    now: NaiveDateTime,
    mut progress: Progress<'_>,
) -> Result<Copied, ExportError> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(ExportError::Message(format!(
            "{} is not empty: export into a new or empty folder",
            dir.display()
        )));
    }
    let tables = dir.join("tables");
    std::fs::create_dir_all(&tables)?;
    let copied = from.transaction::<_, ExportError, _>(|from| {
        if let DbConnection::Postgres(_) = from {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(from)?;
        }
        let mut copied = Copied::default();
        newsroom_tables!(export_table, from, tables, copied, progress);
        sitemap_tables!(export_table, from, tables, copied, progress);
        Ok(copied)
    })?;
    let files = copy_folder(media_dir, &dir.join("media"))?;
    let counts: Map<String, Value> = copied
        .tables
        .iter()
        .map(|(table, rows)| (table.to_string(), Value::from(*rows)))
        .collect();
    let manifest = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now,
        "tables": counts,
        "media_files": files,
    });
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(copied)
}

/// Reads an export written by `export` into the empty database `to` (in one transaction) and
/// its media files into `media_dir`.
pub fn import(
    to: &mut DbConnection,
    dir: &Path,
    media_dir: &Path,
    now: NaiveDateTime,
    mut progress: Progress<'_>,
) -> Result<Copied, ExportError> {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).map_err(
            |e| ExportError::Message(format!("{} holds no manifest.json: {e}", dir.display())),
        )?)?;
    if manifest["format"] != FORMAT || manifest["version"].as_u64() != Some(VERSION) {
        return Err(ExportError::Message(format!(
            "{} is not a Gazette export this version reads (format {}, version {})",
            dir.display(),
            manifest["format"],
            manifest["version"]
        )));
    }
    let held = crate::copy::existing_newsroom(to)?;
    if !held.is_empty() {
        return Err(ExportError::Message(format!(
            "the database already holds a newsroom ({held}); import into an empty database"
        )));
    }
    let tables = dir.join("tables");
    let copied = crate::db::write_transaction(to, |to| -> Result<Copied, ExportError> {
        let mut copied = Copied::default();
        newsroom_tables!(import_table, tables, to, copied, progress);
        crate::copy::continue_numbering(to, &copied)?;
        let mut changes = ChangeSet::bulk(now).with_progress(Box::new(&mut progress));
        changes.record(to, Change::ArchiveLoaded)?;
        drop(changes);
        use crate::schema::{listing_dates, sitemap_chunk_dates};
        diesel::delete(listing_dates::table).execute(to)?;
        diesel::delete(sitemap_chunk_dates::table).execute(to)?;
        sitemap_tables!(import_table, tables, to, copied, progress);
        // A truncated file must not become a smaller newsroom: nothing commits.
        for (table, rows) in &copied.tables {
            let expected = manifest["tables"][table].as_i64();
            if expected != Some(*rows) {
                return Err(ExportError::Message(format!(
                    "{table}: the manifest says {expected:?} rows, the file holds {rows}"
                )));
            }
        }
        Ok(copied)
    })?;
    copy_folder(&dir.join("media"), media_dir)?;
    Ok(copied)
}
