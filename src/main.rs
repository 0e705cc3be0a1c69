//! The `gazette` command: serve the site (the default), or manage its database.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;

use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use gazette::changes::{Change, ChangeSet};
use gazette::clock::Clock;
use gazette::config::Config;
use gazette::db::{Location, PoolSettings};
use indicatif::{ProgressBar, ProgressStyle};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "A server-rendered news site",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (what runs when no command is given).
    Serve(Box<ServeArgs>),
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate(DatabaseArgs),
    /// Add a large synthetic newsroom (for benchmarks) and index it.
    Seed(SeedArgs),
    /// Rebuild the search index from the articles.
    Reindex(DatabaseArgs),
    /// Copy the database (consistently, while the site runs) and the media into a folder.
    Backup(BackupArgs),
    /// Check the database, the search index and the related lists; exit 1 if something is wrong.
    Check(DatabaseArgs),
    /// Copy a whole newsroom into an empty database (SQLite to PostgreSQL, or back).
    Copy(CopyArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Bring a newsroom in from another system, or from a Gazette export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the whole newsroom (JSON Lines per table, plus the media files) into a folder.
    Export(ExportArgs),
}

#[derive(Args, Clone)]
struct ExportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Folder for uploaded images (default: `media` beside the database file).
    #[arg(long, env = "GAZETTE_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// A new or empty folder.
    folder: PathBuf,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A WordPress export (Tools → Export, WXR 1.1/1.2): authors, categories, tags, posts and
    /// pages, with every old address kept as a redirect. Running it again adds nothing twice.
    Wordpress(WordpressArgs),
    /// A folder written by `gazette export`, into an empty database.
    Gazette(ExportArgs),
}

#[derive(Args, Clone)]
struct WordpressArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Folder for uploaded images (default: `media` beside the database file).
    #[arg(long, env = "GAZETTE_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// A copy of the site's `wp-content/uploads` folder: its images join the media library.
    #[arg(long)]
    uploads: Option<PathBuf>,
    /// Report what the import would do, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The export file (.xml).
    file: PathBuf,
}

#[derive(Args, Clone)]
struct CopyArgs {
    /// The database to copy from: a SQLite file or a PostgreSQL URL.
    #[arg(long, value_parser = parse_location)]
    from: Location,
    /// The empty database to copy into (created and migrated if needed).
    #[arg(long, value_parser = parse_location)]
    to: Location,
}

#[derive(Args, Clone)]
struct BackupArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Folder for uploaded images (default: `media` beside the database file).
    #[arg(long, env = "GAZETTE_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// An empty (or new) folder to write `gazette.db` and `media/` into.
    folder: PathBuf,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; the password is asked for (or read from standard input).
    Add(UserAddArgs),
    /// Set a new password (ends the account's sessions).
    Passwd(UserPasswdArgs),
    /// List the staff accounts.
    List(DatabaseArgs),
}

#[derive(Args, Clone)]
struct UserAddArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// admin, editor or writer.
    #[arg(long, value_parser = ["admin", "editor", "writer"])]
    role: String,
    /// Read the password from standard input instead of prompting (for scripts).
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args, Clone)]
struct UserPasswdArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[arg(long)]
    email: String,
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args, Clone)]
struct SeedArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// How many published articles to add.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    articles: u32,
}

#[derive(Args, Clone)]
struct DatabaseArgs {
    /// The database: a SQLite file (created with its folder when missing) or a PostgreSQL URL
    /// (`postgres://user@host/name`).
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "data/gazette.db",
        value_parser = parse_location
    )]
    database: Location,
}

