//! The Big List of Naughty Strings (tests/data/blns) against every public route's parameters
//! and the admin forms: never a server error, never markup reflected raw, and a refused form
//! comes back with what was typed.

use gazette::models::Role;

use super::admin::{article_form, newsroom, section_id};

fn naughty_strings() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/blns/blns.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Percent-encodes everything but unreserved characters (for a path segment or a query value).
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Markup that would run if it came back unescaped.
fn is_markup(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "<script", "<img", "<svg", "<iframe", "<body", "onerror=", "onload=",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

#[test]
fn naughty_strings_in_public_parameters_get_clear_answers() {
    let app = newsroom();
    for text in naughty_strings() {
        let value = encoded(&text);
        for path in [
            format!("/search?q={value}"),
            format!("/search?q=harbour&page={value}"),
            format!("/search?q=harbour&section={value}&from={value}&to={value}"),
            format!("/section/{value}"),
            format!("/article/{value}"),
            format!("/author/{value}"),
            format!("/tag/{value}"),
            format!("/section/world?page={value}"),
        ] {
            let response = app.get(&path);
            assert!(response.status < 500, "{path}: {}", response.status);
            if is_markup(&text) {
                assert!(
                    !response.body.contains(&text),
                    "{path} reflects {text:?} raw"
                );
            }
        }
    }
}

#[test]
fn naughty_strings_in_admin_forms_are_saved_or_sent_back_never_a_server_error() {
    let app = newsroom();
    app.add_staff("editor@example.com", Role::Editor);
    let editor = app.login("editor@example.com");
    let section = section_id(&app);
    for (n, text) in naughty_strings().into_iter().enumerate() {
        let headline = format!("{text} {n}");
        let form = article_form(&section, &headline, &text, "save");
        let saved = editor.post("/admin/articles", &form);
        assert!(
            matches!(saved.status, 303 | 422),
            "article {text:?}: {}",
            saved.status
        );
        if saved.status == 422 {
            assert!(
                !saved.texts(".form-error").is_empty(),
                "{text:?}: a message"
            );
        }
        if is_markup(&text) {
            assert!(!saved.body.contains(&text), "{text:?} reflected raw");
        }
        // Renaming the newsroom's tag ("Climate", id 1) to it.
        let tag = editor.post("/admin/tags/1", &[("name", &text), ("slug", &text)]);
        assert!(
            matches!(tag.status, 303 | 409 | 422),
            "tag {text:?}: {}",
            tag.status
        );
        let author = editor.post(
            "/admin/authors",
            &[("name", &text), ("slug", &text), ("bio", &text)],
        );
        assert!(
            matches!(author.status, 303 | 409 | 422),
            "author {text:?}: {}",
            author.status
        );
    }
}

#[test]
fn naughty_strings_in_the_admins_forms_and_uploads_never_cause_a_server_error() {
    let app = newsroom();
    app.add_staff("admin@example.com", Role::Admin);
    let admin = app.login("admin@example.com");
    let picture = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(8, 6)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    for (n, text) in naughty_strings().into_iter().enumerate() {
        let section = admin.post(
            "/admin/sections",
            &[
                ("name", &text),
                ("slug", &text),
                ("description", &text),
                ("position", &text),
            ],
        );
        assert!(
            matches!(section.status, 303 | 409 | 422),
            "section {text:?}: {}",
            section.status
        );
        let email = format!("{n}@example.com");
        let account = admin.post(
            "/admin/users",
            &[
                ("email", &text),
                ("name", &text),
                ("role", &text),
                ("password", &text),
            ],
        );
        assert!(
            matches!(account.status, 303 | 409 | 422),
            "account {text:?}: {}",
            account.status
        );
        let named = admin.post(
            "/admin/users",
            &[
                ("email", &email),
                ("name", &text),
                ("role", "writer"),
                ("password", "long enough password"),
            ],
        );
        assert!(
            matches!(named.status, 303 | 409 | 422),
            "named {text:?}: {}",
            named.status
        );
        // Uploads decode an image each: every fourth string is enough for the text fields.
        if n % 4 == 0 {
            let token = admin.csrf_token();
            let upload = app.post_multipart(
                "/admin/media",
                &[("Cookie", &format!("gazette_session={}", admin.cookie))],
                &[("csrf_token", &token), ("alt", &text), ("credit", &text)],
                ("naughty.png", "image/png", &picture),
            );
            assert!(
                matches!(upload.status, 303 | 422),
                "upload {text:?}: {}",
                upload.status
            );
        }
        for response in [&section, &account, &named] {
            if is_markup(&text) {
                assert!(!response.body.contains(&text), "{text:?} reflected raw");
            }
        }
    }
}
