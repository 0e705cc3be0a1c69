//! Article cards kept between renders. An uncached article page shows some twenty cards, and
//! about half of them are the same on every page: "Most read" and the newest of its section.
//! Reading cards (two queries, a B-tree descent per card and per byline) was the largest part
//! of rendering an article page the page cache did not hold.
//!
//! Any committed change to content drops every card (`AppState::after_commit`, and
//! `apply_remote_change` for another server's changes), before the page cache drops its pages,
//! so a page rendered after the page cache's drop never shows a card from before the change.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use diesel::QueryResult;
use lru::LruCache;

use crate::db::DbConnection;
use crate::views::ArticleCard;

/// Cards kept: the rails every page shows stay among the most recently used; a few megabytes.
const CARDS_KEPT: usize = 4_096;

pub struct CardCache {
    inner: Mutex<Inner>,
}

struct Inner {
    cards: LruCache<i32, ArticleCard>,
    /// Bumped by every drop: cards read from the database before it are not kept.
    generation: u64,
}

/// The cache as a render found it when it began.
#[derive(Clone)]
pub struct CardSnapshot {
    cache: Arc<CardCache>,
    generation: u64,
}

impl Default for CardCache {
    fn default() -> CardCache {
        CardCache::new(CARDS_KEPT)
    }
}

impl CardCache {
    pub fn new(kept: usize) -> CardCache {
        CardCache {
            inner: Mutex::new(Inner {
                cards: LruCache::new(NonZeroUsize::new(kept).unwrap_or(NonZeroUsize::MIN)),
                generation: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Taken before a render reads anything from the database.
    pub fn snapshot(self: &Arc<Self>) -> CardSnapshot {
        CardSnapshot {
            cache: self.clone(),
            generation: self.lock().generation,
        }
    }

    /// Drops every card (content changed).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.cards.clear();
    }

    pub fn len(&self) -> usize {
        self.lock().cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl CardSnapshot {
    /// Cards for these articles in the order given, as `ArticleCard::by_ids` returns them: the
    /// kept ones from memory, the others from the database (and kept, unless content changed
    /// since the snapshot: they may have been read from before the change).
    pub fn cards(&self, conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<ArticleCard>> {
        let mut found: HashMap<i32, ArticleCard> = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        {
            let mut inner = self.cache.lock();
            for id in ids {
                match inner.cards.get(id) {
                    Some(card) => {
                        found.insert(*id, card.clone());
                    }
                    None => missing.push(*id),
                }
            }
        }
        if !missing.is_empty() {
            let loaded = ArticleCard::by_ids(conn, &missing)?;
            let mut inner = self.cache.lock();
            if inner.generation == self.generation {
                for card in &loaded {
                    inner.cards.put(card.id, card.clone());
                }
            }
            found.extend(loaded.into_iter().map(|card| (card.id, card)));
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
