//! The cache's own rules, without the server: exact invalidation, the memory bound, the
//! doorkeeper, lifetimes, and replacing a page with a smaller copy of itself.

use actix_web::web::Bytes;
use chrono::NaiveDate;

use super::*;

fn at(hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

/// About `len` bytes of text that compresses poorly (as a page's size in the cache is
/// mostly its brotli copy), different for each `seed`.
fn noise(seed: u64, len: usize) -> String {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(b'a' + ((state >> 33) % 26) as u8)
        })
        .collect()
}

fn page(text: &str, dependencies: &[Dependency]) -> Entry {
    let shows = Shows::new(dependencies.iter().copied());
    Entry::new(Bytes::from(text.to_string()), Vec::new(), &shows, at(9))
}

#[test]
fn a_change_drops_exactly_the_pages_that_show_it() {
    let cache = PageCache::new(1 << 20);
    let g = cache.generation();
    cache.insert("/article/a", page("a", &[Dependency::Article(1)]), g);
    cache.insert(
        "/section/world",
        page("w", &[Dependency::Section(3), Dependency::Article(1)]),
        g,
    );
    cache.insert("/section/sport", page("s", &[Dependency::Section(4)]), g);
    let dropped = cache.invalidate(&BTreeSet::from([Dependency::Article(1)]));
    assert_eq!(dropped, 2);
    assert!(cache.get("/article/a", at(9)).is_none());
    assert!(cache.get("/section/world", at(9)).is_none());
    assert!(cache.get("/section/sport", at(9)).is_some());
    cache.invalidate(&BTreeSet::from([Dependency::Navigation]));
    assert!(cache.is_empty());
    assert_eq!(cache.bytes(), 0);
}

#[test]
fn pages_pushed_out_leave_the_index_of_what_pages_show() {
    let cache = PageCache::new(64 * 1024);
    let g = cache.generation();
    for n in 0..100 {
        let shows = [Dependency::Section(1), Dependency::Article(n)];
        cache.insert(&format!("/p/{n}"), page(&noise(n as u64, 4_000), &shows), g);
    }
    let stored = cache.len();
    assert!(stored > 1 && stored < 100, "{stored}");
    // Two pairs for each page still stored, none for those pushed out.
    assert_eq!(cache.lock().shown_on.len(), 2 * stored);
    assert_eq!(cache.lock().keys.len(), stored);
    assert_eq!(
        cache.invalidate(&BTreeSet::from([Dependency::Article(0)])),
        0
    );
    assert_eq!(
        cache.invalidate(&BTreeSet::from([Dependency::Article(99)])),
        1
    );
    assert_eq!(
        cache.invalidate(&BTreeSet::from([Dependency::Section(1)])),
        stored - 1
    );
    assert!(cache.is_empty());
    assert!(cache.lock().shown_on.is_empty());
    assert!(cache.lock().keys.is_empty());
}

#[test]
fn a_page_rendered_before_a_change_is_not_stored() {
    let cache = PageCache::new(1 << 20);
    let before = cache.generation();
    cache.invalidate(&BTreeSet::from([Dependency::Home]));
    cache.insert("/", page("old home", &[Dependency::Home]), before);
    assert!(cache.get("/", at(9)).is_none());
}

#[test]
fn memory_stays_under_the_limit_and_the_least_recently_used_go_first() {
    let cache = PageCache::new(64 * 1024);
    let g = cache.generation();
    for n in 0..100 {
        cache.insert(&format!("/p/{n}"), page(&noise(n, 4_000), &[]), g);
        if n > 0 {
            // /p/0 is read all the time, so it stays.
            assert!(cache.get("/p/0", at(9)).is_some(), "after {n}");
        }
        assert!(cache.bytes() <= 64 * 1024);
    }
    assert!(cache.get("/p/1", at(9)).is_none());
    assert!(cache.get("/p/99", at(9)).is_some());
}

#[test]
fn a_gzip_copy_counts_against_the_limit_once_it_is_made() {
    let text = noise(3, 12_000);
    let cache = PageCache::new(1 << 20);
    let g = cache.generation();
    let entry = cache.insert("/a", page(&text, &[Dependency::Article(1)]), g);
    let before = cache.bytes();
    assert_eq!(before, entry.size);
    let gzip = entry.body(Coding::Gzip);
    cache.count_gzip("/a", &entry);
    cache.count_gzip("/a", &entry);
    assert_eq!(cache.bytes(), before + gzip.len());
    cache.invalidate(&BTreeSet::from([Dependency::Article(1)]));
    assert_eq!(cache.bytes(), 0);
    // A page no longer stored is not counted.
    entry.body(Coding::Gzip);
    let other = cache.insert("/b", page(&text, &[]), cache.generation());
    cache.count_gzip("/a", &entry);
    assert_eq!(cache.bytes(), other.size);
}

#[test]
fn with_a_doorkeeper_one_off_pages_wait_for_a_second_request_only_when_the_cache_is_full() {
    let cache = PageCache::admitting_on_second_request(64 * 1024, 1_000);
    let g = cache.generation();
    // Room: kept on the first render.
    cache.insert("/q/popular", page(&noise(1_000, 4_000), &[]), g);
    assert!(cache.get("/q/popular", at(9)).is_some());
    for n in 0..100 {
        cache.insert(&format!("/q/{n}"), page(&noise(n, 4_000), &[]), g);
    }
    // The first ones filled it; the rest, each asked once, were not kept.
    assert!(cache.len() > 10 && cache.len() < 100, "{}", cache.len());
    assert!(cache.get("/q/99", at(9)).is_none());
    assert!(cache.get("/q/popular", at(9)).is_some());
    // Full: a query asked once does not push anything out...
    let before = cache.len();
    cache.insert("/q/once", page(&noise(2_000, 4_000), &[]), g);
    assert!(cache.get("/q/once", at(9)).is_none());
    assert_eq!(cache.len(), before);
    // ...and is kept when asked again, the least recently used going out.
    cache.insert("/q/once", page(&noise(2_000, 4_000), &[]), g);
    assert!(cache.get("/q/once", at(9)).is_some());
    assert!(cache.get("/q/popular", at(9)).is_some());
    assert!(cache.get("/q/0", at(9)).is_none());
    assert!(cache.bytes() <= 64 * 1024);
}

