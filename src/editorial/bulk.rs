//! Bulk actions on the article list: publish, unpublish, move to a section, move to the trash,
//! restore from it, delete for good. Publishing, withdrawing and moving go through `save`
//! article by article, exactly as if the editor form had been sent (role checks, validation, a
//! revision, the change path, the audit log), so a bulk action can do nothing one save could
//! not. One article that cannot take the action is reported and the others go on.

use chrono::NaiveDateTime;

use super::SaveContext;
use super::form::ArticleForm;
use super::saving::{SaveOutcome, save};
use super::transitions::may_edit;
use crate::changes::ChangeSet;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::{Article, ArticleStatus, Role, Section, User, audit, trash};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Publish,
    Unpublish,
    /// To the section with this id.
    Move(i32),
    Trash,
    Restore,
    DeleteForGood,
}

impl BulkAction {
    /// The list form's `action` (and `section` for a move).
    pub fn parse(action: &str, section: &str) -> Result<BulkAction, String> {
        Ok(match action {
            "publish" => BulkAction::Publish,
            "unpublish" => BulkAction::Unpublish,
            "trash" => BulkAction::Trash,
            "restore" => BulkAction::Restore,
            "delete" => BulkAction::DeleteForGood,
            "move" => match section.trim().parse() {
                Ok(id) => BulkAction::Move(id),
                Err(_) => return Err("Choose the section to move the articles to.".into()),
            },
            "" => return Err("Choose what to do with the selected articles.".into()),
            other => return Err(format!("\"{other}\" is not something the list can do.")),
        })
    }

    /// Writers may move their own unpublished articles to the trash; everything else in bulk
    /// is an editor's decision.
    pub fn needs_editor(self) -> bool {
        self != BulkAction::Trash
    }

    /// What the action does, as a button says it ("Move to the trash").
    pub fn verb(self, section_name: &str) -> String {
        match self {
            BulkAction::Publish => "Publish".into(),
            BulkAction::Unpublish => "Unpublish".into(),
            BulkAction::Move(_) => format!("Move to {section_name}"),
            BulkAction::Trash => "Move to the trash".into(),
            BulkAction::Restore => "Restore".into(),
            BulkAction::DeleteForGood => "Delete for good".into(),
        }
    }

    /// What happened, as the report says it ("moved to the trash").
    pub fn done(self, section_name: &str) -> String {
        match self {
            BulkAction::Publish => "published".into(),
            BulkAction::Unpublish => "unpublished".into(),
            BulkAction::Move(_) => format!("moved to {section_name}"),
            BulkAction::Trash => "moved to the trash".into(),
            BulkAction::Restore => "restored from the trash".into(),
            BulkAction::DeleteForGood => "deleted for good".into(),
        }
    }

    /// What the confirmation page warns about, if anything beyond the action itself.
    pub fn consequence(self) -> &'static str {
        match self {
            BulkAction::Publish => "Readers will see them at once, on every page that lists them.",
            BulkAction::Unpublish => {
                "Readers will no longer find them; their addresses will answer “gone”."
            }
            BulkAction::Move(_) => {
                "Their addresses stay the same; section pages and feeds change at once."
            }
            BulkAction::Trash => {
                "Published ones are withdrawn first. Editors can restore them until the trash is emptied."
            }
            BulkAction::Restore => {
                "They come back with the status they had, none of them published."
            }
            BulkAction::DeleteForGood => {
                "They, their revisions and their history are deleted. This cannot be undone."
            }
        }
    }
}

/// What a bulk action did: the headlines it changed, and those it could not with the reason.
#[derive(Debug, Default)]
pub struct BulkReport {
    pub done: Vec<String>,
    pub refused: Vec<(String, String)>,
}

