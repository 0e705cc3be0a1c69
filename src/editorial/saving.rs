//! Saving an article: role and conflict checks, validation, the article with its pins and a
//! revision in one transaction, the change reported to the change path, and publications in
//! the audit log. Also the scheduler's publications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::SaveContext;
use super::form::ArticleForm;
use super::transitions::{may_edit, next_status};
use super::validation::check;
use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::db::write_transaction;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::models::article::ArticleInput;
use crate::models::revision::{NewRevision, Revision};
use crate::models::{Article, ArticleStatus, User, audit, autosave, pinned, trash};

/// What happened to a save.
pub enum SaveOutcome {
    Saved(Box<Article>),
    /// The form comes back with a message at each wrong field.
    Invalid(Vec<FieldError>),
    /// Someone saved after this form was loaded: nothing was written.
    Conflict {
        theirs: Box<Revision>,
    },
}

/// Saves the form as a new article (`existing_id` None) or over an existing one: checks the
/// role, refuses a save based on an old revision, validates, writes the article, its pins and
/// a revision in one transaction, reports the change, and logs publications.
pub fn save(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    user: &User,
    existing_id: Option<i32>,
    form: &ArticleForm,
    context: SaveContext<'_>,
) -> Result<SaveOutcome, AppError> {
    let SaveContext { now, zone, address } = context;
    write_transaction(conn, |conn| {
        let existing = match existing_id {
            Some(id) => Some(Article::find(conn, id)?),
            None => None,
        };
        if let Some(article) = &existing {
            if !may_edit(conn, user, article)? {
                return Err(AppError::Forbidden);
            }
            let based_on: i32 = form.base_revision.trim().parse().unwrap_or(-1);
            if based_on != article.revision {
                let theirs = Revision::find(conn, article.id, article.revision)?;
                return Ok(SaveOutcome::Conflict {
                    theirs: Box::new(theirs),
                });
            }
        }
        let status = next_status(
            &form.action,
            user.role(),
            form,
            existing.as_ref(),
            now,
            zone,
        )?;
        let mut checked = match check(conn, form, existing.as_ref())? {
            Ok(checked) => checked,
            Err(mut errors) => {
                errors.extend(status.err());
                return Ok(SaveOutcome::Invalid(errors));
            }
        };
        let (status, published_at) = match status {
            Ok(next) => next,
            Err(error) => return Ok(SaveOutcome::Invalid(vec![error])),
        };
        if status.is_live_or_scheduled()
            && let Some(article) = &existing
            && trash::contains(conn, article.id)?
        {
            return Ok(SaveOutcome::Invalid(vec![FieldError {
                field: "action",
                message: "This article is in the trash: restore it before publishing it.".into(),
            }]));
        }
        checked.input.status = status;
        checked.input.published_at = published_at;

        let article = store(
            conn,
            changes,
            existing.as_ref().map(|a| a.id),
            &checked.input,
            now,
        )?;
        let revision = existing.as_ref().map(|a| a.revision).unwrap_or(0) + 1;
        let created_by = existing.as_ref().map_or(Some(user.id), |a| a.created_by);
        Article::set_bookkeeping(conn, article.id, created_by, revision)?;
        pinned::set_for(conn, article.id, &checked.pinned_ids)?;
        let settings = serde_json::to_string(form).map_err(AppError::internal)?;
        Revision::insert(
            conn,
            &NewRevision {
                article_id: article.id,
                number: revision,
                user_id: Some(user.id),
                headline: &article.headline,
                slug: &article.slug,
                dek: &article.dek,
                body_markdown: &article.body_markdown,
                settings: &settings,
                created_at: now,
            },
        )?;
        // Saved for real: the work in progress is no longer ahead of the article.
        autosave::discard(conn, article.id, user.id)?;
        let was = existing.as_ref().map(|a| a.status);
        if was != Some(status)
            && matches!(
                status,
                ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::Unpublished
            )
        {
            audit::record(
                conn,
                now,
                Some(user.id),
                &format!("article.{}", status.as_str()),
                &article.slug,
                &article.headline,
                address,
            )?;
        }
        Ok(SaveOutcome::Saved(Box::new(Article::find(
            conn, article.id,
        )?)))
    })
}

/// Writes an article (a new one when `id` is None) and reports the change: the one way every
/// writer (the editor, the demo, importers) stores an article.
pub fn store(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    id: Option<i32>,
    input: &ArticleInput,
    now: NaiveDateTime,
) -> QueryResult<Article> {
    write_transaction(conn, |conn| {
        let before = match id {
            Some(id) => Article::facts(conn, id)?,
            None => None,
        };
        let article = match id {
            Some(id) => Article::update(conn, id, input, now)?,
            None => Article::create(conn, input, now)?,
        };
        if let Some(after) = Article::facts(conn, article.id)? {
            changes.record(conn, Change::ArticleSaved { before, after })?;
        }
        Ok(article)
    })
}

/// Publishes every scheduled article whose time has come; returns how many.
pub fn publish_due(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let due = Article::due_for_publication(conn, now)?;
    for article in &due {
        let before = Article::facts(conn, article.id)?;
        Article::set_status(conn, article.id, ArticleStatus::Published, now)?;
        if let Some(after) = Article::facts(conn, article.id)? {
            changes.record(conn, Change::ArticleSaved { before, after })?;
        }
        audit::record(
            conn,
            now,
            None,
            "article.published",
            &article.slug,
            "scheduled publication",
            "",
        )?;
    }
    Ok(due.len())
}
