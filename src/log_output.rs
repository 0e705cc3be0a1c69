//! Log lines written in batches, as nginx's `access_log … buffer= flush=` does: each line is
//! appended to a buffer in memory, and a background thread writes the buffer out at most
//! `interval` after its first line, at once when it holds `write_at` bytes, and at once for a
//! warning or an error. A writer woken for every line (`tracing_appender::non_blocking`) cost a
//! futex wake and a context switch per request: with its formatting, a third of the server's CPU
//! serving cached pages (perf, 2026-12-04). Lines past `most_pending` bytes while the output is
//! stuck are dropped and counted, and the count is written when it moves again.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// When buffered lines are written out.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Longest an info line waits.
    pub interval: Duration,
    /// A buffer this large is written at once.
    pub write_at: usize,
    /// Most bytes held while the output cannot keep up; later lines are dropped.
    pub most_pending: usize,
}

impl Batching {
    pub const DEFAULT: Batching = Batching {
        interval: Duration::from_millis(100),
        write_at: 64 * 1024,
        most_pending: 4 * 1024 * 1024,
    };
}

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    /// A warning or an error is waiting, or the buffer is full enough: write now.
    now: bool,
    dropped: u64,
    closing: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    batching: Batching,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding the lock leaves whole lines behind it: keep logging.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn append(&self, line: &[u8], urgent: bool) {
        let mut pending = self.lock();
        if pending.bytes.len() + line.len() > self.batching.most_pending {
            pending.dropped += 1;
            return;
        }
        let first = pending.bytes.is_empty();
        pending.bytes.extend_from_slice(line);
        let full = pending.bytes.len() >= self.batching.write_at;
        pending.now |= urgent || full;
        // The writer sleeps until a batch starts, then until it is due: wake it for those two
        // moments only, not for every line.
        if first || urgent || full {
            self.wake.notify_one();
        }
    }
}

/// Gives `tracing_subscriber::fmt` a writer per event; each event is one `write_all`.
#[derive(Clone)]
pub struct BatchedWriter {
    shared: Arc<Shared>,
}

/// The output the access log appends its lines to directly (see `access_log`), if the server
/// set one.
static ACCESS_OUTPUT: OnceLock<BatchedWriter> = OnceLock::new();

impl BatchedWriter {
    /// Lets the access log append its lines here directly, formatted by itself; the first
    /// output set stays.
    pub fn carry_access_log(&self) {
        let _ = ACCESS_OUTPUT.set(self.clone());
    }

    /// Appends one whole line, as an info line.
    pub(crate) fn write_line(&self, line: &[u8]) {
        self.shared.append(line, false);
    }
}

pub(crate) fn access_output() -> Option<&'static BatchedWriter> {
    ACCESS_OUTPUT.get()
}

/// Writes out what is buffered and stops the background writer when dropped (at exit).
pub struct FlushGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// The writer for one event.
pub struct EventWriter<'a> {
    shared: &'a Shared,
    urgent: bool,
}

