//! `gazette copy`: a newsroom moved to another database (SQLite to PostgreSQL in the default
//! run when a server is named, PostgreSQL to SQLite in the PostgreSQL run, SQLite to SQLite
//! otherwise) serves the same pages, keeps staff passwords, old addresses and related lists,
//! and goes on numbering after its highest ids; a non-empty target is refused.

use std::process::Command;

use gazette::db::Location;
use gazette::models::{Article, Role, Section};

use crate::scratch::{self, ScratchDatabase};
use crate::support::{Newsroom, TestApp, now, on_postgres};

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
    // Page views stay uncounted meanwhile, so "Most read" is the same on every site.
    let quiet = |config: &mut gazette::config::Config| {
        config.views_flush_interval = std::time::Duration::from_secs(3600);
    };
    let source = TestApp::with_demo_config(quiet);
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
    // A standalone page in the footer menu, and an old address kept by a redirect.
    let masthead = gazette::models::page::PageInput {
        title: "Masthead".into(),
        slug: "masthead".into(),
        body_markdown: "Founded in **1851**.".into(),
        body_html: gazette::markdown::render("Founded in **1851**.").html,
        seo_title: String::new(),
        seo_description: String::new(),
        status: gazette::models::page::PageStatus::Published,
    };
    let masthead_id = gazette::models::page::Page::create(&mut conn, &masthead, now()).unwrap();
    gazette::models::page::Page::set_menu(&mut conn, &[(masthead_id, Some(9))]).unwrap();
    gazette::models::redirect::Redirect::put(&mut conn, "/who-we-are", "/masthead", "admin", now())
        .unwrap();
    // Written behind the server's back: it reloads its menu and forgets its pages.
    source.state.apply_remote_change(None);

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

    let copy = TestApp::on_database(target, quiet);
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
    assert_eq!(copy.get("/masthead").texts("h1"), vec!["Masthead"]);
    let menu = copy.get("/").texts(".site-footer__pages a");
    assert_eq!(
        menu.last().map(String::as_str),
        Some("Masthead"),
        "{menu:?}"
    );
    assert_eq!(menu, source.get("/").texts(".site-footer__pages a"));
    assert_eq!(
        copy.get("/who-we-are").header("location"),
        Some("/masthead")
    );
    // The old address still leads to the renamed article.
    let old = copy.get(&format!("/article/{}", first.slug));
    assert_eq!(old.status, 301);
    assert_eq!(old.header("location"), Some(article.as_str()));
    // And back again: the three sites serve the same public pages, byte for byte but for
    // their own addresses (each test server has its own port).
    if let Location::Postgres(_) = &copy.database {
        let back = dir.path().join("back.db");
        let output = gazette_copy(&target_url, back.to_str().unwrap());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let returned = TestApp::on_database(Location::Sqlite(back), quiet);
        let home = source.get("/");
        let author = home.attrs("a[href^='/author/']", "href");
        let other = home.attrs("a[href^='/article/']", "href");
        assert!(!author.is_empty() && !other.is_empty());
        let tag: Vec<String> = other
            .iter()
            .flat_map(|path| source.get(path).attrs("a[href^='/tag/']", "href"))
            .take(1)
            .collect();
        assert!(!tag.is_empty(), "a front-page article has tags");
        for path in [
            "/",
            "/section/world",
            article.as_str(),
            author[0].as_str(),
            other[0].as_str(),
            tag[0].as_str(),
            "/feed.xml",
            "/sitemap.xml",
            "/sitemaps/articles-1.xml",
            "/sitemaps/news.xml",
            "/sitemaps/pages.xml",
            "/masthead",
            "/about",
        ] {
            let expected = same_origin(&source, path);
            let on_postgres = same_origin(&copy, path);
            assert_same(&on_postgres, &expected, &format!("{path} on PostgreSQL"));
            let back_on_sqlite = same_origin(&returned, path);
            assert_same(
                &back_on_sqlite,
                &expected,
                &format!("{path} back on SQLite"),
            );
        }
    }

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

/// Equal texts, or a failure naming the first line that differs.
pub(crate) fn assert_same(found: &str, expected: &str, what: &str) {
    if found != expected {
        let (line, (a, b)) = found
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("(lengths differ)", "")));
        panic!(
            "{what} differs at line {}:\n  found:    {a}\n  expected: {b}",
            line + 1
        );
    }
}

/// The page's body with the server's own address written as "ORIGIN".
pub(crate) fn same_origin(app: &TestApp, path: &str) -> String {
    let response = app.get(path);
    assert_eq!(response.status, 200, "{path}");
    let encoded = app.base_url.replace(':', "%3A").replace('/', "%2F");
    response
        .body
        .replace(&app.base_url, "ORIGIN")
        .replace(&encoded, "ORIGIN")
}

fn first_article_slug(app: &TestApp) -> String {
    app.get("/section/world")
        .attrs("main a[href^='/article/']", "href")[0]
        .trim_start_matches("/article/")
        .to_string()
}
