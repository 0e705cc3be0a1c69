//! `TestApp`: starts the same server as `gazette serve` on a free port with its own database
//! (a SQLite file, or in the `integration_postgres` target a fresh PostgreSQL database on the
//! server `GAZETTE_TEST_POSTGRES` names), and gives tests an HTTP client and a database
//! connection for fixtures.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use gazette::config::Config;
use gazette::db::{DbConnection, Location};

use crate::scratch::ScratchDatabase;
use gazette::models::article::{ArticleInput, HeroImageInput};
use gazette::models::{Article, ArticleStatus, Author, NewAuthor, NewSection, Section};
use scraper::{Html, Selector};

pub struct TestApp {
    pub base_url: String,
    /// The SQLite file (on PostgreSQL, where it would be: nothing is there).
    pub database_path: PathBuf,
    pub database: Location,
    /// The running app's state: tests move its clock.
    pub state: actix_web::web::Data<gazette::state::AppState>,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
    /// Dropped after the app's other fields: the database goes last.
    _scratch: Option<ScratchDatabase>,
}

/// True when this run's test apps use PostgreSQL: in the `integration_postgres` test target,
/// or with `GAZETTE_TEST_BACKEND=postgres` (to run the `integration` target on it by hand).
pub fn on_postgres() -> bool {
    if env!("CARGO_CRATE_NAME") == "integration_postgres" {
        return true;
    }
    match std::env::var("GAZETTE_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("GAZETTE_TEST_BACKEND={other}: use sqlite or postgres"),
    }
}

/// For tests of what only a SQLite file has (the file itself, its backups, crash recovery of
/// its journal): true, with a note, when this run uses PostgreSQL, so the test returns early.
pub fn sqlite_only(what: &str) -> bool {
    if on_postgres() {
        eprintln!("(SQLite only, not run on PostgreSQL: {what})");
    }
    on_postgres()
}

pub struct Response {
    pub status: u16,
    pub headers: HashMap<String, String>,
    /// The body as text (empty when it is not UTF-8, e.g. compressed).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Text of every element matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Values of `attribute` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(str::to_string))
            .collect()
    }
}

impl TestApp {
    /// The demo newsroom, as `cargo run` serves it.
    pub fn with_demo() -> TestApp {
        TestApp::start(true, |_| {}, |_| {})
    }

    /// The demo newsroom with settings changed by `configure`.
    pub fn with_demo_config(configure: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::start(true, |_| {}, configure)
    }

    /// An empty database filled by `fixtures` before the server starts.
    pub fn with(fixtures: impl FnOnce(&mut DbConnection)) -> TestApp {
        TestApp::start(false, fixtures, |_| {})
    }

    /// Like `with`, with settings changed by `configure`.
    pub fn with_config(
        fixtures: impl FnOnce(&mut DbConnection),
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        TestApp::start(false, fixtures, configure)
    }

    /// A second app server on this one's PostgreSQL database (several servers behind a load
    /// balancer), with its own caches and clock.
    pub fn another_server(&self) -> TestApp {
        assert!(on_postgres(), "servers share a database on PostgreSQL only");
        TestApp::start_on(Some(self.database.clone()), false, |_| {}, |_| {})
    }

    /// An app server on a database the test set up itself (empty; migrated at start).
    pub fn on_database(database: Location, configure: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::start_on(Some(database), false, |_| {}, configure)
    }

    fn start(
        seed_demo: bool,
        fixtures: impl FnOnce(&mut DbConnection),
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        TestApp::start_on(None, seed_demo, fixtures, configure)
    }

