//! The article list: tabs by status with counts (the trash apart), filters, sorting,
//! pagination, and the checkboxes the bulk actions (`bulk.rs`) act on.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::auth::Staff;
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::models::{Author, Role, Section};
use crate::pagination::{PER_PAGE, Pagination, parse_page};
use crate::state::AppState;
use crate::views::article_admin::{self, ArticleFilters, ListedArticle, Shelf, Sort};

/// The list's address parameters, kept as typed so the form shows them back.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub section: String,
    pub author: String,
    pub q: String,
    pub order: String,
    #[serde(skip_serializing)]
    pub page: Option<String>,
    /// After a bulk action: what was done (`published`, `trashed`, …) and to how many.
    #[serde(skip_serializing)]
    pub done: String,
    #[serde(skip_serializing)]
    pub count: String,
}

impl ListQuery {
    /// The list's address with these filters (no page): where a bulk action comes back to.
    pub fn address(&self) -> String {
        let mut query = self.clone();
        for value in [
            &mut query.status,
            &mut query.section,
            &mut query.author,
            &mut query.q,
            &mut query.order,
        ] {
            *value = value.trim().to_string();
        }
        let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("/admin/articles?{encoded}")
    }

    /// The query of a list address made by `address` (anything else gives the plain list).
    pub fn from_address(address: &str) -> ListQuery {
        address
            .strip_prefix("/admin/articles?")
            .and_then(|query| serde_urlencoded::from_str(query).ok())
            .unwrap_or_default()
    }
}

/// A message above the list: what a bulk action did, or why it could not start.
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

#[derive(Template)]
#[template(path = "admin/articles/list.html")]
pub struct ListTemplate {
    pub layout: AdminLayout,
    pub tabs: Vec<(Shelf, i64)>,
    pub shelf: Shelf,
    pub sort: Sort,
    pub rows: Vec<ListedArticle>,
    pub pagination: Pagination,
    pub sections: Vec<Section>,
    pub authors: Vec<Author>,
    pub query: ListQuery,
    /// The list's own address, sent with a bulk action to come back to.
    pub back: String,
    pub notice: Option<Notice>,
    /// Articles to show ticked (a bulk form sent back with an error).
    pub ticked: Vec<i32>,
    pub is_editor: bool,
}

impl ListTemplate {
    fn tab_address(&self, shelf: &Shelf) -> String {
        ListQuery {
            status: shelf.as_str().to_string(),
            ..self.query.clone()
        }
        .address()
    }
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let notice = done_notice(&query);
    render(&state, &staff, query, notice, Vec::new(), StatusCode::OK).await
}

/// "3 articles moved to the trash." from the `done` and `count` a bulk action redirects with.
fn done_notice(query: &ListQuery) -> Option<Notice> {
    let what = match query.done.as_str() {
        "published" => "published",
        "unpublished" => "unpublished",
        "moved" => "moved to another section",
        "trashed" => "moved to the trash",
        "restored" => "restored from the trash",
        "deleted" => "deleted for good",
        _ => return None,
    };
    let count: u32 = query.count.parse().ok()?;
    let noun = if count == 1 { "article" } else { "articles" };
    Some(Notice {
        text: format!("{count} {noun} {what}."),
        is_error: false,
    })
}

/// The list for `query`, with a notice and ticked articles when a bulk form comes back.
pub async fn render(
    state: &AppState,
    staff: &Staff,
    query: ListQuery,
    notice: Option<Notice>,
    ticked: Vec<i32>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(query.page.as_deref())?;
    let shelf = Shelf::parse(query.status.trim()).ok_or_else(|| {
        AppError::bad_request(format!("\"{}\" is not an article status.", query.status))
    })?;
    let sort = match query.order.trim() {
        "" => Sort::default(),
        other => Sort::parse(other)
            .ok_or_else(|| AppError::bad_request(format!("\"{other}\" is not a sort order.")))?,
    };
    let writer = (staff.role() == Role::Writer).then_some(staff.user.id);
    let filters = ArticleFilters {
        shelf,
        section_id: query.section.trim().parse().ok(),
        author_id: query.author.trim().parse().ok(),
        text: Some(query.q.trim().to_string()).filter(|q| !q.is_empty()),
        writer,
    };
    let base = query.address();
    let (tabs, rows, pagination, sections, authors) = db::run(&state.pool, move |conn| {
        let pagination = Pagination::new(page, article_admin::count(conn, &filters)?, &base)?;
        let rows = article_admin::list(conn, &filters, sort, PER_PAGE, pagination.offset())?;
        Ok((
            article_admin::tab_counts(conn, writer)?,
            rows,
            pagination,
            Section::all_in_nav_order(conn)?,
            Author::all_by_name(conn)?,
        ))
    })
    .await?;
    render_admin(
        &ListTemplate {
            layout: AdminLayout::new(state, staff, "articles"),
            tabs,
            shelf,
            sort,
            rows,
            pagination,
            sections,
            authors,
            back: query.address(),
            query,
            notice,
            ticked,
            is_editor: staff.role() >= Role::Editor,
        },
        status,
    )
}

#[derive(Debug, Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Found {
    slug: String,
    headline: String,
}

/// `/admin/articles/lookup?q=words`: published articles whose headline holds the words, newest
/// first, as JSON for the editor's pinned-article pickers (static/js/editor.js); without
/// JavaScript the pickers offer the newest headlines.
pub async fn lookup(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, AppError> {
    const MOST: i64 = 10;
    let text: String = query.q.trim().chars().take(100).collect();
    if text.is_empty() {
        return Ok(HttpResponse::Ok().json(Vec::<Found>::new()));
    }
    let filters = ArticleFilters {
        shelf: Shelf::Status(crate::models::ArticleStatus::Published),
        text: Some(text),
        ..ArticleFilters::default()
    };
    let rows = db::run(&state.pool, move |conn| {
        Ok(article_admin::list(
            conn,
            &filters,
            Sort::Published,
            MOST,
            0,
        )?)
    })
    .await?;
    let found: Vec<Found> = rows
        .into_iter()
        .map(|listed| Found {
            slug: listed.row.slug,
            headline: listed.row.headline,
        })
        .collect();
    Ok(HttpResponse::Ok().json(found))
}
