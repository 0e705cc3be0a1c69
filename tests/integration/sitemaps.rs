//! Sitemaps: stable article chunks, the listing pages, Google News, and the dates the change
//! path stores for them (so the index never scans the archive).

use chrono::{NaiveDateTime, TimeDelta};
use gazette::models::{Article, ArticleStatus, Author, Section};

use crate::crawlers::{LONG_HEADLINE, newsroom_with, texts_of, xml};
use crate::support::{Newsroom, TestApp, now};

/// (loc, lastmod) of every entry of a sitemap or sitemap index.
fn dated_entries(app: &TestApp, path: &str) -> Vec<(String, String)> {
    let response = app.get(path);
    assert_eq!(response.status, 200, "{path}");
    let document = xml(&response);
    let entries: Vec<(String, String)> = document
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "sitemap" | "url"))
        .map(|entry| {
            let text = |tag: &str| {
                entry
                    .children()
                    .find(|c| c.tag_name().name() == tag)
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            let loc = text("loc");
            (loc[app.base_url.len()..].to_string(), text("lastmod"))
        })
        .collect();
    entries
}

fn lastmod<'a>(entries: &'a [(String, String)], path: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|(loc, _)| loc == path)
        .map(|(_, date)| date.as_str())
}

/// Saves an article's new version at `at`, as an editor would.
fn save_at(app: &TestApp, slug: &str, status: ArticleStatus, at: NaiveDateTime) {
    let mut conn = app.db();
    let article = Article::find_by_slug(&mut conn, slug).unwrap().unwrap();
    let section = Section::find(&mut conn, article.section_id).unwrap();
    let ana = Author::find_by_slug(&mut conn, "ana-lima").unwrap();
    let ben = Author::find_by_slug(&mut conn, "ben-cole").unwrap();
    let authors: Vec<&Author> = match slug {
        "fresh-news" => vec![&ana],
        _ => vec![&ben],
    };
    let tags: &[&str] = match slug {
        "fresh-news" => &["Climate"],
        _ => &["Football"],
    };
    let mut input = Newsroom::input(&article.headline, &section, &authors, tags, 1);
    input.dek = "A corrected standfirst.".into();
    input.status = status;
    input.published_at = article.published_at;
    app.store_at(Some(article.id), &input, at);
}

#[test]
fn sitemap_dates_follow_each_change_and_emptied_listings_leave() {
    let app = newsroom_with(2);
    let index_before = dated_entries(&app, "/sitemap.xml");
    let pages_before = dated_entries(&app, "/sitemaps/pages.xml");

    // An hour on, "Fresh news" (id 1: World, Ana Lima, Climate) is corrected.
    let later = now() + TimeDelta::hours(1);
    let later_iso = gazette::dates::iso(&later);
    save_at(&app, "fresh-news", ArticleStatus::Published, later);
    let index = dated_entries(&app, "/sitemap.xml");
    assert_eq!(
        lastmod(&index, "/sitemaps/articles-1.xml"),
        Some(&*later_iso)
    );
    for untouched in ["/sitemaps/articles-2.xml", "/sitemaps/articles-3.xml"] {
        assert_eq!(
            lastmod(&index, untouched),
            lastmod(&index_before, untouched)
        );
    }
    assert_eq!(lastmod(&index, "/sitemaps/pages.xml"), Some(&*later_iso));
    let pages = dated_entries(&app, "/sitemaps/pages.xml");
    for touched in ["/", "/section/world", "/author/ana-lima", "/tag/climate"] {
        assert_eq!(lastmod(&pages, touched), Some(&*later_iso), "{touched}");
    }
    for untouched in ["/section/sport", "/author/ben-cole", "/tag/football"] {
        assert_eq!(
            lastmod(&pages, untouched),
            lastmod(&pages_before, untouched),
            "{untouched}"
        );
    }

    // Both Sport articles (ids 3 and 4, the only ones tagged Football) are withdrawn: their
    // chunk, their section and their tag leave the sitemaps; Ben Cole keeps another article.
    let withdrawn_at = later + TimeDelta::minutes(5);
    save_at(&app, "older-news", ArticleStatus::Unpublished, withdrawn_at);
    let long_slug = slug::slugify(LONG_HEADLINE);
    save_at(&app, &long_slug, ArticleStatus::Unpublished, withdrawn_at);
    let index = dated_entries(&app, "/sitemap.xml");
    assert_eq!(
        lastmod(&index, "/sitemaps/articles-2.xml"),
        None,
        "{index:?}"
    );
    assert_eq!(app.get("/sitemaps/articles-2.xml").status, 404);
    let pages = dated_entries(&app, "/sitemaps/pages.xml");
    assert_eq!(lastmod(&pages, "/section/sport"), None);
    assert_eq!(lastmod(&pages, "/tag/football"), None);
    assert_eq!(
        lastmod(&pages, "/author/ben-cole"),
        Some(&*gazette::dates::iso(&withdrawn_at))
    );
}

