//! Who sees and takes what: writers' lists and previews, former addresses.

use gazette::models::{Article, ArticleStatus, Role, Section};

use super::{article_form, created_id, newsroom, section_id};
use crate::support::Newsroom;

#[test]
fn writers_list_and_preview_only_what_they_may_see() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    app.add_staff("writer@example.com", Role::Writer);
    let editor = app.login("editor@example.com");
    let writer = app.login("writer@example.com");
    let section = section_id(&app);
    let draft = created_id(&editor.post(
        "/admin/articles",
        &article_form(
            &section,
            "Embargoed merger story",
            "Secret until Monday.",
            "save",
        ),
    ));
    let own = created_id(&writer.post(
        "/admin/articles",
        &article_form(&section, "My own draft", "Mine.", "save"),
    ));

    let list = writer.get("/admin/articles").body;
    assert!(
        list.contains("Existing story"),
        "published articles are listed"
    );
    assert!(list.contains("My own draft"));
    assert!(
        !list.contains("Embargoed merger story"),
        "others' drafts are not"
    );
    assert!(
        editor
            .get("/admin/articles")
            .body
            .contains("Embargoed merger story")
    );

    let preview = |id: i32| {
        writer.post(
            &format!("/admin/articles/{id}"),
            &article_form(&section, "Anything", "Anything.", "preview"),
        )
    };
    assert_eq!(preview(draft).status, 403, "no preview of another's draft");
    assert_eq!(preview(own).status, 200);
}

#[test]
fn former_addresses_stay_with_their_article_and_lead_only_to_published_ones() {
    let app = newsroom();
    let mut conn = app.db();
    let existing = Article::find_by_slug(&mut conn, "existing-story")
        .unwrap()
        .unwrap();
    let world = Section::find(&mut conn, existing.section_id).unwrap();
    let mut renamed = Newsroom::input("Existing story renamed", &world, &[], &[], 5);
    app.store(Some(existing.id), &renamed);
    assert_eq!(app.get("/article/existing-story").status, 301);

    // Nobody may take the former address: it still redirects readers.
    app.add_staff("writer@example.com", Role::Writer);
    let writer = app.login("writer@example.com");
    let section = section_id(&app);
    let own = created_id(&writer.post(
        "/admin/articles",
        &article_form(&section, "A writer's story", "Words.", "save"),
    ));
    let taken = writer.post(
        &format!("/admin/articles/{own}"),
        &[
            article_form(&section, "A writer's story", "Words.", "save"),
            vec![("base_revision", "1"), ("slug", "existing-story")],
        ]
        .concat(),
    );
    assert_eq!(taken.status, 422);
    assert!(
        taken.body.contains("already uses the address"),
        "{}",
        taken.body
    );
    assert_eq!(
        app.get("/article/existing-story").status,
        301,
        "the redirect survives"
    );

    // Withdrawn: its former address is gone too, not a redirect to a 410.
    renamed.status = ArticleStatus::Unpublished;
    app.store(Some(existing.id), &renamed);
    let old = app.get("/article/existing-story");
    assert_eq!(old.status, 410);
    assert_eq!(old.header("location"), None);
}
