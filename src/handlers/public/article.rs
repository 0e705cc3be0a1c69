//! `/article/{slug}`: the story page. Old slugs redirect permanently to the current one.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;

use crate::changes::Dependency;
use crate::dates;
use crate::db;
use crate::descriptions;
use crate::error::AppError;
use crate::handlers::{render_page, with_last_modified};
use crate::layout::{ArticleMeta, Layout, PageMeta, SocialImage};
use crate::media;
use crate::page_cache::Shows;
use crate::state::AppState;
use crate::structured_data;
use crate::views::HeroImage;
use crate::views::article_page::{ArticleLookup, ArticlePage};

/// A plain link to share the article elsewhere: no third-party script runs on our page.
pub struct ShareLink {
    pub label: &'static str,
    pub url: String,
}

#[derive(Template)]
#[template(path = "public/article.html")]
pub struct ArticleTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub page: ArticlePage,
    pub hero: Option<HeroImage>,
    pub published_label: String,
    pub published_iso: String,
    /// Shown only when the article changed noticeably after publication.
    pub updated: Option<(String, String)>,
    pub share_links: Vec<ShareLink>,
    /// Set on the editor's preview: the article's status, shown in a banner ("draft").
    pub preview: Option<&'static str>,
}

impl ArticleTemplate {
    pub fn latest_in_section_title(&self) -> String {
        format!("Latest in {}", self.page.section.name)
    }
}

pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let now = state.clock.now();
    let most_read = state.readership.most_read();
    // Taken before anything is read, so that no card read from before a change is kept.
    let cards = state.cards.snapshot();
    let lookup = db::run(&state.pool, move |conn| {
        Ok(ArticlePage::lookup(conn, &slug, &most_read, &cards, now)?)
    })
    .await?;
    let page = match lookup {
        ArticleLookup::Found(page) => *page,
        ArticleLookup::MovedTo(current) => {
            return Ok(HttpResponse::MovedPermanently()
                .insert_header((LOCATION, format!("/article/{current}")))
                .finish());
        }
        ArticleLookup::Withdrawn => return Err(AppError::Gone),
        ArticleLookup::Missing => return Err(AppError::NotFound),
    };

    state
        .readership
        .record_request(page.article.id, request.headers());
    render_article(&state, page, false)
}

/// The editor's preview: the page as readers would see it, whatever the article's status,
/// marked as a preview, `noindex`, and never cached.
pub fn render_preview(state: &AppState, page: ArticlePage) -> Result<HttpResponse, AppError> {
    render_article(state, page, true)
}

fn render_article(
    state: &AppState,
    page: ArticlePage,
    preview: bool,
) -> Result<HttpResponse, AppError> {
    let article = &page.article;
    let path = format!("/article/{}", article.slug);
    let published = article.published_at.unwrap_or(article.created_at);
    let mut meta = article_meta(state, &page, &path, &published);
    if preview {
        meta = meta.noindex();
    }
    let preview = preview.then(|| article.status.label());
    let last_modified = article.updated_at.max(published);
    let updated = (article.updated_at - published > TimeDelta::minutes(10)).then(|| {
        (
            state.config.time_zone.long_date_time(&article.updated_at),
            dates::iso(&article.updated_at),
        )
    });
    let share_links = share_links(&meta.canonical_url, &article.headline);
    let hero = HeroImage::from_columns(
        article.hero_image_url.clone(),
        article.hero_image_alt.clone(),
        article.hero_image_width,
        article.hero_image_height,
    );
    let shows = Shows::new([
        Dependency::Article(article.id),
        Dependency::Section(article.section_id),
    ])
    .articles(
        page.related
            .iter()
            .chain(&page.more_from_author)
            .chain(&page.latest_in_section)
            .chain(&page.most_read)
            .map(|card| card.id),
    )
    .counting_views_of(article.id)
    // "Most read" follows view counts, which may lag a minute; content never does.
    .short_lived();
    let shows = page.authors.iter().fold(shows, |shows, author| {
        shows.with(Dependency::Author(author.id))
    });
    let response = render_page(&ArticleTemplate {
        layout: state.layout(Some(&page.section.slug)),
        meta,
        hero,
        published_label: state.config.time_zone.long_date_time(&published),
        published_iso: dates::iso(&published),
        updated,
        share_links,
        page,
        preview,
    })?;
    if preview.is_some() {
        return Ok(response);
    }
    Ok(shows.attach(with_last_modified(response, &last_modified)))
}

