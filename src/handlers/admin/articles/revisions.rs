//! An article's revisions: listed, compared with the current text, and restored as a new one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{DiffLine, address, comparable, diff_lines};
use crate::auth::{Protected, Staff};
use crate::db;
use crate::editorial::{self, ArticleForm, SaveContext, SaveOutcome};
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, TokenOnly, render_admin};
use crate::handlers::see_other;
use crate::models::Article;
use crate::models::revision::{Revision, RevisionSummary};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/articles/revisions.html")]
pub struct RevisionsTemplate {
    pub layout: AdminLayout,
    pub article: Article,
    pub revisions: Vec<RevisionSummary>,
}

pub async fn revisions(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = staff.user.clone();
    let (article, revisions) = db::run(&state.pool, move |conn| {
        let article = Article::find(conn, id)?;
        if !editorial::may_edit(conn, &user, &article)? {
            return Err(AppError::Forbidden);
        }
        Ok((article, Revision::list(conn, id)?))
    })
    .await?;
    render_admin(
        &RevisionsTemplate {
            layout: AdminLayout::new(&state, &staff, "articles"),
            article,
            revisions,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "admin/articles/compare.html")]
pub struct CompareTemplate {
    pub layout: AdminLayout,
    pub article: Article,
    pub revision: Revision,
    pub diff: Vec<DiffLine>,
}

/// `/admin/articles/{id}/revisions/{n}`: revision n compared with the one before it.
pub async fn compare(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    let (id, number) = path.into_inner();
    let user = staff.user.clone();
    let (article, revision, previous) = db::run(&state.pool, move |conn| {
        let article = Article::find(conn, id)?;
        if !editorial::may_edit(conn, &user, &article)? {
            return Err(AppError::Forbidden);
        }
        let revision = Revision::find(conn, id, number)?;
        let previous = if number > 1 {
            Some(Revision::find(conn, id, number - 1)?)
        } else {
            None
        };
        Ok((article, revision, previous))
    })
    .await?;
    let before = previous
        .as_ref()
        .map(|p| comparable(&p.headline, &p.dek, &p.body_markdown))
        .unwrap_or_default();
    let diff = diff_lines(
        &before,
        &comparable(&revision.headline, &revision.dek, &revision.body_markdown),
    );
    render_admin(
        &CompareTemplate {
            layout: AdminLayout::new(&state, &staff, "articles"),
            article,
            revision,
            diff,
        },
        StatusCode::OK,
    )
}

/// Restores revision n: saved as a new revision on top of the current one (nothing is lost).
pub async fn restore(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
    _form: Protected<TokenOnly>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (id, number) = path.into_inner();
    let user = staff.user.clone();
    let now = state.clock.now();
    let zone = state.config.time_zone;
    let address = address(&request);
    let outcome = state
        .write(move |conn, changes| {
            let article = Article::find(conn, id)?;
            let revision = Revision::find(conn, id, number)?;
            let mut form = ArticleForm::from_revision(&revision);
            form.base_revision = article.revision.to_string();
            form.action = "save".into();
            let context = SaveContext {
                now,
                zone,
                address: &address,
            };
            editorial::save(conn, changes, &user, Some(id), &form, context)
        })
        .await?;
    match outcome {
        SaveOutcome::Saved(article) => Ok(see_other(&format!(
            "/admin/articles/{}?saved=1",
            article.id
        ))),
        SaveOutcome::Invalid(errors) => Err(AppError::bad_request(format!(
            "Revision {number} can't be restored as it is: {}",
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ))),
        SaveOutcome::Conflict { .. } => Err(AppError::bad_request(
            "The article changed while restoring; try again.",
        )),
    }
}
