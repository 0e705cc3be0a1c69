//! Runtime configuration: read once at start from the command line and the environment.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::db::{Location, PoolSettings};

/// Everything the server needs to know about where it runs. Built by the CLI in `main.rs`
/// (flags with `GAZETTE_*` environment fallbacks) or directly by tests.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// The database: a SQLite file (created with its folder when missing) or a PostgreSQL URL.
    pub database: Location,
    /// Fill an empty database with the demo newsroom at start.
    pub seed_demo: bool,
    /// Public origin used for absolute URLs (canonical links, feeds), without a trailing slash.
    pub base_url: String,
    /// Folder served under `/static/`.
    pub static_dir: PathBuf,
    /// Folder for uploaded images, served under `/media/`.
    pub media_dir: PathBuf,
    /// Name shown in the masthead, titles and feeds.
    pub site_name: String,
    /// What the site says of itself: the front page's description for search engines and
    /// sharing cards.
    pub site_description: String,
    /// The zone times are shown and typed in (stored times stay UTC).
    pub time_zone: crate::dates::SiteZone,
    /// The site's logo, a file under the static folder (its size is read at start).
    pub site_logo: String,
    /// The image pages without a picture of their own show search engines and social networks:
    /// a file under the static folder, or `/media/NAME` for one in the media library (see
    /// `site_image`).
    pub site_image: String,
    /// The newsroom's profiles elsewhere, linked from every page's footer.
    pub social_profiles: Vec<SocialProfile>,
    /// How often counted page views are written to the database.
    pub views_flush_interval: Duration,
    /// Connections kept in the database pool, how long a request waits for one before it is
    /// answered 503, and the server's connect and statement timeouts (PostgreSQL).
    pub db: PoolSettings,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Most URLs in one article sitemap file (the sitemaps protocol allows 50,000).
    pub sitemap_chunk_size: i64,
    /// How often the scheduler looks for scheduled articles whose time has come.
    pub scheduler_interval: Duration,
    /// Memory for rendered public pages, in bytes; 0 turns the page cache off.
    pub page_cache_bytes: usize,
    /// Memory for rendered search results, in bytes; 0 turns that cache off.
    pub search_cache_bytes: usize,
    /// Where to POST the dependency tags each change drops (a CDN purge hook); none by default.
    pub purge_url: Option<String>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client; none by
    /// default (anyone can send those headers).
    pub trusted_proxies: Vec<IpAddr>,
    /// A staff session unused this long ends (it ends 12 hours after login in any case).
    pub session_idle: chrono::TimeDelta,
}

/// A profile of the newsroom on another site, as the footer links it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialProfile {
    pub label: String,
    pub url: String,
}

/// The demo newsroom's profiles: what `GAZETTE_SOCIAL_PROFILES` holds unless set.
pub const DEMO_SOCIAL_PROFILES: &str = "X=https://x.com/gazettenews, \
Facebook=https://www.facebook.com/gazettenews, Instagram=https://www.instagram.com/gazettenews, \
Mastodon=https://mastodon.social/@gazette, YouTube=https://www.youtube.com/@gazettenews";

/// The demo newsroom's description of itself: what `GAZETTE_SITE_DESCRIPTION` holds unless set.
pub const DEMO_SITE_DESCRIPTION: &str =
    "Independent reporting on the world, politics, business, science, culture and sport.";