fn parse_location(text: &str) -> Result<Location, String> {
    Ok(Location::parse(text))
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "GAZETTE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Public origin for absolute URLs, e.g. https://news.example.com (default: the bind address).
    #[arg(long, env = "GAZETTE_BASE_URL")]
    base_url: Option<String>,
    /// Folder with the site's CSS and images.
    #[arg(long, env = "GAZETTE_STATIC_DIR", default_value = "static")]
    static_dir: PathBuf,
    /// Folder for uploaded images (default: `media` beside the database file).
    #[arg(long, env = "GAZETTE_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// Name shown in the masthead and titles.
    #[arg(long, env = "GAZETTE_SITE_NAME", default_value = "The Gazette")]
    site_name: String,
    /// Most article URLs in one sitemap file (1 to 50000).
    #[arg(long, env = "GAZETTE_SITEMAP_CHUNK_SIZE", default_value_t = 50_000)]
    sitemap_chunk_size: i64,
    /// Memory for rendered public pages, in megabytes (0 turns the page cache off).
    #[arg(long, env = "GAZETTE_PAGE_CACHE_MB", default_value_t = 64)]
    page_cache_mb: usize,
    /// Memory for rendered search results, in megabytes (0 turns that cache off).
    #[arg(long, env = "GAZETTE_SEARCH_CACHE_MB", default_value_t = 32)]
    search_cache_mb: usize,
    /// URL that receives the dependency tags of every change (POST, one tag a line), so a CDN
    /// in front can purge exactly what changed.
    #[arg(long, env = "GAZETTE_PURGE_URL")]
    purge_url: Option<String>,
    /// Reverse proxies (IP addresses, comma-separated) whose Forwarded / X-Forwarded-For
    /// headers are believed when they name the client. None by default.
    #[arg(long, env = "GAZETTE_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,
    /// Minutes a staff session may stay unused before it ends (1 to 720).
    #[arg(long, env = "GAZETTE_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: i64,
    /// What the site says of itself: the front page's description for search engines.
    #[arg(long, env = "GAZETTE_SITE_DESCRIPTION", default_value = gazette::config::DEMO_SITE_DESCRIPTION)]
    site_description: String,
    /// The site's logo: a file under the static folder.
    #[arg(long, env = "GAZETTE_SITE_LOGO", default_value = "img/logo.png")]
    site_logo: String,
    /// The picture of pages without one of their own (search engines, social networks): a file
    /// under the static folder, or `/media/NAME` for an image in the media library. Cut at
    /// start to 16:9, 4:3 and 1:1 at 1,200 px wide.
    #[arg(long, env = "GAZETTE_SITE_IMAGE", default_value = gazette::site_image::BUNDLED)]
    site_image: String,
    /// The newsroom's profiles linked from the footer: `Label=https://…` pairs, comma-separated
    /// (empty: none).
    #[arg(long, env = "GAZETTE_SOCIAL_PROFILES", default_value = gazette::config::DEMO_SOCIAL_PROFILES)]
    social_profiles: String,
    /// HTTP worker threads (0: one per CPU core).
    #[arg(long, env = "GAZETTE_WORKERS", default_value_t = 0)]
    workers: usize,
    /// Database connections kept in the pool.
    #[arg(long, env = "GAZETTE_DB_POOL_SIZE", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=512))]
    db_pool_size: u32,
    /// Seconds a request waits for a free database connection before it gets the 503 page.
    #[arg(long, env = "GAZETTE_DB_WAIT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    db_wait_seconds: u64,
    /// Seconds opening a connection to a PostgreSQL server may take.
    #[arg(long, env = "GAZETTE_DB_CONNECT_TIMEOUT_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300))]
    db_connect_timeout_seconds: u64,
    /// Seconds one PostgreSQL statement may run before the server cancels it.
    #[arg(long, env = "GAZETTE_DB_STATEMENT_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    db_statement_timeout_seconds: u64,
    /// Start with an empty database instead of the demo newsroom (production servers set this).
    #[arg(long, env = "GAZETTE_NO_DEMO")]
    no_demo: bool,
}

impl ServeArgs {
    fn into_config(self) -> Result<Config, String> {
        let mut config = Config::new(self.database.database);
        config.bind = self.bind;
        config.base_url = match self.base_url {
            Some(raw) => Config::parse_base_url(&raw).map_err(|e| e.to_string())?,
            None => format!("http://{}", self.bind),
        };
        config.static_dir = self.static_dir;
        if let Some(media_dir) = self.media_dir {
            config.media_dir = media_dir;
        }
        config.site_name = self.site_name;
        config.site_logo = self.site_logo;
        config.site_description = self.site_description;
        config.site_image = self.site_image;
        config.social_profiles =
            Config::parse_social_profiles(&self.social_profiles).map_err(|e| e.to_string())?;
        config.workers = self.workers;
        config.db = PoolSettings {
            size: self.db_pool_size,
            wait: Duration::from_secs(self.db_wait_seconds),
            connect_timeout: Duration::from_secs(self.db_connect_timeout_seconds),
            statement_timeout: Duration::from_secs(self.db_statement_timeout_seconds),
        };
        config.page_cache_bytes = self.page_cache_mb * 1024 * 1024;
        config.search_cache_bytes = self.search_cache_mb * 1024 * 1024;
        config.purge_url = self.purge_url;
        config.session_idle = chrono::TimeDelta::minutes(self.session_idle_minutes);
        config.trusted_proxies =
            Config::parse_trusted_proxies(&self.trusted_proxies).map_err(|e| e.to_string())?;
        config.seed_demo = !self.no_demo;
        config.sitemap_chunk_size = self.sitemap_chunk_size;
        config.validate().map_err(|e| e.to_string())?;
        Ok(config)
    }
}

