//! Readership: page views per article per day, written in batches by `readership`.

use chrono::NaiveDate;
use diesel::dsl::sum;
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::DbConnection;
use crate::schema::article_daily_views;

/// Adds the counted views to each article's total for `day`, in one transaction.
pub fn add_views(
    conn: &mut DbConnection,
    day: NaiveDate,
    counts: &[(i32, i32)],
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        for (article_id, views) in counts {
            // One statement per count: the add is atomic however many servers flush at once.
            crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
                article_daily_views::table
            )
            .values((
                article_daily_views::article_id.eq(article_id),
                article_daily_views::day.eq(day),
                article_daily_views::views.eq(views),
            ))
            .on_conflict((article_daily_views::article_id, article_daily_views::day))
            .do_update()
            .set(
                article_daily_views::views
                    .eq(article_daily_views::views + excluded(article_daily_views::views)),
            )
            .execute(inner))?;
        }
        Ok(())
    })
}

/// Article ids with the most views since `since` (inclusive), most read first.
pub fn most_viewed_since(
    conn: &mut DbConnection,
    since: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<i32>> {
    Ok(most_viewed_with_counts(conn, since, limit)?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Total views per day since `since` (inclusive), oldest first; days without views are absent.
pub fn daily_totals(
    conn: &mut DbConnection,
    since: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64)>> {
    let rows: Vec<(NaiveDate, Option<i64>)> = article_daily_views::table
        .filter(article_daily_views::day.ge(since))
        .group_by(article_daily_views::day)
        .select((article_daily_views::day, sum(article_daily_views::views)))
        .order(article_daily_views::day.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(day, views)| (day, views.unwrap_or(0)))
        .collect())
}

/// Like `most_viewed_since`, with each article's views.
pub fn most_viewed_with_counts(
    conn: &mut DbConnection,
    since: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<(i32, i64)>> {
    let rows: Vec<(i32, Option<i64>)> = article_daily_views::table
        .filter(article_daily_views::day.ge(since))
        .group_by(article_daily_views::article_id)
        .select((
            article_daily_views::article_id,
            sum(article_daily_views::views),
        ))
        .order(sum(article_daily_views::views).desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, views)| (id, views.unwrap_or(0)))
        .collect())
}
