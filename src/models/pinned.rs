//! Pinned related articles: the ones an editor chose to lead an article's "You May Also Like",
//! in the editor's order.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{article_pinned_related, articles};

/// The addresses of the articles pinned to this one, in order.
pub fn slugs_for(conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<String>> {
    article_pinned_related::table
        .inner_join(articles::table.on(articles::id.eq(article_pinned_related::related_id)))
        .filter(article_pinned_related::article_id.eq(article_id))
        .order(article_pinned_related::position)
        .select(articles::slug)
        .load(conn)
}

/// Replaces the articles pinned to this one.
pub fn set_for(conn: &mut DbConnection, article_id: i32, related_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(
        article_pinned_related::table.filter(article_pinned_related::article_id.eq(article_id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = related_ids
        .iter()
        .enumerate()
        .map(|(position, related_id)| {
            (
                article_pinned_related::article_id.eq(article_id),
                article_pinned_related::related_id.eq(*related_id),
                article_pinned_related::position.eq(position as i32),
            )
        })
        .collect();
    // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
    crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
        article_pinned_related::table
    )
    .values(&rows)
    .execute(inner))?;
    Ok(())
}
