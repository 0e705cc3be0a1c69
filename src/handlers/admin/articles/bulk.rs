//! `POST /admin/articles/bulk` and `POST /admin/articles/trash/empty`: the list's bulk actions
//! and emptying the trash, each asked for twice (see `confirm`); the rules are in
//! `editorial::bulk`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::address;
use super::list::{ListQuery, Notice, render};
use crate::auth::{CsrfProtected, Editor, Protected, Staff};
use crate::db;
use crate::editorial::{self, BulkAction, BulkReport, SaveContext};
use crate::error::AppError;
use crate::handlers::admin::confirm::{self, Confirmation};
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::models::{Article, Role, Section, trash};
use crate::state::AppState;

/// The list's bulk form: the action, the section for a move, the list to come back to, and
/// one `article-{id}` checkbox per ticked article.
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    confirmed: String,
    #[serde(flatten)]
    ticked: HashMap<String, String>,
}

impl CsrfProtected for BulkForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl BulkForm {
    /// The ticked articles' ids, in id order.
    fn article_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .ticked
            .keys()
            .filter_map(|key| key.strip_prefix("article-")?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[derive(Template)]
#[template(path = "admin/articles/bulk_report.html")]
struct ReportTemplate {
    layout: AdminLayout,
    what: String,
    report: BulkReport,
    back: String,
}

/// The most articles one bulk action takes (a page of the list is 20).
const MOST_AT_ONCE: usize = 200;

pub async fn bulk(
    state: web::Data<AppState>,
    staff: Staff,
    request: HttpRequest,
    form: Protected<BulkForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let back_query = ListQuery::from_address(&form.back);
    let back = back_query.address();
    let ids = form.article_ids();
    let action = match BulkAction::parse(&form.action, &form.section) {
        Ok(action) if !ids.is_empty() && ids.len() <= MOST_AT_ONCE => action,
        outcome => {
            let text = match outcome {
                Err(message) => message,
                Ok(_) if ids.is_empty() => "Tick the articles to act on first.".to_string(),
                Ok(_) => format!("Choose at most {MOST_AT_ONCE} articles at once."),
            };
            let notice = Notice {
                text,
                is_error: true,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&state, &staff, back_query, Some(notice), ids, status).await;
        }
    };
    if action.needs_editor() && staff.role() < Role::Editor {
        return Err(AppError::Forbidden);
    }
    let section_name = match action {
        BulkAction::Move(id) => {
            db::run(&state.pool, move |conn| Ok(Section::find(conn, id).ok()))
                .await?
                .ok_or_else(|| AppError::bad_request("That section no longer exists."))?
                .name
        }
        _ => String::new(),
    };

    if !confirm::confirmed(&form.confirmed) {
        let headlines = headlines_of(&state, ids.clone()).await?;
        let verb = action.verb(&section_name);
        let noun = if ids.len() == 1 {
            "article"
        } else {
            "articles"
        };
        let mut fields = vec![
            ("action".to_string(), form.action.clone()),
            ("section".to_string(), form.section.clone()),
            ("back".to_string(), back.clone()),
        ];
        fields.extend(ids.iter().map(|id| (format!("article-{id}"), "on".into())));
        let confirmation = Confirmation {
            question: format!("{verb}: {} {noun}?", ids.len()),
            items: headlines,
            consequence: action.consequence().to_string(),
            action: "/admin/articles/bulk".into(),
            fields,
            button: format!("{verb} ({} {noun})", ids.len()),
            cancel: back,
        };
        return confirm::ask(&state, &staff, "articles", confirmation);
    }

    let user = staff.user.clone();
    let now = state.clock.now();
    let zone = state.config.time_zone;
    let from = address(&request);
    let apply_ids = ids.clone();
    let report = state
        .write(move |conn, changes| {
            let context = SaveContext {
                now,
                zone,
                address: &from,
            };
            editorial::apply_bulk(conn, changes, &user, action, &apply_ids, context)
        })
        .await?;
    finish(&state, &staff, action, &section_name, report, back_query)
}

/// The headlines of these articles, for a confirmation page (one deleted meanwhile is left out).
async fn headlines_of(state: &AppState, ids: Vec<i32>) -> Result<Vec<String>, AppError> {
    db::run(&state.pool, move |conn| {
        let mut headlines = Vec::new();
        for id in ids {
            if let Ok(article) = Article::find(conn, id) {
                headlines.push(article.headline);
            }
        }
        Ok(headlines)
    })
    .await
}

/// Back to the list with what was done, or the report when some articles were refused.
fn finish(
    state: &AppState,
    staff: &Staff,
    action: BulkAction,
    section_name: &str,
    report: BulkReport,
    back: ListQuery,
) -> Result<HttpResponse, AppError> {
    if report.refused.is_empty() {
        let done = match action {
            BulkAction::Publish => "published",
            BulkAction::Unpublish => "unpublished",
            BulkAction::Move(_) => "moved",
            BulkAction::Trash => "trashed",
            BulkAction::Restore => "restored",
            BulkAction::DeleteForGood => "deleted",
        };
        let count = report.done.len();
        return Ok(see_other(&format!(
            "{}&done={done}&count={count}",
            back.address()
        )));
    }
    render_admin(
        &ReportTemplate {
            layout: AdminLayout::new(state, staff, "articles"),
            what: action.done(section_name),
            report,
            back: back.address(),
        },
        StatusCode::OK,
    )
}

/// The form of the "Empty the trash" button.
#[derive(Debug, Deserialize)]
pub struct EmptyTrashForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    confirmed: String,
}

impl CsrfProtected for EmptyTrashForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub async fn empty_trash(
    state: web::Data<AppState>,
    editor: Editor,
    request: HttpRequest,
    form: Protected<EmptyTrashForm>,
) -> Result<HttpResponse, AppError> {
    let staff = editor.0;
    let back = ListQuery {
        status: "trash".into(),
        ..ListQuery::default()
    };
    if !confirm::confirmed(&form.0.confirmed) {
        let in_trash = db::run(&state.pool, |conn| Ok(trash::all_ids(conn)?)).await?;
        let headlines = headlines_of(&state, in_trash).await?;
        let count = headlines.len();
        let noun = if count == 1 { "article" } else { "articles" };
        let confirmation = Confirmation {
            question: format!("Empty the trash: delete {count} {noun} for good?"),
            items: headlines,
            consequence: BulkAction::DeleteForGood.consequence().into(),
            action: "/admin/articles/trash/empty".into(),
            fields: Vec::new(),
            button: format!("Delete {count} {noun} for good"),
            cancel: back.address(),
        };
        return confirm::ask(&state, &staff, "articles", confirmation);
    }
    let user = staff.user.clone();
    let now = state.clock.now();
    let zone = state.config.time_zone;
    let from = address(&request);
    let report = state
        .write(move |conn, changes| {
            let context = SaveContext {
                now,
                zone,
                address: &from,
            };
            editorial::empty_trash(conn, changes, &user, context)
        })
        .await?;
    finish(&state, &staff, BulkAction::DeleteForGood, "", report, back)
}
