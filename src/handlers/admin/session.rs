//! `/admin/login` and `/admin/logout`: passwords checked against argon2id hashes, a new session
//! (and token) at every login, throttling after repeated failures.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{self, LOGIN_COOKIE, Protected, SESSION_COOKIE, Staff, staff_cookie};
use crate::client;
use crate::db;
use crate::error::AppError;
use crate::handlers::admin::{TokenOnly, render_admin};
use crate::models::session::{LoginKeys, Session, Throttle};
use crate::models::{User, audit};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginTemplate {
    pub site_name: String,
    pub stylesheet_url: String,
    pub email: String,
    pub next: String,
    pub login_token: String,
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
    /// Matches the login cookie: a login posted from another site (logging the victim into the
    /// attacker's account) has no way to know it.
    #[serde(default)]
    login_token: String,
}

/// The longest email address there can be (RFC 5321).
pub const MAX_EMAIL_BYTES: usize = 254;
/// Longer than any password manager makes; hashing more would be work for an attacker to cause.
pub const MAX_PASSWORD_BYTES: usize = 1_024;
/// The login form's whole body: the fields above and a little more.
pub const LOGIN_BODY_LIMIT: usize = 4_096;

/// Only paths inside the admin are followed after login: never another site.
fn safe_next(next: &str) -> String {
    let next = next.trim();
    if next.starts_with("/admin") && !next.starts_with("//") && !next.contains("\\") {
        next.to_string()
    } else {
        "/admin".to_string()
    }
}

/// The login page, with the form's token (the one the browser's login cookie holds, or a new
/// one set with the page).
fn login_page(
    state: &AppState,
    request: &HttpRequest,
    email: &str,
    next: &str,
    message: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (login_cookie, login_path) =
        staff_cookie(LOGIN_COOKIE, state.config.is_https(), "/admin/login");
    let existing = request
        .cookie(&login_cookie)
        .map(|c| c.value().to_string())
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    let login_token = existing.clone().unwrap_or_else(auth::random_token);
    let mut response = render_admin(
        &LoginTemplate {
            site_name: state.config.site_name.clone(),
            stylesheet_url: state.assets.url("css/admin.css"),
            email: email.chars().take(MAX_EMAIL_BYTES).collect(),
            next: safe_next(next),
            login_token: login_token.clone(),
            message,
        },
        status,
    )?;
    if existing.is_none() {
        let cookie = Cookie::build(login_cookie, login_token)
            .path(login_path)
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(state.config.is_https())
            .finish();
        response
            .add_cookie(&cookie)
            .map_err(|e| AppError::internal(format!("login cookie: {e}")))?;
    }
    Ok(response)
}

pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = query.next.as_deref().unwrap_or("/admin");
    login_page(&state, &request, "", next, None, StatusCode::OK)
}

/// The client as the audit log and throttling name it.
fn client_address(state: &AppState, request: &HttpRequest) -> String {
    state
        .client_address(request)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let (name, path) = staff_cookie(SESSION_COOKIE, state.config.is_https(), "/admin");
    Cookie::build(name, token)
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.is_https())
        .finish()
}

/// The login form's cookie, expired (it is single-use).
fn used_login_cookie(state: &AppState) -> Cookie<'static> {
    let (name, path) = staff_cookie(LOGIN_COOKIE, state.config.is_https(), "/admin/login");
    let mut used = Cookie::build(name, "")
        .path(path)
        .secure(state.config.is_https())
        .finish();
    used.set_max_age(CookieDuration::ZERO);
    used
}

enum LoginOutcome {
    LoggedIn {
        token: String,
        must_change_password: bool,
    },
    Refused,
}

/// What a login attempt found before the password is checked.
enum Attempt {
    Wait(i64),
    Check { user: Option<User> },
}

pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let again = |message: &str, status: StatusCode| {
        login_page(
            &state,
            &request,
            &form.email,
            &form.next,
            Some(message.into()),
            status,
        )
    };
    if form.email.len() > MAX_EMAIL_BYTES || form.password.len() > MAX_PASSWORD_BYTES {
        return again(
            "That email or password is longer than any account's. Check it and try again.",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let (login_cookie, _) = staff_cookie(LOGIN_COOKIE, state.config.is_https(), "/admin/login");
    let expected = request.cookie(&login_cookie).map(|c| c.value().to_string());
    if !expected.is_some_and(|token| auth::same_secret(&token, &form.login_token)) {
        return again(
            "This login form had expired. Please log in again.",
            StatusCode::FORBIDDEN,
        );
    }
    let address = client_address(&state, &request);
    let client_key = state
        .client_address(&request)
        .map(client::throttle_key)
        .unwrap_or_default();
    let email = User::normalize_email(&form.email);
    let keys = LoginKeys::new(&email, &client_key);
    let now = state.clock.now();

    // 1. Is this client waiting, and whose hash is it? (The connection goes back to the pool
    //    before the slow part.)
    let lookup = {
        let (keys, email) = (keys.clone(), email.clone());
        db::run(&state.pool, move |conn| {
            if let Some(until) = Throttle::blocked_until(conn, &keys, now)? {
                return Ok(Attempt::Wait((until - now).num_seconds().max(1)));
            }
            Ok(Attempt::Check {
                user: User::find_by_email(conn, &email)?,
            })
        })
        .await?
    };
    let user = match lookup {
        Attempt::Wait(seconds) => return Err(AppError::TooManyRequests(seconds)),
        Attempt::Check { user } => user,
    };

    // 2. The password, a few checks at a time. An unknown email costs a check too and gets the
    //    same answer as a wrong password.
    let hash = user
        .as_ref()
        .map_or(auth::dummy_hash().to_string(), |u| u.password_hash.clone());
    let valid = auth::verify_password_in_turn(&state, hash, form.password.clone()).await?;

    // 3. Count the failure, or open the session.
    let (session_name, _) = staff_cookie(SESSION_COOKIE, state.config.is_https(), "/admin");
    let previous = request
        .cookie(&session_name)
        .map(|c| auth::token_hash(c.value()));
    let outcome = db::run(&state.pool, move |conn| {
        let user = match user {
            Some(user) if valid => user,
            known_or_not => {
                Throttle::record_failure(conn, &keys, now)?;
                // What was typed as the email is sometimes a password: only a known account's
                // address is written down.
                let subject = known_or_not
                    .as_ref()
                    .map_or("(unknown account)", |u| u.email.as_str());
                let user_id = known_or_not.as_ref().map(|u| u.id);
                audit::record(conn, now, user_id, "login.failed", subject, "", &address)?;
                return Ok(LoginOutcome::Refused);
            }
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
            audit::record(conn, now, Some(user.id), "login", &user.email, "", &address)?;
            Ok(LoginOutcome::LoggedIn {
                token,
                must_change_password: user.must_change_password,
            })
        })
    })
    .await?;
    match outcome {
        LoginOutcome::LoggedIn {
            token,
            must_change_password,
        } => {
            let used = used_login_cookie(&state);
            let next = if must_change_password {
                "/admin/account?first=1".to_string()
            } else {
                safe_next(&form.next)
            };
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, next))
                .cookie(session_cookie(&state, token))
                .cookie(used)
                .finish())
        }
        LoginOutcome::Refused => again(
            "That email and password don't match an account. Check them and try again.",
            StatusCode::UNAUTHORIZED,
        ),
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    staff: Staff,
    _form: Protected<TokenOnly>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let address = client_address(&state, &request);
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
