//! One rendered page in every coding it is served in, with its validators and headers, and the
//! response a request gets from it (the page, or 304).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::web::Bytes;
use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::compression::{self, Effort};
use super::unpacking::Unpacking;
use super::{DEFAULT_LIFETIME, Shows};
use crate::changes::Dependency;

/// The content codings a page is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The best coding the client accepts: brotli, then gzip, then none.
    pub fn preferred(headers: &HeaderMap) -> Coding {
        let mut gzip = false;
        let mut brotli = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim();
                // `q=0` (in any spelling of zero) refuses the coding.
                let refused = parts.any(|parameter| {
                    parameter.split_once('=').is_some_and(|(key, q)| {
                        key.trim().eq_ignore_ascii_case("q")
                            && q.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
                    })
                });
                if name.eq_ignore_ascii_case("br") {
                    brotli = !refused;
                } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                    gzip = !refused;
                }
            }
        }
        if brotli {
            Coding::Brotli
        } else if gzip {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// One rendered page in every coding, with its validators and headers. Only the brotli copy
/// is kept from the start (a quarter of the page's size): browsers ask for it, the uncompressed
/// page is unpacked from it for the rare client that wants no coding, and gzip is made from it
/// on first use. The same memory holds about three times as many pages as keeping all three.
/// A page in demand is replaced by a copy of itself compressed at its smallest
/// (`compressed_best`): same bytes once unpacked, same validators.
pub struct Entry {
    /// Made on first use.
    gzip: OnceLock<Bytes>,
    brotli: Bytes,
    identity_len: usize,
    etag: HeaderValue,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// In order, each once (from a set).
    pub(super) dependencies: Box<[Dependency]>,
    pub(super) expires_at: NaiveDateTime,
    pub(super) view_of: Option<i32>,
    /// The bytes counted against the cache's limit, the gzip copy left out until it is made.
    pub(super) size: usize,
    /// Whether the gzip copy's bytes are counted too; changed under the cache's lock only.
    pub(super) gzip_counted: AtomicBool,
    effort: Effort,
    /// Responses served from this copy.
    served: AtomicU32,
}

/// What a page costs the cache besides its bytes (an estimate, counted so that the bound is
/// the memory the cache takes): the entry, its key, its place in the LRU order and its
/// headers' allocations…
const BYTES_PER_ENTRY: usize = 1024;
/// …and each thing it shows: the (thing, page) pair in the cache's index, and its copy here.
const BYTES_PER_DEPENDENCY: usize = 48;

const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");

/// A page served this many times from one stored copy is compressed again at its smallest
/// (`Effort::Best`): 27 ms once for a 23.6 KB article page, about what 2,700 of its cached
/// responses cost, for copies a fifth smaller for every reader after. Checked again at each
/// multiple while it waits for its turn (`Entry::served_once_more`).
pub const IN_DEMAND_AFTER: u32 = 1_000;
/// Larger pages are not compressed again: brotli 11 takes 385 ms and some 30 MB for the
/// 296 KB article sitemap (7.4 KB smaller than at 2), and in the benchmark such a job raised
/// the server's peak resident size by 20 MB (2026-12-04). Article, home, section and author
/// pages are 20–40 KB.
const AT_MOST_FOR_BEST: usize = 64 * 1024;

/// Response headers the entry does not keep: it sets its own length, coding and validators.
/// The rest are kept, the security headers included (added further in, at render).
pub(super) fn kept_header(name: &HeaderName) -> bool {
    ![
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
        header::ETAG,
        header::VARY,
        header::DATE,
    ]
    .contains(name)
}

/// The bytes a page is counted for: its brotli copy, headers and dependencies. The gzip copy
/// is counted when it is made (`PageCache::count_gzip`): most clients take brotli, and counting
/// it ahead would halve the pages the same memory holds.
fn counted_bytes(
    brotli: &Bytes,
    headers: &[(HeaderName, HeaderValue)],
    dependencies: &[Dependency],
) -> usize {
    brotli.len()
        + headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum::<usize>()
        + dependencies.len() * BYTES_PER_DEPENDENCY
        + BYTES_PER_ENTRY
}

/// The first instant of the year after `now`: every page shows the year in its footer.
fn next_new_year(now: NaiveDateTime) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(now.year() + 1, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX)
}

impl Entry {
    pub(super) fn new(
        identity: Bytes,
        headers: Vec<(HeaderName, HeaderValue)>,
        shows: &Shows,
        now: NaiveDateTime,
    ) -> Entry {
        let etag = {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(&identity);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
        };
        let brotli = compression::brotli(&identity, Effort::Quick);
        let mut headers = headers;
        // Cache-Tag carries the same words, comma-separated. Both are stored (a few hundred
        // bytes, counted below): made per response, the home page's thirty-odd words were a
        // string rebuilt and checked at every hit.
        let keys = shows.surrogate_keys();
        if !shows.dependencies.is_empty()
            && let (Ok(surrogate_key), Ok(cache_tag)) = (
                HeaderValue::from_str(&keys),
                HeaderValue::from_str(&keys.replace(' ', ",")),
            )
        {
            headers.push((SURROGATE_KEY, surrogate_key));
            headers.push((CACHE_TAG, cache_tag));
        }
        let lifetime = shows.lifetime.unwrap_or(DEFAULT_LIFETIME);
        let expires_at = (now + lifetime).min(next_new_year(now));
        let dependencies: Box<[Dependency]> = shows.dependencies.iter().copied().collect();
        Entry {
            identity_len: identity.len(),
            gzip: OnceLock::new(),
            size: counted_bytes(&brotli, &headers, &dependencies),
            brotli,
            etag,
            headers,
            dependencies,
            expires_at,
            view_of: shows.view_of,
            gzip_counted: AtomicBool::new(false),
            effort: Effort::Quick,
            served: AtomicU32::new(0),
        }
    }

