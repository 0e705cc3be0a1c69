//! Migrations run forward on a fresh file, every `down.sql` works, and they re-apply cleanly.

use diesel::{Connection, SqliteConnection};
use diesel_migrations::MigrationHarness;
use gazette::db::DbConnection;
use gazette::db::MIGRATIONS;

fn open(path: &std::path::Path) -> DbConnection {
    DbConnection::Sqlite(SqliteConnection::establish(path.to_str().unwrap()).unwrap())
}

fn sqlite(conn: &mut DbConnection) -> &mut SqliteConnection {
    match conn {
        DbConnection::Sqlite(inner) => inner,
        DbConnection::Postgres(_) => unreachable!("opened as SQLite"),
    }
}

#[test]
fn migrations_apply_revert_and_reapply() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut conn = open(&path);
    let applied = gazette::db::run_migrations(&mut conn).unwrap();
    assert!(applied >= 1);
    assert_eq!(
        gazette::db::run_migrations(&mut conn).unwrap(),
        0,
        "idempotent"
    );
    sqlite(&mut conn).revert_all_migrations(MIGRATIONS).unwrap();
    assert_eq!(gazette::db::run_migrations(&mut conn).unwrap(), applied);
}

#[test]
fn the_demo_fills_only_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut conn = open(&path);
    gazette::db::run_migrations(&mut conn).unwrap();
    assert!(gazette::demo::is_empty(&mut conn).unwrap());
    let count = gazette::demo::seed(&mut conn, chrono::Utc::now().naive_utc()).unwrap();
    assert!(count >= 80, "{count} demo articles");
    assert!(!gazette::demo::is_empty(&mut conn).unwrap());
}

#[test]
fn article_text_moves_to_its_own_table_intact() {
    use diesel::RunQueryDsl;
    use diesel::migration::MigrationSource;
    use diesel::sqlite::Sqlite;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut conn = open(&path);
    let migrations: Vec<_> = MigrationSource::<Sqlite>::migrations(&MIGRATIONS).unwrap();
    let split = migrations
        .iter()
        .position(|m| m.name().to_string().ends_with("_article_bodies"))
        .expect("the article_bodies migration");
    for _ in 0..split {
        sqlite(&mut conn).run_next_migration(MIGRATIONS).unwrap();
    }
    diesel::sql_query(
        "INSERT INTO sections (id, name, slug, created_at, updated_at)
         VALUES (1, 'World', 'world', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO articles (id, headline, slug, dek, body_markdown, body_html, section_id,
                               status, created_at, updated_at)
         VALUES (7, 'Kept', 'kept', 'Dek', 'The *whole* story.', '<p>The <em>whole</em> story.</p>',
                 1, 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn)
    .unwrap();
    gazette::db::run_migrations(&mut conn).unwrap();
    let article = gazette::models::Article::find(&mut conn, 7).unwrap();
    assert_eq!(article.body_markdown, "The *whole* story.");
    assert_eq!(article.body_html, "<p>The <em>whole</em> story.</p>");
    assert_eq!(article.headline, "Kept");
}
