// Embedded migrations and templates are read at compile time: rebuild when they change.
//
// With GAZETTE_TEST_POSTGRES naming a server, the integration suite is built a second time
// with every test app on PostgreSQL (tests/integration_postgres.rs); without it, that target
// holds one test that says it was skipped.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-env-changed=GAZETTE_TEST_POSTGRES");
    println!("cargo:rustc-check-cfg=cfg(gazette_postgres_suite)");
    let postgres = std::env::var("GAZETTE_TEST_POSTGRES").unwrap_or_default();
    if !postgres.trim().is_empty() {
        println!("cargo:rustc-cfg=gazette_postgres_suite");
    }
}
