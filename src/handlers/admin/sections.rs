//! `/admin/sections`: admins add, rename, reorder and remove sections (rules in
//! `management::sections`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::OptionalExtension;
use serde::Deserialize;

use crate::auth::{Admin, CsrfProtected, Protected};
use crate::db;
use crate::descriptions::ListingKind;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, EditQuery, render_admin};
use crate::handlers::see_other;
use crate::management::sections::{self, SectionDraft};
use crate::models::{Article, Listing, Section};
use crate::state::AppState;
use crate::views::listing_page::ListingPage;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SectionForm {
    csrf_token: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: String,
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
    /// What the section's page says of itself while its description is empty.
    pub description_fallback: String,
}

impl SectionsTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        FieldError::find(&self.errors, field)
    }
}

async fn page(
    state: &AppState,
    admin: &Admin,
    editing: Option<i32>,
    form: SectionForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let name = form.name.clone();
    let site_name = state.config.site_name.clone();
    let (sections, description_fallback) = db::run(&state.pool, move |conn| {
        let fallback = ListingPage::fallback_description(
            conn,
            editing.map(Listing::InSection),
            ListingKind::Section,
            &name,
            &site_name,
        )?;
        Ok((Section::all_with_counts(conn)?, fallback))
    })
    .await?;
    render_admin(
        &SectionsTemplate {
            layout: AdminLayout::new(state, &admin.0, "sections"),
            sections,
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

impl SectionForm {
    fn draft(&self) -> SectionDraft<'_> {
        SectionDraft {
            name: &self.name,
            slug: &self.slug,
            description: &self.description,
            position: &self.position,
        }
    }
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
    let outcome = state
        .write(move |conn, changes| {
            sections::save(conn, changes, id, &posted.draft(), user_id, now)
        })
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/sections")),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&state, &admin, id, form, errors, status).await
        }
    }
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
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let user_id = admin.0.user.id;
    let move_to: Option<i32> = form.0.move_to.trim().parse().ok();
    if !form.0.is_confirmed() {
        let (section, articles, target) = db::run(&state.pool, move |conn| {
            let section = Section::find(conn, id)?;
            let articles = Article::ids_in_section(conn, id)?.len();
            let target = match move_to.filter(|to| *to != id) {
                Some(to) => Section::find(conn, to).optional()?,
                None => None,
            };
            Ok((section, articles, target))
        })
        .await?;
        // A section with articles and nowhere to move them is refused below, unasked.
        if articles == 0 || target.is_some() {
            let consequence = match target {
                Some(target) if articles > 0 => format!(
                    "Its {articles} article{} move to {}; their addresses stay the same.",
                    if articles == 1 { "" } else { "s" },
                    target.name
                ),
                _ => "It has no articles. Its page and feed go.".to_string(),
            };
            let deletion = Deletion {
                kind: "section",
                name: section.name,
                consequence,
                action: format!("/admin/sections/{id}/delete"),
                fields: vec![("move_to".into(), form.0.move_to.clone())],
                cancel: "/admin/sections",
            };
            return confirm::ask_to_delete(&state, &admin.0, "sections", deletion);
        }
    }
    let outcome = state
        .write(move |conn, changes| sections::delete(conn, changes, id, move_to, user_id, now))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/sections")),
        Err(errors) => {
            let form = SectionForm::default();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&state, &admin, None, form, errors, status).await
        }
    }
}
