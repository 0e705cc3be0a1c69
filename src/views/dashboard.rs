//! The newsroom dashboard: articles by status, the review queue, what is scheduled, and what
//! readers read (with a 30-day chart drawn as SVG on the server).

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::{ArticleStatus, daily_views};
use crate::schema::articles;

#[derive(Debug, Clone, Queryable)]
pub struct ArticleLine {
    pub id: i32,
    pub headline: String,
    pub slug: String,
    pub at: Option<NaiveDateTime>,
}

pub struct ReadArticle {
    pub headline: String,
    pub slug: String,
    pub views: i64,
}

/// One bar of the chart, in SVG user units.
pub struct ChartBar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub label: String,
    pub views: i64,
}

pub const CHART_WIDTH: i64 = 600;
pub const CHART_HEIGHT: i64 = 160;

pub struct Dashboard {
    pub counts: Vec<(String, i64)>,
    pub in_review: Vec<ArticleLine>,
    pub scheduled: Vec<ArticleLine>,
    pub most_read_7: Vec<ReadArticle>,
    pub most_read_30: Vec<ReadArticle>,
    pub chart: Vec<ChartBar>,
    pub chart_max: i64,
}

fn lines(
    conn: &mut DbConnection,
    status: ArticleStatus,
    soonest_first: bool,
) -> QueryResult<Vec<ArticleLine>> {
    let query = articles::table
        .filter(articles::status.eq(status))
        .select((
            articles::id,
            articles::headline,
            articles::slug,
            articles::published_at.nullable(),
        ))
        .limit(20);
    if soonest_first {
        query.order(articles::published_at.asc()).load(conn)
    } else {
        query.order(articles::updated_at.desc()).load(conn)
    }
}

fn most_read(conn: &mut DbConnection, since: NaiveDate) -> QueryResult<Vec<ReadArticle>> {
    let counted = daily_views::most_viewed_with_counts(conn, since, 10)?;
    let ids: Vec<i32> = counted.iter().map(|(id, _)| *id).collect();
    let found: Vec<(i32, String, String)> = articles::table
        .filter(articles::id.eq_any(&ids))
        .select((articles::id, articles::headline, articles::slug))
        .load(conn)?;
    Ok(counted
        .into_iter()
        .filter_map(|(id, views)| {
            let (_, headline, slug) = found.iter().find(|(found_id, _, _)| *found_id == id)?;
            Some(ReadArticle {
                headline: headline.clone(),
                slug: slug.clone(),
                views,
            })
        })
        .collect())
}

impl Dashboard {
    pub fn load(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<Dashboard> {
        let counts: Vec<(ArticleStatus, i64)> = articles::table
            .group_by(articles::status)
            .select((articles::status, count_star()))
            .load(conn)?;
        let counts = ArticleStatus::ALL
            .iter()
            .map(|status| {
                let n = counts
                    .iter()
                    .find(|(s, _)| s == status)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (status.label().to_string(), n)
            })
            .collect();

        let first_day = today - Days::new(29);
        let totals = daily_views::daily_totals(conn, first_day)?;
        let chart_max = totals.iter().map(|(_, v)| *v).max().unwrap_or(0);
        let slot = CHART_WIDTH / 30;
        let chart = (0..30u64)
            .map(|offset| {
                let day = first_day + Days::new(offset);
                let views = totals
                    .iter()
                    .find(|(d, _)| *d == day)
                    .map(|(_, v)| *v)
                    .unwrap_or(0);
                let height = if chart_max > 0 {
                    (views * (CHART_HEIGHT - 20)) / chart_max
                } else {
                    0
                };
                ChartBar {
                    x: offset as i64 * slot + 2,
                    y: CHART_HEIGHT - 16 - height,
                    width: slot - 4,
                    height,
                    label: day.format("%-d %b").to_string(),
                    views,
                }
            })
            .collect();

        Ok(Dashboard {
            counts,
            in_review: lines(conn, ArticleStatus::InReview, false)?,
            scheduled: lines(conn, ArticleStatus::Scheduled, true)?,
            most_read_7: most_read(conn, today - Days::new(6))?,
            most_read_30: most_read(conn, first_day)?,
            chart,
            chart_max,
        })
    }
}
