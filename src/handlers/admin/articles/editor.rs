//! The editor: new and existing articles, preview, save with its conflict page, autosave.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{DiffLine, address, comparable, diff_lines};
use crate::auth::{Protected, Staff};
use crate::db;
use crate::editorial::{self, ArticleForm, FieldError, SaveContext, SaveOutcome};
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::illustrations::ILLUSTRATIONS;
use crate::markdown;
use crate::models::media_item::MediaItem;
use crate::models::revision::Revision;
use crate::models::{Article, Author, Section};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/articles/edit.html")]
pub struct EditTemplate {
    pub layout: AdminLayout,
    /// None for a new article.
    pub article: Option<Article>,
    pub form: ArticleForm,
    pub errors: Vec<FieldError>,
    pub sections: Vec<Section>,
    pub authors: Vec<Author>,
    /// Hero image choices, the chosen one and the newest uploads first, then the bundled
    /// illustrations.
    pub images: Vec<HeroChoice>,
    /// Published articles to pin, newest first: (slug, headline), offered while typing.
    pub pinnable: Vec<(String, String)>,
    /// Sanitized HTML of the body, when the editor asked for a preview.
    pub preview_html: Option<String>,
    pub may_publish: bool,
    pub saved: bool,
    pub autosaved_at: Option<String>,
    pub script_url: String,
}

impl EditTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        ArticleForm::error(&self.errors, field)
    }

    /// Is this slug one of the authors the byline pickers list?
    pub fn is_known_author(&self, slug: &str) -> bool {
        self.authors.iter().any(|author| author.slug == slug)
    }

    /// Published or scheduled: such an article is not sent back to review.
    pub fn is_live(&self) -> bool {
        self.article
            .as_ref()
            .is_some_and(|a| a.status.is_live_or_scheduled())
    }

    pub fn action_url(&self) -> String {
        match &self.article {
            Some(article) => format!("/admin/articles/{}", article.id),
            None => "/admin/articles".to_string(),
        }
    }
}

/// A picture the hero image picker offers.
pub struct HeroChoice {
    pub url: String,
    pub thumbnail_url: String,
    pub label: String,
}

/// How many of the newest uploads the hero picker shows (the library finds the others).
const HERO_CHOICES: i64 = 48;
/// How many recent headlines the pinned-article pickers offer without JavaScript.
const PINNABLE: i64 = 200;

#[derive(Template)]
#[template(path = "admin/articles/conflict.html")]
pub struct ConflictTemplate {
    pub layout: AdminLayout,
    pub article_id: i32,
    pub form: ArticleForm,
    pub theirs: Revision,
    pub theirs_by: String,
    pub diff: Vec<DiffLine>,
}

/// One line of a readable comparison.
struct EditorView {
    article: Option<Article>,
    form: ArticleForm,
    errors: Vec<FieldError>,
    preview_html: Option<String>,
    saved: bool,
    /// When this person's unsaved work was autosaved, if it is waiting to be restored.
    autosaved_at: Option<String>,
}

impl EditorView {
    fn new(article: Option<Article>, form: ArticleForm) -> EditorView {
        EditorView {
            article,
            form,
            errors: Vec::new(),
            preview_html: None,
            saved: false,
            autosaved_at: None,
        }
    }
}

async fn editor_page(
    state: &AppState,
    staff: &Staff,
    view: EditorView,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let EditorView {
        article,
        form,
        errors,
        preview_html,
        saved,
        autosaved_at,
    } = view;
    let chosen = form.hero_image_url.trim().to_string();
    let (sections, authors, uploads, pinnable) = db::run(&state.pool, move |conn| {
        let mut uploads = MediaItem::search(conn, "", HERO_CHOICES, 0)?;
        if !uploads.iter().any(|item| item.url() == chosen)
            && let Some(item) = MediaItem::find_by_url(conn, &chosen)?
        {
            uploads.insert(0, item);
        }
        Ok((
            Section::all_in_nav_order(conn)?,
            Author::all_by_name(conn)?,
            uploads,
            Article::recent_headlines(conn, PINNABLE)?,
        ))
    })
    .await?;
    let images = uploads
        .iter()
        .map(|item| HeroChoice {
            url: item.url(),
            thumbnail_url: item.thumbnail_url(),
            label: item.alt.clone(),
        })
        .chain(ILLUSTRATIONS.iter().map(|image| HeroChoice {
            url: image.url(),
            thumbnail_url: image.url(),
            label: format!("{} (illustration)", image.label),
        }))
        .collect();
    render_admin(
        &EditTemplate {
            layout: AdminLayout::new(state, staff, "articles"),
            article,
            form,
            errors,
            sections,
            authors,
            images,
            pinnable,
            preview_html,
            may_publish: staff.role() >= crate::models::Role::Editor,
            saved,
            autosaved_at,
            script_url: state.assets.url("js/editor.js"),
        },
        status,
    )
}

