//! Gazette: a server-rendered news site. The binary (`main.rs`) and the integration tests both
//! start the server through [`build_state`] and [`serve`], so tests run exactly what ships.

pub mod access_log;
pub mod accounts;
pub mod assets;
pub mod auth;
pub mod change_feed;
pub mod changes;
pub mod client;
pub mod clock;
pub mod config;
pub mod copy;
pub mod dates;
pub mod db;
pub mod demo;
pub mod descriptions;
pub mod editorial;
pub mod error;
pub mod export;
pub mod forms;
pub mod handlers;
pub mod http_cache;
pub mod id_list;
pub mod illustrations;
pub mod import;
pub mod layout;
pub mod log_output;
pub mod maintenance;
pub mod management;
pub mod markdown;
pub mod media;
pub mod memory;
pub mod models;
pub mod page_cache;
pub mod pagination;
#[cfg(test)]
mod properties;
pub mod purge;
pub mod readership;
pub mod redirects;
pub mod related;
pub mod request_id;
pub mod routes;
pub mod schema;
pub mod search;
pub mod site_image;
pub mod state;
pub mod structured_data;
pub mod synthetic;
pub mod views;
pub mod xml;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};

use crate::assets::Assets;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;

/// The largest form body accepted (an article of some 300,000 words).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Pages may load only what this site serves: no third-party scripts, styles, fonts or frames.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'; report-uri /csp-reports";

/// Opens and migrates the database, fills it with the demo newsroom when it is empty (and the
/// configuration asks for it), and loads what every page needs.
pub fn build_state(config: Config) -> Result<web::Data<AppState>, String> {
    build_state_with_clock(config, Clock::system())
}

/// `build_state` with a given clock (tests pass one they can move).
pub fn build_state_with_clock(config: Config, clock: Clock) -> Result<web::Data<AppState>, String> {
    config.validate().map_err(|e| e.to_string())?;
    let pool = db::open_pool(&config.database, config.db)?;
    let mut conn = db::first_connection(&pool, config.db)?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    if config.seed_demo && demo::is_empty(&mut conn).map_err(|e| e.to_string())? {
        let count = demo::seed(&mut conn, clock.now()).map_err(|e| format!("demo content: {e}"))?;
        tracing::info!(
            articles = count,
            "empty database filled with the demo newsroom"
        );
    }
    if search::never_built(&mut conn).map_err(|e| e.to_string())? {
        let indexed =
            search::rebuild(&mut conn, |_, _| {}).map_err(|e| format!("search index: {e}"))?;
        tracing::info!(indexed, "search index rebuilt");
    }
    if models::User::count(&mut conn).map_err(|e| e.to_string())? == 0 {
        tracing::warn!(
            "no staff account yet: create the first with `gazette user add --email you@example.com --name \"Your Name\" --role admin`"
        );
    }
    let assets = Assets::scan(&config.static_dir).map_err(|e| {
        format!(
            "cannot read static files in {}: {e}",
            config.static_dir.display()
        )
    })?;
    let state = AppState::new(config, pool.clone(), assets, clock);
    let today = state.clock.now().date();
    state
        .readership
        .rank_now(&mut conn, today)
        .map_err(|e| e.to_string())?;
    state
        .reload_navigation(&mut conn)
        .map_err(|e| e.to_string())?;
    Ok(web::Data::new(state))
}

