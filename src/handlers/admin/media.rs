//! `/admin/media`: the media library: upload images, find them, reuse them as hero images.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use futures_util::TryStreamExt;
use serde::Deserialize;

use crate::auth::{Staff, random_token};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::media::{self, MAX_UPLOAD_BYTES, UploadError};
use crate::models::media_item::{MediaItem, NewMediaItem};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/media.html")]
pub struct MediaTemplate {
    pub layout: AdminLayout,
    pub items: Vec<MediaItem>,
    pub q: String,
    /// A problem with the upload just tried, shown above the form.
    pub problem: Option<String>,
    pub alt: String,
    pub credit: String,
    pub uploaded: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct MediaQuery {
    q: Option<String>,
    uploaded: Option<String>,
}

async fn library(
    state: &AppState,
    staff: &Staff,
    q: String,
    problem: Option<String>,
    (alt, credit): (String, String),
    uploaded: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let text = q.clone();
    let items = db::run(&state.pool, move |conn| {
        Ok(MediaItem::search(conn, &text, 60)?)
    })
    .await?;
    render_admin(
        &MediaTemplate {
            layout: AdminLayout::new(state, staff, "media"),
            items,
            q,
            problem,
            alt,
            credit,
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
    library(
        &state,
        &staff,
        query.q.unwrap_or_default(),
        None,
        Default::default(),
        uploaded,
        StatusCode::OK,
    )
    .await
}

/// The upload's fields, read from the multipart body with the file capped at the size limit.
#[derive(Default)]
struct Upload {
    csrf_token: String,
    alt: String,
    credit: String,
    file_name: String,
    data: Vec<u8>,
    too_large: bool,
}

/// Text fields (token, alt text, credit) are short; anything longer is not from our form.
const MAX_TEXT_FIELD_BYTES: usize = 4 * 1024;
/// Our form has four fields.
const MAX_FIELDS: usize = 8;

/// Reads the upload form. Reading stops as soon as the file passes the size limit (the answer
/// is 413 at once, not after the rest of the body has arrived), and text fields past their own
/// small limit or too many fields are refused as not ours.
async fn read_upload(mut body: Multipart) -> Result<Upload, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::bad_request(format!("The upload could not be read: {e}."))
    };
    let mut upload = Upload::default();
    let mut fields = 0;
    while let Some(mut field) = body.try_next().await.map_err(unreadable)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(AppError::bad_request(
                "The upload form has too many fields.",
            ));
        }
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "file" {
            upload.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            MAX_UPLOAD_BYTES
        } else {
            MAX_TEXT_FIELD_BYTES
        };
        let mut value = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            if value.len() + chunk.len() > limit {
                if name == "file" {
                    upload.too_large = true;
                    return Ok(upload);
                }
                return Err(AppError::TooLarge(format!("The field {name} is too long.")));
            }
            value.extend_from_slice(&chunk);
        }
        let text = || {
            String::from_utf8_lossy(&value)
                .chars()
                .take(500)
                .collect::<String>()
        };
        match name.as_str() {
            "csrf_token" => upload.csrf_token = text(),
            "alt" => upload.alt = text(),
            "credit" => upload.credit = text(),
            "file" => upload.data = value,
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn upload(
    state: web::Data<AppState>,
    staff: Staff,
    body: Multipart,
) -> Result<HttpResponse, AppError> {
    let upload = read_upload(body).await?;
    if !staff.csrf_matches(&upload.csrf_token) {
        return Err(AppError::Forbidden);
    }
    let kept = (upload.alt.clone(), upload.credit.clone());
    let refuse = |message: String, status| {
        library(
            &state,
            &staff,
            String::new(),
            Some(message),
            kept.clone(),
            None,
            status,
        )
    };
    if upload.too_large {
        return refuse(
            "That file is larger than 10 MB. Upload a smaller image.".into(),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    if upload.data.is_empty() {
        return refuse(
            "Choose an image file to upload.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if upload.alt.trim().is_empty() {
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
    let data = upload.data;
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
                original_name: &upload.file_name,
                width: stored.width,
                height: stored.height,
                bytes: stored.bytes,
                alt: upload.alt.trim(),
                credit: upload.credit.trim(),
                uploaded_by: Some(user_id),
                created_at: now,
            },
        )?)
    })
    .await?;
    let query = serde_urlencoded::to_string([("uploaded", item.url())]).unwrap_or_default();
    Ok(see_other(&format!("/admin/media?{query}")))
}