#[test]
fn sitemaps_split_articles_into_stable_chunks_and_list_every_page() {
    let app = newsroom_with(2);
    let base = app.base_url.clone();
    let index_response = app.get("/sitemap.xml");
    let index = xml(&index_response);
    assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
    let locations = texts_of(&index, "loc");
    // Six articles with ids 1..=6, one a draft (id 5): chunks (1,2) (3,4) (5,6).
    assert_eq!(
        locations,
        [
            format!("{base}/sitemaps/articles-1.xml"),
            format!("{base}/sitemaps/articles-2.xml"),
            format!("{base}/sitemaps/articles-3.xml"),
            format!("{base}/sitemaps/pages.xml"),
            format!("{base}/sitemaps/news.xml"),
        ]
    );
    for lastmod in texts_of(&index, "lastmod") {
        assert!(
            chrono::DateTime::parse_from_rfc3339(&lastmod).is_ok(),
            "{lastmod}"
        );
    }

    let mut article_urls = Vec::new();
    for n in 1..=3 {
        let response = app.get(&format!("/sitemaps/articles-{n}.xml"));
        let chunk = xml(&response);
        let urls = texts_of(&chunk, "loc");
        assert!(urls.len() <= 2, "chunk {n} has {} URLs", urls.len());
        assert_eq!(
            texts_of(&chunk, "lastmod").len(),
            urls.len(),
            "every URL has lastmod"
        );
        article_urls.extend(urls);
    }
    let expected: Vec<String> = [
        "fresh-news",
        "yesterday-s-news",
        "older-news",
        &slug::slugify(LONG_HEADLINE),
        "last-week",
    ]
    .iter()
    .map(|slug| format!("{base}/article/{slug}"))
    .collect();
    assert_eq!(
        article_urls, expected,
        "every published article once, no draft"
    );
    assert_eq!(app.get("/sitemaps/articles-4.xml").status, 404);
    assert_eq!(app.get("/sitemaps/articles-0.xml").status, 404);
    assert_eq!(app.get("/sitemaps/articles-x.xml").status, 404);

    // A new article lands in a new chunk; the earlier files do not change.
    let before = app.get("/sitemaps/articles-1.xml").body;
    let mut conn = app.db();
    let world = gazette::models::Section::find_by_slug(&mut conn, "world").unwrap();
    Newsroom::article(&mut conn, "Brand new", &world, &[], &[], 0);
    assert_eq!(app.get("/sitemaps/articles-1.xml").body, before);
    assert!(
        app.get("/sitemaps/articles-4.xml")
            .body
            .contains("/article/brand-new")
    );

    let pages_response = app.get("/sitemaps/pages.xml");
    let pages = texts_of(&xml(&pages_response), "loc");
    for path in [
        "/",
        "/section/world",
        "/section/sport",
        "/author/ana-lima",
        "/author/ben-cole",
        "/tag/climate",
        "/tag/oceans",
        "/tag/football",
    ] {
        assert!(
            pages.contains(&format!("{base}{path}")),
            "{path} in pages sitemap"
        );
    }
}

