//! Rendered public pages kept in memory, served before any other per-request work, and dropped
//! exactly when what they show changes.
//!
//! A handler marks a response cacheable by attaching [`Shows`]: the things the page shows
//! (`article:42`, `section:3`, `home`, …, the same words as `changes::Dependency`) and how long
//! it may live by the application clock. On a miss the page is rendered once, uncompressed, then
//! compressed once to gzip and brotli; every later request gets the stored bytes whole, with a
//! `Content-Length` (no chunked stream whose last small write waits for a delayed ACK).
//! `changes` calls [`PageCache::invalidate`] after every commit, before the writer answers, so no
//! reader sees an old page once a save has returned. Memory is bounded: least recently used
//! pages go first.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpResponse, web};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use lru::LruCache;

use crate::changes::Dependency;
use crate::state::AppState;

/// How long a page may be served without re-rendering when nothing it shows has changed: long
/// enough to take the load, short enough that anything not tracked (a clock-driven widget)
/// catches up. Pages with "Most read" ask for less.
pub const DEFAULT_LIFETIME: TimeDelta = TimeDelta::hours(1);
/// View counts (and the news sitemap's 48-hour window) may lag this much; content never does.
pub const SHORT_LIFETIME: TimeDelta = TimeDelta::seconds(60);

/// What a page shows, attached to its response by the handler.
#[derive(Debug, Clone, Default)]
pub struct Shows {
    pub dependencies: BTreeSet<Dependency>,
    /// None: `DEFAULT_LIFETIME`.
    pub lifetime: Option<TimeDelta>,
    /// The article whose page this is: a reader served from the cache still counts as a view.
    pub view_of: Option<i32>,
}

impl Shows {
    pub fn new(dependencies: impl IntoIterator<Item = Dependency>) -> Shows {
        Shows {
            dependencies: dependencies.into_iter().collect(),
            lifetime: None,
            view_of: None,
        }
    }

    /// The page also shows these articles (cards, related lists, rails).
    pub fn articles(mut self, ids: impl IntoIterator<Item = i32>) -> Shows {
        self.dependencies
            .extend(ids.into_iter().map(Dependency::Article));
        self
    }

    pub fn with(mut self, dependency: Dependency) -> Shows {
        self.dependencies.insert(dependency);
        self
    }

    /// The page is this article's: every reader counts as a view, cached or not.
    pub fn counting_views_of(mut self, article_id: i32) -> Shows {
        self.view_of = Some(article_id);
        self
    }

    /// The page changes with time as well (view counts, a moving window).
    pub fn short_lived(mut self) -> Shows {
        self.lifetime = Some(SHORT_LIFETIME);
        self
    }

    /// Attaches itself to a response, making it cacheable.
    pub fn attach(self, mut response: HttpResponse) -> HttpResponse {
        response.extensions_mut().insert(self);
        response
    }

    /// The `Surrogate-Key` value: the dependencies as words, space-separated.
    fn surrogate_keys(&self) -> String {
        let words: Vec<String> = self.dependencies.iter().map(|d| d.to_string()).collect();
        words.join(" ")
    }
}

/// The content codings a page is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The best coding the client accepts: brotli, then gzip, then none.
    pub fn preferred(headers: &HeaderMap) -> Coding {
        let mut gzip = false;
        let mut brotli = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    let p = p.trim().replace(' ', "");
                    p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
                });
                match name.as_str() {
                    "br" => brotli = !refused,
                    "gzip" | "x-gzip" => gzip = !refused,
                    _ => {}
                }
            }
        }
        if brotli {
            Coding::Brotli
        } else if gzip {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// One rendered page in every coding, with its validators and headers.
pub struct Entry {
    identity: Bytes,
    /// Made on first use: browsers ask for brotli, so most pages never need it.
    gzip: OnceLock<Bytes>,
    brotli: Bytes,
    etag: HeaderValue,
    headers: Vec<(HeaderName, HeaderValue)>,
    dependencies: BTreeSet<Dependency>,
    expires_at: NaiveDateTime,
    view_of: Option<i32>,
    size: usize,
}

/// Compression levels: a page is compressed once per render and served many times, but a cold
/// archive renders many pages, so the levels stay where the size gain still pays for the time
/// (brotli 9 and above allocate and clear megabytes of hash tables per page; 5 still spends a
/// quarter of a cold miss hashing).
const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: i32 = 4;
/// 512 KiB: larger than any page, so a bigger window would buy nothing.
const BROTLI_WINDOW: i32 = 19;

fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn brotli(bytes: &[u8]) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    Bytes::from(out)
}

