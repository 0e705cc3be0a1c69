//! Search over a realistic handful of articles: ranking, phrases, prefixes, stemming,
//! diacritics, filters and counts, drafts, unpublishing, suggestions and hostile input.

use gazette::models::{Article, ArticleStatus, Section};

use crate::support::{Newsroom, Response, TestApp};

fn with_body(
    conn: &mut gazette::db::DbConnection,
    headline: &str,
    section: &Section,
    authors: &[&gazette::models::Author],
    body: &str,
    hours_ago: i64,
) -> Article {
    let mut input = Newsroom::input(headline, section, authors, &[], hours_ago);
    input.body_markdown = body.to_string();
    input.dek = String::new();
    Newsroom::store(conn, None, &input)
}

fn newsroom() -> TestApp {
    TestApp::with(|conn| {
        let politics = Newsroom::section(conn, "Politics", "politics");
        let world = Newsroom::section(conn, "World", "world");
        let business = Newsroom::section(conn, "Business", "business");
        let ana = Newsroom::author(conn, "Ana Lima", "ana-lima");
        let ben = Newsroom::author(conn, "Ben Cole", "ben-cole");
        with_body(
            conn,
            "Harbour budget",
            &politics,
            &[&ana],
            "The council approved the harbour budget after a short debate.",
            300,
        );
        with_body(
            conn,
            "Why the harbour budget matters to every family",
            &politics,
            &[&ben],
            "The harbour budget, the harbour budget and again the harbour budget: the harbour budget decides ferry fares, the harbour budget pays for dredging.",
            2,
        );
        with_body(
            conn,
            "Storm surge tops the old sea wall",
            &world,
            &[&ana],
            "Water poured over the sea wall at high tide and flooded the old town.",
            5,
        );
        with_body(
            conn,
            "Wall of silence at the sea museum",
            &world,
            &[&ben],
            "Curators at the sea museum kept quiet about the missing wall panels.",
            6,
        );
        with_body(
            conn,
            "Parliament sits late on the transport bill",
            &politics,
            &[&ben],
            "Members of parliament debated until three in the morning.",
            8,
        );
        with_body(
            conn,
            "Voters head to the polls",
            &politics,
            &[&ana],
            "The election will decide who runs the province for five years.",
            30,
        );
        with_body(
            conn,
            "Summit in Zürich agrees shipping rules",
            &world,
            &[&ana],
            "Delegates in Zürich agreed rules for Arctic shipping.",
            40,
        );
        with_body(
            conn,
            "Fish & chips prices climb",
            &business,
            &[&ben],
            "A portion of fish & chips now costs more than ever, say fryers.",
            50,
        );
        with_body(
            conn,
            "Shipyard wins ferry order",
            &business,
            &[&ana],
            "The shipyard will build six ferries for northern routes.",
            24 * 40,
        );
        let mut draft = Newsroom::input("Secret harbour plan", &politics, &[&ana], &[], 1);
        draft.status = ArticleStatus::Draft;
        draft.body_markdown = "The harbour budget hides a secret plan.".into();
        Newsroom::store(conn, None, &draft);
    })
}

fn headlines(response: &Response) -> Vec<String> {
    response.texts(".search-result__headline")
}

fn search(app: &TestApp, query: &str) -> Response {
    let encoded = serde_urlencoded::to_string([("q", query)]).unwrap();
    let response = app.get(&format!("/search?{encoded}"));
    assert_eq!(response.status, 200, "search for {query:?}");
    response
}

#[test]
fn an_exact_headline_match_ranks_first() {
    let app = newsroom();
    let results = headlines(&search(&app, "Harbour budget"));
    assert_eq!(results[0], "Harbour budget", "{results:?}");
    assert_eq!(results[1], "Why the harbour budget matters to every family");
    assert!(
        !results.iter().any(|h| h.contains("Secret")),
        "drafts never appear"
    );
}

