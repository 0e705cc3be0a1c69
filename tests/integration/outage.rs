//! The database going away while the site serves (PostgreSQL on another machine, a network
//! cut): readers get the 503 page and `/healthz` says 503, pages already cached keep being
//! served, and everything recovers by itself when the database is back, without a restart.
//! The cut is a TCP relay between the app and the server that the test opens and closes.

use std::io::ErrorKind;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gazette::db::Location;

use crate::scratch::{self, ScratchDatabase};
use crate::support::{TestApp, on_postgres};

/// Relays connections from a local port to the database server until cut.
struct Relay {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (relay_cut, relay_open) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if relay_cut.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut streams = relay_open.lock().unwrap();
                streams.push(client.try_clone().unwrap());
                streams.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, cut, open }
    }

    /// Every open connection dropped, new ones refused.
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            match stream.shutdown(Shutdown::Both) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotConnected => {}
                Err(e) => panic!("cannot cut: {e}"),
            }
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

fn status_within(app: &TestApp, path: &str, wanted: u16, patience: Duration) -> u16 {
    let deadline = Instant::now() + patience;
    loop {
        let status = app.get(path).status;
        if status == wanted || Instant::now() > deadline {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_lost_database_gets_503_pages_and_the_site_recovers_without_a_restart() {
    let Some(server) = scratch::server().filter(|_| on_postgres()) else {
        eprintln!(
            "(PostgreSQL only: runs in the integration_postgres target when GAZETTE_TEST_POSTGRES is set, as in .ci/run)"
        );
        return;
    };
    let database = ScratchDatabase::create(&server);
    let (host_port, name) = {
        let url = database.url();
        let rest = url
            .split_once('@')
            .map_or(url.as_str(), |(_, r)| r)
            .to_string();
        let (host_port, name) = rest.split_once('/').unwrap();
        (
            host_port.to_string(),
            name.split('?').next().unwrap().to_string(),
        )
    };
    let relay = Relay::start(host_port);
    let through_relay = format!(
        "postgres://postgres@127.0.0.1:{}/{name}?sslmode=disable&gssencmode=disable",
        relay.port
    );
    // Two app servers, both reaching the database through the relay.
    let settings = |config: &mut gazette::config::Config| {
        config.db.wait = Duration::from_millis(500);
        config.db.connect_timeout = Duration::from_secs(1);
    };
    let servers = [
        TestApp::on_database(Location::Postgres(through_relay.clone()), settings),
        TestApp::on_database(Location::Postgres(through_relay), settings),
    ];
    for app in &servers {
        assert_eq!(app.get("/healthz").status, 200);
        for _ in 0..2 {
            assert_eq!(app.get("/").status, 200);
        }
    }

    relay.cut();
    for app in &servers {
        let patience = Duration::from_secs(5);
        assert_eq!(status_within(app, "/healthz", 503, patience), 503);
        let uncached = app.get("/search?q=harbour");
        assert_eq!(uncached.status, 503, "{}", uncached.body);
        assert!(uncached.body.contains("try again"), "{}", uncached.body);
        assert_eq!(app.get("/").status, 200, "a cached page is still served");
    }

    relay.restore();
    for app in &servers {
        let patience = Duration::from_secs(10);
        assert_eq!(status_within(app, "/healthz", 200, patience), 200);
        assert_eq!(app.get("/search?q=harbour").status, 200);
    }
}
