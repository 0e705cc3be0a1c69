//! Pages no editor described: an article without a hero image or standfirst, and a section,
//! an author and a tag without descriptions, as a search engine reads them.

use std::collections::BTreeMap;

use gazette::models::{ArticleStatus, NewAuthor, NewSection, Section};

use crate::crawlers::{json_ld, meta, of_type, xml};
use crate::support::{Newsroom, TestApp, now};

const BODY: &str = "## Harbour lights\n\nThe **lighthouse keepers** of the north shore met \
[on Tuesday](https://example.com/minutes) <b>to vote</b> on a plan that would keep every lamp \
burning through the winter storms, whatever the cost to the council's budget this year and the \
next.\n\nMore paragraphs follow.";

/// A section and an author without descriptions, 22 articles in the section (two pages), the
/// newest without hero image or standfirst and tagged with a new tag.
fn undescribed_newsroom() -> TestApp {
    TestApp::with(|conn| {
        let section = Section::insert(
            conn,
            &NewSection {
                name: "Coast",
                slug: "coast",
                description: "",
                position: 0,
                created_at: now(),
                updated_at: now(),
            },
        )
        .unwrap();
        let author = gazette::models::Author::insert(
            conn,
            &NewAuthor {
                name: "Mara Quill",
                slug: "mara-quill",
                job_title: "",
                bio: "",
                created_at: now(),
                updated_at: now(),
                ..NewAuthor::default()
            },
        )
        .unwrap();
        for hours_ago in 2..23 {
            let headline = format!("Coastal report number {hours_ago}");
            Newsroom::article(conn, &headline, &section, &[&author], &[], hours_ago);
        }
        let mut bare = Newsroom::input(
            "Keepers vote to keep the lamps lit",
            &section,
            &[&author],
            &["Lighthouses"],
            1,
        );
        bare.dek = String::new();
        bare.hero_image = None;
        bare.body_markdown = BODY.to_string();
        bare.status = ArticleStatus::Published;
        Newsroom::store(conn, None, &bare);
    })
}

fn description(app: &TestApp, path: &str) -> String {
    let page = app.get(path);
    assert_eq!(page.status, 200, "{path}");
    let described = meta(&page, "description");
    assert_eq!(described.len(), 1, "{path}: one description");
    assert!(!described[0].trim().is_empty(), "{path}: empty description");
    described[0].clone()
}

#[test]
fn an_article_without_a_hero_shows_the_site_image_in_three_shapes() {
    let app = undescribed_newsroom();
    let page = app.get("/article/keepers-vote-to-keep-the-lamps-lit");
    assert_eq!(page.status, 200);
    let base = &app.base_url;

    let documents = json_ld(&page);
    let article = of_type(&documents, "NewsArticle");
    let images = article["image"].as_array().expect("an image list");
    assert_eq!(images.len(), 3, "{images:#?}");
    let mut shapes = Vec::new();
    for image in images {
        assert_eq!(image["@type"], "ImageObject");
        let url = image["url"].as_str().unwrap();
        let stated = (
            image["width"].as_u64().unwrap(),
            image["height"].as_u64().unwrap(),
        );
        let path = url
            .strip_prefix(base.as_str())
            .expect("an absolute URL on the site");
        let file = app.get(path);
        assert_eq!(file.status, 200, "{path}");
        let decoded = image::load_from_memory(&file.bytes).expect("an image");
        assert_eq!(
            (decoded.width() as u64, decoded.height() as u64),
            stated,
            "{path}"
        );
        assert!(stated.0 >= 1200, "{path} is {stated:?}");
        shapes.push(stated);
    }
    assert_eq!(shapes, [(1200, 675), (1200, 900), (1200, 1200)]);

    // Open Graph and Twitter name the 16:9 shape.
    let wide = images[0]["url"].as_str().unwrap();
    assert_eq!(meta(&page, "og:image"), [wide]);
    assert_eq!(meta(&page, "og:image:width"), ["1200"]);
    assert_eq!(meta(&page, "og:image:height"), ["675"]);
    assert_eq!(meta(&page, "twitter:image"), [wide]);

    // An article with a hero keeps its own.
    let other = app.get("/article/coastal-report-number-2");
    let own = of_type(&json_ld(&other), "NewsArticle")["image"][0]["url"].clone();
    assert_eq!(own, format!("{base}/static/img/demo/harbour.jpg"));

    // The feed carries the site image for it too.
    let feed = app.get("/feed.xml");
    let document = xml(&feed);
    let item = document
        .descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.children().any(|c| {
                    c.has_tag_name("title")
                        && c.text() == Some("Keepers vote to keep the lamps lit")
                })
        })
        .expect("the article in the feed");
    let media = item
        .children()
        .find(|c| c.tag_name().name() == "content")
        .expect("media:content");
    assert_eq!(media.attribute("url"), Some(wide));
    assert_eq!(media.attribute("width"), Some("1200"));
}

