//! `/section/{slug}`: a section's front, newest first, 20 a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::error::AppError;
use crate::handlers::render_page;
use crate::layout::{Layout, PageMeta};
use crate::models::Section;
use crate::pagination::{PER_PAGE, PageQuery, Pagination};
use crate::state::AppState;
use crate::structured_data;
use crate::views::{ArticleCard, Listing};

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
    let (section, articles, pagination) = db::run(&state.pool, move |conn| {
        let section = Section::find_by_slug(conn, &slug)?;
        let listing = Listing::InSection(section.id);
        let total = ArticleCard::count(conn, &listing)?;
        let pagination = Pagination::new(page, total, &format!("/section/{}", section.slug))?;
        let articles = ArticleCard::list(conn, &listing, None, PER_PAGE, pagination.offset())?;
        Ok((section, articles, pagination))
    })
    .await?;

    let title = if pagination.page > 1 {
        format!("{} – page {}", section.name, pagination.page)
    } else {
        section.name.clone()
    };
    let meta = state.meta(&title, &section.description, &pagination.current_path());
    let canonical_url = meta.canonical_url.clone();
    let section_url = state.absolute(&format!("/section/{}", section.slug));
    let meta = meta
        .with_feed(
            format!("{}: {}", state.config.site_name, section.name),
            format!("{section_url}/feed.xml"),
        )
        .with_json_ld(structured_data::collection_page(
            &section.name,
            &section.description,
            &canonical_url,
        ))
        .with_json_ld(structured_data::breadcrumbs(&[
            (&state.config.site_name, &state.absolute("/")),
            (&section.name, &section_url),
        ]));
    render_page(&SectionTemplate {
        layout: state.layout(Some(&section.slug)),
        meta,
        section,
        articles,
        pagination,
    })
}