#[test]
fn google_news_sitemap_lists_the_last_two_days_only() {
    let app = newsroom_with(50_000);
    let response = app.get("/sitemaps/news.xml");
    let news = xml(&response);
    let news_ns = "http://www.google.com/schemas/sitemap-news/0.9";
    let titles: Vec<String> = news
        .descendants()
        .filter(|n| n.tag_name().name() == "title" && n.tag_name().namespace() == Some(news_ns))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    assert_eq!(
        titles,
        ["Fresh news", "Yesterday's news"],
        "49 hours old is out"
    );
    assert_eq!(texts_of(&news, "name"), ["The Gazette", "The Gazette"]);
    assert_eq!(texts_of(&news, "language"), ["en", "en"]);
    let dates = texts_of(&news, "publication_date");
    let first = chrono::DateTime::parse_from_rfc3339(&dates[0]).unwrap();
    assert!((chrono::Utc::now() - first.to_utc()) < TimeDelta::hours(2));
}

#[test]
fn the_news_sitemap_window_and_the_footer_year_follow_the_application_clock() {
    use chrono::Datelike;
    let app = newsroom_with(50_000);
    let news = |app: &TestApp| texts_of(&xml(&app.get("/sitemaps/news.xml")), "loc");
    let listed = |urls: &[String], slug: &str| urls.iter().any(|u| u.ends_with(slug));

    let before = news(&app);
    assert!(listed(&before, "/article/fresh-news"), "{before:?}");
    assert!(listed(&before, "/article/yesterday-s-news"), "{before:?}");
    // Ten hours on, the 47-hour-old article has left the 48-hour window; the fresh one stays.
    app.state.clock.advance(TimeDelta::hours(10));
    let after = news(&app);
    assert!(listed(&after, "/article/fresh-news"), "{after:?}");
    assert!(!listed(&after, "/article/yesterday-s-news"), "{after:?}");

    let footer = |app: &TestApp| app.get("/").texts(".site-footer__legal").join(" ");
    let year = app.state.clock.now().year();
    assert!(footer(&app).contains(&year.to_string()));
    app.state.clock.advance(TimeDelta::days(366));
    assert!(
        footer(&app).contains(&(year + 1).to_string()),
        "{}",
        footer(&app)
    );
}

/// A bulk load (an import, a seed, `reindex`) dates every article sitemap file itself, for the
/// chunk size the servers asked for before and for the default one, so the sitemap index's
/// first answer after it does not read the archive (over 5 s at 1,000,000 articles).
#[test]
fn a_bulk_load_dates_the_article_sitemap_files_before_a_crawler_asks() {
    use diesel::prelude::*;
    use gazette::schema::sitemap_chunk_dates as dates;
    let stored = |app: &TestApp| -> Vec<(i64, i64, NaiveDateTime)> {
        dates::table
            .select((dates::chunk_size, dates::number, dates::last_modified))
            .order((dates::chunk_size, dates::number))
            .load(&mut app.db())
            .unwrap()
    };
    let app = newsroom_with(2);
    assert!(
        stored(&app).is_empty(),
        "nothing dated before it is asked for"
    );
    app.get("/sitemap.xml");
    let asked = stored(&app);
    assert_eq!(
        asked
            .iter()
            .map(|(size, n, _)| (*size, *n))
            .collect::<Vec<_>>(),
        [(2, 0), (2, 1), (2, 2)]
    );

    let mut changes = gazette::changes::ChangeSet::bulk(now());
    changes
        .record(&mut app.db(), gazette::changes::Change::ArchiveLoaded)
        .unwrap();

    let after = stored(&app);
    let newest = asked.iter().map(|(_, _, date)| *date).max().unwrap();
    let mut expected = asked.clone();
    expected.push((gazette::models::sitemap::DEFAULT_URLS_PER_FILE, 0, newest));
    assert_eq!(
        after, expected,
        "the same dates, and the default size's file"
    );
}