pub async fn new(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AppError> {
    let mut form = ArticleForm {
        base_revision: "0".into(),
        ..ArticleForm::default()
    };
    if let Some(author_id) = staff.user.author_id {
        let author = db::run(&state.pool, move |conn| Ok(Author::find(conn, author_id)?)).await?;
        form.authors = author.slug;
    }
    editor_page(
        &state,
        &staff,
        EditorView {
            errors: Vec::new(),
            preview_html: None,
            saved: false,
            ..EditorView::new(None, form)
        },
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub struct EditQuery {
    saved: Option<String>,
    /// Load this person's autosaved work instead of the saved article.
    restore: Option<String>,
}

pub async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = staff.user.clone();
    let zone = state.config.time_zone;
    let (article, form, autosave) = db::run(&state.pool, move |conn| {
        let article = Article::find(conn, id)?;
        if !editorial::may_edit(conn, &user, &article)? {
            return Err(AppError::Forbidden);
        }
        let form = ArticleForm::from_article(conn, &article, zone)?;
        let autosave = editorial::pending_autosave(conn, user.id, id)?;
        Ok((article, form, autosave))
    })
    .await?;
    let (form, autosaved_at) = match (query.restore.is_some(), autosave) {
        (true, Some((work, _))) => (work, None),
        (false, Some((_, at))) => (form, Some(state.config.time_zone.long_date_time(&at))),
        (_, None) => (form, None),
    };
    let view = EditorView {
        saved: query.saved.is_some(),
        autosaved_at,
        ..EditorView::new(Some(article), form)
    };
    editor_page(&state, &staff, view, StatusCode::OK).await
}

/// Keeps the editor's work in progress (sent by static/js/editor.js); answers 204.
pub async fn autosave(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    form: Protected<ArticleForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user = staff.user.clone();
    let mut form = form.0;
    form.apply_picks();
    db::run(&state.pool, move |conn| {
        editorial::autosave(conn, &user, id, &form, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The article being edited, or None for a new one; 403 when `staff` may not edit it (a
/// preview or a re-rendered form shows the article as stored).
async fn find_article(
    state: &AppState,
    staff: &Staff,
    id: Option<i32>,
) -> Result<Option<Article>, AppError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let user = staff.user.clone();
    let article = db::run(&state.pool, move |conn| {
        let article = Article::find(conn, id)?;
        if !editorial::may_edit(conn, &user, &article)? {
            return Err(AppError::Forbidden);
        }
        Ok(article)
    })
    .await?;
    Ok(Some(article))
}

/// Saves the editor's form (or previews it): a new article when `id` is None.
async fn save(
    state: web::Data<AppState>,
    staff: Staff,
    id: Option<i32>,
    mut form: ArticleForm,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    form.apply_picks();
    if form.action == "preview" {
        let preview = markdown::render(&form.body_markdown).html;
        let article = find_article(&state, &staff, id).await?;
        return editor_page(
            &state,
            &staff,
            EditorView {
                errors: Vec::new(),
                preview_html: Some(preview),
                saved: false,
                ..EditorView::new(article, form)
            },
            StatusCode::OK,
        )
        .await;
    }
    let now = state.clock.now();
    let zone = state.config.time_zone;
    let user = staff.user.clone();
    let posted = form.clone();
    let address = address(&request);
    let outcome = state
        .write(move |conn, changes| {
            let context = SaveContext {
                now,
                zone,
                address: &address,
            };
            editorial::save(conn, changes, &user, id, &posted, context)
        })
        .await?;
    match outcome {
        SaveOutcome::Saved(article) => Ok(see_other(&format!(
            "/admin/articles/{}?saved=1",
            article.id
        ))),
        SaveOutcome::Invalid(errors) => {
            let article = find_article(&state, &staff, id).await?;
            editor_page(
                &state,
                &staff,
                EditorView {
                    errors,
                    preview_html: None,
                    saved: false,
                    ..EditorView::new(article, form)
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        SaveOutcome::Conflict { theirs } => {
            let theirs_by = match theirs.user_id {
                Some(user_id) => {
                    db::run(&state.pool, move |conn| {
                        Ok(crate::models::User::find(conn, user_id)?.name)
                    })
                    .await?
                }
                None => "someone".to_string(),
            };
            let diff = diff_lines(
                &comparable(&form.headline, &form.dek, &form.body_markdown),
                &comparable(&theirs.headline, &theirs.dek, &theirs.body_markdown),
            );
            render_admin(
                &ConflictTemplate {
                    layout: AdminLayout::new(&state, &staff, "articles"),
                    article_id: theirs.article_id,
                    form,
                    theirs_by,
                    theirs: *theirs,
                    diff,
                },
                StatusCode::CONFLICT,
            )
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: Protected<ArticleForm>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    save(state, staff, None, form.0, request).await
}

pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    form: Protected<ArticleForm>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    save(state, staff, Some(id.into_inner()), form.0, request).await
}
