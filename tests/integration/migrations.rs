//! Migrations run forward on a fresh file, every `down.sql` works, and they re-apply cleanly.

use diesel::{Connection, SqliteConnection};
use diesel_migrations::MigrationHarness;
use gazette::db::MIGRATIONS;

#[test]
fn migrations_apply_revert_and_reapply() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    let applied = gazette::db::run_migrations(&mut conn).unwrap();
    assert!(applied >= 1);
    assert_eq!(
        gazette::db::run_migrations(&mut conn).unwrap(),
        0,
        "idempotent"
    );
    conn.revert_all_migrations(MIGRATIONS).unwrap();
    assert_eq!(gazette::db::run_migrations(&mut conn).unwrap(), applied);
}

#[test]
fn the_demo_fills_only_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    gazette::db::run_migrations(&mut conn).unwrap();
    assert!(gazette::demo::is_empty(&mut conn).unwrap());
    let count = gazette::demo::seed(&mut conn, chrono::Utc::now().naive_utc()).unwrap();
    assert!(count >= 80, "{count} demo articles");
    assert!(!gazette::demo::is_empty(&mut conn).unwrap());
}
