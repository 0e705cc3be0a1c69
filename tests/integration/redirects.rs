//! Redirects: old addresses kept as data, answering 301 only where the site has nothing else,
//! kept by editors in the admin.

use gazette::models::Role;
use gazette::models::redirect::Redirect;

use crate::admin::newsroom;
use crate::support::now;

#[test]
fn an_old_address_answers_301_only_where_the_site_has_nothing_else() {
    let app = newsroom();
    {
        let mut conn = app.db();
        for (from, to) in [
            ("/who-we-are", "/about"),
            ("/2019/05/12/harbour-wall", "/article/existing-story"),
            ("/?p=123", "/article/existing-story"),
            ("/section/world", "/about"),
        ] {
            Redirect::put(&mut conn, from, to, "admin", now()).unwrap();
        }
    }
    for (asked, expected) in [
        ("/who-we-are", "/about"),
        ("/who-we-are/", "/about"),
        ("/who-we-are/?utm_source=newsletter", "/about"),
        ("/Who-We-Are/", "/about"),
        ("/2019/05/12/harbour-wall/", "/article/existing-story"),
        ("/?p=123", "/article/existing-story"),
        ("/?utm_medium=x&p=123", "/article/existing-story"),
    ] {
        let response = app.get(asked);
        assert_eq!(response.status, 301, "{asked}");
        assert_eq!(response.header("location"), Some(expected), "{asked}");
        assert!(response.header("cache-control").is_some(), "{asked}");
    }
    assert_eq!(
        app.request("HEAD", "/who-we-are", &[]).status,
        301,
        "HEAD too"
    );
    // A live page always wins, and an unknown address is still the 404 page.
    assert_eq!(app.get("/section/world").status, 200);
    assert_eq!(app.get("/?p=999").status, 200, "the front page after all");
    let missing = app.get("/never-was-here");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1"), "the 404 page");
    // The front page is cached, and `/?p=123` still is no front page.
    assert_eq!(app.get("/").status, 200);
    assert_eq!(app.get("/?p=123").status, 301);
}

#[test]
fn editors_keep_redirects_in_the_admin() {
    let app = newsroom();
    app.add_staff("writer@example.com", Role::Writer);
    app.add_staff("editor@example.com", Role::Editor);
    assert_eq!(
        app.login("writer@example.com")
            .get("/admin/redirects")
            .status,
        403
    );
    let editor = app.login("editor@example.com");
    let saved = editor.post(
        "/admin/redirects",
        &[("from", "/old-world/"), ("to", "/section/world")],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let followed = app.get("/old-world");
    assert_eq!(followed.status, 301);
    assert_eq!(followed.header("location"), Some("/section/world"));

    // Repointing the same old address replaces the target.
    let repointed = editor.post(
        "/admin/redirects",
        &[("from", "/old-world"), ("to", "https://example.org/world")],
    );
    assert_eq!(repointed.status, 303);
    assert_eq!(
        app.get("/old-world").header("location"),
        Some("https://example.org/world")
    );

    for (from, to, field, message) in [
        ("old-world", "/x", "from", "starting with /"),
        ("/", "/x", "from", "front page cannot redirect"),
        ("/loop", "/loop/", "to", "cannot lead to itself"),
        ("/chain", "/old-world", "to", "point there directly"),
        (
            "/nowhere",
            "javascript:alert(1)",
            "to",
            "a path on this site",
        ),
    ] {
        let refused = editor.post("/admin/redirects", &[("from", from), ("to", to)]);
        assert_eq!(refused.status, 422, "{from} → {to}");
        assert!(refused.body.contains(message), "{from} → {to}: {message}");
        assert_eq!(refused.attrs("#from", "value"), vec![from], "kept");
        assert_eq!(refused.attrs("#to", "value"), vec![to], "kept");
        assert_eq!(
            refused.attrs(&format!("#{field}"), "aria-invalid"),
            vec!["true"]
        );
    }

    // Many redirects: found by a search, listed 20 a page.
    {
        let mut conn = app.db();
        for n in 0..25 {
            let from = format!("/2018/01/story-{n:02}");
            Redirect::put(&mut conn, &from, "/section/world", "wordpress", now()).unwrap();
        }
    }
    let list = editor.get("/admin/redirects");
    assert_eq!(list.texts("tbody tr").len(), 20);
    assert!(list.body.contains("26 redirects"));
    let second = editor.get("/admin/redirects?page=2");
    assert_eq!(second.texts("tbody tr").len(), 6);
    let found = editor.get("/admin/redirects?q=story-07");
    assert_eq!(found.texts("tbody code"), vec!["/2018/01/story-07"]);

    // Deleted: the old address is a 404 again.
    let id = {
        let mut conn = app.db();
        Redirect::page(&mut conn, "old-world", 1, 0).unwrap()[0].id
    };
    let asked = editor.post(&format!("/admin/redirects/{id}/delete"), &[]);
    assert_eq!(asked.status, 200);
    assert_eq!(app.get("/old-world").status, 301, "asked, not done");
    let deleted = editor.post(
        &format!("/admin/redirects/{id}/delete"),
        &[("confirmed", "yes")],
    );
    assert_eq!(deleted.status, 303);
    assert_eq!(app.get("/old-world").status, 404);
}
