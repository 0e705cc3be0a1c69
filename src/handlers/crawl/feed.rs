//! RSS 2.0 feeds of the latest 50 published articles: the site, each section, author and tag.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::changes::Dependency;
use crate::db;
use crate::descriptions::{self, ListingKind};
use crate::error::AppError;
use crate::handlers::crawl::document;
use crate::handlers::{listing_shows, with_last_modified};
use crate::models::Listing;
use crate::models::{Author, Section, Tag};
use crate::state::AppState;
use crate::views::ArticleCard;

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
    /// Builds the feed from cards; `base_url` makes every link absolute. An article without a
    /// picture of its own carries `fallback_image` (the site image), when there is one.
    pub fn new(
        title: String,
        description: String,
        base_url: &str,
        path: &str,
        cards: Vec<ArticleCard>,
        fallback_image: Option<(String, i32, i32)>,
        zone: crate::dates::SiteZone,
    ) -> RssFeed {
        let last_build_date = cards
            .first()
            .map(|c| zone.rfc2822(&c.published_at))
            .unwrap_or_default();
        let items = cards
            .into_iter()
            .map(|card| FeedItem {
                title: card.headline.clone(),
                link: format!("{base_url}{}", card.url()),
                description: card.dek.clone(),
                pub_date: zone.rfc2822(&card.published_at),
                authors: card.bylines.iter().map(|b| b.name.clone()).collect(),
                category: card.section.name.clone(),
                image: card
                    .image
                    .map(|i| (format!("{base_url}{}", i.url), i.width, i.height))
                    .or_else(|| fallback_image.clone()),
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

async fn listing_feed(
    state: &AppState,
    title: String,
    description: String,
    path: &str,
    listing: Listing,
) -> Result<HttpResponse, AppError> {
    let cards = db::run(&state.pool, move |conn| {
        Ok(ArticleCard::list(conn, listing, None, FEED_LENGTH, 0)?)
    })
    .await?;
    let newest = cards.iter().map(|card| card.published_at).max();
    let shows = listing_shows(listing, &cards).with(Dependency::Feeds);
    let fallback_image = state
        .site_image
        .wide()
        .map(|wide| (state.absolute(&wide.url), wide.width, wide.height));
    let feed = RssFeed::new(
        title,
        description,
        &state.config.base_url,
        path,
        cards,
        fallback_image,
        state.config.time_zone,
    );
    let response = document("application/rss+xml; charset=utf-8", feed.render()?);
    Ok(shows.attach(match newest {
        Some(at) => with_last_modified(response, &at),
        None => response,
    }))
}

/// `/feed.xml`: the whole site.
pub async fn site(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let name = &state.config.site_name;
    let (title, description) = (name.clone(), format!("The latest articles from {name}"));
    listing_feed(&state, title, description, "/feed.xml", Listing::Everything).await
}

/// `/section/{slug}/feed.xml`
pub async fn section(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let section = db::run(&state.pool, move |conn| {
        Ok(Section::find_by_slug(conn, &slug)?)
    })
    .await?;
    listing_feed(
        &state,
        format!("{}: {}", state.config.site_name, section.name),
        descriptions::for_listing_page(
            &section.description,
            || {
                descriptions::listing_fallback(
                    ListingKind::Section,
                    &section.name,
                    &state.config.site_name,
                    None,
                )
            },
            1,
            1,
        ),
        &format!("/section/{}/feed.xml", section.slug),
        Listing::InSection(section.id),
    )
    .await
}

/// `/author/{slug}/feed.xml`
pub async fn author(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let author = db::run(&state.pool, move |conn| {
        Ok(Author::find_by_slug(conn, &slug)?)
    })
    .await?;
    listing_feed(
        &state,
        format!("{}: articles by {}", state.config.site_name, author.name),
        format!("The latest articles by {}", author.name),
        &format!("/author/{}/feed.xml", author.slug),
        Listing::ByAuthor(author.id),
    )
    .await
}

/// `/tag/{slug}/feed.xml`
pub async fn tag(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let tag = db::run(&state.pool, move |conn| Ok(Tag::find_by_slug(conn, &slug)?)).await?;
    listing_feed(
        &state,
        format!("{}: {}", state.config.site_name, tag.name),
        format!("The latest articles tagged {}", tag.name),
        &format!("/tag/{}/feed.xml", tag.slug),
        Listing::Tagged(tag.id),
    )
    .await
}