/// glibc gives every thread that allocates its own malloc arena (up to eight per core), and
/// each keeps the memory its thread freed: with a pool of blocking database threads the server's
/// resident size grows far past what it holds. Two arenas serve two cores; set before any thread
/// starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only changes allocator settings; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    // Settings may come from a `.env` file in the working folder (see `.env.example`); the
    // environment and the command line win over it.
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("error: .env could not be read: {error}");
        return ExitCode::FAILURE;
    }
    // Lines go to a background writer (the guard flushes it when main returns): under load, a
    // request's log line costs its formatting, not a write to a slow terminal or pipe.
    let (writer, _flush_at_exit) = tracing_appender::non_blocking(std::io::stdout());
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GAZETTE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(writer)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Migrate(args)) => migrate(args),
        Some(Command::Seed(args)) => seed(args),
        Some(Command::Reindex(args)) => reindex(args),
        Some(Command::Backup(args)) => backup(args),
        Some(Command::Check(args)) => check(args),
        Some(Command::Copy(args)) => copy(args),
        Some(Command::Import(ImportCommand::Wordpress(args))) => import_wordpress(args),
        Some(Command::Import(ImportCommand::Gazette(args))) => import_gazette(args),
        Some(Command::Export(args)) => export(args),
        Some(Command::User(UserCommand::Add(args))) => user_add(args),
        Some(Command::User(UserCommand::Passwd(args))) => user_passwd(args),
        Some(Command::User(UserCommand::List(args))) => user_list(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gazette: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let config = args.into_config()?;
    let bind = config.bind;
    let state = gazette::build_state(config)?;
    let listener = TcpListener::bind(bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("listening on http://{address}");
    actix_web::rt::System::new()
        .block_on(gazette::serve(state, listener))
        .map_err(|e| format!("server stopped: {e}"))
}

fn migrate(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = open_one(&args)?;
    let applied = gazette::db::run_migrations(&mut conn)?;
    println!("{applied} migration(s) applied to {}", args.database);
    Ok(())
}

/// A migrated connection to the database the arguments name.
fn connect(args: &DatabaseArgs) -> Result<gazette::db::DbConn, String> {
    let mut conn = open_one(args)?;
    gazette::db::run_migrations(&mut conn)?;
    Ok(conn)
}

/// One connection to the database the arguments name, for a command line tool.
fn open_one(args: &DatabaseArgs) -> Result<gazette::db::DbConn, String> {
    let settings = PoolSettings {
        size: 1,
        ..PoolSettings::default()
    };
    gazette::db::open_pool(&args.database, settings)?
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))
}

fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// One progress bar per stage of a long job, each finished when the next begins; remembers
/// how far each stage got.
#[derive(Default)]
struct Stages {
    current: Option<(String, ProgressBar)>,
    reached: Vec<(String, u64)>,
}

impl Stages {
    fn report(&mut self, stage: &str, done: u64, total: u64) {
        if self.current.as_ref().is_none_or(|(name, _)| name != stage) {
            self.finish();
            self.current = Some((stage.to_string(), progress_bar(total, stage)));
            self.reached.push((stage.to_string(), 0));
        }
        if let Some((_, bar)) = &self.current {
            bar.set_length(total);
            bar.set_position(done);
        }
        if let Some((_, reached)) = self.reached.last_mut() {
            *reached = done;
        }
    }

    fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish();
        }
    }

    fn reached(&self, stage: &str) -> u64 {
        self.reached
            .iter()
            .find(|(name, _)| name == stage)
            .map_or(0, |(_, n)| *n)
    }
}

