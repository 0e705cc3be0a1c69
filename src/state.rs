//! What every request can reach: configuration, the database pool, the view counter, static
//! asset URLs and the section navigation shown on every page.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use crate::assets::Assets;
use crate::changes::{ChangeSet, Dependency, Effects};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, DbConnection, DbPool};
use crate::error::AppError;
use crate::layout::{Layout, PageMeta, SocialImage};
use crate::models::Section;
use crate::models::page::{MenuLink, Page};
use crate::page_cache::PageCache;
use crate::readership::Readership;
use crate::search::PhraseCounts;
use crate::site_image::SiteImage;
use crate::structured_data::Publisher;
use crate::views::{CardCache, SectionLink};

pub struct AppState {
    pub config: Config,
    pub pool: DbPool,
    pub readership: Readership,
    pub assets: Assets,
    pub clock: Clock,
    /// Rendered public pages (see `page_cache`).
    pub page_cache: PageCache,
    /// Rendered search results, dropped on any change to what is published.
    pub search_cache: PageCache,
    /// How many articles each searched phrase occurs in, for ranking; dropped with the
    /// search results.
    pub phrase_counts: PhraseCounts,
    /// Article cards between renders, dropped on any change (see `views::card_cache`).
    pub cards: Arc<CardCache>,
    /// Every page shows the sections and the footer menu, so they are kept in memory and
    /// reloaded whenever a change touches `Dependency::Navigation`.
    navigation: RwLock<Navigation>,
    /// Tickets for navigation reloads, taken before each load: a reload stores what it read
    /// only if no reload with a later ticket stored first (see `store_navigation`).
    navigation_loads: std::sync::atomic::AtomicU64,
    /// Password checks running at once: each takes ~20 MB and tens of milliseconds of a core
    /// (argon2id), so a flood of logins queues here instead of exhausting memory and threads.
    pub password_checks: tokio::sync::Semaphore,
    /// Image decodes running at once (each may take up to `media`'s decode memory).
    pub image_work: tokio::sync::Semaphore,
    /// Searches running at once (cache misses): each reads the postings of its words, up to
    /// megabytes for common ones, and more at once than there are cores only adds memory.
    pub search_work: tokio::sync::Semaphore,
    /// Content Security Policy violations browsers reported since start (`/csp-reports`).
    pub csp_violations: std::sync::atomic::AtomicU64,
    /// The site logo's width and height, read from its file at start.
    logo_size: (i32, i32),
    /// The picture of pages without one of their own, prepared at start.
    pub site_image: SiteImage,
}

/// What every page links to: the sections (masthead and footer) and the footer menu's pages.
#[derive(Default)]
struct Navigation {
    sections: Arc<Vec<SectionLink>>,
    footer: Arc<Vec<MenuLink>>,
    /// The ticket of the reload that read this.
    ticket: u64,
}

impl Navigation {
    fn load(conn: &mut DbConnection) -> diesel::QueryResult<Navigation> {
        let sections = Section::all_in_nav_order(conn)?
            .into_iter()
            .map(|s| SectionLink {
                id: s.id,
                name: s.name,
                slug: s.slug,
            })
            .collect();
        Ok(Navigation {
            sections: Arc::new(sections),
            footer: Arc::new(Page::menu(conn)?),
            ticket: 0,
        })
    }
}

/// The bundled logo's size, used when the configured file cannot be read.
const DEFAULT_LOGO_SIZE: (i32, i32) = (600, 60);

/// Reads the logo's dimensions from its header (structured data states them).
fn logo_size(config: &Config) -> (i32, i32) {
    let path = config.static_dir.join(&config.site_logo);
    match image::image_dimensions(&path) {
        Ok((width, height)) => (width as i32, height as i32),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "site logo unreadable; assuming 600 × 60");
            DEFAULT_LOGO_SIZE
        }
    }
}

/// Distinct searches the search cache remembers having seen (a hash each), to keep a query's
/// results, once the cache is full, the second time it is asked for.
const SEARCHES_REMEMBERED: usize = 16_384;

/// Password checks allowed to run at once.
const CONCURRENT_PASSWORD_CHECKS: usize = 2;
/// Uploaded images decoded at once.
const CONCURRENT_IMAGE_DECODES: usize = 2;
/// Searches run at once, at least; more on a machine with more cores.
const CONCURRENT_SEARCHES: usize = 2;

