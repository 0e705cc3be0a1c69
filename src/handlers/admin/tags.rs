//! `/admin/tags`: editors rename and remove topics (rules in `management::tags`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::management::tags;
use crate::models::Tag;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TagForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
}

impl CsrfProtected for TagForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/tags.html")]
pub struct TagsTemplate {
    pub layout: AdminLayout,
    pub tags: Vec<(Tag, i64)>,
    pub problem: Option<String>,
}

async fn tags_page(
    state: &AppState,
    editor: &Editor,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let tags = db::run(&state.pool, |conn| Ok(Tag::all_with_counts(conn)?)).await?;
    render_admin(
        &TagsTemplate {
            layout: AdminLayout::new(state, &editor.0, "tags"),
            tags,
            problem,
        },
        status,
    )
}

pub async fn list(state: web::Data<AppState>, editor: Editor) -> Result<HttpResponse, AppError> {
    tags_page(&state, &editor, None, StatusCode::OK).await
}

/// Renames a tag (and its address); its articles are re-indexed under the new name.
pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<TagForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let outcome = state
        .write(move |conn, changes| tags::rename(conn, changes, id, &form.name, &form.slug))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/tags")),
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            tags_page(&state, &editor, Some(message), status).await
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    _form: Protected<TagForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user_id = editor.0.user.id;
    state
        .write(move |conn, changes| tags::delete(conn, changes, id, user_id, now))
        .await?;
    Ok(see_other("/admin/tags"))
}
