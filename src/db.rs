//! The database: which one (a SQLite file or a PostgreSQL server), its connection pool and
//! per-connection settings, embedded migrations for each, and running queries off the async
//! executor.
//!
//! Queries are written once against [`DbConnection`], diesel's `MultiConnection` over both
//! backends. The few statements whose SQL differs (search, upserts, maintenance) match on it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError, QueryableByName, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

/// A connection to whichever database the site runs on.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<Manager>;
pub type DbConn = PooledConnection<Manager>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
/// The same schema for PostgreSQL, migration for migration (kept in step by
/// `tests/integration/postgres.rs`, which compares the two).
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations_postgres");

/// Where the data lives: a SQLite file (the embedded default) or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names a server; anything else is a SQLite file.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else {
            Location::Sqlite(PathBuf::from(
                text.strip_prefix("sqlite://").unwrap_or(text),
            ))
        }
    }

    /// The SQLite file, if that is where the data lives.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl fmt::Display for Location {
    /// The file, or the URL with any password hidden (this goes into logs and error messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.split_once('@') {
                    Some((credentials, host)) => {
                        let user = credentials.split(':').next().unwrap_or_default();
                        let hidden = if credentials.contains(':') {
                            ":***"
                        } else {
                            ""
                        };
                        write!(f, "{scheme}://{user}{hidden}@{host}")
                    }
                    None => write!(f, "{url}"),
                }
            }
        }
    }
}

/// How long a writer waits for another writer's lock before giving up (SQLite).
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Page cache shared out among the pool's connections, in KiB (at least SQLite's default 2 MB
/// each). The OS keeps the file's pages in memory anyway; a larger cache here (32 and 64 MB were
/// measured, `tools/bench`, 2026-12-01) made no difference to a cold article mix at 100,000
/// articles within the noise, but added to the server's resident memory.
const PAGE_CACHE_KIB: u32 = 16 * 1024;
/// SQLite's page cache for one command's bulk work over the archive (an import, a reindex):
/// with the server's share, most of a 100,000-article import's time went to reading pages back
/// from the operating system.
const BULK_PAGE_CACHE_KIB: u32 = 256 * 1024;

