//! `/admin/authors`: editors keep byline profiles. Slugs stay unique; an author with bylines is
//! not deleted.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::{CsrfProtected, Editor, Protected};
use crate::db;
use crate::editorial::{ArticleForm, FieldError};
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::models::{Author, audit};
use crate::schema::{article_authors, authors};
use crate::state::AppState;

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
}

impl AuthorsTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        ArticleForm::error(&self.errors, field)
    }
}

fn authors_with_counts(conn: &mut SqliteConnection) -> QueryResult<Vec<(Author, i64)>> {
    let counts: Vec<(i32, i64)> = article_authors::table
        .group_by(article_authors::author_id)
        .select((article_authors::author_id, count_star()))
        .load(conn)?;
    Ok(Author::all_by_name(conn)?
        .into_iter()
        .map(|a| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == a.id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (a, n)
        })
        .collect())
}

async fn authors_page(
    state: &AppState,
    editor: &Editor,
    editing: Option<i32>,
    form: AuthorForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let authors = db::run(&state.pool, |conn| Ok(authors_with_counts(conn)?)).await?;
    render_admin(
        &AuthorsTemplate {
            layout: AdminLayout::new(state, &editor.0, "authors"),
            authors,
            editing,
            form,
            errors,
        },
        status,
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct EditQuery {
    edit: Option<i32>,
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

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
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
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let mut errors = Vec::new();
            let name = posted.name.trim();
            if name.is_empty() {
                errors.push(FieldError {
                    field: "name",
                    message: "Give the author a name.".into(),
                });
            }
            let slug = slug::slugify(if posted.slug.trim().is_empty() {
                name
            } else {
                posted.slug.trim()
            });
            let taken: Option<i32> = authors::table
                .filter(authors::slug.eq(&slug))
                .select(authors::id)
                .first(conn)
                .optional()?;
            if !name.is_empty() && (slug.is_empty() || taken.is_some_and(|other| Some(other) != id))
            {
                errors.push(FieldError {
                    field: "slug",
                    message: format!("The address /author/{slug} is already used or empty."),
                });
            }
            for (field, value) in [
                ("website_url", &posted.website_url),
                ("mastodon_url", &posted.mastodon_url),
                ("linkedin_url", &posted.linkedin_url),
            ] {
                let value = value.trim();
                let is_link = value.starts_with("https://") || value.starts_with("http://");
                if !value.is_empty() && !is_link {
                    errors.push(FieldError {
                        field,
                        message: "Links start with https://".into(),
                    });
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let values = (
                authors::name.eq(name),
                authors::slug.eq(&slug),
                authors::job_title.eq(posted.job_title.trim()),
                authors::bio.eq(posted.bio.trim()),
                authors::website_url.eq(optional(&posted.website_url)),
                authors::email.eq(optional(&posted.email)),
                authors::x_handle.eq(optional(&posted.x_handle)),
                authors::mastodon_url.eq(optional(&posted.mastodon_url)),
                authors::linkedin_url.eq(optional(&posted.linkedin_url)),
                authors::updated_at.eq(now),
            );
            match id {
                Some(id) => {
                    diesel::update(authors::table.find(id))
                        .set(values)
                        .execute(conn)?;
                }
                None => {
                    diesel::insert_into(authors::table)
                        .values((values, authors::created_at.eq(now)))
                        .execute(conn)?;
                }
            }
            audit::record(conn, now, Some(user_id), "author.save", &slug, name, "")?;
            Ok::<_, AppError>(Ok(()))
        })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/authors")),
        Err(errors) => {
            authors_page(
                &state,
                &editor,
                id,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
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
    _form: Protected<AuthorForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user_id = editor.0.user.id;
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let author = Author::find(conn, id)?;
            let bylines: i64 = article_authors::table
                .filter(article_authors::author_id.eq(id))
                .count()
                .get_result(conn)?;
            if bylines > 0 {
                return Ok(Err(vec![FieldError {
                    field: "delete",
                    message: format!(
                        "{} has {bylines} bylines: credit those articles to someone else first.",
                        author.name
                    ),
                }]));
            }
            diesel::delete(authors::table.find(id)).execute(conn)?;
            audit::record(
                conn,
                now,
                Some(user_id),
                "author.delete",
                &author.slug,
                &author.name,
                "",
            )?;
            Ok::<_, AppError>(Ok(()))
        })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/authors")),
        Err(errors) => {
            authors_page(
                &state,
                &editor,
                None,
                AuthorForm::default(),
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}
