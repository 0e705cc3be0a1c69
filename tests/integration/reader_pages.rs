//! Every public page type answers with its key content.

use gazette::models::{Article, ArticleStatus};

use crate::support::{Newsroom, TestApp};

/// A newsroom with one busy section (45 articles, so three pages), a quiet one, two authors and
/// a few tags.
fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let sport = Newsroom::section(conn, "Sport", "sport");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        let ben = Newsroom::author(conn, "Ben Cole", "ben-cole");
        for n in 1..=45 {
            let tags: &[&str] = if n % 2 == 0 {
                &["Climate", "Oceans"]
            } else {
                &["Climate"]
            };
            Newsroom::article(conn, &format!("World story {n}"), &world, &[&ana], tags, n);
        }
        Newsroom::article(
            conn,
            "Derby day drama",
            &sport,
            &[&ben, &ana],
            &["Football"],
            2,
        );
        Newsroom::article(
            conn,
            "Cup final preview",
            &sport,
            &[&ben],
            &["Football"],
            50,
        );
        Newsroom::article(
            conn,
            "Marathon record",
            &sport,
            &[&ben],
            &["Athletics", "Oceans"],
            60,
        );
    })
}

#[test]
fn home_page_has_lead_top_stories_section_blocks_and_latest() {
    let app = TestApp::with_demo();
    let home = app.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.texts(".lead__headline").len(), 1, "one lead story");
    assert_eq!(home.texts(".top-stories .card").len(), 4);
    let blocks = home.texts(".section-block__title");
    for section in [
        "World",
        "Politics",
        "Business",
        "Science & Tech",
        "Culture",
        "Sport",
    ] {
        assert!(
            blocks.contains(&section.to_string()),
            "block for {section}: {blocks:?}"
        );
    }
    assert!(home.texts("#latest").contains(&"Latest".to_string()));
    assert!(
        !home
            .attrs("#latest + ol a.headline-list__link", "href")
            .is_empty()
    );
    // Layout: search box, section navigation, social links, footer feed link.
    assert_eq!(
        home.texts("label[for=site-search]"),
        vec!["What are you looking for?"]
    );
    assert_eq!(home.attrs("form[role=search]", "action"), vec!["/search"]);
    assert!(
        home.attrs(".section-nav a", "href")
            .contains(&"/section/world".to_string())
    );
    assert!(
        home.texts("#footer-social")
            .contains(&"Connect with us".to_string())
    );
    assert!(
        home.attrs(".site-footer a", "href")
            .contains(&"/feed.xml".to_string())
    );
    assert_eq!(home.attrs("a.skip-link", "href"), vec!["#main"]);
}

#[test]
fn images_on_cards_reserve_their_space() {
    let app = TestApp::with_demo();
    let home = app.get("/");
    let html = home.html();
    let images = scraper::Selector::parse("main img").unwrap();
    let mut count = 0;
    for image in html.select(&images) {
        count += 1;
        assert!(
            image.value().attr("width").is_some(),
            "width on {:?}",
            image.value()
        );
        assert!(
            image.value().attr("height").is_some(),
            "height on {:?}",
            image.value()
        );
    }
    assert!(count > 10, "the front page shows pictures ({count})");
}

#[test]
fn section_page_paginates_twenty_at_a_time() {
    let app = newsroom();
    let first = app.get("/section/world");
    assert_eq!(first.status, 200);
    assert_eq!(first.texts("h1"), vec!["World"]);
    assert!(first.body.contains("All about World."), "description shown");
    assert_eq!(first.texts(".card__headline").len(), 20);
    assert_eq!(
        first.texts(".card__headline")[0],
        "World story 1",
        "newest first"
    );
    assert_eq!(
        first.attrs("a[rel=next]", "href"),
        vec!["/section/world?page=2"]
    );
    assert!(first.attrs("a[rel=prev]", "href").is_empty());

    let second = app.get("/section/world?page=2");
    assert_eq!(second.status, 200);
    assert_eq!(second.texts(".card__headline")[0], "World story 21");
    assert_eq!(second.attrs("a[rel=prev]", "href"), vec!["/section/world"]);
    assert_eq!(
        second.attrs("a[rel=next]", "href"),
        vec!["/section/world?page=3"]
    );
    assert_eq!(
        second.attrs("link[rel=canonical]", "href"),
        vec![format!("{}/section/world?page=2", app.base_url)]
    );

    // Past the middle the list is read from its oldest end: the same order, nothing missed.
    let last = app.get("/section/world?page=3");
    assert_eq!(
        last.texts(".card__headline"),
        (41..=45)
            .map(|n| format!("World story {n}"))
            .collect::<Vec<_>>()
    );
    assert!(last.attrs("a[rel=next]", "href").is_empty());

    assert_eq!(app.get("/section/world?page=4").status, 404);
    for bad in ["0", "-1", "abc", "2.5", "99999999999999999999999", "%FF"] {
        let response = app.get(&format!("/section/world?page={bad}"));
        assert_eq!(response.status, 400, "page={bad}");
        assert!(
            response.body.contains("not a page number"),
            "page={bad}: helpful message"
        );
    }
    assert_eq!(app.get("/section/world?page=1&page=2").status, 400);
}

