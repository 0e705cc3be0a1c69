//! The editor's autosave in a real browser: a kept draft says so, and one the server did not
//! keep (the session ended) says that instead of "Draft kept".

use chrono::TimeDelta;
use gazette::models::Role;
use thirtyfour::prelude::*;

use super::Browser;
use crate::admin::{article_form, created_id, newsroom, section_id};

#[tokio::test(flavor = "current_thread")]
async fn autosave_says_when_the_session_has_ended() {
    let Some(browser) = Browser::start("autosave_says_when_the_session_has_ended").await else {
        return;
    };
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let section = section_id(&app);
    let id = created_id(&app.login("editor@example.com").post(
        "/admin/articles",
        &article_form(&section, "Harbour draft", "First words.", "save"),
    ));

    browser.log_in(&app.base_url, "editor@example.com").await;
    browser
        .driver
        .goto(format!("{}/admin/articles/{id}", app.base_url))
        .await
        .unwrap();
    let body = browser.driver.find(By::Id("body_markdown")).await.unwrap();
    body.send_keys(" More words.").await.unwrap();
    browser
        .wait_for_text(".autosave-status", "Draft kept")
        .await;

    // Past the idle timeout the server no longer knows the session.
    app.state.clock.advance(TimeDelta::minutes(31));
    body.send_keys(" Words typed after lunch.").await.unwrap();
    let said = browser
        .wait_for_text(".autosave-status", "session has ended")
        .await;
    assert!(said.contains("not kept"), "{said}");
    assert!(
        !said.contains("Draft kept"),
        "the expired save is not reported as kept: {said}"
    );
    // The text is still in the editor.
    assert!(
        body.prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("Words typed after lunch."),
    );
}
