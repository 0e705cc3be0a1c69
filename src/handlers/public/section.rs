//! `/section/{slug}`: a section's front, newest first, 20 a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::handlers::{listing_shows, render_page};
use crate::layout::{Layout, PageMeta};
use crate::models::Listing;
use crate::models::Section;
use crate::pagination::{PageQuery, Pagination};
use crate::state::AppState;
use crate::structured_data;
use crate::views::ArticleCard;
use crate::views::listing_page::ListingPage;

#[derive(Template)]
#[template(path = "public/section.html")]
pub struct SectionTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub section: Section,
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
    let (section, listing) = db::run(&state.pool, move |conn| {
        let section = Section::find_by_slug(conn, &slug)?;
        let path = format!("/section/{}", section.slug);
        let listing = ListingPage::load(conn, Listing::InSection(section.id), page, &path)?;
        Ok((section, listing))
    })
    .await?;

    let title = listing.title(&section.name);
    let description = listing.description(
        &section.description,
        ListingKind::Section,
        &section.name,
        &state.config.site_name,
    );
    let meta = state.meta(&title, &description, &listing.pagination.current_path());
    let canonical_url = meta.canonical_url.clone();
    let section_url = state.absolute(&format!("/section/{}", section.slug));
    let meta = meta
        .with_feed(
            format!("{}: {}", state.config.site_name, section.name),
            format!("{section_url}/feed.xml"),
        )
        .with_json_ld(structured_data::collection_page(
            &section.name,
            &description,
            &canonical_url,
        ))
        .with_json_ld(structured_data::breadcrumbs(&[
            (&state.config.site_name, &state.absolute("/")),
            (&section.name, &section_url),
        ]));
    let shows = listing_shows(Listing::InSection(section.id), &listing.articles);
    let page = render_page(&SectionTemplate {
        layout: state.layout(Some(&section.slug)),
        meta,
        section,
        articles: listing.articles,
        pagination: listing.pagination,
    })?;
    Ok(shows.attach(page))
}
