//! Sections, accounts, authors and tags as admins and editors manage them.

use gazette::models::Role;

use super::newsroom;

#[test]
fn admins_manage_sections_without_orphaning_articles() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("editor@example.com")
            .get("/admin/sections")
            .status,
        403
    );
    let admin = app.login("admin@example.com");
    let created = admin.post(
        "/admin/sections",
        &[
            ("name", "Opinion"),
            ("description", "Views."),
            ("position", "7"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(
        app.get("/")
            .attrs(".section-nav a", "href")
            .contains(&"/section/opinion".to_string())
    );
    let duplicate = admin.post("/admin/sections", &[("name", "Opinion")]);
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.attrs("#name", "value"), vec!["Opinion"]);

    let (world, opinion) = {
        let mut conn = app.db();
        (
            gazette::models::Section::find_by_slug(&mut conn, "world")
                .unwrap()
                .id,
            gazette::models::Section::find_by_slug(&mut conn, "opinion")
                .unwrap()
                .id,
        )
    };
    let refused = admin.post(&format!("/admin/sections/{world}/delete"), &[]);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("still has 1 articles"),
        "{}",
        refused.body
    );
    let opinion = opinion.to_string();
    let asked = admin.post(
        &format!("/admin/sections/{world}/delete"),
        &[("move_to", &opinion)],
    );
    assert_eq!(asked.status, 200, "asked first");
    assert_eq!(asked.texts("h1"), ["Delete the section “World”?"]);
    assert!(asked.body.contains("Its 1 article move to Opinion"));
    assert_eq!(app.get("/section/world").status, 200, "nothing yet");
    let moved = admin.post(
        &format!("/admin/sections/{world}/delete"),
        &[("move_to", &opinion), ("confirmed", "yes")],
    );
    assert_eq!(moved.status, 303);
    assert_eq!(app.get("/section/world").status, 404);
    let story = app.get("/article/existing-story");
    assert_eq!(
        story.attrs(".story__header .kicker", "href"),
        vec!["/section/opinion"]
    );
}

