//! Rendered public pages kept in memory, served before any other per-request work, and dropped
//! exactly when what they show changes.
//!
//! A handler marks a response cacheable by attaching [`Shows`]: the things the page shows
//! (`article:42`, `section:3`, `home`, …, the same words as `changes::Dependency`) and how long
//! it may live by the application clock. On a miss the page is rendered once, uncompressed, then
//! compressed quickly to brotli (gzip on first use), and once more at its smallest when it is in
//! demand; every later request gets the stored bytes whole, with a
//! `Content-Length` (no chunked stream whose last small write waits for a delayed ACK).
//! `changes` calls [`PageCache::invalidate`] after every commit, before the writer answers, so no
//! reader sees an old page once a save has returned. Memory is bounded: least recently used
//! pages go first.
//!
//! - `compression`: the codings, quick at render and at their smallest for a page in demand
//! - `entry`: one stored page in its codings, and the response built from it
//! - `middleware`: which requests the caches answer, and filling them on a miss

mod compression;
mod entry;
mod middleware;
mod unpacking;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use actix_web::HttpResponse;
use chrono::{NaiveDateTime, TimeDelta};
use lru::LruCache;

use crate::changes::Dependency;

pub use entry::{Coding, Entry, IN_DEMAND_AFTER};
pub use middleware::serve_cached;

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
    pub(super) fn surrogate_keys(&self) -> String {
        let words: Vec<String> = self.dependencies.iter().map(|d| d.to_string()).collect();
        words.join(" ")
    }
}

struct Inner {
    entries: LruCache<Arc<str>, Stored>,
    /// Which cached pages show each thing, for exact invalidation: one ordered set of (thing,
    /// page) pairs, so the pages showing a thing are one range. (A set of pages per thing cost
    /// some 180 bytes a pair, most things being shown on one or two pages: 4 KB a cached
    /// article, more than half its compressed size.) Pages are named by their serial number:
    /// an article page adds some twenty pairs, mostly to the long ranges of the rails every
    /// page shows, and there comparing numbers is cheaper than comparing URLs.
    shown_on: BTreeSet<(Dependency, u64)>,
    /// The key of each stored page by its serial number.
    keys: HashMap<u64, Arc<str>>,
    /// The serial number the next stored page gets.
    next_serial: u64,
    bytes: usize,
    /// Bumped by every invalidation: a page rendered from data read before it is not stored.
    generation: u64,
}

/// A stored page and its serial number in the index of what pages show.
struct Stored {
    serial: u64,
    entry: Arc<Entry>,
}