#[test]
fn headline_matches_outrank_body_matches() {
    let app = newsroom();
    // "ferry" is in one headline (a 40-day-old story) and in one recent story's body.
    let results = headlines(&search(&app, "ferry "));
    assert_eq!(
        results,
        [
            "Shipyard wins ferry order",
            "Why the harbour budget matters to every family"
        ]
    );
}

#[test]
fn phrases_prefixes_stems_case_and_diacritics() {
    let app = newsroom();
    assert_eq!(
        headlines(&search(&app, "\"sea wall\"")),
        ["Storm surge tops the old sea wall"]
    );
    assert_eq!(
        headlines(&search(&app, "parliam")),
        ["Parliament sits late on the transport bill"],
        "the last word matches as a prefix"
    );
    assert_eq!(
        headlines(&search(&app, "elections ")),
        ["Voters head to the polls"],
        "stemming"
    );
    for query in ["Zurich", "zürich", "ZÜRICH", "zurich "] {
        assert_eq!(
            headlines(&search(&app, query)),
            ["Summit in Zürich agrees shipping rules"],
            "{query}"
        );
    }
}

#[test]
fn results_show_counts_snippets_and_filters() {
    let app = newsroom();
    let all = search(&app, "the ");
    // "the" is in seven published articles: four in Politics, two in World, one in Business.
    assert!(all.texts(".search-summary")[0].starts_with("7 articles match"));
    let facets = all.texts(".facets a");
    assert_eq!(
        facets,
        ["All sections 7", "Politics 4", "World 2", "Business 1"]
    );

    let politics = app.get("/search?q=harbour&section=politics");
    assert_eq!(headlines(&politics).len(), 2);
    let by_ben = app.get("/search?q=harbour&author=ben-cole");
    assert_eq!(
        headlines(&by_ben),
        ["Why the harbour budget matters to every family"]
    );
    let today = chrono::Utc::now().date_naive();
    let recent = app.get(&format!(
        "/search?q=harbour&from={}",
        today - chrono::Days::new(3)
    ));
    assert_eq!(
        headlines(&recent),
        ["Why the harbour budget matters to every family"]
    );
    let old = app.get(&format!(
        "/search?q=harbour&to={}",
        today - chrono::Days::new(3)
    ));
    assert_eq!(headlines(&old), ["Harbour budget"]);

    let fish = search(&app, "chips");
    assert!(
        fish.body.contains("fish &amp; <mark>chips</mark>"),
        "escaped then marked"
    );
    let result = &fish.html();
    let byline = scraper::Selector::parse(".search-result .byline a").unwrap();
    assert_eq!(
        result.select(&byline).count(),
        1,
        "each result has its byline"
    );
    assert_eq!(
        fish.attrs("meta[name=robots]", "content"),
        vec!["noindex, follow"]
    );
}

#[test]
fn bad_filters_come_back_with_a_message_and_the_form_filled_in() {
    let app = newsroom();
    let response = app.get("/search?q=harbour&from=2026-13-45&section=nowhere&author=nobody");
    assert_eq!(response.status, 400);
    let problems = response.texts(".notice--error li");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(response.attrs("#search-q", "value"), vec!["harbour"]);
    assert_eq!(response.attrs("#search-from", "value"), vec!["2026-13-45"]);
    let reversed = app.get("/search?q=harbour&from=2026-05-02&to=2026-05-01");
    assert_eq!(reversed.status, 400);
    assert_eq!(app.get("/search?q=harbour&page=0").status, 400);
    assert_eq!(app.get("/search?q=harbour&page=9").status, 404);
}

#[test]
fn an_empty_query_shows_help_and_a_typo_gets_a_suggestion() {
    let app = newsroom();
    for query in ["", "   ", "🎉", "\"\""] {
        let response = search(&app, query);
        assert!(
            response
                .body
                .contains("Search every article we have published"),
            "{query:?}"
        );
    }
    let typo = search(&app, "shipyrd ");
    assert!(headlines(&typo).is_empty());
    assert_eq!(typo.texts(".suggestion a"), vec!["shipyard"]);
    let link = typo.attrs(".suggestion a", "href").remove(0);
    assert_eq!(headlines(&app.get(&link)), ["Shipyard wins ferry order"]);
    let two_typos = search(&app, "harbuor budgte ");
    assert_eq!(two_typos.texts(".suggestion a"), vec!["harbour budget"]);
}

