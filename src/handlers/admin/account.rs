//! `/admin/account`: every staff member changes their own password here. The current password
//! is asked for (a session left open on a shared computer must not be enough), and every other
//! session of the account ends.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::{self, AccountError};
use crate::auth::{self, CsrfProtected, Protected, Staff};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::session::MAX_PASSWORD_BYTES;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::handlers::see_other;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

impl CsrfProtected for PasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template)]
#[template(path = "admin/account.html")]
pub struct AccountTemplate {
    pub layout: AdminLayout,
    pub email: String,
    pub min_password_chars: usize,
    pub problem: Option<String>,
    pub notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    changed: Option<String>,
}

const FIRST_LOGIN: &str =
    "You logged in with a one-time password. Choose your own password to go on.";

fn page(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_admin(
        &AccountTemplate {
            layout: AdminLayout::new(state, staff, "account"),
            email: staff.user.email.clone(),
            min_password_chars: auth::MIN_PASSWORD_CHARS,
            problem,
            notice,
        },
        status,
    )
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = if query.changed.is_some() {
        Some("Your password was changed. Your other sessions have ended.")
    } else if staff.user.must_change_password {
        Some(FIRST_LOGIN)
    } else {
        None
    };
    page(&state, &staff, None, notice, StatusCode::OK)
}

pub async fn change_password(
    state: web::Data<AppState>,
    staff: Staff,
    form: Protected<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let refuse = |message: &str| {
        page(
            &state,
            &staff,
            Some(message.to_string()),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if form.new_password.len() > MAX_PASSWORD_BYTES
        || form.current_password.len() > MAX_PASSWORD_BYTES
    {
        return refuse("Passwords are at most 1,024 bytes long.");
    }
    if form.new_password != form.confirm_password {
        return refuse("The new password and its confirmation are not the same. Type them again.");
    }
    let hash = staff.user.password_hash.clone();
    let valid = auth::verify_password_in_turn(&state, hash, form.current_password).await?;
    if !valid {
        return refuse("Your current password is not right. Type it again.");
    }
    let now = state.clock.now();
    let (user, keep) = (staff.user.clone(), staff.session.token_hash.clone());
    let password = form.new_password;
    let changed = db::run(&state.pool, move |conn| {
        match accounts::change_password(conn, &user, &password, Some(&keep), now) {
            Ok(()) => Ok(Ok(())),
            Err(AccountError::Invalid(message)) => Ok(Err(message)),
            Err(AccountError::Failed(error)) => Err(error),
        }
    })
    .await?;
    match changed {
        Ok(()) => Ok(see_other("/admin/account?changed=1")),
        Err(message) => refuse(&format!("{}.", capitalized(&message))),
    }
}

fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
