//! Crawls the demo site from the front page over every internal link: nothing is broken.

use std::collections::{BTreeSet, VecDeque};

use crate::support::TestApp;

/// Internal URLs a page points at: links, stylesheets, icons and images.
fn internal_urls(body: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(body);
    let selector = scraper::Selector::parse("a[href], link[href], img[src]").unwrap();
    html.select(&selector)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .filter(|url| url.starts_with('/') && !url.starts_with("//"))
        .map(|url| url.split('#').next().unwrap_or_default().to_string())
        .filter(|url| !url.is_empty())
        .collect()
}

/// What a crawl from the front page over every internal link found.
pub(crate) struct Crawl {
    /// Every internal URL linked from a page reached.
    pub seen: BTreeSet<String>,
    /// HTML pages reached.
    pub pages: usize,
    /// Links that answered 4xx or 5xx, with the status.
    pub broken: Vec<String>,
}

pub(crate) fn crawl(app: &TestApp) -> Crawl {
    let mut queue = VecDeque::from(["/".to_string()]);
    let mut seen = BTreeSet::from(["/".to_string()]);
    let mut broken = Vec::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        let response = app.get(&path);
        if response.status >= 400 {
            broken.push(format!("{} {path}", response.status));
            continue;
        }
        let is_html = response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if !is_html {
            continue;
        }
        pages += 1;
        for url in internal_urls(&response.body) {
            if seen.insert(url.clone()) {
                queue.push_back(url);
            }
        }
    }
    Crawl {
        seen,
        pages,
        broken,
    }
}

#[test]
fn every_internal_link_of_the_demo_site_works() {
    let app = TestApp::with_demo();
    let Crawl {
        seen,
        pages,
        broken,
    } = crawl(&app);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    // 6 sections, 7 authors, 81 articles and their tags: the crawl must have reached them.
    assert!(pages > 130, "only {pages} pages reached");
    for expected in [
        "/section/sport",
        "/author/lena-vogel",
        "/feed.xml",
        "/tag/climate",
    ] {
        assert!(seen.contains(expected), "{expected} never linked");
    }
    let articles = seen.iter().filter(|u| u.starts_with("/article/")).count();
    assert_eq!(articles, 81, "every published demo article is reachable");
}