#[test]
fn admins_manage_accounts_and_the_last_admin_stays() {
    let app = newsroom();
    let boss = app.add_staff("admin@example.com", Role::Admin);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("editor@example.com").get("/admin/users").status,
        403
    );
    let admin = app.login("admin@example.com");
    let created = admin.post(
        "/admin/users",
        &[
            ("email", "new@example.com"),
            ("name", "New Writer"),
            ("role", "writer"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let short = admin.post(
        "/admin/users",
        &[
            ("email", "x@example.com"),
            ("name", "X"),
            ("role", "writer"),
            ("password", "short"),
        ],
    );
    assert_eq!(short.status, 422);
    assert_eq!(
        short.attrs("#email", "value"),
        vec!["x@example.com"],
        "input kept, password not echoed"
    );
    assert!(short.attrs("#password", "value").is_empty());

    let writer_session = app.login("new@example.com");
    let writer_id = {
        let mut conn = app.db();
        gazette::models::User::find_by_email(&mut conn, "new@example.com")
            .unwrap()
            .unwrap()
            .id
    };
    let promoted = admin.post(&format!("/admin/users/{writer_id}"), &[("role", "editor")]);
    assert_eq!(promoted.status, 303);
    assert_eq!(
        writer_session.get("/admin").status,
        303,
        "a role change ends the sessions"
    );

    let demote_last = admin.post(&format!("/admin/users/{}", boss.id), &[("role", "editor")]);
    assert_eq!(demote_last.status, 409);
    let remove_last = admin.post(
        &format!("/admin/users/{}/delete", boss.id),
        &[("confirmed", "yes")],
    );
    assert_eq!(remove_last.status, 409);
    assert!(remove_last.body.contains("last admin"));
    let audit = admin.get("/admin/audit");
    assert!(
        audit
            .texts("tbody td:nth-child(3)")
            .contains(&"user.role".to_string())
    );
}

#[test]
fn editors_keep_authors_and_tags_tidy() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("writer@example.com").get("/admin/authors").status,
        403
    );
    let editor = app.login("editor@example.com");

    let created = editor.post(
        "/admin/authors",
        &[
            ("name", "Bea Kowalski"),
            ("job_title", "Data Reporter"),
            ("bio", "Counts things."),
            ("website_url", "https://bea.example"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let profile = app.get("/author/bea-kowalski");
    assert_eq!(profile.status, 200);
    assert_eq!(
        profile.attrs(".profile .link-row a", "href"),
        vec!["https://bea.example"]
    );
    let clash = editor.post(
        "/admin/authors",
        &[
            ("name", "Someone"),
            ("slug", "bea-kowalski"),
            ("website_url", "ftp://x"),
        ],
    );
    assert_eq!(clash.status, 422);
    assert!(
        clash.texts(".field-error").len() >= 2,
        "slug and link messages"
    );

    let ana = {
        let mut conn = app.db();
        gazette::models::Author::find_by_slug(&mut conn, "ana-lima")
            .unwrap()
            .id
    };
    let refused = editor.post(
        &format!("/admin/authors/{ana}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(refused.status, 409, "authors with bylines stay");

    let climate = {
        let mut conn = app.db();
        gazette::models::Tag::find_by_slug(&mut conn, "climate")
            .unwrap()
            .id
    };
    let renamed = editor.post(
        &format!("/admin/tags/{climate}"),
        &[("name", "Climate crisis"), ("slug", "")],
    );
    assert_eq!(renamed.status, 303);
    assert_eq!(app.get("/tag/climate-crisis").status, 200);
    assert!(
        app.get("/search?q=crisis")
            .texts(".search-result__headline")
            .contains(&"Existing story".to_string()),
        "re-indexed"
    );
    let asked = editor.post(&format!("/admin/tags/{climate}/delete"), &[]);
    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.texts(".confirm button"),
        ["Delete tag Climate crisis"]
    );
    assert_eq!(
        app.get("/tag/climate-crisis").status,
        200,
        "asked, not done"
    );
    let deleted = editor.post(
        &format!("/admin/tags/{climate}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(deleted.status, 303);
    assert_eq!(app.get("/tag/climate-crisis").status, 404);
    assert!(
        app.get("/article/existing-story")
            .attrs(".tags a", "href")
            .is_empty()
    );
}

#[test]
fn deleting_an_author_or_an_account_asks_first_naming_them() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let leaver = app.add_staff("leaver@example.com", Role::Writer);
    let admin = app.login("admin@example.com");
    let nobody = {
        let mut conn = app.db();
        crate::support::Newsroom::author(&mut conn, "Nadia Byline", "nadia-byline").id
    };
    let asked = admin.post(&format!("/admin/authors/{nobody}/delete"), &[]);
    assert_eq!(asked.status, 200);
    assert_eq!(asked.texts("h1"), ["Delete the author “Nadia Byline”?"]);
    assert_eq!(
        app.get("/author/nadia-byline").status,
        200,
        "asked, not done"
    );
    let deleted = admin.post(
        &format!("/admin/authors/{nobody}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(deleted.status, 303);
    assert_eq!(app.get("/author/nadia-byline").status, 404);

    let path = format!("/admin/users/{}/delete", leaver.id);
    let asked = admin.post(&path, &[]);
    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.texts(".confirm button"),
        ["Delete account leaver@example.com (leaver@example.com)"]
    );
    app.login("leaver@example.com");
    assert_eq!(admin.post(&path, &[("confirmed", "yes")]).status, 303);
    let gone = app.post_login(
        &[],
        &[
            ("email", "leaver@example.com"),
            ("password", "correct horse battery"),
            ("next", "/admin"),
        ],
    );
    assert_ne!(gone.status, 303, "the account is gone");
}
