//! Several app servers on one PostgreSQL database. Each keeps its own page caches, so each must
//! hear of the changes the others commit: the change path announces what a transaction touched
//! with `NOTIFY` (delivered when it commits, never for a rollback), and every server listens on
//! a connection of its own and drops the same pages the writer's server dropped.
//!
//! A server that was not listening for a while (its connection dropped, the database
//! restarted) cannot know what it missed: on every (re)connection it drops everything it has
//! cached before it listens again. SQLite has one server per file, and none of this runs.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::changes::Dependency;
use crate::db::DbConnection;
use crate::state::AppState;

/// The notification channel every server of one newsroom listens on.
pub const CHANNEL: &str = "gazette_changes";
/// Stands for "everything": a change whose list of pages would not fit in a notification.
const EVERYTHING: &str = "*";
/// PostgreSQL refuses payloads from 8,000 bytes.
const MAX_PAYLOAD: usize = 7_000;
/// How often the listener reads what arrived. Notifications wait in the connection's buffer
/// meanwhile; this is the most another server's page can lag a save.
const POLL: Duration = Duration::from_millis(20);
/// How often the listener proves its connection alive (a silent network loss sends no error).
const HEARTBEAT: Duration = Duration::from_secs(5);
/// The name the listening connection shows in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "gazette-change-feed";

/// Announces, inside the writer's transaction, the pages its changes touched. Nothing to do on
/// SQLite.
pub fn announce(conn: &mut DbConnection, dependencies: &BTreeSet<Dependency>) -> QueryResult<()> {
    if dependencies.is_empty() || !matches!(conn, DbConnection::Postgres(_)) {
        return Ok(());
    }
    let mut payload = dependencies
        .iter()
        .map(Dependency::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    if payload.len() > MAX_PAYLOAD {
        payload = EVERYTHING.to_string();
    }
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(payload)
        .execute(conn)?;
    Ok(())
}

/// What one notification asks for: these pages, or everything.
fn parse(payload: &str) -> Option<BTreeSet<Dependency>> {
    if payload == EVERYTHING {
        return None;
    }
    // A word this version does not know (a newer server's) means "everything", to be safe.
    payload
        .split_whitespace()
        .map(|word| word.parse().ok())
        .collect()
}

/// Listens on its own thread until `stop` is set, reconnecting as needed. Join the thread
/// before the process exits: its connection must close before libpq and OpenSSL are torn down.
pub fn spawn(
    state: web::Data<AppState>,
    url: String,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("change-feed".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listen(&state, &url, &stop) {
                    Ok(()) => {}
                    Err(error) => {
                        tracing::warn!(%error, "not hearing other servers' changes; reconnecting");
                        for _ in 0..50 {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            std::thread::sleep(POLL);
                        }
                    }
                }
            }
        })
        .expect("a thread can be started")
}

fn listen(state: &AppState, url: &str, stop: &AtomicBool) -> Result<(), String> {
    let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
    conn.batch_execute(&format!(
        "SET application_name = '{APPLICATION_NAME}'; LISTEN {CHANNEL};"
    ))
    .map_err(|e| e.to_string())?;
    // Whatever committed while no one here was listening is unknown.
    state.apply_remote_change(None);
    tracing::info!("listening for other servers' changes");
    let mut alive_at = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        for notification in conn.notifications_iter() {
            let notification = notification.map_err(|e| e.to_string())?;
            state.apply_remote_change(parse(&notification.payload).as_ref());
        }
        if alive_at.elapsed() >= HEARTBEAT {
            conn.batch_execute("SELECT 1").map_err(|e| e.to_string())?;
            alive_at = Instant::now();
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_names_pages_or_everything() {
        let named = parse("article:42 section:3 home navigation").unwrap();
        assert!(named.contains(&Dependency::Article(42)));
        assert!(named.contains(&Dependency::Section(3)));
        assert!(named.contains(&Dependency::Home));
        assert!(named.contains(&Dependency::Navigation));
        assert_eq!(parse("*"), None);
        assert_eq!(
            parse("article:42 comet:7"),
            None,
            "unknown words mean everything"
        );
        for dependency in [
            Dependency::Author(7),
            Dependency::Tag(9),
            Dependency::Feeds,
            Dependency::Sitemaps,
            Dependency::Search,
        ] {
            assert_eq!(dependency.to_string().parse(), Ok(dependency));
        }
    }
}
