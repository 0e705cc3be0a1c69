//! Article revisions: every save, whole, numbered per article.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{article_revisions, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions)]
pub struct Revision {
    pub id: i32,
    pub article_id: i32,
    pub number: i32,
    pub user_id: Option<i32>,
    pub headline: String,
    pub slug: String,
    pub dek: String,
    pub body_markdown: String,
    /// The rest of the editor's form, as JSON (see `editorial::ArticleForm`).
    pub settings: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct NewRevision<'a> {
    pub article_id: i32,
    pub number: i32,
    pub user_id: Option<i32>,
    pub headline: &'a str,
    pub slug: &'a str,
    pub dek: &'a str,
    pub body_markdown: &'a str,
    pub settings: &'a str,
    pub created_at: NaiveDateTime,
}

/// A revision in a list: number, who, when.
#[derive(Debug, Clone, Queryable)]
pub struct RevisionSummary {
    pub number: i32,
    pub author: Option<String>,
    pub created_at: NaiveDateTime,
    pub headline: String,
}

impl Revision {
    pub fn insert(conn: &mut DbConnection, new: &NewRevision) -> QueryResult<()> {
        diesel::insert_into(article_revisions::table)
            .values(new)
            .execute(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, article_id: i32, number: i32) -> QueryResult<Revision> {
        article_revisions::table
            .filter(article_revisions::article_id.eq(article_id))
            .filter(article_revisions::number.eq(number))
            .select(Revision::as_select())
            .first(conn)
    }

    /// Newest first.
    pub fn list(conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<RevisionSummary>> {
        article_revisions::table
            .left_join(users::table)
            .filter(article_revisions::article_id.eq(article_id))
            .order(article_revisions::number.desc())
            .select((
                article_revisions::number,
                users::name.nullable(),
                article_revisions::created_at,
                article_revisions::headline,
            ))
            .load(conn)
    }
}