/// Gives a command-line connection the larger page cache bulk work wants (SQLite only; the
/// memory is taken only as pages are read).
///
/// Temporary storage (the sub-journal of each article's savepoint inside a long transaction)
/// stays in memory: perf showed a tenth of an import writing it to a temporary file.
///
/// `GAZETTE_BULK_CACHE_MB` sets another size. Past a few hundred thousand articles the work
/// reads the file several times over through the kernel (`reindex` of a million articles, a
/// 13.5 GB file: 51 GB read in 372 s with the default, 2026-12-04); a larger cache reads less.
pub fn for_bulk_work(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    if let DbConnection::Sqlite(inner) = conn {
        let cache_kib = std::env::var("GAZETTE_BULK_CACHE_MB")
            .ok()
            .and_then(|mb| mb.trim().parse::<u32>().ok())
            .map_or(BULK_PAGE_CACHE_KIB, |mb| mb.saturating_mul(1024));
        inner.batch_execute(&format!(
            "PRAGMA cache_size = -{cache_kib}; PRAGMA temp_store = MEMORY;"
        ))?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

/// For a command loading a whole archive in one transaction (an import, `seed`) into a SQLite
/// file no other process has open: the rollback journal instead of the write-ahead log while
/// it runs. A transaction larger than the page cache spills pages as it goes; with the WAL each
/// spilled page is written to the log, looked up there again, and copied into the file at the
/// checkpoint, where the rollback journal writes it into the file once (and journals only the
/// pages that existed before). perf: a fifth of a 1 GB WordPress import went to the log.
///
/// Leaving the WAL needs the file to itself: when a server (or anyone) has it open, nothing
/// changes and this returns false. Readers that open the file while the load runs wait for
/// it. [`share_again`] goes back to the WAL; a process that dies first leaves the file in
/// rollback mode, which the next connection's setup switches back (`Manager::connect`).
pub fn load_alone(conn: &mut DbConnection) -> diesel::QueryResult<bool> {
    let DbConnection::Sqlite(inner) = conn else {
        return Ok(false);
    };
    let mode = diesel::sql_query("PRAGMA journal_mode = TRUNCATE")
        .load::<JournalMode>(inner)
        .map(|rows| rows.into_iter().next().map(|r| r.journal_mode));
    Ok(matches!(mode, Ok(Some(mode)) if mode.eq_ignore_ascii_case("truncate")))
}

/// Back to the write-ahead log after [`load_alone`] (SQLite; nothing otherwise).
pub fn share_again(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    if let DbConnection::Sqlite(inner) = conn {
        inner.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    Ok(())
}

/// How a pool reaches its database and prepares each new connection.
#[derive(Debug, Clone)]
pub struct Manager {
    location: Location,
    settings: PoolSettings,
}

/// Connection settings (flags and environment variables, see `Config`).
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub size: u32,
    /// How long a request waits for a free connection before it gets the 503 page.
    pub wait: Duration,
    /// How long opening a connection to a server may take (PostgreSQL).
    pub connect_timeout: Duration,
    /// The longest a single statement may run before the server cancels it (PostgreSQL).
    pub statement_timeout: Duration,
}

/// How long a request waits for a pooled connection unless configured otherwise.
pub const DEFAULT_CONNECTION_WAIT: Duration = Duration::from_secs(10);

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            size: 8,
            wait: DEFAULT_CONNECTION_WAIT,
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, diesel::r2d2::Error> {
        match &self.location {
            Location::Sqlite(path) => {
                let url = path.to_str().ok_or_else(|| {
                    diesel::r2d2::Error::ConnectionError(ConnectionError::InvalidConnectionUrl(
                        format!("database path {} is not valid UTF-8", path.display()),
                    ))
                })?;
                // Search ranks with a function of its own, added to each SQLite connection.
                crate::search::register_rank_function();
                let mut conn = SqliteConnection::establish(url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout comes first: without it, switching a fresh pool to WAL races
                // other connections and fails with "database is locked".
                let cache_kib = (PAGE_CACHE_KIB / self.settings.size.max(1)).max(2 * 1024);
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -{cache_kib};"
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Location::Postgres(url) => {
                let url = with_connect_timeout(url, self.settings.connect_timeout);
                let mut conn =
                    PgConnection::establish(&url).map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(&format!(
                    "SET statement_timeout = {}; SET TIME ZONE 'UTC';",
                    self.settings.statement_timeout.as_millis()
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgres(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// libpq reads `connect_timeout` (whole seconds) from the URL; one the operator wrote wins.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}connect_timeout={}",
        timeout.as_secs().max(1)
    )
}

/// Opens (creating a SQLite file and its folder if needed) the database and builds the pool.
/// Connections open lazily, except one to prove the database answers.
pub fn open_pool(location: &Location, settings: PoolSettings) -> Result<DbPool, String> {
    if let Location::Sqlite(path) = location
        && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create database folder {}: {e}", parent.display()))?;
    }
    let manager = Manager {
        location: location.clone(),
        settings,
    };
    // Fail at start with the database's own reason rather than r2d2's "timed out".
    drop(
        manager
            .connect()
            .map_err(|e| format!("cannot open database {location}: {e}"))?,
    );
    // The rest of the pool's connections open in the background: waiting for all of them
    // within `wait` (a request's patience) failed starts on a loaded machine.
    Ok(Pool::builder()
        .max_size(settings.size)
        .connection_timeout(settings.wait)
        .build_unchecked(manager))
}

/// A new pool's first connection, for start-up work. It may wait as long as opening a
/// connection may take (`connect_timeout`), not a request's patience (`wait`): the pool opens
/// its connections in the background, and on a loaded machine the first can take longer.
pub fn first_connection(pool: &DbPool, settings: PoolSettings) -> Result<DbConn, String> {
    pool.get_timeout(settings.wait.max(settings.connect_timeout))
        .map_err(|e| format!("cannot connect to the database: {e}"))
}

/// Applies every migration not yet applied; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let applied = match conn {
        DbConnection::Sqlite(conn) => conn.run_pending_migrations(MIGRATIONS),
        DbConnection::Postgres(conn) => conn.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map(|applied| applied.len())
    .map_err(|e| format!("database migration failed: {e}"))?;
    if applied > 0 {
        refresh_statistics(conn, true);
    }
    Ok(applied)
}

/// Keeps the query planner's statistics current: SQLite's `PRAGMA optimize` (cheap when
/// nothing changed), PostgreSQL's `ANALYZE` after migrations (otherwise autovacuum keeps them).
/// A server asks for it once it answers, not before: `PRAGMA optimize` measures a table that
/// was never measured (a seed's related lists, before `measure_related`), and at 1,000,000
/// articles reading its 6,000,000 rows from a cold disk held the first start after a seed for
/// 1.7–3.0 s (perf: page reads under `PRAGMA optimize`, 2026-12-04).
///
/// Statistics only make plans better: a refresh that loses a race for the write lock (a
/// command run while the site saves, SQLite's "database is locked" when a read upgrades to a
/// write) is left for the next time rather than failing anything.
pub fn refresh_statistics(conn: &mut DbConnection, after_migrations: bool) {
    let statistics = match conn {
        DbConnection::Sqlite(_) => "PRAGMA optimize;",
        DbConnection::Postgres(_) if after_migrations => "ANALYZE;",
        DbConnection::Postgres(_) => return,
    };
    if let Err(error) = conn.batch_execute(statistics) {
        tracing::warn!(%error, "database statistics not refreshed");
    }
}

/// Measures the related lists for the query planner, once a bulk load has filled them (after
/// `measure_archive`: they are made from the search index, which comes after it).
pub fn measure_related(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    conn.batch_execute("ANALYZE article_related;")
}

/// Measures the archive's tables again for the query planner, after a bulk load inside the
/// loading transaction: the statistics it had describe the tables before (empty, for an
/// import into a new database), and with them SQLite walked every published article for each
/// batch of the search-index rebuild (perf, 2026-12-03: a fifth of a 100,000-post import).
/// SQLite reads every index whole (0.4 s at 100,000 articles): sampled (`analysis_limit`) it
/// estimated a thousand articles per status, and at 1,000,000 the rebuild took the status
/// index for each batch, reading a terabyte in an hour. PostgreSQL's ANALYZE counts the
/// transaction's own rows.
pub fn measure_archive(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(match conn {
        DbConnection::Sqlite(_) => "PRAGMA analysis_limit = 0; ANALYZE;",
        DbConnection::Postgres(_) => {
            "ANALYZE articles, article_bodies, article_tags, article_authors;"
        }
    })
}

/// Runs blocking database work on actix's thread pool. Getting a pooled connection can block
/// too, so it happens inside.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        // No connection within the pool's timeout: every one is busy, or the database cannot
        // be reached. Either way the reader should retry, not read "error".
        let mut conn = pool
            .get()
            .map_err(|e| AppError::Unavailable(format!("no database connection: {e}")))?;
        work(&mut conn)
    })
    .await
    .map_err(AppError::internal)?
}

/// Runs `work` in a write transaction; nested calls become savepoints inside it. Write
/// transactions run one at a time, on either backend.
///
/// On SQLite the outermost one starts with `BEGIN IMMEDIATE`, taking the write lock up front: a
/// deferred transaction that reads and then writes fails at once with "database is locked" if
/// another connection wrote in between, whatever the busy timeout.
///
/// On PostgreSQL it takes one transaction-scoped advisory lock, shared by every app server.
/// What a save derives (vocabulary counts, related lists, sitemap dates, find-or-create tags)
/// reads and rewrites rows other saves touch too; run side by side, such transactions
/// deadlock or create a tag twice. A newsroom's saves are few and short, and SQLite runs them
/// one at a time as well; readers never wait for this lock.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let nested = Manager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(E::from)?
        .is_some();
    match conn {
        DbConnection::Sqlite(inner) if !nested => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(conn)?,
    }
    let locked = match conn {
        DbConnection::Postgres(inner) if !nested => {
            use diesel::RunQueryDsl;
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"))
                .execute(inner)
                .map(|_| ())
        }
        _ => Ok(()),
    };
    let outcome = match locked {
        Ok(()) => work(conn),
        Err(error) => Err(E::from(error)),
    };
    match outcome {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            match Manager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => {}
                Err(rollback) => return Err(rollback.into()),
            }
            Err(error)
        }
    }
}