    fn start_on(
        shared: Option<Location>,
        seed_demo: bool,
        fixtures: impl FnOnce(&mut DbConnection),
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_path = match &shared {
            Some(Location::Sqlite(path)) => path.clone(),
            _ => dir.path().join("gazette.db"),
        };
        let scratch = (on_postgres() && shared.is_none()).then(|| {
            let server = crate::scratch::server()
                .expect("the PostgreSQL run needs GAZETTE_TEST_POSTGRES (a server URL)");
            ScratchDatabase::create(&server)
        });
        let database = match (&scratch, shared) {
            (_, Some(shared)) => shared,
            (Some(scratch), None) => Location::Postgres(scratch.url()),
            (None, None) => Location::Sqlite(database_path.clone()),
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let address = listener.local_addr().unwrap();

        let mut config = Config::new(database.clone());
        config.media_dir = dir.path().join("media");
        config.bind = address;
        config.base_url = format!("http://{address}");
        config.seed_demo = seed_demo;
        config.static_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static");
        config.views_flush_interval = Duration::from_millis(50);
        config.workers = 1;
        config.db.size = 4;
        config.scheduler_interval = Duration::from_millis(50);
        configure(&mut config);

        // Migrate first so fixtures can be written before the navigation is loaded.
        {
            let settings = gazette::db::PoolSettings {
                size: 1,
                ..Default::default()
            };
            let pool = gazette::db::open_pool(&config.database, settings).unwrap();
            let mut conn = pool.get().unwrap();
            gazette::db::run_migrations(&mut conn).unwrap();
            fixtures(&mut conn);
        }
        let clock = gazette::clock::Clock::manual(Utc::now().naive_utc());
        let state = gazette::build_state_with_clock(config, clock).expect("app starts");
        let app_state = state.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new()
                .block_on(gazette::serve(state, listener))
                .expect("server runs");
        });

        if let Location::Postgres(url) = &database {
            wait_for_change_feed(url);
        }
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(Duration::from_secs(30))
            .build();
        TestApp {
            base_url: format!("http://{address}"),
            database_path,
            database,
            state: app_state,
            agent,
            _dir: dir,
            _scratch: scratch,
        }
    }

    /// Saves an article while the server runs, as the editor does: through the change path,
    /// with the running server told what changed (its caches drop the pages that show it).
    pub fn store(&self, id: Option<i32>, input: &ArticleInput) -> Article {
        self.store_at(id, input, now())
    }

    /// Saves an article as [`TestApp::store`] does, as if at `at`.
    pub fn store_at(&self, id: Option<i32>, input: &ArticleInput, at: NaiveDateTime) -> Article {
        let mut conn = self.db();
        let mut changes = gazette::changes::ChangeSet::new(at);
        let article = gazette::editorial::store(&mut conn, &mut changes, id, input, at).unwrap();
        let effects = changes.into_effects();
        actix_web::rt::System::new()
            .block_on(self.state.after_commit(&effects))
            .unwrap();
        article
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        self.send(method, path, headers, None)
    }

    /// POSTs a form (`application/x-www-form-urlencoded`).
    pub fn post_form(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Response {
        self.send("POST", path, headers, Some(form))
    }

    /// POSTs `multipart/form-data` with text fields and one file.
    pub fn post_multipart(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Response {
        let boundary = "gazette-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (file_name, content_type, data) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = self.agent.post(&format!("{}{path}", self.base_url));
        for (name, value) in headers {
            request = request.set(name, value);
        }
        request = self.with_origin(request, "POST", headers);
        let result = request
            .set(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .send_bytes(&body);
        Self::collect(result, "POST", path)
    }

    /// A browser sends Origin with every form POST: so do the tests, unless a test sets Origin
    /// or Referer itself.
    fn with_origin(
        &self,
        request: ureq::Request,
        method: &str,
        headers: &[(&str, &str)],
    ) -> ureq::Request {
        let claims = headers.iter().any(|(name, _)| {
            name.eq_ignore_ascii_case("origin") || name.eq_ignore_ascii_case("referer")
        });
        if method == "GET" || method == "HEAD" || claims {
            request
        } else {
            request.set("Origin", &self.base_url)
        }
    }

    /// POSTs the login form as a browser does: first fetching the form, whose token and login
    /// cookie go back with the post. `headers` may carry more cookies.
    pub fn post_login(&self, headers: &[(&str, &str)], form: &[(&str, &str)]) -> Response {
        let page = self.get("/admin/login");
        let token = page.attrs("input[name=login_token]", "value").remove(0);
        let login_cookie =
            cookie_value(&page, "gazette_login").expect("the login form sets its cookie");
        // Under both names: the plain one over http, the `__Host-` one for https sites.
        let mut cookie =
            format!("gazette_login={login_cookie}; __Host-gazette_login={login_cookie}");
        let mut sent: Vec<(&str, &str)> = Vec::new();
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("cookie") {
                cookie = format!("{value}; {cookie}");
            } else {
                sent.push((name, value));
            }
        }
        sent.push(("Cookie", &cookie));
        let mut fields = form.to_vec();
        fields.push(("login_token", &token));
        self.post_form("/admin/login", &sent, &fields)
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        form: Option<&[(&str, &str)]>,
    ) -> Response {
        let mut request = self
            .agent
            .request(method, &format!("{}{path}", self.base_url));
        for (name, value) in headers {
            request = request.set(name, value);
        }
        request = self.with_origin(request, method, headers);
        let result = match form {
            Some(form) => request.send_form(form),
            None => request.call(),
        };
        Self::collect(result, method, path)
    }

    fn collect(result: Result<ureq::Response, ureq::Error>, method: &str, path: &str) -> Response {
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("{method} {path}: {error}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .map(|name| {
                let value = response.all(&name).join(", ");
                (name.to_ascii_lowercase(), value)
            })
            .collect();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap_or_default();
        let body = String::from_utf8(bytes.clone()).unwrap_or_default();
        Response {
            status,
            headers,
            body,
            bytes,
        }
    }

    /// What `--database` takes to reach the app's database: the file, or the server URL.
    pub fn database_url(&self) -> String {
        match &self.database {
            Location::Sqlite(path) => path.to_str().unwrap().to_string(),
            Location::Postgres(url) => url.clone(),
        }
    }

    /// A direct connection to the app's database, for changes made behind the site's back.
    pub fn db(&self) -> DbConnection {
        if let Location::Postgres(url) = &self.database {
            return DbConnection::Postgres(diesel::PgConnection::establish(url).unwrap());
        }
        gazette::search::register_rank_function();
        let mut conn = DbConnection::Sqlite(
            diesel::SqliteConnection::establish(self.database_path.to_str().unwrap()).unwrap(),
        );
        // The server writes too (page views): wait for its lock like the app's own connections.
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
            .unwrap();
        conn
    }
}

