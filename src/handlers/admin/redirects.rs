//! `/admin/redirects`: old addresses and where they lead, for editors: found by a search,
//! added, repointed and removed (rules in `management::redirects`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected, Staff};
use crate::db;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, render_admin};
use crate::handlers::see_other;
use crate::management::redirects;
use crate::models::redirect::Redirect;
use crate::pagination::{PER_PAGE, Pagination, parse_page};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RedirectForm {
    csrf_token: String,
    pub from: String,
    pub to: String,
}

impl CsrfProtected for RedirectForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    pub page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/redirects.html")]
pub struct RedirectsTemplate {
    pub layout: AdminLayout,
    pub redirects: Vec<Redirect>,
    pub pagination: Pagination,
    pub filter: String,
    pub form: RedirectForm,
    pub errors: Vec<FieldError>,
}

impl RedirectsTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        FieldError::find(&self.errors, field)
    }
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    query: ListQuery,
    form: RedirectForm,
    errors: Vec<FieldError>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(query.page.as_deref())?;
    let filter = query.q.trim().to_string();
    let base = match filter.as_str() {
        "" => "/admin/redirects".to_string(),
        q => format!(
            "/admin/redirects?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap_or_default()
        ),
    };
    let search = filter.clone();
    let (redirects, pagination) = db::run(&state.pool, move |conn| {
        let total = Redirect::count_matching(conn, &search)?;
        let pagination = Pagination::new(page, total, &base)?;
        let rows = Redirect::page(conn, &search, PER_PAGE, pagination.offset())?;
        Ok((rows, pagination))
    })
    .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_admin(
        &RedirectsTemplate {
            layout: AdminLayout::new(state, staff, "redirects"),
            redirects,
            pagination,
            filter,
            form,
            errors,
        },
        status,
    )
}

pub async fn list(
    state: web::Data<AppState>,
    editor: Editor,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let form = RedirectForm::default();
    list_page(&state, &editor.0, query.into_inner(), form, Vec::new()).await
}

/// Adds a redirect (or repoints the one from the same old address).
pub async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    form: Protected<RedirectForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let (from, to) = (form.from.clone(), form.to.clone());
    let user_id = editor.0.user.id;
    let now = state.clock.now();
    let outcome = state
        .write(move |conn, _| Ok(redirects::save(conn, &from, &to, user_id, now)?))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/redirects")),
        Err(errors) => list_page(&state, &editor.0, ListQuery::default(), form, errors).await,
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.0.is_confirmed() {
        let from = db::run(&state.pool, move |conn| {
            Ok(Redirect::find(conn, id)?.from_path)
        })
        .await?;
        let deletion = Deletion {
            kind: "redirect from",
            name: from,
            consequence: "The old address will answer “not found”.".into(),
            action: format!("/admin/redirects/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/redirects",
        };
        return confirm::ask_to_delete(&state, &editor.0, "redirects", deletion);
    }
    let user_id = editor.0.user.id;
    let now = state.clock.now();
    state
        .write(move |conn, _| Ok(redirects::delete(conn, id, user_id, now)?))
        .await?;
    Ok(see_other("/admin/redirects"))
}
