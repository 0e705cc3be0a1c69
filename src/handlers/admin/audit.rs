//! `/admin/audit`: the audit log, for admins.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::Admin;
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::models::audit::{self, AuditEntry};
use crate::pagination::{PER_PAGE, PageQuery, Pagination};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditTemplate {
    pub layout: AdminLayout,
    pub entries: Vec<AuditEntry>,
    pub pagination: Pagination,
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = query.number()?;
    let (entries, pagination) = db::run(&state.pool, move |conn| {
        let pagination = Pagination::new(page, audit::count(conn)?, "/admin/audit")?;
        Ok((
            audit::recent(conn, PER_PAGE, pagination.offset())?,
            pagination,
        ))
    })
    .await?;
    render_admin(
        &AuditTemplate {
            layout: AdminLayout::new(&state, &staff, "audit"),
            entries,
            pagination,
        },
        StatusCode::OK,
    )
}
