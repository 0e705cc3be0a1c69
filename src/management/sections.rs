//! Sections: unique addresses, whole-number positions, and a section that still has articles
//! is deleted only by moving them to another section in the same step.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::forms::{FieldError, slug_from};
use crate::models::{Article, NewSection, Section, audit};

/// A section as typed in the admin form.
#[derive(Debug, Clone, Copy)]
pub struct SectionDraft<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub position: &'a str,
}

fn check(
    conn: &mut DbConnection,
    draft: &SectionDraft,
    id: Option<i32>,
) -> QueryResult<Result<(String, String, i32), Vec<FieldError>>> {
    let mut errors = Vec::new();
    let name = draft.name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Give the section a name."));
    }
    let slug = slug_from(draft.slug, &name);
    let taken = Section::id_for_slug(conn, &slug)?;
    if !name.is_empty() && (slug.is_empty() || taken.is_some_and(|other| Some(other) != id)) {
        errors.push(FieldError::new(
            "slug",
            format!("The address /section/{slug} is already used or empty."),
        ));
    }
    let position = match draft.position.trim() {
        "" => 0,
        raw => raw.parse::<i32>().unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "position",
                "The position is a whole number.",
            ));
            0
        }),
    };
    Ok(if errors.is_empty() {
        Ok((name, slug, position))
    } else {
        Err(errors)
    })
}

/// Creates (`id` None) or updates a section.
pub fn save(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: Option<i32>,
    draft: &SectionDraft,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let (name, slug, position) = match check(conn, draft, id)? {
        Ok(values) => values,
        Err(errors) => return Ok(Err(errors)),
    };
    let values = NewSection {
        name: &name,
        slug: &slug,
        description: draft.description.trim(),
        position,
        created_at: now,
        updated_at: now,
    };
    let id = match id {
        Some(id) => {
            Section::find(conn, id)?;
            Section::update(conn, id, &values)?;
            id
        }
        None => Section::insert(conn, &values)?.id,
    };
    changes.record(conn, Change::SectionSaved { id })?;
    audit::record(conn, now, Some(user_id), "section.save", &slug, &name, "")?;
    Ok(Ok(()))
}

/// Deletes a section; its articles, if any, move to `move_to` first.
pub fn delete(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: i32,
    move_to: Option<i32>,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let section = Section::find(conn, id)?;
    let articles = Article::ids_in_section(conn, id)?;
    let target = move_to
        .filter(|target| *target != id)
        .map(|target| Section::find(conn, target).optional())
        .transpose()?
        .flatten();
    if !articles.is_empty() && target.is_none() {
        return Ok(Err(vec![FieldError::new(
            "move_to",
            format!(
                "“{}” still has {} articles: choose a section to move them to.",
                section.name,
                articles.len()
            ),
        )]));
    }
    let moved_to = target.map(|t| t.id);
    if let Some(target) = moved_to {
        Article::move_section(conn, id, target)?;
    }
    Section::delete(conn, id)?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "section.delete",
        &section.slug,
        &format!("{} articles moved", articles.len()),
        "",
    )?;
    changes.record(
        conn,
        Change::SectionDeleted {
            id,
            moved_to,
            articles,
        },
    )?;
    Ok(Ok(()))
}
