//! The article list's tabs and bulk actions, the trash, and who may do what with them.

use gazette::models::{Article, ArticleStatus, Role};

use super::{article_form, created_id, newsroom, section_id};
use crate::support::{Newsroom, StaffSession, TestApp};

fn draft(session: &StaffSession<'_>, section: &str, headline: &str) -> i32 {
    created_id(&session.post(
        "/admin/articles",
        &article_form(section, headline, "Body words for the test.", "save"),
    ))
}

/// Sends the bulk form for these articles; `confirmed` as the confirmation page sends it.
fn bulk(
    session: &StaffSession<'_>,
    action: &str,
    section: &str,
    ids: &[i32],
    confirmed: bool,
) -> crate::support::Response {
    let names: Vec<String> = ids.iter().map(|id| format!("article-{id}")).collect();
    let mut form = vec![
        ("action", action),
        ("section", section),
        ("back", "/admin/articles?status=draft"),
    ];
    form.extend(names.iter().map(|name| (name.as_str(), "on")));
    if confirmed {
        form.push(("confirmed", "yes"));
    }
    session.post("/admin/articles/bulk", &form)
}

fn status_of(app: &TestApp, id: i32) -> ArticleStatus {
    Article::find(&mut app.db(), id).unwrap().status
}

#[test]
fn the_list_has_tabs_with_counts_sorting_and_bylines() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    draft(&editor, &section, "Zebra crossings return");
    draft(&editor, &section, "Apple harvest begins");

    let all = editor.get("/admin/articles");
    assert_eq!(all.status, 200);
    let tabs = all.texts(".tabs a");
    assert!(tabs.contains(&"All (3)".to_string()), "{tabs:?}");
    assert!(tabs.contains(&"Drafts (2)".to_string()), "{tabs:?}");
    assert!(tabs.contains(&"Published (1)".to_string()), "{tabs:?}");
    assert!(tabs.contains(&"Trash (0)".to_string()), "{tabs:?}");
    assert!(all.body.contains("Ana Lima"), "the authors column");

    let drafts = editor.get("/admin/articles?status=draft&order=title");
    let headlines = drafts.texts("tbody td a");
    assert_eq!(
        headlines,
        ["Apple harvest begins", "Zebra crossings return"],
        "the drafts tab, A to Z"
    );
    assert_eq!(
        drafts.attrs(".tabs a[aria-current=page]", "href"),
        ["/admin/articles?status=draft&section=&author=&q=&order=title"]
    );
    let labels = drafts.texts("tbody label");
    assert!(
        labels.contains(&"Select “Apple harvest begins”".to_string()),
        "each checkbox names its article: {labels:?}"
    );
    assert_eq!(
        editor.get("/admin/articles?q=APPLE").texts("tbody td a"),
        ["Apple harvest begins"],
        "the headline search ignores case, on both backends"
    );
    assert_eq!(editor.get("/admin/articles?order=sideways").status, 400);
    assert_eq!(editor.get("/admin/articles?status=lost").status, 400);
}

