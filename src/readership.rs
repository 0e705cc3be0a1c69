//! Counting article views without a database write per request: views are tallied in memory
//! and added to the daily totals in one transaction every few seconds (and at shutdown).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::models::daily_views;

#[derive(Debug, Default)]
pub struct Readership {
    pending: Mutex<HashMap<i32, i32>>,
}

impl Readership {
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
            return Ok(());
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
        }
        result
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
