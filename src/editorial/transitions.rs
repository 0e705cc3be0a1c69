//! Which status changes each role may make: writers save and submit their own drafts; editors
//! and admins publish, schedule and withdraw any article.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::form::ArticleForm;
use crate::dates::{LocalTimeError, SiteZone};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::models::{Article, ArticleStatus, Role, User};

/// The status (and publication time) an action leads to, if the role may take it.
pub(super) fn next_status(
    action: &str,
    role: Role,
    form: &ArticleForm,
    existing: Option<&Article>,
    now: NaiveDateTime,
    zone: SiteZone,
) -> Result<Result<(ArticleStatus, Option<NaiveDateTime>), FieldError>, AppError> {
    let current = existing.map_or(ArticleStatus::Draft, |a| a.status);
    let kept_time = existing.and_then(|a| a.published_at);
    let editor = role >= Role::Editor;
    Ok(Ok(match action {
        "save" | "" => (current, kept_time),
        // A live or scheduled article is not sent back to review: that would take it down.
        "submit" if matches!(current, ArticleStatus::Published | ArticleStatus::Scheduled) => {
            return Ok(Err(FieldError {
                field: "action",
                message:
                    "This article is already published or scheduled; save your changes instead."
                        .into(),
            }));
        }
        "submit" => (ArticleStatus::InReview, None),
        "publish" if editor => {
            let first_time =
                current != ArticleStatus::Published && current != ArticleStatus::Unpublished;
            (
                ArticleStatus::Published,
                if first_time {
                    Some(now)
                } else {
                    kept_time.or(Some(now))
                },
            )
        }
        "schedule" if editor => match zone.from_input(&form.publish_at) {
            Ok(at) if at > now + TimeDelta::minutes(1) => (ArticleStatus::Scheduled, Some(at)),
            Ok(_) => {
                return Ok(Err(FieldError {
                    field: "publish_at",
                    message: format!("Choose a time in the future ({} time).", zone.name()),
                }));
            }
            Err(LocalTimeError::Skipped) => {
                return Ok(Err(FieldError {
                    field: "publish_at",
                    message: format!(
                        "That time does not exist in {}: the clocks skip it when summer time \
                         begins. Choose another.",
                        zone.name()
                    ),
                }));
            }
            Err(LocalTimeError::Unreadable) => {
                return Ok(Err(FieldError {
                    field: "publish_at",
                    message: "Give the publication time as a date and time.".into(),
                }));
            }
        },
        "unpublish" if editor => (ArticleStatus::Unpublished, kept_time),
        "publish" | "schedule" | "unpublish" => return Err(AppError::Forbidden),
        other => {
            return Err(AppError::bad_request(format!(
                "Unknown action \"{other}\"."
            )));
        }
    }))
}

/// May this person change this article at all?
pub fn may_edit(conn: &mut DbConnection, user: &User, article: &Article) -> QueryResult<bool> {
    if user.role() >= Role::Editor {
        return Ok(true);
    }
    let own = user.owns_article(conn, article.id)?;
    Ok(own && !article.status.is_live_or_scheduled())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-12-01 12:00", "%Y-%m-%d %H:%M").unwrap()
    }

    fn form(publish_at: &str) -> ArticleForm {
        ArticleForm {
            publish_at: publish_at.into(),
            ..ArticleForm::default()
        }
    }

    #[test]
    fn only_editors_publish_schedule_or_withdraw() {
        for action in ["publish", "schedule", "unpublish"] {
            let outcome = next_status(
                action,
                Role::Writer,
                &form(""),
                None,
                now(),
                SiteZone::default(),
            );
            assert!(matches!(outcome, Err(AppError::Forbidden)), "{action}");
        }
        let submitted = next_status(
            "submit",
            Role::Writer,
            &form(""),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(submitted, Ok(Ok((ArticleStatus::InReview, None)))));
        let published = next_status(
            "publish",
            Role::Editor,
            &form(""),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(
            published,
            Ok(Ok((ArticleStatus::Published, Some(at)))) if at == now()
        ));
    }

    #[test]
    fn a_schedule_needs_a_future_time_and_an_unknown_action_is_refused() {
        let past = next_status(
            "schedule",
            Role::Editor,
            &form("2026-12-01T11:00"),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(
            past,
            Ok(Err(FieldError {
                field: "publish_at",
                ..
            }))
        ));
        let garbled = next_status(
            "schedule",
            Role::Editor,
            &form("soon"),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(
            garbled,
            Ok(Err(FieldError {
                field: "publish_at",
                ..
            }))
        ));
        let future = next_status(
            "schedule",
            Role::Admin,
            &form("2026-12-02T09:30"),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(
            future,
            Ok(Ok((ArticleStatus::Scheduled, Some(_))))
        ));
        let unknown = next_status(
            "explode",
            Role::Admin,
            &form(""),
            None,
            now(),
            SiteZone::default(),
        );
        assert!(matches!(unknown, Err(AppError::BadRequest(_))));
    }
}