/// Applies the action to each article in turn (in the caller's transaction). A writer asking
/// for an editor's action is refused as a whole (403).
pub fn apply(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    user: &User,
    action: BulkAction,
    article_ids: &[i32],
    context: SaveContext<'_>,
) -> Result<BulkReport, AppError> {
    if action.needs_editor() && user.role() < Role::Editor {
        return Err(AppError::Forbidden);
    }
    if let BulkAction::Move(section_id) = action
        && Section::find(conn, section_id).is_err()
    {
        return Err(AppError::bad_request(
            "The section to move the articles to no longer exists.",
        ));
    }
    let mut report = BulkReport::default();
    for &id in article_ids {
        let Ok(article) = Article::find(conn, id) else {
            // Deleted by someone else since the list was shown: nothing left to do.
            continue;
        };
        match apply_one(conn, changes, user, action, &article, context)? {
            Ok(()) => report.done.push(article.headline),
            Err(reason) => report.refused.push((article.headline, reason)),
        }
    }
    Ok(report)
}

fn apply_one(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    user: &User,
    action: BulkAction,
    article: &Article,
    context: SaveContext<'_>,
) -> Result<Result<(), String>, AppError> {
    let SaveContext { now, zone, address } = context;
    let in_trash = trash::contains(conn, article.id)?;
    match action {
        BulkAction::Restore | BulkAction::DeleteForGood if !in_trash => {
            return Ok(Err("It is not in the trash.".into()));
        }
        BulkAction::Restore => {
            trash::take_out(conn, article.id)?;
            return log(conn, user, "article.restored", article, now, address);
        }
        BulkAction::DeleteForGood => {
            // Never published while in the trash, so no reader's page shows it: nothing
            // derived from published content changes.
            trash::delete_for_good(conn, article.id)?;
            return log(conn, user, "article.deleted", article, now, address);
        }
        _ if in_trash => return Ok(Err("It is in the trash; restore it first.".into())),
        _ => {}
    }
    if !may_edit(conn, user, article)? {
        return Ok(Err("You may not change this article.".into()));
    }
    let live = article.status.is_live_or_scheduled();
    let (form_action, section_id) = match action {
        BulkAction::Publish if article.status == ArticleStatus::Published => return Ok(Ok(())),
        BulkAction::Publish => ("publish", None),
        BulkAction::Unpublish if !live => return Ok(Err("It is not published.".into())),
        BulkAction::Unpublish => ("unpublish", None),
        BulkAction::Move(to) if to == article.section_id => return Ok(Ok(())),
        BulkAction::Move(to) => ("save", Some(to)),
        BulkAction::Trash if live => ("unpublish", None),
        BulkAction::Trash => ("", None),
        BulkAction::Restore | BulkAction::DeleteForGood => unreachable!("handled above"),
    };
    if !form_action.is_empty() {
        let mut form = ArticleForm::from_article(conn, article, zone)?;
        form.action = form_action.to_string();
        if let Some(to) = section_id {
            form.section_id = to.to_string();
        }
        match save(conn, changes, user, Some(article.id), &form, context) {
            Ok(SaveOutcome::Saved(_)) => {}
            Ok(SaveOutcome::Invalid(errors)) => {
                let reasons: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                return Ok(Err(reasons.join(" ")));
            }
            Ok(SaveOutcome::Conflict { .. }) => {
                return Ok(Err("Someone saved it a moment ago; try again.".into()));
            }
            Err(AppError::Forbidden) => {
                return Ok(Err("You may not change this article.".into()));
            }
            Err(other) => return Err(other),
        }
    }
    if action == BulkAction::Trash {
        trash::put(conn, article.id, Some(user.id), now)?;
        return log(conn, user, "article.trashed", article, now, address);
    }
    Ok(Ok(()))
}

fn log(
    conn: &mut DbConnection,
    user: &User,
    what: &str,
    article: &Article,
    now: NaiveDateTime,
    address: &str,
) -> Result<Result<(), String>, AppError> {
    audit::record(
        conn,
        now,
        Some(user.id),
        what,
        &article.slug,
        &article.headline,
        address,
    )?;
    Ok(Ok(()))
}

/// Empties the trash for good (editors); returns how many articles were deleted.
pub fn empty_trash(
    conn: &mut DbConnection,
    changes: &mut ChangeSet,
    user: &User,
    context: SaveContext<'_>,
) -> Result<BulkReport, AppError> {
    let ids = trash::all_ids(conn)?;
    apply(
        conn,
        changes,
        user,
        BulkAction::DeleteForGood,
        &ids,
        context,
    )
}
