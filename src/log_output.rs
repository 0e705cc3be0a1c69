//! Log lines written in batches, as nginx's `access_log … buffer= flush=` does: each line is
//! appended to a buffer in memory (its thread's lane), and a background thread writes them out
//! at most `interval` after the batch's first line, at once when they hold `write_at` bytes,
//! and at once for a warning or an error. A writer woken for every line (`tracing_appender::non_blocking`) cost a
//! futex wake and a context switch per request: with its formatting, a third of the server's CPU
//! serving cached pages (perf, 2026-12-04). Lines past `most_pending` bytes while the output is
//! stuck are dropped and counted, and the count is written when it moves again.

use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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

/// Lines are appended to one of these buffers, chosen per thread: two workers appending to one
/// shared buffer waited on each other's lock for 3% of the server's CPU serving cached pages
/// (perf, 2026-12-04). A thread's lines stay in order; a batch holds the lanes one after another.
const LANES: usize = 8;

/// The lane of the calling thread: threads take lanes in turn as they first log.
fn lane_of_this_thread() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static LANE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % LANES;
    }
    LANE.with(|lane| *lane)
}

/// What the writer thread waits on: touched when a batch starts, fills or must go out now,
/// not for every line.
#[derive(Default)]
struct Signal {
    /// A warning or an error is waiting, or the lanes are full enough: write now.
    now: bool,
    closing: bool,
}

struct Shared {
    lanes: [Mutex<Vec<u8>>; LANES],
    /// Bytes appended and not yet taken by the writer, over all lanes.
    pending: AtomicUsize,
    dropped: AtomicU64,
    signal: Mutex<Signal>,
    wake: Condvar,
    batching: Batching,
}

/// A panic while holding a lock leaves whole lines behind it: keep logging.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn append(&self, line: &[u8], urgent: bool) {
        let before = self.pending.fetch_add(line.len(), Ordering::AcqRel);
        if before + line.len() > self.batching.most_pending {
            self.pending.fetch_sub(line.len(), Ordering::AcqRel);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        lock(&self.lanes[lane_of_this_thread()]).extend_from_slice(line);
        // Only the line that fills the lanes says so (until the writer empties them).
        let full = before < self.batching.write_at && before + line.len() >= self.batching.write_at;
        // The writer sleeps until a batch starts, then until it is due: wake it for those two
        // moments only (the signal's lock orders this with its check of `pending`).
        if before == 0 || urgent || full {
            let mut signal = lock(&self.signal);
            signal.now |= urgent || full;
            self.wake.notify_one();
        }
    }

    /// Whether anything waits to be written.
    fn has_lines(&self) -> bool {
        self.pending.load(Ordering::Acquire) > 0 || self.dropped.load(Ordering::Relaxed) > 0
    }

    /// Takes every lane's lines, lane after lane, into `batch`.
    fn take_into(&self, batch: &mut Vec<u8>) {
        for lane in &self.lanes {
            let mut lane = lock(lane);
            batch.extend_from_slice(&lane);
            self.pending.fetch_sub(lane.len(), Ordering::AcqRel);
            lane.clear();
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
        lanes: Default::default(),
        pending: AtomicUsize::new(0),
        dropped: AtomicU64::new(0),
        signal: Mutex::new(Signal::default()),
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
    let mut batch = Vec::new();
    loop {
        let mut signal = lock(&shared.signal);
        while !shared.has_lines() && !signal.closing {
            signal = shared
                .wake
                .wait(signal)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let due = Instant::now() + shared.batching.interval;
        while !signal.now && !signal.closing {
            let left = due.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            signal = shared
                .wake
                .wait_timeout(signal, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        signal.now = false;
        let closing = signal.closing;
        drop(signal);
        shared.take_into(&mut batch);
        let dropped = shared.dropped.swap(0, Ordering::Relaxed);
        // Nowhere to report a failing output but the output itself: its lines are lost.
        let _ = output.write_all(&batch);
        batch.clear();
        if dropped > 0 {
            let _ = writeln!(
                output,
                "log: {dropped} lines dropped while the output could not keep up"
            );
        }
        let _ = output.flush();
        if closing && !shared.has_lines() {
            return;
        }
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        lock(&self.shared.signal).closing = true;
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
    fn lines_from_many_threads_all_arrive_each_thread_in_its_order() {
        let output = TestOutput::default();
        let batching = Batching {
            interval: Duration::from_millis(1),
            write_at: 512,
            most_pending: 1 << 20,
        };
        let (writer, guard) = batched(output.clone(), batching);
        let threads: Vec<_> = (0..LANES + 3)
            .map(|thread| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for n in 0..300 {
                        writer.write_line(format!("thread {thread} line {n}\n").as_bytes());
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard);
        let text = output.text();
        assert_eq!(text.lines().count(), (LANES + 3) * 300);
        for thread in 0..LANES + 3 {
            let prefix = format!("thread {thread} line ");
            let numbers: Vec<usize> = text
                .lines()
                .filter_map(|line| line.strip_prefix(&prefix))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(numbers, (0..300).collect::<Vec<_>>(), "thread {thread}");
        }
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