/// Response headers the entry does not keep: it sets its own length, coding and validators,
/// and the outer middleware adds the security headers to every response.
fn kept_header(name: &HeaderName) -> bool {
    ![
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
        header::ETAG,
        header::VARY,
        header::DATE,
    ]
    .contains(name)
}

/// The first instant of the year after `now`: every page shows the year in its footer.
fn next_new_year(now: NaiveDateTime) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(now.year() + 1, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX)
}

impl Entry {
    fn new(
        identity: Bytes,
        headers: Vec<(HeaderName, HeaderValue)>,
        shows: &Shows,
        now: NaiveDateTime,
    ) -> Entry {
        let etag = {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(&identity);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
        };
        let brotli = brotli(&identity);
        let mut headers = headers;
        if !shows.dependencies.is_empty()
            && let Ok(keys) = HeaderValue::from_str(&shows.surrogate_keys())
        {
            headers.push((HeaderName::from_static("surrogate-key"), keys.clone()));
            let tags = shows.surrogate_keys().replace(' ', ",");
            if let Ok(tags) = HeaderValue::from_str(&tags) {
                headers.push((HeaderName::from_static("cache-tag"), tags));
            }
        }
        let lifetime = shows.lifetime.unwrap_or(DEFAULT_LIFETIME);
        let expires_at = (now + lifetime).min(next_new_year(now));
        // The gzip copy is counted before it exists, at a size it will not exceed in practice.
        let size = identity.len()
            + identity.len() / 3
            + brotli.len()
            + headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len())
                .sum::<usize>()
            + shows.dependencies.len() * 16
            + 256;
        Entry {
            identity,
            gzip: OnceLock::new(),
            brotli,
            etag,
            headers,
            dependencies: shows.dependencies.clone(),
            expires_at,
            view_of: shows.view_of,
            size,
        }
    }

    pub fn body(&self, coding: Coding) -> &Bytes {
        match coding {
            Coding::Identity => &self.identity,
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.identity)),
            Coding::Brotli => &self.brotli,
        }
    }

    /// True when the client's copy, as its conditional headers describe it, is this page.
    fn is_current(&self, conditions: &Conditions) -> bool {
        match &conditions.if_none_match {
            Some(tags) => crate::http_cache::etag_matches(tags, &self.etag),
            None => match (
                &conditions.if_modified_since,
                self.header(header::LAST_MODIFIED),
            ) {
                (Some(since), Some(modified)) => {
                    crate::http_cache::not_modified_since(since, modified)
                }
                _ => false,
            },
        }
    }

    fn header(&self, name: HeaderName) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The response for a request: the body in the coding asked for, or 304 when the client's
    /// copy is current.
    fn respond(&self, coding: Coding, conditions: &Conditions) -> HttpResponse {
        let not_modified = self.is_current(conditions);
        let mut response = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.insert_header((header::ETAG, self.etag.clone()));
        response.insert_header((header::VARY, HeaderValue::from_static("accept-encoding")));
        if not_modified {
            return response.finish();
        }
        match coding {
            Coding::Gzip => {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
            }
            Coding::Brotli => {
                response.insert_header((header::CONTENT_ENCODING, "br"));
            }
            Coding::Identity => {}
        }
        // For HEAD, the server sends the length of this body and leaves the body out.
        response.body(self.body(coding).clone())
    }
}

/// A request's conditional headers.
struct Conditions {
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
}

impl Conditions {
    fn take(headers: &mut HeaderMap) -> Conditions {
        Conditions {
            if_none_match: headers.remove(header::IF_NONE_MATCH).next(),
            if_modified_since: headers.remove(header::IF_MODIFIED_SINCE).next(),
        }
    }
}

struct Inner {
    entries: LruCache<Arc<str>, Arc<Entry>>,
    /// Which cached pages show each thing, for exact invalidation.
    shown_on: HashMap<Dependency, HashSet<Arc<str>>>,
    bytes: usize,
    /// Bumped by every invalidation: a page rendered from data read before it is not stored.
    generation: u64,
}