/// Head metadata of a story: Open Graph article properties, the hero image as the sharing
/// image, the section feed, and NewsArticle and BreadcrumbList structured data.
fn article_meta(
    state: &AppState,
    page: &ArticlePage,
    path: &str,
    published: &chrono::NaiveDateTime,
) -> PageMeta {
    let article = &page.article;
    let section_url = state.absolute(&format!("/section/{}", page.section.slug));
    let hero_variants = match (
        &article.hero_image_url,
        article.hero_image_width,
        article.hero_image_height,
    ) {
        (Some(url), Some(width), Some(height)) => media::hero_variants(url, width, height),
        _ => Vec::new(),
    };
    // The editor's SEO overrides, when set, are what search results and shares show.
    let title = if article.seo_title.is_empty() {
        &article.headline
    } else {
        &article.seo_title
    };
    let standfirst = descriptions::for_article(&article.dek, &article.body_markdown);
    let description = if article.seo_description.is_empty() {
        &standfirst
    } else {
        &article.seo_description
    };
    let mut meta = state.meta(title, description, path);
    if let Some(original) = hero_variants.first() {
        meta = meta.with_image(SocialImage {
            url: state.absolute(&original.url),
            width: original.width,
            height: original.height,
            alt: article.hero_image_alt.clone(),
        });
    }
    // Without a hero of its own, the article shows the site image's shapes (og:image already
    // names its 16:9 one): Google wants an image for every article.
    let images = if hero_variants.is_empty() {
        state.site_image.shapes.clone()
    } else {
        hero_variants
    };
    let modified = article.updated_at.max(*published);
    let tag_names: Vec<String> = page.tags.iter().map(|t| t.name.clone()).collect();
    let news_article = structured_data::news_article(
        &structured_data::NewsArticle {
            url: &meta.canonical_url,
            headline: &article.headline,
            description: &standfirst,
            images: images
                .into_iter()
                .map(|image| media::ImageVariant {
                    url: state.absolute(&image.url),
                    ..image
                })
                .collect(),
            date_published: dates::iso(published),
            date_modified: dates::iso(&modified),
            authors: page
                .authors
                .iter()
                .map(|a| structured_data::Person {
                    name: a.name.clone(),
                    url: state.absolute(&format!("/author/{}", a.slug)),
                })
                .collect(),
            section: &page.section.name,
            keywords: tag_names.clone(),
            word_count: article.word_count,
        },
        &state.publisher(),
    );
    let breadcrumbs = structured_data::breadcrumbs(&[
        (&state.config.site_name, &state.absolute("/")),
        (&page.section.name, &section_url),
        (&article.headline, &meta.canonical_url),
    ]);
    meta.with_article(ArticleMeta {
        published_time: dates::iso(published),
        modified_time: dates::iso(&modified),
        section: page.section.name.clone(),
        tags: tag_names,
    })
    .with_feed(
        format!("{}: {}", state.config.site_name, page.section.name),
        format!("{section_url}/feed.xml"),
    )
    .with_json_ld(news_article)
    .with_json_ld(breadcrumbs)
}

fn share_links(url: &str, headline: &str) -> Vec<ShareLink> {
    let encode = |pairs: &[(&str, &str)]| serde_urlencoded::to_string(pairs).unwrap_or_default();
    vec![
        ShareLink {
            label: "X",
            url: format!(
                "https://x.com/intent/post?{}",
                encode(&[("url", url), ("text", headline)])
            ),
        },
        ShareLink {
            label: "Facebook",
            url: format!(
                "https://www.facebook.com/sharer/sharer.php?{}",
                encode(&[("u", url)])
            ),
        },
        ShareLink {
            label: "LinkedIn",
            url: format!(
                "https://www.linkedin.com/sharing/share-offsite/?{}",
                encode(&[("url", url)])
            ),
        },
        ShareLink {
            label: "Email",
            // mailto wants %20 for spaces, not the form encoding's "+".
            url: format!(
                "mailto:?{}",
                encode(&[("subject", headline), ("body", url)]).replace('+', "%20")
            ),
        },
    ]
}