#[test]
fn publishing_and_unpublishing_change_results_at_once() {
    let app = newsroom();
    assert!(headlines(&search(&app, "secret")).is_empty());
    let mut conn = app.db();
    let draft = Article::find_by_slug(&mut conn, "secret-harbour-plan")
        .unwrap()
        .unwrap();
    let politics = Section::find_by_slug(&mut conn, "politics").unwrap();
    let mut input = Newsroom::input("Secret harbour plan", &politics, &[], &[], 0);
    input.body_markdown = "The harbour budget hides a secret plan.".into();
    // Saved as every writer saves: through the change path.
    app.store(Some(draft.id), &input);
    assert_eq!(headlines(&search(&app, "secret")), ["Secret harbour plan"]);

    input.status = ArticleStatus::Unpublished;
    app.store(Some(draft.id), &input);
    assert!(headlines(&search(&app, "secret")).is_empty());

    // Even a status change made without the model (a hand-written UPDATE) leaves the index.
    let shipyard = Article::find_by_slug(&mut conn, "shipyard-wins-ferry-order")
        .unwrap()
        .unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(gazette::db::sql(
            &conn,
            "UPDATE articles SET status = 'draft' WHERE id = ?",
        ))
        .bind::<diesel::sql_types::Integer, _>(shipyard.id),
        &mut conn,
    )
    .unwrap();
    assert!(headlines(&search(&app, "shipyard")).is_empty());
}

#[test]
fn no_input_breaks_search_or_comes_back_unescaped() {
    let app = newsroom();
    let ten_kb = "harbour ".repeat(1300);
    let hostile = [
        "\"",
        "\"\"\"",
        "'",
        "(",
        ")",
        "((harbour",
        "harbour)",
        "NEAR(harbour budget)",
        "harbour NEAR/2 budget",
        "*",
        "harbour*",
        "-harbour",
        "harbour -budget",
        "harbour OR",
        "AND",
        "OR NOT",
        "^harbour",
        "headline:harbour",
        "{headline}: harbour",
        "harbour + budget",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'; DROP TABLE articles; --",
        "1 OR 1=1",
        "%",
        "%%",
        "\\",
        "\u{0}",
        "🎉 harbour 🎉",
        "ħàřbøůř",
        "日本語",
        "\u{202e}budget",
        ten_kb.as_str(),
    ];
    for query in hostile {
        let response = search(&app, query);
        assert!(
            !response.body.contains("<script>alert"),
            "{query:?} reflected"
        );
        assert!(!response.body.contains("<img src=x"), "{query:?} reflected");
    }
    let long = search(&app, &ten_kb);
    assert!(
        long.body
            .contains("only its first 200 characters were used")
    );
    assert_eq!(
        long.attrs("#search-q", "value")[0].chars().count(),
        ten_kb.chars().count()
    );
    // Invalid UTF-8 and broken escapes in the raw URL.
    for raw in [
        "/search?q=%FF%FE",
        "/search?q=%E2%82",
        "/search?q=%",
        "/search?q=%ZZ",
        "/search?q=a&q=b",
    ] {
        let response = app.get(raw);
        assert!(response.status < 500, "{raw} answered {}", response.status);
    }
}

#[test]
fn search_results_paginate() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        for n in 0..25 {
            Newsroom::article(
                conn,
                &format!("Ferry timetable change {n}"),
                &world,
                &[],
                &[],
                n,
            );
        }
    });
    let first = search(&app, "ferry ");
    assert_eq!(headlines(&first).len(), 20);
    let next = first.attrs("a[rel=next]", "href").remove(0);
    assert_eq!(next, "/search?q=ferry+&page=2");
    assert_eq!(headlines(&app.get(&next)).len(), 5);
}