#[test]
fn article_page_shows_the_story_and_what_surrounds_it() {
    let app = newsroom();
    let page = app.get("/article/derby-day-drama");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.texts("h1"),
        vec!["Derby day drama"],
        "the headline is the one h1"
    );
    assert_eq!(
        page.attrs(".story__header .kicker", "href"),
        vec!["/section/sport"]
    );
    assert_eq!(
        page.texts(".story__dek"),
        vec!["Standfirst of Derby day drama."]
    );
    assert_eq!(
        page.attrs(".story__meta .byline a", "href"),
        vec!["/author/ben-cole", "/author/ana-lima"],
        "bylines in credit order"
    );
    assert_eq!(
        page.texts(".story__meta .byline"),
        vec!["By Ben Cole and Ana Lima"]
    );
    let times = page.attrs(".story__times time", "datetime");
    assert!(
        times[0].ends_with('Z') && times[0].contains('T'),
        "ISO datetime: {times:?}"
    );
    assert_eq!(page.attrs(".story__hero img", "alt"), vec!["A harbour"]);
    assert_eq!(page.attrs(".story__hero img", "width"), vec!["1200"]);
    assert!(page.texts(".story__hero figcaption")[0].contains("The harbour at dawn."));
    assert!(page.texts(".story__hero figcaption")[0].contains("Gazette Studio"));
    assert_eq!(page.texts(".story__body h2"), vec!["Details"]);
    assert_eq!(page.attrs(".tags a", "href"), vec!["/tag/football"]);
    assert_eq!(
        page.texts(".author-box__name"),
        vec!["Ben Cole", "Ana Lima"]
    );
    assert!(page.texts(".author-box__bio")[0].contains("Ben Cole writes about everything."));
    let shares = page.attrs(".share a", "href");
    assert_eq!(shares.len(), 4);
    assert!(
        shares
            .iter()
            .any(|u| u.starts_with("https://x.com/intent/post?url=http"))
    );
    assert!(
        shares
            .iter()
            .any(|u| u.starts_with("mailto:?subject=Derby%20day%20drama"))
    );

    // "You May Also Like": the other Football story first (shared tag), then the same section.
    let related = page.attrs("#related-title + .card-grid .card__headline a", "href");
    assert!(related.len() >= 3, "at least three related: {related:?}");
    assert_eq!(related[0], "/article/cup-final-preview");
    assert_eq!(related[1], "/article/marathon-record");
    assert!(
        !related.contains(&"/article/derby-day-drama".to_string()),
        "never itself"
    );

    let more = page.attrs("#more-author-title + .card-grid .card__headline a", "href");
    assert_eq!(
        more,
        vec!["/article/cup-final-preview", "/article/marathon-record"]
    );
}

#[test]
fn author_page_shows_profile_and_paginated_articles() {
    let app = newsroom();
    let page = app.get("/author/ana-lima");
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), vec!["Ana Lima"]);
    assert_eq!(page.texts(".profile__title"), vec!["Reporter"]);
    assert_eq!(
        page.texts(".profile__bio"),
        vec!["Ana Lima writes about everything."]
    );
    assert_eq!(page.attrs(".profile__avatar", "width"), vec!["160"]);
    assert_eq!(
        page.attrs(".profile .link-row a", "href"),
        vec!["https://x.com/gazette_reporter"]
    );
    assert_eq!(page.texts(".card__headline").len(), 20);
    assert_eq!(
        page.attrs("a[rel=next]", "href"),
        vec!["/author/ana-lima?page=2"]
    );
    let third = app.get("/author/ana-lima?page=3");
    assert_eq!(third.status, 200);
    assert_eq!(
        third.texts(".card__headline").len(),
        6,
        "45 world stories and one co-byline"
    );
    assert_eq!(app.get("/author/ana-lima?page=4").status, 404);
}

