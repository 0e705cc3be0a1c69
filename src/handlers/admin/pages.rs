//! `/admin/pages`: editors write standalone pages (with revisions); admins order the footer
//! menu (rules in `management::pages`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{Admin, CsrfProtected, Editor, Protected, Staff};
use crate::db;
use crate::error::AppError;
use crate::forms::FieldError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, render_admin};
use crate::handlers::see_other;
use crate::management::pages::{self, PageDraft};
use crate::models::page::{Page, PageRevision, PageRevisionSummary, PageStatus};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct PageForm {
    csrf_token: String,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub seo_title: String,
    pub seo_description: String,
    pub status: String,
    pub version: String,
}

impl Default for PageForm {
    fn default() -> PageForm {
        PageForm {
            csrf_token: String::new(),
            title: String::new(),
            slug: String::new(),
            body: String::new(),
            seo_title: String::new(),
            seo_description: String::new(),
            status: PageStatus::Draft.as_str().into(),
            version: String::new(),
        }
    }
}

impl CsrfProtected for PageForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl PageForm {
    fn from_page(page: &Page, revision: i32) -> PageForm {
        PageForm {
            title: page.title.clone(),
            slug: page.slug.clone(),
            body: page.body_markdown.clone(),
            seo_title: page.seo_title.clone(),
            seo_description: page.seo_description.clone(),
            status: page.status.as_str().into(),
            version: revision.to_string(),
            ..PageForm::default()
        }
    }

