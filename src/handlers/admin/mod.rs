//! The staff side, under `/admin`: every route takes a role extractor (`Staff`, `Editor`,
//! `Admin`) and every form a `Protected` body, so neither check can be forgotten.

pub mod account;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod confirm;
pub mod dashboard;
pub mod media;
pub mod media_item;
pub mod pages;
pub mod redirects;
pub mod sections;
pub mod session;
pub mod tags;
pub mod users;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Staff};
use crate::error::AppError;
use crate::models::Role;
use crate::state::AppState;

/// The frame of every admin page.
pub struct AdminLayout {
    pub site_name: String,
    pub stylesheet_url: String,
    pub user_name: String,
    pub role: &'static str,
    pub is_admin: bool,
    pub csrf_token: String,
    /// Which navigation entry is current.
    pub current: &'static str,
    /// Times are shown, and typed, in the site's zone.
    pub zone: crate::dates::SiteZone,
}

impl AdminLayout {
    pub fn new(state: &AppState, staff: &Staff, current: &'static str) -> AdminLayout {
        AdminLayout {
            site_name: state.config.site_name.clone(),
            stylesheet_url: state.assets.url("css/admin.css"),
            user_name: staff.user.name.clone(),
            role: staff.role().as_str(),
            is_admin: staff.role() == Role::Admin,
            csrf_token: staff.masked_csrf_token(),
            current,
            zone: state.config.time_zone,
        }
    }
}

/// Renders an admin page with the given status; admin pages are never cached.
pub fn render_admin(page: &impl Template, status: StatusCode) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(page.render()?))
}

/// `?edit=ID` on a list page (sections, authors, tags): which item's form to show below the list.
#[derive(Debug, Deserialize, Default)]
pub struct EditQuery {
    pub edit: Option<i32>,
}

/// A form with nothing but its CSRF token (logout, restore, …).
#[derive(Debug, Deserialize)]
pub struct TokenOnly {
    pub csrf_token: String,
}

impl CsrfProtected for TokenOnly {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// The form of every Delete button: its token, `confirmed` once the confirmation page sent it
/// (see `confirm`), and for a section, where its articles go.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    csrf_token: String,
    pub confirmed: String,
    pub move_to: String,
}

impl CsrfProtected for DeleteForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl DeleteForm {
    pub fn is_confirmed(&self) -> bool {
        confirm::confirmed(&self.confirmed)
    }
}

/// The host (and port) a URL or origin names: `https://a.example:8443/x` → `a.example:8443`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Wraps `/admin`: responses are private and never cached or indexed, and a state-changing
/// request is refused before any handler runs unless its Origin (or, without one, its Referer)
/// names this site. A request naming neither, or the opaque `null` origin (sandboxed frames,
/// some redirects), cannot show where it came from and is refused too: browsers send Origin
/// with every form POST.
pub async fn guard(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let claimed = headers
            .get(header::ORIGIN)
            .or_else(|| headers.get(header::REFERER))
            .and_then(|v| v.to_str().ok());
        let own_host = request.connection_info().host().to_string();
        let base_host = request
            .app_data::<web::Data<AppState>>()
            .and_then(|s| host_of(&s.config.base_url).map(str::to_string));
        let same_site = claimed.and_then(host_of).is_some_and(|claimed_host| {
            claimed_host == own_host || Some(claimed_host) == base_host.as_deref()
        });
        if !same_site {
            return Err(AppError::Forbidden.into());
        }
    }
    let mut response = next.call(request).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // A preview renders a public page: nothing of its public caching may reach a CDN.
    for name in crate::handlers::CDN_CACHE_HEADERS {
        headers.remove(name);
    }
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_of_origins_and_referers() {
        assert_eq!(
            host_of("https://news.example.com"),
            Some("news.example.com")
        );
        assert_eq!(
            host_of("http://127.0.0.1:8080/admin/x?y"),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host_of("garbage"), None);
    }
}
