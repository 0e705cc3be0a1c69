//! `/`: the front page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::changes::Dependency;
use crate::db;
use crate::error::AppError;
use crate::layout::{Layout, PageMeta};
use crate::page_cache::Shows;
use crate::state::AppState;
use crate::structured_data;
use crate::views::front_page::FrontPage;

#[derive(Template)]
#[template(path = "public/home.html")]
pub struct HomeTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub page: FrontPage,
}

pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let sections = state.navigation();
    let most_read = state.readership.most_read();
    let page = db::run(&state.pool, move |conn| {
        Ok(FrontPage::load(conn, &sections, &most_read)?)
    })
    .await?;
    render_home(&state, page)
}

fn render_home(state: &AppState, page: FrontPage) -> Result<HttpResponse, AppError> {
    let description = format!(
        "{}: {}",
        state.config.site_name, state.config.site_description
    );
    let shown = page
        .lead
        .iter()
        .chain(&page.top_stories)
        .chain(&page.latest)
        .chain(page.section_blocks.iter().flat_map(|block| &block.articles))
        .chain(&page.most_read)
        .map(|card| card.id)
        .collect::<Vec<_>>();
    // "Most read" follows view counts, which may lag a minute; content never does.
    let shows = Shows::new([Dependency::Home]).articles(shown).short_lived();
    let response = crate::handlers::render_page(&HomeTemplate {
        layout: state.layout(None),
        meta: state
            .meta("", &description, "/")
            .with_json_ld(structured_data::website(
                &state.config.site_name,
                &state.config.base_url,
                &state.publisher(),
            )),
        page,
    })?;
    Ok(shows.attach(response))
}
