//! The article form checked field by field and resolved into what the models store: a unique
//! address, a real section, known authors, a hero from the library with its alt text, pinned
//! articles that exist.

use diesel::prelude::*;

use super::form::{ArticleForm, split_list};
use crate::db::DbConnection;
use crate::forms::FieldError;
use crate::illustrations::{self, Illustration};
use crate::models::article::{ArticleInput, HeroImageInput};
use crate::models::media_item::MediaItem;
use crate::models::{Article, ArticleStatus, Author, Section};

/// The form checked and resolved into what the models store.
pub(super) struct Checked {
    pub(super) input: ArticleInput,
    pub(super) pinned_ids: Vec<i32>,
}

pub(super) fn check(
    conn: &mut DbConnection,
    form: &ArticleForm,
    existing: Option<&Article>,
) -> QueryResult<Result<Checked, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let mut fail =
        |field: &'static str, message: String| errors.push(FieldError { field, message });

    let headline = form.headline.trim();
    if headline.is_empty() {
        fail("headline", "Every article needs a headline.".into());
    } else if headline.chars().count() > 200 {
        fail("headline", "Keep the headline under 200 characters.".into());
    }
    let slug = slug::slugify(if form.slug.trim().is_empty() {
        headline
    } else {
        form.slug.trim()
    });
    if !headline.is_empty() && slug.is_empty() {
        fail(
            "slug",
            "The address needs at least one letter or digit.".into(),
        );
    }
    if !slug.is_empty() {
        let taken = Article::id_for_slug(conn, &slug)?;
        // Another article's former address keeps redirecting to it: it is not free either.
        let former = Article::former_owner_of(conn, &slug)?;
        let someone_else = |id: i32| existing.is_none_or(|a| a.id != id);
        if taken.is_some_and(someone_else) || former.is_some_and(someone_else) {
            fail(
                "slug",
                format!("Another article already uses the address /article/{slug}."),
            );
        }
    }
    let section_id = match form.section_id.trim().parse::<i32>().ok() {
        Some(id) if Section::find(conn, id).optional()?.is_some() => id,
        _ => {
            fail(
                "section_id",
                "Choose the section this article belongs to.".into(),
            );
            0
        }
    };
    let mut author_ids = Vec::new();
    let mut unknown_author = false;
    for author_slug in split_list(&form.authors) {
        match Author::id_for_slug(conn, &author_slug)? {
            Some(id) if !author_ids.contains(&id) => author_ids.push(id),
            Some(_) => {}
            None => {
                unknown_author = true;
                fail("authors", format!("There is no author \"{author_slug}\"."));
            }
        }
    }
    if author_ids.is_empty() && !unknown_author {
        fail("authors", "Credit at least one author.".into());
    }
    let tags = split_list(&form.tags);
    if tags.iter().any(|t| t.chars().count() > 60) {
        fail("tags", "Keep each tag under 60 characters.".into());
    }
    let hero_image = match form.hero_image_url.trim() {
        "" => None,
        url => {
            // The image's own description, from the library, for the fields left empty.
            let found = match Illustration::at(url) {
                Some(image) => Some((illustrations::SIZE, [image.alt, "", ""].map(String::from))),
                None => MediaItem::find_by_url(conn, url)?.map(|item| {
                    (
                        (item.width, item.height),
                        [item.alt, item.caption, item.credit],
                    )
                }),
            };
            match found {
                Some(((width, height), [alt, caption, credit])) => {
                    let or_library = |typed: &str, stored: String| match typed.trim() {
                        "" => stored,
                        typed => typed.to_string(),
                    };
                    let alt = or_library(&form.hero_image_alt, alt);
                    if alt.trim().is_empty() {
                        fail(
                            "hero_image_alt",
                            "Describe the image for readers who cannot see it.".into(),
                        );
                    }
                    Some(HeroImageInput {
                        url: url.to_string(),
                        alt,
                        caption: or_library(&form.hero_image_caption, caption),
                        credit: or_library(&form.hero_image_credit, credit),
                        width,
                        height,
                    })
                }
                None => {
                    fail("hero_image_url", "Choose an image from the library.".into());
                    None
                }
            }
        }
    };
    if form.seo_title.chars().count() > 110 {
        fail(
            "seo_title",
            "Search engines show about 60 characters; keep it under 110.".into(),
        );
    }
    if form.seo_description.chars().count() > 300 {
        fail(
            "seo_description",
            "Keep the description under 300 characters.".into(),
        );
    }
    let mut pinned_ids = Vec::new();
    for pinned_slug in split_list(&form.pinned) {
        let found = Article::id_for_slug(conn, &pinned_slug)?;
        match found {
            Some(id) if existing.is_some_and(|a| a.id == id) => {
                fail("pinned", "An article cannot be related to itself.".into())
            }
            Some(id) if !pinned_ids.contains(&id) => pinned_ids.push(id),
            Some(_) => {}
            None => fail(
                "pinned",
                format!("There is no article at /article/{pinned_slug}."),
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(Checked {
        input: ArticleInput {
            headline: headline.to_string(),
            slug,
            dek: form.dek.trim().to_string(),
            body_markdown: form.body_markdown.clone(),
            hero_image,
            section_id,
            status: ArticleStatus::Draft,
            is_featured: existing.is_some_and(|a| a.is_featured),
            published_at: existing.and_then(|a| a.published_at),
            author_ids,
            tags,
            seo_title: form.seo_title.clone(),
            seo_description: form.seo_description.clone(),
            prerendered: None,
        },
        pinned_ids,
    }))
}
