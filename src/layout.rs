//! The frame every public page shares (masthead, navigation, footer) and the head metadata each
//! page fills in. Both are plain data handed to `templates/base.html`.

use std::sync::Arc;

use chrono::{Datelike, Utc};

use crate::config::Config;
use crate::state::AppState;
use crate::views::SectionLink;

/// The newsroom's own profiles, shown under "Connect with us".
pub struct SocialProfile {
    pub label: &'static str,
    pub url: &'static str,
}

const SOCIAL_PROFILES: &[SocialProfile] = &[
    SocialProfile {
        label: "X",
        url: "https://x.com/gazettenews",
    },
    SocialProfile {
        label: "Facebook",
        url: "https://www.facebook.com/gazettenews",
    },
    SocialProfile {
        label: "Instagram",
        url: "https://www.instagram.com/gazettenews",
    },
    SocialProfile {
        label: "Mastodon",
        url: "https://mastodon.social/@gazette",
    },
    SocialProfile {
        label: "YouTube",
        url: "https://www.youtube.com/@gazettenews",
    },
];

pub struct Layout {
    pub site_name: String,
    pub navigation: Arc<Vec<SectionLink>>,
    /// Slug of the section the page belongs to, or empty.
    pub active_section: String,
    pub stylesheet_url: String,
    pub favicon_url: String,
    pub social_profiles: &'static [SocialProfile],
    pub year: i32,
}

impl Layout {
    pub fn new(state: &AppState, active_section: Option<&str>) -> Layout {
        Layout {
            site_name: state.config.site_name.clone(),
            navigation: state.navigation(),
            active_section: active_section.unwrap_or_default().to_string(),
            stylesheet_url: state.assets.url("css/site.css"),
            favicon_url: state.assets.url("img/favicon.svg"),
            social_profiles: SOCIAL_PROFILES,
            year: Utc::now().year(),
        }
    }

    pub fn is_active(&self, slug: &str) -> bool {
        self.active_section == slug
    }
}

/// What goes in a page's `<head>`.
pub struct PageMeta {
    /// The full `<title>`, site name included.
    pub title: String,
    pub description: String,
    /// Absolute URL of the page's one canonical address.
    pub canonical_url: String,
}

impl PageMeta {
    pub fn new(config: &Config, title: &str, description: &str, path: &str) -> PageMeta {
        let title = if title.is_empty() {
            config.site_name.clone()
        } else {
            format!("{title} | {}", config.site_name)
        };
        PageMeta {
            title,
            description: description.to_string(),
            canonical_url: format!("{}{path}", config.base_url),
        }
    }
}
