//! Authors: byline profiles with unique addresses and real links; an author with bylines is
//! not deleted. A renamed author's articles are re-indexed (names are searchable).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::forms::{FieldError, optional, slug_from};
use crate::models::author::AuthorProfile;
use crate::models::{Author, audit};

/// A profile as typed in the admin form.
#[derive(Debug, Clone, Copy)]
pub struct AuthorDraft<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub job_title: &'a str,
    pub bio: &'a str,
    pub website_url: &'a str,
    pub email: &'a str,
    pub x_handle: &'a str,
    pub mastodon_url: &'a str,
    pub linkedin_url: &'a str,
}

fn check(
    conn: &mut DbConnection,
    draft: &AuthorDraft,
    id: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<Result<AuthorProfile, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Give the author a name."));
    }
    let slug = slug_from(draft.slug, name);
    let taken = Author::id_for_slug(conn, &slug)?;
    if !name.is_empty() && (slug.is_empty() || taken.is_some_and(|other| Some(other) != id)) {
        errors.push(FieldError::new(
            "slug",
            format!("The address /author/{slug} is already used or empty."),
        ));
    }
    for (field, value) in [
        ("website_url", draft.website_url),
        ("mastodon_url", draft.mastodon_url),
        ("linkedin_url", draft.linkedin_url),
    ] {
        let value = value.trim();
        let is_link = value.starts_with("https://") || value.starts_with("http://");
        if !value.is_empty() && !is_link {
            errors.push(FieldError::new(field, "Links start with https://"));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(AuthorProfile {
        name: name.to_string(),
        slug,
        job_title: draft.job_title.trim().to_string(),
        bio: draft.bio.trim().to_string(),
        website_url: optional(draft.website_url),
        email: optional(draft.email),
        x_handle: optional(draft.x_handle),
        mastodon_url: optional(draft.mastodon_url),
        linkedin_url: optional(draft.linkedin_url),
        updated_at: now,
    }))
}

/// Creates (`id` None) or updates an author's profile.
pub fn save(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: Option<i32>,
    draft: &AuthorDraft,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let profile = match check(conn, draft, id, now)? {
        Ok(profile) => profile,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(id) = id {
        Author::find(conn, id)?;
    }
    let id = Author::save_profile(conn, id, &profile)?;
    let articles = Author::article_ids(conn, id)?;
    changes.record(conn, Change::AuthorSaved { id, articles })?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "author.save",
        &profile.slug,
        &profile.name,
        "",
    )?;
    Ok(Ok(()))
}

/// Deletes an author who has no bylines.
pub fn delete(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let author = Author::find(conn, id)?;
    let bylines = Author::article_ids(conn, id)?.len();
    if bylines > 0 {
        return Ok(Err(vec![FieldError::new(
            "delete",
            format!(
                "{} has {bylines} bylines: credit those articles to someone else first.",
                author.name
            ),
        )]));
    }
    Author::delete(conn, id)?;
    changes.record(conn, Change::AuthorDeleted { id })?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "author.delete",
        &author.slug,
        &author.name,
        "",
    )?;
    Ok(Ok(()))
}
