//! A request id for every request: sent back as `X-Request-Id`, printed in the access log, and
//! carried by a tracing span for every request the page cache does not answer, so an error
//! logged while answering names the request it belongs to. Behind a trusted proxy that already assigned one, that id is kept (one id end to end).

use std::net::IpAddr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Ids a proxy sends are kept only when short and plain.
const MAX_FORWARDED_LEN: usize = 64;

/// A random prefix per process and a counter: unique across servers and restarts without a
/// random draw per request.
fn next_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| crate::auth::random_token()[..8].to_string());
    format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn is_plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_FORWARDED_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The id of this request: the trusted proxy's, or a new one.
fn id_for(request: &ServiceRequest, trusted_proxies: &[IpAddr]) -> String {
    let from_trusted_proxy = request
        .peer_addr()
        .map(|peer| crate::client::canonical(peer.ip()))
        .is_some_and(|peer| trusted_proxies.contains(&peer));
    if from_trusted_proxy
        && let Some(id) = request
            .headers()
            .get(&HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|id| is_plain(id))
    {
        return id.to_string();
    }
    next_id()
}

/// Middleware: assigns the id and answers with it. The request's span is `in_span`'s, further
/// in: a page served from the page cache logs nothing but its access line, which names the id
/// itself, and a span per request was a twentieth of the cost of such a page (perf, 2026-12-04).
pub async fn assign(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let trusted: &[IpAddr] = request
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|state| state.config.trusted_proxies.as_slice())
        .unwrap_or_default();
    let id = id_for(&request, trusted);
    let value = HeaderValue::from_str(&id).expect("ids are plain ASCII");
    // The access log reads it from the response; `in_span` and handlers from the request.
    request.headers_mut().insert(HEADER, value.clone());
    let mut response = next.call(request).await?;
    response.headers_mut().insert(HEADER, value);
    Ok(response)
}

/// Middleware, inside `assign`: runs the request inside a span carrying its id, so that
/// whatever is logged while answering names the request.
pub async fn in_span(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-");
    let span = tracing::info_span!("request", id = %id);
    next.call(request).instrument(span).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_forwarded_ones_must_be_plain() {
        let (a, b) = (next_id(), next_id());
        assert_ne!(a, b);
        assert!(is_plain(&a), "{a}");
        assert!(is_plain("3f2a-req_1.2"));
        assert!(!is_plain(""));
        assert!(!is_plain("id with spaces"));
        assert!(!is_plain("<script>"));
        assert!(!is_plain(&"x".repeat(65)));
    }
}
