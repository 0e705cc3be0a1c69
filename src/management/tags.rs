//! Tags: renamed or deleted by editors; their articles' search entries follow through the
//! change path.

use chrono::NaiveDateTime;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::forms::slug_from;
use crate::models::{Tag, audit};

/// Renames a tag (and its address), and sets its description when one is given (None leaves
/// it as it is). Err carries the message for the editor.
pub fn update(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: i32,
    name: &str,
    typed_slug: &str,
    description: Option<&str>,
) -> Result<Result<(), String>, AppError> {
    let name = name.trim();
    let slug = slug_from(typed_slug, name);
    if name.is_empty() || slug.is_empty() {
        return Ok(Err("A tag needs a name.".to_string()));
    }
    if Tag::id_for_slug(conn, &slug)?.is_some_and(|other| other != id) {
        return Ok(Err(format!("Another tag already uses /tag/{slug}.")));
    }
    Tag::find(conn, id)?;
    Tag::rename(conn, id, name, &slug)?;
    if let Some(description) = description {
        Tag::set_description(conn, id, description.trim())?;
    }
    let articles = Tag::article_ids(conn, id)?;
    changes.record(conn, Change::TagRenamed { id, articles })?;
    Ok(Ok(()))
}

/// Deletes a tag from every article that carries it.
pub fn delete(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let tag = Tag::find(conn, id)?;
    let articles = Tag::article_ids(conn, id)?;
    Tag::delete(conn, id)?;
    changes.record(conn, Change::TagDeleted { id, articles })?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "tag.delete",
        &tag.slug,
        &tag.name,
        "",
    )?;
    Ok(())
}
