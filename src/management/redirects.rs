//! Redirects as editors keep them: an old address that normalizes (see `crate::redirects`),
//! a target on this site or an absolute http(s) URL, and no redirect that leads to itself or
//! to another redirect (readers would bounce through a chain, or forever).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::forms::FieldError;
use crate::models::audit;
use crate::models::redirect::Redirect;
use crate::redirects::normalize;

/// Who made redirects typed in the admin.
pub const ORIGIN_ADMIN: &str = "admin";

/// Checks a redirect from `from` to `to` and returns both as stored.
pub fn check(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
) -> QueryResult<Result<(String, String), Vec<FieldError>>> {
    let mut errors = Vec::new();
    let from_path = match normalize(from) {
        Some(path) if path == "/" => {
            errors.push(FieldError::new("from", "The front page cannot redirect."));
            None
        }
        Some(path) => Some(path),
        None => {
            errors.push(FieldError::new(
                "from",
                "Type the old address as a path starting with /, such as /2019/05/old-story/.",
            ));
            None
        }
    };
    let to = to.trim();
    let absolute = to.starts_with("https://") || to.starts_with("http://");
    let to_path = if absolute && !to.contains(char::is_whitespace) {
        Some(to.to_string())
    } else {
        match normalize(to) {
            Some(_) if !to.starts_with('/') => None,
            Some(_) => Some(to.to_string()),
            None => None,
        }
    };
    match (&from_path, &to_path) {
        (_, None) => errors.push(FieldError::new(
            "to",
            "Type the new address as a path on this site (/about) or a full http(s) address.",
        )),
        (Some(from_path), Some(to_path)) if !absolute => {
            let target = normalize(to_path).unwrap_or_default();
            if &target == from_path {
                errors.push(FieldError::new("to", "A redirect cannot lead to itself."));
            } else if let Some(next) = Redirect::target_of(conn, &target)? {
                errors.push(FieldError::new(
                    "to",
                    format!("{to_path} redirects to {next} itself: point there directly."),
                ));
            }
        }
        _ => {}
    }
    Ok(match (from_path, to_path) {
        (Some(from_path), Some(to_path)) if errors.is_empty() => Ok((from_path, to_path)),
        _ => Err(errors),
    })
}

/// Adds a redirect, or points an existing one somewhere new.
pub fn save(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    user_id: i32,
    now: NaiveDateTime,
) -> QueryResult<Result<(), Vec<FieldError>>> {
    let (from_path, to_path) = match check(conn, from, to)? {
        Ok(paths) => paths,
        Err(errors) => return Ok(Err(errors)),
    };
    Redirect::put(conn, &from_path, &to_path, ORIGIN_ADMIN, now)?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "redirect.save",
        &from_path,
        &to_path,
        "",
    )?;
    Ok(Ok(()))
}

pub fn delete(
    conn: &mut DbConnection,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let redirect = Redirect::find(conn, id)?;
    Redirect::delete(conn, id)?;
    audit::record(
        conn,
        now,
        Some(user_id),
        "redirect.delete",
        &redirect.from_path,
        &redirect.to_path,
        "",
    )
}
