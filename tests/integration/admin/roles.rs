//! Who may do what: the role matrix over every admin page, and hostile requests.

use gazette::models::{Article, Role};

use super::{article_form, created_id, newsroom, section_id};

#[test]
fn roles_decide_who_may_do_what() {
    let app = newsroom();
    for (email, role) in [
        ("writer@example.com", Role::Writer),
        ("editor@example.com", Role::Editor),
        ("admin@example.com", Role::Admin),
    ] {
        app.add_staff(email, role);
    }
    let section = section_id(&app);
    let existing = {
        let mut conn = app.db();
        Article::find_by_slug(&mut conn, "existing-story")
            .unwrap()
            .unwrap()
            .id
    };
    // (role, path, expected status for GET)
    let reads = [
        ("writer@example.com", "/admin", 200),
        ("writer@example.com", "/admin/articles", 200),
        ("writer@example.com", "/admin/audit", 403),
        (
            "writer@example.com",
            &format!("/admin/articles/{existing}") as &str,
            403,
        ),
        ("editor@example.com", "/admin/audit", 403),
        (
            "editor@example.com",
            &format!("/admin/articles/{existing}"),
            200,
        ),
        ("admin@example.com", "/admin/audit", 200),
        (
            "admin@example.com",
            &format!("/admin/articles/{existing}"),
            200,
        ),
    ];
    for (email, path, expected) in reads {
        let session = app.login(email);
        assert_eq!(session.get(path).status, expected, "{email} GET {path}");
    }

    let writer = app.login("writer@example.com");
    let published = writer.post(
        "/admin/articles",
        &article_form(&section, "Writer publishes", "Body.", "publish"),
    );
    assert_eq!(published.status, 403, "writers cannot publish");
    let draft_id = created_id(&writer.post(
        "/admin/articles",
        &article_form(&section, "Writer draft", "Body.", "save"),
    ));
    assert_eq!(
        writer.get(&format!("/admin/articles/{draft_id}")).status,
        200,
        "own draft"
    );
    let submitted = writer.post(
        &format!("/admin/articles/{draft_id}"),
        &[
            article_form(&section, "Writer draft", "Body.", "submit"),
            vec![("base_revision", "1")],
        ]
        .concat(),
    );
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let edit_other = writer.post(
        &format!("/admin/articles/{existing}"),
        &[
            article_form(&section, "Hijacked", "Body.", "save"),
            vec![("base_revision", "0")],
        ]
        .concat(),
    );
    assert_eq!(edit_other.status, 403, "writers edit only their own");
    assert_eq!(
        app.get("/article/writer-draft").status,
        404,
        "in review is not public"
    );

    let editor = app.login("editor@example.com");
    let dashboard = editor.get("/admin");
    assert!(
        dashboard
            .texts("#review + ul a")
            .contains(&"Writer draft".to_string()),
        "review queue"
    );
    let publish = editor.post(
        &format!("/admin/articles/{draft_id}"),
        &[
            article_form(&section, "Writer draft", "Body.", "publish"),
            vec![("base_revision", "2")],
        ]
        .concat(),
    );
    assert_eq!(publish.status, 303, "{}", publish.body);
    assert_eq!(app.get("/article/writer-draft").status, 200);
    assert_eq!(
        writer.get(&format!("/admin/articles/{draft_id}")).status,
        403,
        "published: editors only"
    );

    let admin = app.login("admin@example.com");
    let audit = admin.get("/admin/audit");
    let actions = audit.texts("tbody td:nth-child(3)");
    for action in ["login", "article.published"] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} in {actions:?}"
        );
    }
}

#[test]
fn the_role_matrix_for_every_admin_page() {
    let app = newsroom();
    for (email, role) in [
        ("writer@example.com", Role::Writer),
        ("editor@example.com", Role::Editor),
        ("admin@example.com", Role::Admin),
    ] {
        app.add_staff(email, role);
    }
    let existing = {
        let mut conn = app.db();
        Article::find_by_slug(&mut conn, "existing-story")
            .unwrap()
            .unwrap()
            .id
    };
    let edit = format!("/admin/articles/{existing}");
    let revisions = format!("/admin/articles/{existing}/revisions");
    // page → expected status for anonymous, writer, editor, admin
    let matrix: Vec<(&str, [u16; 4])> = vec![
        ("/admin", [303, 200, 200, 200]),
        ("/admin/articles", [303, 200, 200, 200]),
        ("/admin/articles/new", [303, 200, 200, 200]),
        (&edit, [303, 403, 200, 200]),
        (&revisions, [303, 403, 200, 200]),
        ("/admin/media", [303, 200, 200, 200]),
        ("/admin/authors", [303, 403, 200, 200]),
        ("/admin/tags", [303, 403, 200, 200]),
        ("/admin/sections", [303, 403, 403, 200]),
        ("/admin/users", [303, 403, 403, 200]),
        ("/admin/audit", [303, 403, 403, 200]),
    ];
    let sessions = [
        None,
        Some(app.login("writer@example.com")),
        Some(app.login("editor@example.com")),
        Some(app.login("admin@example.com")),
    ];
    for (path, expected) in &matrix {
        for (who, session) in sessions.iter().enumerate() {
            let status = match session {
                Some(session) => session.get(path).status,
                None => app.get(path).status,
            };
            assert_eq!(
                status,
                expected[who],
                "{} GET {path}",
                ["anonymous", "writer", "editor", "admin"][who]
            );
        }
    }
    // Every state-changing route refuses anonymous requests before reading them.
    for path in [
        "/admin/articles",
        &edit,
        "/admin/media",
        "/admin/sections",
        "/admin/users",
        "/admin/logout",
    ] {
        assert_eq!(
            app.post_form(path, &[], &[("csrf_token", "x")]).status,
            303,
            "anonymous POST {path}"
        );
    }
}

#[test]
fn hostile_admin_requests_get_clear_answers_never_server_errors() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let admin = app.login("admin@example.com");
    let gets = [
        "/admin/articles?page=0",
        "/admin/articles?page=abc",
        "/admin/articles?section=abc&author=%FF&status=%27%20OR%201%3D1",
        "/admin/articles?q=%25%25%5F%5C",
        "/admin/articles/abc",
        "/admin/articles/999999",
        "/admin/articles/1/revisions/999",
        "/admin/articles/1/revisions/abc",
        "/admin/media?q=%27%22%3Cscript%3E",
        "/admin/sections?edit=999999",
        "/admin/authors?edit=abc",
        "/admin/audit?page=-1",
    ];
    for path in gets {
        let status = admin.get(path).status;
        assert!((200..500).contains(&status), "GET {path} answered {status}");
    }
    let posts: [(&str, &[(&str, &str)]); 6] = [
        (
            "/admin/articles/999999",
            &[("headline", "x"), ("action", "save")],
        ),
        ("/admin/articles/1/revisions/999/restore", &[]),
        (
            "/admin/articles",
            &[("headline", "x"), ("action", "explode")],
        ),
        ("/admin/sections/999999/delete", &[]),
        ("/admin/users/999999", &[("role", "admin")]),
        ("/admin/tags/999999", &[("name", "x")]),
    ];
    for (path, form) in posts {
        let status = admin.post(path, form).status;
        assert!(
            (300..500).contains(&status),
            "POST {path} answered {status}"
        );
    }
}
