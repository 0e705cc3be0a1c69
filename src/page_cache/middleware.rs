//! The middleware in front of every public page: cached pages are answered before any other
//! work; a miss renders once (concurrent misses of the page wait for it) and fills the cache
//! when the handler said what the page shows.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use chrono::NaiveDateTime;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::entry::{Conditions, kept_header};
use super::{Coding, Entry, PageCache, Shows};
use crate::state::AppState;

/// The two caches in the application state.
#[derive(Debug, Clone, Copy)]
enum Which {
    Pages,
    Searches,
}

impl Which {
    fn of(self, state: &AppState) -> &PageCache {
        match self {
            Which::Pages => &state.page_cache,
            Which::Searches => &state.search_cache,
        }
    }
}

/// Which cache a request's page belongs in, and under which key: public pages by path (and
/// page number), search results by their normalized query. None: never cached (the admin,
/// files, anything not read with GET or HEAD).
fn cache_for(request: &ServiceRequest) -> Option<(Which, String)> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = request.path();
    if path.starts_with("/admin") || path.starts_with("/static/") || path.starts_with("/media/") {
        return None;
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(request.query_string()).unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_string())
    };
    // `/?p=123`: an old WordPress address, looked up in the redirects, not the front page.
    if path == "/" && crate::redirects::names_old_object(request.query_string()) {
        return None;
    }
    if path == "/search" {
        let key = serde_urlencoded::to_string(
            ["q", "section", "author", "from", "to", "page"]
                .map(|name| (name, param(name).unwrap_or_default())),
        )
        .ok()?;
        return Some((Which::Searches, key));
    }
    let key = match param("page") {
        Some(page) => format!("{path}?page={page}"),
        None => path.to_string(),
    };
    Some((Which::Pages, key))
}

/// Serves cached pages, and fills the cache from responses that carry [`Shows`].
pub async fn serve_cached(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let Some((which, key)) = cache_for(&request).filter(|(w, _)| w.of(&state).is_enabled()) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let cache = which.of(&state);
    let coding = Coding::preferred(request.headers());
    let now = state.clock.now();
    if let Some(entry) = cache.get(&key, now) {
        if let Some(article_id) = entry.view_of {
            state
                .readership
                .record_request(article_id, request.headers());
        }
        if entry.served_once_more() {
            compress_best_later(state.clone(), which, &key, &entry);
        }
        let conditions = Conditions::take(request.headers_mut());
        let response = answer(cache, &key, &entry, coding, &conditions);
        return Ok(request.into_response(response));
    }

    // A miss: one render at a time per page; whoever waited finds the page stored.
    let gate = cache.gate(&key);
    // Held by the map and by us only, or someone is rendering it already: a page in demand.
    if std::sync::Arc::strong_count(&gate) > 2 {
        cache.remember_demand(&key);
    }
    let turn = gate.lock().await;
    let conditions = Conditions::take(request.headers_mut());
    if let Some(entry) = cache.get(&key, now) {
        drop(turn);
        cache.release(&key, gate);
        let response = answer(cache, &key, &entry, coding, &conditions);
        return Ok(request.into_response(response));
    }
    let response = render_and_store(request, next, cache, &key, now, coding, &conditions).await;
    drop(turn);
    cache.release(&key, gate);
    response
}

/// Renders the page uncompressed and unconditionally (so what is stored is the whole page),
/// stores it when the handler said what it shows, and answers from the stored entry.
async fn render_and_store(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    cache: &PageCache,
    key: &str,
    now: NaiveDateTime,
    coding: Coding,
    conditions: &Conditions,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let generation = cache.generation();
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = next.call(request).await?;
    let shows = response.response().extensions().get::<Shows>().cloned();
    let (Some(shows), StatusCode::OK) = (shows, response.status()) else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes(body).await.map_err(|e| {
        let cause: Box<dyn std::error::Error> = e.into();
        actix_web::error::ErrorInternalServerError(format!("response body: {cause}"))
    })?;
    let headers = head
        .headers()
        .iter()
        .filter(|(name, _)| kept_header(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let entry = cache.insert(key, Entry::new(bytes, headers, &shows, now), generation);
    let response = answer(cache, key, &entry, coding, conditions);
    Ok(ServiceResponse::new(request, response))
}

/// Whether a page is being compressed at its smallest: one at a time, on a thread for blocking
/// work, so a burst of pages in demand (a cache just dropped) takes one such thread and never
/// holds up the database work that shares them; a page that finds it busy is asked again
/// later (`Entry::served_once_more`).
static COMPRESSING: AtomicBool = AtomicBool::new(false);

/// Replaces a page in demand with a copy compressed at its smallest, unless it changed meanwhile
/// (`PageCache::replace`).
fn compress_best_later(state: web::Data<AppState>, which: Which, key: &str, entry: &Arc<Entry>) {
    if COMPRESSING.swap(true, Ordering::Acquire) {
        return;
    }
    /// Frees the turn when the work ends, however it ends.
    struct Turn;
    impl Drop for Turn {
        fn drop(&mut self) {
            COMPRESSING.store(false, Ordering::Release);
        }
    }
    let turn = Turn;
    let (key, entry) = (key.to_string(), entry.clone());
    actix_web::rt::task::spawn_blocking(move || {
        let _turn = turn;
        let better = entry.compressed_best();
        which.of(&state).replace(&key, &entry, better);
    });
}

/// The response from a stored page; a gzip copy it made on the way is counted in the cache.
fn answer(
    cache: &PageCache,
    key: &str,
    entry: &Arc<Entry>,
    coding: Coding,
    conditions: &Conditions,
) -> HttpResponse {
    let response = entry.respond(coding, conditions);
    if coding == Coding::Gzip {
        cache.count_gzip(key, entry);
    }
    response
}
