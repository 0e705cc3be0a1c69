//! `/{slug}`: a published standalone page (About, Contact, Privacy, …).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::changes::Dependency;
use crate::db;
use crate::descriptions;
use crate::error::AppError;
use crate::handlers::render_page;
use crate::layout::{Layout, PageMeta};
use crate::models::page::Page;
use crate::page_cache::Shows;
use crate::state::AppState;
use crate::structured_data;

#[derive(Template)]
#[template(path = "public/page.html")]
pub struct PageTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub page: Page,
}

pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let page = db::run(&state.pool, move |conn| {
        Page::published_by_slug(conn, &slug)?.ok_or(AppError::NotFound)
    })
    .await?;
    let title = if page.seo_title.is_empty() {
        &page.title
    } else {
        &page.seo_title
    };
    let description = if page.seo_description.is_empty() {
        descriptions::for_article("", &page.body_markdown)
    } else {
        page.seo_description.clone()
    };
    let url = state.absolute(&page.path());
    let home = state.absolute("/");
    let meta = state
        .meta(title, &description, &page.path())
        .with_json_ld(structured_data::web_page(&page.title, &description, &url))
        .with_json_ld(structured_data::breadcrumbs(&[
            (state.config.site_name.as_str(), home.as_str()),
            (page.title.as_str(), url.as_str()),
        ]));
    let shows = Shows::new([Dependency::Page(page.id)]);
    let rendered = render_page(&PageTemplate {
        layout: state.layout(None),
        meta,
        page,
    })?;
    Ok(shows.attach(rendered))
}