/// Builds a small newsroom for tests: sections, authors and articles with sensible defaults.
/// Waits until a new server's change-feed listener is listening. On connecting it drops every
/// cached page (it cannot know what it missed), so a test that caches a page before then could
/// see that page vanish at a moment it does not choose (seen under CI load).
fn wait_for_change_feed(url: &str) {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Listening {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let query = format!(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = '{}'
         AND datname = current_database() AND state = 'idle' AND query LIKE '%LISTEN%'",
        gazette::change_feed::APPLICATION_NAME
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        let listening = diesel::sql_query(&query)
            .get_result::<Listening>(&mut conn)
            .unwrap();
        if listening.n > 0 {
            // The drop follows the LISTEN at once; leave it a moment to finish.
            std::thread::sleep(Duration::from_millis(100));
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the change feed did not start listening within 10 s");
}

pub struct Newsroom;

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

impl Newsroom {
    pub fn section(conn: &mut DbConnection, name: &str, slug: &str) -> Section {
        Section::insert(
            conn,
            &NewSection {
                name,
                slug,
                description: &format!("All about {name}."),
                position: 0,
                created_at: now(),
                updated_at: now(),
            },
        )
        .unwrap()
    }

    pub fn author(conn: &mut DbConnection, name: &str, slug: &str) -> Author {
        Author::insert(
            conn,
            &NewAuthor {
                name,
                slug,
                job_title: "Reporter",
                bio: &format!("{name} writes about everything."),
                x_handle: Some("gazette_reporter"),
                created_at: now(),
                updated_at: now(),
                ..NewAuthor::default()
            },
        )
        .unwrap()
    }

    /// A published article, `hours_ago` old.
    pub fn article(
        conn: &mut DbConnection,
        headline: &str,
        section: &Section,
        authors: &[&Author],
        tags: &[&str],
        hours_ago: i64,
    ) -> Article {
        let input = Newsroom::input(headline, section, authors, tags, hours_ago);
        Newsroom::store(conn, None, &input)
    }

    /// Saves an article as every writer does, through the change path (search index and
    /// related lists follow): a new one when `id` is None.
    pub fn store(conn: &mut DbConnection, id: Option<i32>, input: &ArticleInput) -> Article {
        let mut changes = gazette::changes::ChangeSet::new(now());
        gazette::editorial::store(conn, &mut changes, id, input, now()).unwrap()
    }

    pub fn input(
        headline: &str,
        section: &Section,
        authors: &[&Author],
        tags: &[&str],
        hours_ago: i64,
    ) -> ArticleInput {
        ArticleInput {
            headline: headline.to_string(),
            slug: String::new(),
            dek: format!("Standfirst of {headline}."),
            body_markdown: format!("The body of {headline}.\n\n## Details\n\nMore words here."),
            hero_image: Some(HeroImageInput {
                url: "/static/img/demo/harbour.jpg".into(),
                alt: "A harbour".into(),
                caption: "The harbour at dawn.".into(),
                credit: "Gazette Studio".into(),
                width: 1200,
                height: 675,
            }),
            section_id: section.id,
            status: ArticleStatus::Published,
            is_featured: false,
            published_at: Some(now() - TimeDelta::hours(hours_ago)),
            author_ids: authors.iter().map(|a| a.id).collect(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            seo_title: String::new(),
            seo_description: String::new(),
            prerendered: None,
        }
    }
}

/// A browser session of a staff member: keeps the session cookie and the CSRF token.
pub struct StaffSession<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

/// The value of the session cookie in a Set-Cookie header, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    cookie_value(response, "gazette_session")
}

/// A cookie the response sets, under its plain name or (https sites) its `__Host-` name.
pub fn cookie_value(response: &Response, name: &str) -> Option<String> {
    let header = response.header("set-cookie")?;
    let secure_name = format!("__Host-{name}=");
    let plain_name = format!("{name}=");
    header
        .split(", ")
        .find_map(|cookie| {
            cookie
                .strip_prefix(&plain_name)
                .or_else(|| cookie.strip_prefix(&secure_name))
        })
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

impl TestApp {
    /// Creates a staff account directly in the database.
    pub fn add_staff(&self, email: &str, role: gazette::models::Role) -> gazette::models::User {
        let mut conn = self.db();
        gazette::accounts::create(
            &mut conn,
            email,
            email,
            role,
            "correct horse battery",
            now(),
        )
        .unwrap()
    }

    /// Logs in through the login form.
    pub fn login(&self, email: &str) -> StaffSession<'_> {
        let response = self.post_login(
            &[],
            &[
                ("email", email),
                ("password", "correct horse battery"),
                ("next", "/admin"),
            ],
        );
        assert_eq!(response.status, 303, "login of {email}: {}", response.body);
        let cookie = session_cookie(&response).expect("a session cookie");
        StaffSession { app: self, cookie }
    }
}

impl StaffSession<'_> {
    fn cookie_header(&self) -> String {
        format!(
            "gazette_session={0}; __Host-gazette_session={0}",
            self.cookie
        )
    }

    pub fn get(&self, path: &str) -> Response {
        self.app
            .request("GET", path, &[("Cookie", &self.cookie_header())])
    }

    /// The CSRF token the admin pages carry for this session.
    pub fn csrf_token(&self) -> String {
        // Their own account page: open to everyone logged in, even before a password change.
        let page = self.get("/admin/account");
        assert_eq!(page.status, 200, "account page: {}", page.body);
        page.attrs("input[name=csrf_token]", "value").remove(0)
    }

    /// Uploads a file to the media library.
    pub fn upload(&self, alt: &str, file: (&str, &str, &[u8])) -> Response {
        let token = self.csrf_token();
        self.app.post_multipart(
            "/admin/media",
            &[("Cookie", &self.cookie_header())],
            &[
                ("csrf_token", &token),
                ("alt", alt),
                ("credit", "Test Photo Desk"),
            ],
            file,
        )
    }

    /// POSTs a form with this session's cookie and CSRF token.
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let token = self.csrf_token();
        let mut fields = vec![("csrf_token", token.as_str())];
        fields.extend_from_slice(form);
        self.app
            .post_form(path, &[("Cookie", &self.cookie_header())], &fields)
    }
}
