//! The editor's work in progress, kept per article and person apart from the article itself,
//! offered back when they return, and still checked for conflicts when saved.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::form::ArticleForm;
use super::transitions::may_edit;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::{Article, User, autosave};

/// Keeps the editor's work in progress (never the article itself): one copy per article and
/// person, replaced at each autosave.
pub fn autosave(
    conn: &mut DbConnection,
    user: &User,
    article_id: i32,
    form: &ArticleForm,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let article = Article::find(conn, article_id)?;
    if !may_edit(conn, user, &article)? {
        return Err(AppError::Forbidden);
    }
    let json = serde_json::to_string(form).map_err(AppError::internal)?;
    let base_revision: i32 = form
        .base_revision
        .trim()
        .parse()
        .unwrap_or(article.revision);
    autosave::keep(conn, article_id, user.id, &json, base_revision, now)?;
    Ok(())
}

/// This person's autosaved form for the article (with the revision it was based on), if any.
pub fn pending_autosave(
    conn: &mut DbConnection,
    user_id: i32,
    article_id: i32,
) -> QueryResult<Option<(ArticleForm, NaiveDateTime)>> {
    let found = autosave::find(conn, article_id, user_id)?;
    Ok(found.and_then(|(json, base, saved_at)| {
        let mut form: ArticleForm = serde_json::from_str(&json).ok()?;
        form.base_revision = base.to_string();
        Some((form, saved_at))
    }))
}
