//! The rendered-page cache is on in every test; these prove it is correct: a change made in the
//! admin (or by the scheduler) reaches every page that shows it at once, pages come from the
//! cache in every coding with their validators, memory stays bounded, and a CDN hears what to
//! purge.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;
use gazette::models::{Article, Role, Section};

use crate::admin::created_id;
use crate::support::{Newsroom, StaffSession, TestApp};

fn newsroom_with(configure: impl FnOnce(&mut gazette::config::Config)) -> TestApp {
    TestApp::with_config(
        |conn| {
            let world = Newsroom::section(conn, "World", "world");
            let sport = Newsroom::section(conn, "Sport", "sport");
            let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
            let ben = Newsroom::author(conn, "Ben Cole", "ben-cole");
            // 22 in World: its listing has a page 2.
            for n in 0..22 {
                let headline = format!("World report {n}");
                Newsroom::article(conn, &headline, &world, &[&ana], &["Climate"], n + 2);
            }
            Newsroom::article(conn, "Cup final tonight", &sport, &[&ben], &["Football"], 3);
        },
        configure,
    )
}

fn newsroom() -> TestApp {
    newsroom_with(|_| {})
}

/// Every public page an article in World by Ana tagged Climate appears on.
const PAGES: &[&str] = &[
    "/",
    "/section/world",
    "/author/ana-lima",
    "/tag/climate",
    "/feed.xml",
    "/section/world/feed.xml",
    "/author/ana-lima/feed.xml",
    "/tag/climate/feed.xml",
    "/sitemaps/articles-1.xml",
    "/sitemaps/news.xml",
    "/search?q=harbour",
];

fn warm(app: &TestApp, paths: &[&str]) {
    for path in paths {
        for _ in 0..2 {
            assert_eq!(app.get(path).status, 200, "{path}");
        }
    }
}

fn world_id(app: &TestApp) -> String {
    Section::find_by_slug(&mut app.db(), "world")
        .unwrap()
        .id
        .to_string()
}

fn article_form<'a>(
    section: &'a str,
    headline: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("headline", headline),
        ("slug", "harbour-story"),
        ("dek", "A standfirst."),
        ("body_markdown", "The harbour reopened this morning."),
        ("section_id", section),
        ("authors", "ana-lima"),
        ("tags", "Climate"),
        ("action", action),
    ]
}

/// Saves the article again with `headline` and `action`, based on its current revision.
fn resave(editor: &StaffSession, app: &TestApp, id: i32, headline: &str, action: &str) {
    let revision = Article::find(&mut app.db(), id)
        .unwrap()
        .revision
        .to_string();
    let section = world_id(app);
    let mut form = article_form(&section, headline, action);
    form.push(("base_revision", &revision));
    let saved = editor.post(&format!("/admin/articles/{id}"), &form);
    assert_eq!(saved.status, 303, "{}", saved.body);
}