#[test]
fn pages_expire_by_the_application_clock_and_at_new_year() {
    let cache = PageCache::new(1 << 20);
    let g = cache.generation();
    let shows = Shows::new([Dependency::Home]).short_lived();
    let entry = Entry::new(Bytes::from_static(b"home"), Vec::new(), &shows, at(9));
    cache.insert("/", entry, g);
    assert!(cache.get("/", at(9)).is_some());
    assert!(cache.get("/", at(9) + TimeDelta::seconds(61)).is_none());
    // A page rendered on the last evening of the year goes at midnight (the footer year).
    let evening = NaiveDate::from_ymd_opt(2026, 12, 31)
        .unwrap()
        .and_hms_opt(23, 0, 0)
        .unwrap();
    let entry = Entry::new(
        Bytes::from_static(b"late"),
        Vec::new(),
        &Shows::default(),
        evening,
    );
    cache.insert("/late", entry, cache.generation());
    assert!(
        cache
            .get("/late", evening + TimeDelta::minutes(59))
            .is_some()
    );
    assert!(
        cache
            .get("/late", evening + TimeDelta::minutes(60))
            .is_none()
    );
}

/// A page that compresses well (as HTML does), different for each `seed`.
fn article_text(seed: u64) -> String {
    (0..300)
        .map(|n| {
            format!(
                "<p class=\"para\">Paragraph {n} of report {seed}: {}.</p>\n",
                noise(seed + n, 12)
            )
        })
        .collect()
}

#[test]
fn a_page_in_demand_is_replaced_by_a_smaller_copy_of_itself_unless_it_changed() {
    let cache = PageCache::new(1 << 20);
    let text = article_text(1);
    let stored = cache.insert(
        "/a",
        page(&text, &[Dependency::Article(1)]),
        cache.generation(),
    );
    let (before, coded) = (cache.bytes(), stored.body(Coding::Brotli).len());
    assert!(cache.replace("/a", &stored, stored.compressed_best()));
    let now = cache.get("/a", at(9)).unwrap();
    assert!(!Arc::ptr_eq(&now, &stored));
    assert!(now.body(Coding::Brotli).len() < coded);
    assert_eq!(now.body(Coding::Identity), text.as_bytes());
    assert_eq!(
        cache.bytes(),
        before - (coded - now.body(Coding::Brotli).len())
    );
    // It is still dropped by a change to what it shows, and counted out whole.
    cache.invalidate(&BTreeSet::from([Dependency::Article(1)]));
    assert!(cache.get("/a", at(9)).is_none());
    assert_eq!(cache.bytes(), 0);

    // A copy of a page that changed while it was being made is not put back.
    let stored = cache.insert(
        "/a",
        page(&text, &[Dependency::Article(1)]),
        cache.generation(),
    );
    let better = stored.compressed_best();
    cache.invalidate(&BTreeSet::from([Dependency::Article(1)]));
    assert!(!cache.replace("/a", &stored, better));
    assert!(cache.get("/a", at(9)).is_none());
    // Nor over the page rendered again since.
    let stale = cache.insert("/a", page(&text, &[]), cache.generation());
    let better = stale.compressed_best();
    let fresh = cache.insert("/a", page("fresh", &[]), cache.generation());
    assert!(!cache.replace("/a", &stale, better));
    assert!(Arc::ptr_eq(&cache.get("/a", at(9)).unwrap(), &fresh));
}

#[test]
fn a_gzip_copy_is_remade_smaller_too_and_counted() {
    let cache = PageCache::new(1 << 20);
    let text = article_text(2);
    let stored = cache.insert("/b", page(&text, &[]), cache.generation());
    let gzip = stored.body(Coding::Gzip);
    cache.count_gzip("/b", &stored);
    let better = stored.compressed_best();
    assert!(better.gzip_len().unwrap() <= gzip.len());
    assert!(cache.replace("/b", &stored, better));
    let now = cache.get("/b", at(9)).unwrap();
    assert_eq!(cache.bytes(), now.counted_size());
    assert!(now.counted_size() > now.body(Coding::Brotli).len() + now.gzip_len().unwrap());
}

#[test]
fn a_page_is_in_demand_every_thousand_responses_until_it_is_at_its_smallest_unless_large() {
    let stored = page(&article_text(3), &[]);
    let in_demand: Vec<u32> = (1..=2 * IN_DEMAND_AFTER)
        .filter(|_| stored.served_once_more())
        .collect();
    assert_eq!(in_demand, [IN_DEMAND_AFTER, 2 * IN_DEMAND_AFTER]);
    let best = stored.compressed_best();
    assert!((0..2 * IN_DEMAND_AFTER).all(|_| !best.served_once_more()));
    // A large page (a sitemap file) stays as it was rendered.
    let large = page(&noise(4, 70_000), &[]);
    assert!((0..2 * IN_DEMAND_AFTER).all(|_| !large.served_once_more()));
}
