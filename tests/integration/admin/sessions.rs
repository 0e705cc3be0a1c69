//! Logging in and out, session lifetimes, CSRF and origin checks, throttling, cookies.

use chrono::TimeDelta;
use gazette::models::Role;

use super::{article_form, newsroom, section_id};
use crate::support::{TestApp, session_cookie};

#[test]
fn login_rotates_the_session_and_logout_ends_it() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);

    let anonymous = app.get("/admin/articles?status=draft");
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location"),
        Some("/admin/login?next=%2Fadmin%2Farticles%3Fstatus%3Ddraft")
    );
    let form = app.get("/admin/login");
    assert_eq!(form.status, 200);
    assert_eq!(form.header("cache-control"), Some("private, no-store"));

    let wrong = app.post_login(
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", "nope nope nope"),
        ],
    );
    let unknown = app.post_login(
        &[],
        &[
            ("email", "nobody@example.com"),
            ("password", "nope nope nope"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong.texts(".form-error"),
        unknown.texts(".form-error"),
        "the same message either way"
    );
    assert_eq!(
        wrong.attrs("#email", "value"),
        vec!["editor@example.com"],
        "email kept"
    );
    assert!(session_cookie(&wrong).is_none());

    let ok = app.post_login(
        &[],
        &[
            ("email", "Editor@Example.com"),
            ("password", "correct horse battery"),
            ("next", "/admin/articles"),
        ],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/admin/articles"));
    let set_cookie = ok.header("set-cookie").unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/admin"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain-http base URL: {set_cookie}"
    );
    let first = session_cookie(&ok).unwrap();
    let dashboard = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={first}"))],
    );
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Articles by status"));

    // A new login presenting the old cookie gets a new session; the old one stops working.
    let again = app.post_login(
        &[("Cookie", &format!("gazette_session={first}"))],
        &[
            ("email", "editor@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    let second = session_cookie(&again).unwrap();
    assert_ne!(first, second);
    let old = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={first}"))],
    );
    assert_eq!(old.status, 303, "the old session id is dead");

    let session = crate::support::StaffSession {
        app: &app,
        cookie: second.clone(),
    };
    let out = session.post("/admin/logout", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/admin/login"));
    let after = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("gazette_session={second}"))],
    );
    assert_eq!(after.status, 303, "logout revokes the session");
}

#[test]
fn sessions_end_after_idle_time_and_on_password_change() {
    let app = newsroom();
    let user = app.add_staff("writer@example.com", Role::Writer);
    let session = app.login("writer@example.com");
    assert_eq!(session.get("/admin").status, 200);
    app.state.clock.advance(TimeDelta::hours(3));
    assert_eq!(session.get("/admin").status, 303, "idle timeout");

    let session = app.login("writer@example.com");
    let mut conn = app.db();
    gazette::accounts::change_password(
        &mut conn,
        &user,
        "another long password",
        None,
        crate::support::now(),
    )
    .unwrap();
    assert_eq!(
        session.get("/admin").status,
        303,
        "password change revokes sessions"
    );
}

#[test]
fn state_changing_requests_need_the_csrf_token_and_our_origin() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let session = app.login("editor@example.com");
    let cookie = format!("gazette_session={}", session.cookie);
    let section = section_id(&app);
    let form = article_form(&section, "Forged story", "Body.", "publish");

    let missing = app.post_form("/admin/articles", &[("Cookie", &cookie)], &form);
    assert!(
        matches!(missing.status, 400 | 403),
        "no token: {}",
        missing.status
    );
    let mut wrong = vec![("csrf_token", "0000")];
    wrong.extend_from_slice(&form);
    assert_eq!(
        app.post_form("/admin/articles", &[("Cookie", &cookie)], &wrong)
            .status,
        403
    );

    let token = session.csrf_token();
    let mut good = vec![("csrf_token", token.as_str())];
    good.extend_from_slice(&form);
    let foreign = app.post_form(
        "/admin/articles",
        &[("Cookie", &cookie), ("Origin", "https://evil.example")],
        &good,
    );
    assert_eq!(foreign.status, 403, "another site's origin");
    assert_eq!(
        app.get("/article/forged-story").status,
        404,
        "nothing was published"
    );

    let own = app.post_form(
        "/admin/articles",
        &[("Cookie", &cookie), ("Origin", &app.base_url)],
        &good,
    );
    assert_eq!(own.status, 303);
    assert_eq!(app.get("/article/forged-story").status, 200);
}

#[test]
fn repeated_failures_are_throttled_with_growing_waits() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let attempt = |password: &str| {
        app.post_login(
            &[],
            &[("email", "editor@example.com"), ("password", password)],
        )
    };
    for _ in 0..6 {
        assert_eq!(attempt("wrong password!").status, 401);
    }
    let blocked = attempt("correct horse battery");
    assert_eq!(blocked.status, 429, "even the right password waits");
    assert!(blocked.body.contains("try again in"), "{}", blocked.body);
    let retry: i64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "first wait is short: {retry}");

    app.state.clock.advance(TimeDelta::seconds(3));
    assert_eq!(attempt("wrong password!").status, 401);
    let longer: i64 = attempt("wrong password!")
        .header("retry-after")
        .unwrap()
        .parse()
        .unwrap();
    assert!(longer > retry, "the wait grows: {longer} after {retry}");

    app.state.clock.advance(TimeDelta::minutes(20));
    assert_eq!(
        attempt("correct horse battery").status,
        303,
        "nobody is locked out for good"
    );
}

#[test]
fn the_session_cookie_is_secure_behind_https() {
    let app = TestApp::with_config(
        |_| {},
        |config| config.base_url = "https://news.example.com".into(),
    );
    app.add_staff("editor@example.com", Role::Editor);
    let response = app.post_login(
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(response.status, 303);
    assert!(response.header("set-cookie").unwrap().contains("Secure"));
}

#[test]
fn admin_page_titles_are_plain_text() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    for path in [
        "/admin",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/articles/1",
        "/admin/media",
    ] {
        let title = editor.get(path).texts("title").remove(0);
        assert!(!title.contains('<'), "{path}: {title}");
        assert!(title.ends_with("| The Gazette"), "{path}: {title}");
    }
}
