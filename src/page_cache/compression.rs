//! The codings a stored page is kept and served in, at two effort levels: a first render is
//! compressed quickly (a cold archive renders many pages, each read a few times), and a page
//! read often enough is compressed again at the smallest size once (`Effort::Best`), since
//! every later reader gets the smaller copy.

use std::io::Write;

use actix_web::web::Bytes;

/// How hard a page's copies were compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// At render: the levels where the size gain still pays for the time on a cold miss.
    Quick,
    /// For a page in demand: the smallest copies, made once.
    Best,
}

impl Effort {
    /// brotli 9 and above allocate and clear megabytes of hash tables per page; 5 still spends
    /// a quarter of a cold miss hashing; 4 takes 470 µs for a 22 KB article page and 3 takes
    /// 270 µs for a copy 4% larger: a cold miss cost a fifth less CPU at 3; 2 makes copies 1.3%
    /// larger than 3 for 5.5% fewer instructions a miss (cachegrind over 200 article pages).
    /// 11 makes a 23.6 KB article page 6.2 KB instead of 7.7 KB at 2, in 27 ms (2026-12-04).
    fn brotli_quality(self) -> i32 {
        match self {
            Effort::Quick => 2,
            Effort::Best => 11,
        }
    }

    fn gzip_level(self) -> u32 {
        match self {
            Effort::Quick => 6,
            Effort::Best => 9,
        }
    }
}

/// 512 KiB: larger than any page, so a bigger window would buy nothing.
const BROTLI_WINDOW: i32 = 19;

pub(super) fn gzip(bytes: &[u8], effort: Effort) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(effort.gzip_level()),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    exact(encoder.finish().unwrap_or_default())
}

pub(super) fn brotli(bytes: &[u8], effort: Effort) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams {
        quality: effort.brotli_quality(),
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    exact(out)
}

/// The page again, from a brotli copy this module made (so it unpacks).
pub(super) fn unbrotli(compressed: &[u8], length: usize) -> Bytes {
    let mut out = Vec::with_capacity(length);
    if let Err(error) = brotli::BrotliDecompress(&mut &compressed[..], &mut out) {
        // Cannot happen with bytes this module compressed; if it ever does, say so loudly.
        tracing::error!(%error, "a cached page did not unpack");
    }
    Bytes::from(out)
}

/// The bytes in an allocation of their own size: `Bytes::from(Vec)` keeps the vector's spare
/// capacity (up to half of a grown buffer), which the cache's size accounting would not see.
fn exact(mut bytes: Vec<u8>) -> Bytes {
    bytes.shrink_to_fit();
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_effort_is_smaller_and_both_unpack_to_the_page() {
        let page: String = (0..400)
            .map(|n| format!("<p>Paragraph {n} of the council's harbour report.</p>\n"))
            .collect();
        let quick = brotli(page.as_bytes(), Effort::Quick);
        let best = brotli(page.as_bytes(), Effort::Best);
        assert!(best.len() < quick.len(), "{} < {}", best.len(), quick.len());
        for copy in [quick, best] {
            assert_eq!(unbrotli(&copy, page.len()), page.as_bytes());
        }
        let mut unpacked = String::new();
        let gzipped = gzip(page.as_bytes(), Effort::Best);
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&gzipped[..]),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, page);
    }
}
