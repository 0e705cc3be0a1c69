//! The admin article list: every article whatever its status, in tabs by status (the trash
//! apart), filtered, sorted and counted.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{DbConnection, MultiBackend, lower};
use crate::models::ArticleStatus;
use crate::schema::{article_authors, article_trash, articles, authors, sections};

/// Which tab of the list: every article not in the trash, those of one status, or the trash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shelf {
    #[default]
    All,
    Status(ArticleStatus),
    Trash,
}

impl Shelf {
    /// From the `status` parameter: empty for all, a status word, or `trash`.
    pub fn parse(raw: &str) -> Option<Shelf> {
        match raw {
            "" => Some(Shelf::All),
            "trash" => Some(Shelf::Trash),
            other => ArticleStatus::parse(other).map(Shelf::Status),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shelf::All => "",
            Shelf::Status(status) => status.as_str(),
            Shelf::Trash => "trash",
        }
    }

    /// Every tab, in the order the list shows them.
    pub fn tabs() -> Vec<Shelf> {
        let mut tabs = vec![Shelf::All];
        tabs.extend(ArticleStatus::ALL.into_iter().map(Shelf::Status));
        tabs.push(Shelf::Trash);
        tabs
    }

    pub fn label(self) -> &'static str {
        match self {
            Shelf::All => "All",
            Shelf::Status(ArticleStatus::Draft) => "Drafts",
            Shelf::Status(ArticleStatus::InReview) => "In review",
            Shelf::Status(ArticleStatus::Scheduled) => "Scheduled",
            Shelf::Status(ArticleStatus::Published) => "Published",
            Shelf::Status(ArticleStatus::Unpublished) => "Unpublished",
            Shelf::Trash => "Trash",
        }
    }
}

/// The list's order (`order` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Newest publication (or scheduled) time first; never-published last.
    Published,
    /// Headline A to Z.
    Title,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Updated, Sort::Published, Sort::Title];

    pub fn parse(raw: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Updated => "updated",
            Sort::Published => "published",
            Sort::Title => "title",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Updated => "Last changed",
            Sort::Published => "Publication date",
            Sort::Title => "Headline (A–Z)",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ArticleFilters {
    pub shelf: Shelf,
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

/// A row of the list with its byline.
#[derive(Debug, Clone)]
pub struct ListedArticle {
    pub row: ArticleRow,
    /// Author names in credit order, comma-separated ("" when none).
    pub authors: String,
}

fn filtered(filters: &ArticleFilters) -> articles::BoxedQuery<'static, MultiBackend> {
    let mut query = articles::table.into_boxed();
    let trashed = article_trash::table.select(article_trash::article_id);
    query = match filters.shelf {
        Shelf::Trash => query.filter(articles::id.eq_any(trashed)),
        Shelf::All => query.filter(diesel::dsl::not(articles::id.eq_any(trashed))),
        Shelf::Status(status) => query
            .filter(articles::status.eq(status))
            .filter(diesel::dsl::not(articles::id.eq_any(trashed))),
    };
    if let Some(user_id) = filters.writer {
        query = query.filter(
            articles::status
                .eq(ArticleStatus::Published)
                .or(articles::created_by.eq(user_id)),
        );
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
        let pattern = crate::db::contains_pattern(text);
        query = query.filter(lower(articles::headline).like(lower(pattern)).escape('\\'));
    }
    query
}

pub fn count(conn: &mut DbConnection, filters: &ArticleFilters) -> QueryResult<i64> {
    filtered(filters).count().get_result(conn)
}

/// How many articles each tab holds, for what this person may see (the other filters aside,
/// as the tabs count the whole newsroom).
pub fn tab_counts(conn: &mut DbConnection, writer: Option<i32>) -> QueryResult<Vec<(Shelf, i64)>> {
    Shelf::tabs()
        .into_iter()
        .map(|shelf| {
            let filters = ArticleFilters {
                shelf,
                writer,
                ..ArticleFilters::default()
            };
            Ok((shelf, count(conn, &filters)?))
        })
        .collect()
}

pub fn list(
    conn: &mut DbConnection,
    filters: &ArticleFilters,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ListedArticle>> {
    let query = filtered(filters).select(articles::id);
    let query = match sort {
        Sort::Updated => query.order((articles::updated_at.desc(), articles::id.desc())),
        Sort::Published => query.order((
            articles::published_at.is_null(),
            articles::published_at.desc(),
            articles::id.desc(),
        )),
        Sort::Title => query.order((articles::headline.asc(), articles::id.asc())),
    };
    let ids: Vec<i32> = query.limit(limit).offset(offset).load(conn)?;
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
    let bylines: Vec<(i32, String)> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(&ids))
        .order((article_authors::article_id, article_authors::position))
        .select((article_authors::article_id, authors::name))
        .load(conn)?;
    let mut names: HashMap<i32, Vec<String>> = HashMap::new();
    for (article_id, name) in bylines {
        names.entry(article_id).or_default().push(name);
    }
    Ok(rows
        .into_iter()
        .map(|row| ListedArticle {
            authors: names.remove(&row.id).unwrap_or_default().join(", "),
            row,
        })
        .collect())
}
