//! `/admin/login` and `/admin/logout`: passwords checked against argon2id hashes, a new session
//! (and token) at every login, throttling after repeated failures.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{self, Protected, SESSION_COOKIE, Staff};
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{TokenOnly, render_admin};
use crate::models::session::{Session, Throttle};
use crate::models::{User, audit};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginTemplate {
    pub site_name: String,
    pub stylesheet_url: String,
    pub email: String,
    pub next: String,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only paths inside the admin are followed after login: never another site.
fn safe_next(next: &str) -> String {
    let next = next.trim();
    if next.starts_with("/admin") && !next.starts_with("//") && !next.contains("\\") {
        next.to_string()
    } else {
        "/admin".to_string()
    }
}

fn login_page(
    state: &AppState,
    email: &str,
    next: &str,
    message: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_admin(
        &LoginTemplate {
            site_name: state.config.site_name.clone(),
            stylesheet_url: state.assets.url("css/admin.css"),
            email: email.to_string(),
            next: safe_next(next),
            message,
        },
        status,
    )
}

pub async fn show(
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    login_page(
        &state,
        "",
        query.next.as_deref().unwrap_or("/admin"),
        None,
        StatusCode::OK,
    )
}

fn client_address(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.base_url.starts_with("https://"))
        .finish()
}

enum LoginOutcome {
    LoggedIn { token: String },
    Refused,
    Wait(i64),
}

pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let address = client_address(&request);
    let email = User::normalize_email(&form.email);
    let keys = vec![format!("email:{email}"), format!("ip:{address}")];
    let now = state.clock.now();
    let previous = request
        .cookie(SESSION_COOKIE)
        .map(|c| auth::token_hash(c.value()));
    let password = form.password.clone();
    let outcome = db::run(&state.pool, move |conn| {
        if let Some(until) = Throttle::blocked_until(conn, &keys, now)? {
            return Ok(LoginOutcome::Wait((until - now).num_seconds().max(1)));
        }
        let user = User::find_by_email(conn, &email)?;
        // An unknown email costs a hash check too, and gets the same answer as a bad password.
        let hash = user
            .as_ref()
            .map_or(auth::dummy_hash(), |u| u.password_hash.as_str());
        let valid = auth::verify_password(hash, &password);
        let Some(user) = user.filter(|_| valid) else {
            Throttle::record_failure(conn, &keys, now)?;
            audit::record(conn, now, None, "login.failed", &email, "", &keys[1])?;
            return Ok(LoginOutcome::Refused);
        };
        db::write_transaction(conn, |conn| {
            Throttle::clear(conn, &keys)?;
            // A fresh session id at every login: a token planted before login is worthless.
            if let Some(previous) = &previous {
                Session::delete(conn, previous)?;
            }
            let token = auth::random_token();
            Session::create(
                conn,
                &auth::token_hash(&token),
                user.id,
                &auth::random_token(),
                now,
            )?;
            audit::record(conn, now, Some(user.id), "login", &user.email, "", &keys[1])?;
            Ok(LoginOutcome::LoggedIn { token })
        })
    })
    .await?;
    match outcome {
        LoginOutcome::LoggedIn { token } => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, safe_next(&form.next)))
            .cookie(session_cookie(&state, token))
            .finish()),
        LoginOutcome::Refused => login_page(
            &state,
            &form.email,
            &form.next,
            Some(
                "That email and password don't match an account. Check them and try again.".into(),
            ),
            StatusCode::UNAUTHORIZED,
        ),
        LoginOutcome::Wait(seconds) => Err(AppError::TooManyRequests(seconds)),
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    staff: Staff,
    _form: Protected<TokenOnly>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let address = client_address(&request);
    let session = staff.session.token_hash.clone();
    db::run(&state.pool, move |conn| {
        Session::delete(conn, &session)?;
        audit::record(
            conn,
            now,
            Some(staff.user.id),
            "logout",
            &staff.user.email,
            "",
            &address,
        )?;
        Ok(())
    })
    .await?;
    let mut expired = session_cookie(&state, String::new());
    expired.set_max_age(CookieDuration::ZERO);
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin/login"))
        .cookie(expired)
        .finish())
}
