//! What machines read: feeds, sitemaps and robots.txt. Each is built from rows by a plain
//! template and sent with its own content type.

pub mod feed;
pub mod robots;
pub mod sitemap;

use actix_web::HttpResponse;
use actix_web::http::header::CONTENT_TYPE;

use crate::handlers::public_caching;

/// A machine-readable document with its content type and the public caching policy.
pub fn document(content_type: &'static str, body: String) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header((CONTENT_TYPE, content_type));
    public_caching(&mut response);
    response.body(body)
}