#[test]
fn tag_page_lists_tagged_articles() {
    let app = newsroom();
    let page = app.get("/tag/oceans");
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), vec!["Oceans"]);
    let headlines = page.texts(".card__headline");
    assert_eq!(headlines.len(), 20);
    assert_eq!(headlines[0], "World story 2");
    assert_eq!(
        app.get("/tag/oceans?page=2").texts(".card__headline").len(),
        3
    );
    assert_eq!(app.get("/tag/oceans?page=3").status, 404);
    let football = app.get("/tag/football");
    assert_eq!(
        football.texts(".card__headline"),
        vec!["Derby day drama", "Cup final preview"]
    );
}

#[test]
fn unknown_slugs_drafts_and_scheduled_articles_are_not_found() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        Newsroom::article(conn, "Public story", &world, &[&ana], &["Rare"], 1);
        let mut draft = Newsroom::input("Secret draft", &world, &[&ana], &["Hidden tag"], 1);
        draft.status = ArticleStatus::Draft;
        draft.published_at = None;
        Newsroom::store(conn, None, &draft);
        let mut scheduled = Newsroom::input("Future story", &world, &[&ana], &[], -48);
        scheduled.status = ArticleStatus::Scheduled;
        Newsroom::store(conn, None, &scheduled);
    });
    for path in [
        "/article/no-such-story",
        "/article/secret-draft",
        "/article/future-story",
        "/section/no-such-section",
        "/author/nobody",
        "/tag/no-such-tag",
        "/tag/hidden-tag",
    ] {
        assert_eq!(app.get(path).status, 404, "{path}");
    }
    for path in [
        "/",
        "/section/world",
        "/author/ana-lima",
        "/tag/rare",
        "/feed.xml",
    ] {
        let body = app.get(path).body;
        assert!(!body.contains("Secret draft"), "draft leaked on {path}");
        assert!(
            !body.contains("Future story"),
            "scheduled article leaked on {path}"
        );
    }
}

#[test]
fn withdrawn_articles_are_gone() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        Newsroom::article(conn, "Withdrawn story", &world, &[], &[], 1);
    });
    assert_eq!(app.get("/article/withdrawn-story").status, 200);
    let mut conn = app.db();
    let article = Article::find_by_slug(&mut conn, "withdrawn-story")
        .unwrap()
        .unwrap();
    let mut input = Newsroom::input(
        "Withdrawn story",
        &gazette::models::Section::find(&mut conn, article.section_id).unwrap(),
        &[],
        &[],
        1,
    );
    input.status = ArticleStatus::Unpublished;
    app.store(Some(article.id), &input);
    let response = app.get("/article/withdrawn-story");
    assert_eq!(response.status, 410);
    assert!(response.body.contains("no longer available"));
}

#[test]
fn hostile_text_is_escaped_everywhere_it_appears() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World <b>bold</b>", "world");
        let ana = Newsroom::author(conn, "Ana <img src=x onerror=alert(1)>", "ana");
        let mut input = Newsroom::input(
            "<script>alert(1)</script> Breaking",
            &world,
            &[&ana],
            &["<i>tag</i>"],
            1,
        );
        input.slug = "breaking".into();
        input.dek = "Dek with \"quotes\" & <em>tags</em>".into();
        input.body_markdown =
            "Safe text <script>alert(2)</script>\n\n<img src=x onerror=alert(3)>\n\n[link](javascript:alert(4))".into();
        Newsroom::store(conn, None, &input);
    });
    for path in [
        "/",
        "/section/world",
        "/article/breaking",
        "/author/ana",
        "/tag/i-tag-i",
    ] {
        let response = app.get(path);
        assert_eq!(response.status, 200, "{path}");
        let body = &response.body;
        assert!(
            !body.contains("<script>alert"),
            "unescaped script on {path}"
        );
        assert!(!body.contains("<img src=x"), "unescaped img on {path}");
        assert!(
            !body.contains("<b>bold</b>"),
            "unescaped section name on {path}"
        );
        assert!(!body.contains("<i>tag</i>"), "unescaped tag on {path}");
    }
    let article = app.get("/article/breaking");
    assert!(
        article
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; Breaking")
    );
    assert_eq!(
        article.texts("h1"),
        vec!["<script>alert(1)</script> Breaking"]
    );
    let html = article.html();
    let body_html = html
        .select(&scraper::Selector::parse(".story__body").unwrap())
        .next()
        .unwrap()
        .inner_html();
    assert!(
        !body_html.contains("onerror"),
        "event handler attributes are stripped: {body_html}"
    );
    assert!(
        !body_html.contains("javascript:"),
        "javascript: links are stripped: {body_html}"
    );
    assert!(
        !body_html.contains("<script"),
        "scripts are stripped: {body_html}"
    );
    assert!(
        article
            .texts(".story__body")
            .join(" ")
            .contains("Safe text")
    );
    let feed = app.get("/feed.xml");
    assert!(
        feed.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; Breaking")
    );
    assert!(!feed.body.contains("<script>"));
}

