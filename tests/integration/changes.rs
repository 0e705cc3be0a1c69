//! The one change path: every writer (the editor, the scheduler, tag, section and author admin)
//! reaches the search index and the stored related lists through `changes`, observed here by
//! their effects on search results and on the stored lists.

use chrono::TimeDelta;
use diesel::prelude::*;
use gazette::models::{Article, Role, Section, Tag};
use gazette::schema::article_related;

use crate::support::{Newsroom, Response, TestApp};

fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let sport = Newsroom::section(conn, "Sport", "sport");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        let ben = Newsroom::author(conn, "Ben Cole", "ben-cole");
        for (n, headline) in ["Lighthouse keepers strike", "Ferry timetable changes"]
            .iter()
            .enumerate()
        {
            Newsroom::article(conn, headline, &world, &[&ana], &["Oceans"], n as i64 + 1);
        }
        for (n, headline) in [
            "Rowing crew wins",
            "Harbour regatta returns",
            "Sailing finals",
        ]
        .iter()
        .enumerate()
        {
            Newsroom::article(conn, headline, &sport, &[&ben], &["Boats"], n as i64 + 3);
        }
    })
}

fn headlines(response: &Response) -> Vec<String> {
    response.texts(".search-result__headline")
}

/// How many related articles are stored for the article at `slug`.
fn stored_related(app: &TestApp, slug: &str) -> i64 {
    let mut conn = app.db();
    let article = Article::find_by_slug(&mut conn, slug).unwrap().unwrap();
    article_related::table
        .filter(article_related::article_id.eq(article.id))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

fn forget_every_related_list(app: &TestApp) {
    diesel::delete(article_related::table)
        .execute(&mut app.db())
        .unwrap();
}

#[test]
fn renaming_a_tag_reaches_the_search_index() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    assert!(headlines(&app.get("/search?q=maritime")).is_empty());
    let oceans = Tag::find_by_slug(&mut app.db(), "oceans").unwrap();
    let renamed = editor.post(
        &format!("/admin/tags/{}", oceans.id),
        &[("name", "Maritime"), ("slug", "")],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let mut found = headlines(&app.get("/search?q=maritime"));
    found.sort();
    assert_eq!(
        found,
        ["Ferry timetable changes", "Lighthouse keepers strike"]
    );
    assert_eq!(app.get("/tag/maritime").status, 200);
    assert_eq!(app.get("/tag/oceans").status, 404);
}

#[test]
fn renaming_an_author_reaches_the_search_index() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let ana = gazette::models::Author::find_by_slug(&mut app.db(), "ana-lima").unwrap();
    assert!(headlines(&app.get("/search?q=okonkwo")).is_empty());
    let saved = editor.post(
        &format!("/admin/authors/{}", ana.id),
        &[("name", "Ana Okonkwo"), ("slug", "ana-lima")],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let mut found = headlines(&app.get("/search?q=okonkwo"));
    found.sort();
    assert_eq!(
        found,
        ["Ferry timetable changes", "Lighthouse keepers strike"]
    );
}

#[test]
fn moving_a_sections_articles_reaches_search_and_related_lists() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let admin = app.login("admin@example.com");
    let (world, sport) = {
        let mut conn = app.db();
        (
            Section::find_by_slug(&mut conn, "world").unwrap().id,
            Section::find_by_slug(&mut conn, "sport").unwrap().id,
        )
    };
    assert!(headlines(&app.get("/search?q=lighthouse&section=sport")).is_empty());
    forget_every_related_list(&app);

    let moved = admin.post(
        &format!("/admin/sections/{world}/delete"),
        &[("move_to", &sport.to_string()), ("confirmed", "yes")],
    );
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(
        headlines(&app.get("/search?q=lighthouse&section=sport")),
        ["Lighthouse keepers strike"]
    );
    // The moved articles' related lists were computed again, in their new section.
    for slug in ["lighthouse-keepers-strike", "ferry-timetable-changes"] {
        assert!(stored_related(&app, slug) > 0, "{slug} has a related list");
    }
    // Every page's navigation follows at once.
    let navigation = app.get("/").attrs(".section-nav a", "href");
    assert!(!navigation.contains(&"/section/world".to_string()));
}

#[test]
fn the_scheduler_publishes_through_the_change_path() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let world = Section::find_by_slug(&mut app.db(), "world").unwrap().id;
    let at = (app.state.clock.now() + TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let scheduled = editor.post(
        "/admin/articles",
        &[
            ("headline", "Embargoed lighthouse report"),
            ("dek", "A standfirst."),
            ("body_markdown", "The keepers' report, under embargo."),
            ("section_id", &world.to_string()),
            ("authors", "ana-lima"),
            ("tags", "Oceans"),
            ("action", "schedule"),
            ("publish_at", &at),
        ],
    );
    assert_eq!(scheduled.status, 303, "{}", scheduled.body);
    assert!(headlines(&app.get("/search?q=embargoed")).is_empty());
    forget_every_related_list(&app);

    app.state.clock.advance(TimeDelta::hours(2));
    let mut found = Vec::new();
    for _ in 0..100 {
        found = headlines(&app.get("/search?q=embargoed"));
        if !found.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(found, ["Embargoed lighthouse report"]);
    // Its own list, and its neighbours' (the newest of its section), which may now list it.
    assert!(stored_related(&app, "embargoed-lighthouse-report") > 0);
    assert!(stored_related(&app, "lighthouse-keepers-strike") > 0);
}

#[test]
fn an_article_found_without_a_related_list_gets_one_stored_once() {
    let app = newsroom();
    forget_every_related_list(&app);
    assert_eq!(stored_related(&app, "rowing-crew-wins"), 0);
    let page = app.get("/article/rowing-crew-wins");
    assert_eq!(page.status, 200);
    let shown = page.attrs("#related-title + .card-grid .card__headline a", "href");
    assert!(!shown.is_empty());
    assert!(
        stored_related(&app, "rowing-crew-wins") > 0,
        "computed at view time and kept"
    );
}

/// An importer renders bodies ahead on another thread and hands the rendering to the save; a
/// save keeps it only for the very text it was made from, so a stale or mistaken rendering can
/// never reach readers.
#[test]
fn a_body_rendered_ahead_is_stored_only_for_the_text_it_was_rendered_from() {
    let app = newsroom();
    let mut conn = app.db();
    let world = Section::find_by_slug(&mut conn, "world").unwrap();
    let mut input = Newsroom::input("Ahead of the tide", &world, &[], &[], 1);

    input.body_markdown = "The tide came in at *dawn*.".into();
    input.prerendered = Some(gazette::markdown::Prerendered::new(
        "The tide came in at *dawn*.".into(),
    ));
    let article = Newsroom::store(&mut conn, None, &input);
    assert!(article.body_html.contains("<em>dawn</em>"));

    // A rendering of another text is set aside and the body rendered from its own text.
    input.body_markdown = "The tide went out at **dusk**.".into();
    input.prerendered = Some(gazette::markdown::Prerendered::new(
        "<p>Something <em>else</em> entirely.</p>".into(),
    ));
    Newsroom::store(&mut conn, Some(article.id), &input);
    let page = app.get(&format!("/article/{}", article.slug));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong>dusk</strong>"), "{}", page.body);
    assert!(!page.body.contains("entirely"));
}
