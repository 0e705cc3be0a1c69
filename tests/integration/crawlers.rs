//! What search engines and feed readers see: head metadata, JSON-LD, sitemaps, feeds, robots.txt,
//! validators and 304s, compression, canonical redirects.

use std::collections::BTreeSet;

use gazette::models::ArticleStatus;
use serde_json::Value;

use crate::support::{Newsroom, Response, TestApp};

pub const LONG_HEADLINE: &str = "An extraordinarily long headline that keeps going well past the length that search engines show in their results pages today";

pub fn newsroom_with(chunk_size: i64) -> TestApp {
    TestApp::with_config(
        |conn| {
            let world = Newsroom::section(conn, "World", "world");
            let sport = Newsroom::section(conn, "Sport", "sport");
            let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
            let ben = Newsroom::author(conn, "Ben Cole", "ben-cole");
            Newsroom::article(conn, "Fresh news", &world, &[&ana], &["Climate"], 1);
            Newsroom::article(
                conn,
                "Yesterday's news",
                &world,
                &[&ana, &ben],
                &["Climate", "Oceans"],
                47,
            );
            Newsroom::article(conn, "Older news", &sport, &[&ben], &["Football"], 49);
            Newsroom::article(conn, LONG_HEADLINE, &sport, &[&ben], &["Football"], 100);
            let mut draft = Newsroom::input("Unfinished draft", &world, &[&ana], &["Climate"], 2);
            draft.status = ArticleStatus::Draft;
            Newsroom::store(conn, None, &draft);
            Newsroom::article(conn, "Last week", &world, &[&ana], &[], 170);
        },
        |config| config.sitemap_chunk_size = chunk_size,
    )
}

pub(crate) fn json_ld(response: &Response) -> Vec<Value> {
    response
        .html()
        .select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
        .map(|script| serde_json::from_str(&script.inner_html()).expect("valid JSON-LD"))
        .collect()
}

pub(crate) fn of_type<'a>(documents: &'a [Value], kind: &str) -> &'a Value {
    documents
        .iter()
        .find(|d| d["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {documents:#?}"))
}

pub(crate) fn meta(response: &Response, property: &str) -> Vec<String> {
    let by_property = response.attrs(&format!("meta[property='{property}']"), "content");
    if by_property.is_empty() {
        response.attrs(&format!("meta[name='{property}']"), "content")
    } else {
        by_property
    }
}

#[test]
fn every_page_has_a_unique_title_description_canonical_and_social_cards() {
    let app = newsroom_with(50_000);
    let base = &app.base_url;
    let pages = [
        "/",
        "/section/world",
        "/article/fresh-news",
        "/author/ana-lima",
        "/tag/climate",
    ];
    let mut titles = BTreeSet::new();
    for path in pages {
        let page = app.get(path);
        assert_eq!(page.status, 200, "{path}");
        let title = page.texts("title").remove(0);
        assert!(
            titles.insert(title.clone()),
            "title {title:?} repeated on {path}"
        );
        assert!(
            !meta(&page, "description")[0].is_empty(),
            "description on {path}"
        );
        let canonical = format!("{base}{}", path);
        assert_eq!(
            page.attrs("link[rel=canonical]", "href"),
            vec![canonical.clone()]
        );
        assert_eq!(meta(&page, "og:url"), vec![canonical], "{path}");
        for property in ["og:type", "og:title", "og:description", "og:site_name"] {
            assert_eq!(meta(&page, property).len(), 1, "{property} on {path}");
        }
        let image = meta(&page, "og:image").remove(0);
        assert!(image.starts_with("http://"), "absolute og:image on {path}");
        assert!(meta(&page, "og:image:width")[0].parse::<u32>().unwrap() >= 600);
        assert!(meta(&page, "og:image:height")[0].parse::<u32>().unwrap() >= 300);
        assert_eq!(meta(&page, "twitter:card"), vec!["summary_large_image"]);
        assert!(
            meta(&page, "robots")[0].contains("max-image-preview:large"),
            "{path}"
        );
        let feeds = page.attrs("link[rel=alternate][type='application/rss+xml']", "href");
        assert!(
            feeds.contains(&format!("{base}/feed.xml")),
            "site feed on {path}"
        );
    }
    let paginated = app.get("/section/world?page=1");
    assert_eq!(
        paginated.attrs("link[rel=canonical]", "href"),
        vec![format!("{base}/section/world")],
        "page 1 is canonical without the parameter"
    );
}

