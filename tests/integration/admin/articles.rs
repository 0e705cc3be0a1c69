//! The editorial workflow: conflicts, revisions, validation, scheduling, sanitized output,
//! SEO overrides, long articles and autosave.

use chrono::TimeDelta;
use gazette::models::{Article, Role};

use super::{article_form, created_id, newsroom, section_id};

#[test]
fn a_stale_save_is_refused_as_a_conflict_and_keeps_the_users_text() {
    let app = newsroom();
    app.add_staff("a@example.com", Role::Editor);
    app.add_staff("b@example.com", Role::Editor);
    let section = section_id(&app);
    let a = app.login("a@example.com");
    let b = app.login("b@example.com");
    let id = created_id(&a.post(
        "/admin/articles",
        &article_form(&section, "Shared story", "First words.", "save"),
    ));
    let path = format!("/admin/articles/{id}");

    let b_save = b.post(
        &path,
        &[
            article_form(&section, "Shared story", "B's careful rewrite.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(b_save.status, 303);
    let a_save = a.post(
        &path,
        &[
            article_form(&section, "Shared story", "A's unsaved paragraph.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(a_save.status, 409);
    assert!(
        a_save.body.contains("A&#39;s unsaved paragraph.")
            || a_save.body.contains("A's unsaved paragraph."),
        "A's text is kept"
    );
    assert!(
        a_save.body.contains("careful rewrite"),
        "the other change is shown"
    );
    let mut conn = app.db();
    let article = Article::find(&mut conn, id).unwrap();
    assert_eq!(
        article.body_markdown, "B's careful rewrite.",
        "no silent overwrite"
    );
    assert_eq!(article.revision, 2);
}

#[test]
fn revisions_are_listed_compared_and_restored() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let section = section_id(&app);
    let editor = app.login("editor@example.com");
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Version one", "Original body.", "save"),
    ));
    let path = format!("/admin/articles/{id}");
    editor.post(
        &path,
        &[
            article_form(&section, "Version two", "Rewritten body.", "save"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );

    let list = editor.get(&format!("{path}/revisions"));
    assert_eq!(list.status, 200);
    assert_eq!(list.texts("tbody tr").len(), 2);
    let compare = editor.get(&format!("{path}/revisions/2"));
    assert!(
        compare
            .texts(".diff--removed")
            .iter()
            .any(|l| l.contains("Original body."))
    );
    assert!(
        compare
            .texts(".diff--added")
            .iter()
            .any(|l| l.contains("Rewritten body."))
    );

    let restored = editor.post(&format!("{path}/revisions/1/restore"), &[]);
    assert_eq!(restored.status, 303, "{}", restored.body);
    let mut conn = app.db();
    let article = Article::find(&mut conn, id).unwrap();
    assert_eq!(article.headline, "Version one");
    assert_eq!(article.body_markdown, "Original body.");
    assert_eq!(
        article.revision, 3,
        "restoring adds a revision; nothing is lost"
    );
}

#[test]
fn an_invalid_form_comes_back_with_everything_typed_and_a_message_per_field() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let response = editor.post(
        "/admin/articles",
        &[
            ("headline", ""),
            ("dek", "My standfirst"),
            ("body_markdown", "A long body I must not lose."),
            ("section_id", "9999"),
            ("author_1", "nobody-at-all"),
            ("author_2", ""),
            ("hero_image_url", "/media/not-in-the-library.jpg"),
            ("hero_image_alt", ""),
            ("action", "save"),
        ],
    );
    assert_eq!(response.status, 422);
    assert_eq!(
        response.texts("#body_markdown"),
        vec!["A long body I must not lose."]
    );
    assert_eq!(response.texts("#dek"), vec!["My standfirst"]);
    assert_eq!(
        response.attrs("#author_1 option[selected]", "value"),
        vec!["nobody-at-all"],
        "the unknown author stays chosen"
    );
    for field in ["headline", "section_id", "author_1"] {
        assert_eq!(
            response.attrs(&format!("#{field}"), "aria-invalid"),
            vec!["true"],
            "{field} marked"
        );
    }
    assert!(response.body.contains("Choose an image from the library."));
    assert!(response.texts(".field-error").len() >= 4);
}

#[test]
fn a_scheduled_article_goes_live_at_its_time() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let at = (app.state.clock.now() + TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut form = article_form(
        &section,
        "Embargoed report",
        "Embargoed until noon.",
        "schedule",
    );
    form.push(("publish_at", &at));
    let id = created_id(&editor.post("/admin/articles", &form));
    assert_eq!(app.get("/article/embargoed-report").status, 404);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        app.get("/article/embargoed-report").status,
        404,
        "not before its time"
    );
    assert!(
        editor
            .get("/admin")
            .texts("#scheduled + ul a")
            .contains(&"Embargoed report".to_string())
    );

    app.state.clock.advance(TimeDelta::hours(2));
    let mut status = 0;
    for _ in 0..100 {
        status = app.get("/article/embargoed-report").status;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(status, 200, "published by the server's scheduler");
    assert!(app.get("/feed.xml").body.contains("Embargoed report"));
    let found = app.get("/search?q=embargoed");
    assert!(
        found
            .texts(".search-result__headline")
            .contains(&"Embargoed report".to_string())
    );
    let mut conn = app.db();
    assert!(Article::find(&mut conn, id).unwrap().is_published());
}

#[test]
fn hostile_markdown_is_sanitized_on_the_public_page() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let body = "Fine text.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))";
    created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Sanitized story", body, "publish"),
    ));
    let page = app.get("/article/sanitized-story");
    assert_eq!(page.status, 200);
    let html = page.html();
    let story = html
        .select(&scraper::Selector::parse(".story__body").unwrap())
        .next()
        .unwrap()
        .inner_html();
    assert!(story.contains("Fine text."));
    assert!(!story.contains("<script"), "{story}");
    assert!(!story.contains("onerror"), "{story}");
    assert!(!story.contains("javascript:"), "{story}");
}

#[test]
fn seo_overrides_replace_the_title_and_description_in_the_head() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let mut form = article_form(&section, "A long and winding headline", "Body.", "publish");
    form.push(("seo_title", "Short search title"));
    form.push(("seo_description", "What searchers should read."));
    created_id(&editor.post("/admin/articles", &form));
    let page = app.get("/article/a-long-and-winding-headline");
    assert_eq!(
        page.texts("title"),
        vec!["Short search title | The Gazette"]
    );
    assert_eq!(
        page.attrs("meta[name=description]", "content"),
        vec!["What searchers should read."]
    );
    assert_eq!(
        page.texts("h1"),
        vec!["A long and winding headline"],
        "the page keeps its headline"
    );
}