/// A setting that cannot be used, explained for the person who set it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Defaults that work on a laptop: the given database, demo content on, port 8080.
    pub fn new(database: Location) -> Config {
        let bind: SocketAddr = ([127, 0, 0, 1], 8080).into();
        // Uploads live beside a SQLite file, so one folder holds everything to back up. Several
        // servers on PostgreSQL set a shared folder instead (README, "Deploying").
        let media_dir = database
            .sqlite_path()
            .and_then(|path| path.parent())
            .map(|folder| folder.join("media"))
            .unwrap_or_else(|| PathBuf::from("media"));
        Config {
            bind,
            database,
            seed_demo: true,
            base_url: format!("http://{bind}"),
            static_dir: PathBuf::from("static"),
            media_dir,
            site_name: "The Gazette".to_string(),
            site_logo: "img/logo.png".to_string(),
            site_description: DEMO_SITE_DESCRIPTION.to_string(),
            time_zone: crate::dates::SiteZone::default(),
            site_image: crate::site_image::BUNDLED.to_string(),
            social_profiles: Config::parse_social_profiles(DEMO_SOCIAL_PROFILES)
                .expect("the demo profiles parse"),
            views_flush_interval: Duration::from_secs(30),
            db: PoolSettings::default(),
            workers: 0,
            sitemap_chunk_size: crate::models::sitemap::DEFAULT_URLS_PER_FILE,
            scheduler_interval: Duration::from_secs(15),
            page_cache_bytes: 64 * 1024 * 1024,
            search_cache_bytes: 16 * 1024 * 1024,
            purge_url: None,
            trusted_proxies: Vec::new(),
            session_idle: crate::auth::DEFAULT_IDLE_TIMEOUT,
        }
    }

    /// Reads `Label=https://…` pairs separated by commas (an empty value: no profiles).
    pub fn parse_social_profiles(raw: &str) -> Result<Vec<SocialProfile>, ConfigError> {
        raw.split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (label, url) = pair.split_once('=').ok_or_else(|| {
                    ConfigError(format!(
                        "social profile {pair:?} is not of the form Label=https://…"
                    ))
                })?;
                let (label, url) = (label.trim(), url.trim());
                if label.is_empty() || !(url.starts_with("https://") || url.starts_with("http://"))
                {
                    return Err(ConfigError(format!(
                        "social profile {pair:?} needs a label and an http(s) URL"
                    )));
                }
                Ok(SocialProfile {
                    label: label.to_string(),
                    url: url.to_string(),
                })
            })
            .collect()
    }

    /// Checks and normalises a public base URL such as `https://news.example.com/`.
    pub fn parse_base_url(raw: &str) -> Result<String, ConfigError> {
        let trimmed = raw.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| {
                ConfigError(format!(
                    "GAZETTE_BASE_URL must start with http:// or https:// (got {raw:?})"
                ))
            })?;
        if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
            return Err(ConfigError(format!(
                "GAZETTE_BASE_URL must be an origin such as https://news.example.com (got {raw:?})"
            )));
        }
        Ok(trimmed.to_string())
    }

    /// True when the public site is served over https.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Reads a comma-separated list of proxy addresses such as `10.0.0.1, ::1`.
    pub fn parse_trusted_proxies(raw: &str) -> Result<Vec<IpAddr>, ConfigError> {
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse().map_err(|_| {
                    ConfigError(format!(
                        "GAZETTE_TRUSTED_PROXIES lists IP addresses separated by commas ({part:?} is not one)"
                    ))
                })
            })
            .collect()
    }

    /// Fails early, with a message, when the static folder is missing: pages would render unstyled.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.static_dir.join("css").is_dir() {
            return Err(ConfigError(format!(
                "static files not found in {} (set GAZETTE_STATIC_DIR, or run from the project folder)",
                self.static_dir.display()
            )));
        }
        if !(1..=crate::models::sitemap::MOST_URLS_PER_FILE).contains(&self.sitemap_chunk_size) {
            return Err(ConfigError(
                "the sitemap chunk size must be between 1 and 50000".into(),
            ));
        }
        if let Some(url) = &self.purge_url
            && !url.starts_with("http://")
        {
            return Err(ConfigError(format!(
                "GAZETTE_PURGE_URL must be an http:// URL (got {url:?}); put TLS in the receiver's proxy"
            )));
        }
        if self.session_idle < chrono::TimeDelta::minutes(1)
            || self.session_idle > crate::auth::ABSOLUTE_TIMEOUT
        {
            return Err(ConfigError(
                "the session idle timeout must be between 1 and 720 minutes".into(),
            ));
        }
        if self.db.size == 0 {
            return Err(ConfigError(
                "the database pool needs at least one connection".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_normalised_and_checked() {
        assert_eq!(
            Config::parse_base_url("https://news.example.com/").unwrap(),
            "https://news.example.com"
        );
        assert!(Config::parse_base_url("news.example.com").is_err());
        assert!(Config::parse_base_url("https://news.example.com/path").is_err());
        assert!(Config::parse_base_url("http://").is_err());
    }
}