#[test]
fn every_page_describes_itself_once() {
    let app = undescribed_newsroom();
    let article = description(&app, "/article/keepers-vote-to-keep-the-lamps-lit");
    // The start of the body, in whole words, without markup.
    assert!(
        article.starts_with(
            "Harbour lights The lighthouse keepers of the north shore met on Tuesday to vote"
        ),
        "{article}"
    );
    assert!(article.chars().count() <= 160, "{article}");
    assert!(article.ends_with('…'), "{article}");
    assert!(!article.contains(['<', '*', '#', '[']), "{article}");
    let json_ld_description = of_type(
        &json_ld(&app.get("/article/keepers-vote-to-keep-the-lamps-lit")),
        "NewsArticle",
    )["description"]
        .clone();
    assert_eq!(json_ld_description, article.as_str());

    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for path in [
        "/",
        "/article/keepers-vote-to-keep-the-lamps-lit",
        "/article/coastal-report-number-2",
        "/section/coast",
        "/section/coast?page=2",
        "/author/mara-quill",
        "/author/mara-quill?page=2",
        "/tag/lighthouses",
    ] {
        let text = description(&app, path);
        if let Some(other) = seen.insert(text.clone(), path) {
            panic!("{path} and {other} share the description {text:?}");
        }
    }

    let section = description(&app, "/section/coast");
    assert_eq!(
        section,
        "Coast: the latest news and analysis from The Gazette. Newest: “Keepers vote to keep the lamps lit”"
    );
    assert!(description(&app, "/section/coast?page=2").starts_with("Page 2 of 2. Coast: "));
    assert!(
        description(&app, "/author/mara-quill")
            .starts_with("Articles by Mara Quill at The Gazette.")
    );
    assert!(
        description(&app, "/tag/lighthouses")
            .starts_with("Articles about Lighthouses from The Gazette.")
    );
    // The section feed's channel needs a description too.
    let feed = app.get("/section/coast/feed.xml");
    let channel_description = xml(&feed)
        .descendants()
        .find(|n| n.has_tag_name("description"))
        .and_then(|n| n.text().map(str::to_string))
        .unwrap_or_default();
    assert!(
        channel_description.starts_with("Coast: the latest news"),
        "{channel_description}"
    );
}

#[test]
fn the_admin_forms_show_the_description_a_page_falls_back_to() {
    let app = undescribed_newsroom();
    app.add_staff("editor@example.com", gazette::models::Role::Editor);
    app.add_staff("admin@example.com", gazette::models::Role::Admin);
    let admin = app.login("admin@example.com");
    let editor = app.login("editor@example.com");
    let section_id = Section::find_by_slug(&mut app.db(), "coast").unwrap().id;

    let sections = admin.get(&format!("/admin/sections?edit={section_id}"));
    assert_eq!(sections.status, 200);
    let hint = sections.texts("#description-hint").join(" ");
    assert!(hint.contains("Search engines"), "{hint}");
    assert!(
        hint.contains(
            "Coast: the latest news and analysis from The Gazette. Newest: “Keepers vote"
        ),
        "{hint}"
    );

    let authors = editor.get("/admin/authors");
    assert!(authors.texts("#bio-hint").join(" ").contains("(name)"));

    // A tag gets a description of its own, and its page uses it at once.
    let tags = editor.get("/admin/tags");
    let edit = tags
        .attrs("a", "href")
        .into_iter()
        .find(|href| href.starts_with("/admin/tags?edit="))
        .expect("an edit link");
    let form = editor.get(&edit);
    assert!(
        form.texts("#description-hint")
            .join(" ")
            .contains("Articles about Lighthouses from The Gazette.")
    );
    let id = edit.trim_start_matches("/admin/tags?edit=");
    let saved = editor.post(
        &format!("/admin/tags/{id}"),
        &[
            ("name", "Lighthouses"),
            ("slug", "lighthouses"),
            (
                "description",
                "Every lamp on the coast, and the people who keep them.",
            ),
        ],
    );
    assert_eq!(saved.status, 303);
    assert_eq!(
        description(&app, "/tag/lighthouses"),
        "Every lamp on the coast, and the people who keep them."
    );
    // A rename from the list (no description field) keeps it.
    editor.post(
        &format!("/admin/tags/{id}"),
        &[("name", "Lighthouses"), ("slug", "lighthouses")],
    );
    assert_eq!(
        description(&app, "/tag/lighthouses"),
        "Every lamp on the coast, and the people who keep them."
    );
}

#[test]
fn the_front_page_describes_the_site_as_its_setting_says() {
    let app = TestApp::with_config(
        |_| {},
        |config| config.site_description = "News from the north shore, every morning.".into(),
    );
    assert_eq!(
        description(&app, "/"),
        "The Gazette: News from the north shore, every morning."
    );
}

#[test]
fn the_footer_says_what_the_site_description_says() {
    let app = TestApp::with_demo_config(|config| {
        config.site_description = "Local news for the lighthouse coast.".into();
    });
    for path in ["/", "/about", "/no-such-page"] {
        assert_eq!(
            app.get(path).texts(".site-footer__about p:first-of-type"),
            vec!["Local news for the lighthouse coast."],
            "{path}"
        );
    }
}
