//! `gazette import wordpress`: an export written for these tests (classic and block-editor
//! posts, a page, nested categories, every status) imported into an empty site, read as readers
//! and crawlers read it, and imported again.

use std::path::Path;
use std::process::{Command, Output};

use gazette::models::ArticleStatus;

use crate::crawl::{Crawl, crawl};
use crate::support::TestApp;

/// Written for these tests (also imported by tools/check-html, which validates the pages).
const EXPORT: &str = include_str!("../fixtures/wordpress/herald.xml");

fn import(app: &TestApp, file: &Path, extra: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command
        .args(["import", "wordpress", "--database", &app.database_url()])
        .args(["--media-dir", app.state.config.media_dir.to_str().unwrap()])
        .args(extra)
        .arg(file)
        .env_remove("DATABASE_URL");
    let output = command.output().unwrap();
    // Written behind the running server's back: it forgets its pages and menus.
    app.state.apply_remote_change(None);
    output
}

fn stdout(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn articles(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.db();
    gazette::schema::articles::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// The export, and an uploads folder holding the picture it uses (not the missing one).
fn export_with_uploads() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("herald.xml");
    std::fs::write(&file, EXPORT).unwrap();
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2024/05")).unwrap();
    let picture = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    picture.save(uploads.join("2024/05/wall.png")).unwrap();
    (dir, file, uploads)
}

#[test]
fn a_wordpress_site_moves_in_with_its_old_addresses() {
    let app = TestApp::with(|_| {});
    let (_dir, file, uploads) = export_with_uploads();
    let uploads = uploads.to_str().unwrap().to_string();
    let output = import(&app, &file, &["--uploads", &uploads]);
    let report = stdout(&output);
    assert!(output.status.success(), "{report}");
    assert!(report.contains("4 articles"), "{report}");
    assert!(report.contains("2 authors"), "{report}");
    assert!(report.contains("1 pages"), "{report}");
    assert!(report.contains("1 images"), "{report}");
    assert!(report.contains("1 posts with status “private”"), "{report}");
    assert!(report.contains("1 menu items"), "{report}");
    assert!(report.contains("1 comments"), "{report}");
    assert!(report.contains("missing.jpg left out"), "{report}");
    assert!(report.contains("unknown author “nobody”"), "{report}");
    assert!(report.contains("“Local” sat under “news”"), "{report}");

    // The classic post: its text, figure, hero, byline, section, tag and SEO description.
    let page = app.get("/article/harbour-wall-approved");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.texts("h1"),
        vec!["Council approves the harbour wall & a new quay"]
    );
    assert!(
        page.body
            .contains("The council voted 7 to 2 on Tuesday.<br>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Work starts in <strong>June</strong>. [sic]")
    );
    assert_eq!(
        page.texts("figcaption")
            .iter()
            .filter(|c| c.contains("two metres"))
            .count(),
        1
    );
    let images = page.attrs(".story__body img", "src");
    assert_eq!(images.len(), 1, "the missing image is left out: {images:?}");
    assert!(images[0].starts_with("/media/"), "{images:?}");
    assert_eq!(app.get(&images[0]).status, 200);
    let hero = page.attrs(".story__hero img", "src");
    assert!(
        hero.first().is_some_and(|src| src.starts_with("/media/")),
        "{hero:?}"
    );
    assert_eq!(
        page.attrs(".story__hero img", "alt"),
        vec!["The sea wall at dusk"]
    );
    assert!(page.texts(".byline a").contains(&"Ana Lima".to_string()));
    assert_eq!(
        page.attrs("meta[name=description]", "content"),
        vec!["The harbour wall vote, explained."]
    );
    assert!(page.body.contains("href=\"/section/local\""));
    assert!(page.body.contains("href=\"/tag/harbour\""));
    assert!(
        !page.body.contains("ana@herald.example"),
        "e-mail stays private"
    );

    // The block-editor post.
    let ferry = app.get("/article/ferry-timetable");
    assert_eq!(ferry.status, 200);
    assert!(!ferry.body.contains("wp:"), "block comments are gone");
    assert_eq!(
        ferry.texts(".story__body blockquote cite"),
        vec!["The operator"]
    );
    assert_eq!(ferry.texts(".story__body td"), vec!["North", "06:00"]);
    assert!(
        ferry
            .attrs(".story__body a", "href")
            .contains(&"https://video.example/watch/ferry".to_string())
    );
    assert!(
        ferry
            .texts(".byline a")
            .contains(&"Tomás Reyes".to_string())
    );

    // Statuses: the draft and the post in review are in the newsroom, not on the site.
    assert_eq!(app.get("/article/awaiting-review").status, 404);
    let statuses: Vec<ArticleStatus> = {
        use diesel::prelude::*;
        let mut conn = app.db();
        gazette::schema::articles::table
            .order(gazette::schema::articles::id)
            .select(gazette::schema::articles::status)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(
        statuses,
        vec![
            ArticleStatus::Published,
            ArticleStatus::Published,
            ArticleStatus::Draft,
            ArticleStatus::InReview
        ]
    );

    // The page.
    let about = app.get("/about-us");
    assert_eq!(about.status, 200);
    assert_eq!(about.texts("h1"), vec!["About the Herald"]);

    // Every old address answers 301 to a page that answers 200.
    for (old, new) in [
        (
            "/2024/05/12/harbour-wall-approved/",
            "/article/harbour-wall-approved",
        ),
        ("/2024/06/01/ferry-timetable/", "/article/ferry-timetable"),
        ("/?p=101", "/article/harbour-wall-approved"),
        ("/?p=102", "/article/ferry-timetable"),
        ("/?page_id=7", "/about-us"),
        ("/about-us/", "/about-us"),
        ("/category/news/", "/section/news"),
        ("/category/news/local/", "/section/local"),
        ("/?cat=4", "/section/local"),
        ("/category/news/feed/", "/section/news/feed.xml"),
        ("/tag/harbour/", "/tag/harbour"),
        ("/author/ana/", "/author/ana"),
        ("/feed/", "/feed.xml"),
    ] {
        let response = app.get(old);
        assert_eq!(response.status, 301, "{old}");
        assert_eq!(response.header("location"), Some(new), "{old}");
        assert_eq!(app.get(new).status, 200, "{old} → {new}");
    }

    // Nothing links anywhere broken.
    let Crawl { broken, seen, .. } = crawl(&app);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    assert!(seen.contains("/article/ferry-timetable"));

    // Again: nothing new.
    let again = import(&app, &file, &["--uploads", &uploads]);
    let report = stdout(&again);
    assert!(again.status.success(), "{report}");
    assert!(report.contains("imported: nothing"), "{report}");
    assert!(report.contains("already imported: 4 articles"), "{report}");
    assert_eq!(articles(&app), 4);
}

#[test]
fn a_dry_run_reports_and_a_broken_file_stops_without_writing() {
    let app = TestApp::with(|_| {});
    let (dir, file, _uploads) = export_with_uploads();
    let dry = import(&app, &file, &["--dry-run"]);
    let report = stdout(&dry);
    assert!(dry.status.success(), "{report}");
    assert!(report.contains("would import: "), "{report}");
    assert!(report.contains("4 articles"), "{report}");
    assert!(report.contains("no --uploads folder given"), "{report}");
    assert!(report.contains("dry run: nothing was written"), "{report}");
    assert_eq!(articles(&app), 0);
    assert_eq!(app.get("/?p=101").status, 200, "no redirect was written");

    // Cut off in the middle of a post: the line and column, and nothing written.
    let broken = dir.path().join("broken.xml");
    let cut = &EXPORT[..EXPORT.find("<h2>What happens next").unwrap()];
    std::fs::write(
        &broken,
        format!("{cut}]]></content:encoded></channel></rss>"),
    )
    .unwrap();
    let refused = import(&app, &broken, &[]);
    let message = stdout(&refused);
    assert!(!refused.status.success(), "{message}");
    assert!(message.contains("line "), "{message}");
    assert!(message.contains("column "), "{message}");
    assert_eq!(articles(&app), 0);

    // Not an export at all.
    let feed = dir.path().join("feed.xml");
    std::fs::write(
        &feed,
        "<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>",
    )
    .unwrap();
    let refused = import(&app, &feed, &[]);
    assert!(!refused.status.success());
    assert!(stdout(&refused).contains("not a WordPress export"));
    assert_eq!(articles(&app), 0);
}

/// Every field of the page's editor form as a browser would submit it (without its CSRF token,
/// which the session adds, and without its buttons).
fn editor_fields(page: &crate::support::Response) -> Vec<(String, String)> {
    let html = page.html();
    let field = scraper::Selector::parse(
        "form.editor input[name], form.editor textarea[name], form.editor select[name]",
    )
    .unwrap();
    let selected = scraper::Selector::parse("option[selected]").unwrap();
    let mut fields = Vec::new();
    for element in html.select(&field) {
        let value = element.value();
        let name = value.attr("name").unwrap_or_default().to_string();
        let kind = value.attr("type").unwrap_or("text");
        let unticked = matches!(kind, "checkbox" | "radio") && value.attr("checked").is_none();
        if name == "csrf_token" || unticked {
            continue;
        }
        let text = match value.name() {
            "textarea" => element.text().collect::<String>(),
            "select" => element
                .select(&selected)
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or_default()
                .to_string(),
            _ => value.attr("value").unwrap_or_default().to_string(),
        };
        fields.push((name, text));
    }
    fields
}

#[test]
fn an_imported_article_saved_unchanged_in_the_editor_reads_the_same() {
    let app = TestApp::with(|_| {});
    let (_dir, file, uploads) = export_with_uploads();
    let output = import(&app, &file, &["--uploads", uploads.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stdout(&output));
    app.add_staff("editor@example.com", gazette::models::Role::Editor);
    let editor = app.login("editor@example.com");
    for slug in ["harbour-wall-approved", "ferry-timetable"] {
        let path = format!("/article/{slug}");
        let before = app.get(&path);
        let id = {
            let mut conn = app.db();
            gazette::models::Article::id_for_slug(&mut conn, slug)
                .unwrap()
                .unwrap()
        };
        let form = editor.get(&format!("/admin/articles/{id}"));
        assert_eq!(form.status, 200);
        let mut fields = editor_fields(&form);
        fields.push(("action".into(), "save".into()));
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = editor.post(&format!("/admin/articles/{id}"), &borrowed);
        assert_eq!(saved.status, 303, "{slug}: {}", saved.body);
        let after = app.get(&path);
        assert_eq!(after.status, 200);
        let body = |page: &crate::support::Response| {
            let html = page.html();
            let selector = scraper::Selector::parse(".story__body").unwrap();
            html.select(&selector).next().unwrap().inner_html()
        };
        assert_eq!(body(&after), body(&before), "{slug}");
        assert_eq!(after.texts("h1"), before.texts("h1"), "{slug}");
        assert_eq!(
            after.texts(".byline a"),
            before.texts(".byline a"),
            "{slug}"
        );
    }
}