#[test]
fn bulk_actions_ask_first_then_publish_move_trash_restore_and_delete() {
    let app = newsroom();
    {
        let mut conn = app.db();
        Newsroom::section(&mut conn, "Politics", "politics");
    }
    let politics = gazette::models::Section::find_by_slug(&mut app.db(), "politics")
        .unwrap()
        .id
        .to_string();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let a = draft(&editor, &section, "Harbour vote tonight");
    let b = draft(&editor, &section, "Ferry timetable changes");

    let asked = bulk(&editor, "publish", "", &[a, b], false);
    assert_eq!(asked.status, 200);
    assert!(
        asked.body.contains("Publish: 2 articles?"),
        "{}",
        asked.body
    );
    assert_eq!(
        asked.texts(".confirm-items li"),
        ["Harbour vote tonight", "Ferry timetable changes"]
    );
    assert_eq!(status_of(&app, a), ArticleStatus::Draft, "nothing yet");

    let done = bulk(&editor, "publish", "", &[a, b], true);
    assert_eq!(done.status, 303, "{}", done.body);
    let back = done.header("location").unwrap().to_string();
    assert!(back.starts_with("/admin/articles?status=draft"), "{back}");
    assert!(editor.get(&back).body.contains("2 articles published."));
    assert_eq!(status_of(&app, a), ArticleStatus::Published);
    let slug = Article::find(&mut app.db(), a).unwrap().slug;
    assert_eq!(app.get(&format!("/article/{slug}")).status, 200);

    let moved = bulk(&editor, "move", &politics, &[a, b], true);
    assert_eq!(moved.status, 303, "{}", moved.body);
    let section_page = app.get("/section/politics");
    assert!(section_page.body.contains("Harbour vote tonight"));
    assert!(section_page.body.contains("Ferry timetable changes"));
    assert_eq!(
        Article::find(&mut app.db(), a).unwrap().revision,
        3,
        "each change is a revision, so an open editor gets a conflict, not an overwrite"
    );

    let trashed = bulk(&editor, "trash", "", &[a, b], true);
    assert_eq!(trashed.status, 303, "{}", trashed.body);
    assert_ne!(
        app.get(&format!("/article/{slug}")).status,
        200,
        "withdrawn on the way to the trash"
    );
    assert!(!app.get("/section/politics").body.contains("Harbour vote"));
    let trash = editor.get("/admin/articles?status=trash");
    assert_eq!(trash.texts("tbody td a").len(), 2);
    assert!(
        !editor
            .get("/admin/articles")
            .body
            .contains("Harbour vote tonight"),
        "the other tabs leave the trash out"
    );
    let republish = editor.post(
        &format!("/admin/articles/{a}"),
        &[
            article_form(&politics, "Harbour vote tonight", "Body.", "publish"),
            vec![("base_revision", "4")],
        ]
        .concat(),
    );
    assert_eq!(republish.status, 422, "a trashed article is not published");
    assert!(republish.body.contains("restore it before publishing"));

    assert_eq!(
        bulk(&editor, "restore", "", &[a], true).status,
        303,
        "restored"
    );
    assert_eq!(status_of(&app, a), ArticleStatus::Unpublished);
    assert!(editor.get("/admin/articles").body.contains("Harbour vote"));

    let ask_empty = editor.post("/admin/articles/trash/empty", &[]);
    assert_eq!(ask_empty.status, 200);
    assert_eq!(
        ask_empty.texts(".confirm-items li"),
        ["Ferry timetable changes"]
    );
    assert!(Article::find(&mut app.db(), b).is_ok(), "asked, not done");
    let emptied = editor.post("/admin/articles/trash/empty", &[("confirmed", "yes")]);
    assert_eq!(emptied.status, 303);
    assert!(Article::find(&mut app.db(), b).is_err(), "deleted for good");
    assert!(
        Article::find(&mut app.db(), a).is_ok(),
        "the restored one stays"
    );
}

#[test]
fn writers_may_trash_only_their_own_unpublished_work_and_nothing_else_in_bulk() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    let writer = app.login("writer@example.com");
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let own = draft(&writer, &section, "Writer's own draft");
    let theirs = draft(&editor, &section, "Editor's draft");
    let published = Article::find_by_slug(&mut app.db(), "existing-story")
        .unwrap()
        .expect("the newsroom's published story")
        .id;

    for action in ["publish", "unpublish", "restore", "delete"] {
        assert_eq!(
            bulk(&writer, action, "", &[own], true).status,
            403,
            "{action}"
        );
    }
    assert_eq!(bulk(&writer, "move", &section, &[own], true).status, 403);
    assert_eq!(
        writer
            .post("/admin/articles/trash/empty", &[("confirmed", "yes")])
            .status,
        403
    );

    let report = bulk(&writer, "trash", "", &[own, theirs, published], true);
    assert_eq!(report.status, 200, "some were refused: the report");
    assert!(report.body.contains("You may not change this article."));
    let refused = report.texts(".refusals strong");
    assert_eq!(refused, ["Existing story", "Editor's draft"]);
    assert_eq!(status_of(&app, published), ArticleStatus::Published);
    let trash = editor.get("/admin/articles?status=trash");
    assert_eq!(trash.texts("tbody td a"), ["Writer's own draft"]);
}

#[test]
fn a_bulk_form_without_an_action_or_articles_comes_back_with_the_ticks_kept() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    let a = draft(&editor, &section, "Kept ticked");

    let no_action = bulk(&editor, "", "", &[a], true);
    assert_eq!(no_action.status, 422);
    assert!(no_action.body.contains("Choose what to do"));
    assert_eq!(
        no_action.attrs(&format!("#article-{a}"), "checked"),
        [""],
        "the tick is kept"
    );
    let nothing_ticked = bulk(&editor, "publish", "", &[], true);
    assert_eq!(nothing_ticked.status, 422);
    assert!(nothing_ticked.body.contains("Tick the articles"));
    let no_section = bulk(&editor, "move", "", &[a], true);
    assert_eq!(no_section.status, 422);
    assert_eq!(status_of(&app, a), ArticleStatus::Draft);
}
