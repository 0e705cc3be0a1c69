//! Standalone pages: unique addresses that no route shadows, a revision for every save, a
//! save that would overwrite someone else's newer one refused, and the footer menu's order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::forms::{FieldError, slug_from};
use crate::markdown;
use crate::models::audit;
use crate::models::page::{MenuLink, Page, PageInput, PageRevision, PageStatus};
use crate::routes::RESERVED_FIRST_SEGMENTS;

/// Longest title the form takes.
const MAX_TITLE_CHARS: usize = 200;
/// Longest SEO description: search engines show about 160 characters.
const MAX_DESCRIPTION_CHARS: usize = 300;

/// A page as typed in the admin form.
#[derive(Debug, Clone, Copy)]
pub struct PageDraft<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub body: &'a str,
    pub seo_title: &'a str,
    pub seo_description: &'a str,
    pub status: &'a str,
    /// The number of the revision the form was opened on (empty for a new page): a save over
    /// a newer one is refused with the typed text kept.
    pub version: &'a str,
}

fn check(
    conn: &mut DbConnection,
    draft: &PageDraft,
    existing: Option<&Page>,
) -> QueryResult<Result<PageInput, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let title = draft.title.trim().to_string();
    if title.is_empty() {
        errors.push(FieldError::new("title", "Every page needs a title."));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new(
            "title",
            "Keep the title under 200 characters.",
        ));
    }
    let slug = slug_from(draft.slug, &title);
    if RESERVED_FIRST_SEGMENTS.contains(&slug.as_str()) {
        errors.push(FieldError::new(
            "slug",
            format!("/{slug} is one of the site's own addresses: choose another."),
        ));
    } else if !title.is_empty() && slug.is_empty() {
        errors.push(FieldError::new(
            "slug",
            "The address needs at least one letter or digit.",
        ));
    } else if Page::id_for_slug(conn, &slug)?.is_some_and(|id| existing.is_none_or(|p| p.id != id))
    {
        errors.push(FieldError::new(
            "slug",
            format!("Another page already uses the address /{slug}."),
        ));
    }
    if draft.seo_description.trim().chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(FieldError::new(
            "seo_description",
            "Keep the description under 300 characters (search engines show about 160).",
        ));
    }
    let Some(status) = PageStatus::parse(draft.status) else {
        errors.push(FieldError::new("status", "Choose draft or published."));
        return Ok(Err(errors));
    };
    if let Some(page) = existing
        && draft.version.trim() != PageRevision::latest_number(conn, page.id)?.to_string()
    {
        errors.push(FieldError::new(
            "version",
            "Someone else saved this page after you opened it. Your text is below; open the page \
             again in another tab to see theirs before saving.",
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let body = markdown::render(draft.body);
    Ok(Ok(PageInput {
        title,
        slug,
        body_markdown: draft.body.to_string(),
        body_html: body.html,
        seo_title: draft.seo_title.trim().to_string(),
        seo_description: draft.seo_description.trim().to_string(),
        status,
    }))
}

/// Creates (`id` None) or updates a page and stores the save as its next revision.
pub fn save(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: Option<i32>,
    draft: &PageDraft,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<Result<i32, Vec<FieldError>>, AppError> {
    let existing = id.map(|id| Page::find(conn, id)).transpose()?;
    let input = match check(conn, draft, existing.as_ref())? {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    let menu_before = Page::menu(conn)?;
    let id = match id {
        Some(id) => {
            Page::update(conn, id, &input, now)?;
            id
        }
        None => Page::create(conn, &input, now)?,
    };
    PageRevision::record(conn, id, Some(user_id), &input, now)?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "page.save",
        &input.slug,
        &input.title,
        "",
    )?;
    let menu_changed = Page::menu(conn)? != menu_before;
    changes.record(conn, Change::PageSaved { id, menu_changed })?;
    Ok(Ok(id))
}

/// Deletes a page with its revisions.
pub fn delete(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let page = Page::find(conn, id)?;
    let menu_before = Page::menu(conn)?;
    Page::delete(conn, id)?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "page.delete",
        &page.slug,
        &page.title,
        "",
    )?;
    let menu_changed = Page::menu(conn)? != menu_before;
    changes.record(conn, Change::PageSaved { id, menu_changed })?;
    Ok(())
}

/// Sets the footer menu: `positions` pairs a page with its typed place (empty: not in the
/// menu). Every typed place must be a whole number.
pub fn set_menu(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    positions: &[(i32, String)],
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let mut parsed = Vec::with_capacity(positions.len());
    for (id, typed) in positions {
        let position = match typed.trim() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    return Ok(Err(vec![FieldError::new(
                        "menu",
                        format!(
                            "“{raw}” is not a whole number: leave the place empty to keep a page out of the menu."
                        ),
                    )]));
                }
            },
        };
        parsed.push((*id, position));
    }
    let before: Vec<MenuLink> = Page::menu(conn)?;
    Page::set_menu(conn, &parsed)?;
    if Page::menu(conn)? != before {
        for (id, _) in &parsed {
            changes.record(
                conn,
                Change::PageSaved {
                    id: *id,
                    menu_changed: true,
                },
            )?;
        }
    }
    Ok(Ok(()))
}
