//! `/admin/users`: admins create staff accounts, change roles and byline profiles, and remove
//! accounts. Nobody can remove or demote the last admin; a role change ends that person's
//! sessions, and every change is in the audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::{self, AccountError};
use crate::auth::{Admin, CsrfProtected, Protected};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::confirm::{self, Deletion};
use crate::handlers::admin::{AdminLayout, DeleteForm, render_admin};
use crate::handlers::see_other;
use crate::models::{Author, Role, User};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    csrf_token: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
    /// Byline profile id, or empty.
    pub author_id: String,
}

impl CsrfProtected for UserForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersTemplate {
    pub layout: AdminLayout,
    pub users: Vec<User>,
    pub authors: Vec<Author>,
    pub form: UserForm,
    pub problem: Option<String>,
    /// After a reset: whose password, and the one-time password to hand over (shown once).
    pub reset: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    admin: &Admin,
    form: UserForm,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    page_with_reset(state, admin, form, problem, None, status).await
}

async fn page_with_reset(
    state: &AppState,
    admin: &Admin,
    form: UserForm,
    problem: Option<String>,
    reset: Option<(String, String)>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (users, authors) = db::run(&state.pool, |conn| {
        Ok((User::all(conn)?, Author::all_by_name(conn)?))
    })
    .await?;
    render_admin(
        &UsersTemplate {
            layout: AdminLayout::new(state, &admin.0, "users"),
            users,
            authors,
            form,
            problem,
            reset,
        },
        status,
    )
}

pub async fn list(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    let form = UserForm {
        role: "writer".into(),
        ..UserForm::default()
    };
    page(&state, &admin, form, None, StatusCode::OK).await
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| "Choose a role: admin, editor or writer.".to_string())
}

/// A refusal goes back to the person as a message; anything else is an error page.
fn invalid_or_failed(error: AccountError) -> Result<Result<(), String>, AppError> {
    match error {
        AccountError::Invalid(message) => Ok(Err(message)),
        AccountError::Failed(error) => Err(error),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: Protected<UserForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let role = match parse_role(&form.role) {
        Ok(role) => role,
        Err(message) => {
            return page(
                &state,
                &admin,
                form,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let now = state.clock.now();
    let posted = form.clone();
    let created = db::run(&state.pool, move |conn| {
        match accounts::create(
            conn,
            &posted.email,
            &posted.name,
            role,
            &posted.password,
            now,
        ) {
            Ok(user) => {
                let author_id: Option<i32> = posted.author_id.trim().parse().ok();
                User::set_role_and_byline(conn, user.id, role, author_id, now)?;
                Ok(Ok(()))
            }
            Err(AccountError::Invalid(message)) => Ok(Err(message)),
            Err(AccountError::Failed(error)) => Err(error),
        }
    })
    .await?;
    match created {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(message) => {
            let kept = UserForm {
                password: String::new(),
                ..form
            };
            page(
                &state,
                &admin,
                kept,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Changes an account's role and byline profile.
pub async fn update(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i32>,
    form: Protected<UserForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let role = match parse_role(&form.role) {
        Ok(role) => role,
        Err(message) => {
            return page(
                &state,
                &admin,
                UserForm::default(),
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let now = state.clock.now();
    let by = admin.0.user.id;
    let author_id: Option<i32> = form.author_id.trim().parse().ok();
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            accounts::change_role(conn, id, role, author_id, by, now)
        })
        .map_or_else(invalid_or_failed, |()| Ok(Ok(())))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(message) => {
            page(
                &state,
                &admin,
                UserForm::default(),
                Some(message),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i32>,
    form: Protected<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.0.is_confirmed() {
        let user = db::run(&state.pool, move |conn| Ok(User::find(conn, id)?)).await?;
        let deletion = Deletion {
            kind: "account",
            name: format!("{} ({})", user.name, user.email),
            consequence: "They can no longer log in and their sessions end. Their articles, \
                          revisions and byline stay."
                .into(),
            action: format!("/admin/users/{id}/delete"),
            fields: Vec::new(),
            cancel: "/admin/users",
        };
        return confirm::ask_to_delete(&state, &admin.0, "users", deletion);
    }
    let now = state.clock.now();
    let by = admin.0.user.id;
    let outcome = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| accounts::remove(conn, id, by, now))
            .map_or_else(invalid_or_failed, |()| Ok(Ok(())))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(message) => {
            page(
                &state,
                &admin,
                UserForm::default(),
                Some(message),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

/// Gives an account a one-time password, shown once to the admin to hand over; the person
/// must choose their own at their next login, and their sessions end now.
pub async fn reset_password(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i32>,
    _form: Protected<UserForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let by = admin.0.user.clone();
    let (user, one_time) = db::run(&state.pool, move |conn| {
        let user = User::find(conn, id)?;
        let one_time = match accounts::reset_password(conn, &by, &user, now) {
            Ok(password) => password,
            Err(AccountError::Invalid(message)) => return Err(AppError::bad_request(message)),
            Err(AccountError::Failed(error)) => return Err(error),
        };
        Ok((user, one_time))
    })
    .await?;
    let reset = Some((format!("{} ({})", user.name, user.email), one_time));
    page_with_reset(
        &state,
        &admin,
        UserForm::default(),
        None,
        reset,
        StatusCode::OK,
    )
    .await
}