#[test]
fn article_pages_carry_article_properties_and_news_article_json_ld() {
    let app = newsroom_with(50_000);
    let base = app.base_url.clone();
    let page = app.get("/article/yesterday-s-news");
    assert_eq!(meta(&page, "og:type"), vec!["article"]);
    assert_eq!(
        meta(&page, "og:image"),
        vec![format!("{base}/static/img/demo/harbour.jpg")]
    );
    assert_eq!(meta(&page, "og:image:width"), vec!["1200"]);
    assert_eq!(meta(&page, "article:section"), vec!["World"]);
    assert_eq!(meta(&page, "article:tag"), vec!["Climate", "Oceans"]);
    let published = meta(&page, "article:published_time").remove(0);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&published).is_ok(),
        "{published}"
    );
    assert!(meta(&page, "article:modified_time")[0] >= published);
    assert!(
        page.attrs("link[rel=alternate]", "href")
            .contains(&format!("{base}/section/world/feed.xml"))
    );

    let documents = json_ld(&page);
    let article = of_type(&documents, "NewsArticle");
    assert_eq!(article["headline"], "Yesterday's news");
    assert_eq!(article["description"], "Standfirst of Yesterday's news.");
    let images: Vec<&str> = article["image"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        images,
        [
            format!("{base}/static/img/demo/harbour.jpg"),
            format!("{base}/static/img/demo/harbour-4x3.jpg"),
            format!("{base}/static/img/demo/harbour-1x1.jpg"),
        ]
    );
    for image in &images {
        let path = image.strip_prefix(&base).unwrap();
        assert_eq!(app.get(path).status, 200, "{path} exists");
    }
    for field in ["datePublished", "dateModified"] {
        let value = article[field].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(value).is_ok(),
            "{field}: {value}"
        );
    }
    let authors = article["author"].as_array().unwrap();
    assert_eq!(authors.len(), 2);
    assert_eq!(authors[0]["@type"], "Person");
    assert_eq!(authors[0]["name"], "Ana Lima");
    assert_eq!(authors[0]["url"], format!("{base}/author/ana-lima"));
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert_eq!(article["publisher"]["name"], "The Gazette");
    assert_eq!(
        article["publisher"]["logo"]["url"],
        format!("{base}/static/img/logo.png")
    );
    assert_eq!(
        article["mainEntityOfPage"]["@id"],
        format!("{base}/article/yesterday-s-news")
    );
    assert_eq!(article["articleSection"], "World");
    assert_eq!(
        article["keywords"],
        serde_json::json!(["Climate", "Oceans"])
    );
    assert!(article["wordCount"].as_i64().unwrap() > 5);

    let crumbs = of_type(&documents, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap()
        .clone();
    let names: Vec<&str> = crumbs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["The Gazette", "World", "Yesterday's news"]);
    assert_eq!(crumbs[1]["item"], format!("{base}/section/world"));

    let long = json_ld(&app.get(&format!("/article/{}", slug::slugify(LONG_HEADLINE))));
    let headline = of_type(&long, "NewsArticle")["headline"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(headline.chars().count() <= 110, "{headline}");
    assert!(headline.starts_with("An extraordinarily long headline"));
}

#[test]
fn home_author_and_section_pages_describe_themselves() {
    let app = newsroom_with(50_000);
    let base = app.base_url.clone();
    assert_eq!(
        meta(&app.get("/"), "description"),
        [
            "The Gazette: Independent reporting on the world, politics, business, science, culture and sport."
        ]
    );
    let home = json_ld(&app.get("/"));
    let website = of_type(&home, "WebSite");
    assert_eq!(website["url"], format!("{base}/"));
    assert_eq!(
        website["potentialAction"]["target"]["urlTemplate"],
        format!("{base}/search?q={{search_term_string}}")
    );
    assert_eq!(
        website["potentialAction"]["query-input"],
        "required name=search_term_string"
    );

    let author_page = app.get("/author/ana-lima");
    assert_eq!(meta(&author_page, "og:type"), vec!["profile"]);
    let author = json_ld(&author_page);
    let profile = of_type(&author, "ProfilePage");
    assert_eq!(profile["mainEntity"]["@type"], "Person");
    assert_eq!(profile["mainEntity"]["name"], "Ana Lima");
    assert_eq!(
        profile["mainEntity"]["sameAs"][0],
        "https://x.com/gazette_reporter"
    );
    assert!(
        author_page
            .attrs("link[rel=alternate]", "href")
            .contains(&format!("{base}/author/ana-lima/feed.xml"))
    );

    let section = json_ld(&app.get("/section/world"));
    assert_eq!(of_type(&section, "CollectionPage")["name"], "World");
    assert_eq!(
        of_type(&section, "BreadcrumbList")["itemListElement"][1]["name"],
        "World"
    );
}

pub fn xml(response: &Response) -> roxmltree::Document<'_> {
    assert!(
        response.header("content-type").unwrap().contains("xml"),
        "XML content type"
    );
    roxmltree::Document::parse(&response.body).expect("well-formed XML")
}