/// A bounded, least-recently-used store of rendered pages, with an index from each thing shown
/// to the pages that show it.
pub struct PageCache {
    limit: usize,
    inner: Mutex<Inner>,
    /// One gate per page being rendered: concurrent misses of the same page (a story breaking,
    /// a cache just dropped) wait for the first render instead of each rendering it.
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PageCache {
    /// A cache holding at most `limit` bytes (0 turns it off).
    pub fn new(limit: usize) -> PageCache {
        PageCache {
            limit,
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                shown_on: HashMap::new(),
                bytes: 0,
                generation: 0,
            }),
            rendering: Mutex::new(HashMap::new()),
        }
    }

    /// The gate for rendering `key`: hold its lock while rendering.
    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|p| p.into_inner());
        rendering.entry(key.to_string()).or_default().clone()
    }

    /// Forgets the gate once nobody else holds or waits on it.
    fn release(&self, key: &str, gate: Arc<tokio::sync::Mutex<()>>) {
        let mut rendering = self.rendering.lock().unwrap_or_else(|p| p.into_inner());
        // Ours and the map's: nobody else is waiting.
        if Arc::strong_count(&gate) <= 2 {
            rendering.remove(key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_enabled(&self) -> bool {
        self.limit > 0
    }

    /// The bytes the stored pages take, as counted against the limit.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The page stored under `key`, unless it has expired by `now`.
    pub fn get(&self, key: &str, now: NaiveDateTime) -> Option<Arc<Entry>> {
        let mut inner = self.lock();
        let entry = inner.entries.get(key)?.clone();
        if entry.expires_at <= now {
            inner.remove(key);
            return None;
        }
        Some(entry)
    }

    /// Stores a page unless something it could show changed since `generation` was read (the
    /// page may have been rendered from data older than that change).
    pub fn insert(&self, key: &str, entry: Entry, generation: u64) -> Arc<Entry> {
        let entry = Arc::new(entry);
        if !self.is_enabled() || entry.size > self.limit / 4 {
            return entry;
        }
        let mut inner = self.lock();
        if inner.generation != generation {
            return entry;
        }
        let key: Arc<str> = Arc::from(key);
        inner.remove(&key);
        for dependency in &entry.dependencies {
            inner
                .shown_on
                .entry(*dependency)
                .or_default()
                .insert(key.clone());
        }
        inner.bytes += entry.size;
        inner.entries.put(key, entry.clone());
        while inner.bytes > self.limit {
            let Some((oldest, _)) = inner.entries.peek_lru() else {
                break;
            };
            let oldest = oldest.clone();
            inner.remove(&oldest);
        }
        entry
    }

    /// Drops every page that shows one of `dependencies` (every page when the navigation
    /// changed); returns how many were dropped.
    pub fn invalidate(&self, dependencies: &BTreeSet<Dependency>) -> usize {
        let mut inner = self.lock();
        inner.generation += 1;
        if dependencies.contains(&Dependency::Navigation) {
            let dropped = inner.entries.len();
            inner.entries.clear();
            inner.shown_on.clear();
            inner.bytes = 0;
            return dropped;
        }
        let mut dropped = 0;
        for dependency in dependencies {
            let Some(keys) = inner.shown_on.remove(dependency) else {
                continue;
            };
            for key in keys {
                if inner.remove(&key) {
                    dropped += 1;
                }
            }
        }
        dropped
    }

    /// Drops everything (a change whose reach is unknown).
    pub fn clear(&self) {
        let mut dependencies = BTreeSet::new();
        dependencies.insert(Dependency::Navigation);
        self.invalidate(&dependencies);
    }
}

impl Inner {
    fn remove(&mut self, key: &str) -> bool {
        let Some(entry) = self.entries.pop(key) else {
            return false;
        };
        self.bytes -= entry.size;
        for dependency in &entry.dependencies {
            if let Some(keys) = self.shown_on.get_mut(dependency) {
                keys.remove(key);
                if keys.is_empty() {
                    self.shown_on.remove(dependency);
                }
            }
        }
        true
    }
}

/// Which cache a request's page belongs in, and under which key: public pages by path (and
/// page number), search results by their normalized query. None: never cached (the admin,
/// files, anything not read with GET or HEAD).
fn cache_for<'a>(state: &'a AppState, request: &ServiceRequest) -> Option<(&'a PageCache, String)> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = request.path();
    if path.starts_with("/admin") || path.starts_with("/static/") || path.starts_with("/media/") {
        return None;
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(request.query_string()).unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_string())
    };
    if path == "/search" {
        let key = serde_urlencoded::to_string(
            ["q", "section", "author", "from", "to", "page"]
                .map(|name| (name, param(name).unwrap_or_default())),
        )
        .ok()?;
        return Some((&state.search_cache, key));
    }
    let key = match param("page") {
        Some(page) => format!("{path}?page={page}"),
        None => path.to_string(),
    };
    Some((&state.page_cache, key))
}

