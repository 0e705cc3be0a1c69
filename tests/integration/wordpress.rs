//! `gazette import wordpress`: an export written for these tests (classic and block-editor
//! posts, a page, nested categories, every status) imported into an empty site, read as readers
//! and crawlers read it, and imported again.

use std::path::Path;
use std::process::{Command, Output};

use gazette::models::ArticleStatus;

use crate::crawl::{Crawl, crawl};
use crate::support::TestApp;

const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Harbour Herald</title>
	<link>https://herald.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ana]]></wp:author_login><wp:author_email><![CDATA[ana@herald.example]]></wp:author_email><wp:author_display_name><![CDATA[Ana Lima]]></wp:author_display_name></wp:author>
	<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[tomas]]></wp:author_login><wp:author_email><![CDATA[tomas@herald.example]]></wp:author_email><wp:author_display_name><![CDATA[Tomás Reyes]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News &amp; Politics]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[local]]></wp:category_nicename><wp:category_parent><![CDATA[news]]></wp:category_parent><wp:cat_name><![CDATA[Local]]></wp:cat_name></wp:category>
	<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug><![CDATA[harbour]]></wp:tag_slug><wp:tag_name><![CDATA[Harbour]]></wp:tag_name></wp:tag>
	<item>
		<title>The wall, in pictures</title>
		<link>https://herald.example/2024/05/wall-jpg/</link>
		<wp:post_id>30</wp:post_id>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:attachment_url><![CDATA[https://herald.example/wp-content/uploads/2024/05/wall.png]]></wp:attachment_url>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[The sea wall at dusk]]></wp:meta_value></wp:postmeta>
	</item>
	<item>
		<title>Council approves the harbour wall &amp; a new quay</title>
		<link>https://herald.example/2024/05/12/harbour-wall-approved/</link>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<guid isPermaLink="false">https://herald.example/?p=101</guid>
		<content:encoded><![CDATA[The council voted 7 to 2 on Tuesday.
It was a long night.

[caption id="attachment_30" align="alignnone" width="800"]<img src="https://herald.example/wp-content/uploads/2024/05/wall.png" alt="The sea wall at dusk" width="800" height="600" /> The wall will rise two metres.[/caption]

<h2>What happens next</h2>

Work starts in <strong>June</strong>. [sic] A map is at <a href="https://herald.example/maps/">our maps page</a>.

<img src="https://herald.example/wp-content/uploads/2024/05/missing.jpg" alt="Lost" />]]></content:encoded>
		<excerpt:encoded><![CDATA[Seven votes to two for the new wall.]]></excerpt:encoded>
		<wp:post_id>101</wp:post_id>
		<wp:post_date><![CDATA[2024-05-12 10:30:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-05-12 08:30:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[harbour-wall-approved]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="local"><![CDATA[Local]]></category>
		<category domain="post_tag" nicename="harbour"><![CDATA[Harbour]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[30]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_yoast_wpseo_metadesc]]></wp:meta_key><wp:meta_value><![CDATA[The harbour wall vote, explained.]]></wp:meta_value></wp:postmeta>
		<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Great news]]></wp:comment_content></wp:comment>
	</item>
	<item>
		<title>Ferry timetable changes for summer</title>
		<link>https://herald.example/2024/06/01/ferry-timetable/</link>
		<dc:creator><![CDATA[tomas]]></dc:creator>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>The first ferry leaves at <em>six</em>.</p>
<!-- /wp:paragraph -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>We listened to commuters.</p>
<!-- /wp:paragraph --><cite>The operator</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>Route</th><th>First</th></tr></thead><tbody><tr><td>North</td><td>06:00</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:embed {"url":"https://video.example/watch/ferry"} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://video.example/watch/ferry
</div></figure>
<!-- /wp:embed -->]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>102</wp:post_id>
		<wp:post_date_gmt><![CDATA[2024-06-01 07:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[ferry-timetable]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="news"><![CDATA[News &amp; Politics]]></category>
	</item>
	<item>
		<title>A draft about the budget</title>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<content:encoded><![CDATA[Not ready.]]></content:encoded>
		<wp:post_id>103</wp:post_id>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[]]></wp:post_name>
		<wp:status><![CDATA[draft]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
	<item>
		<title>Awaiting review</title>
		<dc:creator><![CDATA[nobody]]></dc:creator>
		<content:encoded><![CDATA[Please check.]]></content:encoded>
		<wp:post_id>104</wp:post_id>
		<wp:post_name><![CDATA[awaiting-review]]></wp:post_name>
		<wp:status><![CDATA[pending]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
	<item>
		<title>Private notes</title>
		<content:encoded><![CDATA[Secret.]]></content:encoded>
		<wp:post_id>105</wp:post_id>
		<wp:status><![CDATA[private]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
	<item>
		<title>About the Herald</title>
		<link>https://herald.example/about-us/</link>
		<content:encoded><![CDATA[We have covered the harbour since 1901.]]></content:encoded>
		<wp:post_id>7</wp:post_id>
		<wp:post_name><![CDATA[about-us]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>
	<item>
		<title>Home</title>
		<wp:post_id>8</wp:post_id>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
	</item>
</channel>
</rss>
"#;

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
        if name == "csrf_token" || (kind == "checkbox" && value.attr("checked").is_none()) {
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