#[test]
fn search_cost_is_bounded_past_the_deepest_page_and_in_long_phrases() {
    let app = newsroom();
    let deep = app.get("/search?q=harbour&page=51");
    assert_eq!(deep.status, 404);
    assert!(deep.body.contains("first 50 pages"), "{}", deep.body);
    // A hundred-word phrase is cut to its first words, and still finds what they find.
    let long_phrase = format!("\"harbour budget {}\"", "and the ".repeat(50));
    let query = serde_urlencoded::to_string([("q", &long_phrase)]).unwrap();
    let response = app.get(&format!("/search?{query}"));
    assert_eq!(response.status, 200);
    assert!(response.attrs("#search-q", "value")[0].starts_with("\"harbour budget and the"));
}

/// Thirty articles about the harbour, one an hour, the newest last (so the highest id); two
/// have it in their headline: an old one (the 3rd) and a recent one (the 25th).
fn harbour_archive() -> (TestApp, Vec<i32>) {
    let mut ids = Vec::new();
    let app = TestApp::with(|conn| {
        let port = Newsroom::section(conn, "Port", "port");
        for n in 1..=30 {
            let headline = match n {
                3 | 25 => format!("Harbour story {n}"),
                n => format!("Story {n}"),
            };
            // The 20th says it four times: relevance would rank it next to the headlines.
            let body = match n {
                20 => "The harbour, the harbour, the harbour: a day in the harbour.".to_string(),
                n => format!("Ships came into the harbour, day {n}."),
            };
            ids.push(with_body(conn, &headline, &port, &[], &body, 31 - n).id);
        }
    });
    (app, ids)
}

/// A page of `query` with `bounds`, asked once with no article counts known and twice more
/// with those of `known_counts` (kept from the first asking): then a set the counts say is
/// small is read with its relevance first, with the same results.
fn page_asked_thrice(
    conn: &mut gazette::db::DbConnection,
    known_counts: &gazette::search::PhraseCounts,
    query: &gazette::search::ParsedQuery,
    bounds: gazette::search::Bounds,
    page: (i64, i64),
) -> gazette::search::ResultsPage {
    use gazette::search::{Filters, PhraseCounts, ResultsPage, search_within};
    let ask = |counts: &PhraseCounts, conn: &mut gazette::db::DbConnection| {
        search_within(
            conn,
            counts,
            query,
            &Filters::default(),
            crate::support::now(),
            page,
            bounds,
        )
        .unwrap()
    };
    let seen = |page: &ResultsPage| {
        let ids: Vec<i32> = page.hits.iter().map(|h| h.article_id).collect();
        (
            page.total,
            page.approximate,
            ids,
            page.section_counts.clone(),
        )
    };
    let first = ask(&PhraseCounts::default(), conn);
    for _ in 0..2 {
        assert_eq!(
            seen(&ask(known_counts, conn)),
            seen(&first),
            "{bounds:?} {page:?}"
        );
    }
    first
}