/// A bounded, least-recently-used store of rendered pages, with an index from each thing shown
/// to the pages that show it.
pub struct PageCache {
    limit: usize,
    inner: Mutex<Inner>,
    /// For caches of pages most of which are asked for once (searches: a long tail of queries
    /// nobody repeats), the hashes of keys seen recently: once the cache is full, a page is kept
    /// only the second time it is asked for, so a stream of one-off pages cannot push the
    /// popular ones out.
    doorkeeper: Option<Mutex<LruCache<u64, ()>>>,
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
                shown_on: BTreeSet::new(),
                keys: HashMap::new(),
                next_serial: 0,
                bytes: 0,
                generation: 0,
            }),
            doorkeeper: None,
            rendering: Mutex::new(HashMap::new()),
        }
    }

    /// As [`PageCache::new`], but once full keeping a page only when it is asked for a second
    /// time among the last `remembered` distinct keys.
    pub fn admitting_on_second_request(limit: usize, remembered: usize) -> PageCache {
        let remembered =
            std::num::NonZeroUsize::new(remembered).unwrap_or(std::num::NonZeroUsize::MIN);
        PageCache {
            doorkeeper: Some(Mutex::new(LruCache::new(remembered))),
            ..PageCache::new(limit)
        }
    }

    /// False when the doorkeeper has not seen `key` before (it remembers it now).
    fn seen_before(&self, key: &str) -> bool {
        self.remember(key).unwrap_or(true)
    }

    /// Tells the doorkeeper that a page is in demand now (another request waits for its
    /// render): it is kept on its first render rather than rendered again.
    pub fn remember_demand(&self, key: &str) {
        self.remember(key);
    }

    /// Whether the doorkeeper had seen `key`; None without a doorkeeper.
    fn remember(&self, key: &str) -> Option<bool> {
        let doorkeeper = self.doorkeeper.as_ref()?;
        let hash = {
            use std::hash::Hasher;
            let mut hasher = std::hash::DefaultHasher::new();
            hasher.write(key.as_bytes());
            hasher.finish()
        };
        let mut seen = doorkeeper.lock().unwrap_or_else(|p| p.into_inner());
        Some(seen.put(hash, ()).is_some())
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
        let entry = inner.entries.get(key)?.entry.clone();
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
        let seen_before = self.seen_before(key);
        let mut inner = self.lock();
        if inner.generation != generation {
            return entry;
        }
        // The doorkeeper guards the popular pages only once they would be pushed out: while
        // there is room, every page is kept on its first render (a cache just dropped by a
        // change refills at once instead of rendering every query twice).
        if !seen_before && inner.bytes + entry.size > self.limit {
            return entry;
        }
        let key: Arc<str> = Arc::from(key);
        inner.remove(&key);
        let serial = inner.next_serial;
        inner.next_serial += 1;
        for dependency in entry.dependencies.iter() {
            inner.shown_on.insert((*dependency, serial));
        }
        inner.keys.insert(serial, key.clone());
        inner.bytes += entry.size;
        let stored = Stored {
            serial,
            entry: entry.clone(),
        };
        inner.entries.put(key, stored);
        inner.shrink_to(self.limit);
        entry
    }

    /// Counts the gzip copy of a stored page once it has been made (on the first request that
    /// wanted gzip), pushing out the least recently used pages if that goes over the limit.
    pub fn count_gzip(&self, key: &str, entry: &Arc<Entry>) {
        use std::sync::atomic::Ordering::Relaxed;
        if entry.gzip_counted.load(Relaxed) {
            return;
        }
        let Some(extra) = entry.gzip_len() else {
            return;
        };
        let mut inner = self.lock();
        let stored = inner
            .entries
            .peek(key)
            .is_some_and(|stored| Arc::ptr_eq(&stored.entry, entry));
        if !stored || entry.gzip_counted.swap(true, Relaxed) {
            return;
        }
        inner.bytes += extra;
        inner.shrink_to(self.limit);
    }

    /// Puts `better` (the same page, compressed again) in the place of `stored`, in the same
    /// place in the LRU order, unless `stored` has been dropped or replaced meanwhile: then the
    /// page changed, and `better` is a copy of the old one. Returns whether it was put.
    pub fn replace(&self, key: &str, stored: &Arc<Entry>, better: Entry) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let mut inner = self.lock();
        let Some(place) = inner.entries.peek_mut(key) else {
            return false;
        };
        if !Arc::ptr_eq(&place.entry, stored) {
            return false;
        }
        // A gzip copy made ahead is counted from the start.
        better
            .gzip_counted
            .store(better.gzip_len().is_some(), Relaxed);
        let (before, after) = (stored.counted_size(), better.counted_size());
        place.entry = Arc::new(better);
        inner.bytes = inner.bytes - before + after;
        inner.shrink_to(self.limit);
        true
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
            inner.keys.clear();
            inner.bytes = 0;
            return dropped;
        }
        let mut dropped = 0;
        for dependency in dependencies {
            let keys: Vec<Arc<str>> = inner
                .shown_on
                .range((*dependency, 0)..=(*dependency, u64::MAX))
                .filter_map(|(_, serial)| inner.keys.get(serial).cloned())
                .collect();
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
        let Some((_, Stored { serial, entry })) = self.entries.pop_entry(key) else {
            return false;
        };
        self.bytes -= entry.counted_size();
        for dependency in entry.dependencies.iter() {
            self.shown_on.remove(&(*dependency, serial));
        }
        self.keys.remove(&serial);
        true
    }

    /// Drops the least recently used pages until the stored ones fit in `limit` bytes.
    fn shrink_to(&mut self, limit: usize) {
        while self.bytes > limit {
            let Some((oldest, _)) = self.entries.peek_lru() else {
                break;
            };
            let oldest = oldest.clone();
            self.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests;
