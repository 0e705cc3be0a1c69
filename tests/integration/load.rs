//! Readers and editors at once: nobody gets a server error or a "database is locked", and every
//! save that was acknowledged is there afterwards. CI runs it for 5 seconds; the full run is
//!
//!     GAZETTE_LOAD_SECONDS=60 cargo test --release --test integration load -- --nocapture
//!
//! (200 readers and 10 editors; the figures are printed).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gazette::models::Role;

use super::admin::article_form;
use crate::support::TestApp;

const READERS: usize = 200;
const EDITORS: usize = 10;

fn seconds() -> u64 {
    std::env::var("GAZETTE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
}

#[test]
fn two_hundred_readers_and_ten_editors_get_no_errors_and_lose_no_save() {
    let app = TestApp::with_config(
        |conn| {
            let world = crate::support::Newsroom::section(conn, "World", "world");
            let ana = crate::support::Newsroom::author(conn, "Ana Lima", "ana-lima");
            for n in 0..30 {
                crate::support::Newsroom::article(
                    conn,
                    &format!("Harbour story {n}"),
                    &world,
                    &[&ana],
                    &["Climate"],
                    n,
                );
            }
        },
        |config| {
            config.workers = 2;
            config.db.size = 8;
        },
    );
    let section = {
        let mut conn = app.db();
        gazette::models::Section::find_by_slug(&mut conn, "world")
            .unwrap()
            .id
            .to_string()
    };
    let editors: Vec<_> = (0..EDITORS)
        .map(|n| {
            let email = format!("editor{n}@example.com");
            app.add_staff(&email, Role::Editor);
            app.login(&email)
        })
        .collect();
    let reads = [
        "/",
        "/section/world",
        "/section/world?page=2",
        "/article/harbour-story-3",
        "/author/ana-lima",
        "/tag/climate",
        "/feed.xml",
        "/sitemap.xml",
    ];
    let until = Instant::now() + Duration::from_secs(seconds());
    let statuses = Mutex::new(BTreeMap::<u16, usize>::new());
    let locked = Mutex::new(0usize);
    let acknowledged = Mutex::new(Vec::<String>::new());
    std::thread::scope(|scope| {
        for reader in 0..READERS {
            let (app, statuses, locked) = (&app, &statuses, &locked);
            scope.spawn(move || {
                let mut n = reader;
                while Instant::now() < until {
                    n += 1;
                    let path = if n % 5 == 0 {
                        format!("/search?q=harbour+{}", n % 40)
                    } else {
                        reads[n % reads.len()].to_string()
                    };
                    let response = app.get(&path);
                    if response.body.contains("database is locked") {
                        *locked.lock().unwrap() += 1;
                    }
                    *statuses.lock().unwrap().entry(response.status).or_default() += 1;
                }
            });
        }
        for (number, editor) in editors.iter().enumerate() {
            let (statuses, acknowledged, section) = (&statuses, &acknowledged, &section);
            scope.spawn(move || {
                let mut n = 0;
                while Instant::now() < until {
                    n += 1;
                    let headline = format!("Editor {number} update {n}");
                    let form =
                        article_form(section, &headline, "Breaking, and still true.", "publish");
                    let response = editor.post("/admin/articles", &form);
                    if response.status == 303 {
                        acknowledged.lock().unwrap().push(headline);
                    }
                    *statuses.lock().unwrap().entry(response.status).or_default() += 1;
                }
            });
        }
    });
    let statuses = statuses.into_inner().unwrap();
    let acknowledged = acknowledged.into_inner().unwrap();
    println!(
        "{READERS} readers, {EDITORS} editors, {} s: responses by status {statuses:?}, {} saves",
        seconds(),
        acknowledged.len()
    );
    assert!(
        statuses.keys().all(|status| *status < 500),
        "no server errors: {statuses:?}"
    );
    assert_eq!(
        *locked.lock().unwrap(),
        0,
        "nobody saw 'database is locked'"
    );
    assert!(!acknowledged.is_empty());
    let headlines: Vec<String> = {
        use diesel::prelude::*;
        use gazette::schema::articles;
        let mut conn = app.db();
        articles::table
            .select(articles::headline)
            .load(&mut conn)
            .unwrap()
    };
    for headline in &acknowledged {
        assert!(
            headlines.contains(headline),
            "{headline} acknowledged, then missing"
        );
    }
}
