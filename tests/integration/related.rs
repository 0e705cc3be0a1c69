//! "You May Also Like" and the other widgets around an article.

use diesel::RunQueryDsl;
use diesel::sql_types::Integer;
use gazette::models::{Article, ArticleStatus};

use crate::support::{Newsroom, Response, TestApp};

fn related(page: &Response) -> Vec<String> {
    page.attrs("#related-title + .card-grid .card__headline a", "href")
}

fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        let culture = Newsroom::section(conn, "Culture", "culture");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        // "Weather" is on most articles; "Lighthouses" on only two.
        for n in 0..20 {
            Newsroom::article(
                conn,
                &format!("Weather report {n}"),
                &world,
                &[&ana],
                &["Weather"],
                100 + n,
            );
        }
        let mut subject = Newsroom::input(
            "The last lighthouse keeper",
            &culture,
            &[&ana],
            &["Weather", "Lighthouses"],
            10,
        );
        subject.body_markdown =
            "For forty years the keeper climbed the lighthouse stairs to trim the lamp.".into();
        Newsroom::store(conn, None, &subject);
        Newsroom::article(
            conn,
            "Lighthouses of the north coast",
            &world,
            &[&ana],
            &["Lighthouses"],
            50,
        );
        Newsroom::article(
            conn,
            "Rain again tomorrow",
            &world,
            &[&ana],
            &["Weather"],
            1,
        );
        let mut similar = Newsroom::input("A keeper's logbook", &world, &[&ana], &[], 60);
        similar.body_markdown =
            "The logbook of a lighthouse keeper: the lamp, the stairs, the keeper's forty years."
                .into();
        Newsroom::store(conn, None, &similar);
        let mut draft = Newsroom::input(
            "Draft about lighthouses",
            &culture,
            &[&ana],
            &["Weather", "Lighthouses"],
            2,
        );
        draft.status = ArticleStatus::Draft;
        draft.body_markdown =
            "For forty years the keeper climbed the lighthouse stairs to trim the lamp.".into();
        Newsroom::store(conn, None, &draft);
    })
}

#[test]
fn related_articles_prefer_rare_shared_tags_and_similar_text_and_skip_self_and_drafts() {
    let app = newsroom();
    let page = app.get("/article/the-last-lighthouse-keeper");
    let related = related(&page);
    assert!((4..=6).contains(&related.len()), "{related:?}");
    assert_eq!(
        related[0], "/article/lighthouses-of-the-north-coast",
        "the rare tag wins: {related:?}"
    );
    assert!(
        related.contains(&"/article/a-keeper-s-logbook".to_string()),
        "similar text: {related:?}"
    );
    let rare = related
        .iter()
        .position(|u| u == "/article/lighthouses-of-the-north-coast")
        .unwrap();
    let common = related.iter().position(|u| {
        u.starts_with("/article/weather-report") || u == "/article/rain-again-tomorrow"
    });
    if let Some(common) = common {
        assert!(
            rare < common,
            "a shared rare tag outranks a shared common one"
        );
    }
    assert!(
        !related.contains(&"/article/the-last-lighthouse-keeper".to_string()),
        "never itself"
    );
    assert!(
        !related.contains(&"/article/draft-about-lighthouses".to_string()),
        "never a draft"
    );
}

#[test]
fn pinned_related_articles_come_first() {
    let app = newsroom();
    let mut conn = app.db();
    let subject = Article::find_by_slug(&mut conn, "the-last-lighthouse-keeper")
        .unwrap()
        .unwrap();
    let pinned = Article::find_by_slug(&mut conn, "weather-report-7")
        .unwrap()
        .unwrap();
    let draft = Article::find_by_slug(&mut conn, "draft-about-lighthouses")
        .unwrap()
        .unwrap();
    for (position, related_id) in [(0, pinned.id), (1, draft.id)] {
        diesel::sql_query(gazette::db::sql(
            &conn,
            "INSERT INTO article_pinned_related (article_id, related_id, position) VALUES (?, ?, ?)",
        ))
        .bind::<Integer, _>(subject.id)
        .bind::<Integer, _>(related_id)
        .bind::<Integer, _>(position)
        .execute(&mut conn)
        .unwrap();
    }
    let related = related(&app.get("/article/the-last-lighthouse-keeper"));
    assert_eq!(related[0], "/article/weather-report-7");
    assert_eq!(related[1], "/article/lighthouses-of-the-north-coast");
    assert!(
        !related.contains(&"/article/draft-about-lighthouses".to_string()),
        "a pinned draft stays hidden"
    );
}

