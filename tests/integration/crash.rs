//! The real binary, killed: with `kill -9` in the middle of a burst of saves, every save that
//! was acknowledged is there after a restart and the database checks clean; with SIGTERM it
//! stops gracefully and writes the page views it had counted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::prelude::*;

const PASSWORD: &str = "correct horse battery";

fn gazette() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .env_remove("GAZETTE_BIND")
        .env_remove("GAZETTE_BASE_URL")
        .env("GAZETTE_LOG", "warn");
    command
}

struct Server {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Server {
    fn start(database: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = gazette()
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database",
            ])
            .arg(database)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(Duration::from_secs(20))
            .build();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while agent.get(&format!("{base}/healthz")).call().is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, base, agent }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Logs in as a browser would; returns the session cookie and a CSRF token.
    fn login(&self, email: &str) -> (String, String) {
        let form = self
            .agent
            .get(&format!("{}/admin/login", self.base))
            .call()
            .unwrap();
        let login_cookie = cookie(&form, "gazette_login");
        let page = form.into_string().unwrap();
        let token = attribute_after(&page, "name=\"login_token\" value=\"");
        let response = self
            .agent
            .post(&format!("{}/admin/login", self.base))
            .set("Origin", &self.base)
            .set("Cookie", &format!("gazette_login={login_cookie}"))
            .send_form(&[
                ("email", email),
                ("password", PASSWORD),
                ("login_token", &token),
            ])
            .unwrap();
        let session = cookie(&response, "gazette_session");
        let new = self
            .agent
            .get(&format!("{}/admin/articles/new", self.base))
            .set("Cookie", &format!("gazette_session={session}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        let csrf = attribute_after(&new, "name=\"csrf_token\" value=\"");
        (session, csrf)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cookie(response: &ureq::Response, name: &str) -> String {
    response
        .all("set-cookie")
        .into_iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_string))
        .and_then(|rest| rest.split(';').next().map(str::to_string))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn attribute_after(page: &str, marker: &str) -> String {
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in page"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// A newsroom with the demo content and an editor, ready to serve.
fn newsroom(dir: &Path) -> PathBuf {
    let database = dir.join("gazette.db");
    let mut add = gazette()
        .args([
            "user",
            "add",
            "--email",
            "editor@example.com",
            "--name",
            "Ed",
        ])
        .args(["--role", "editor", "--password-stdin", "--database"])
        .arg(&database)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());
    database
}

fn connect(database: &Path) -> SqliteConnection {
    SqliteConnection::establish(database.to_str().unwrap()).unwrap()
}

#[test]
fn kill_9_during_a_burst_of_saves_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let database = newsroom(dir.path());
    let mut acknowledged: Vec<String> = Vec::new();
    for (round, after) in [(0, 150u64), (1, 400), (2, 900)] {
        let server = Server::start(&database);
        let (session, csrf) = server.login("editor@example.com");
        let (section, author) = {
            use gazette::schema::{authors, sections};
            let mut conn = connect(&database);
            let id: i32 = sections::table
                .select(sections::id)
                .first(&mut conn)
                .unwrap();
            let slug: String = authors::table
                .select(authors::slug)
                .first(&mut conn)
                .unwrap();
            (id.to_string(), slug)
        };
        let saved = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for n in 0.. {
                    let headline = format!("Crash round {round} story {n}");
                    let response = server
                        .agent
                        .post(&format!("{}/admin/articles", server.base))
                        .set("Origin", &server.base)
                        .set("Cookie", &format!("gazette_session={session}"))
                        .send_form(&[
                            ("csrf_token", csrf.as_str()),
                            ("headline", &headline),
                            ("dek", "Written as the server died."),
                            ("body_markdown", "Every acknowledged word must survive."),
                            ("section_id", &section),
                            ("authors", &author),
                            ("action", "publish"),
                        ]);
                    match response {
                        Ok(r) if r.status() == 303 => saved.lock().unwrap().push(headline),
                        Ok(r) => panic!("save answered {}", r.status()),
                        Err(ureq::Error::Status(code, r)) => {
                            panic!(
                                "save answered {code}: {}",
                                r.into_string().unwrap_or_default()
                            )
                        }
                        Err(_) => break, // the server is gone: not acknowledged
                    }
                }
            });
            std::thread::sleep(Duration::from_millis(after));
            let killed = Command::new("kill")
                .args(["-9", &server.pid()])
                .status()
                .unwrap();
            assert!(killed.success());
        });
        let saved = saved.into_inner().unwrap();
        assert!(
            !saved.is_empty(),
            "round {round}: some saves were acknowledged"
        );
        acknowledged.extend(saved);
        drop(server);

        // Restarted: everything acknowledged is there, and the database checks clean.
        let again = Server::start(&database);
        let headlines: Vec<String> = {
            use gazette::schema::articles;
            let mut conn = connect(&database);
            articles::table
                .select(articles::headline)
                .load(&mut conn)
                .unwrap()
        };
        for headline in &acknowledged {
            assert!(
                headlines.contains(headline),
                "{headline} was acknowledged, then lost"
            );
        }
        drop(again);
        let check = gazette()
            .args(["check", "--database"])
            .arg(&database)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

#[test]
fn sigterm_stops_gracefully_and_keeps_the_counted_views() {
    let dir = tempfile::tempdir().unwrap();
    let database = newsroom(dir.path());
    let mut server = Server::start(&database);
    let (id, slug) = {
        use gazette::schema::articles;
        let mut conn = connect(&database);
        articles::table
            .filter(articles::status.eq("published"))
            .select((articles::id, articles::slug))
            .first::<(i32, String)>(&mut conn)
            .unwrap()
    };
    for _ in 0..5 {
        let page = server
            .agent
            .get(&format!("{}/article/{slug}", server.base))
            .call();
        assert_eq!(page.unwrap().status(), 200);
    }
    let term = Command::new("kill")
        .args(["-TERM", &server.pid()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(40);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let views: i64 = {
        use gazette::schema::article_daily_views;
        let mut conn = connect(&database);
        article_daily_views::table
            .filter(article_daily_views::article_id.eq(id))
            .select(diesel::dsl::sum(article_daily_views::views))
            .first::<Option<i64>>(&mut conn)
            .unwrap()
            .unwrap_or(0)
    };
    assert!(views >= 5, "{views} views written at shutdown");
}
