//! `/tag/{slug}`: every published article with a tag, 20 a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::error::AppError;
use crate::handlers::render_page;
use crate::layout::{Layout, PageMeta};
use crate::models::Tag;
use crate::pagination::{PER_PAGE, PageQuery, Pagination};
use crate::state::AppState;
use crate::views::{ArticleCard, Listing};

#[derive(Template)]
#[template(path = "public/tag.html")]
pub struct TagTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub tag: Tag,
    pub articles: Vec<ArticleCard>,
    pub pagination: Pagination,
}

pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = query.number()?;
    let slug = slug.into_inner();
    let (tag, articles, pagination) = db::run(&state.pool, move |conn| {
        let tag = Tag::find_by_slug(conn, &slug)?;
        let listing = Listing::Tagged(tag.id);
        let total = ArticleCard::count(conn, &listing)?;
        // A tag with no published article has no page.
        if total == 0 {
            return Err(AppError::NotFound);
        }
        let pagination = Pagination::new(page, total, &format!("/tag/{}", tag.slug))?;
        let articles = ArticleCard::list(conn, &listing, None, PER_PAGE, pagination.offset())?;
        Ok((tag, articles, pagination))
    })
    .await?;

    let title = if pagination.page > 1 {
        format!("Topic: {} – page {}", tag.name, pagination.page)
    } else {
        format!("Topic: {}", tag.name)
    };
    let description = format!("The latest articles tagged {}.", tag.name);
    render_page(&TagTemplate {
        layout: state.layout(None),
        meta: state
            .meta(&title, &description, &pagination.current_path())
            .with_feed(
                format!("{}: {}", state.config.site_name, tag.name),
                state.absolute(&format!("/tag/{}/feed.xml", tag.slug)),
            ),
        tag,
        articles,
        pagination,
    })
}
