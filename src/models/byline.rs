//! Bylines: which authors wrote an article, in the order they are credited.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::Author;
use crate::schema::{article_authors, authors};

/// An author as a byline shows them: a name linking to their page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = authors)]
pub struct AuthorLink {
    pub name: String,
    pub slug: String,
}

/// Bylines of many articles in one query, keyed by article id, each in credit order.
pub fn links_for_articles(
    conn: &mut DbConnection,
    article_ids: &[i32],
) -> QueryResult<HashMap<i32, Vec<AuthorLink>>> {
    let rows: Vec<(i32, AuthorLink)> = crate::on_each_backend!(conn, |conn| {
        article_authors::table
            .inner_join(authors::table)
            .filter(crate::id_list::in_ids(
                article_authors::article_id,
                article_ids,
            ))
            .order((article_authors::article_id, article_authors::position))
            .select((article_authors::article_id, AuthorLink::as_select()))
            .load(conn)
    })?;
    let mut by_article: HashMap<i32, Vec<AuthorLink>> = HashMap::new();
    for (article_id, link) in rows {
        by_article.entry(article_id).or_default().push(link);
    }
    Ok(by_article)
}

/// The full profiles of an article's authors, in credit order (for author boxes).
pub fn authors_of_article(conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<Author>> {
    crate::on_each_backend!(conn, |conn| {
        article_authors::table
            .inner_join(authors::table)
            .filter(article_authors::article_id.eq(article_id))
            .order(article_authors::position)
            .select(Author::as_select())
            .load(conn)
    })
}

/// Replaces an article's bylines with these authors, credited in the given order.
pub fn set_for_article(
    conn: &mut DbConnection,
    article_id: i32,
    author_ids: &[i32],
) -> QueryResult<()> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id)))
        .execute(conn)?;
    let rows: Vec<_> = author_ids
        .iter()
        .enumerate()
        .map(|(position, author_id)| {
            (
                article_authors::article_id.eq(article_id),
                article_authors::author_id.eq(*author_id),
                article_authors::position.eq(position as i32),
            )
        })
        .collect();
    // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
    crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
        article_authors::table
    )
    .values(&rows)
    .execute(inner))?;
    Ok(())
}