#[test]
fn publishing_editing_and_withdrawing_change_every_page_at_once() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    warm(&app, PAGES);
    warm(&app, &["/section/world?page=2"]);
    assert!(app.state.page_cache.len() >= PAGES.len());
    // A search ranks its matches with the article count of its word, kept for the next
    // (SQLite's ranking; PostgreSQL's ts_rank_cd needs none).
    assert!(
        app.get("/search?q=cup+final")
            .body
            .contains("Cup final tonight")
    );
    let sqlite = matches!(app.database, gazette::db::Location::Sqlite(_));
    assert_eq!(app.state.phrase_counts.remembered() > 0, sqlite);
    let page_two_before = app.get("/section/world?page=2").body;

    let section = world_id(&app);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Harbour reopens", "publish"),
    ));
    // The count changed with the new article: forgotten in the same request.
    assert_eq!(app.state.phrase_counts.remembered(), 0);
    for path in PAGES {
        let page = app.get(path);
        assert!(
            page.body.contains("harbour-story"),
            "{path} lists the new article"
        );
    }
    assert_ne!(
        app.get("/section/world?page=2").body,
        page_two_before,
        "page 2 of the section moved along"
    );
    let article = app.get("/article/harbour-story");
    let first_etag = article.header("etag").unwrap().to_string();

    resave(&editor, &app, id, "Harbour reopens, corrected", "save");
    // Everything that shows the headline (the article sitemap lists addresses only).
    let with_headlines = PAGES
        .iter()
        .filter(|p| !p.starts_with("/sitemaps/articles"));
    for path in with_headlines.chain(&["/article/harbour-story"]) {
        let page = app.get(path);
        assert!(
            page.body.contains("Harbour reopens, corrected"),
            "{path} shows the edit"
        );
    }
    assert_ne!(
        app.get("/article/harbour-story").header("etag").unwrap(),
        first_etag,
        "the ETag follows the content"
    );

    resave(&editor, &app, id, "Harbour reopens, corrected", "unpublish");
    assert_eq!(app.get("/article/harbour-story").status, 410);
    for path in PAGES {
        let page = app.get(path);
        assert!(
            !page.body.contains("harbour-story"),
            "{path} no longer lists it"
        );
    }
}

/// Article pages keep the cards of their rails between renders (`views::card_cache`): an edit
/// reaches the rails of other articles' pages at once all the same.
#[test]
fn an_edited_headline_reaches_the_rails_of_other_articles_at_once() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = world_id(&app);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Harbour reopens", "publish"),
    ));
    // Other World stories list it under "Latest in World".
    let stories = ["/article/world-report-3", "/article/world-report-7"];
    warm(&app, &stories);
    assert!(app.get(stories[0]).body.contains("Harbour reopens"));
    assert!(!app.state.cards.is_empty(), "the rails' cards are kept");

    resave(&editor, &app, id, "Harbour reopens after the storm", "save");
    for story in stories {
        let page = app.get(story);
        assert!(
            page.body.contains("Harbour reopens after the storm"),
            "{story} shows the new headline"
        );
    }
    // A story never rendered before the edit reads the kept cards: they are the new ones too.
    assert!(
        app.get("/article/world-report-9")
            .body
            .contains("Harbour reopens after the storm")
    );

    resave(
        &editor,
        &app,
        id,
        "Harbour reopens after the storm",
        "unpublish",
    );
    for story in stories {
        assert!(!app.get(story).body.contains("harbour-story"), "{story}");
    }
}