impl AppState {
    pub fn new(config: Config, pool: DbPool, assets: Assets, clock: Clock) -> AppState {
        AppState {
            logo_size: logo_size(&config),
            site_image: SiteImage::prepare(&config),
            page_cache: PageCache::new(config.page_cache_bytes),
            // Most searches are never repeated: once full, only the second asking of a query is kept.
            search_cache: PageCache::admitting_on_second_request(
                config.search_cache_bytes,
                SEARCHES_REMEMBERED,
            ),
            phrase_counts: PhraseCounts::default(),
            cards: Arc::new(CardCache::default()),
            config,
            pool,
            readership: Readership::default(),
            assets,
            clock,
            navigation: RwLock::new(Navigation::default()),
            navigation_loads: std::sync::atomic::AtomicU64::new(0),
            password_checks: tokio::sync::Semaphore::new(CONCURRENT_PASSWORD_CHECKS),
            image_work: tokio::sync::Semaphore::new(CONCURRENT_IMAGE_DECODES),
            search_work: tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map_or(CONCURRENT_SEARCHES, |n| n.get().max(CONCURRENT_SEARCHES)),
            ),
            csp_violations: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The address the request comes from (see `client`): its peer, or the client a trusted
    /// proxy names. Empty when unknown (a test request without a socket).
    pub fn client_address(&self, request: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
        crate::client::client_ip(
            request.peer_addr().map(|a| a.ip()),
            request.headers(),
            &self.config.trusted_proxies,
        )
    }

    /// Reloads the section navigation and the footer menu from the database.
    pub fn reload_navigation(&self, conn: &mut DbConnection) -> diesel::QueryResult<()> {
        let ticket = self.navigation_ticket();
        let navigation = Navigation::load(conn)?;
        self.store_navigation(navigation, ticket);
        Ok(())
    }

    fn navigation_ticket(&self) -> u64 {
        self.navigation_loads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    }

    /// Keeps a reload's navigation unless a reload that started later stored first. Reloads
    /// run on writers' requests and on the change feed's thread at once: without this, a feed
    /// reload that read before a commit could store after the writer's own reload and leave
    /// the old footer in place, to be rendered into fresh pages (seen once in CI, PostgreSQL).
    fn store_navigation(&self, mut navigation: Navigation, ticket: u64) {
        let mut current = self.navigation.write().unwrap_or_else(|p| p.into_inner());
        if ticket > current.ticket {
            navigation.ticket = ticket;
            *current = navigation;
        }
    }

    /// Runs a writer's `work` in one write transaction, with the change set it reports its
    /// changes to (which keeps search and related lists in step inside the transaction). Once
    /// the transaction has committed, and before the writer answers anyone, every page that
    /// shows what changed is brought up to date.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection, &mut ChangeSet<'static>) -> Result<T, AppError>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        let (value, effects) = db::run(&self.pool, move |conn| {
            let mut changes = ChangeSet::new(now);
            let value = db::write_transaction(conn, |conn| work(conn, &mut changes))?;
            Ok((value, changes.into_effects()))
        })
        .await?;
        self.after_commit(&effects).await?;
        Ok(value)
    }

    /// What committed changes mean for this server, done before the writer answers anyone:
    /// the navigation is reloaded when sections changed, the cached pages that show what
    /// changed are dropped (every search result when anything published changed), and the
    /// purge URL, if set, is told which tags to purge.
    pub async fn after_commit(&self, effects: &Effects) -> Result<(), AppError> {
        if effects.dependencies.is_empty() {
            return Ok(());
        }
        tracing::debug!(changed = ?effects.dependencies, "content changed");
        // The navigation first, so no page rendered after the drop shows the old one; the drop
        // happens even if the reload failed (an old page must never outlive its change).
        let reloaded = if effects.navigation_changed() {
            let ticket = self.navigation_ticket();
            db::run(&self.pool, |conn| Ok(Navigation::load(conn)?))
                .await
                .map(|navigation| self.store_navigation(navigation, ticket))
        } else {
            Ok(())
        };
        // The cards first: a page rendered after the page cache's drop reads them afresh.
        self.cards.clear();
        self.page_cache.invalidate(&effects.dependencies);
        self.search_cache.clear();
        self.phrase_counts.clear();
        if let Some(url) = &self.config.purge_url {
            crate::purge::notify(url.clone(), &effects.dependencies);
        }
        reloaded
    }

    /// Another server committed a change touching `dependencies` (None: unknown, so
    /// everything): the same as `after_commit` does for this server's own changes, from the
    /// change feed's thread.
    pub fn apply_remote_change(&self, dependencies: Option<&BTreeSet<Dependency>>) {
        let everything = dependencies.is_none_or(|d| d.contains(&Dependency::Navigation));
        if everything {
            let reloaded = self
                .pool
                .get()
                .map_err(|e| e.to_string())
                .and_then(|mut conn| self.reload_navigation(&mut conn).map_err(|e| e.to_string()));
            if let Err(error) = reloaded {
                tracing::warn!(%error, "navigation not reloaded");
            }
        }
        self.cards.clear();
        match dependencies {
            Some(dependencies) if !everything => {
                self.page_cache.invalidate(dependencies);
            }
            _ => self.page_cache.clear(),
        }
        self.search_cache.clear();
        self.phrase_counts.clear();
    }

    /// The sections, in navigation order.
    pub fn navigation(&self) -> Arc<Vec<SectionLink>> {
        self.navigation
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .sections
            .clone()
    }

    /// The pages in the footer menu, in order.
    pub fn footer_menu(&self) -> Arc<Vec<MenuLink>> {
        self.navigation
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .footer
            .clone()
    }

    /// The frame of a page: masthead, navigation (with `active_section` marked), footer.
    pub fn layout(&self, active_section: Option<&str>) -> Layout {
        Layout::new(self, active_section)
    }

    /// The absolute URL of a site path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// The newsroom as structured data names it.
    pub fn publisher(&self) -> Publisher<'_> {
        Publisher {
            name: &self.config.site_name,
            url: &self.config.base_url,
            logo: SocialImage {
                // A stable address (no fingerprint): search engines keep the logo's URL.
                url: self.absolute(&format!("/static/{}", self.config.site_logo)),
                width: self.logo_size.0,
                height: self.logo_size.1,
                alt: self.config.site_name.clone(),
            },
        }
    }

    /// Title, description and canonical URL of the page at `path` (a site-relative path),
    /// with the site image as its sharing image.
    pub fn meta(&self, title: &str, description: &str, path: &str) -> PageMeta {
        PageMeta::new(
            &self.config,
            title,
            description,
            path,
            self.default_social_image(),
        )
    }

    /// The site image's 16:9 shape, as `og:image` names it (the logo if there is none).
    pub fn default_social_image(&self) -> SocialImage {
        match self.site_image.wide() {
            Some(wide) => SocialImage {
                url: self.absolute(&wide.url),
                width: wide.width,
                height: wide.height,
                alt: self.site_image.alt.clone(),
            },
            None => self.publisher().logo,
        }
    }
}
