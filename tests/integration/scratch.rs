//! A PostgreSQL database of its own for one test (or one test app), on the server
//! `GAZETTE_TEST_POSTGRES` names, dropped on drop. Tests run in parallel: each gets a name
//! no other test of any run uses.

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The PostgreSQL server tests may use, if one is named.
pub fn server() -> Option<String> {
    std::env::var("GAZETTE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

pub struct ScratchDatabase {
    server: String,
    name: String,
}

impl ScratchDatabase {
    pub fn create(server: &str) -> ScratchDatabase {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "gazette_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::establish(server).expect("the PostgreSQL server answers");
        // One statement each: PostgreSQL runs several sent together in one transaction, and
        // neither may run inside one.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        ScratchDatabase {
            server: server.to_string(),
            name,
        }
    }

    /// The database's URL. Without TLS or GSSAPI: tests talk to a server on this machine, and
    /// when the test process exits, OpenSSL's and Kerberos' exit handlers free what server
    /// threads still running (connecting, listening) may be using: an occasional SIGSEGV or
    /// abort after every test passed.
    pub fn url(&self) -> String {
        let base = self
            .server
            .split('?')
            .next()
            .and_then(|url| url.rsplit_once('/'))
            .map_or(self.server.as_str(), |(b, _)| b);
        format!("{base}/{}?sslmode=disable&gssencmode=disable", self.name)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.server) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
