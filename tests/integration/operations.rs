//! Operating a newsroom: backups taken while editors write, and the consistency check.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gazette::models::{Role, Section};

use crate::support::{Newsroom, TestApp, sqlite_only};

fn gazette(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("GAZETTE_MEDIA_DIR")
        .output()
        .unwrap()
}

fn article_count(path: &std::path::Path) -> i64 {
    use diesel::prelude::*;
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    gazette::schema::articles::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[test]
fn a_backup_taken_while_editors_write_checks_clean_and_serves_the_same_pages() {
    if sqlite_only("`gazette backup` copies the SQLite file; PostgreSQL has pg_dump") {
        return;
    }
    let app = TestApp::with_demo();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let picture = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(800, 450)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    assert_eq!(
        editor
            .upload("A harbour", ("h.png", "image/png", &picture))
            .status,
        303
    );
    let before = article_count(&app.database_path);
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("nightly");

    // Editors keep saving while the backup runs.
    let writing = AtomicBool::new(true);
    let saved = AtomicUsize::new(0);
    let output = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut conn = app.db();
            let section = Section::all_in_nav_order(&mut conn).unwrap().remove(0);
            while writing.load(Ordering::SeqCst) {
                let n = saved.fetch_add(1, Ordering::SeqCst);
                let input = Newsroom::input(&format!("Late story {n}"), &section, &[], &[], 0);
                app.store(None, &input);
            }
        });
        let output = gazette(&[
            "backup",
            "--database",
            app.database_path.to_str().unwrap(),
            "--media-dir",
            app.state.config.media_dir.to_str().unwrap(),
            folder.to_str().unwrap(),
        ]);
        writing.store(false, Ordering::SeqCst);
        output
    });
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        saved.load(Ordering::SeqCst) > 0,
        "saves ran during the backup"
    );
    let copy = folder.join("gazette.db");
    let copied = article_count(&copy);
    assert!(
        (before..=before + saved.load(Ordering::SeqCst) as i64).contains(&copied),
        "a snapshot: {copied} articles, {before} before"
    );
    assert!(std::fs::read_dir(folder.join("media")).unwrap().count() >= 5);

    let checked = gazette(&["check", "--database", copy.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&checked.stdout).to_string();
    assert!(checked.status.success(), "{report}");
    assert!(report.contains("ok   search index"), "{report}");
    assert!(!report.contains("FAIL"), "{report}");

    // Restored into a new folder, it serves the same pages.
    let restored = TestApp::with_config(
        |_| {},
        |config| {
            config.database = gazette::db::Location::Sqlite(copy.clone());
            config.media_dir = folder.join("media");
        },
    );
    let slug = {
        let mut conn = app.db();
        gazette::models::Article::find(&mut conn, 1).unwrap().slug
    };
    for path in [format!("/article/{slug}"), "/section/world".to_string()] {
        let (original, copy) = (app.get(&path), restored.get(&path));
        assert_eq!(copy.status, original.status, "{path}");
        assert_eq!(copy.texts("main h1"), original.texts("main h1"), "{path}");
    }
    let article = format!("/article/{slug}");
    assert_eq!(
        restored.get(&article).texts("article p"),
        app.get(&article).texts("article p")
    );
    assert_eq!(
        gazette(&[
            "backup",
            "--database",
            app.database_path.to_str().unwrap(),
            folder.to_str().unwrap()
        ])
        .status
        .code(),
        Some(1),
        "never over an earlier backup"
    );
}

#[test]
fn check_fails_loudly_when_the_search_index_disagrees_with_the_articles() {
    let app = TestApp::with_demo();
    let path = app.database_url();
    let clean = gazette(&["check", "--database", &path]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    {
        use diesel::prelude::*;
        let mut conn = app.db();
        diesel::sql_query(
            "DELETE FROM article_search_facets WHERE rowid = (SELECT MIN(rowid) FROM article_search_facets)",
        )
        .execute(&mut conn)
        .unwrap();
    }
    let broken = gazette(&["check", "--database", &path]);
    assert_eq!(broken.status.code(), Some(1));
    let report = String::from_utf8_lossy(&broken.stdout);
    assert!(report.contains("FAIL search index"), "{report}");
    assert!(report.contains("1 without facets"), "{report}");
}

#[test]
fn check_fails_when_a_byline_lists_its_article_at_the_wrong_time() {
    let app = TestApp::with_demo();
    let path = app.database_url();
    let clean = gazette(&["check", "--database", &path]);
    let report = String::from_utf8_lossy(&clean.stdout).to_string();
    assert!(clean.status.success(), "{report}");
    assert!(report.contains("author and tag listings"), "{report}");
    {
        use diesel::prelude::*;
        let mut conn = app.db();
        diesel::sql_query(
            "UPDATE article_authors SET listed_at = NULL
             WHERE (article_id, author_id) = (SELECT article_id, author_id FROM article_authors
                                              WHERE listed_at IS NOT NULL
                                              ORDER BY article_id, author_id LIMIT 1)",
        )
        .execute(&mut conn)
        .unwrap();
    }
    let broken = gazette(&["check", "--database", &path]);
    assert_eq!(broken.status.code(), Some(1));
    let report = String::from_utf8_lossy(&broken.stdout);
    assert!(report.contains("FAIL author and tag listings"), "{report}");
    assert!(
        report.contains("1 byline or tag rows out of step"),
        "{report}"
    );
}
