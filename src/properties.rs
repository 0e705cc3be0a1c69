//! Property tests: arbitrary and hostile text through everything that takes text from outside
//! (slugs, page numbers, the Markdown sanitizer, feed and sitemap escaping). The search query
//! builder has its own in `search::query`.

use proptest::prelude::*;

/// Arbitrary text with the pieces attackers and unlucky pastes bring mixed in.
pub fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("[link](javascript:alert(1))".to_string()),
        Just("<a href=\"JaVaScRiPt:alert(1)\">x</a>".to_string()),
        Just("<svg onload=alert(1)>".to_string()),
        Just("\"'><iframe src=//evil.example>".to_string()),
        Just("![x](javascript:alert(1))".to_string()),
        Just("<style>*{}</style>".to_string()),
        Just("\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}\u{fffe}\u{ffff}".to_string()),
        Just("' OR 1=1 -- ".to_string()),
        Just("]]><!--".to_string()),
        Just("\n\n> ".to_string()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn slugs_are_always_url_safe(typed in hostile_text(), name in hostile_text()) {
        let slug = crate::forms::slug_from(&typed, &name);
        prop_assert!(
            slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{slug:?}"
        );
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
    }

    #[test]
    fn page_numbers_parse_or_are_a_400(raw in hostile_text()) {
        match crate::pagination::parse_page(Some(&raw)) {
            Ok(page) => prop_assert!((1..=100_000).contains(&page)),
            Err(error) => prop_assert_eq!(
                actix_web::ResponseError::status_code(&error).as_u16(),
                400
            ),
        }
    }

    #[test]
    fn sanitized_bodies_never_carry_script(source in hostile_text()) {
        let html = crate::markdown::render(&source).html;
        let fragment = scraper::Html::parse_fragment(&html);
        for node in fragment.tree.nodes() {
            if let Some(element) = node.value().as_element() {
                let name = element.name();
                prop_assert!(
                    !matches!(name, "script" | "style" | "iframe" | "object" | "embed" | "svg"),
                    "<{name}> in {html:?}"
                );
                for (attribute, value) in element.attrs() {
                    prop_assert!(!attribute.starts_with("on"), "{attribute} in {html:?}");
                    let value: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    prop_assert!(
                        !value.starts_with("javascript:") && !value.starts_with("data:"),
                        "{attribute}={value} in {html:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn feeds_and_sitemaps_are_always_well_formed_xml(title in hostile_text(), link in hostile_text()) {
        use askama::Template;
        use crate::handlers::crawl::feed::{FeedItem, RssFeed};
        use crate::handlers::crawl::sitemap::{NewsEntry, NewsSitemap, UrlEntry, UrlSet};
        let feed = RssFeed {
            title: title.clone(),
            link: link.clone(),
            self_link: link.clone(),
            description: title.clone(),
            last_build_date: String::new(),
            items: vec![FeedItem {
                title: title.clone(),
                link: link.clone(),
                description: title.clone(),
                pub_date: "Tue, 01 Dec 2026 12:00:00 +0000".into(),
                authors: vec![title.clone()],
                category: title.clone(),
                image: Some((link.clone(), 1200, 675)),
            }],
        };
        let news = NewsSitemap {
            publication_name: title.clone(),
            articles: vec![NewsEntry {
                loc: link.clone(),
                title: title.clone(),
                publication_date: "2026-12-01T12:00:00Z".into(),
            }],
        };
        let urls = UrlSet {
            urls: vec![UrlEntry { loc: link.clone(), last_modified: None }],
        };
        for xml in [feed.render().unwrap(), news.render().unwrap(), urls.render().unwrap()] {
            prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml}");
        }
    }
}
