//! Search and related-content benchmark over a large synthetic newsroom.
//!
//!     cargo bench --bench search                 # 100,000 articles
//!     GAZETTE_BENCH_ARTICLES=20000 cargo bench --bench search
//!
//! The database is generated once (`gazette::synthetic`, deterministic) into
//! target/bench-data/ and reused. Prints: the time to rebuild the search index, search latency
//! p50/p95 over 200 fixed queries (single common and rare words, two words, phrases, typos,
//! prefixes; each run three times, the whole results page: counts, ranking, snippets, cards,
//! suggestions), and related-article latency over 200 articles.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use gazette::db::{DbConnection, Location, PoolSettings};
use gazette::models::Section;
use gazette::related::{self, Subject};
use gazette::search::{Filters, ParsedQuery, PhraseCounts};
use gazette::views::SectionLink;
use gazette::views::search_results::SearchResults;

#[derive(QueryableByName)]
struct Term {
    #[diesel(sql_type = Text)]
    term: String,
}

#[derive(QueryableByName)]
struct Body {
    #[diesel(sql_type = Text)]
    body: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    section_id: i32,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<34} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms   ({} runs)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
        times.len()
    );
}

fn words(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Term>(conn)
        .unwrap()
        .into_iter()
        .map(|t| t.term)
        .collect()
}

/// The 200 queries: deterministic, drawn from the index's own vocabulary and text.
fn query_set(conn: &mut DbConnection) -> Vec<String> {
    let common = words(
        conn,
        "SELECT term FROM search_vocabulary WHERE length(term) > 3 ORDER BY documents DESC LIMIT 40",
    );
    let mid = words(
        conn,
        "SELECT term FROM search_vocabulary WHERE length(term) > 4 ORDER BY documents DESC LIMIT 400",
    );
    let rare = words(
        conn,
        "SELECT term FROM search_vocabulary WHERE documents >= 2 AND length(term) > 4 ORDER BY documents, term LIMIT 40",
    );
    let bodies: Vec<String> =
        diesel::sql_query("SELECT body FROM article_search WHERE rowid % 997 = 1 LIMIT 30")
            .load::<Body>(conn)
            .unwrap()
            .into_iter()
            .map(|b| b.body)
            .collect();
    let mut queries = Vec::with_capacity(200);
    queries.extend(common.iter().map(|w| format!("{w} ")));
    queries.extend(rare.iter().map(|w| format!("{w} ")));
    for n in 0..40 {
        queries.push(format!("{} {} ", mid[n * 3], mid[n * 5 + 7]));
    }
    for body in &bodies {
        let words: Vec<&str> = body
            .split_whitespace()
            .filter(|w| w.len() > 3)
            .skip(5)
            .take(2)
            .collect();
        queries.push(format!(
            "\"{}\"",
            words.join(" ").trim_matches(|c: char| !c.is_alphanumeric())
        ));
    }
    for n in 0..30 {
        let word: Vec<char> = mid[n * 11 + 3].chars().collect();
        let mut typo = word.clone();
        typo.swap(1, 2);
        queries.push(format!("{} ", typo.into_iter().collect::<String>()));
    }
    for n in 0..20 {
        let word = &mid[n * 13 + 1];
        queries.push(word.chars().take(4).collect());
    }
    queries.truncate(200);
    queries
}

fn one_connection() -> PoolSettings {
    PoolSettings {
        size: 1,
        ..PoolSettings::default()
    }
}

