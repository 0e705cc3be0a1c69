//! `/robots.txt`: crawl the site, not the admin or search results; here are the sitemaps.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::handlers::crawl::document;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "feeds/robots.txt")]
pub struct RobotsTxt {
    pub sitemap_url: String,
}

pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let robots = RobotsTxt {
        sitemap_url: state.absolute("/sitemap.xml"),
    };
    // Nothing an editor does changes it.
    let shows = crate::page_cache::Shows::default();
    Ok(shows.attach(document("text/plain; charset=utf-8", robots.render()?)))
}