    fn draft(&self) -> PageDraft<'_> {
        PageDraft {
            title: &self.title,
            slug: &self.slug,
            body: &self.body,
            seo_title: &self.seo_title,
            seo_description: &self.seo_description,
            status: &self.status,
            version: &self.version,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/pages.html")]
pub struct PagesTemplate {
    pub layout: AdminLayout,
    pub pages: Vec<Page>,
    pub problem: Option<String>,
    /// Menu places as typed, when the menu form comes back with a problem.
    pub typed_places: HashMap<i32, String>,
}

impl PagesTemplate {
    /// The menu place to show for `page`: as typed, else as stored.
    pub fn place(&self, page: &Page) -> String {
        match self.typed_places.get(&page.id) {
            Some(typed) => typed.clone(),
            None => page
                .menu_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/page_edit.html")]
pub struct PageEditTemplate {
    pub layout: AdminLayout,
    /// None for a new page.
    pub page: Option<Page>,
    pub form: PageForm,
    pub errors: Vec<FieldError>,
    pub revisions: Vec<PageRevisionSummary>,
    /// The revision loaded into the form instead of the current text, if one was asked for.
    pub restoring: Option<i32>,
    pub saved: bool,
}

impl PageEditTemplate {
    pub fn error(&self, field: &str) -> Option<&str> {
        FieldError::find(&self.errors, field)
    }

    pub fn statuses(&self) -> [(&'static str, &'static str); 2] {
        [("draft", "Draft"), ("published", "Published")]
    }
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
    typed_places: HashMap<i32, String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let pages = db::run(&state.pool, |conn| Ok(Page::all(conn)?)).await?;
    render_admin(
        &PagesTemplate {
            layout: AdminLayout::new(state, staff, "pages"),
            pages,
            problem,
            typed_places,
        },
        status,
    )
}

pub async fn list(state: web::Data<AppState>, editor: Editor) -> Result<HttpResponse, AppError> {
    list_page(&state, &editor.0, None, HashMap::new(), StatusCode::OK).await
}

#[derive(Debug, Deserialize, Default)]
pub struct EditorQuery {
    /// Load this revision's text into the form.
    pub revision: Option<i32>,
    /// Just saved: say so.
    #[serde(default)]
    pub saved: bool,
}

async fn editor_page(
    state: &AppState,
    staff: &Staff,
    page: Option<Page>,
    form: PageForm,
    errors: Vec<FieldError>,
    restoring: Option<i32>,
    saved: bool,
) -> Result<HttpResponse, AppError> {
    let id = page.as_ref().map(|p| p.id);
    let revisions = match id {
        Some(id) => db::run(&state.pool, move |conn| Ok(PageRevision::list(conn, id)?)).await?,
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_admin(
        &PageEditTemplate {
            layout: AdminLayout::new(state, staff, "pages"),
            page,
            form,
            errors,
            revisions,
            restoring,
            saved,
        },
        status,
    )
}

pub async fn new(state: web::Data<AppState>, editor: Editor) -> Result<HttpResponse, AppError> {
    let form = PageForm::default();
    editor_page(&state, &editor.0, None, form, Vec::new(), None, false).await
}

pub async fn edit(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    query: web::Query<EditorQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let wanted = query.revision;
    let (page, latest, revision) = db::run(&state.pool, move |conn| {
        let page = Page::find(conn, id)?;
        let latest = PageRevision::latest_number(conn, id)?;
        let revision = wanted
            .map(|number| PageRevision::find(conn, id, number))
            .transpose()?;
        Ok((page, latest, revision))
    })
    .await?;
    let mut form = PageForm::from_page(&page, latest);
    if let Some(revision) = &revision {
        form.title = revision.title.clone();
        form.slug = revision.slug.clone();
        form.body = revision.body_markdown.clone();
        form.seo_title = revision.seo_title.clone();
        form.seo_description = revision.seo_description.clone();
    }
    let restoring = revision.map(|r| r.number);
    editor_page(
        &state,
        &editor.0,
        Some(page),
        form,
        Vec::new(),
        restoring,
        query.saved,
    )
    .await
}

async fn save(
    state: &AppState,
    editor: &Editor,
    id: Option<i32>,
    form: PageForm,
) -> Result<HttpResponse, AppError> {
    let posted = form.clone();
    let user_id = editor.0.user.id;
    let now = state.clock.now();
    let outcome = state
        .write(move |conn, changes| pages::save(conn, changes, id, &form.draft(), user_id, now))
        .await?;
    match outcome {
        Ok(id) => Ok(see_other(&format!("/admin/pages/{id}?saved=true"))),
        Err(errors) => {
            // The form comes back with everything typed.
            let page = match id {
                Some(id) => {
                    Some(db::run(&state.pool, move |conn| Ok(Page::find(conn, id)?)).await?)
                }
                None => None,
            };
            editor_page(state, &editor.0, page, posted, errors, None, false).await
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: Protected<PageForm>,
) -> Result<HttpResponse, AppError> {
    save(&state, &editor, None, form.0).await
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<PageForm>,
) -> Result<HttpResponse, AppError> {
    save(&state, &editor, Some(id.into_inner()), form.0).await
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    id: web::Path<i32>,
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.0.is_confirmed() {
        let title = db::run(&state.pool, move |conn| Ok(Page::find(conn, id)?.title)).await?;
        let deletion = Deletion {
            kind: "page",
            name: title,
            consequence: "Its address stops working and it leaves the footer menu. Its \
                          revisions are deleted with it."
                .into(),
            action: format!("/admin/pages/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/pages",
        };
        return confirm::ask_to_delete(&state, &editor.0, "pages", deletion);
    }
    let user_id = editor.0.user.id;
    let now = state.clock.now();
    state
        .write(move |conn, changes| pages::delete(conn, changes, id, user_id, now))
        .await?;
    Ok(see_other("/admin/pages"))
}

/// The footer menu form: a `place-{id}` field per page, empty for pages kept out of it.
#[derive(Debug, Deserialize)]
pub struct MenuForm {
    csrf_token: String,
    #[serde(flatten)]
    places: HashMap<String, String>,
}

impl CsrfProtected for MenuForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub async fn set_menu(
    state: web::Data<AppState>,
    admin: Admin,
    form: Protected<MenuForm>,
) -> Result<HttpResponse, AppError> {
    let positions: Vec<(i32, String)> = form
        .0
        .places
        .into_iter()
        .filter_map(|(name, place)| {
            let id = name.strip_prefix("place-")?.parse().ok()?;
            Some((id, place))
        })
        .collect();
    let typed: HashMap<i32, String> = positions.iter().cloned().collect();
    let outcome = state
        .write(move |conn, changes| pages::set_menu(conn, changes, &positions))
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/pages")),
        Err(errors) => {
            let problem = errors.into_iter().next().map(|e| e.message);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list_page(&state, &admin.0, problem, typed, status).await
        }
    }
}
