//! The article list: every article whatever its status, filtered and paginated.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Staff;
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::models::Role;
use crate::models::{ArticleStatus, Author, Section};
use crate::pagination::{PER_PAGE, Pagination, parse_page};
use crate::state::AppState;
use crate::views::article_admin::{self, ArticleFilters, ArticleRow};

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    section: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/articles/list.html")]
pub struct ListTemplate {
    pub layout: AdminLayout,
    pub rows: Vec<ArticleRow>,
    pub pagination: Pagination,
    pub sections: Vec<Section>,
    pub authors: Vec<Author>,
    pub status: String,
    pub section: String,
    pub author: String,
    pub q: String,
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = parse_page(query.page.as_deref())?;
    let non_empty = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let filters = ArticleFilters {
        status: non_empty(&query.status).and_then(|s| ArticleStatus::parse(&s)),
        section_id: non_empty(&query.section).and_then(|s| s.parse().ok()),
        author_id: non_empty(&query.author).and_then(|s| s.parse().ok()),
        text: non_empty(&query.q),
        writer: (staff.role() == Role::Writer).then_some(staff.user.id),
    };
    let base = format!(
        "/admin/articles?{}",
        serde_urlencoded::to_string([
            ("status", query.status.clone().unwrap_or_default()),
            ("section", query.section.clone().unwrap_or_default()),
            ("author", query.author.clone().unwrap_or_default()),
            ("q", query.q.clone().unwrap_or_default()),
        ])
        .unwrap_or_default()
    );
    let (rows, pagination, sections, authors) = db::run(&state.pool, move |conn| {
        let pagination = Pagination::new(page, article_admin::count(conn, &filters)?, &base)?;
        let rows = article_admin::list(conn, &filters, PER_PAGE, pagination.offset())?;
        Ok((
            rows,
            pagination,
            Section::all_in_nav_order(conn)?,
            Author::all_by_name(conn)?,
        ))
    })
    .await?;
    render_admin(
        &ListTemplate {
            layout: AdminLayout::new(&state, &staff, "articles"),
            rows,
            pagination,
            sections,
            authors,
            status: query.status.unwrap_or_default(),
            section: query.section.unwrap_or_default(),
            author: query.author.unwrap_or_default(),
            q: query.q.unwrap_or_default(),
        },
        StatusCode::OK,
    )
}