#[test]
fn a_published_article_is_not_sent_back_to_review() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "Live story", "Body.", "publish"),
    ));
    let page = editor.get(&format!("/admin/articles/{id}"));
    assert!(
        page.attrs("button[value=submit]", "value").is_empty(),
        "no submit button on a live article"
    );
    let submitted = editor.post(
        &format!("/admin/articles/{id}"),
        &[
            article_form(&section, "Live story", "Body.", "submit"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(submitted.status, 422);
    assert_eq!(app.get("/article/live-story").status, 200, "still live");
}

#[test]
fn a_long_article_saves_in_one_piece() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let body = "A paragraph of a very long read, with enough words to matter. ".repeat(3_000);
    assert!(body.len() > 150_000);
    let id = created_id(&editor.post(
        "/admin/articles",
        &article_form(&section, "The long read", &body, "save"),
    ));
    let mut conn = app.db();
    assert_eq!(Article::find(&mut conn, id).unwrap().body_markdown, body);
}

#[test]
fn autosaved_work_is_offered_back_and_still_checked_for_conflicts() {
    let app = newsroom();
    app.add_staff("a@example.com", Role::Editor);
    app.add_staff("b@example.com", Role::Editor);
    app.add_staff("writer@example.com", Role::Writer);
    let section = section_id(&app);
    let a = app.login("a@example.com");
    let b = app.login("b@example.com");
    let id = created_id(&a.post(
        "/admin/articles",
        &article_form(&section, "Draft in progress", "Saved words.", "save"),
    ));
    let path = format!("/admin/articles/{id}");
    let editor_page = a.get(&path);
    assert!(
        !editor_page
            .attrs("script[src^='/static/js/editor.js']", "src")
            .is_empty()
    );
    assert_eq!(
        editor_page.attrs("form.editor", "data-autosave"),
        vec![format!("{path}/autosave")]
    );

    let kept = a.post(
        &format!("{path}/autosave"),
        &[
            article_form(
                &section,
                "Draft in progress",
                "Unsaved words typed before the tab closed.",
                "save",
            ),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(kept.status, 204);
    let article = {
        let mut conn = app.db();
        Article::find(&mut conn, id).unwrap()
    };
    assert_eq!(
        article.body_markdown, "Saved words.",
        "autosave never touches the article"
    );

    assert!(
        b.get(&path)
            .attrs("a[href$='restore=1']", "href")
            .is_empty(),
        "only the author of the work sees it"
    );
    let offered = a.get(&path);
    assert_eq!(
        offered.attrs("a[href$='restore=1']", "href"),
        vec![format!("{path}?restore=1")]
    );
    let restored = a.get(&format!("{path}?restore=1"));
    assert_eq!(
        restored.texts("#body_markdown"),
        vec!["Unsaved words typed before the tab closed."]
    );
    assert_eq!(
        restored.attrs("input[name=base_revision]", "value"),
        vec!["1"]
    );

    // Someone else saves meanwhile: saving the restored work is a conflict, not an overwrite.
    assert_eq!(
        b.post(
            &path,
            &[
                article_form(&section, "Draft in progress", "B's words.", "save"),
                vec![("base_revision", "1")]
            ]
            .concat()
        )
        .status,
        303
    );
    let conflict = a.post(
        &path,
        &[
            article_form(
                &section,
                "Draft in progress",
                "Unsaved words typed before the tab closed.",
                "save",
            ),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(conflict.status, 409);
    let resolved = a.post(
        &path,
        &[
            article_form(&section, "Draft in progress", "Merged words.", "save"),
            vec![("base_revision", "2")],
        ]
        .concat(),
    );
    assert_eq!(resolved.status, 303);
    assert!(
        a.get(&path)
            .attrs("a[href$='restore=1']", "href")
            .is_empty(),
        "a real save clears the autosave"
    );

    let writer = app.login("writer@example.com");
    let foreign = writer.post(
        &format!("{path}/autosave"),
        &article_form(&section, "x", "y", "save"),
    );
    assert_eq!(foreign.status, 403, "autosave follows the edit rights");
}

#[test]
fn a_draft_previews_as_its_full_public_page_marked_noindex_and_private() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("other@example.com", Role::Writer);
    let writer = app.login("writer@example.com");
    let section = section_id(&app);
    let id = created_id(&writer.post(
        "/admin/articles",
        &article_form(
            &section,
            "Harbour draft",
            "Words only staff can see.",
            "save",
        ),
    ));
    let slug = Article::find(&mut app.db(), id).unwrap().slug;
    assert_eq!(
        app.get(&format!("/article/{slug}")).status,
        404,
        "readers: not yet"
    );

    let preview = writer.get(&format!("/admin/articles/{id}/preview"));
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts(".story__headline"), ["Harbour draft"]);
    assert!(preview.body.contains("Words only staff can see."));
    assert_eq!(
        preview.texts(".story__meta .byline a"),
        ["Ana Lima"],
        "the byline"
    );
    assert_eq!(
        preview.attrs(".story__hero img", "alt"),
        ["A harbour at dawn"],
        "the hero"
    );
    assert!(
        preview.body.contains("Existing story"),
        "the related articles and the lists around the story"
    );
    assert!(
        preview.texts(".preview-banner")[0]
            .contains("an article that is draft: readers cannot see this page")
    );
    assert_eq!(
        preview.attrs("meta[name=robots]", "content"),
        ["noindex, follow"]
    );
    assert_eq!(preview.header("cache-control"), Some("private, no-store"));
    assert!(
        preview.header("surrogate-key").is_none(),
        "not for any cache"
    );
    assert!(
        preview.header("cdn-cache-control").is_none()
            && preview.header("surrogate-control").is_none(),
        "nothing of a public page's caching reaches a CDN"
    );
    assert_eq!(
        app.login("other@example.com")
            .get(&format!("/admin/articles/{id}/preview"))
            .status,
        403,
        "another writer's draft"
    );
    assert_eq!(
        app.get(&format!("/admin/articles/{id}/preview")).status,
        303,
        "staff only"
    );
    assert_eq!(writer.get("/admin/articles/999999/preview").status, 404);
}

#[test]
fn authors_pinned_articles_and_the_hero_are_picked_from_lists() {
    let app = newsroom();
    {
        let mut conn = app.db();
        crate::support::Newsroom::author(&mut conn, "Ben Okafor", "ben-okafor");
    }
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);

    let blank = editor.get("/admin/articles/new");
    assert_eq!(
        blank.texts("label[for=author_1], label[for=author_2], label[for=author_3]"),
        ["First author", "Author 2", "Author 3"]
    );
    assert_eq!(
        blank.attrs("#author_1 option", "value"),
        ["", "ana-lima", "ben-okafor"],
        "every author, by name"
    );
    assert!(
        blank
            .attrs("#pinnable option", "value")
            .contains(&"existing-story".to_string()),
        "recent headlines offered to pin"
    );
    let harbour = "/static/img/demo/harbour.jpg";
    assert_eq!(
        blank.attrs(&format!(".hero-picker input[value='{harbour}']"), "type"),
        ["radio"]
    );

    let found = editor.get("/admin/articles/lookup?q=existing");
    assert_eq!(found.header("content-type"), Some("application/json"));
    assert_eq!(
        found.body,
        r#"[{"slug":"existing-story","headline":"Existing story"}]"#
    );
    assert_eq!(editor.get("/admin/articles/lookup?q=").body, "[]");

    let id = created_id(&editor.post(
        "/admin/articles",
        &[
            ("headline", "Two bylines"),
            ("body_markdown", "Body."),
            ("section_id", &section),
            ("author_1", "ben-okafor"),
            ("author_2", "ana-lima"),
            ("author_3", ""),
            ("pinned_1", "existing-story"),
            ("pinned_2", ""),
            ("hero_image_url", harbour),
            ("hero_image_alt", ""),
            ("action", "publish"),
        ],
    ));
    let page = app.get("/article/two-bylines");
    assert_eq!(
        page.texts(".story__meta .byline a"),
        ["Ben Okafor", "Ana Lima"],
        "credited in the order picked"
    );
    assert_eq!(
        gazette::models::pinned::slugs_for(&mut app.db(), id).unwrap(),
        ["existing-story"],
        "pinned"
    );
    assert_eq!(
        page.texts("[aria-labelledby=related-title] .card__headline a")[0],
        "Existing story",
        "first under You May Also Like"
    );
    let alt = &page.attrs(".story__hero img", "alt")[0];
    assert!(
        alt.starts_with("Illustration of"),
        "the library's alt text: {alt}"
    );

    let form = editor.get(&format!("/admin/articles/{id}"));
    assert_eq!(
        form.attrs("select[id^=author_] option[selected]", "value"),
        ["ben-okafor", "ana-lima"]
    );
    assert_eq!(form.attrs("#pinned_1", "value"), ["existing-story"]);
    assert_eq!(
        form.attrs(".hero-picker input[checked]", "value"),
        [harbour],
        "the chosen picture is ticked"
    );
}
