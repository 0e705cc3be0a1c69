//! What a security review found, each proven closed over HTTP.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::support::TestApp;

/// Sends `target` exactly as written (an HTTP client would normalise backslashes) and returns
/// the status line and the `Location` header.
fn raw_get(app: &TestApp, target: &str) -> (String, Option<String>) {
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
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
