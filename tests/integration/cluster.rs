//! Several app servers on one PostgreSQL database: a change saved on one reaches the cached
//! pages of every other at once, a server that missed notifications drops what it cached, and
//! a scheduled article goes live exactly once. PostgreSQL runs only (SQLite has one server per
//! file).

use chrono::TimeDelta;
use diesel::prelude::*;
use gazette::models::ArticleStatus;

use crate::support::{Newsroom, TestApp, now, on_postgres};

fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let ana = Newsroom::author(conn, "Ana Diaz", "ana-diaz");
        Newsroom::article(conn, "Harbour reopens", &world, &[&ana], &[], 2);
    })
}

/// Asks `app` for `path` until its body contains `text` (another server's change arrives
/// within milliseconds; two seconds is the patience of a slow machine).
fn eventually_shows(app: &TestApp, path: &str, text: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        if app.get(path).body.contains(text) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

fn skip() -> bool {
    if !on_postgres() {
        eprintln!(
            "(PostgreSQL only: runs in the integration_postgres target when GAZETTE_TEST_POSTGRES is set, as in .ci/run)"
        );
    }
    !on_postgres()
}

#[test]
fn a_save_on_one_server_drops_the_page_on_every_server() {
    if skip() {
        return;
    }
    let first = newsroom();
    let second = first.another_server();
    let mut conn = first.db();
    let article = gazette::models::Article::find_by_slug(&mut conn, "harbour-reopens")
        .unwrap()
        .unwrap();
    let path = "/article/harbour-reopens";
    // The second server has the pages cached (search in its own cache).
    let pages = ["/", "/section/world", "/search?q=harbour", "/feed.xml"];
    for _ in 0..2 {
        assert!(second.get(path).body.contains("Harbour reopens"));
        for page in pages {
            assert!(second.get(page).body.contains("Harbour reopens"), "{page}");
        }
    }

    let world = gazette::models::Section::find_by_slug(&mut conn, "world").unwrap();
    let ana = gazette::models::Author::find_by_slug(&mut conn, "ana-diaz").unwrap();
    let input = Newsroom::input("Harbour reopens at dawn", &world, &[&ana], &[], 2);
    let saved = first.store(Some(article.id), &input);

    for page in pages {
        assert!(
            eventually_shows(&second, page, "Harbour reopens at dawn"),
            "{page}"
        );
    }
    // The new headline brought a new address; the old one now redirects there.
    assert!(eventually_shows(
        &second,
        &format!("/article/{}", saved.slug),
        "Harbour reopens at dawn"
    ));
    assert_eq!(second.get(path).status, 301);
}

#[test]
fn a_server_that_missed_notifications_drops_what_it_cached() {
    if skip() {
        return;
    }
    let first = newsroom();
    let second = first.another_server();
    let path = "/article/harbour-reopens";
    for _ in 0..2 {
        assert!(second.get(path).body.contains("Harbour reopens"));
    }
    // Changed behind every server's back (no notification): the cached page stays ...
    let mut conn = first.db();
    diesel::sql_query("UPDATE articles SET headline = 'Changed unannounced'")
        .execute(&mut conn)
        .unwrap();
    assert!(!second.get(path).body.contains("Changed unannounced"));
    // ... until the listening connections drop: each server reconnects and, not knowing what
    // it missed meanwhile, drops everything.
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = '{}' AND datname = current_database()",
        gazette::change_feed::APPLICATION_NAME
    ))
    .execute(&mut conn)
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut fresh = false;
    while !fresh && std::time::Instant::now() < deadline {
        fresh = second.get(path).body.contains("Changed unannounced");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(fresh, "the reconnected server still serves the old page");
}

#[test]
fn a_scheduled_article_goes_live_once_whichever_servers_are_running() {
    if skip() {
        return;
    }
    let first = newsroom();
    let servers = [first.another_server(), first.another_server()];
    let mut conn = first.db();
    let world = gazette::models::Section::find_by_slug(&mut conn, "world").unwrap();
    let mut input = Newsroom::input("Embargoed report", &world, &[], &[], 0);
    input.status = ArticleStatus::Scheduled;
    input.published_at = Some(now() + TimeDelta::minutes(5));
    first.store(None, &input);
    // Every server's clock passes the time together; each runs its scheduler.
    for app in servers.iter().chain([&first]) {
        app.state.clock.advance(TimeDelta::minutes(6));
    }
    assert!(eventually_shows(&first, "/", "Embargoed report"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let published: i64 = gazette::schema::audit_log::table
        .filter(gazette::schema::audit_log::action.eq("article.published"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(published, 1, "one go-live, recorded once");
}
