//! The `gazette` command: clear messages and non-zero exits for wrong settings.

use std::process::Command;

fn gazette() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("GAZETTE_BIND")
        .env_remove("GAZETTE_BASE_URL");
    command
}

/// Runs `gazette ARGS --database DATABASE` and checks it succeeded (its stderr otherwise).
fn succeeds(args: &[&str], database: &std::path::Path) -> std::process::Output {
    let output = gazette()
        .args(args)
        .arg("--database")
        .arg(database)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn migrate_creates_and_migrates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/folder/g.db");
    let output = succeeds(&["migrate"], &path);
    assert!(String::from_utf8_lossy(&output.stdout).contains("migration(s) applied"));
    assert!(path.exists());
}

/// The journal mode SQLite reports for this connection's file.
fn journal_mode(conn: &mut diesel::SqliteConnection) -> String {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    use diesel::RunQueryDsl;
    diesel::sql_query("PRAGMA journal_mode")
        .get_result::<Mode>(conn)
        .unwrap()
        .journal_mode
}

#[test]
fn an_archive_load_has_the_file_to_itself_and_leaves_it_shared() {
    let dir = tempfile::tempdir().unwrap();
    // Alone: the load runs through the rollback journal and hands the file back in WAL mode.
    let alone = dir.path().join("alone.db");
    let seeded = succeeds(&["seed", "--articles", "40"], &alone);
    assert!(!String::from_utf8_lossy(&seeded.stderr).contains("open elsewhere"));
    let mut conn = diesel::Connection::establish(alone.to_str().unwrap()).unwrap();
    assert_eq!(journal_mode(&mut conn), "wal");
    assert!(!dir.path().join("alone.db-journal").exists());

    // Open elsewhere (a server): the load goes through the WAL, says so, and still succeeds.
    let shared = dir.path().join("shared.db");
    succeeds(&["migrate"], &shared);
    let mut server: diesel::SqliteConnection =
        diesel::Connection::establish(shared.to_str().unwrap()).unwrap();
    assert_eq!(journal_mode(&mut server), "wal");
    let seeded = succeeds(&["seed", "--articles", "40"], &shared);
    assert!(String::from_utf8_lossy(&seeded.stderr).contains("open elsewhere"));
    assert_eq!(journal_mode(&mut server), "wal");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let articles = diesel::sql_query("SELECT COUNT(*) AS n FROM articles")
        .get_result::<Count>(&mut server)
        .unwrap();
    assert_eq!(articles.n, 40, "the open connection sees the load");
}

/// Arguments, environment, and the words the error message must contain.
type BadSetting = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn wrong_settings_fail_with_a_message_not_a_panic() {
    let cases: &[BadSetting] = &[
        (&["serve", "--bind", "not-an-address"], &[], "invalid value"),
        (
            &["serve", "--base-url", "ftp://x"],
            &[],
            "GAZETTE_BASE_URL must start with http",
        ),
        (
            &["serve"],
            &[("GAZETTE_STATIC_DIR", "/nonexistent")],
            "static files not found",
        ),
        (
            &["serve", "--database", "/proc/forbidden/g.db"],
            &[],
            "cannot create database folder",
        ),
        (&["frobnicate"], &[], "unrecognized subcommand"),
        // Nothing listens on port 9: the reason is the server's, and the password stays out.
        (
            &[
                "serve",
                "--database",
                "postgres://gazette:s3cret@127.0.0.1:9/news",
                "--db-connect-timeout-seconds",
                "2",
            ],
            &[],
            "cannot open database postgres://gazette:***@127.0.0.1:9/news",
        ),
        (
            &["migrate", "--database", "postgres://127.0.0.1:9/news"],
            &[],
            "Connection refused",
        ),
    ];
    for (args, env, expected) in cases {
        let mut command = gazette();
        command.args(*args);
        for (key, value) in *env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert!(
            !stderr.contains("s3cret"),
            "{args:?} shows the password: {stderr}"
        );
    }
}

