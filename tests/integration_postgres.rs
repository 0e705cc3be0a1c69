//! The integration suite again, with every test app on a fresh PostgreSQL database of its own
//! on the server `GAZETTE_TEST_POSTGRES` names. `build.rs` turns it on when that variable is set
//! at build time; `cargo test` without it runs the suite on SQLite only and says so here.

#[cfg(gazette_postgres_suite)]
#[path = "integration/main.rs"]
mod integration;

// The suite's modules refer to each other from the crate root (`crate::support`).
#[cfg(gazette_postgres_suite)]
use integration::{admin, copy, crawl, crawlers, scratch, support};

#[cfg(not(gazette_postgres_suite))]
#[test]
fn postgres_suite_skipped_without_gazette_test_postgres() {
    eprintln!(
        "\n*** The PostgreSQL run of the integration suite was SKIPPED: GAZETTE_TEST_POSTGRES is \
         not set.\n*** Set it to a server URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) \
         and run cargo test again; .ci/run does.\n"
    );
}
