//! Readers in a real browser: from the home page to an author and back at phone and desktop
//! widths (no horizontal scroll, every picture sized and loaded), the header's search box,
//! "You May Also Like", and hostile articles that run nothing. Gazette's own pages cause no
//! Content Security Policy report; a script the policy blocks does (so the check can fail).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use super::{Browser, screenshot};
use crate::support::{Newsroom, TestApp};

/// A section with two pages of stories by two authors, sharing tags so they relate.
fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        Newsroom::section(conn, "Business", "business");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        let ben = Newsroom::author(conn, "Ben Okafor", "ben-okafor");
        for n in 0..25 {
            let author = if n % 2 == 0 { &ana } else { &ben };
            let headline = format!("Harbour story number {n}");
            Newsroom::article(
                conn,
                &headline,
                &world,
                &[author],
                &["Harbour", "Ports"],
                n + 1,
            );
        }
        let mut input = Newsroom::input(
            "Lighthouse keepers return",
            &world,
            &[&ana],
            &["Harbour"],
            0,
        );
        input.body_markdown = "The keepers speak of the cormorant colony on the rocks.".into();
        Newsroom::store(conn, None, &input);
    })
}

/// Fails unless the page fits the window's width and every picture has a size and loaded.
async fn assert_fits(browser: &Browser, what: &str) {
    let fits: bool = browser
        .eval("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    assert!(fits, "{what}: the page scrolls sideways");
    let badly_sized: Vec<String> = browser
        .eval(
            "return Array.from(document.images)
               .filter(i => !i.getAttribute('width') || !i.getAttribute('height')
                 || i.getBoundingClientRect().right > window.innerWidth + 1)
               .map(i => i.src);",
        )
        .await;
    assert!(
        badly_sized.is_empty(),
        "{what}: pictures without a size or too wide: {badly_sized:?}"
    );
}

async fn path_of(browser: &Browser) -> String {
    let url = browser.driver.current_url().await.unwrap();
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// Waits for the page at `path` to have loaded.
async fn wait_for_path(browser: &Browser, path: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        if path_of(browser).await == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached {path}; at {}", path_of(browser).await);
}

#[tokio::test(flavor = "current_thread")]
async fn a_reader_goes_from_home_to_an_author_and_back_at_phone_and_desktop_widths() {
    let Some(browser) = Browser::start("a_reader_goes_from_home_to_an_author_and_back").await
    else {
        return;
    };
    let app = newsroom();
    for (width, height) in [(1280, 900), (390, 844)] {
        browser
            .driver
            .set_window_rect(0, 0, width, height)
            .await
            .unwrap();
        let shot = |name: &str| format!("{width}/{name}");
        browser.driver.goto(&app.base_url).await.unwrap();
        assert_fits(&browser, &format!("home at {width}")).await;
        screenshot(&browser, &shot("home")).await;

        browser.click(".section-nav a[href='/section/world']").await;
        wait_for_path(&browser, "/section/world").await;
        assert_fits(&browser, &format!("section at {width}")).await;
        screenshot(&browser, &shot("section")).await;

        browser.click("a[rel=next]").await;
        wait_for_path(&browser, "/section/world?page=2").await;
        screenshot(&browser, &shot("section-page-2")).await;

        browser.click(".card__headline a").await;
        let article = path_of(&browser).await;
        assert!(article.starts_with("/article/"), "{article}");
        browser.wait_for_text("h1", "Harbour story").await;
        assert_fits(&browser, &format!("article at {width}")).await;
        screenshot(&browser, &shot("article")).await;

        let byline = ".story__meta .byline a";
        let author = browser.driver.find(By::Css(byline)).await.unwrap();
        let name = author.text().await.unwrap();
        browser.click(byline).await;
        browser.wait_for_text("h1", &name).await;
        assert!(path_of(&browser).await.starts_with("/author/"));
        assert_fits(&browser, &format!("author at {width}")).await;
        screenshot(&browser, &shot("author")).await;

        browser.driver.back().await.unwrap();
        wait_for_path(&browser, &article).await;
    }
    assert_eq!(app.state.csp_violations.load(Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn the_header_search_finds_a_word_of_a_body_and_related_links_open() {
    let Some(browser) = Browser::start("the_header_search_finds_a_word_of_a_body").await else {
        return;
    };
    let app = newsroom();
    browser.driver.goto(&app.base_url).await.unwrap();
    let search = browser.driver.find(By::Id("site-search")).await.unwrap();
    search.send_keys("cormorant").await.unwrap();
    search.send_keys(Key::Enter).await.unwrap();
    browser
        .wait_for_text(".search-result__headline", "Lighthouse keepers return")
        .await;
    let marked = browser
        .driver
        .find(By::Css(".search-result__snippet mark"))
        .await
        .unwrap();
    assert_eq!(marked.text().await.unwrap().to_lowercase(), "cormorant");
    screenshot(&browser, "1280/search").await;

    browser.click(".search-result__headline a").await;
    browser
        .wait_for_text("h1", "Lighthouse keepers return")
        .await;
    let related = "[aria-labelledby=related-title] .card__headline a";
    let first = browser.driver.find(By::Css(related)).await.unwrap();
    let headline = first.text().await.unwrap();
    browser.click(related).await;
    browser.wait_for_text("h1", &headline).await;
    assert_eq!(app.state.csp_violations.load(Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_articles_run_nothing_and_the_policy_reports_what_it_blocks() {
    let Some(browser) = Browser::start("hostile_articles_run_nothing").await else {
        return;
    };
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        let mut input = Newsroom::input(
            "<script>window.__xss='headline'</script> Payloads",
            &world,
            &[&ana],
            &["<img src=x onerror=window.__xss='tag'>"],
            1,
        );
        input.slug = "payloads".into();
        input.dek = "<svg onload=\"window.__xss='dek'\"></svg>".into();
        input.body_markdown = [
            "<script>window.__xss = 'script'</script>",
            "<img src=\"/nothing.png\" onerror=\"window.__xss = 'onerror'\">",
            "[Click me](javascript:window.__xss='link')",
            "<a href=\"javascript:window.__xss='anchor'\">Or me</a>",
            "<svg><script>window.__xss='svg'</script><circle onload=\"window.__xss='circle'\"/></svg>",
            "<iframe src=\"javascript:parent.__xss='frame'\"></iframe>",
            "<p style=\"background:url(javascript:window.__xss='style')\">Styled</p>",
        ]
        .join("\n\n");
        Newsroom::store(conn, None, &input);
    });
    browser
        .driver
        .goto(format!("{}/article/payloads", app.base_url))
        .await
        .unwrap();
    browser.wait_for_text("h1", "Payloads").await;
    for link in ["Click me", "Or me"] {
        // Sanitized away, or left as text: either way nothing to run. If a link is there,
        // following it must run nothing.
        if let Ok(element) = browser.driver.find(By::LinkText(link)).await {
            browser.click_on(element).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let flag: serde_json::Value = browser
        .driver
        .execute(
            "return window.__xss === undefined ? null : String(window.__xss);",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    assert_eq!(flag, serde_json::Value::Null, "a payload ran: {flag}");
    for path in [
        "/",
        "/tag/img-src-x-onerror-window-xss-tag",
        "/search?q=payloads",
    ] {
        browser
            .driver
            .goto(format!("{}{path}", app.base_url))
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.state.csp_violations.load(Ordering::Relaxed),
        0,
        "Gazette's own pages break none of its policy"
    );

    // A script the policy forbids (inline) is blocked, and the browser reports it.
    browser
        .driver
        .execute(
            "var s = document.createElement('script'); s.textContent = 'window.__ran = 1';
             document.body.appendChild(s); return true;",
            vec![],
        )
        .await
        .unwrap();
    let started = Instant::now();
    while app.state.csp_violations.load(Ordering::Relaxed) == 0
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        app.state.csp_violations.load(Ordering::Relaxed) >= 1,
        "the blocked inline script was reported"
    );
    let ran: bool = browser.eval("return window.__ran === 1;").await;
    assert!(!ran, "and did not run");
}
