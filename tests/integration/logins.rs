//! Staff logins and accounts: the login form's token, throttling that locks out nobody,
//! bounded input, sessions that end, password changes and resets, cookies on https.

use chrono::TimeDelta;
use gazette::models::Role;

use crate::support::{StaffSession, TestApp, now, session_cookie};

#[test]
fn logging_in_needs_the_login_forms_token_and_a_same_site_origin() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let credentials = [
        ("email", "editor@example.com"),
        ("password", "correct horse battery"),
    ];
    // Posted from elsewhere (an attacker's page logging the victim into the attacker's
    // account): no login cookie, no token.
    let forged = app.post_form("/admin/login", &[], &credentials);
    assert_eq!(forged.status, 403);
    assert!(session_cookie(&forged).is_none());
    assert_eq!(forged.attrs("#email", "value"), vec!["editor@example.com"]);
    assert!(forged.texts(".form-error")[0].contains("expired"));
    // The form's own token, but an opaque origin or none at all.
    let opaque = app.post_login(&[("Origin", "null")], &credentials);
    assert_eq!(opaque.status, 403);
    let elsewhere = app.post_login(&[("Origin", "https://evil.example")], &credentials);
    assert_eq!(elsewhere.status, 403);
    assert_eq!(app.post_login(&[], &credentials).status, 303);
}

/// A newsroom behind a reverse proxy on 127.0.0.1, whose clients the proxy names.
fn behind_proxy() -> TestApp {
    let app = TestApp::with_config(
        |_| {},
        |config| config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()],
    );
    app.add_staff("editor@example.com", Role::Editor);
    app
}

fn login_from(app: &TestApp, client: &str, password: &str) -> u16 {
    app.post_login(
        &[("X-Forwarded-For", client)],
        &[("email", "editor@example.com"), ("password", password)],
    )
    .status
}

#[test]
fn a_client_failing_on_an_account_cannot_lock_out_anyone_else() {
    let app = behind_proxy();
    for _ in 0..12 {
        let status = login_from(&app, "203.0.113.9", "a wrong guess!");
        assert!(status == 401 || status == 429, "{status}");
    }
    assert_eq!(
        login_from(&app, "203.0.113.9", "correct horse battery"),
        429,
        "the guesser waits, even with the right password"
    );
    assert_eq!(
        login_from(&app, "198.51.100.7", "correct horse battery"),
        303,
        "the staff member, from their own address, is not locked out"
    );
    // Another address in the guesser's IPv6 /64 is the same guesser.
    for n in 1..=6 {
        login_from(&app, &format!("2001:db8:1:2::{n}"), "a wrong guess!");
    }
    assert_eq!(
        login_from(&app, "2001:db8:1:2::99", "correct horse battery"),
        429
    );
    assert_eq!(
        login_from(&app, "2001:db8:1:3::1", "correct horse battery"),
        303
    );
}

#[test]
fn without_a_trusted_proxy_forwarding_headers_do_not_reset_the_count() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    for n in 0..7 {
        login_from(&app, &format!("192.0.2.{n}"), "a wrong guess!");
    }
    assert_eq!(
        login_from(&app, "192.0.2.200", "correct horse battery"),
        429,
        "a made-up X-Forwarded-For is not a new client"
    );
}

#[test]
fn login_input_is_bounded_and_unknown_emails_are_not_written_down() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let long_email = format!("{}@example.com", "e".repeat(250));
    let response = app.post_login(
        &[],
        &[("email", &long_email), ("password", "whatever it is")],
    );
    assert_eq!(response.status, 422);
    assert!(!response.texts(".form-error").is_empty());
    let long_password = "p".repeat(1_025);
    let response = app.post_login(
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", &long_password),
        ],
    );
    assert_eq!(response.status, 422);
    assert_eq!(
        response.attrs("#email", "value"),
        vec!["editor@example.com"]
    );
    let huge = "x".repeat(5_000);
    let response = app.post_login(
        &[],
        &[("email", "a@b.c"), ("password", "p"), ("pad", &huge)],
    );
    assert_eq!(response.status, 413);

    // Someone types their password into the email field.
    let typed = "hunter2-my-secret";
    assert_eq!(
        app.post_login(&[], &[("email", typed), ("password", "whatever it is")])
            .status,
        401
    );
    let mut conn = app.db();
    let entries = gazette::models::audit::recent(&mut conn, 50, 0).unwrap();
    let failed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "login.failed")
        .collect();
    assert!(!failed.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| !e.subject.contains(typed) && !e.detail.contains(typed)),
        "what was typed as an unknown email is not kept"
    );
    assert!(
        failed.iter().all(|e| e.address == "127.0.0.1"),
        "{failed:?}"
    );
}

#[test]
fn expired_sessions_and_old_login_failures_are_swept() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let editor: StaffSession = app.login("editor@example.com");
    login_from(&app, "127.0.0.1", "a wrong guess!");
    let count = |table: &str| -> i64 {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = app.db();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    };
    let sweep = |at| {
        actix_web::rt::System::new()
            .block_on(gazette::sweep_expired(&app.state, at))
            .unwrap()
    };
    assert_eq!(sweep(now()), (0, 0), "nothing is expired yet");
    assert_eq!(count("sessions"), 1);
    assert_eq!(sweep(now() + TimeDelta::hours(13)), (1, 3));
    assert_eq!(count("sessions"), 0);
    assert_eq!(count("login_throttle"), 0);
    assert_eq!(editor.get("/admin").status, 303);
}

