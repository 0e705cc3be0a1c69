//! `/author/{slug}`: an author's profile and their articles, 20 a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::handlers::{listing_shows, render_page};
use crate::layout::{Layout, PageMeta};
use crate::models::Author;
use crate::models::Listing;
use crate::models::author::SocialLink;
use crate::pagination::{PageQuery, Pagination};
use crate::state::AppState;
use crate::structured_data;
use crate::views::ArticleCard;
use crate::views::listing_page::ListingPage;

#[derive(Template)]
#[template(path = "public/author.html")]
pub struct AuthorTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub author: Author,
    pub social_links: Vec<SocialLink>,
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
    let (author, listing) = db::run(&state.pool, move |conn| {
        let author = Author::find_by_slug(conn, &slug)?;
        let path = format!("/author/{}", author.slug);
        let listing = ListingPage::load(conn, Listing::ByAuthor(author.id), page, &path)?;
        Ok((author, listing))
    })
    .await?;

    let title = listing.title(&author.name);
    let description = listing.description(
        &author.bio,
        ListingKind::Author {
            job_title: &author.job_title,
        },
        &author.name,
        &state.config.site_name,
    );
    let social_links = author.social_links();
    let author_url = state.absolute(&format!("/author/{}", author.slug));
    let meta = state
        .meta(&title, &description, &listing.pagination.current_path())
        .with_og_type("profile")
        .with_feed(
            format!("{}: articles by {}", state.config.site_name, author.name),
            format!("{author_url}/feed.xml"),
        )
        .with_json_ld(structured_data::profile_page(&structured_data::Profile {
            url: &author_url,
            name: &author.name,
            job_title: &author.job_title,
            description: &author.bio,
            image: state.absolute(author.avatar()),
            same_as: social_links
                .iter()
                .filter(|link| link.url.starts_with("http"))
                .map(|link| link.url.clone())
                .collect(),
        }));
    let shows = listing_shows(Listing::ByAuthor(author.id), &listing.articles);
    let page = render_page(&AuthorTemplate {
        layout: state.layout(None),
        meta,
        social_links,
        author,
        articles: listing.articles,
        pagination: listing.pagination,
    })?;
    Ok(shows.attach(page))
}