#[test]
fn serve_logs_the_address_it_listens_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = gazette()
        .args(["serve", "--no-demo", "--bind", "127.0.0.1:0", "--database"])
        .arg(dir.path().join("g.db"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    let mut found = false;
    for _ in 0..20 {
        line.clear();
        if std::io::BufRead::read_line(&mut reader, &mut line).unwrap() == 0 {
            break;
        }
        if line.contains("listening on http://127.0.0.1:") {
            found = true;
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(found, "last line read: {line}");
}

#[test]
fn seed_adds_a_synthetic_newsroom_and_reindex_rebuilds_search() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    let seeded = succeeds(&["seed", "--articles", "120"], &path);
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("120 articles added"));
    gazette::search::register_rank_function();
    let mut conn = diesel::Connection::establish(path.to_str().unwrap()).unwrap();
    // The related lists, filled last, were measured for the query planner too: the server's
    // first start would otherwise have to (an ANALYZE of millions of rows in a large archive).
    #[derive(diesel::QueryableByName)]
    struct Measured {
        #[diesel(sql_type = diesel::sql_types::Text)]
        stat: String,
    }
    let measured: Vec<Measured> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT stat FROM sqlite_stat1 WHERE tbl = 'article_related'"),
        &mut conn,
    )
    .unwrap();
    let rows: Option<u64> = measured
        .first()
        .and_then(|m| m.stat.split(' ').next()?.parse().ok());
    assert!(
        rows.is_some_and(|n| n >= 120),
        "{:?}",
        measured.first().map(|m| &m.stat)
    );
    let reindexed = succeeds(&["reindex"], &path);
    assert!(String::from_utf8_lossy(&reindexed.stdout).contains("120 articles indexed"));

    let query = gazette::search::ParsedQuery::parse("the");
    let sections = Vec::new();
    let page = gazette::views::search_results::SearchResults::load(
        &mut conn,
        &gazette::search::PhraseCounts::default(),
        &query,
        &gazette::search::Filters::default(),
        &sections,
        chrono::Utc::now().naive_utc(),
        (20, 0),
    )
    .unwrap();
    assert!(
        page.total > 50,
        "common words are found across the synthetic newsroom"
    );
    let bad = gazette()
        .args(["seed", "--articles", "0", "--database"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn staff_accounts_are_managed_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("staff.db");
    let run = |args: &[&str], stdin: &str| {
        let mut child = gazette()
            .args(args)
            .arg("--database")
            .arg(&path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let added = run(
        &[
            "user",
            "add",
            "--email",
            "Chief@Example.com",
            "--name",
            "Chief",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "correct horse battery\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(String::from_utf8_lossy(&added.stdout).contains("created chief@example.com"));

    let short = run(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "writer",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let duplicate = run(
        &[
            "user",
            "add",
            "--email",
            "chief@example.com",
            "--name",
            "C",
            "--role",
            "editor",
            "--password-stdin",
        ],
        "another long password\n",
    );
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad_role = run(
        &[
            "user",
            "add",
            "--email",
            "y@example.com",
            "--name",
            "Y",
            "--role",
            "owner",
            "--password-stdin",
        ],
        "another long password\n",
    );
    assert!(!bad_role.status.success());

    let listed = run(&["user", "list"], "");
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listing.contains("admin") && listing.contains("chief@example.com"),
        "{listing}"
    );
    let changed = run(
        &[
            "user",
            "passwd",
            "--email",
            "chief@example.com",
            "--password-stdin",
        ],
        "a brand new passphrase\n",
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );

    let mut conn = diesel::Connection::establish(path.to_str().unwrap()).unwrap();
    let user = gazette::models::User::find_by_email(&mut conn, "chief@example.com")
        .unwrap()
        .unwrap();
    assert!(gazette::auth::verify_password(
        &user.password_hash,
        "a brand new passphrase"
    ));
    assert!(user.password_hash.starts_with("$argon2id$"));
}

#[test]
fn settings_come_from_a_dot_env_file_in_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "# as an operator would write it\n\
             GAZETTE_BIND=127.0.0.1:{port}\n\
             DATABASE_URL={}\n\
             GAZETTE_STATIC_DIR={}/static\n\
             GAZETTE_NO_DEMO=true\n\
             GAZETTE_SOCIAL_PROFILES=Bluesky=https://bsky.app/profile/gazette.example\n",
            dir.path().join("g.db").display(),
            env!("CARGO_MANIFEST_DIR"),
        ),
    )
    .unwrap();
    let mut child = gazette()
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut home = None;
    for _ in 0..100 {
        if let Ok(response) = ureq::get(&format!("{base}/")).call() {
            home = Some(response);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let count = ureq::get(&format!("{base}/sitemaps/pages.xml")).call();
    child.kill().unwrap();
    child.wait().unwrap();
    let home = home.expect("the server listens where .env says");
    assert!(
        home.header("x-request-id").is_some_and(|id| !id.is_empty()),
        "every response names its request"
    );
    let page = home.into_string().unwrap();
    assert!(
        page.contains("https://bsky.app/profile/gazette.example"),
        "{page}"
    );
    assert!(
        !page.contains("instagram.com"),
        "the demo's profiles are replaced"
    );
    // GAZETTE_NO_DEMO: no demo sections in the sitemap of listing pages.
    let pages = count.unwrap().into_string().unwrap();
    assert!(!pages.contains("/section/"), "{pages}");

    // A .env that cannot be read stops the start with the reason.
    std::fs::write(dir.path().join(".env"), "NOT A SETTING LINE\n").unwrap();
    let output = gazette()
        .current_dir(dir.path())
        .args(["migrate"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".env could not be read"), "{stderr}");
}
