//! The frame every public page shares (masthead, navigation, footer) and the head metadata each
//! page fills in. Both are plain data handed to `templates/base.html`.

use std::sync::Arc;

use chrono::Datelike;

use crate::config::{Config, SocialProfile};
use crate::models::page::MenuLink;
use crate::state::AppState;
use crate::views::SectionLink;

pub struct Layout {
    pub site_name: String,
    /// What the newsroom says of itself (a setting), under "About" in the footer.
    pub site_description: String,
    pub navigation: Arc<Vec<SectionLink>>,
    /// The standalone pages admins put in the footer menu (About, Contact, …).
    pub footer_menu: Arc<Vec<MenuLink>>,
    /// Slug of the section the page belongs to, or empty.
    pub active_section: String,
    pub stylesheet_url: String,
    pub favicon_url: String,
    /// The newsroom's own profiles, shown under "Connect with us" (a setting).
    pub social_profiles: Vec<SocialProfile>,
    pub year: i32,
    /// Times on the page are shown in the site's zone.
    pub zone: crate::dates::SiteZone,
}

impl Layout {
    pub fn new(state: &AppState, active_section: Option<&str>) -> Layout {
        Layout {
            site_name: state.config.site_name.clone(),
            site_description: state.config.site_description.clone(),
            navigation: state.navigation(),
            footer_menu: state.footer_menu(),
            active_section: active_section.unwrap_or_default().to_string(),
            stylesheet_url: state.assets.url("css/site.css"),
            favicon_url: state.assets.url("img/favicon.svg"),
            social_profiles: state.config.social_profiles.clone(),
            year: state.config.time_zone.local(&state.clock.now()).year(),
            zone: state.config.time_zone,
        }
    }

    pub fn is_active(&self, slug: &str) -> bool {
        self.active_section == slug
    }
}

/// An image as social networks and search engines want it: absolute URL and size.
#[derive(Debug, Clone)]
pub struct SocialImage {
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub alt: String,
}

/// The `article:*` Open Graph properties of a story page.
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    pub published_time: String,
    pub modified_time: String,
    pub section: String,
    pub tags: Vec<String>,
}

/// A `<link rel="alternate">` to a feed.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub title: String,
    pub href: String,
}

/// What goes in a page's `<head>`: title, description, canonical URL, Open Graph and Twitter
/// cards, feed links, robots directives and structured data.
pub struct PageMeta {
    /// The full `<title>`, site name included.
    pub title: String,
    /// The page's own title, for Open Graph (without the site name).
    pub short_title: String,
    pub description: String,
    /// Absolute URL of the page's one canonical address.
    pub canonical_url: String,
    pub site_name: String,
    /// `og:type`: website, article or profile.
    pub og_type: &'static str,
    pub image: SocialImage,
    pub article: Option<ArticleMeta>,
    pub feeds: Vec<FeedLink>,
    /// Keep the page out of search results (search results, error pages).
    pub noindex: bool,
    /// JSON-LD documents, already made safe to sit inside `<script>` (see `structured_data`).
    pub json_ld: Vec<String>,
}

impl PageMeta {
    /// `image`: what the page shows when shared, unless it names one of its own.
    pub fn new(
        config: &Config,
        title: &str,
        description: &str,
        path: &str,
        image: SocialImage,
    ) -> PageMeta {
        let full_title = if title.is_empty() {
            config.site_name.clone()
        } else {
            format!("{title} | {}", config.site_name)
        };
        PageMeta {
            title: full_title,
            short_title: if title.is_empty() {
                config.site_name.clone()
            } else {
                title.to_string()
            },
            description: description.to_string(),
            canonical_url: format!("{}{path}", config.base_url),
            site_name: config.site_name.clone(),
            og_type: "website",
            image,
            article: None,
            feeds: vec![FeedLink {
                title: format!("{}: latest articles", config.site_name),
                href: format!("{}/feed.xml", config.base_url),
            }],
            noindex: false,
            json_ld: Vec::new(),
        }
    }

    pub fn with_image(mut self, image: SocialImage) -> PageMeta {
        self.image = image;
        self
    }

    pub fn with_og_type(mut self, og_type: &'static str) -> PageMeta {
        self.og_type = og_type;
        self
    }

    pub fn with_article(mut self, article: ArticleMeta) -> PageMeta {
        self.og_type = "article";
        self.article = Some(article);
        self
    }

    /// Adds a feed, listed before the site-wide one.
    pub fn with_feed(mut self, title: String, href: String) -> PageMeta {
        self.feeds.insert(0, FeedLink { title, href });
        self
    }

    pub fn with_json_ld(mut self, document: serde_json::Value) -> PageMeta {
        self.json_ld
            .push(crate::structured_data::script_safe(&document));
        self
    }

    pub fn noindex(mut self) -> PageMeta {
        self.noindex = true;
        self
    }

    pub fn robots(&self) -> &'static str {
        if self.noindex {
            "noindex, follow"
        } else {
            "index, follow, max-image-preview:large"
        }
    }
}
