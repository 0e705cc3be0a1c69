//! Request handlers: parse the request, load what the page shows in one `db::run`, render.

pub mod admin;
pub mod crawl;
pub mod errors;
pub mod public;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use askama::Template;

use crate::changes::Dependency;
use crate::error::AppError;
use crate::models::Listing;
use crate::page_cache::Shows;
use crate::views::ArticleCard;

/// Public pages: browsers ask again each time (a cheap 304 from the page cache when nothing
/// changed), so a returning reader never sees a page older than the last save; shared caches
/// (a CDN in front, which the purge URL and `Surrogate-Key` keep exact) may keep them a minute
/// and serve them stale while they revalidate, so a burst of readers costs one render.
pub const PUBLIC_CACHE: &str = "public, max-age=0, must-revalidate";
/// The CDN's own lifetime (RFC 9213 `CDN-Cache-Control`, and `Surrogate-Control` for the CDNs
/// that read that instead); browsers ignore both.
pub const CDN_CACHE: &str = "max-age=60, stale-while-revalidate=300";
/// The headers that carry `CDN_CACHE`.
pub const CDN_CACHE_HEADERS: [&str; 2] = ["cdn-cache-control", "surrogate-control"];

/// Marks a response as a public page (see `PUBLIC_CACHE` and `CDN_CACHE`).
pub fn public_caching(response: &mut actix_web::HttpResponseBuilder) {
    response.insert_header((CACHE_CONTROL, PUBLIC_CACHE));
    for name in CDN_CACHE_HEADERS {
        response.insert_header((name, CDN_CACHE));
    }
}

/// Renders a page template into a 200 response. Rendering is a pure function of the page
/// struct, so the same output can later be cached and served without running the handler.
/// Reads url-encoded forms of at most `limit` bytes: larger ones get 413 as soon as the limit
/// passes, unreadable ones 400, each with a page that says so.
pub fn form_config(limit: usize) -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .limit(limit)
        .error_handler(move |error, _| match error {
            actix_web::error::UrlencodedError::Overflow { .. } => {
                AppError::TooLarge(format!("The form is larger than {} KB.", limit / 1024)).into()
            }
            other => AppError::bad_request(format!("The form could not be read: {other}.")).into(),
        })
}

pub fn render_page(page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    let mut response = HttpResponse::Ok();
    response.insert_header((CONTENT_TYPE, "text/html; charset=utf-8"));
    public_caching(&mut response);
    Ok(response.body(body))
}

/// What a listing page or feed shows: the thing listed, and each article on it.
pub fn listing_shows<'a>(
    listing: Listing,
    cards: impl IntoIterator<Item = &'a ArticleCard>,
) -> Shows {
    let listed = match listing {
        Listing::Everything => Dependency::Home,
        Listing::InSection(id) => Dependency::Section(id),
        Listing::ByAuthor(id) => Dependency::Author(id),
        Listing::Tagged(id) => Dependency::Tag(id),
    };
    Shows::new([listed]).articles(cards.into_iter().map(|card| card.id))
}

/// Marks a response with the time its content last changed, for `If-Modified-Since`.
pub fn with_last_modified(mut response: HttpResponse, at: &chrono::NaiveDateTime) -> HttpResponse {
    let date = actix_web::http::header::HttpDate::from(std::time::SystemTime::from(at.and_utc()));
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&date.to_string()) {
        response
            .headers_mut()
            .insert(actix_web::http::header::LAST_MODIFIED, value);
    }
    response
}

/// "See other": where a browser goes after a form was handled (POST, then GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_string()))
        .finish()
}
