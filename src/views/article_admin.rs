//! The admin article list: every article whatever its status, with filters.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::ArticleStatus;
use crate::schema::{article_authors, articles, sections};

#[derive(Debug, Clone, Default)]
pub struct ArticleFilters {
    pub status: Option<ArticleStatus>,
    pub section_id: Option<i32>,
    pub author_id: Option<i32>,
    /// Words in the headline.
    pub text: Option<String>,
    /// A writer (this user id) sees published articles and their own, not others' drafts.
    pub writer: Option<i32>,
}

#[derive(Debug, Clone, Queryable)]
pub struct ArticleRow {
    pub id: i32,
    pub headline: String,
    pub slug: String,
    pub status: ArticleStatus,
    pub section: String,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

fn filtered(filters: &ArticleFilters) -> articles::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut query = articles::table.into_boxed();
    if let Some(user_id) = filters.writer {
        query = query.filter(
            articles::status
                .eq(ArticleStatus::Published)
                .or(articles::created_by.eq(user_id)),
        );
    }
    if let Some(status) = &filters.status {
        query = query.filter(articles::status.eq(*status));
    }
    if let Some(section_id) = filters.section_id {
        query = query.filter(articles::section_id.eq(section_id));
    }
    if let Some(author_id) = filters.author_id {
        query = query.filter(
            articles::id.eq_any(
                article_authors::table
                    .filter(article_authors::author_id.eq(author_id))
                    .select(article_authors::article_id),
            ),
        );
    }
    if let Some(text) = &filters.text {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(articles::headline.like(format!("%{escaped}%")).escape('\\'));
    }
    query
}

pub fn count(conn: &mut DbConnection, filters: &ArticleFilters) -> QueryResult<i64> {
    filtered(filters).count().get_result(conn)
}

/// Most recently changed first.
pub fn list(
    conn: &mut DbConnection,
    filters: &ArticleFilters,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ArticleRow>> {
    let ids: Vec<i32> = filtered(filters)
        .select(articles::id)
        .order((articles::updated_at.desc(), articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let mut rows: Vec<ArticleRow> = articles::table
        .inner_join(sections::table)
        .filter(articles::id.eq_any(&ids))
        .select((
            articles::id,
            articles::headline,
            articles::slug,
            articles::status,
            sections::name,
            articles::updated_at,
            articles::published_at,
        ))
        .load(conn)?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok(rows)
}
