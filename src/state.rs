//! What every request can reach: configuration, the database pool, the view counter, static
//! asset URLs and the section navigation shown on every page.

use std::sync::{Arc, RwLock};

use diesel::SqliteConnection;

use crate::assets::Assets;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::DbPool;
use crate::layout::{Layout, PageMeta, SocialImage};
use crate::models::Section;
use crate::readership::Readership;
use crate::structured_data::Publisher;
use crate::views::SectionLink;

pub struct AppState {
    pub config: Config,
    pub pool: DbPool,
    pub readership: Readership,
    pub assets: Assets,
    pub clock: Clock,
    /// Sections in navigation order. Every page shows them, so they are kept in memory and
    /// reloaded whenever sections change.
    navigation: RwLock<Arc<Vec<SectionLink>>>,
}

impl AppState {
    pub fn new(config: Config, pool: DbPool, assets: Assets, clock: Clock) -> AppState {
        AppState {
            config,
            pool,
            readership: Readership::default(),
            assets,
            clock,
            navigation: RwLock::new(Arc::new(Vec::new())),
        }
    }

    /// Reloads the section navigation from the database.
    pub fn reload_navigation(&self, conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
        let sections = Section::all_in_nav_order(conn)?
            .into_iter()
            .map(|s| SectionLink {
                id: s.id,
                name: s.name,
                slug: s.slug,
            })
            .collect();
        *self.navigation.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(sections);
        Ok(())
    }

    pub fn navigation(&self) -> Arc<Vec<SectionLink>> {
        self.navigation
            .read()
            .unwrap_or_else(|p| p.into_inner())
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
                url: self.absolute("/static/img/logo.png"),
                width: 600,
                height: 60,
                alt: self.config.site_name.clone(),
            },
        }
    }

    /// Title, description and canonical URL of the page at `path` (a site-relative path).
    pub fn meta(&self, title: &str, description: &str, path: &str) -> PageMeta {
        PageMeta::new(&self.config, title, description, path)
    }
}
