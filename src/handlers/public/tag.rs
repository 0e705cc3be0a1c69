//! `/tag/{slug}`: every published article with a tag, 20 a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::handlers::{listing_shows, render_page};
use crate::layout::{Layout, PageMeta};
use crate::models::Listing;
use crate::models::Tag;
use crate::pagination::{PageQuery, Pagination};
use crate::state::AppState;
use crate::views::ArticleCard;
use crate::views::listing_page::ListingPage;

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
    let (tag, listing) = db::run(&state.pool, move |conn| {
        let tag = Tag::find_by_slug(conn, &slug)?;
        let path = format!("/tag/{}", tag.slug);
        let listing = ListingPage::load(conn, Listing::Tagged(tag.id), page, &path)?;
        // A tag with no published article has no page.
        if listing.pagination.total_items == 0 {
            return Err(AppError::NotFound);
        }
        Ok((tag, listing))
    })
    .await?;

    let title = listing.title(&format!("Topic: {}", tag.name));
    let description = listing.description(
        &tag.description,
        ListingKind::Tag,
        &tag.name,
        &state.config.site_name,
    );
    let shows = listing_shows(Listing::Tagged(tag.id), &listing.articles);
    let page = render_page(&TagTemplate {
        layout: state.layout(None),
        meta: state
            .meta(&title, &description, &listing.pagination.current_path())
            .with_feed(
                format!("{}: {}", state.config.site_name, tag.name),
                state.absolute(&format!("/tag/{}/feed.xml", tag.slug)),
            ),
        tag,
        articles: listing.articles,
        pagination: listing.pagination,
    })?;
    Ok(shows.attach(page))
}