/// Features no page of ours uses, switched off for every frame.
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// Headers on every response: a strict CSP, no sniffing, a short referrer, no powerful
/// features, no opener across origins, and for an https site, https for a year.
fn default_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .add((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .add((
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .add((
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .add((
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ));
    if https {
        headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        headers
    }
}

/// How often expired sessions and forgotten login failures are deleted.
const SWEEP_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Deletes sessions that can no longer be used and login failures that no longer count.
pub async fn sweep_expired(
    state: &AppState,
    now: chrono::NaiveDateTime,
) -> Result<(usize, usize), AppError> {
    let idle = state.config.session_idle;
    db::run(&state.pool, move |conn| {
        let sessions =
            models::session::Session::delete_expired(conn, now, idle, auth::ABSOLUTE_TIMEOUT)?;
        let throttles = models::session::Throttle::forget_old(conn, now)?;
        Ok((sessions, throttles))
    })
    .await
}

/// Serves the site on `listener` until the process is told to stop, writing counted page views
/// to the database as it goes and once more at shutdown.
pub async fn serve(state: web::Data<AppState>, listener: TcpListener) -> std::io::Result<()> {
    let static_dir = state.config.static_dir.clone();
    let media_dir = state.config.media_dir.clone();
    std::fs::create_dir_all(&media_dir)?;
    let app_state = state.clone();
    let https = state.config.base_url.starts_with("https://");
    let mut server = HttpServer::new(move || {
        let static_dir = static_dir.clone();
        let media_dir = media_dir.clone();
        App::new()
            .app_data(app_state.clone())
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::bad_request(format!("The query string could not be read: {error}."))
                    .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            // Long articles must fit: the default form limit (16 KiB) would refuse a long read.
            .app_data(handlers::form_config(MAX_FORM_BYTES))
            .wrap(ErrorHandlers::new().default_handler(handlers::errors::render_error_page))
            .wrap(from_fn(http_cache::conditional_get))
            .wrap(Compress::default())
            // Inside the page cache: a stored page keeps the headers it was rendered with.
            .wrap(default_headers(https))
            .wrap(from_fn(http_cache::canonical_urls))
            // Outside the URL correction: a 404, or a corrected address, that an old address
            // explains becomes one 301 to where it lives now.
            .wrap(from_fn(redirects::before_not_found))
            .wrap(from_fn(request_id::in_span))
            // Cached pages are served from here, before everything inside. Only pages that
            // rendered with 200 are stored, so the URL correction (a 301 for a path not in
            // its canonical form, which is never stored) and the redirects of old addresses
            // (which act on 404s and those 301s) have nothing to do for a stored page.
            .wrap(from_fn(page_cache::serve_cached))
            .wrap(from_fn(request_id::assign))
            // The access log (see `access_log`): the client address as a trusted proxy names
            // it (see `client`), and the request's id (see `request_id`).
            .wrap(from_fn(access_log::record))
            .configure(|cfg| routes::configure(cfg, &static_dir, &media_dir))
    });
    // Responses go out as soon as they are written: with Nagle's algorithm on, the last small
    // segment of a response waits for the client's delayed ACK (some 40 ms) on kept-alive
    // connections.
    server = server.on_connect(|connection, _| {
        if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    });
    // Blocking work is database work, and only `db.size` connections exist: more threads
    // would only wait for one (each with its own stack and allocator arena).
    server = server.worker_max_blocking_threads(state.config.db.size as usize + 1);
    if state.config.workers > 0 {
        server = server.workers(state.config.workers);
    }
    let server = server.listen(listener)?.run();

    let flusher_state = state.clone();
    let flusher = actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(flusher_state.config.views_flush_interval);
        loop {
            ticks.tick().await;
            let today = flusher_state.clock.now().date();
            if let Err(error) = flusher_state
                .readership
                .flush(&flusher_state.pool, today)
                .await
            {
                tracing::warn!(%error, "page views not saved yet; will retry");
            }
        }
    });

    // Whether the search index holds every published article: counting both reads an index
    // entry per article (45 ms at 100,000 from the OS's cache, growing with the archive), so
    // it is asked once after the server answers rather than before.
    // The planner's statistics too (see `db::refresh_statistics`).
    let check_state = state.clone();
    actix_web::rt::spawn(async move {
        let checked = db::run(&check_state.pool, |conn| {
            db::refresh_statistics(conn, false);
            Ok(search::out_of_step(conn)?)
        });
        match checked.await {
            Ok(false) => {}
            Ok(true) => tracing::warn!(
                "the search index does not hold every published article (written around \
                 Gazette?): run `gazette reindex`"
            ),
            Err(error) => tracing::warn!(%error, "search index not checked"),
        }
    });

    // Scheduled articles go live from inside the server, at their time, whoever is reading.
    let scheduler_state = state.clone();
    let scheduler = actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(scheduler_state.config.scheduler_interval);
        let mut last_sweep = None;
        loop {
            ticks.tick().await;
            let now = scheduler_state.clock.now();
            if last_sweep.is_none_or(|at| now - at >= SWEEP_INTERVAL) {
                last_sweep = Some(now);
                if let Err(error) = sweep_expired(&scheduler_state, now).await {
                    tracing::warn!(%error, "expired sessions and login counts not swept; will retry");
                }
            }
            let published = scheduler_state
                .write(move |conn, changes| Ok(editorial::publish_due(conn, changes, now)?))
                .await;
            match published {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "scheduled articles published"),
                Err(error) => tracing::warn!(%error, "scheduled publication failed; will retry"),
            }
        }
    });

    // Several servers on one PostgreSQL database hear of each other's changes.
    let stopping = Arc::new(AtomicBool::new(false));
    let listener = match &state.config.database {
        db::Location::Postgres(url) => Some(change_feed::spawn(
            state.clone(),
            url.clone(),
            stopping.clone(),
        )),
        db::Location::Sqlite(_) => None,
    };

    let trimmer = memory::spawn_trimmer(stopping.clone());

    let result = server.await;
    stopping.store(true, Ordering::Relaxed);
    if let Some(listener) = listener {
        let _ = listener.join();
    }
    if let Some(trimmer) = trimmer {
        let _ = trimmer.join();
    }
    flusher.abort();
    scheduler.abort();
    if let Err(error) = state
        .readership
        .flush(&state.pool, state.clock.now().date())
        .await
    {
        tracing::warn!(%error, "page views counted since the last flush were lost");
    }
    result
}
