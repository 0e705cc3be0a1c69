//! `/admin/tags`: editors rename, describe and remove topics (rules in `management::tags`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected};
use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, EditQuery, render_admin};
use crate::handlers::see_other;
use crate::management::tags;
use crate::models::{Listing, Tag};
use crate::state::AppState;
use crate::views::listing_page::ListingPage;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TagForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
    /// None when the form has no such field (a rename from the list).
    pub description: Option<String>,
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
    /// The tag being edited, with its form.
    pub editing: Option<(i32, TagForm)>,
    /// What the tag's page says of itself while its description is empty.
    pub description_fallback: String,
}

async fn tags_page(
    state: &AppState,
    editor: &Editor,
    problem: Option<String>,
    editing: Option<(i32, TagForm)>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let name = editing.as_ref().map(|(_, form)| form.name.clone());
    let edited = editing.as_ref().map(|(id, _)| *id);
    let site_name = state.config.site_name.clone();
    let (tags, description_fallback) = db::run(&state.pool, move |conn| {
        let fallback = match edited {
            Some(id) => ListingPage::fallback_description(
                conn,
                Some(Listing::Tagged(id)),
                ListingKind::Tag,
                name.as_deref().unwrap_or_default(),
                &site_name,
            )?,
            None => String::new(),
        };
        Ok((Tag::all_with_counts(conn)?, fallback))
    })
    .await?;
    render_admin(
        &TagsTemplate {
            layout: AdminLayout::new(state, &editor.0, "tags"),
            tags,
            problem,
            editing,
            description_fallback,
        },
        status,
    )
}

pub async fn list(
    state: web::Data<AppState>,
    editor: Editor,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let editing = match query.edit {
        Some(id) => {
            let tag = db::run(&state.pool, move |conn| Ok(Tag::find(conn, id)?)).await?;
            let form = TagForm {
                name: tag.name,
                slug: tag.slug,
                description: Some(tag.description),
                ..TagForm::default()
            };
            Some((id, form))
        }
        None => None,
    };
    tags_page(&state, &editor, None, editing, StatusCode::OK).await
}

/// Renames a tag (and its address), and describes it; its articles are re-indexed under the
/// new name.
pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<TagForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let posted = form.clone();
    let outcome = state
        .write(move |conn, changes| {
            tags::update(
                conn,
                changes,
                id,
                &form.name,
                &form.slug,
                form.description.as_deref(),
            )
        })
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/tags")),
        Err(message) => {
            // The form comes back with what was typed.
            let editing = posted.description.is_some().then_some((id, posted));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            tags_page(&state, &editor, Some(message), editing, status).await
        }
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
        let name = db::run(&state.pool, move |conn| Ok(Tag::find(conn, id)?.name)).await?;
        let deletion = Deletion {
            kind: "tag",
            name,
            consequence: "It is taken off every article that carries it, and its page goes.".into(),
            action: format!("/admin/tags/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/tags",
        };
        return confirm::ask_to_delete(&state, &editor.0, "tags", deletion);
    }
    let now = state.clock.now();
    let user_id = editor.0.user.id;
    state
        .write(move |conn, changes| tags::delete(conn, changes, id, user_id, now))
        .await?;
    Ok(see_other("/admin/tags"))
}
