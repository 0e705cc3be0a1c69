//! The admin panel, one file per area. Shared here: a small newsroom and the article form.

mod access;
mod articles;
mod bulk;
mod management;
mod media;
mod roles;
mod sessions;

use crate::support::{Newsroom, TestApp};

pub fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        Newsroom::article(conn, "Existing story", &world, &[&ana], &["Climate"], 5);
    })
}

pub fn section_id(app: &TestApp) -> String {
    let mut conn = app.db();
    gazette::models::Section::find_by_slug(&mut conn, "world")
        .unwrap()
        .id
        .to_string()
}

pub fn article_form<'a>(
    section: &'a str,
    headline: &'a str,
    body: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("headline", headline),
        ("dek", "A standfirst."),
        ("body_markdown", body),
        ("section_id", section),
        ("authors", "ana-lima"),
        ("tags", "Climate, Oceans"),
        ("hero_image_url", "/static/img/demo/harbour.jpg"),
        ("hero_image_alt", "A harbour at dawn"),
        ("action", action),
    ]
}

pub fn created_id(response: &crate::support::Response) -> i32 {
    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location").unwrap();
    location
        .trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("article id in {location}"))
}
