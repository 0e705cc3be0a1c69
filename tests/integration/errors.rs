//! Error pages are real pages: the site layout, a helpful message, the right status.

use crate::support::TestApp;

#[test]
fn not_found_page_is_rendered_in_the_layout() {
    let app = TestApp::with_demo();
    for path in [
        "/no/such/page",
        "/article/missing",
        "/section/missing",
        "/static/nothing.png",
    ] {
        let response = app.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(response.texts("h1"), vec!["Page not found"], "{path}");
        assert!(
            response
                .attrs(".section-nav a", "href")
                .contains(&"/section/world".to_string()),
            "navigation on the 404 page for {path}"
        );
        assert_eq!(
            response.attrs("meta[name=robots]", "content"),
            vec!["noindex, follow"]
        );
    }
}

#[test]
fn bad_requests_get_a_helpful_page_never_a_server_error() {
    let app = TestApp::with_demo();
    let hostile = [
        "/section/world?page=%00",
        "/section/world?page=1e9",
        "/section/%FF%FE",
        "/article/%C0%AF",
        "/author/..%2F..%2Fetc%2Fpasswd",
        "/tag/%27%20or%201%3D1--",
        "/article/a%00b",
        "/static/..%2F..%2FCargo.toml",
    ];
    for path in hostile {
        let response = app.get(path);
        assert!(
            [400, 404].contains(&response.status),
            "{path} answered {}",
            response.status
        );
        assert!(
            response.body.contains("<h1>"),
            "{path} renders the error page"
        );
    }
}

#[test]
fn methods_other_than_get_and_head_are_refused_cleanly() {
    let app = TestApp::with_demo();
    let response = app.request("POST", "/section/world", &[]);
    assert!(
        response.status == 404 || response.status == 405,
        "{}",
        response.status
    );
    assert!(response.body.contains("<h1>"));
}

#[test]
fn a_server_error_shows_the_error_page_without_the_cause() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::with_demo();
    // Break the database behind the app's back: the article page's tag query now fails.
    app.db().batch_execute("DROP TABLE article_tags;").unwrap();
    let response = app.get("/article/harbourton-win-the-derby-with-a-stoppage-time-header");
    assert_eq!(response.status, 500);
    assert_eq!(response.texts("h1"), vec!["Something went wrong"]);
    assert!(
        response
            .attrs(".section-nav a", "href")
            .contains(&"/section/world".to_string())
    );
    assert!(
        !response.body.contains("article_tags"),
        "the cause is logged, not shown"
    );
    assert!(!response.body.to_lowercase().contains("no such table"));
}