/// Serves cached pages, and fills the cache from responses that carry [`Shows`].
pub async fn serve_cached(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let Some((cache, key)) = cache_for(&state, &request).filter(|(c, _)| c.is_enabled()) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let coding = Coding::preferred(request.headers());
    let now = state.clock.now();
    if let Some(entry) = cache.get(&key, now) {
        if let Some(article_id) = entry.view_of {
            let user_agent = request
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok());
            state.readership.record(article_id, user_agent);
        }
        let conditions = Conditions::take(request.headers_mut());
        let response = entry.respond(coding, &conditions);
        return Ok(request.into_response(response));
    }

    // A miss: one render at a time per page; whoever waited finds the page stored.
    let gate = cache.gate(&key);
    let turn = gate.lock().await;
    let conditions = Conditions::take(request.headers_mut());
    if let Some(entry) = cache.get(&key, now) {
        drop(turn);
        cache.release(&key, gate);
        return Ok(request.into_response(entry.respond(coding, &conditions)));
    }
    let response = render_and_store(request, next, cache, &key, now, coding, &conditions).await;
    drop(turn);
    cache.release(&key, gate);
    response
}

/// Renders the page uncompressed and unconditionally (so what is stored is the whole page),
/// stores it when the handler said what it shows, and answers from the stored entry.
async fn render_and_store(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    cache: &PageCache,
    key: &str,
    now: NaiveDateTime,
    coding: Coding,
    conditions: &Conditions,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let generation = cache.generation();
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = next.call(request).await?;
    let shows = response.response().extensions().get::<Shows>().cloned();
    let (Some(shows), StatusCode::OK) = (shows, response.status()) else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes(body).await.map_err(|e| {
        let cause: Box<dyn std::error::Error> = e.into();
        actix_web::error::ErrorInternalServerError(format!("response body: {cause}"))
    })?;
    let headers = head
        .headers()
        .iter()
        .filter(|(name, _)| kept_header(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let entry = cache.insert(key, Entry::new(bytes, headers, &shows, now), generation);
    let response = entry.respond(coding, conditions);
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
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
    fn a_page_rendered_before_a_change_is_not_stored() {
        let cache = PageCache::new(1 << 20);
        let before = cache.generation();
        cache.invalidate(&BTreeSet::from([Dependency::Home]));
        cache.insert("/", page("old home", &[Dependency::Home]), before);
        assert!(cache.get("/", at(9)).is_none());
    }

    #[test]
    fn memory_stays_under_the_limit_and_the_least_recently_used_go_first() {
        let text = "x".repeat(4_000);
        let cache = PageCache::new(64 * 1024);
        let g = cache.generation();
        for n in 0..100 {
            cache.insert(&format!("/p/{n}"), page(&format!("{n}{text}"), &[]), g);
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
    fn pages_expire_by_the_application_clock_and_at_new_year() {
        let cache = PageCache::new(1 << 20);
        let g = cache.generation();
        let shows = Shows::new([Dependency::Home]).short_lived();
        let entry = Entry::new(Bytes::from_static(b"home"), Vec::new(), &shows, at(9));
        cache.insert("/", entry, g);
        assert!(cache.get("/", at(9)).is_some());
        assert!(cache.get("/", at(9) + TimeDelta::seconds(61)).is_none());
        let late = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(23, 59, 0)
            .unwrap();
        assert_eq!(
            next_new_year(late),
            NaiveDate::from_ymd_opt(2027, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        );
    }

    #[test]
    fn the_preferred_coding_follows_accept_encoding() {
        let coding = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            Coding::preferred(&headers)
        };
        assert_eq!(coding("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(coding("gzip"), Coding::Gzip);
        assert_eq!(coding("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(coding("identity"), Coding::Identity);
        assert_eq!(Coding::preferred(&HeaderMap::new()), Coding::Identity);
    }
}
