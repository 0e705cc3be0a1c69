//! `/admin/media`: the media library: upload images, find them (20 a page), reuse them as hero
//! images. Describing and deleting one image: `media_item.rs`.

use actix_multipart::MultipartError;
use actix_multipart::form::bytes::Bytes as UploadedBytes;
use actix_multipart::form::text::Text;
use actix_multipart::form::{MultipartForm, MultipartFormConfig};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{Staff, random_token};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::media::{self, MAX_UPLOAD_BYTES, UploadError};
use crate::models::media_item::{MediaItem, NewMediaItem};
use crate::pagination::{PER_PAGE, Pagination, parse_page};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/media.html")]
pub struct MediaTemplate {
    pub layout: AdminLayout,
    pub items: Vec<MediaItem>,
    pub pagination: Pagination,
    pub q: String,
    /// A problem with the upload just tried, shown above the form.
    pub problem: Option<String>,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub uploaded: Option<String>,
}

/// What the upload form sends back when it is refused: alt text, caption, credit.
#[derive(Debug, Clone, Default)]
struct Typed {
    alt: String,
    caption: String,
    credit: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct MediaQuery {
    q: Option<String>,
    uploaded: Option<String>,
    page: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn library(
    state: &AppState,
    staff: &Staff,
    q: String,
    page: i64,
    problem: Option<String>,
    typed: Typed,
    uploaded: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let text = q.clone();
    let base = match q.trim() {
        "" => "/admin/media".to_string(),
        text => format!(
            "/admin/media?{}",
            serde_urlencoded::to_string([("q", text)]).unwrap_or_default()
        ),
    };
    let (items, pagination) = db::run(&state.pool, move |conn| {
        let pagination = Pagination::new(page, MediaItem::count(conn, &text)?, &base)?;
        let items = MediaItem::search(conn, &text, PER_PAGE, pagination.offset())?;
        Ok((items, pagination))
    })
    .await?;
    render_admin(
        &MediaTemplate {
            layout: AdminLayout::new(state, staff, "media"),
            items,
            pagination,
            q,
            problem,
            alt: typed.alt,
            caption: typed.caption,
            credit: typed.credit,
            uploaded,
        },
        status,
    )
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<MediaQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let uploaded = query.uploaded.filter(|u| u.starts_with("/media/"));
    let page = parse_page(query.page.as_deref())?;
    library(
        &state,
        &staff,
        query.q.unwrap_or_default(),
        page,
        None,
        Typed::default(),
        uploaded,
        StatusCode::OK,
    )
    .await
}

/// The upload form, read by actix-multipart with a limit on every field and on the whole body:
/// reading stops and the answer is 413 as soon as a limit passes, not after the rest of the body
/// has arrived. Fields our form does not have, or sent twice, are refused as not ours.
#[derive(MultipartForm)]
#[multipart(deny_unknown_fields, duplicate_field = "deny")]
pub struct UploadForm {
    #[multipart(limit = "4KiB")]
    csrf_token: Text<String>,
    #[multipart(limit = "4KiB")]
    alt: Option<Text<String>>,
    #[multipart(limit = "4KiB")]
    caption: Option<Text<String>>,
    #[multipart(limit = "4KiB")]
    credit: Option<Text<String>>,
    #[multipart(limit = "10MiB")]
    file: Option<UploadedBytes>,
}

/// The upload route's limits: the file's 10 MB plus room for the short text fields.
pub fn upload_config() -> MultipartFormConfig {
    const FORM_BYTES: usize = MAX_UPLOAD_BYTES + 64 * 1024;
    MultipartFormConfig::default()
        .total_limit(FORM_BYTES)
        .memory_limit(FORM_BYTES)
        .error_handler(|error, _| {
            let overflow = match &error {
                MultipartError::Payload(PayloadError::Overflow) => true,
                MultipartError::Field { source, .. } => {
                    source.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => false,
            };
            if overflow {
                AppError::TooLarge("That file is larger than 10 MB. Upload a smaller image.".into())
                    .into()
            } else {
                AppError::bad_request(format!("The upload could not be read: {error}.")).into()
            }
        })
}

/// What readers are shown of a text field: trimmed to a length our form allows.
fn short_text(field: Option<Text<String>>) -> String {
    field
        .map(|text| text.into_inner().chars().take(500).collect())
        .unwrap_or_default()
}

pub async fn upload(
    state: web::Data<AppState>,
    staff: Staff,
    MultipartForm(form): MultipartForm<UploadForm>,
) -> Result<HttpResponse, AppError> {
    if !staff.csrf_matches(&form.csrf_token) {
        return Err(AppError::Forbidden);
    }
    let typed = Typed {
        alt: short_text(form.alt),
        caption: short_text(form.caption),
        credit: short_text(form.credit),
    };
    let kept = typed.clone();
    let refuse = |message: String, status| {
        library(
            &state,
            &staff,
            String::new(),
            1,
            Some(message),
            kept.clone(),
            None,
            status,
        )
    };
    let (file_name, data) = match form.file {
        Some(file) => (
            file.file_name
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>(),
            file.data,
        ),
        None => Default::default(),
    };
    if data.is_empty() {
        return refuse(
            "Choose an image file to upload.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if typed.alt.trim().is_empty() {
        return refuse(
            "Describe the image for readers who cannot see it.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let folder = state.config.media_dir.clone();
    let stem = format!(
        "{}-{}",
        state.clock.now().format("%Y%m%d"),
        &random_token()[..12]
    );
    let stored = {
        // Decoding takes up to hundreds of megabytes: a few at a time, the others queue.
        let _turn = state
            .image_work
            .acquire()
            .await
            .map_err(AppError::internal)?;
        web::block(move || media::store_upload(&data, &folder, &stem))
            .await
            .map_err(AppError::internal)?
    };
    let stored = match stored {
        Ok(stored) => stored,
        Err(error @ UploadError::Storage(_)) => return Err(AppError::internal(error)),
        Err(refusal) => {
            return refuse(refusal.to_string(), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let now = state.clock.now();
    let user_id = staff.user.id;
    let item = db::run(&state.pool, move |conn| {
        Ok(MediaItem::insert(
            conn,
            &NewMediaItem {
                stem: &stored.stem,
                extension: stored.extension,
                original_name: &file_name,
                width: stored.width,
                height: stored.height,
                bytes: stored.bytes,
                alt: typed.alt.trim(),
                credit: typed.credit.trim(),
                uploaded_by: Some(user_id),
                created_at: now,
                caption: typed.caption.trim(),
            },
        )?)
    })
    .await?;
    let query = serde_urlencoded::to_string([("uploaded", item.url())]).unwrap_or_default();
    Ok(see_other(&format!("/admin/media?{query}")))
}
