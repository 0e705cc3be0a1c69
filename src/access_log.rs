//! The access log: one line per request, written once its response has gone out (or the
//! connection closed first), naming the client, the request line, the status, the bytes sent,
//! the time taken and the request's id (see `request_id`):
//!
//! `2026-12-04T16:14:35.952656Z  INFO gazette::access_log: 127.0.0.1 GET /search?q=port HTTP/1.1 200 5643 0.041ms id=53d4738f-0`
//!
//! The server's lines are formatted here into one buffer and appended to the batched log output
//! whole (`log_output`): actix's `Logger` (its format read per request) and tracing's formatter
//! (a timestamp written digit by digit, the message escaped a character at a time) took a fifth
//! of the server's CPU serving cached pages (perf, 2026-12-04). Without a batched output (tests,
//! another subscriber), the line is an ordinary tracing event. Either way the log filter
//! (`GAZETTE_LOG`) decides whether it is written.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use actix_web::Error;
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use pin_project_lite::pin_project;
use tracing::Level;

use crate::log_output::{self, BatchedWriter};
use crate::state::AppState;

const TARGET: &str = "gazette::access_log";

/// What is known of a request when its response starts; the line is written from it when the
/// body is done.
struct Pending {
    /// `client method uri version status`.
    head: String,
    started: Instant,
    id: Option<String>,
}

pin_project! {
    /// A response body that writes the request's line when dropped, with the bytes it sent.
    pub struct LoggedBody<B> {
        #[pin]
        body: B,
        pending: Option<Pending>,
        sent: u64,
    }

    impl<B> PinnedDrop for LoggedBody<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(pending) = this.pending.take() {
                pending.write(*this.sent, log_output::access_output());
            }
        }
    }
}

impl<B: MessageBody> MessageBody for LoggedBody<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.project();
        let next = this.body.poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            *this.sent += chunk.len() as u64;
        }
        next
    }
}

/// Middleware, outermost: times the request and logs it when its body is done.
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<LoggedBody<impl MessageBody>>, Error> {
    if !tracing::enabled!(target: TARGET, Level::INFO) {
        let response = next.call(request).await?;
        return Ok(response.map_body(|_, body| LoggedBody {
            body,
            pending: None,
            sent: 0,
        }));
    }
    let started = Instant::now();
    let trusted = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.config.trusted_proxies.as_slice())
        .unwrap_or_default();
    let client = crate::client::client_ip(
        request.peer_addr().map(|a| a.ip()),
        request.headers(),
        trusted,
    );
    let mut head = String::with_capacity(96 + request.uri().path().len());
    // Writing to a String cannot fail.
    let _ = match client {
        Some(ip) => write!(head, "{ip} "),
        None => write!(head, "- "),
    };
    let _ = write!(
        head,
        "{} {} {:?}",
        request.method(),
        request.uri(),
        request.version()
    );
    let response = next.call(request).await?;
    let _ = write!(head, " {}", response.status().as_u16());
    let id = response
        .headers()
        .get(&crate::request_id::HEADER)
        .and_then(|id| id.to_str().ok())
        .map(str::to_string);
    Ok(response.map_body(|_, body| LoggedBody {
        body,
        pending: Some(Pending { head, started, id }),
        sent: 0,
    }))
}

impl Pending {
    /// The line's text after the level and target: `head bytes time id`.
    fn message(&self, sent: u64, line: &mut String) {
        let micros = self.started.elapsed().as_micros();
        let _ = write!(
            line,
            "{} {sent} {}.{:03}ms id={}",
            self.head,
            micros / 1000,
            micros % 1000,
            self.id.as_deref().unwrap_or("-")
        );
    }