#[test]
fn an_old_slug_redirects_permanently_to_the_new_one() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        Newsroom::article(conn, "Original headline", &world, &[], &[], 1);
    });
    let mut conn = app.db();
    let article = Article::find_by_slug(&mut conn, "original-headline")
        .unwrap()
        .unwrap();
    let section = gazette::models::Section::find(&mut conn, article.section_id).unwrap();
    let mut input = Newsroom::input("Better headline", &section, &[], &[], 1);
    app.store(Some(article.id), &input);
    input.headline = "Best headline".into();
    app.store(Some(article.id), &input);

    for old in ["/article/original-headline", "/article/better-headline"] {
        let response = app.get(old);
        assert_eq!(response.status, 301, "{old}");
        assert_eq!(response.header("location"), Some("/article/best-headline"));
    }
    assert_eq!(app.get("/article/best-headline").status, 200);
}

#[test]
fn most_read_counts_views_without_a_write_per_request() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        Newsroom::article(conn, "Quiet story", &world, &[], &[], 1);
        Newsroom::article(conn, "Popular story", &world, &[], &[], 2);
    });
    assert!(
        app.get("/").texts("#most-read").is_empty(),
        "no views yet, no list"
    );
    for _ in 0..3 {
        app.get("/article/popular-story");
    }
    app.get("/article/quiet-story");
    // Robots do not count.
    app.request(
        "GET",
        "/article/quiet-story",
        &[("User-Agent", "Googlebot/2.1")],
    );
    app.request(
        "GET",
        "/article/quiet-story",
        &[("User-Agent", "Googlebot/2.1")],
    );
    app.request(
        "GET",
        "/article/quiet-story",
        &[("User-Agent", "Googlebot/2.1")],
    );

    let mut most_read = Vec::new();
    for _ in 0..100 {
        // The home page may be up to a minute behind on view counts.
        app.state.clock.advance(chrono::TimeDelta::seconds(61));
        most_read = app
            .get("/")
            .attrs("#most-read + ol a.headline-list__link", "href");
        if most_read.len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        most_read,
        vec!["/article/popular-story", "/article/quiet-story"]
    );
}

#[test]
fn head_requests_answer_like_get_without_a_body() {
    let app = TestApp::with_demo();
    let response = app.request("HEAD", "/section/world", &[]);
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty());
    assert_eq!(app.request("HEAD", "/article/nope", &[]).status, 404);
}

#[test]
fn static_files_are_cached_for_a_year_under_versioned_urls() {
    let app = TestApp::with_demo();
    let home = app.get("/");
    let stylesheet = home.attrs("link[rel=stylesheet]", "href").remove(0);
    assert!(
        stylesheet.starts_with("/static/css/site.css?v="),
        "{stylesheet}"
    );
    let css = app.get(&stylesheet);
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // Without its current fingerprint, the same file may change at the next deploy.
    for unversioned in ["/static/css/site.css", "/static/css/site.css?v=00000000"] {
        let css = app.get(unversioned);
        assert_eq!(css.status, 200);
        assert_eq!(
            css.header("cache-control"),
            Some("public, max-age=3600"),
            "{unversioned}"
        );
    }
    let missing = app.get("/static/css/missing.css");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-store"));
}

#[test]
fn pages_send_security_headers_and_compress() {
    let app = TestApp::with_demo();
    let home = app.request("GET", "/", &[("Accept-Encoding", "gzip")]);
    assert_eq!(home.status, 200);
    assert!(
        home.header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        home.header("cache-control"),
        Some("public, max-age=0, must-revalidate"),
        "browsers ask again each time: a returning reader never sees an old page"
    );
    assert!(
        home.header("cdn-cache-control")
            .unwrap()
            .contains("stale-while-revalidate"),
        "a CDN (purged exactly) may keep it"
    );
    assert_eq!(home.header("content-encoding"), Some("gzip"));
    assert!(
        home.header("vary")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
}

#[test]
fn an_empty_newsroom_still_serves_its_pages() {
    let app = TestApp::with(|_| {});
    let home = app.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Nothing has been published yet"));
    for path in [
        "/feed.xml",
        "/sitemap.xml",
        "/sitemaps/pages.xml",
        "/sitemaps/news.xml",
        "/robots.txt",
        "/search?q=anything",
    ] {
        assert_eq!(app.get(path).status, 200, "{path}");
    }
    assert_eq!(app.get("/sitemaps/articles-1.xml").status, 404);
}
