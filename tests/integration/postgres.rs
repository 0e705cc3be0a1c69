//! The PostgreSQL schema (migrations_postgres/) kept in step with the SQLite one: same tables,
//! same columns, same nullability, comparable types; and its migrations apply, revert and
//! re-apply. Runs when `GAZETTE_TEST_POSTGRES` names a server (`.ci/run` sets it), in a
//! database of its own that it drops afterwards.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use diesel_migrations::MigrationHarness;

use crate::scratch::{self, ScratchDatabase};

/// Columns only one backend has, by design: PostgreSQL keeps the search document itself.
const POSTGRES_ONLY: &[(&str, &str)] = &[("article_search_content", "document")];

/// (table, column) → (type, nullable), with SQLite's declared types read as PostgreSQL's.
type Columns = BTreeMap<(String, String), (String, bool)>;

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

fn sqlite_type(declared: &str) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" => "integer",
        "BIGINT" => "bigint",
        "TEXT" => "text",
        "TIMESTAMP" => "timestamp without time zone",
        "BOOLEAN" => "boolean",
        "DATE" => "date",
        "REAL" => "double precision",
        other => return format!("unknown SQLite type {other}"),
    }
    .to_string()
}

fn sqlite_columns() -> Columns {
    let dir = tempfile::tempdir().unwrap();
    let location = gazette::db::Location::Sqlite(dir.path().join("g.db"));
    let pool = gazette::db::open_pool(&location, Default::default()).unwrap();
    let mut conn = pool.get().unwrap();
    gazette::db::run_migrations(&mut conn).unwrap();
    // The FTS5 index and its shadow tables have no PostgreSQL counterpart (the tsvector
    // column is the index there).
    diesel::sql_query(
        "SELECT m.name AS table_name, c.name AS name, c.type AS column_type,
                c.\"notnull\" AS \"notnull\", c.pk AS pk
         FROM sqlite_master m, pragma_table_info(m.name) c
         WHERE m.type = 'table'
           AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'
           AND m.name NOT LIKE '!_!_diesel%' ESCAPE '!'
           AND m.name NOT IN ('article_search', 'article_search_data', 'article_search_idx',
                              'article_search_docsize', 'article_search_config')",
    )
    .load::<SqliteColumn>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|c| {
        (
            (c.table_name, c.name),
            (sqlite_type(&c.column_type), c.notnull == 0 && c.pk == 0),
        )
    })
    .collect()
}

fn postgres_columns(conn: &mut PgConnection) -> Columns {
    diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name,
                data_type::text AS data_type, is_nullable::text AS is_nullable
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'",
    )
    .load::<PgColumn>(conn)
    .unwrap()
    .into_iter()
    .filter(|c| !POSTGRES_ONLY.contains(&(c.table_name.as_str(), c.column_name.as_str())))
    .map(|c| {
        (
            (c.table_name, c.column_name),
            (c.data_type, c.is_nullable == "YES"),
        )
    })
    .collect()
}

#[test]
fn the_postgres_schema_matches_the_sqlite_schema_and_migrates_both_ways() {
    let Some(server) = scratch::server() else {
        eprintln!("\n*** SKIPPED PostgreSQL schema test: GAZETTE_TEST_POSTGRES is not set ***\n");
        return;
    };
    let scratch = ScratchDatabase::create(&server);
    let mut conn = PgConnection::establish(&scratch.url()).unwrap();
    conn.run_pending_migrations(gazette::db::POSTGRES_MIGRATIONS)
        .unwrap();

    let sqlite = sqlite_columns();
    let postgres = postgres_columns(&mut conn);
    let only_sqlite: Vec<_> = sqlite
        .keys()
        .filter(|k| !postgres.contains_key(*k))
        .collect();
    let only_postgres: Vec<_> = postgres
        .keys()
        .filter(|k| !sqlite.contains_key(*k))
        .collect();
    assert!(
        only_sqlite.is_empty(),
        "columns missing on PostgreSQL: {only_sqlite:?}"
    );
    assert!(
        only_postgres.is_empty(),
        "columns missing on SQLite: {only_postgres:?}"
    );
    for (column, on_sqlite) in &sqlite {
        assert_eq!(
            &postgres[column], on_sqlite,
            "{column:?}: PostgreSQL vs SQLite"
        );
    }
    assert!(sqlite.len() > 100, "{} columns compared", sqlite.len());

    // Forward-only in production, but every down.sql must work: revert all, apply again.
    conn.revert_all_migrations(gazette::db::POSTGRES_MIGRATIONS)
        .unwrap();
    conn.run_pending_migrations(gazette::db::POSTGRES_MIGRATIONS)
        .unwrap();
    assert_eq!(postgres_columns(&mut conn), postgres);
}
