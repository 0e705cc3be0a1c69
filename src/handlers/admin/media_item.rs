//! `/admin/media/{id}`: one image of the library: its alt text, caption and credit edited after
//! the upload, where it is used, and deleting it when nothing uses it. Editors may change any
//! image; writers the ones they uploaded.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Protected, Staff};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, render_admin};
use crate::handlers::see_other;
use crate::media;
use crate::models::Role;
use crate::models::media_item::{MediaItem, MediaUse};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DescriptionForm {
    csrf_token: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl CsrfProtected for DescriptionForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/media_item.html")]
struct MediaItemTemplate {
    layout: AdminLayout,
    item: MediaItem,
    form: DescriptionForm,
    uses: Vec<MediaUse>,
    may_change: bool,
    /// Why the last request was refused, shown above the form.
    problem: Option<String>,
    saved: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct ItemQuery {
    saved: Option<String>,
}

fn may_change(staff: &Staff, item: &MediaItem) -> bool {
    staff.role() >= Role::Editor || item.uploaded_by == Some(staff.user.id)
}

/// What the item page shows besides the image: the form as typed (else as stored), a problem,
/// or that the description was just saved.
#[derive(Default)]
struct Shown {
    form: Option<DescriptionForm>,
    problem: Option<String>,
    saved: bool,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    id: i32,
    shown: Shown,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (item, uses) = db::run(&state.pool, move |conn| {
        let item = MediaItem::find(conn, id)?;
        let uses = item.uses(conn)?;
        Ok((item, uses))
    })
    .await?;
    let form = shown.form.unwrap_or_else(|| DescriptionForm {
        alt: item.alt.clone(),
        caption: item.caption.clone(),
        credit: item.credit.clone(),
        ..DescriptionForm::default()
    });
    render_admin(
        &MediaItemTemplate {
            layout: AdminLayout::new(state, staff, "media"),
            may_change: may_change(staff, &item),
            item,
            form,
            uses,
            problem: shown.problem,
            saved: shown.saved,
        },
        status,
    )
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    let shown = Shown {
        saved: query.saved.is_some(),
        ..Shown::default()
    };
    page(&state, &staff, id.into_inner(), shown, StatusCode::OK).await
}

/// The most a description field holds.
const MOST_CHARACTERS: usize = 500;

pub async fn describe(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    form: Protected<DescriptionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let item = db::run(&state.pool, move |conn| Ok(MediaItem::find(conn, id)?)).await?;
    if !may_change(&staff, &item) {
        return Err(AppError::Forbidden);
    }
    let problem = if form.alt.trim().is_empty() {
        Some("Describe the image for readers who cannot see it.")
    } else if [&form.alt, &form.caption, &form.credit]
        .iter()
        .any(|field| field.chars().count() > MOST_CHARACTERS)
    {
        Some("Keep each field under 500 characters.")
    } else {
        None
    };
    if let Some(problem) = problem {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let shown = Shown {
            form: Some(form),
            problem: Some(problem.into()),
            saved: false,
        };
        return page(&state, &staff, id, shown, status).await;
    }
    db::run(&state.pool, move |conn| {
        Ok(MediaItem::describe(
            conn,
            id,
            form.alt.trim(),
            form.caption.trim(),
            form.credit.trim(),
        )?)
    })
    .await?;
    Ok(see_other(&format!("/admin/media/{id}?saved=1")))
}

pub async fn delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (item, uses) = db::run(&state.pool, move |conn| {
        let item = MediaItem::find(conn, id)?;
        let uses = item.uses(conn)?;
        Ok((item, uses))
    })
    .await?;
    if !may_change(&staff, &item) {
        return Err(AppError::Forbidden);
    }
    if !uses.is_empty() {
        let problem = format!(
            "This image is in use ({} place{}, listed below), so it stays. Take it out of them first.",
            uses.len(),
            if uses.len() == 1 { "" } else { "s" }
        );
        return refused(&state, &staff, id, problem).await;
    }
    if !form.0.is_confirmed() {
        let deletion = Deletion {
            kind: "image",
            name: item.alt.clone(),
            consequence: format!(
                "{} and its smaller copies are deleted from the server. Nothing uses it.",
                item.url()
            ),
            action: format!("/admin/media/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/media",
        };
        return confirm::ask_to_delete(&state, &staff, "media", deletion);
    }
    let deleted = db::run(&state.pool, move |conn| {
        // Checked again inside the transaction: an article may have taken it meanwhile.
        db::write_transaction(conn, |conn| {
            let item = MediaItem::find(conn, id)?;
            if !item.uses(conn)?.is_empty() {
                return Ok(None);
            }
            MediaItem::delete(conn, id)?;
            Ok(Some(item))
        })
    })
    .await?;
    let Some(item) = deleted else {
        let problem = "This image was put to use a moment ago, so it stays.".to_string();
        return refused(&state, &staff, id, problem).await;
    };
    // The record is gone (committed): the files go after it, so a failure here leaves only
    // unreferenced files behind, never a record without its image.
    if let Err(error) = media::remove_files(&state.config.media_dir, &item.stem, &item.extension) {
        tracing::warn!(%error, stem = %item.stem, "deleted image's files not all removed");
    }
    Ok(see_other("/admin/media"))
}

/// The item page with why a deletion was refused.
async fn refused(
    state: &AppState,
    staff: &Staff,
    id: i32,
    problem: String,
) -> Result<HttpResponse, AppError> {
    let shown = Shown {
        problem: Some(problem),
        ..Shown::default()
    };
    page(state, staff, id, shown, StatusCode::CONFLICT).await
}
