//! The routing table: every path the site answers is listed here.

use std::path::Path;

use actix_files::Files;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{Route, guard, web};

use crate::handlers::crawl::{feed, robots, sitemap};
use crate::handlers::errors;
use crate::handlers::public::{article, author, home, page, search, section, tag};
use crate::handlers::{self, admin};
use crate::state::AppState;

/// A URL whose content never changes (a static file's URL with its content hash; an upload's
/// random name, never reused) may be kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A static file asked for without its current hash may change at the next deploy.
const SHORT_LIVED: &str = "public, max-age=3600";

/// Cache lifetime for static files: a year only under the file's current fingerprinted URL.
async fn static_cache_policy(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let fingerprinted = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| {
            state
                .assets
                .is_current(request.path(), request.query_string())
        });
    let mut response = next.call(request).await?;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let lifetime = if fingerprinted {
            IMMUTABLE
        } else {
            SHORT_LIVED
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(lifetime));
    }
    Ok(response)
}

/// First path segments this table gives to something other than a standalone page (and a few
/// kept for what a site moving in may need, such as WordPress's `/feed`): a page may not take
/// one as its slug, since the route would shadow it. Slugs hold only letters, digits and
/// hyphens, so `robots.txt`, `feed.xml` and `sitemap.xml` cannot collide.
pub const RESERVED_FIRST_SEGMENTS: &[&str] = &[
    "admin",
    "article",
    "author",
    "csp-reports",
    "feed",
    "healthz",
    "media",
    "search",
    "section",
    "sitemaps",
    "static",
    "tag",
];

/// A route for reading: GET, and HEAD wherever GET works.
fn read() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &Path, media_dir: &Path) {
    cfg.route("/", read().to(home::show))
        .route("/section/{slug}", read().to(section::show))
        .route("/article/{slug}", read().to(article::show))
        .route("/author/{slug}", read().to(author::show))
        .route("/tag/{slug}", read().to(tag::show))
        .route("/search", read().to(search::show))
        .route("/feed.xml", read().to(feed::site))
        .route("/section/{slug}/feed.xml", read().to(feed::section))
        .route("/author/{slug}/feed.xml", read().to(feed::author))
        .route("/tag/{slug}/feed.xml", read().to(feed::tag))
        .route("/robots.txt", read().to(robots::show))
        .route("/healthz", read().to(errors::health))
        .service(
            web::resource("/csp-reports")
                .app_data(web::PayloadConfig::new(errors::CSP_REPORT_LIMIT))
                .post(errors::csp_report),
        )
        .route("/sitemap.xml", read().to(sitemap::index))
        .route("/sitemaps/pages.xml", read().to(sitemap::pages))
        .route("/sitemaps/news.xml", read().to(sitemap::news))
        .route(
            "/sitemaps/articles-{number}.xml",
            read().to(sitemap::articles),
        )
        .service(
            web::scope("/admin")
                .wrap(actix_web::middleware::from_fn(admin::guard))
                .route("", web::get().to(admin::dashboard::show))
                .service(
                    web::resource("/login")
                        // Its own small limit: nobody needs more to log in.
                        .app_data(handlers::form_config(admin::session::LOGIN_BODY_LIMIT))
                        .route(web::get().to(admin::session::show))
                        .route(web::post().to(admin::session::login)),
                )
                .route("/logout", web::post().to(admin::session::logout))
                .route("/articles", web::get().to(admin::articles::list))
                .route("/articles", web::post().to(admin::articles::create))
                .route("/articles/new", web::get().to(admin::articles::new))
                .route("/articles/bulk", web::post().to(admin::articles::bulk))
                .route("/articles/lookup", web::get().to(admin::articles::lookup))
                .route(
                    "/articles/trash/empty",
                    web::post().to(admin::articles::empty_trash),
                )
                .route("/articles/{id}", web::get().to(admin::articles::edit))
                .route("/articles/{id}", web::post().to(admin::articles::update))
                .route(
                    "/articles/{id}/preview",
                    web::get().to(admin::articles::preview),
                )
                .route(
                    "/articles/{id}/autosave",
                    web::post().to(admin::articles::autosave),
                )
                .route(
                    "/articles/{id}/revisions",
                    web::get().to(admin::articles::revisions),
                )
                .route(
                    "/articles/{id}/revisions/{number}",
                    web::get().to(admin::articles::compare),
                )
                .route(
                    "/articles/{id}/revisions/{number}/restore",
                    web::post().to(admin::articles::restore),
                )
                .service(
                    web::resource("/media")
                        .app_data(admin::media::upload_config())
                        .get(admin::media::show)
                        .post(admin::media::upload),
                )
                .route("/media/{id}", web::get().to(admin::media_item::show))
                .route("/media/{id}", web::post().to(admin::media_item::describe))
                .route(
                    "/media/{id}/delete",
                    web::post().to(admin::media_item::delete),
                )
                .route("/sections", web::get().to(admin::sections::list))
                .route("/sections", web::post().to(admin::sections::create))
                .route("/sections/{id}", web::post().to(admin::sections::update))
                .route(
                    "/sections/{id}/delete",
                    web::post().to(admin::sections::delete),
                )
                .route("/authors", web::get().to(admin::authors::list))
                .route("/authors", web::post().to(admin::authors::create))
                .route("/authors/{id}", web::post().to(admin::authors::update))
                .route(
                    "/authors/{id}/delete",
                    web::post().to(admin::authors::delete),
                )
                .route("/pages", web::get().to(admin::pages::list))
                .route("/pages", web::post().to(admin::pages::create))
                .route("/pages/new", web::get().to(admin::pages::new))
                .route("/pages/menu", web::post().to(admin::pages::set_menu))
                .route("/pages/{id}", web::get().to(admin::pages::edit))
                .route("/pages/{id}", web::post().to(admin::pages::update))
                .route("/pages/{id}/delete", web::post().to(admin::pages::delete))
                .route("/redirects", web::get().to(admin::redirects::list))
                .route("/redirects", web::post().to(admin::redirects::save))
                .route(
                    "/redirects/{id}/delete",
                    web::post().to(admin::redirects::delete),
                )
                .route("/tags", web::get().to(admin::tags::list))
                .route("/tags/{id}", web::post().to(admin::tags::update))
                .route("/tags/{id}/delete", web::post().to(admin::tags::delete))
                .route("/account", web::get().to(admin::account::show))
                .route(
                    "/account/password",
                    web::post().to(admin::account::change_password),
                )
                .route("/users", web::get().to(admin::users::list))
                .route("/users", web::post().to(admin::users::create))
                .route("/users/{id}", web::post().to(admin::users::update))
                .route("/users/{id}/delete", web::post().to(admin::users::delete))
                .route(
                    "/users/{id}/reset",
                    web::post().to(admin::users::reset_password),
                )
                .route("/audit", web::get().to(admin::audit::show)),
        )
        .service(
            web::scope("/static")
                .wrap(from_fn(static_cache_policy))
                .service(
                    Files::new("", static_dir)
                        .use_etag(true)
                        .use_last_modified(true),
                ),
        )
        .service(
            web::scope("/media")
                .wrap(
                    DefaultHeaders::new().add((CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE))),
                )
                .service(
                    Files::new("", media_dir)
                        .use_etag(true)
                        .use_last_modified(true),
                ),
        )
        // Last, so every other route comes first (RESERVED_FIRST_SEGMENTS keeps pages off them).
        .route("/{slug}", read().to(page::show))
        .default_service(web::to(errors::not_found));
}