fn seed(args: SeedArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let started = Instant::now();
    let mut stages = Stages::default();
    let count = gazette::synthetic::generate(
        &mut conn,
        args.articles as usize,
        Clock::system().now(),
        |stage, done, total| stages.report(stage, done, total),
    )
    .map_err(|e| format!("seeding failed: {e}"))?;
    stages.finish();
    println!(
        "{count} articles added in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Rebuilds the search index and computes the related lists articles lack.
fn backup(args: BackupArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let media_dir = args
        .media_dir
        .unwrap_or_else(|| Config::new(args.database.database.clone()).media_dir);
    let done = gazette::maintenance::backup(&mut conn, &media_dir, &args.folder)?;
    println!(
        "backed up to {} ({} media files)",
        done.database.display(),
        done.media_files
    );
    Ok(())
}

fn check(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = connect(&args)?;
    let findings = gazette::maintenance::check(&mut conn).map_err(|e| e.to_string())?;
    for finding in &findings {
        let mark = if finding.ok { "ok  " } else { "FAIL" };
        println!("{mark} {}: {}", finding.what, finding.detail);
    }
    match findings.iter().filter(|f| !f.ok).count() {
        0 => Ok(()),
        failed => Err(format!("{failed} check(s) failed")),
    }
}

fn copy(args: CopyArgs) -> Result<(), String> {
    if args.from == args.to {
        return Err("--from and --to name the same database".into());
    }
    let mut from = connect(&DatabaseArgs {
        database: args.from.clone(),
    })?;
    let mut to = connect(&DatabaseArgs {
        database: args.to.clone(),
    })?;
    let started = Instant::now();
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let copied = gazette::copy::copy(&mut from, &mut to, Clock::system().now(), Box::new(report))
        .map_err(|e| e.to_string())?;
    stages.borrow_mut().finish();
    for (table, rows) in &copied.tables {
        println!("{rows:>10}  {table}");
    }
    println!(
        "copied {} to {} in {:.1} s; every table's rows counted on both sides",
        args.from,
        args.to,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn export(args: ExportArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let media_dir = args
        .media_dir
        .unwrap_or_else(|| Config::new(args.database.database.clone()).media_dir);
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let written = gazette::export::export(
        &mut conn,
        &media_dir,
        &args.folder,
        Clock::system().now(),
        Box::new(report),
    )
    .map_err(|e| e.to_string())?;
    stages.borrow_mut().finish();
    for (table, rows) in &written.tables {
        println!("{rows:>10}  {table}");
    }
    println!("exported into {}", args.folder.display());
    Ok(())
}

fn import_gazette(args: ExportArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let media_dir = args
        .media_dir
        .unwrap_or_else(|| Config::new(args.database.database.clone()).media_dir);
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let read = gazette::export::import(
        &mut conn,
        &args.folder,
        &media_dir,
        Clock::system().now(),
        Box::new(report),
    )
    .map_err(|e| format!("{}: {e}", args.folder.display()))?;
    stages.borrow_mut().finish();
    for (table, rows) in &read.tables {
        println!("{rows:>10}  {table}");
    }
    println!("imported {}", args.folder.display());
    Ok(())
}

fn import_wordpress(args: WordpressArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let started = Instant::now();
    let options = gazette::import::Options {
        uploads: args.uploads.clone(),
        media_dir: args
            .media_dir
            .unwrap_or_else(|| Config::new(args.database.database.clone()).media_dir),
        dry_run: args.dry_run,
    };
    if let Some(uploads) = &options.uploads
        && !uploads.is_dir()
    {
        return Err(format!("--uploads {} is not a folder", uploads.display()));
    }
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let outcome = gazette::import::wordpress(
        &mut conn,
        &args.file,
        &options,
        Clock::system().now(),
        Box::new(report),
    );
    stages.borrow_mut().finish();
    let report = outcome.map_err(|e| format!("{}: {e}", args.file.display()))?;
    print!("{report}");
    println!("in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn reindex(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = connect(&args)?;
    let started = Instant::now();
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let mut changes = ChangeSet::new(Clock::system().now()).with_progress(Box::new(report));
    changes
        .record(&mut conn, Change::ArchiveLoaded)
        .map_err(|e| format!("reindex failed: {e}"))?;
    drop(changes);
    let mut stages = stages.into_inner();
    stages.finish();
    println!(
        "{} articles indexed and {} related lists computed in {:.1} s",
        stages.reached("search index"),
        stages.reached("related lists"),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A new password: one line of standard input, or typed twice at a hidden prompt. Never a
/// command-line argument, where other users of the machine could read it.
fn read_new_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let second = rpassword::prompt_password("Repeat the password: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

fn user_add(args: UserAddArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let role = gazette::models::Role::parse(&args.role).ok_or("unknown role")?;
    let password = read_new_password(args.password_stdin)?;
    let user = gazette::accounts::create(
        &mut conn,
        &args.email,
        &args.name,
        role,
        &password,
        Clock::system().now(),
    )
    .map_err(|e| e.to_string())?;
    println!("created {} ({}) as {}", user.email, user.name, user.role);
    Ok(())
}

fn user_passwd(args: UserPasswdArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let user = gazette::models::User::find_by_email(&mut conn, &args.email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account for {}", args.email))?;
    let password = read_new_password(args.password_stdin)?;
    gazette::accounts::change_password(&mut conn, &user, &password, None, Clock::system().now())
        .map_err(|e| e.to_string())?;
    println!(
        "password changed for {}; their sessions have ended",
        user.email
    );
    Ok(())
}

fn user_list(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = connect(&args)?;
    let users = gazette::models::User::all(&mut conn).map_err(|e| e.to_string())?;
    if users.is_empty() {
        println!("no staff accounts yet: gazette user add --email … --name … --role admin");
    }
    for user in users {
        println!("{:<8} {:<32} {}", user.role.as_str(), user.email, user.name);
    }
    Ok(())
}
