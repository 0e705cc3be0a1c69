//! `gazette copy`: a newsroom moved to another database (SQLite to PostgreSQL in the default
//! run when a server is named, PostgreSQL to SQLite in the PostgreSQL run, SQLite to SQLite
//! otherwise) serves the same pages, keeps staff passwords, old addresses and related lists,
//! and goes on numbering after its highest ids; a non-empty target is refused.

use std::process::Command;

use gazette::db::Location;
use gazette::models::{Article, Role, Section};

use crate::scratch::{self, ScratchDatabase};
use crate::support::{Newsroom, TestApp, on_postgres};

fn gazette_copy(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["copy", "--from", from, "--to", to])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn headlines(app: &TestApp, path: &str) -> Vec<String> {
    app.get(path).texts("main h2, main h3")
}

#[test]
fn a_copied_newsroom_serves_the_same_pages_on_the_other_backend() {
    let source = TestApp::with_demo();
    source.add_staff("editor@example.com", Role::Editor);
    let mut conn = source.db();
    let section = Section::find_by_slug(&mut conn, "world").unwrap();
    let first = Article::find_by_slug(&mut conn, &first_article_slug(&source))
        .unwrap()
        .unwrap();
    let renamed = source.store(
        Some(first.id),
        &Newsroom::input("A headline renamed before the move", &section, &[], &[], 1),
    );

    let dir = tempfile::tempdir().unwrap();
    let (target, _scratch) = match (on_postgres(), scratch::server()) {
        (false, Some(server)) => {
            let scratch = ScratchDatabase::create(&server);
            (Location::Postgres(scratch.url()), Some(scratch))
        }
        _ => (Location::Sqlite(dir.path().join("copy.db")), None),
    };
    let target_url = match &target {
        Location::Sqlite(path) => path.to_str().unwrap().to_string(),
        Location::Postgres(url) => url.clone(),
    };
    let output = gazette_copy(&source.database_url(), &target_url);
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("articles"), "{stdout}");
    assert!(stdout.contains("counted on both sides"), "{stdout}");

    let copy = TestApp::on_database(target, |_| {});
    for path in ["/", "/section/world", "/search?q=harbour", "/sitemap.xml"] {
        assert_eq!(copy.get(path).status, 200, "{path}");
        let (mut shown, mut copied) = (headlines(&source, path), headlines(&copy, path));
        assert!(
            !shown.is_empty() || path == "/sitemap.xml",
            "{path} shows headlines"
        );
        if path.starts_with("/search") {
            // The same matches; bm25 and ts_rank_cd may order equals differently.
            shown.sort();
            copied.sort();
        }
        assert_eq!(copied, shown, "{path}");
    }
    let article = format!("/article/{}", renamed.slug);
    let paragraphs = source.get(&article).texts("main article p");
    assert!(!paragraphs.is_empty());
    assert_eq!(copy.get(&article).texts("main article p"), paragraphs);
    let related = source.get(&article).texts(".related a");
    assert!(!related.is_empty());
    assert_eq!(
        copy.get(&article).texts(".related a"),
        related,
        "related lists"
    );
    // The old address still leads to the renamed article.
    let old = copy.get(&format!("/article/{}", first.slug));
    assert_eq!(old.status, 301);
    assert_eq!(old.header("location"), Some(article.as_str()));
    // Staff log in with the passwords they had; new articles get new ids.
    copy.login("editor@example.com");
    let added = copy.store(
        None,
        &Newsroom::input("Written after the move", &section, &[], &[], 0),
    );
    assert!(added.id > renamed.id);
    assert!(copy.get("/").body.contains("Written after the move"));

    // A second copy into the now-used database is refused, and changes nothing.
    let again = gazette_copy(&source.database_url(), &target_url);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds a newsroom"), "{stderr}");
    assert!(copy.get("/").body.contains("Written after the move"));
}

fn first_article_slug(app: &TestApp) -> String {
    app.get("/section/world")
        .attrs("main a[href^='/article/']", "href")[0]
        .trim_start_matches("/article/")
        .to_string()
}
