//! Staff in a real browser: write an article with an uploaded hero, two authors picked from the
//! lists and tags; preview it; publish it and find it on the home page, in its section, in
//! search and in the feed; edit it and see the change at once; meet the conflict page when
//! someone saved meanwhile, text kept; get autosaved text back after a reload; schedule one and
//! see it go live; bulk-move two articles; log out and find the admin closed.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use gazette::models::Role;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use super::{Browser, screenshot};
use crate::admin::{newsroom, section_id};
use crate::support::Newsroom;

/// Fills a text field or text area as a person types.
async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.driver.find(By::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn choose(browser: &Browser, id: &str, value: &str) {
    let element = browser.driver.find(By::Id(id)).await.unwrap();
    SelectElement::new(&element)
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

async fn open(browser: &Browser, base_url: &str, path: &str) {
    browser
        .driver
        .goto(format!("{base_url}{path}"))
        .await
        .unwrap();
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "current_thread")]
async fn an_editor_writes_previews_publishes_edits_schedules_and_moves_articles() {
    let Some(browser) = Browser::start("an_editor_writes_previews_publishes").await else {
        return;
    };
    let app = newsroom();
    {
        let mut conn = app.db();
        Newsroom::author(&mut conn, "Ben Okafor", "ben-okafor");
        Newsroom::section(&mut conn, "Business", "business");
    }
    app.add_staff("editor@example.com", Role::Editor);
    let base = app.base_url.clone();
    browser.log_in(&base, "editor@example.com").await;

    // An upload for the hero.
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("quay.png");
    std::fs::write(&picture, png(1600, 900)).unwrap();
    open(&browser, &base, "/admin/media").await;
    browser
        .driver
        .find(By::Id("file"))
        .await
        .unwrap()
        .send_keys(picture.to_str().unwrap())
        .await
        .unwrap();
    type_into(&browser, "alt", "The new quay at low tide").await;
    browser.click("form.upload button[type=submit]").await;
    browser.wait_for_text(".notice", "Uploaded").await;

    // Written with two authors picked from the lists, the upload as hero, tags.
    open(&browser, &base, "/admin/articles/new").await;
    type_into(&browser, "headline", "Quay opens to ferries").await;
    type_into(&browser, "body_markdown", "The first ferry docked at dawn.").await;
    choose(&browser, "section_id", &section_id(&app)).await;
    choose(&browser, "author_1", "ben-okafor").await;
    choose(&browser, "author_2", "ana-lima").await;
    type_into(&browser, "tags", "Harbour, Ferries").await;
    browser
        .click(".hero-picker__choice:nth-of-type(2) input")
        .await;
    screenshot(&browser, "1280/editor").await;
    browser.click("button[value=save]").await;
    browser.wait_for_text(".notice", "Saved.").await;
    // Without the "?saved=1" that shows "Saved." (waiting for it must mean a new save).
    let mut editor_url = browser.driver.current_url().await.unwrap();
    editor_url.set_query(None);
    let editor_url = editor_url.to_string();

    browser.click("a[href$='/preview']").await;
    browser
        .wait_for_text(".preview-banner", "readers cannot see this page")
        .await;
    browser
        .wait_for_text(".story__meta .byline", "Ben Okafor and Ana Lima")
        .await;
    screenshot(&browser, "1280/preview").await;
    assert_eq!(app.get("/article/quay-opens-to-ferries").status, 404);

    browser.driver.goto(&editor_url).await.unwrap();
    browser.click("button[value=publish]").await;
    browser.wait_for_text(".notice", "Saved.").await;
    for path in ["/", "/section/world", "/search?q=ferry"] {
        open(&browser, &base, path).await;
        browser.wait_for_text("main", "Quay opens to ferries").await;
    }
    assert!(
        app.get("/feed.xml").body.contains("Quay opens to ferries"),
        "in the feed"
    );

    // Edited: the public page changes at once (the page cache is on).
    browser.driver.goto(&editor_url).await.unwrap();
    type_into(&browser, "headline", "Quay opens to the first ferries").await;
    browser.click("button[value=save]").await;
    browser.wait_for_text(".notice", "Saved.").await;
    open(&browser, &base, "/article/quay-opens-to-ferries").await;
    browser
        .wait_for_text("h1", "Quay opens to the first ferries")
        .await;

    // Two browser sessions have the editor open; the second saves first, so the first's save
    // gets the conflict page, with what it typed kept.
    browser.driver.goto(&editor_url).await.unwrap();
    app.add_staff("other@example.com", Role::Editor);
    let Some(second) = Browser::start("an_editor_writes_previews_publishes (second)").await else {
        return;
    };
    second.log_in(&base, "other@example.com").await;
    second.driver.goto(&editor_url).await.unwrap();
    type_into(&second, "body_markdown", "Their words, saved first.").await;
    second.click("button[value=save]").await;
    second.wait_for_text(".notice", "Saved.").await;
    drop(second);
    type_into(&browser, "body_markdown", "My words, typed meanwhile.").await;
    browser.click("button[value=save]").await;
    browser
        .wait_for_text("main", "While you were editing")
        .await;
    let kept = browser.driver.find(By::Id("body_markdown")).await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().unwrap_or_default(),
        "My words, typed meanwhile.",
        "the conflict page keeps the text"
    );

    // Autosave: typed text comes back after a reload.
    browser.driver.goto(&editor_url).await.unwrap();
    let body = browser.driver.find(By::Id("body_markdown")).await.unwrap();
    body.send_keys(" A line the autosave keeps.").await.unwrap();
    browser
        .wait_for_text(".autosave-status", "Draft kept")
        .await;
    browser.driver.refresh().await.unwrap();
    browser.click("a[href$='?restore=1']").await;
    let restored = browser.driver.find(By::Id("body_markdown")).await.unwrap();
    let text = restored.prop("value").await.unwrap().unwrap_or_default();
    assert!(text.contains("A line the autosave keeps."), "{text}");

    // Scheduled for an hour from now, typed in the site's zone (UTC here): live once the
    // clock passes it.
    open(&browser, &base, "/admin/articles/new").await;
    type_into(&browser, "headline", "Timetable for the winter").await;
    type_into(&browser, "body_markdown", "Ferries every two hours.").await;
    choose(&browser, "section_id", &section_id(&app)).await;
    choose(&browser, "author_1", "ana-lima").await;
    let at = (app.state.clock.now() + TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let field = browser.driver.find(By::Id("publish_at")).await.unwrap();
    browser
        .driver
        .execute(
            "arguments[0].value = arguments[1];",
            vec![field.to_json().unwrap(), serde_json::json!(at)],
        )
        .await
        .unwrap();
    browser.click("button[value=schedule]").await;
    browser.wait_for_text(".notice", "Saved.").await;
    assert_eq!(app.get("/article/timetable-for-the-winter").status, 404);
    app.state.clock.advance(TimeDelta::hours(2));
    let started = Instant::now();
    while app.get("/article/timetable-for-the-winter").status != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never went live"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    open(&browser, &base, "/").await;
    browser
        .wait_for_text("main", "Timetable for the winter")
        .await;

    // Two articles moved to Business in one go, asked first (after logging in again: two hours
    // idle ended the session).
    browser.log_in(&base, "editor@example.com").await;
    open(
        &browser,
        &base,
        "/admin/articles?status=published&order=title",
    )
    .await;
    let rows = browser
        .driver
        .find_all(By::Css("tbody input[type=checkbox]"))
        .await
        .unwrap();
    let listed = browser
        .driver
        .find(By::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(rows.len() >= 2, "{listed}");
    rows[0].click().await.unwrap();
    rows[1].click().await.unwrap();
    choose(&browser, "bulk-action", "move").await;
    let business = gazette::models::Section::find_by_slug(&mut app.db(), "business")
        .unwrap()
        .id
        .to_string();
    choose(&browser, "bulk-section", &business).await;
    browser.click("form.bulk button[type=submit]").await;
    browser
        .wait_for_text("h1", "Move to Business: 2 articles?")
        .await;
    screenshot(&browser, "1280/confirm").await;
    browser.click("form.confirm button[type=submit]").await;
    browser.wait_for_text(".notice", "2 articles moved").await;
    let section = app.get("/section/business");
    assert_eq!(section.texts(".card__headline a").len(), 2);

    // Logged out, the admin is closed.
    browser.click(".admin-logout button").await;
    open(&browser, &base, "/admin/articles").await;
    let started = Instant::now();
    loop {
        let url = browser.driver.current_url().await.unwrap();
        if url.path() == "/admin/login" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still in: {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app.get("/admin/articles").status == 303);
}
