//! The `gazette` command: serve the site (the default), or manage its database.

#[path = "cli/newsroom.rs"]
mod newsroom;

use std::io::{IsTerminal, Write};
use std::net::{SocketAddr, TcpListener};
#[cfg(unix)]
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use gazette::clock::Clock;
use gazette::config::Config;
use gazette::db::{Location, PoolSettings};
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

/// The media library's folder, for the commands that read or write it.
#[derive(Args, Clone)]
struct MediaArgs {
    /// Folder for uploaded images (default: `media` beside the database file).
    #[arg(long, env = "GAZETTE_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
}

impl MediaArgs {
    /// The folder given, or the one the server uses for `database` by default.
    fn folder(&self, database: &DatabaseArgs) -> PathBuf {
        self.media_dir
            .clone()
            .unwrap_or_else(|| Config::new(database.database.clone()).media_dir)
    }
}

/// Rows per table, as the commands that move whole newsrooms print them.
fn print_tables(tables: &[(&str, i64)]) {
    for (table, rows) in tables {
        println!("{rows:>10}  {table}");
    }
}

#[derive(Args, Clone)]
struct ExportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    media: MediaArgs,
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
    #[command(flatten)]
    media: MediaArgs,
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
    #[command(flatten)]
    media: MediaArgs,
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
    #[arg(long, env = "GAZETTE_SITEMAP_CHUNK_SIZE", default_value_t = gazette::models::sitemap::DEFAULT_URLS_PER_FILE)]
    sitemap_chunk_size: i64,
    /// Memory for rendered public pages, in megabytes (0 turns the page cache off).
    #[arg(long, env = "GAZETTE_PAGE_CACHE_MB", default_value_t = 64)]
    page_cache_mb: usize,
    /// Memory for rendered search results, in megabytes (0 turns that cache off). The popular
    /// head of a site's searches is small (1,000 distinct result pages take about 7 MB).
    #[arg(long, env = "GAZETTE_SEARCH_CACHE_MB", default_value_t = 16)]
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
    /// The site's time zone (an IANA name): every time shown to readers and staff is in it,
    /// and editors type scheduled times in it. Stored times are UTC.
    #[arg(long, env = "GAZETTE_TIME_ZONE", default_value = "UTC", value_parser = gazette::dates::SiteZone::parse)]
    time_zone: gazette::dates::SiteZone,
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
        config.time_zone = self.time_zone;
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

/// Where log lines go: standard output, written in batches (see `gazette::log_output`).
fn log_output() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
        // Unbuffered: each batch is one `write`.
        return Box::new(std::fs::File::from(fd));
    }
    Box::new(std::io::stdout())
}

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
    // Lines go to a background writer in batches (the guard writes the last when main returns):
    // under load, a request's log line costs its formatting, not a write or a thread's wake-up.
    let (writer, _flush_at_exit) =
        gazette::log_output::batched(log_output(), gazette::log_output::Batching::DEFAULT);
    writer.carry_access_log();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GAZETTE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Migrate(args)) => migrate(args),
        Some(Command::Seed(args)) => newsroom::seed(args),
        Some(Command::Reindex(args)) => newsroom::reindex(args),
        Some(Command::Backup(args)) => newsroom::backup(args),
        Some(Command::Check(args)) => newsroom::check(args),
        Some(Command::Copy(args)) => newsroom::copy(args),
        Some(Command::Import(ImportCommand::Wordpress(args))) => newsroom::import_wordpress(args),
        Some(Command::Import(ImportCommand::Gazette(args))) => newsroom::import_gazette(args),
        Some(Command::Export(args)) => newsroom::export(args),
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
    let pool = gazette::db::open_pool(&args.database, settings)?;
    gazette::db::first_connection(&pool, settings)
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
