//! The SQLite connection pool, per-connection settings, embedded migrations, and running queries
//! off the async executor.

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<SqliteConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
/// The same schema for PostgreSQL, migration for migration (kept in step by
/// `tests/integration/postgres.rs`, which compares the two). Not served from yet.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations_postgres");

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Page cache shared out among the pool's connections, in KiB (at least SQLite's default 2 MB
/// each). The OS keeps the file's pages in memory anyway; a larger cache here (32 and 64 MB were
/// measured, `tools/bench`, 2026-12-01) made no difference to a cold article mix at 100,000
/// articles within the noise, but added to the server's resident memory.
const PAGE_CACHE_KIB: u32 = 16 * 1024;

/// Applied to every pooled connection. busy_timeout comes first: without it, switching a fresh
/// pool to WAL races other connections and fails with "database is locked".
#[derive(Debug)]
struct SqlitePragmas {
    cache_kib: u32,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -{};",
            self.cache_kib
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// How long a request waits for a pooled connection unless configured otherwise.
pub const DEFAULT_CONNECTION_WAIT: Duration = Duration::from_secs(10);

/// Opens (creating if needed) the database file and builds the pool.
pub fn open_pool(path: &Path, size: u32) -> Result<DbPool, String> {
    open_pool_waiting(path, size, DEFAULT_CONNECTION_WAIT)
}

/// As [`open_pool`], with requests waiting at most `wait` for a connection (then 503).
pub fn open_pool_waiting(path: &Path, size: u32, wait: Duration) -> Result<DbPool, String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create database folder {}: {e}", parent.display()))?;
    }
    let url = path
        .to_str()
        .ok_or_else(|| format!("database path {} is not valid UTF-8", path.display()))?;
    let manager = ConnectionManager::<SqliteConnection>::new(url);
    Pool::builder()
        .max_size(size)
        .connection_timeout(wait)
        .connection_customizer(Box::new(SqlitePragmas {
            cache_kib: (PAGE_CACHE_KIB / size.max(1)).max(2 * 1024),
        }))
        .build(manager)
        .map_err(|e| format!("cannot open database {}: {e}", path.display()))
}

/// Applies every migration not yet applied; returns how many ran.
pub fn run_migrations(conn: &mut SqliteConnection) -> Result<usize, String> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.len())
        .map_err(|e| format!("database migration failed: {e}"))?;
    // Keeps the query planner's statistics current (cheap when nothing changed).
    conn.batch_execute("PRAGMA optimize;")
        .map_err(|e| format!("database statistics: {e}"))?;
    Ok(applied)
}

/// Runs blocking database work on actix's thread pool. Getting a pooled connection can block
/// too, so it happens inside.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        // No connection within the pool's timeout: every one is busy, or the database cannot
        // be opened. Either way the reader should retry, not read "error".
        let mut conn = pool
            .get()
            .map_err(|e| AppError::Unavailable(format!("no database connection: {e}")))?;
        work(&mut conn)
    })
    .await
    .map_err(AppError::internal)?
}

/// Runs `work` in a write transaction. The outermost one starts with `BEGIN IMMEDIATE`, taking
/// the write lock up front: a deferred transaction that reads and then writes fails at once with
/// "database is locked" if another connection wrote in between, whatever the busy timeout.
/// Nested calls become savepoints inside it.
pub fn write_transaction<T, E, F>(conn: &mut SqliteConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let nested = AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(E::from)?
        .is_some();
    if nested {
        conn.transaction(work)
    } else {
        conn.immediate_transaction(work)
    }
}

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