#[test]
fn a_scheduled_go_live_reaches_cached_pages() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = world_id(&app);
    let at = (app.state.clock.now() + TimeDelta::minutes(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut form = article_form(&section, "Harbour reopens at noon", "schedule");
    form.push(("publish_at", &at));
    created_id(&editor.post("/admin/articles", &form));
    // Listing pages live an hour in the cache: only the change path can refresh them in time.
    let listings = [
        "/section/world",
        "/author/ana-lima",
        "/tag/climate",
        "/feed.xml",
    ];
    warm(&app, &listings);
    assert!(!app.get("/section/world").body.contains("Harbour reopens"));

    app.state.clock.advance(TimeDelta::minutes(3));
    let mut live = false;
    for _ in 0..100 {
        if app
            .get("/section/world")
            .body
            .contains("Harbour reopens at noon")
        {
            live = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(live, "published by the scheduler");
    for path in listings {
        assert!(
            app.get(path).body.contains("Harbour reopens at noon"),
            "{path}"
        );
    }
}

#[test]
fn renaming_a_section_an_author_or_a_tag_changes_every_page_that_shows_it() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let admin = app.login("admin@example.com");
    let story = "/article/world-report-3";
    warm(
        &app,
        &[
            "/",
            story,
            "/section/world",
            "/author/ana-lima",
            "/tag/climate",
        ],
    );

    let world = world_id(&app);
    let renamed = admin.post(
        &format!("/admin/sections/{world}"),
        &[("name", "World news"), ("slug", "world"), ("position", "0")],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    for path in ["/", story, "/section/world", "/tag/climate"] {
        assert!(app.get(path).body.contains("World news"), "{path}");
    }

    let ana = gazette::models::Author::find_by_slug(&mut app.db(), "ana-lima").unwrap();
    warm(&app, &["/", story, "/author/ana-lima"]);
    let renamed = admin.post(
        &format!("/admin/authors/{}", ana.id),
        &[("name", "Ana Okonkwo"), ("slug", "ana-lima")],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    for path in ["/", story, "/author/ana-lima", "/section/world"] {
        let page = app.get(path);
        assert!(page.body.contains("Ana Okonkwo"), "{path}");
        assert!(!page.body.contains("Ana Lima"), "{path}");
    }

    let climate = gazette::models::Tag::find_by_slug(&mut app.db(), "climate").unwrap();
    warm(&app, &[story, "/tag/climate"]);
    let renamed = admin.post(
        &format!("/admin/tags/{}", climate.id),
        &[("name", "Climate crisis"), ("slug", "")],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    assert!(app.get(story).body.contains("Climate crisis"));
    assert_eq!(app.get("/tag/climate").status, 404);
    assert_eq!(app.get("/tag/climate-crisis").status, 200);
}

fn decompress(coding: &str, bytes: &[u8]) -> String {
    let mut text = String::new();
    match coding {
        "br" => brotli::Decompressor::new(bytes, 4096)
            .read_to_string(&mut text)
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .unwrap(),
        other => panic!("unexpected coding {other}"),
    };
    text
}

#[test]
fn cached_pages_come_whole_in_every_coding_with_validators_and_purge_keys() {
    let app = newsroom();
    let path = "/article/world-report-1";
    let plain = app.get(path);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    for coding in ["br", "gzip"] {
        let compressed = app.request("GET", path, &[("Accept-Encoding", "gzip, br")]);
        let compressed = if coding == "gzip" {
            app.request("GET", path, &[("Accept-Encoding", "gzip")])
        } else {
            compressed
        };
        assert_eq!(compressed.header("content-encoding"), Some(coding));
        assert_eq!(compressed.header("vary"), Some("accept-encoding"));
        assert_eq!(
            compressed.header("content-length"),
            Some(compressed.bytes.len().to_string().as_str()),
            "sent whole, with its length"
        );
        assert_eq!(compressed.header("transfer-encoding"), None);
        assert_eq!(
            decompress(coding, &compressed.bytes),
            plain.body,
            "{coding}"
        );
        assert!(
            compressed.bytes.len() * 3 < plain.bytes.len(),
            "{coding} compresses"
        );
    }

    // Uncompressed from the cache: unpacked piece by piece as it is sent, still whole and
    // with its length.
    let unpacked = app.get(path);
    assert_eq!(unpacked.header("content-encoding"), None);
    assert_eq!(
        unpacked.header("content-length"),
        Some(plain.bytes.len().to_string().as_str())
    );
    assert_eq!(unpacked.header("transfer-encoding"), None);
    assert_eq!(unpacked.body, plain.body);

    let head = app.request("HEAD", path, &[]);
    assert_eq!(head.status, 200);
    assert!(head.bytes.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(plain.bytes.len().to_string().as_str())
    );
    let etag = plain.header("etag").unwrap();
    for method in ["GET", "HEAD"] {
        let revalidated = app.request(method, path, &[("If-None-Match", etag)]);
        assert_eq!(revalidated.status, 304, "{method}");
        assert!(revalidated.bytes.is_empty());
        assert_eq!(revalidated.header("etag"), Some(etag));
    }

    let article = Article::find_by_slug(&mut app.db(), "world-report-1")
        .unwrap()
        .unwrap();
    let keys = plain.header("surrogate-key").unwrap();
    assert!(
        keys.split(' ')
            .any(|k| k == format!("article:{}", article.id)),
        "{keys}"
    );
    assert!(
        keys.split(' ')
            .any(|k| k == format!("section:{}", article.section_id))
    );
    assert_eq!(
        plain.header("cache-tag"),
        Some(keys.replace(' ', ",").as_str())
    );
    assert!(
        app.get("/")
            .header("surrogate-key")
            .unwrap()
            .contains("home")
    );

    // A change made behind the site's back is not seen: the page comes from the cache ...
    let mut conn = app.db();
    let update = "UPDATE articles SET headline = 'Changed behind its back' WHERE id = ?";
    diesel::sql_query(gazette::db::sql(&conn, update))
        .bind::<diesel::sql_types::Integer, _>(article.id)
        .execute(&mut conn)
        .unwrap();
    assert!(!app.get(path).body.contains("Changed behind its back"));
    // ... until the cache is told.
    app.state.page_cache.clear();
    assert!(app.get(path).body.contains("Changed behind its back"));
}

#[test]
fn a_cached_article_still_counts_its_readers() {
    let app = newsroom();
    let path = "/article/world-report-5";
    for _ in 0..4 {
        assert_eq!(app.get(path).status, 200);
    }
    let article = Article::find_by_slug(&mut app.db(), "world-report-5")
        .unwrap()
        .unwrap();
    let mut views = 0;
    for _ in 0..100 {
        views = gazette::schema::article_daily_views::table
            .filter(gazette::schema::article_daily_views::article_id.eq(article.id))
            .select(diesel::dsl::sum(
                gazette::schema::article_daily_views::views,
            ))
            .first::<Option<i64>>(&mut app.db())
            .unwrap()
            .unwrap_or(0);
        if views == 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(views, 4, "three of the four came from the cache");
}

#[test]
fn the_memory_bound_holds() {
    let limit = 32 * 1024;
    let app = newsroom_with(|config| config.page_cache_bytes = limit);
    for n in 0..22 {
        let path = format!("/article/world-report-{n}");
        assert_eq!(app.get(&path).status, 200);
        assert!(app.state.page_cache.bytes() <= limit);
        // A gzip copy, made on first use, counts too.
        let gzip = app.request("GET", &path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(gzip.header("content-encoding"), Some("gzip"));
        assert!(app.state.page_cache.bytes() <= limit);
    }
    let kept = app.state.page_cache.len();
    assert!(kept > 0 && kept < 22, "{kept} pages kept");
}

#[test]
fn the_purge_url_hears_which_tags_to_purge() {
    let receiver = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = receiver.local_addr().unwrap();
    let (sender, bodies) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for stream in receiver.incoming() {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // Read the head, then as many bytes as Content-Length says.
            loop {
                let n = stream.read(&mut buffer).unwrap_or(0);
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some(split) = text.find("\r\n\r\n") {
                    let length = text[..split]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if request.len() >= split + 4 + length {
                        break;
                    }
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let _ = sender.send(String::from_utf8_lossy(&request).to_string());
        }
    });
    let app = newsroom_with(|config| config.purge_url = Some(format!("http://{address}/purge")));
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = world_id(&app);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Harbour reopens", "publish"),
    ));
    let request = bodies
        .recv_timeout(Duration::from_secs(10))
        .expect("the purge URL was called");
    assert!(request.starts_with("POST /purge "), "{request}");
    let body = request.split("\r\n\r\n").nth(1).unwrap();
    let tags: Vec<&str> = body.lines().collect();
    assert!(tags.contains(&format!("article:{id}").as_str()), "{tags:?}");
    assert!(tags.contains(&"home"), "{tags:?}");
    assert!(
        tags.contains(&format!("section:{section}").as_str()),
        "{tags:?}"
    );
}

/// The search cache's key for a plain query (see `page_cache::middleware::cache_for`).
fn search_key(q: &str) -> String {
    format!("q={q}&section=&author=&from=&to=&page=")
}

#[test]
fn once_full_a_search_is_kept_only_the_second_time_it_is_asked_for() {
    let limit = 24 * 1024;
    let app = newsroom_with(|config| config.search_cache_bytes = limit);
    let cache = &app.state.search_cache;
    let now = app.state.clock.now();
    // While there is room, a search is kept the first time.
    let first = app.get("/search?q=report");
    assert!(cache.get(&search_key("report"), now).is_some());
    let second = app.get("/search?q=report");
    assert_eq!(first.body, second.body);
    assert_eq!(first.header("etag"), second.header("etag"));
    // One-off searches fill it; once full, they are served but not kept, so a stream of them
    // cannot push the popular one out.
    let mut one_offs = Vec::new();
    for n in 0..100 {
        let word = format!("unheard{n}");
        assert_eq!(app.get(&format!("/search?q={word}")).status, 200);
        assert!(cache.bytes() <= limit);
        one_offs.push(word);
    }
    let full = cache.len();
    assert!(full > 2 && full < 100, "{full} searches kept");
    let last = one_offs.last().unwrap();
    assert!(
        cache.get(&search_key(last), now).is_none(),
        "seen once when full: not kept"
    );
    assert!(cache.get(&search_key("report"), now).is_some());
    // Asked a second time, it is kept: the least recently used search makes room.
    assert_eq!(app.get(&format!("/search?q={last}")).status, 200);
    assert!(
        cache.get(&search_key(last), now).is_some(),
        "seen twice: kept"
    );
    assert!(cache.get(&search_key("report"), now).is_some());
    assert!(cache.get(&search_key(&one_offs[0]), now).is_none());
    assert!(cache.bytes() <= limit);
}

#[test]
fn a_page_in_demand_is_compressed_again_smaller_with_the_same_bytes_and_validators() {
    let app = newsroom();
    let path = "/article/world-report-2";
    let plain = app.get(path);
    let brotli = [("Accept-Encoding", "br")];
    let first = app.request("GET", path, &brotli);
    assert_eq!(first.header("content-encoding"), Some("br"));
    for _ in 0..gazette::page_cache::IN_DEMAND_AFTER {
        assert_eq!(app.request("GET", path, &brotli).status, 200);
    }
    // Made off the request threads: the next responses get it once it is in place.
    let mut later = app.request("GET", path, &brotli);
    for _ in 0..100 {
        if later.bytes.len() < first.bytes.len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        later = app.request("GET", path, &brotli);
    }
    assert!(
        later.bytes.len() < first.bytes.len(),
        "{} < {} bytes",
        later.bytes.len(),
        first.bytes.len()
    );
    assert_eq!(decompress("br", &later.bytes), plain.body);
    assert_eq!(
        later.header("content-length"),
        Some(later.bytes.len().to_string().as_str())
    );
    assert_eq!(later.header("etag"), first.header("etag"));
    assert_eq!(later.header("surrogate-key"), first.header("surrogate-key"));
    let gzip = app.request("GET", path, &[("Accept-Encoding", "gzip")]);
    assert_eq!(decompress("gzip", &gzip.bytes), plain.body);
    assert_eq!(app.get(path).body, plain.body);

    // A change still reaches it at once: the new headline made a new address, and the old
    // one sends readers there.
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let article = Article::find_by_slug(&mut app.db(), "world-report-2")
        .unwrap()
        .unwrap();
    resave(
        &editor,
        &app,
        article.id,
        "World report two, updated",
        "save",
    );
    let moved = app.request("GET", path, &brotli);
    assert_eq!(moved.status, 301);
    let changed = app.request("GET", moved.header("location").unwrap(), &brotli);
    assert_eq!(changed.header("content-encoding"), Some("br"));
    assert!(decompress("br", &changed.bytes).contains("World report two, updated"));
}
