//! What machines read: feeds, sitemaps and robots.txt. Each is built from rows by a plain
//! template and sent with its own content type.

pub mod feed;
pub mod robots;
pub mod sitemap;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::handlers::PUBLIC_CACHE;

/// A machine-readable document with its content type and the public caching policy.
pub fn document(content_type: &'static str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, PUBLIC_CACHE))
        .body(body)
}
