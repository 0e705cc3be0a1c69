//! Old addresses kept working: when nothing on the site answers a GET or HEAD (a 404 is on its
//! way), the `redirects` table is asked whether the address lived on under another, and the
//! reader gets a 301 there instead of the 404 page. Checked before the 404 only, so a redirect
//! never costs a live page anything. An address the site would only correct (a trailing slash,
//! capitals: every WordPress permalink ends in `/`) is looked up too, so the reader makes one
//! hop to the new address rather than two.
//!
//! WordPress also addresses posts through the front page's query string (`/?p=123`,
//! `/?page_id=7`, `/?cat=4`, …): the front page with one of those parameters is looked up
//! first, and answered as the front page only when no redirect matches.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::db;
use crate::http_cache::NonCanonical;
use crate::models::redirect::Redirect;
use crate::state::AppState;

/// Query parameters that name a WordPress object on any path, kept in a redirect's old address;
/// every other parameter (tracking tags, pagination) is dropped before the lookup.
const ADDRESSING_PARAMETERS: &[&str] = &[
    "p",
    "page_id",
    "cat",
    "tag",
    "author",
    "feed",
    "attachment_id",
    "m",
];

/// How long browsers and caches may keep a redirect: a day, since an admin may change it.
const REDIRECT_CACHE: &str = "public, max-age=86400";

/// The form an address is stored and looked up in: a path starting with `/`, without a
/// trailing slash (`/about/` and `/about` are one address), with only the addressing
/// parameters of its query, sorted. An absolute URL (a WordPress permalink) counts by its path
/// and query. None for what is no address on this site.
pub fn normalize(address: &str) -> Option<String> {
    let address = address.trim();
    let without_origin = match address.split_once("://") {
        Some(("http" | "https", rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        Some(_) => return None,
        None => address,
    };
    if !without_origin.starts_with('/') || without_origin.starts_with("//") {
        return None;
    }
    let without_fragment = without_origin.split('#').next().unwrap_or_default();
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    // The form the site's own URLs take (lower case, no trailing slash), so an old address
    // asked for in any variant finds its row.
    let path = crate::http_cache::canonical_form(path);
    let mut kept: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, _)| ADDRESSING_PARAMETERS.contains(&name.as_str()))
            .collect();
    if kept.is_empty() {
        return Some(path);
    }
    kept.sort();
    let query = serde_urlencoded::to_string(&kept).ok()?;
    Some(format!("{path}?{query}"))
}

/// True when a front-page request names a WordPress object in its query (`/?p=123`): the page
/// cache leaves it alone so the redirect can be looked up.
pub fn names_old_object(query_string: &str) -> bool {
    !query_string.is_empty()
        && serde_urlencoded::from_str::<Vec<(String, String)>>(query_string)
            .unwrap_or_default()
            .iter()
            .any(|(name, _)| ADDRESSING_PARAMETERS.contains(&name.as_str()))
}

async fn lookup(state: &AppState, request: &ServiceRequest) -> Option<String> {
    let address = match request.query_string() {
        "" => request.path().to_string(),
        query => format!("{}?{query}", request.path()),
    };
    let from = normalize(&address)?;
    let found = db::run(&state.pool, move |conn| {
        Ok(Redirect::target_of(conn, &from)?)
    })
    .await;
    match found {
        Ok(target) => target,
        Err(error) => {
            // The 404 page is still the right answer when the table cannot be read.
            tracing::warn!(%error, "redirects not looked up");
            None
        }
    }
}

fn moved_permanently(request: ServiceRequest, target: &str) -> ServiceResponse<BoxBody> {
    let response = HttpResponse::build(StatusCode::MOVED_PERMANENTLY)
        .insert_header((LOCATION, target))
        .insert_header((CACHE_CONTROL, REDIRECT_CACHE))
        .finish();
    request.into_response(response)
}

/// The middleware: a redirect instead of a 404, and before the front page for `/?p=123`.
pub async fn before_not_found(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| readable) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    if request.path() == "/"
        && names_old_object(request.query_string())
        && let Some(target) = lookup(&state, &request).await
    {
        return Ok(moved_permanently(request, &target));
    }
    let response = next.call(request).await?;
    let corrected = response.response().extensions().contains::<NonCanonical>();
    if response.status() != StatusCode::NOT_FOUND && !corrected {
        return Ok(response.map_into_boxed_body());
    }
    let (request, not_found) = response.into_parts();
    let request = ServiceRequest::from_parts(request, actix_web::dev::Payload::None);
    match lookup(&state, &request).await {
        Some(target) => Ok(moved_permanently(request, &target)),
        None => {
            let (request, _) = request.into_parts();
            Ok(ServiceResponse::new(request, not_found).map_into_boxed_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn addresses_normalize_to_one_form() {
        assert_eq!(normalize("/about/").as_deref(), Some("/about"));
        assert_eq!(normalize("/About-Us/").as_deref(), Some("/about-us"));
        assert_eq!(normalize("/about").as_deref(), Some("/about"));
        assert_eq!(normalize("/").as_deref(), Some("/"));
        assert_eq!(
            normalize("https://old.example.com/2024/05/12/harbour-wall/").as_deref(),
            Some("/2024/05/12/harbour-wall")
        );
        assert_eq!(normalize("http://old.example.com").as_deref(), Some("/"));
        assert_eq!(normalize("/?p=123").as_deref(), Some("/?p=123"));
        assert_eq!(
            normalize("/?utm_source=x&page_id=7&p=2#top").as_deref(),
            Some("/?p=2&page_id=7")
        );
        assert_eq!(
            normalize("/news/story/?utm_campaign=spring").as_deref(),
            Some("/news/story")
        );
        for nothing in [
            "",
            "about",
            "//evil.example/x",
            "javascript:alert(1)",
            "/a b",
        ] {
            assert_eq!(normalize(nothing), None, "{nothing}");
        }
    }
}