/// The large-result-set paths, reached with small bounds: a set above the window is ranked
/// among its newest matches (headline matches first, then newest), and one above the count
/// limit is counted from its newest matches and scaled up by the share of ids they span.
#[test]
fn large_result_sets_are_ranked_among_their_newest_matches_and_counted_from_a_sample() {
    use gazette::search::{Bounds, ParsedQuery};
    let (app, ids) = harbour_archive();
    let mut conn = app.db();
    let query = ParsedQuery::parse("harbour");
    let story = |n: usize| ids[n - 1];
    let known_counts = gazette::search::PhraseCounts::default();
    let page_of = |bounds: Bounds, page: (i64, i64), conn: &mut gazette::db::DbConnection| {
        page_asked_thrice(conn, &known_counts, &query, bounds, page)
    };
    // Thirty matches, all counted exactly and ranked by relevance: both headlines lead.
    let small = page_of(Bounds::DEFAULT, (3, 0), &mut conn);
    assert_eq!((small.total, small.approximate), (30, false));
    let top: Vec<i32> = small.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(
        &top[..2]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        &[story(3), story(25)].into()
    );

    // A window of the newest 16, the same for both pages: the recent headline first, then the
    // newest; the old headline is outside it.
    let windowed = Bounds {
        rank_window: 16,
        ..Bounds::DEFAULT
    };
    let page = page_of(windowed, (3, 0), &mut conn);
    let order: Vec<i32> = page.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(order, [story(25), story(30), story(29)]);
    let next = page_of(windowed, (3, 3), &mut conn);
    let order: Vec<i32> = next.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(order, [story(28), story(27), story(26)]);

    // Counted from the newest 5 matches: ids 26..=30 of 1..=30, a sixth of the archive.
    let sampled = Bounds {
        exact_count_limit: 10,
        sample_matches: 5,
        ..Bounds::DEFAULT
    };
    let page = page_of(sampled, (3, 0), &mut conn);
    assert!(page.approximate);
    assert_eq!(page.total, 30);
    assert_eq!(page.section_counts.len(), 1);

    // Counted no further than 6 matches, and a page past the window of 5: its own window, the
    // newest 13 (one for pages one to four), in the same order; not a ranking of every match.
    let deep = Bounds {
        exact_count_limit: 5,
        sample_matches: 5,
        rank_window: 5,
        ..Bounds::DEFAULT
    };
    let page = page_of(deep, (3, 9), &mut conn);
    assert!(page.approximate);
    let order: Vec<i32> = page.hits.iter().map(|h| h.article_id).collect();
    // Window 18..=30: story 25 (headline), then 30, 29, 28, 27, 26, 24, 23, 22, then these.
    assert_eq!(order, [story(21), story(20), story(19)]);
}

/// An archive larger than a tier: a page reads the newest tier, and older ones only when it
/// needs them, their matches estimated from the newer tiers until then. Every match is still
/// on exactly one page, tier by tier, each tier ranked by relevance.
#[test]
fn a_search_reads_older_tiers_only_as_deep_as_its_page_needs() {
    use gazette::search::{Bounds, ParsedQuery, PhraseCounts};
    let (app, ids) = harbour_archive();
    let mut conn = app.db();
    let story = |n: usize| ids[n - 1];
    assert_eq!(story(30) - story(1), 29, "one id after another");
    let query = ParsedQuery::parse("harbour");
    let known_counts = PhraseCounts::default();
    let tiers = Bounds {
        tier_ids: 10,
        ..Bounds::DEFAULT
    };
    if !matches!(conn, gazette::db::DbConnection::Sqlite(_)) {
        // PostgreSQL reads a query's matches for the whole table at once: no tiers.
        let first = page_asked_thrice(&mut conn, &known_counts, &query, tiers, (3, 0));
        assert_eq!((first.total, first.approximate), (30, false));
        return;
    }
    // Page one needs four ranked matches; the newest tier (stories 21 to 30) has ten, so only
    // it is read, and the others are estimated at its rate: one match per id.
    let first = page_asked_thrice(&mut conn, &known_counts, &query, tiers, (3, 0));
    assert!(first.approximate);
    assert_eq!(first.total, i64::from(story(30)));
    let order: Vec<i32> = first.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(order, [story(25), story(30), story(29)]);

    // Paging on: the newest tier's ten first (its headline match leading), then the next
    // tier's by relevance (the 20th says "harbour" four times), then the oldest's (the 3rd has
    // it in its headline). The last page has read every tier: exact again.
    let mut paged = Vec::new();
    let mut last = None;
    for offset in (0..30).step_by(3) {
        let page = page_asked_thrice(&mut conn, &known_counts, &query, tiers, (3, offset));
        paged.extend(page.hits.iter().map(|h| h.article_id));
        last = Some(page);
    }
    let expected: Vec<i32> = [25, 30, 29, 28, 27, 26, 24, 23, 22, 21]
        .into_iter()
        .chain([20, 19, 18, 17, 16, 15, 14, 13, 12, 11])
        .chain([3, 10, 9, 8, 7, 6, 5, 4, 2, 1])
        .map(story)
        .collect();
    assert_eq!(paged, expected);
    let last = last.unwrap();
    assert_eq!((last.total, last.approximate), (30, false));

    // A page reaching into the second tier reads two: twenty of thirty ids, counted exactly
    // and scaled by the share they span.
    let second = page_asked_thrice(&mut conn, &known_counts, &query, tiers, (3, 9));
    assert_eq!(
        second.hits.iter().map(|h| h.article_id).collect::<Vec<_>>(),
        [story(21), story(20), story(19)]
    );
    assert!(second.approximate);
    assert_eq!(second.total, i64::from(story(30)));

    // The same archive in one tier (the default bounds) is exact from page one.
    let whole = page_asked_thrice(&mut conn, &known_counts, &query, Bounds::DEFAULT, (3, 0));
    assert_eq!((whole.total, whole.approximate), (30, false));
}