#[test]
fn article_pages_show_latest_in_section_and_most_read() {
    let app = newsroom();
    for _ in 0..3 {
        app.get("/article/rain-again-tomorrow");
    }
    let mut most_read = Vec::new();
    for _ in 0..100 {
        // Article pages may be up to a minute behind on view counts.
        app.state.clock.advance(chrono::TimeDelta::seconds(61));
        let page = app.get("/article/weather-report-3");
        most_read = page.attrs("#most-read-title + ol a.headline-list__link", "href");
        if !most_read.is_empty() {
            assert_eq!(page.texts("#latest-section-title"), vec!["Latest in World"]);
            let latest = page.attrs("#latest-section-title + ol a.headline-list__link", "href");
            assert_eq!(latest[0], "/article/rain-again-tomorrow");
            assert!(!latest.contains(&"/article/weather-report-3".to_string()));
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(most_read[0], "/article/rain-again-tomorrow");
}

/// Every stored list as (article, related articles in order).
fn stored_lists(conn: &mut gazette::db::DbConnection) -> Vec<(i32, Vec<i32>)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        article_id: i32,
        #[diesel(sql_type = Integer)]
        related_id: i32,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT article_id, related_id FROM article_related ORDER BY article_id, position",
    )
    .load(conn)
    .unwrap();
    let mut lists: Vec<(i32, Vec<i32>)> = Vec::new();
    for row in rows {
        match lists.last_mut() {
            Some((article_id, list)) if *article_id == row.article_id => list.push(row.related_id),
            _ => lists.push((row.article_id, vec![row.related_id])),
        }
    }
    lists
}

#[test]
fn lists_made_in_bulk_from_the_archive_in_memory_are_those_one_save_makes() {
    let app = TestApp::with(|_| {});
    let mut conn = app.db();
    let now = crate::support::now();
    // A bulk load: the related lists of all 400 come from the archive read into memory.
    gazette::synthetic::generate(&mut conn, 400, now, |_, _, _| {}).unwrap();
    let in_bulk = stored_lists(&mut conn);
    assert_eq!(in_bulk.len(), 400, "every published article has a list");
    assert!(in_bulk.iter().all(|(_, list)| list.len() == 6));
    let distinct: std::collections::HashSet<&Vec<i32>> =
        in_bulk.iter().map(|(_, list)| list).collect();
    assert!(distinct.len() > 300, "lists differ from article to article");

    // The same lists, one article at a time, each ranking reading the database.
    let ids: Vec<i32> = in_bulk.iter().map(|(id, _)| *id).collect();
    gazette::related::forget(&mut conn, &ids).unwrap();
    assert!(stored_lists(&mut conn).is_empty());
    for id in ids {
        let article = Article::find(&mut conn, id).unwrap();
        let subject = gazette::related::Subject {
            id,
            section_id: article.section_id,
        };
        gazette::related::refresh(&mut conn, &subject, true, now).unwrap();
    }
    let one_by_one = stored_lists(&mut conn);
    assert_eq!(one_by_one.len(), in_bulk.len());
    let differing: Vec<_> = in_bulk
        .iter()
        .zip(&one_by_one)
        .filter(|(bulk, single)| bulk != single)
        .collect();
    assert!(
        differing.is_empty(),
        "{} of 400 lists differ, the first (in bulk, one by one): {:?}",
        differing.len(),
        differing.first()
    );
}
