//! `/admin/authors`: editors keep byline profiles (rules in `management::authors`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected};
use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, EditQuery, render_admin};
use crate::handlers::see_other;
use crate::management::authors::{self, AuthorDraft};
use crate::models::{Author, Listing};
use crate::state::AppState;
use crate::views::listing_page::ListingPage;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuthorForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
    pub job_title: String,
    pub bio: String,
    pub website_url: String,
    pub email: String,
    pub x_handle: String,
    pub mastodon_url: String,
    pub linkedin_url: String,
}

impl CsrfProtected for AuthorForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl AuthorForm {
    fn from_author(author: &Author) -> AuthorForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        AuthorForm {
            csrf_token: String::new(),
            name: author.name.clone(),
            slug: author.slug.clone(),
            job_title: author.job_title.clone(),
            bio: author.bio.clone(),
            website_url: text(&author.website_url),
            email: text(&author.email),
            x_handle: text(&author.x_handle),
            mastodon_url: text(&author.mastodon_url),
            linkedin_url: text(&author.linkedin_url),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/authors.html")]
pub struct AuthorsTemplate {
    pub layout: AdminLayout,
    pub authors: Vec<(Author, i64)>,
    pub editing: Option<i32>,
    pub form: AuthorForm,
    pub errors: Vec<FieldError>,
    /// What the author's page says of itself while the biography is empty.
    pub description_fallback: String,
}

impl AuthorsTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        FieldError::find(&self.errors, field)
    }
}

async fn authors_page(
    state: &AppState,
    editor: &Editor,
    editing: Option<i32>,
    form: AuthorForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (name, job_title) = (form.name.clone(), form.job_title.clone());
    let site_name = state.config.site_name.clone();
    let (authors, description_fallback) = db::run(&state.pool, move |conn| {
        let fallback = ListingPage::fallback_description(
            conn,
            editing.map(Listing::ByAuthor),
            ListingKind::Author {
                job_title: &job_title,
            },
            &name,
            &site_name,
        )?;
        Ok((Author::all_with_counts(conn)?, fallback))
    })
    .await?;
    render_admin(
        &AuthorsTemplate {
            layout: AdminLayout::new(state, &editor.0, "authors"),
            authors,
            editing,
            form,
            errors,
            description_fallback,
        },
        status,
    )
}

pub async fn list(
    state: web::Data<AppState>,
    editor: Editor,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let form = match query.edit {
        Some(id) => AuthorForm::from_author(
            &db::run(&state.pool, move |conn| Ok(Author::find(conn, id)?)).await?,
        ),
        None => AuthorForm::default(),
    };
    authors_page(
        &state,
        &editor,
        query.edit,
        form,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

impl AuthorForm {
    fn draft(&self) -> AuthorDraft<'_> {
        AuthorDraft {
            name: &self.name,
            slug: &self.slug,
            job_title: &self.job_title,
            bio: &self.bio,
            website_url: &self.website_url,
            email: &self.email,
            x_handle: &self.x_handle,
            mastodon_url: &self.mastodon_url,
            linkedin_url: &self.linkedin_url,
        }
    }
}

async fn save_author(
    state: web::Data<AppState>,
    editor: Editor,
    id: Option<i32>,
    form: AuthorForm,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let posted = form.clone();
    let user_id = editor.0.user.id;
    let outcome = state
        .write(move |conn, changes| authors::save(conn, changes, id, &posted.draft(), user_id, now))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/authors")),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            authors_page(&state, &editor, id, form, errors, status).await
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: Protected<AuthorForm>,
) -> Result<HttpResponse, AppError> {
    save_author(state, editor, None, form.0).await
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<AuthorForm>,
) -> Result<HttpResponse, AppError> {
    save_author(state, editor, Some(id.into_inner()), form.0).await
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.0.is_confirmed() {
        let name = db::run(&state.pool, move |conn| Ok(Author::find(conn, id)?.name)).await?;
        let deletion = Deletion {
            kind: "author",
            name,
            consequence: "Their author page and feed go. An author with bylines is kept: \
                          credit the articles to someone else first."
                .into(),
            action: format!("/admin/authors/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/authors",
        };
        return confirm::ask_to_delete(&state, &editor.0, "authors", deletion);
    }
    let now = state.clock.now();
    let user_id = editor.0.user.id;
    let outcome = state
        .write(move |conn, changes| authors::delete(conn, changes, id, user_id, now))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/authors")),
        Err(errors) => {
            let form = AuthorForm::default();
            authors_page(&state, &editor, None, form, errors, StatusCode::CONFLICT).await
        }
    }
}