    /// Counts a response served from this copy: true when the page is in demand, not too large,
    /// and has not been compressed at its smallest yet (every `IN_DEMAND_AFTER` responses, so a page that
    /// could not have its turn is asked again later).
    pub(super) fn served_once_more(&self) -> bool {
        self.effort == Effort::Quick
            && self.identity_len <= AT_MOST_FOR_BEST
            && (self.served.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(IN_DEMAND_AFTER)
    }

    /// This page with its copies compressed at their smallest (the gzip copy too, when it has
    /// been made): the same bytes once unpacked, the same validators and headers. Tens of
    /// milliseconds: run it off the request threads.
    pub(super) fn compressed_best(&self) -> Entry {
        let identity = compression::unbrotli(&self.brotli, self.identity_len);
        let brotli = compression::brotli(&identity, Effort::Best);
        let gzip = OnceLock::new();
        if self.gzip.get().is_some() {
            let _ = gzip.set(compression::gzip(&identity, Effort::Best));
        }
        Entry {
            identity_len: self.identity_len,
            gzip,
            size: counted_bytes(&brotli, &self.headers, &self.dependencies),
            brotli,
            etag: self.etag.clone(),
            headers: self.headers.clone(),
            dependencies: self.dependencies.clone(),
            expires_at: self.expires_at,
            view_of: self.view_of,
            gzip_counted: AtomicBool::new(false),
            effort: Effort::Best,
            served: AtomicU32::new(self.served.load(Ordering::Relaxed)),
        }
    }

    /// The size of the gzip copy, once it has been made.
    pub(super) fn gzip_len(&self) -> Option<usize> {
        self.gzip.get().map(Bytes::len)
    }

    /// The bytes this page takes in the cache's count.
    pub(super) fn counted_size(&self) -> usize {
        let gzip = match self.gzip_counted.load(Ordering::Relaxed) {
            true => self.gzip_len().unwrap_or(0),
            false => 0,
        };
        self.size + gzip
    }

    pub fn body(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => compression::unbrotli(&self.brotli, self.identity_len),
            Coding::Gzip => self
                .gzip
                .get_or_init(|| {
                    let identity = compression::unbrotli(&self.brotli, self.identity_len);
                    compression::gzip(&identity, self.effort)
                })
                .clone(),
            Coding::Brotli => self.brotli.clone(),
        }
    }

    /// True when the client's copy, as its conditional headers describe it, is this page.
    fn is_current(&self, conditions: &Conditions) -> bool {
        match &conditions.if_none_match {
            Some(tags) => crate::http_cache::etag_matches(tags, &self.etag),
            None => match (
                &conditions.if_modified_since,
                self.header(header::LAST_MODIFIED),
            ) {
                (Some(since), Some(modified)) => {
                    crate::http_cache::not_modified_since(since, modified)
                }
                _ => false,
            },
        }
    }

    fn header(&self, name: HeaderName) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The response for a request: the body in the coding asked for, or 304 when the client's
    /// copy is current.
    pub(super) fn respond(&self, coding: Coding, conditions: &Conditions) -> HttpResponse {
        let not_modified = self.is_current(conditions);
        let mut response = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.insert_header((header::ETAG, self.etag.clone()));
        response.insert_header((header::VARY, HeaderValue::from_static("accept-encoding")));
        if not_modified {
            return response.finish();
        }
        match coding {
            Coding::Gzip => {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
            }
            Coding::Brotli => {
                response.insert_header((header::CONTENT_ENCODING, "br"));
            }
            Coding::Identity => {}
        }
        // For HEAD, the server sends the length of this body and leaves the body out.
        match coding {
            Coding::Identity => {
                response.body(Unpacking::new(self.brotli.clone(), self.identity_len))
            }
            _ => response.body(self.body(coding)),
        }
    }
}

/// A request's conditional headers.
pub(super) struct Conditions {
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
}

impl Conditions {
    pub(super) fn take(headers: &mut HeaderMap) -> Conditions {
        Conditions {
            if_none_match: headers.remove(header::IF_NONE_MATCH).next(),
            if_modified_since: headers.remove(header::IF_MODIFIED_SINCE).next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_coding_follows_accept_encoding() {
        let coding = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            Coding::preferred(&headers)
        };
        assert_eq!(coding("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(coding("gzip"), Coding::Gzip);
        assert_eq!(coding("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(coding("identity"), Coding::Identity);
        assert_eq!(coding("BR;Q=0.000, GZip ; q = 1"), Coding::Gzip);
        assert_eq!(coding("br;q=0.001"), Coding::Brotli);
        assert_eq!(Coding::preferred(&HeaderMap::new()), Coding::Identity);
    }

    #[test]
    fn the_footer_year_ends_every_page_at_new_year() {
        let late = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(23, 59, 0)
            .unwrap();
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(next_new_year(late), new_year);
    }
}
