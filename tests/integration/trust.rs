//! What a security review found, each proven closed over HTTP (logins and accounts: logins.rs).

use std::io::{Read, Write};
use std::net::TcpStream;

use gazette::models::Role;

use crate::support::TestApp;

/// Sends a request exactly as written (an HTTP client would normalise backslashes, and add
/// headers of its own) and returns the status line and the `Location` header.
fn raw(app: &TestApp, head: &str, body: &str) -> (String, Option<String>) {
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{head}\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.lines().next().unwrap_or_default().to_string();
    let location = answer
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_string())
        });
    (status, location)
}

fn raw_get(app: &TestApp, target: &str) -> (String, Option<String>) {
    raw(app, &format!("GET {target} HTTP/1.1"), "")
}

#[test]
fn no_redirect_ever_points_at_another_host() {
    let app = TestApp::with_demo();
    for target in [
        "//evil.example/",
        "//evil.example",
        "/\\evil.example/",
        "/\\/evil.example/",
        "///evil.example/path/",
        "//Evil.Example/?q=1",
    ] {
        let (status, location) = raw_get(&app, target);
        let location = location.unwrap_or_default();
        assert!(
            status.contains(" 301 ") || status.contains(" 404 "),
            "{target}: {status}"
        );
        if status.contains(" 301 ") {
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.starts_with("/\\"),
                "{target} redirects to {location}"
            );
        }
    }
    let (_, location) = raw_get(&app, "//evil.example/");
    assert_eq!(location.as_deref(), Some("/evil.example"));
}

#[test]
fn admin_writes_that_name_no_origin_are_refused() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let token = editor.csrf_token();
    let body = format!("csrf_token={token}");
    let head = |extra: &str| {
        format!(
            "POST /admin/logout HTTP/1.1\r\nCookie: gazette_session={}\r\nContent-Type: application/x-www-form-urlencoded{extra}",
            editor.cookie
        )
    };
    let (neither, _) = raw(&app, &head(""), &body);
    assert!(neither.contains(" 403 "), "{neither}");
    let (null, _) = raw(&app, &head("\r\nOrigin: null"), &body);
    assert!(null.contains(" 403 "), "{null}");
    let (referred, _) = raw(
        &app,
        &head(&format!("\r\nReferer: {}/admin", app.base_url)),
        &body,
    );
    assert!(referred.contains(" 303 "), "{referred}");
}

#[test]
fn the_csrf_token_differs_in_every_page_and_each_one_works() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let (first, second) = (editor.csrf_token(), editor.csrf_token());
    assert_ne!(first, second, "masked afresh in every response");
    let raw: String = {
        use diesel::prelude::*;
        let mut conn = app.db();
        gazette::schema::sessions::table
            .select(gazette::schema::sessions::csrf_token)
            .first(&mut conn)
            .unwrap()
    };
    let page = editor.get("/admin/articles/new");
    assert!(
        !page.body.contains(&raw),
        "the session's token never appears as is"
    );
    let cookie = format!("gazette_session={}", editor.cookie);
    let post = |token: &str| {
        app.post_form(
            "/admin/logout",
            &[("Cookie", &cookie)],
            &[("csrf_token", token)],
        )
        .status
    };
    assert_eq!(
        post(&raw),
        403,
        "the unmasked token is not what forms carry"
    );
    assert_eq!(post(&first), 303);
}

#[test]
fn every_response_carries_the_security_headers_and_https_sites_hsts() {
    let app = TestApp::with_demo();
    for path in ["/", "/admin/login", "/static/css/site.css", "/no-such-page"] {
        let response = app.get(path);
        for header in [
            "content-security-policy",
            "permissions-policy",
            "cross-origin-opener-policy",
            "x-content-type-options",
        ] {
            assert!(response.header(header).is_some(), "{path}: {header}");
        }
        assert_eq!(
            response.header("strict-transport-security"),
            None,
            "plain http"
        );
    }
    let https = TestApp::with_config(
        |_| {},
        |config| config.base_url = "https://news.example.com".into(),
    );
    assert!(
        https
            .get("/")
            .header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age=31536000"))
    );
}

#[test]
fn a_database_out_of_reach_answers_503_and_healthz_says_so() {
    let app = TestApp::with_config(
        |_| {},
        |config| {
            config.db.size = 2;
            config.db.wait = std::time::Duration::from_millis(300);
            config.page_cache_bytes = 0;
        },
    );
    let health = app.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.header("cache-control"), Some("no-store"));
    // Every connection taken (a stuck writer, a database that does not answer).
    let held: Vec<_> = (0..2).map(|_| app.state.pool.get().unwrap()).collect();
    assert_eq!(app.get("/healthz").status, 503);
    let page = app.get("/search?q=harbour");
    assert_eq!(page.status, 503, "{}", page.body);
    assert_eq!(page.header("retry-after"), Some("5"));
    assert!(page.body.contains("try again"), "{}", page.body);
    drop(held);
    assert_eq!(app.get("/healthz").status, 200, "recovers by itself");
}

#[test]
fn an_oversized_upload_is_refused_as_soon_as_it_passes_the_limit() {
    let app = TestApp::with(|_| {});
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let token = editor.csrf_token();
    let boundary = "gazette-oversize-7d1f";
    let mut head = String::new();
    for (name, value) in [
        ("csrf_token", token.as_str()),
        ("alt", "Huge"),
        ("credit", "Desk"),
    ] {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n"
    ));
    // The request claims 30 MB; only a little over 10 MB is ever sent.
    let claimed = head.len() + 30 * 1024 * 1024;
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /admin/media HTTP/1.1\r\nHost: {address}\r\nOrigin: {}\r\nCookie: gazette_session={}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {claimed}\r\n\r\n{head}",
        app.base_url, editor.cookie
    )
    .unwrap();
    let chunk = vec![0u8; 512 * 1024];
    for _ in 0..21 {
        if stream.write_all(&chunk).is_err() {
            break; // the server already answered and closed
        }
    }
    let mut answer = [0u8; 64];
    let read = stream
        .read(&mut answer)
        .expect("an answer before the body ends");
    let status = String::from_utf8_lossy(&answer[..read]).to_string();
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
}
