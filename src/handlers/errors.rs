//! The error page: every 4xx/5xx response, from a handler or from the router, is rendered in the
//! site layout with a message that helps the reader on.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::layout::{Layout, PageMeta};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

/// Replaces the body of an error response with the error page, keeping status and headers.
/// Responses that already are a page of ours (e.g. a form re-shown with its messages) pass
/// through untouched.
pub fn render_error_page<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let has_own_body = response
        .response()
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    let state = response
        .request()
        .app_data::<web::Data<AppState>>()
        .cloned();
    let (Some(state), false) = (state, has_own_body) else {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    };

    let status = response.status();
    let app_error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>());
    let (heading, message) = match app_error {
        Some(error) => error.public_message(),
        None if status.as_u16() == 404 => AppError::NotFound.public_message(),
        None if status.is_client_error() => (
            "That request couldn't be handled",
            "The address or the request was not in a form this site understands.".to_string(),
        ),
        None => AppError::Internal(String::new()).public_message(),
    };
    let page = ErrorTemplate {
        layout: state.layout(None),
        meta: state
            .meta(heading, &message, response.request().path())
            .noindex(),
        status: status.as_u16(),
        heading: heading.to_string(),
        message,
    };
    let body = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "error page failed to render");
            format!("{status}")
        }
    };

    let (request, mut old) = response.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers_mut().drain() {
        if let Some(name) = name.filter(|n| n != CONTENT_TYPE && n != CACHE_CONTROL) {
            new.append_header((name, value));
        }
    }
    let new: HttpResponse<BoxBody> = new
        .insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, new).map_into_right_body(),
    ))
}

/// Helper so the routing table can name the 404 for unknown paths.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// `/healthz`, for load balancers: 200 while the database answers, 503 otherwise. Never cached.
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let status = if crate::db::answers(&state.pool).await {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(if status.is_success() {
            "ok\n"
        } else {
            "database unavailable\n"
        })
}

/// The largest violation report read (a browser's is well under 4 KB).
pub const CSP_REPORT_LIMIT: usize = 16 * 1024;
/// Reports logged in full; after these, one in a thousand (anyone can post here).
const CSP_REPORTS_LOGGED: u64 = 100;

/// `/csp-reports`: where browsers report what the Content Security Policy blocked on our pages
/// (its `report-uri`). Counted (the browser tests assert none) and logged, the body cut short;
/// nothing is stored. Always 204.
pub async fn csp_report(state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let seen = state
        .csp_violations
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    if seen <= CSP_REPORTS_LOGGED || seen.is_multiple_of(1000) {
        let text = String::from_utf8_lossy(&body);
        let report: String = text.chars().take(2000).collect();
        tracing::warn!(seen, %report, "content security policy violation reported");
    }
    HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}
