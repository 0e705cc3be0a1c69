//! `/admin/sections`: admins add, rename, reorder and remove sections. A section that still has
//! articles is removed only by moving them to another section in the same step.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::{Admin, CsrfProtected, Protected};
use crate::db;
use crate::editorial::FieldError;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::models::{Section, audit};
use crate::schema::{articles, sections};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SectionForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: String,
    /// For deletion: where the section's articles go.
    pub move_to: String,
}

impl CsrfProtected for SectionForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/sections.html")]
pub struct SectionsTemplate {
    pub layout: AdminLayout,
    pub sections: Vec<(Section, i64)>,
    /// The section being edited (None: the "new section" form).
    pub editing: Option<i32>,
    pub form: SectionForm,
    pub errors: Vec<FieldError>,
}

impl SectionsTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        crate::editorial::ArticleForm::error(&self.errors, field)
    }
}

fn with_counts(conn: &mut SqliteConnection) -> QueryResult<Vec<(Section, i64)>> {
    let all = Section::all_in_nav_order(conn)?;
    let mut out = Vec::with_capacity(all.len());
    for section in all {
        let count: i64 = articles::table
            .filter(articles::section_id.eq(section.id))
            .count()
            .get_result(conn)?;
        out.push((section, count));
    }
    Ok(out)
}

async fn page(
    state: &AppState,
    admin: &Admin,
    editing: Option<i32>,
    form: SectionForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let sections = db::run(&state.pool, |conn| Ok(with_counts(conn)?)).await?;
    render_admin(
        &SectionsTemplate {
            layout: AdminLayout::new(state, &admin.0, "sections"),
            sections,
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
    admin: Admin,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let form = match query.edit {
        Some(id) => {
            let section = db::run(&state.pool, move |conn| Ok(Section::find(conn, id)?)).await?;
            SectionForm {
                name: section.name,
                slug: section.slug,
                description: section.description,
                position: section.position.to_string(),
                ..SectionForm::default()
            }
        }
        None => SectionForm::default(),
    };
    page(&state, &admin, query.edit, form, Vec::new(), StatusCode::OK).await
}

fn check(
    conn: &mut SqliteConnection,
    form: &SectionForm,
    id: Option<i32>,
) -> QueryResult<Result<(String, String, i32), Vec<FieldError>>> {
    let mut errors = Vec::new();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError {
            field: "name",
            message: "Give the section a name.".into(),
        });
    }
    let slug = slug::slugify(if form.slug.trim().is_empty() {
        &name
    } else {
        form.slug.trim()
    });
    let taken: Option<i32> = sections::table
        .filter(sections::slug.eq(&slug))
        .select(sections::id)
        .first(conn)
        .optional()?;
    if !name.is_empty() && (slug.is_empty() || taken.is_some_and(|other| Some(other) != id)) {
        errors.push(FieldError {
            field: "slug",
            message: format!("The address /section/{slug} is already used or empty."),
        });
    }
    let position = match form.position.trim() {
        "" => 0,
        raw => match raw.parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                errors.push(FieldError {
                    field: "position",
                    message: "The position is a whole number.".into(),
                });
                0
            }
        },
    };
    Ok(if errors.is_empty() {
        Ok((name, slug, position))
    } else {
        Err(errors)
    })
}

/// Creates (`id` None) or updates a section.
async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    id: Option<i32>,
    form: SectionForm,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let posted = form.clone();
    let user_id = admin.0.user.id;
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let (name, slug, position) = match check(conn, &posted, id)? {
                Ok(values) => values,
                Err(errors) => return Ok(Err(errors)),
            };
            let description = posted.description.trim();
            match id {
                Some(id) => {
                    diesel::update(sections::table.find(id))
                        .set((
                            sections::name.eq(&name),
                            sections::slug.eq(&slug),
                            sections::description.eq(description),
                            sections::position.eq(position),
                            sections::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                None => {
                    Section::insert(
                        conn,
                        &crate::models::NewSection {
                            name: &name,
                            slug: &slug,
                            description,
                            position,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                }
            }
            audit::record(conn, now, Some(user_id), "section.save", &slug, &name, "")?;
            Ok::<_, AppError>(Ok(()))
        })
    })
    .await?;
    match outcome {
        Ok(()) => navigation_changed(&state).await,
        Err(errors) => {
            page(
                &state,
                &admin,
                id,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// After any change to sections: every page's navigation reloads, then back to the list.
async fn navigation_changed(state: &web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let reload = state.clone();
    db::run(&state.pool, move |conn| Ok(reload.reload_navigation(conn)?)).await?;
    Ok(see_other("/admin/sections"))
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: Protected<SectionForm>,
) -> Result<HttpResponse, AppError> {
    save(state, admin, None, form.0).await
}

pub async fn update(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i32>,
    form: Protected<SectionForm>,
) -> Result<HttpResponse, AppError> {
    save(state, admin, Some(id.into_inner()), form.0).await
}

/// Deletes a section; its articles, if any, move to `move_to` first (in the same transaction).
pub async fn delete(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i32>,
    form: Protected<SectionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user_id = admin.0.user.id;
    let move_to: Option<i32> = form
        .0
        .move_to
        .trim()
        .parse()
        .ok()
        .filter(|target| *target != id);
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            let section = Section::find(conn, id)?;
            let article_ids: Vec<i32> = articles::table
                .filter(articles::section_id.eq(id))
                .select(articles::id)
                .load(conn)?;
            if !article_ids.is_empty() {
                let Some(target) = move_to.filter(|t| Section::find(conn, *t).is_ok()) else {
                    return Ok(Err(vec![FieldError {
                        field: "move_to",
                        message: format!(
                            "“{}” still has {} articles: choose a section to move them to.",
                            section.name,
                            article_ids.len()
                        ),
                    }]));
                };
                diesel::update(articles::table.filter(articles::section_id.eq(id)))
                    .set(articles::section_id.eq(target))
                    .execute(conn)?;
                for article_id in &article_ids {
                    crate::search::index_article(conn, *article_id)?;
                }
            }
            diesel::delete(sections::table.find(id)).execute(conn)?;
            audit::record(
                conn,
                now,
                Some(user_id),
                "section.delete",
                &section.slug,
                &format!("{} articles moved", article_ids.len()),
                "",
            )?;
            Ok::<_, AppError>(Ok(()))
        })
    })
    .await?;
    match outcome {
        Ok(()) => navigation_changed(&state).await,
        Err(errors) => {
            page(
                &state,
                &admin,
                None,
                SectionForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
