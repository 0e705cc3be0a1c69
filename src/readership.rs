//! Counting article views without a database write per request: views are tallied in memory
//! and added to the daily totals in one transaction every few seconds (and at shutdown). The
//! "Most read" ranking is worked out at each of those flushes and kept here, so no page
//! aggregates view counts per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use actix_web::http::header::{HeaderMap, USER_AGENT};
use chrono::{Days, NaiveDate};
use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::models::daily_views;

/// "Most read" looks at this many days, today included.
pub const MOST_READ_DAYS: u64 = 7;
/// How many of the most read articles are kept (pages show five, minus themselves).
const MOST_READ_KEPT: i64 = 10;

#[derive(Debug, Default)]
pub struct Readership {
    pending: Mutex<HashMap<i32, i32>>,
    /// Article ids, most read first, as of the last flush.
    most_read: RwLock<Arc<Vec<i32>>>,
}

impl Readership {
    /// The most read articles of the last `MOST_READ_DAYS` days, most read first, as of the
    /// last flush (they may include articles withdrawn since: pages load published cards only).
    pub fn most_read(&self) -> Arc<Vec<i32>> {
        self.most_read
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Works out "Most read" again from the daily totals.
    pub async fn rank(&self, pool: &DbPool, today: NaiveDate) -> Result<(), AppError> {
        let since = today - Days::new(MOST_READ_DAYS - 1);
        let ranked = db::run(pool, move |conn| {
            Ok(daily_views::most_viewed_since(conn, since, MOST_READ_KEPT)?)
        })
        .await?;
        self.set_most_read(ranked);
        Ok(())
    }

    /// `rank` on a connection at hand (at start, before serving).
    pub fn rank_now(&self, conn: &mut DbConnection, today: NaiveDate) -> QueryResult<()> {
        let since = today - Days::new(MOST_READ_DAYS - 1);
        self.set_most_read(daily_views::most_viewed_since(conn, since, MOST_READ_KEPT)?);
        Ok(())
    }

    fn set_most_read(&self, ranked: Vec<i32>) {
        *self.most_read.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ranked);
    }

    /// Counts one view of an article by the client that sent these request headers.
    pub fn record_request(&self, article_id: i32, headers: &HeaderMap) {
        let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
        self.record(article_id, user_agent);
    }

    /// Counts one view of an article. Crawlers and link previews are not readers.
    pub fn record(&self, article_id: i32, user_agent: Option<&str>) {
        if user_agent.is_some_and(is_robot) {
            return;
        }
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *pending.entry(article_id).or_insert(0) += 1;
    }

    fn take(&self) -> Vec<(i32, i32)> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.drain().collect()
    }

    /// Writes the views counted so far to `today`'s totals. On failure the counts are put back,
    /// so a busy database delays them rather than losing them.
    pub async fn flush(&self, pool: &DbPool, today: NaiveDate) -> Result<(), AppError> {
        let counts = self.take();
        if counts.is_empty() {
            // The window still moves with the days.
            return self.rank(pool, today).await;
        }
        let attempt = counts.clone();
        let result = db::run(pool, move |conn| {
            Ok(daily_views::add_views(conn, today, &attempt)?)
        })
        .await;
        if result.is_err() {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for (article_id, views) in counts {
                *pending.entry(article_id).or_insert(0) += views;
            }
            return result;
        }
        self.rank(pool, today).await
    }
}

fn is_robot(user_agent: &str) -> bool {
    let lower = user_agent.to_ascii_lowercase();
    [
        "bot",
        "crawler",
        "spider",
        "slurp",
        "preview",
        "facebookexternalhit",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_are_not_counted() {
        let readership = Readership::default();
        readership.record(7, Some("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        readership.record(7, Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"));
        readership.record(7, None);
        assert_eq!(readership.take(), vec![(7, 2)]);
    }
}
