//! The demo newsroom: sections, authors and articles written for this project, loaded into an
//! empty database so a fresh checkout serves a complete news site.

mod newsroom;
mod pages;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::dsl::exists;
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::editorial;
use crate::models::article::{ArticleInput, HeroImageInput};
use crate::models::page::{Page, PageInput, PageRevision, PageStatus};
use crate::models::{ArticleStatus, Author, NewAuthor, NewSection, Section};
use crate::schema::{articles, sections};

use crate::illustrations::{ILLUSTRATIONS, SIZE};
use newsroom::{ARTICLES, AUTHORS, DemoArticle, SECTIONS};

/// Every piece of text the demo newsroom contains, for the synthetic generator's vocabulary.
pub fn all_text() -> impl Iterator<Item = String> {
    ARTICLES
        .iter()
        .enumerate()
        .flat_map(|(index, a)| {
            [
                a.headline.to_string(),
                a.dek.to_string(),
                newsroom::body_for(index, a),
            ]
        })
        .chain(AUTHORS.iter().map(|a| a.bio.to_string()))
}

/// True when the database holds no section and no article: the only state the demo fills.
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    // Existence, not counts: start-up asks, and counting reads every row of a large archive.
    let any_section: bool =
        diesel::select(exists(sections::table.select(sections::id))).get_result(conn)?;
    let any_article: bool =
        diesel::select(exists(articles::table.select(articles::id))).get_result(conn)?;
    Ok(!any_section && !any_article)
}

/// Loads the demo newsroom in one transaction, with publication dates spread over the months
/// before `now`. Returns the number of articles created. The articles are saved as the
/// editor's saves are, through the change path as one bulk load (it runs before the server
/// caches any page, so the effects outside the database are dropped).
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut changes = ChangeSet::bulk(now);
    crate::db::write_transaction(conn, |conn| {
        let mut section_ids = Vec::new();
        for (position, section) in SECTIONS.iter().enumerate() {
            let created = Section::insert(
                conn,
                &NewSection {
                    name: section.name,
                    slug: section.slug,
                    description: section.description,
                    position: position as i32,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            section_ids.push((section.slug, created.id));
        }

        let mut author_ids = Vec::new();
        for author in AUTHORS {
            let avatar = format!("/static/img/authors/{}.svg", author.slug);
            let created = Author::insert(
                conn,
                &NewAuthor {
                    name: author.name,
                    slug: author.slug,
                    job_title: author.job_title,
                    bio: author.bio,
                    avatar_url: Some(&avatar),
                    x_handle: Some(author.x_handle),
                    email: Some(author.email),
                    mastodon_url: author.mastodon_url,
                    created_at: now,
                    updated_at: now,
                    ..NewAuthor::default()
                },
            )?;
            author_ids.push(created.id);
        }

        let mut seen_in_section = vec![0; SECTIONS.len()];
        for (index, article) in ARTICLES.iter().enumerate() {
            let section_index = SECTIONS
                .iter()
                .position(|s| s.slug == article.section)
                .expect("every demo article names a demo section");
            let section_id = section_ids[section_index].1;
            // Interleave the sections in time, so the front page mixes them as a real day does.
            let age_rank = seen_in_section[section_index] * SECTIONS.len() + section_index;
            seen_in_section[section_index] += 1;
            let input = demo_input(index, age_rank, article, section_id, &author_ids, now);
            editorial::store(
                conn,
                &mut changes,
                None,
                &input,
                input.published_at.unwrap_or(now),
            )?;
        }
        add_pages(conn, now)?;
        changes.record(conn, Change::ArchiveLoaded)?;
        Ok(ARTICLES.len())
    })
}

/// The demo's About, Contact, Corrections and Privacy pages, published and in the footer menu.
fn add_pages(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<()> {
    let mut menu = Vec::new();
    for (place, page) in pages::PAGES.iter().enumerate() {
        let input = PageInput {
            title: page.title.into(),
            slug: page.slug.into(),
            body_markdown: page.body.into(),
            body_html: crate::markdown::render(page.body).html,
            seo_title: String::new(),
            seo_description: page.seo_description.into(),
            status: PageStatus::Published,
        };
        let id = Page::create(conn, &input, now)?;
        PageRevision::record(conn, id, None, &input, now)?;
        menu.push((id, Some(place as i32 + 1)));
    }
    Page::set_menu(conn, &menu)
}

/// Publication time of the article ranked `age_rank` (0 = newest): roughly one and a half days
/// apart with varying hours, so the archive spans about four months.
fn published_at(age_rank: usize, now: NaiveDateTime) -> NaiveDateTime {
    let rank = age_rank as i64;
    let hours_back = rank * 34 + (rank * 7) % 11 + 1;
    now - TimeDelta::hours(hours_back)
}

fn demo_input(
    index: usize,
    age_rank: usize,
    article: &DemoArticle,
    section_id: i32,
    author_ids: &[i32],
    now: NaiveDateTime,
) -> ArticleInput {
    let image = &ILLUSTRATIONS[article.image];
    let (status, published_at) = match article.stage {
        newsroom::Stage::Published => (ArticleStatus::Published, Some(published_at(age_rank, now))),
        newsroom::Stage::Draft => (ArticleStatus::Draft, None),
        newsroom::Stage::Scheduled => (ArticleStatus::Scheduled, Some(now + TimeDelta::days(2))),
    };
    ArticleInput {
        headline: article.headline.to_string(),
        slug: String::new(),
        dek: article.dek.to_string(),
        body_markdown: newsroom::body_for(index, article),
        hero_image: Some(HeroImageInput {
            url: image.url(),
            alt: image.alt.to_string(),
            caption: article.caption.to_string(),
            credit: "Illustration: Gazette Studio".to_string(),
            width: SIZE.0,
            height: SIZE.1,
        }),
        section_id,
        status,
        is_featured: index.is_multiple_of(9),
        published_at,
        author_ids: article.authors.iter().map(|&i| author_ids[i]).collect(),
        tags: article.tags.iter().map(|t| t.to_string()).collect(),
        seo_title: String::new(),
        seo_description: String::new(),
        prerendered: None,
    }
}