    fn write(self, sent: u64, output: Option<&BatchedWriter>) {
        let mut line = String::with_capacity(self.head.len() + 96);
        match output {
            Some(output) => {
                write_timestamp(&mut line, SystemTime::now());
                line.push_str("  INFO ");
                line.push_str(TARGET);
                line.push_str(": ");
                self.message(sent, &mut line);
                line.push('\n');
                output.write_line(line.as_bytes());
            }
            None => {
                self.message(sent, &mut line);
                tracing::info!(target: TARGET, "{line}");
            }
        }
    }
}

/// Writes `now` as tracing's formatter does (`2026-12-04T16:14:35.952656Z`), the date and time
/// of day formatted once per second per thread.
fn write_timestamp(line: &mut String, now: SystemTime) {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    SECOND.with_borrow_mut(|(cached, text)| {
        if *cached != seconds {
            *cached = seconds;
            text.clear();
            if let Some(time) = chrono::DateTime::from_timestamp(seconds as i64, 0) {
                let _ = write!(text, "{}", time.format("%Y-%m-%dT%H:%M:%S."));
            }
        }
        line.push_str(text);
    });
    let _ = write!(line, "{:06}Z", since_epoch.subsec_micros());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_output::TestOutput;
    use std::time::Duration;

    use actix_web::middleware::from_fn;
    use actix_web::test as actix_test;
    use actix_web::{App, HttpResponse};

    #[test]
    fn timestamps_are_written_as_tracing_writes_them() {
        let at = UNIX_EPOCH + Duration::from_micros(1_796_400_875_952_656);
        let mut line = String::new();
        write_timestamp(&mut line, at);
        write_timestamp(&mut line, at + Duration::from_micros(1));
        write_timestamp(&mut line, at + Duration::from_secs(86_400));
        assert_eq!(
            line,
            "2026-12-04T16:14:35.952656Z2026-12-04T16:14:35.952657Z2026-12-05T16:14:35.952656Z"
        );
    }

    #[actix_web::test]
    async fn each_request_is_one_line_with_status_bytes_and_id() {
        let output = TestOutput::default();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer({
                let output = output.clone();
                move || output.clone()
            })
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let app = actix_test::init_service(
            App::new()
                // As the server has them: the request id inside, the access log outermost.
                .wrap(from_fn(crate::request_id::assign))
                .wrap(from_fn(record))
                .route(
                    "/hello",
                    web::get().to(|| async { HttpResponse::Ok().body("hello") }),
                ),
        )
        .await;
        let request = actix_test::TestRequest::get()
            .uri("/hello?name=reader")
            .peer_addr("192.0.2.7:4000".parse().unwrap())
            .to_request();
        let response = actix_test::call_service(&app, request).await;
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(actix_test::read_body(response).await, "hello");
        let missing = actix_test::TestRequest::get().uri("/gone").to_request();
        drop(actix_test::call_service(&app, missing).await);

        let text = output.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains(
                "INFO gazette::access_log: 192.0.2.7 GET /hello?name=reader HTTP/1.1 200 5 "
            ),
            "{text}"
        );
        assert!(lines[0].ends_with(&format!("ms id={id}")), "{text}");
        assert!(lines[1].contains("GET /gone HTTP/1.1 404 0 "), "{text}");
    }

    #[test]
    fn with_a_batched_output_the_line_is_written_whole() {
        let output = TestOutput::default();
        let (writer, guard) = log_output::batched(output.clone(), log_output::Batching::DEFAULT);
        let pending = Pending {
            head: "198.51.100.4 GET /feed.xml HTTP/1.1 304".into(),
            started: Instant::now(),
            id: Some("abc-1".into()),
        };
        pending.write(0, Some(&writer));
        drop(guard);
        let text = output.text();
        let (time, rest) = text.split_once("  ").unwrap();
        assert!(time.len() == 27 && time.ends_with('Z'), "{text}");
        assert!(
            rest.starts_with(
                "INFO gazette::access_log: 198.51.100.4 GET /feed.xml HTTP/1.1 304 0 "
            ),
            "{text}"
        );
        assert!(rest.ends_with("ms id=abc-1\n"), "{text}");
    }
}