impl Write for EventWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.shared.append(buf, self.urgent);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedWriter {
    type Writer = EventWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter {
            shared: &self.shared,
            urgent: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        EventWriter {
            shared: &self.shared,
            // Levels order from ERROR (least verbose) up to TRACE.
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

/// A writer for the tracing subscriber, whose lines reach `output` in batches, and the guard
/// that writes the last of them.
pub fn batched(
    mut output: impl Write + Send + 'static,
    batching: Batching,
) -> (BatchedWriter, FlushGuard) {
    let shared = Arc::new(Shared {
        pending: Mutex::new(Pending::default()),
        wake: Condvar::new(),
        batching,
    });
    let writer_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_batches(&writer_shared, &mut output))
        .expect("the log writer thread starts");
    (
        BatchedWriter {
            shared: shared.clone(),
        },
        FlushGuard {
            shared,
            thread: Some(thread),
        },
    )
}

fn write_batches(shared: &Shared, output: &mut impl Write) {
    loop {
        let mut pending = shared.lock();
        while pending.bytes.is_empty() && pending.dropped == 0 && !pending.closing {
            pending = shared
                .wake
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let due = Instant::now() + shared.batching.interval;
        while !pending.now && !pending.closing {
            let left = due.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            pending = shared
                .wake
                .wait_timeout(pending, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let batch = std::mem::take(&mut pending.bytes);
        let dropped = std::mem::take(&mut pending.dropped);
        pending.now = false;
        let closing = pending.closing;
        drop(pending);
        // Nowhere to report a failing output but the output itself: its lines are lost.
        let _ = output.write_all(&batch);
        if dropped > 0 {
            let _ = writeln!(
                output,
                "log: {dropped} lines dropped while the output could not keep up"
            );
        }
        let _ = output.flush();
        if closing && shared.lock().bytes.is_empty() {
            return;
        }
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A log output tests can read while the writer thread holds it.
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct TestOutput(Arc<Mutex<Vec<u8>>>);

#[cfg(test)]
impl Write for TestOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
impl TestOutput {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Waits (up to a minute: only a broken writer takes that long) for `needle`.
    fn wait_for(&self, needle: &str) -> bool {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            if self.text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::fmt;

    /// Batches that are never due by time during a test: only size, level and exit write.
    const NEVER_DUE: Batching = Batching {
        interval: Duration::from_secs(3600),
        write_at: 4096,
        most_pending: 64 * 1024,
    };

    fn subscriber(writer: BatchedWriter) -> impl tracing::Subscriber {
        fmt().with_ansi(false).with_writer(writer).finish()
    }

    #[test]
    fn info_lines_wait_for_a_batch_and_warnings_go_out_at_once() {
        let output = TestOutput::default();
        let (writer, guard) = batched(output.clone(), NEVER_DUE);
        tracing::subscriber::with_default(subscriber(writer), || {
            tracing::info!("first request");
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(output.text(), "", "an info line waits for its batch");
            tracing::warn!("the database is slow");
            assert!(output.wait_for("the database is slow"));
            let text = output.text();
            assert!(
                text.contains("first request"),
                "the batch before it went too"
            );
            assert!(text.find("first request") < text.find("the database is slow"));
        });
        drop(guard);
    }

    #[test]
    fn a_full_buffer_is_written_and_exit_writes_the_rest() {
        let output = TestOutput::default();
        let (writer, guard) = batched(output.clone(), NEVER_DUE);
        tracing::subscriber::with_default(subscriber(writer), || {
            for n in 0..100 {
                tracing::info!(
                    n,
                    "request answered with a line long enough to fill a buffer"
                );
            }
            assert!(output.wait_for("n=40"), "4 KiB of lines are written");
            tracing::info!("the last line");
        });
        drop(guard);
        let text = output.text();
        assert!(text.contains("n=99") && text.contains("the last line"));
        assert_eq!(text.lines().count(), 101);
    }

    #[test]
    fn lines_past_the_bound_are_dropped_and_counted() {
        /// An output stuck until the test lets it go.
        struct Stuck(Arc<Mutex<()>>, TestOutput);
        impl Write for Stuck {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                let _wait = self.0.lock().unwrap();
                self.1.write(buf)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let gate = Arc::new(Mutex::new(()));
        let held = gate.lock().unwrap();
        let output = TestOutput::default();
        let bound = Batching {
            interval: Duration::from_secs(3600),
            write_at: 1,
            most_pending: 1024,
        };
        let (writer, guard) = batched(Stuck(gate.clone(), output.clone()), bound);
        tracing::subscriber::with_default(subscriber(writer), || {
            // The first line is taken by the writer, which then waits on the stuck output.
            tracing::info!("line 0");
            std::thread::sleep(Duration::from_millis(50));
            for n in 1..200 {
                tracing::info!("line {n}");
            }
        });
        drop(held);
        drop(guard);
        let text = output.text();
        let kept = text.lines().filter(|l| l.contains("line ")).count();
        assert!(kept < 200, "{kept} lines kept past a 1 KiB bound");
        let notice = format!("{} lines dropped", 200 - kept);
        assert!(text.contains(&notice), "{text}");
    }
}