fn main() {
    let articles: usize = std::env::var("GAZETTE_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(format!("gazette-{articles}.db"));
    let pool = gazette::db::open_pool(&Location::Sqlite(path.clone()), one_connection()).unwrap();
    let mut conn = pool.get().unwrap();
    gazette::db::run_migrations(&mut conn).unwrap();
    let existing: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM articles")
        .get_result(&mut conn)
        .unwrap();
    if existing.n as usize != articles {
        drop(conn);
        drop(pool);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let pool =
            gazette::db::open_pool(&Location::Sqlite(path.clone()), one_connection()).unwrap();
        let mut conn = pool.get().unwrap();
        gazette::db::run_migrations(&mut conn).unwrap();
        let started = Instant::now();
        gazette::synthetic::generate(&mut conn, articles, Utc::now().naive_utc(), |_, _, _| {})
            .unwrap();
        println!(
            "generated {articles} articles in {:.1} s (gazette seed)",
            started.elapsed().as_secs_f64()
        );
    }
    let pool = gazette::db::open_pool(&Location::Sqlite(path.clone()), one_connection()).unwrap();
    let mut conn = pool.get().unwrap();
    println!("database: {} ({} articles)", path.display(), articles);

    // GAZETTE_BENCH_SLOWEST=N lists the N slowest queries, to see where time goes.
    let slowest: usize = std::env::var("GAZETTE_BENCH_SLOWEST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if let Ok(only) = std::env::var("GAZETTE_BENCH_ONLY") {
        let sections: Vec<SectionLink> = Vec::new();
        for raw in only.split('|') {
            let query = ParsedQuery::parse(raw);
            let started = Instant::now();
            let page = SearchResults::load(
                &mut conn,
                &PhraseCounts::default(),
                &query,
                &Filters::default(),
                &sections,
                Utc::now().naive_utc(),
                (20, 0),
            )
            .unwrap();
            println!(
                "{raw:?}: {:.2} ms, {} results",
                started.elapsed().as_secs_f64() * 1000.0,
                page.total
            );
        }
        return;
    }
    let started = Instant::now();
    let indexed = gazette::search::rebuild(&mut conn, |_, _| {}).unwrap();
    println!(
        "{:<34} {:.1} s for {indexed} articles",
        "reindex (gazette reindex)",
        started.elapsed().as_secs_f64()
    );

    let sections: Vec<SectionLink> = Section::all_in_nav_order(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| SectionLink {
            id: s.id,
            name: s.name,
            slug: s.slug,
        })
        .collect();
    let queries = query_set(&mut conn);
    assert_eq!(queries.len(), 200, "the query set has 200 queries");
    let now = Utc::now().naive_utc();
    let mut times = Vec::new();
    let mut per_query: Vec<(Duration, &String)> = Vec::new();
    let mut results = 0i64;
    for _round in 0..3 {
        for raw in &queries {
            let query = ParsedQuery::parse(raw);
            let started = Instant::now();
            // Counts of no word known: each query pays for counting its words, as the first
            // search after a change to what is published does (a server keeps them until then).
            let page = SearchResults::load(
                &mut conn,
                &PhraseCounts::default(),
                &query,
                &Filters::default(),
                &sections,
                now,
                (20, 0),
            )
            .unwrap();
            times.push(started.elapsed());
            per_query.push((started.elapsed(), raw));
            results += page.total;
        }
    }
    report("search, whole results page", times);
    per_query.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    for (time, query) in per_query.iter().take(slowest) {
        println!("    {:>7.2} ms  {query:?}", time.as_secs_f64() * 1000.0);
    }
    println!(
        "{:<34} {:.0} matches per query on average",
        "",
        results as f64 / 600.0
    );

    let subjects: Vec<Pair> =
        diesel::sql_query("SELECT id, section_id FROM articles WHERE id % 499 = 7 LIMIT 200")
            .load(&mut conn)
            .unwrap();
    let mut computing = Vec::new();
    let mut reading = Vec::new();
    for subject in &subjects {
        let subject = Subject {
            id: subject.id,
            section_id: subject.section_id,
        };
        let started = Instant::now();
        let ids = related::refresh(&mut conn, &subject, true, now).unwrap();
        computing.push(started.elapsed());
        assert!(ids.len() >= 4);
        let started = Instant::now();
        let ids = related::for_page(&mut conn, &subject, now).unwrap();
        reading.push(started.elapsed());
        assert!(ids.len() >= 4);
    }
    report("related: compute and store (on save)", computing);
    report("related: read for the page", reading);
}
