//! Accessibility in a real browser: axe-core (from npm, `tools/node-tools`) run in every page
//! type finds no serious or critical violation; and by keyboard alone the skip link, the
//! search box, the navigation and the whole article editor are reachable, with visible focus.

use std::path::PathBuf;

use gazette::models::Role;
use thirtyfour::prelude::*;

use super::{Browser, screenshot};
use crate::support::TestApp;

/// axe-core's script, or None (said loudly) when it is not installed and the run allows that.
fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) if std::env::var_os("GAZETTE_REQUIRE_BROWSER").is_some() => {
            panic!(
                "GAZETTE_REQUIRE_BROWSER is set but {} is missing (run tools/node-tools)",
                path.display()
            )
        }
        Err(_) => {
            eprintln!(
                "\n*** SKIPPED accessibility checks: no axe-core (run tools/node-tools) ***\n"
            );
            None
        }
    }
}

/// A file name for a page's screenshot: `/section/world` → `section-world`, `/` → `home`.
fn shot_name(path: &str) -> String {
    let name: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if name.is_empty() { "home".into() } else { name }
}

/// The serious and critical violations axe finds on the page the browser shows.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.driver.execute(axe, vec![]).await.unwrap();
    let found = browser
        .driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(results => done(
               results.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                   + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .unwrap();
    found.convert().unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn axe_finds_no_serious_violation_on_any_page_type() {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = Browser::start("axe_finds_no_serious_violation_on_any_page_type").await
    else {
        return;
    };
    let app = TestApp::with_demo();
    app.add_staff("editor@example.com", Role::Editor);
    let article = app.get("/").attrs(".card__headline a", "href").remove(0);
    let author = app
        .get(&article)
        .attrs(".story__meta .byline a", "href")
        .remove(0);
    let tag = app.get(&article).attrs(".tags a", "href").remove(0);
    let pages = [
        "/".to_string(),
        "/section/world".into(),
        article.clone(),
        author,
        tag,
        "/search?q=harbour".into(),
        "/no-such-page".into(),
        "/admin/login".into(),
    ];
    let admin_pages = [
        "/admin",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/articles/1",
        "/admin/media",
    ];
    let mut problems = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        browser
            .driver
            .set_window_rect(0, 0, width, height)
            .await
            .unwrap();
        // Readers' pages first, then the same browser logs in for the admin's.
        browser.driver.delete_all_cookies().await.unwrap();
        for path in pages
            .iter()
            .map(String::as_str)
            .chain(["login"])
            .chain(admin_pages)
        {
            if path == "login" {
                browser.log_in(&app.base_url, "editor@example.com").await;
                continue;
            }
            browser
                .driver
                .goto(format!("{}{path}", app.base_url))
                .await
                .unwrap();
            for found in violations(&browser, &axe).await {
                problems.push(format!("{path} at {width} px: {found}"));
            }
            screenshot(&browser, &format!("{width}/{}", shot_name(path))).await;
        }
    }
    assert!(problems.is_empty(), "axe found:\n{}", problems.join("\n"));
}

/// What has the keyboard focus: its id, else its name and value, else its text; and whether
/// the focus shows (an outline or a box shadow on it, or on the label around it).
async fn focused(browser: &Browser) -> (String, bool) {
    let found: Vec<String> = browser.eval("const el = document.activeElement;
             const shows = e => { const s = getComputedStyle(e);
               return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                 || s.boxShadow !== 'none'; };
             const visible = shows(el) || (el.closest('label') !== null && shows(el.closest('label')));
             const name = el.id || (el.name ? el.name + '=' + el.value : el.textContent.trim());
             return [name, String(visible)];").await;
    (found[0].clone(), found[1] == "true")
}

/// Tabs until something whose name satisfies `wanted` has the focus; panics after `most`.
async fn tab_to(browser: &Browser, most: usize, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..most {
        browser.press(Key::Tab).await;
        let (name, visible) = focused(browser).await;
        assert!(visible, "{name} has the focus but does not show it");
        if wanted(&name) {
            return name;
        }
    }
    panic!("nothing wanted reached in {most} presses of Tab");
}

#[tokio::test(flavor = "current_thread")]
async fn the_site_and_the_editor_work_by_keyboard_with_visible_focus() {
    let Some(browser) = Browser::start("the_site_and_the_editor_work_by_keyboard").await else {
        return;
    };
    let app = TestApp::with_demo();
    app.add_staff("editor@example.com", Role::Editor);

    // The first Tab reaches the skip link, shown; Enter moves on to the content.
    browser.driver.goto(&app.base_url).await.unwrap();
    browser.press(Key::Tab).await;
    let (first, visible) = focused(&browser).await;
    assert_eq!(first, "Skip to content");
    assert!(visible);
    let top: f64 = browser
        .eval("return document.activeElement.getBoundingClientRect().top;")
        .await;
    assert!(
        top >= 0.0,
        "the skip link comes into view when focused ({top})"
    );
    browser.press(Key::Enter).await;
    assert_eq!(focused(&browser).await.0, "main");

    // The search box, typed into and sent with Enter.
    browser.driver.goto(&app.base_url).await.unwrap();
    tab_to(&browser, 10, |name| name == "site-search").await;
    browser
        .driver
        .action_chain()
        .send_keys("harbour")
        .send_keys(Key::Enter)
        .perform()
        .await
        .unwrap();
    browser.wait_for_text("h1", "Search results").await;
    assert!(
        browser
            .driver
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/search?q=harbour"),
        "sent with Enter"
    );

    // The navigation: a section reached by Tab and opened with Enter.
    browser.driver.goto(&app.base_url).await.unwrap();
    tab_to(&browser, 15, |name| name == "World").await;
    browser.press(Key::Enter).await;
    browser.wait_for_text("h1", "World").await;

    // The whole editor, field by field, every one showing its focus.
    browser.log_in(&app.base_url, "editor@example.com").await;
    browser
        .driver
        .goto(format!("{}/admin/articles/new", app.base_url))
        .await
        .unwrap();
    let mut reached = Vec::new();
    for _ in 0..120 {
        browser.press(Key::Tab).await;
        let (name, visible) = focused(&browser).await;
        assert!(visible, "{name} has the focus but does not show it");
        if name == "publish_at" {
            break;
        }
        reached.push(name);
    }
    for wanted in [
        "headline",
        "slug",
        "dek",
        "body_markdown",
        "section_id",
        "author_1",
        "author_2",
        "tags",
        "hero_image_url=",
        "hero_image_alt",
        "hero_image_caption",
        "seo_title",
        "pinned_1",
        "action=save",
        "action=publish",
    ] {
        assert!(
            reached.iter().any(|name| name == wanted),
            "{wanted} not reached by Tab: {reached:?}"
        );
    }
}