#[test]
fn articles_published_around_the_index_are_indexed_when_the_server_starts() {
    let app = TestApp::with(|conn| {
        let world = Newsroom::section(conn, "World", "world");
        with_body(
            conn,
            "Lighthouse keeper retires",
            &world,
            &[],
            "After forty winters the lighthouse goes automatic.",
            3,
        );
        // Another tool's hand-written UPDATEs: the article leaves the index (a trigger), then
        // comes back published without entering it, as in a database filled without one.
        for status in ["draft", "published"] {
            diesel::RunQueryDsl::execute(
                diesel::sql_query(format!("UPDATE articles SET status = '{status}'")),
                conn,
            )
            .unwrap();
        }
        assert!(gazette::search::never_built(conn).unwrap());
    });
    assert_eq!(
        headlines(&search(&app, "lighthouse")),
        ["Lighthouse keeper retires"]
    );
    assert!(!gazette::search::out_of_step(&mut app.db()).unwrap());
}

#[test]
fn a_rebuild_indexes_everything_and_leaves_saves_their_small_term_buffer_and_merging() {
    let app = newsroom();
    let mut conn = app.db();
    let indexed = gazette::search::rebuild(&mut conn, |_, _| {}).unwrap();
    assert!(indexed > 3);
    assert!(!gazette::search::out_of_step(&mut conn).unwrap());
    assert_eq!(
        headlines(&search(&app, "harbour budget"))[0],
        "Harbour budget"
    );
    // The rebuild writes its terms out in 64 MiB runs; a save afterwards must not hold that
    // much in memory, so FTS5's own default (1 MiB) is back.
    if let gazette::db::DbConnection::Sqlite(_) = conn {
        #[derive(diesel::QueryableByName)]
        struct Setting {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            v: i64,
        }
        let setting = |conn: &mut gazette::db::DbConnection, key: &str| -> i64 {
            let row: Setting = diesel::RunQueryDsl::get_result(
                diesel::sql_query(format!(
                    "SELECT v FROM article_search_config WHERE k = '{key}'"
                )),
                conn,
            )
            .unwrap();
            row.v
        };
        assert_eq!(setting(&mut conn, "hashsize"), 1024 * 1024);
        // The rebuild merges once at its end with automatic merging off; saves merge as they
        // go again (FTS5's default, 4).
        assert_eq!(setting(&mut conn, "automerge"), 4);
        // One segment: every b-tree entry of the index names the same one.
        let segments: Setting = diesel::RunQueryDsl::get_result(
            diesel::sql_query("SELECT COUNT(DISTINCT segid) AS v FROM article_search_idx"),
            &mut conn,
        )
        .unwrap();
        assert_eq!(segments.v, 1);
    }
}
