//! `gazette export DIR` and `gazette import gazette DIR`: a newsroom written out as files and
//! read into an empty database serves the same public pages, byte for byte.

use std::process::{Command, Output};

use gazette::models::Role;

use crate::copy::{assert_same, same_origin};
use crate::support::{TestApp, now};

fn gazette(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn an_exported_newsroom_imports_into_an_empty_database_and_serves_the_same_pages() {
    // Page views stay uncounted meanwhile, so "Most read" is the same on both sites.
    let quiet = |config: &mut gazette::config::Config| {
        config.views_flush_interval = std::time::Duration::from_secs(3600);
    };
    let source = TestApp::with_demo_config(quiet);
    source.add_staff("editor@example.com", Role::Editor);
    // An uploaded picture, a redirect and the demo's pages travel too.
    let uploaded = {
        let picture = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
        });
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let editor = source.login("editor@example.com");
        assert_eq!(
            editor
                .upload("A test picture", ("pic.png", "image/png", &png))
                .status,
            303
        );
        let mut conn = source.db();
        gazette::models::media_item::MediaItem::search(&mut conn, "", 1, 0).unwrap()[0].url()
    };
    {
        let mut conn = source.db();
        gazette::models::redirect::Redirect::put(&mut conn, "/old-about", "/about", "admin", now())
            .unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("export");
    let folder_arg = folder.to_str().unwrap();
    let media = source.state.config.media_dir.to_str().unwrap().to_string();
    let exported = gazette(&[
        "export",
        "--database",
        &source.database_url(),
        "--media-dir",
        &media,
        folder_arg,
    ]);
    assert!(exported.status.success(), "{}", text(&exported));
    let manifest = std::fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(manifest.contains("gazette-newsroom-export"), "{manifest}");
    let articles = std::fs::read_to_string(folder.join("tables/articles.jsonl")).unwrap();
    let stored: i64 = {
        use diesel::prelude::*;
        let mut conn = source.db();
        gazette::schema::articles::table
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(
        articles.lines().count() as i64,
        stored,
        "one line per article"
    );
    assert!(articles.lines().next().unwrap().starts_with("{\""));
    let users = std::fs::read_to_string(folder.join("tables/users.jsonl")).unwrap();
    assert!(
        users.contains("$argon2id$"),
        "staff accounts keep their password hashes"
    );
    assert!(
        !folder.join("tables/sessions.jsonl").exists(),
        "never sessions"
    );

    // Refused: a folder that is not empty, and a database that is.
    let again = gazette(&["export", "--database", &source.database_url(), folder_arg]);
    assert!(!again.status.success());
    assert!(text(&again).contains("not empty"), "{}", text(&again));
    let refused = gazette(&[
        "import",
        "gazette",
        "--database",
        &source.database_url(),
        folder_arg,
    ]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("already holds a newsroom"),
        "{}",
        text(&refused)
    );

    // Into an empty database.
    let target = TestApp::with_config(|_| {}, quiet);
    let target_media = target.state.config.media_dir.to_str().unwrap().to_string();
    let imported = gazette(&[
        "import",
        "gazette",
        "--database",
        &target.database_url(),
        "--media-dir",
        &target_media,
        folder_arg,
    ]);
    assert!(imported.status.success(), "{}", text(&imported));
    // Written behind the running server's back.
    target.state.apply_remote_change(None);

    let home = source.get("/");
    let article = home.attrs("a[href^='/article/']", "href")[0].clone();
    let author = home.attrs("a[href^='/author/']", "href")[0].clone();
    let tag = source.get(&article).attrs("a[href^='/tag/']", "href")[0].clone();
    for path in [
        "/",
        "/section/world",
        article.as_str(),
        author.as_str(),
        tag.as_str(),
        "/about",
        "/search?q=harbour",
        "/feed.xml",
        "/sitemap.xml",
        "/sitemaps/articles-1.xml",
        "/sitemaps/pages.xml",
        "/sitemaps/news.xml",
    ] {
        let expected = same_origin(&source, path);
        assert_same(&same_origin(&target, path), &expected, path);
    }
    assert_eq!(target.get("/old-about").header("location"), Some("/about"));
    assert_eq!(target.get(&uploaded).status, 200, "media files travel");
    // Staff log in on the new site with their passwords.
    target.login("editor@example.com");
}