/// The advisory lock key that makes PostgreSQL write transactions take turns (any fixed
/// number no other application on the database uses; this one spells "GAZT").
pub const WRITER_LOCK: i64 = 0x4741_5A54;

/// True when the database answers a query now (for `/healthz`).
pub async fn answers(pool: &DbPool) -> bool {
    use diesel::RunQueryDsl;
    run(pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    })
    .await
    .is_ok()
}

/// Runs the same diesel code against the backend inside the connection, written once and
/// compiled for each backend. `$inner` names the backend's own connection inside `$body`. For
/// the statements `MultiConnection` cannot express (upserts with `ON CONFLICT`), and for the
/// reads on every reader page's miss path: through `MultiConnection` each statement's SQL is
/// rebuilt and its binds and rows converted per execution, which made an uncached article page
/// cost 1.2x the CPU it did on `SqliteConnection` alone (100,000 articles, 2026-12-02).
#[macro_export]
macro_rules! on_each_backend {
    ($conn:expr, |$inner:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($inner) => $body,
            $crate::db::DbConnection::Postgres($inner) => $body,
        }
    };
}

/// Raw SQL is written once with `?` placeholders (SQLite's); PostgreSQL numbers them `$1, $2…`.
/// The SQL passed here never holds a `?` inside a string literal.
pub fn sql(conn: &DbConnection, text: &str) -> String {
    match conn {
        DbConnection::Sqlite(_) => text.to_string(),
        DbConnection::Postgres(_) => {
            let mut numbered = String::with_capacity(text.len() + 16);
            for (number, piece) in text.split('?').enumerate() {
                if number > 0 {
                    numbered.push_str(&format!("${number}"));
                }
                numbered.push_str(piece);
            }
            numbered
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_a_server_and_anything_else_a_file() {
        assert_eq!(
            Location::parse("postgres://gazette@db/news"),
            Location::Postgres("postgres://gazette@db/news".into())
        );
        assert!(matches!(
            Location::parse("postgresql://db/news"),
            Location::Postgres(_)
        ));
        assert_eq!(
            Location::parse("data/gazette.db"),
            Location::Sqlite("data/gazette.db".into())
        );
        assert_eq!(
            Location::parse("sqlite://data/g.db"),
            Location::Sqlite("data/g.db".into())
        );
    }

    #[test]
    fn a_password_never_reaches_the_logs() {
        let shown = Location::parse("postgres://gazette:s3cret@db:5432/news").to_string();
        assert_eq!(shown, "postgres://gazette:***@db:5432/news");
        assert_eq!(
            Location::parse("postgres://gazette@db/news").to_string(),
            "postgres://gazette@db/news"
        );
    }

    #[test]
    fn the_connect_timeout_joins_the_url_unless_given() {
        let five = Duration::from_secs(5);
        assert_eq!(
            with_connect_timeout("postgres://db/news", five),
            "postgres://db/news?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://db/news?sslmode=require", five),
            "postgres://db/news?sslmode=require&connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://db/news?connect_timeout=2", five),
            "postgres://db/news?connect_timeout=2"
        );
    }

    #[derive(diesel::QueryableByName)]
    struct StatRow {
        #[diesel(sql_type = diesel::sql_types::Text)]
        stat: String,
    }

    /// The statistics a bulk load leaves must say that nearly every article shares one status:
    /// sampled ones said a status matched a thousand rows, and at 1,000,000 articles the
    /// search-index rebuild walked the status index for each of its thousand batches.
    #[test]
    fn a_measured_archive_tells_the_planner_a_status_is_not_selective() {
        let dir = tempfile::tempdir().unwrap();
        let location = Location::Sqlite(dir.path().join("archive.db"));
        let pool = open_pool(&location, PoolSettings::default()).unwrap();
        let mut conn = pool.get().unwrap();
        run_migrations(&mut conn).unwrap();
        conn.batch_execute(
            "INSERT INTO sections (id, name, slug, created_at, updated_at)
             VALUES (1, 'News', 'news', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
             INSERT INTO articles
                 (headline, slug, section_id, status, published_at, created_at, updated_at)
             SELECT 'Story ' || i, 'story-' || i, 1, 'published', '2026-01-01 00:00:00',
                    '2026-01-01 00:00:00', '2026-01-01 00:00:00'
             FROM n;",
        )
        .unwrap();
        measure_archive(&mut conn).unwrap();
        let row: StatRow = diesel::sql_query(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 'articles_status_published'",
        )
        .get_result(&mut conn)
        .unwrap();
        // "rows, rows per status, rows per (status, published_at)".
        let rows_per_status: i64 = row.stat.split(' ').nth(1).unwrap().parse().unwrap();
        assert_eq!(rows_per_status, 3000, "{}", row.stat);
    }
}

diesel::define_sql_function! {
    /// SQL's `lower()` (on both backends): text searches compare `lower(column)` with
    /// `lower(pattern)`, since `LIKE` ignores case on SQLite but not on PostgreSQL.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern (escape character `\\`) matching text that contains `text` as typed.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
