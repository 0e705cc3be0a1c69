//! `/feed.xml`: RSS 2.0 feed of the latest published articles.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::error::AppError;
use crate::handlers::PUBLIC_CACHE;
use crate::state::AppState;
use crate::views::{ArticleCard, Listing};

const FEED_LENGTH: i64 = 50;

/// One `<item>`: every value is plain text; the `.xml` template escapes it.
pub struct FeedItem {
    pub title: String,
    pub link: String,
    pub description: String,
    pub pub_date: String,
    pub authors: Vec<String>,
    pub category: String,
    pub image: Option<(String, i32, i32)>,
}

#[derive(Template)]
#[template(path = "feeds/rss.xml")]
pub struct RssFeed {
    pub title: String,
    pub link: String,
    pub self_link: String,
    pub description: String,
    pub last_build_date: String,
    pub items: Vec<FeedItem>,
}

impl RssFeed {
    /// Builds the feed from cards; `base_url` makes every link absolute.
    pub fn new(
        title: String,
        description: String,
        base_url: &str,
        path: &str,
        cards: Vec<ArticleCard>,
    ) -> RssFeed {
        let last_build_date = cards
            .first()
            .map(|c| c.published_at.and_utc().to_rfc2822())
            .unwrap_or_default();
        let items = cards
            .into_iter()
            .map(|card| FeedItem {
                title: card.headline.clone(),
                link: format!("{base_url}{}", card.url()),
                description: card.dek.clone(),
                pub_date: card.published_at.and_utc().to_rfc2822(),
                authors: card.bylines.iter().map(|b| b.name.clone()).collect(),
                category: card.section.name.clone(),
                image: card
                    .image
                    .map(|i| (format!("{base_url}{}", i.url), i.width, i.height)),
            })
            .collect();
        RssFeed {
            title,
            link: format!("{base_url}/"),
            self_link: format!("{base_url}{path}"),
            description,
            last_build_date,
            items,
        }
    }
}

pub async fn site(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let cards = db::run(&state.pool, |conn| {
        Ok(ArticleCard::list(
            conn,
            &Listing::Everything,
            None,
            FEED_LENGTH,
            0,
        )?)
    })
    .await?;
    let feed = RssFeed::new(
        state.config.site_name.clone(),
        format!("The latest articles from {}", state.config.site_name),
        &state.config.base_url,
        "/feed.xml",
        cards,
    );
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/rss+xml; charset=utf-8"))
        .insert_header((CACHE_CONTROL, PUBLIC_CACHE))
        .body(feed.render()?))
}