pub fn texts_of(document: &roxmltree::Document, tag: &str) -> Vec<String> {
    document
        .descendants()
        .filter(|n| n.tag_name().name() == tag)
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_admin_and_search() {
    let app = newsroom_with(50_000);
    let robots = app.get("/robots.txt");
    assert_eq!(robots.status, 200);
    assert!(
        robots
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let lines: Vec<&str> = robots.body.lines().collect();
    for expected in [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin",
        "Disallow: /search",
    ] {
        assert!(lines.contains(&expected), "{expected} in {lines:?}");
    }
    assert!(lines.contains(&format!("Sitemap: {}/sitemap.xml", app.base_url).as_str()));
}

#[test]
fn feeds_exist_for_the_site_sections_authors_and_tags() {
    let app = newsroom_with(50_000);
    let base = app.base_url.clone();
    let cases = [
        ("/feed.xml", 5),
        ("/section/world/feed.xml", 3),
        ("/author/ben-cole/feed.xml", 3),
        ("/tag/football/feed.xml", 2),
    ];
    for (path, count) in cases {
        let response = app.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with("application/rss+xml")
        );
        let feed = xml(&response);
        assert_eq!(feed.root_element().attribute("version"), Some("2.0"));
        let items: Vec<_> = feed
            .descendants()
            .filter(|n| n.tag_name().name() == "item")
            .collect();
        assert_eq!(items.len(), count, "{path}");
        for item in items {
            let child = |name: &str| {
                item.children()
                    .find(|c| c.tag_name().name() == name)
                    .and_then(|c| c.text())
                    .unwrap_or_else(|| panic!("{name} in an item of {path}"))
                    .to_string()
            };
            let link = child("link");
            assert!(link.starts_with(&format!("{base}/article/")), "{link}");
            assert_eq!(child("guid"), link);
            assert!(chrono::DateTime::parse_from_rfc2822(&child("pubDate")).is_ok());
            assert!(!child("title").is_empty());
            assert!(!child("creator").is_empty(), "author in {path}");
            assert!(!child("category").is_empty());
            assert!(!child("description").is_empty());
            let media = item
                .children()
                .find(|c| c.tag_name().name() == "content")
                .expect("media:content");
            assert!(media.attribute("url").unwrap().starts_with(&base));
        }
    }
    assert!(!app.get("/feed.xml").body.contains("Unfinished draft"));
    assert_eq!(app.get("/section/nowhere/feed.xml").status, 404);
    assert_eq!(app.get("/tag/nothing/feed.xml").status, 404);
}

#[test]
fn conditional_requests_get_304_without_a_body() {
    let app = newsroom_with(50_000);
    for path in [
        "/",
        "/article/fresh-news",
        "/section/world",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
    ] {
        let first = app.get(path);
        let etag = first
            .header("etag")
            .unwrap_or_else(|| panic!("ETag on {path}"))
            .to_string();
        let again = app.request("GET", path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let changed = app.request("GET", path, &[("If-None-Match", "W/\"0000\"")]);
        assert_eq!(changed.status, 200, "{path} with another tag");
        let head = app.request("HEAD", path, &[("If-None-Match", &etag)]);
        assert_eq!(head.status, 304, "HEAD {path}");
    }
    let article = app.get("/article/fresh-news");
    let modified = article
        .header("last-modified")
        .expect("Last-Modified on articles")
        .to_string();
    let since = app.request(
        "GET",
        "/article/fresh-news",
        &[("If-Modified-Since", &modified)],
    );
    assert_eq!(since.status, 304);
    let earlier = app.request(
        "GET",
        "/article/fresh-news",
        &[("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    );
    assert_eq!(earlier.status, 200);
    assert!(app.get("/feed.xml").header("last-modified").is_some());
}

#[test]
fn responses_are_compressed_when_asked_and_vary_on_encoding() {
    let app = newsroom_with(50_000);
    for (encoding, expected) in [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")] {
        let response = app.request("GET", "/", &[("Accept-Encoding", encoding)]);
        assert_eq!(
            response.header("content-encoding"),
            Some(expected),
            "{encoding}"
        );
        assert!(
            response
                .header("vary")
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
    }
    let plain = app.request("GET", "/", &[("Accept-Encoding", "identity")]);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.contains("</html>"));
}

#[test]
fn non_canonical_urls_redirect_permanently() {
    let app = newsroom_with(50_000);
    let cases = [
        ("/section/world/", "/section/world"),
        ("/Section/World", "/section/world"),
        ("/ARTICLE/Fresh-News/", "/article/fresh-news"),
        ("/section/world/?page=1", "/section/world?page=1"),
        ("/feed.xml/", "/feed.xml"),
    ];
    for (from, to) in cases {
        let response = app.get(from);
        assert_eq!(response.status, 301, "{from}");
        assert_eq!(response.header("location"), Some(to), "{from}");
    }
}

#[test]
fn public_pages_are_cacheable_and_the_static_files_immutable() {
    let app = newsroom_with(50_000);
    for path in ["/", "/article/fresh-news", "/feed.xml", "/sitemap.xml"] {
        let page = app.get(path);
        let cache = page.header("cache-control").unwrap();
        assert!(
            cache.contains("public") && cache.contains("must-revalidate"),
            "{path}: {cache}"
        );
        let shared = page.header("surrogate-control").unwrap();
        assert!(
            shared.contains("max-age=60") && shared.contains("stale-while-revalidate"),
            "{path}: {shared}"
        );
    }
}
