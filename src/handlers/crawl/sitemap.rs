//! Sitemaps: `/sitemap.xml` (the index), `/sitemaps/articles-{n}.xml` (stable id-range chunks),
//! `/sitemaps/pages.xml` (home, sections, authors, tags) and `/sitemaps/news.xml` (Google News:
//! the last two days, at most 1,000 articles).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDateTime, TimeDelta};

use crate::changes::Dependency;
use crate::dates;
use crate::db;
use crate::error::AppError;
use crate::handlers::crawl::document;
use crate::models::sitemap::{self, NewsItem, SitemapUrl};
use crate::page_cache::Shows;
use crate::state::AppState;

const XML: &str = "application/xml; charset=utf-8";
/// Google News only wants articles from the last two days, at most 1,000 of them.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_LIMIT: i64 = 1_000;

pub struct IndexEntry {
    pub loc: String,
    pub last_modified: Option<String>,
}

#[derive(Template)]
#[template(path = "feeds/sitemap_index.xml")]
pub struct SitemapIndex {
    pub sitemaps: Vec<IndexEntry>,
}

pub struct UrlEntry {
    pub loc: String,
    pub last_modified: Option<String>,
}

#[derive(Template)]
#[template(path = "feeds/urlset.xml")]
pub struct UrlSet {
    pub urls: Vec<UrlEntry>,
}

pub struct NewsEntry {
    pub loc: String,
    pub title: String,
    pub publication_date: String,
}

#[derive(Template)]
#[template(path = "feeds/news_sitemap.xml")]
pub struct NewsSitemap {
    pub publication_name: String,
    pub articles: Vec<NewsEntry>,
}

fn url_set(state: &AppState, urls: Vec<SitemapUrl>) -> UrlSet {
    UrlSet {
        urls: urls
            .into_iter()
            .map(|url| UrlEntry {
                loc: state.absolute(&url.path),
                last_modified: url.last_modified.as_ref().map(dates::iso),
            })
            .collect(),
    }
}

pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let size = state.config.sitemap_chunk_size;
    let since = state.clock.now() - TimeDelta::hours(NEWS_WINDOW_HOURS);
    let (chunks, pages, news) = db::run(&state.pool, move |conn| {
        Ok((
            sitemap::article_chunks(conn, size)?,
            sitemap::pages(conn)?,
            sitemap::news_since(conn, since, 1)?,
        ))
    })
    .await?;
    let newest =
        |dates: &mut dyn Iterator<Item = NaiveDateTime>| dates.max().map(|d| dates::iso(&d));
    let mut sitemaps: Vec<IndexEntry> = chunks
        .iter()
        .map(|chunk| IndexEntry {
            loc: state.absolute(&format!("/sitemaps/articles-{}.xml", chunk.number + 1)),
            last_modified: Some(dates::iso(&chunk.last_modified)),
        })
        .collect();
    sitemaps.push(IndexEntry {
        loc: state.absolute("/sitemaps/pages.xml"),
        last_modified: newest(&mut pages.iter().filter_map(|p| p.last_modified)),
    });
    sitemaps.push(IndexEntry {
        loc: state.absolute("/sitemaps/news.xml"),
        last_modified: newest(&mut news.iter().map(|n| n.published_at)),
    });
    // Its news entry's date follows the 48-hour window.
    let shows = Shows::new([Dependency::Sitemaps]).short_lived();
    Ok(shows.attach(document(XML, SitemapIndex { sitemaps }.render()?)))
}

/// `/sitemaps/articles-{n}.xml`, numbered from 1. A number with no published article is 404.
pub async fn articles(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let number: i64 = number
        .parse()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or(AppError::NotFound)?;
    let size = state.config.sitemap_chunk_size;
    let urls = db::run(&state.pool, move |conn| {
        Ok(sitemap::articles_in_chunk(conn, number - 1, size)?)
    })
    .await?;
    if urls.is_empty() {
        return Err(AppError::NotFound);
    }
    let shows = Shows::new([Dependency::Sitemaps]);
    Ok(shows.attach(document(XML, url_set(&state, urls).render()?)))
}

pub async fn pages(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let urls = db::run(&state.pool, |conn| Ok(sitemap::pages(conn)?)).await?;
    let shows = Shows::new([Dependency::Sitemaps]);
    Ok(shows.attach(document(XML, url_set(&state, urls).render()?)))
}

pub async fn news(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let since = state.clock.now() - TimeDelta::hours(NEWS_WINDOW_HOURS);
    let items: Vec<NewsItem> = db::run(&state.pool, move |conn| {
        Ok(sitemap::news_since(conn, since, NEWS_LIMIT)?)
    })
    .await?;
    let sitemap = NewsSitemap {
        publication_name: state.config.site_name.clone(),
        articles: items
            .into_iter()
            .map(|item| NewsEntry {
                loc: state.absolute(&item.path),
                title: item.title,
                publication_date: dates::iso(&item.published_at),
            })
            .collect(),
    };
    // Articles leave the 48-hour window as time passes, not only when something changes.
    let shows = Shows::new([Dependency::Sitemaps]).short_lived();
    Ok(shows.attach(document(XML, sitemap.render()?)))
}
