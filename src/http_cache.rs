//! HTTP-level behaviour shared by every public response: validators (ETag, Last-Modified) with
//! 304 answers to conditional requests, and one canonical form for every URL.

use std::hash::{DefaultHasher, Hasher};
use std::str::FromStr;
use std::time::SystemTime;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, ETAG, HeaderValue, HttpDate, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Headers a 304 repeats from the full response (RFC 9110 §15.4.5).
const KEPT_ON_NOT_MODIFIED: [header::HeaderName; 5] = [
    header::ETAG,
    header::LAST_MODIFIED,
    header::CACHE_CONTROL,
    header::VARY,
    header::CONTENT_LOCATION,
];

/// Gives every successful GET/HEAD response that has none an ETag computed from its body, and
/// answers `If-None-Match` / `If-Modified-Since` with 304 and no body. The tag is weak because
/// compression (outside this middleware) changes the bytes but not the meaning.
pub async fn conditional_get(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    let if_modified_since = request.headers().get(IF_MODIFIED_SINCE).cloned();
    let response = next.call(request).await?;
    if !is_read || response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }

    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let etag = match head.headers().get(ETAG) {
        Some(existing) => existing.clone(),
        None => {
            let bytes = body::to_bytes(body).await.map_err(|e| {
                let cause: Box<dyn std::error::Error> = e.into();
                actix_web::error::ErrorInternalServerError(format!("response body: {cause}"))
            })?;
            let mut hasher = DefaultHasher::new();
            hasher.write(&bytes);
            let tag = HeaderValue::from_str(&format!("W/\"{:016x}\"", hasher.finish()))
                .expect("hex is a valid header value");
            head.headers_mut().insert(ETAG, tag.clone());
            return finish(
                request,
                head.set_body(BoxBody::new(bytes)),
                tag,
                if_none_match,
                if_modified_since,
            );
        }
    };
    finish(
        request,
        head.set_body(BoxBody::new(body)),
        etag,
        if_none_match,
        if_modified_since,
    )
}

fn finish(
    request: actix_web::HttpRequest,
    response: HttpResponse<BoxBody>,
    etag: HeaderValue,
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let not_modified = match if_none_match {
        Some(candidates) => etag_matches(&candidates, &etag),
        None => match (if_modified_since, response.headers().get(LAST_MODIFIED)) {
            (Some(since), Some(modified)) => not_modified_since(&since, modified),
            _ => false,
        },
    };
    if !not_modified {
        return Ok(ServiceResponse::new(request, response));
    }
    let mut short = HttpResponse::NotModified();
    for name in KEPT_ON_NOT_MODIFIED {
        if let Some(value) = response.headers().get(&name) {
            short.insert_header((name, value.clone()));
        }
    }
    Ok(ServiceResponse::new(request, short.finish()))
}

/// Weak comparison, as `If-None-Match` requires: `W/"x"` matches `"x"`; `*` matches anything.
pub fn etag_matches(candidates: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(candidates) = candidates.to_str() else {
        return false;
    };
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    candidates
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == opaque(etag))
}

fn http_date(value: &HeaderValue) -> Option<SystemTime> {
    HttpDate::from_str(value.to_str().ok()?)
        .ok()
        .map(SystemTime::from)
}

pub fn not_modified_since(since: &HeaderValue, modified: &HeaderValue) -> bool {
    match (http_date(since), http_date(modified)) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

/// One URL per page: a trailing slash or capital letters in the path answer 301 to the
/// lower-case form without the slash (the query string is kept). Static files keep their case.
pub async fn canonical_urls(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request.path();
    let canonical = (is_read && !path.starts_with("/static/"))
        .then(|| canonical_path(path))
        .flatten();
    if let Some(canonical) = canonical {
        let location = match request.query_string() {
            "" => canonical,
            query => format!("{canonical}?{query}"),
        };
        let mut response = HttpResponse::MovedPermanently()
            .insert_header((LOCATION, location))
            .finish();
        // Marked, so the redirects can send an old address's variant straight to its target.
        response.extensions_mut().insert(NonCanonical);
        return Ok(request.into_response(response));
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

/// Marks the 301 `canonical_urls` answers for a path that is not in its canonical form.
#[derive(Debug, Clone, Copy)]
pub struct NonCanonical;

/// The canonical form of a path (see `canonical_path`).
pub fn canonical_form(path: &str) -> String {
    canonical_path(path).unwrap_or_else(|| path.to_string())
}

/// The canonical form of a path, or None when it already is canonical. Percent-escapes keep
/// their case: `%C3%A9` and `%c3%a9` are the same byte, and the router decodes either.
/// Leading slashes and backslashes collapse to one slash: `//evil.example` or `/\evil.example`
/// in a `Location` would send the browser to another host.
fn canonical_path(path: &str) -> Option<String> {
    let rest = path.trim_start_matches(['/', '\\']).trim_end_matches('/');
    let mut canonical = String::with_capacity(rest.len() + 1);
    canonical.push('/');
    let mut escape_digits_left = 0;
    for c in rest.chars() {
        if escape_digits_left > 0 {
            escape_digits_left -= 1;
            canonical.push(c);
        } else if c == '%' {
            escape_digits_left = 2;
            canonical.push(c);
        } else {
            canonical.push(c.to_ascii_lowercase());
        }
    }
    (canonical != path).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths() {
        assert_eq!(canonical_path("/"), None);
        assert_eq!(canonical_path("/section/world"), None);
        assert_eq!(
            canonical_path("/section/world/").as_deref(),
            Some("/section/world")
        );
        assert_eq!(
            canonical_path("/Section/World").as_deref(),
            Some("/section/world")
        );
        assert_eq!(canonical_path("//").as_deref(), Some("/"));
        // Never a path a browser reads as another host.
        for hostile in [
            "//evil.example/",
            "/\\evil.example/",
            "/\\/evil.example",
            "///evil.example",
        ] {
            assert_eq!(
                canonical_path(hostile).as_deref(),
                Some("/evil.example"),
                "{hostile}"
            );
        }
        assert_eq!(canonical_path("/tag/%C3%A9t%C3%A9"), None);
        assert_eq!(
            canonical_path("/Tag/%C3%A9").as_deref(),
            Some("/tag/%C3%A9")
        );
    }

    #[test]
    fn weak_etags_compare_by_opaque_value() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        assert!(etag_matches(&HeaderValue::from_static("\"abc\""), &etag));
        assert!(etag_matches(
            &HeaderValue::from_static("\"x\", W/\"abc\""),
            &etag
        ));
        assert!(etag_matches(&HeaderValue::from_static("*"), &etag));
        assert!(!etag_matches(&HeaderValue::from_static("\"abd\""), &etag));
    }
}