#[test]
fn staff_sessions_end_after_thirty_idle_minutes_by_default() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    app.state.clock.advance(TimeDelta::minutes(25));
    assert_eq!(editor.get("/admin").status, 200);
    app.state.clock.advance(TimeDelta::minutes(31));
    assert_eq!(editor.get("/admin").status, 303);
}

#[test]
fn staff_change_their_own_password_and_their_other_sessions_end() {
    let app = TestApp::with(|_| {});
    app.add_staff("writer@example.com", Role::Writer);
    let here = app.login("writer@example.com");
    let elsewhere = app.login("writer@example.com");
    let page = here.get("/admin/account");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("writer@example.com"));
    let change = |current: &str, new: &str, confirm: &str| {
        here.post(
            "/admin/account/password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("confirm_password", confirm),
            ],
        )
    };
    let wrong = change(
        "not my password",
        "a brand new passphrase",
        "a brand new passphrase",
    );
    assert_eq!(wrong.status, 422);
    assert!(wrong.texts(".form-error")[0].contains("current password"));
    let mismatch = change(
        "correct horse battery",
        "a brand new passphrase",
        "a brand new typo",
    );
    assert_eq!(mismatch.status, 422);
    let short = change("correct horse battery", "short", "short");
    assert_eq!(short.status, 422);
    assert!(short.texts(".form-error")[0].contains("at least"));
    assert_eq!(elsewhere.get("/admin").status, 200, "nothing changed yet");

    let done = change(
        "correct horse battery",
        "a brand new passphrase",
        "a brand new passphrase",
    );
    assert_eq!(done.status, 303);
    assert_eq!(here.get("/admin").status, 200, "this session goes on");
    assert!(
        here.get("/admin/account?changed=1")
            .body
            .contains("Your password was changed")
    );
    assert_eq!(
        elsewhere.get("/admin").status,
        303,
        "the other session ended"
    );
    let old = app.post_login(
        &[],
        &[
            ("email", "writer@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(old.status, 401);
    let new = app.post_login(
        &[],
        &[
            ("email", "writer@example.com"),
            ("password", "a brand new passphrase"),
        ],
    );
    assert_eq!(new.status, 303);
}

#[test]
fn an_admin_reset_gives_a_one_time_password_that_opens_only_the_password_page() {
    let app = TestApp::with(|_| {});
    app.add_staff("admin@example.com", Role::Admin);
    let writer = app.add_staff("writer@example.com", Role::Writer);
    let writer_session = app.login("writer@example.com");
    let admin = app.login("admin@example.com");
    let reset = admin.post(&format!("/admin/users/{}/reset", writer.id), &[]);
    assert_eq!(reset.status, 200);
    let one_time = reset.texts("#one-time-password").remove(0);
    assert_eq!(one_time.len(), 16);
    assert_eq!(
        writer_session.get("/admin").status,
        303,
        "their sessions ended"
    );

    let old = app.post_login(
        &[],
        &[
            ("email", "writer@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(old.status, 401);
    let login = app.post_login(
        &[],
        &[
            ("email", "writer@example.com"),
            ("password", &one_time),
            ("next", "/admin/articles"),
        ],
    );
    assert_eq!(login.status, 303);
    assert_eq!(login.header("location"), Some("/admin/account?first=1"));
    let session = StaffSession {
        app: &app,
        cookie: session_cookie(&login).unwrap(),
    };
    for path in ["/admin", "/admin/articles", "/admin/articles/new"] {
        let page = session.get(path);
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.header("location"), Some("/admin/account?first=1"));
    }
    let account = session.get("/admin/account?first=1");
    assert!(
        account.body.contains("one-time password"),
        "{}",
        account.body
    );
    let changed = session.post(
        "/admin/account/password",
        &[
            ("current_password", &one_time),
            ("new_password", "my very own passphrase"),
            ("confirm_password", "my very own passphrase"),
        ],
    );
    assert_eq!(changed.status, 303);
    assert_eq!(
        session.get("/admin/articles").status,
        200,
        "free to work again"
    );
}

#[test]
fn an_https_site_gives_staff_cookies_the_host_prefix() {
    let app = TestApp::with_config(
        |_| {},
        |config| config.base_url = "https://news.example.com".into(),
    );
    app.add_staff("editor@example.com", Role::Editor);
    let form = app.get("/admin/login");
    let login_cookie = form.header("set-cookie").unwrap().to_string();
    assert!(
        login_cookie.starts_with("__Host-gazette_login="),
        "{login_cookie}"
    );
    assert!(
        login_cookie.contains("Path=/;") || login_cookie.ends_with("Path=/"),
        "{login_cookie}"
    );
    assert!(login_cookie.contains("Secure"), "{login_cookie}");
    let response = app.post_login(
        &[],
        &[
            ("email", "editor@example.com"),
            ("password", "correct horse battery"),
        ],
    );
    assert_eq!(response.status, 303);
    let cookies = response.header("set-cookie").unwrap().to_string();
    let session = cookies
        .split(", ")
        .find(|c| c.starts_with("__Host-gazette_session="))
        .unwrap_or_else(|| panic!("{cookies}"));
    assert!(
        session.contains("Secure") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.contains("Domain"), "{session}");
    // The session works under that name.
    let value = crate::support::cookie_value(&response, "gazette_session").unwrap();
    let dashboard = app.request(
        "GET",
        "/admin",
        &[("Cookie", &format!("__Host-gazette_session={value}"))],
    );
    assert_eq!(dashboard.status, 200);
}
