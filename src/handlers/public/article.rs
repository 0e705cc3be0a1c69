//! `/article/{slug}`: the story page. Old slugs redirect permanently to the current one.

use actix_web::http::header::{LOCATION, USER_AGENT};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;

use crate::dates;
use crate::db;
use crate::error::AppError;
use crate::handlers::render_page;
use crate::layout::{Layout, PageMeta};
use crate::state::AppState;
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
}

pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let lookup = db::run(&state.pool, move |conn| {
        Ok(ArticlePage::lookup(conn, &slug)?)
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

    let user_agent = request
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok());
    state.readership.record(page.article.id, user_agent);
    render_article(&state, page)
}

fn render_article(state: &AppState, page: ArticlePage) -> Result<HttpResponse, AppError> {
    let article = &page.article;
    let path = format!("/article/{}", article.slug);
    let meta = state.meta(&article.headline, &article.dek, &path);
    let published = article.published_at.unwrap_or(article.created_at);
    let updated = (article.updated_at - published > TimeDelta::minutes(10)).then(|| {
        (
            dates::long_date_time(&article.updated_at),
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
    render_page(&ArticleTemplate {
        layout: state.layout(Some(&page.section.slug)),
        meta,
        hero,
        published_label: dates::long_date_time(&published),
        published_iso: dates::iso(&published),
        updated,
        share_links,
        page,
    })
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
