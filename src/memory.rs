//! Handing memory the server has freed back to the system. glibc keeps what is freed inside
//! its heaps for reuse and returns it only from a heap's top; a server that renders and
//! compresses pages of every size between long-lived cache entries leaves free pages all
//! through its heaps, so its resident size climbs to the most it ever needed at once and stays
//! there. `malloc_trim` hands every whole free page back (it stays mapped: reusing it costs a
//! page fault), a few milliseconds' work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often freed memory is handed back.
const TRIM_INTERVAL: Duration = Duration::from_secs(5);
/// How often the thread looks whether it should stop.
const STOP_CHECK: Duration = Duration::from_millis(200);

/// Hands freed memory back every few seconds, on a thread of its own (the call holds each
/// heap's lock for a moment: never on a request's worker), until `stop` is set. None where the
/// allocator is not glibc's.
pub fn spawn_trimmer(stop: Arc<AtomicBool>) -> Option<std::thread::JoinHandle<()>> {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return None;
    }
    let spawned = std::thread::Builder::new()
        .name("memory-trim".into())
        .spawn(move || {
            let mut last = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(STOP_CHECK);
                if last.elapsed() >= TRIM_INTERVAL {
                    release_freed();
                    last = Instant::now();
                }
            }
        });
    match spawned {
        Ok(handle) => Some(handle),
        Err(error) => {
            tracing::warn!(%error, "memory trimming thread not started");
            None
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed() {
    // SAFETY: malloc_trim only returns free pages to the system; it takes the heaps' locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed() {}
