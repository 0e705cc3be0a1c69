//! Staff authentication: argon2id passwords, server-side sessions behind a random cookie token,
//! CSRF tokens, and the role extractors (`Staff`, `Editor`, `Admin`) that make a handler
//! unreachable without the right role.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{NaiveDateTime, TimeDelta};
use rand_core::{OsRng, RngCore};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::db;
use crate::error::AppError;
use crate::models::session::Session;
use crate::models::{Role, User};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "gazette_session";
pub const LOGIN_COOKIE: &str = "gazette_login";

/// A staff cookie's name and path. Over https the names carry the `__Host-` prefix: browsers
/// then take the cookie only with `Secure`, `Path=/` and no `Domain`, so no subdomain and no
/// plain-http page can plant or overwrite it. Over plain http (a laptop) they are scoped to the
/// admin paths instead.
pub fn staff_cookie(name: &'static str, https: bool, path: &'static str) -> (String, &'static str) {
    if https {
        (format!("__Host-{name}"), "/")
    } else {
        (name.to_string(), path)
    }
}
/// A session unused this long ends, unless configured otherwise (`Config::session_idle`).
pub const DEFAULT_IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
/// A session ends this long after login, however busy.
pub const ABSOLUTE_TIMEOUT: TimeDelta = TimeDelta::hours(12);
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(format!("password hashing: {e}")))
}

pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks `typed` against `stored_hash` on the blocking pool, at most
/// `AppState::password_checks` at once (each check takes tens of milliseconds of a core and
/// ~20 MB), and without holding a database connection.
pub async fn verify_password_in_turn(
    state: &AppState,
    stored_hash: String,
    typed: String,
) -> Result<bool, AppError> {
    let _turn = state
        .password_checks
        .acquire()
        .await
        .map_err(AppError::internal)?;
    web::block(move || verify_password(&stored_hash, &typed))
        .await
        .map_err(AppError::internal)
}

/// A hash that no password matches, verified against when the email is unknown, so an unknown
/// account takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$u3wpC4xnvI/tN8LEoXq8aZnbUoOnYvKAGo3LyXytpnQ"
}

/// 32 random bytes, hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database stores for a session token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn session_expired(session: &Session, now: NaiveDateTime, idle: TimeDelta) -> bool {
    now - session.last_seen_at > idle || now - session.created_at > ABSOLUTE_TIMEOUT
}

/// A logged-in staff member, any role.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub session: Session,
}

impl Staff {
    pub fn role(&self) -> Role {
        self.user.role()
    }

    /// The session's CSRF token as a page carries it: masked with fresh random bytes, so no two
    /// responses hold the same string and compression cannot be used to guess it (BREACH).
    pub fn masked_csrf_token(&self) -> String {
        mask_token(&self.session.csrf_token)
    }

    /// True when `submitted` (as a page carried it) is this session's CSRF token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        unmask_token(submitted).is_some_and(|token| same_secret(&token, &self.session.csrf_token))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// `mask ‖ (token ⊕ mask)`, in hex.
fn mask_token(token: &str) -> String {
    let token = unhex(token).unwrap_or_default();
    let mut mask = vec![0u8; token.len()];
    OsRng.fill_bytes(&mut mask);
    let masked: Vec<u8> = token.iter().zip(&mask).map(|(t, m)| t ^ m).collect();
    format!("{}{}", hex(&mask), hex(&masked))
}

fn unmask_token(submitted: &str) -> Option<String> {
    let bytes = unhex(submitted)?;
    if bytes.is_empty() {
        return None;
    }
    let (mask, masked) = bytes.split_at(bytes.len() / 2);
    let token: Vec<u8> = mask.iter().zip(masked).map(|(m, x)| m ^ x).collect();
    Some(hex(&token))
}

fn login_required(request: &HttpRequest) -> AppError {
    let next = match request.query_string() {
        "" => request.path().to_string(),
        query => format!("{}?{query}", request.path()),
    };
    AppError::LoginRequired { next }
}

async fn load_staff(request: HttpRequest) -> Result<Staff, AppError> {
    if let Some(staff) = request.extensions().get::<Staff>() {
        return Ok(staff.clone());
    }
    let state = request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let (name, _) = staff_cookie(SESSION_COOKIE, state.config.is_https(), "/admin");
    let Some(cookie) = request.cookie(&name) else {
        return Err(login_required(&request));
    };
    let hash = token_hash(cookie.value());
    let now = state.clock.now();
    let idle = state.config.session_idle;
    let found = db::run(&state.pool, move |conn| {
        let Some(session) = Session::find(conn, &hash)? else {
            return Ok(None);
        };
        if session_expired(&session, now, idle) {
            Session::delete(conn, &session.token_hash)?;
            return Ok(None);
        }
        session.touch(conn, now)?;
        let user = User::find(conn, session.user_id)?;
        Ok(Some(Staff { user, session }))
    })
    .await?;
    let staff = found.ok_or_else(|| login_required(&request))?;
    // After an admin's reset, the one-time password opens only the page to replace it.
    let may_wait = matches!(
        request.path(),
        "/admin/account" | "/admin/account/password" | "/admin/logout"
    );
    if staff.user.must_change_password && !may_wait {
        return Err(AppError::PasswordChangeRequired);
    }
    request.extensions_mut().insert(staff.clone());
    Ok(staff)
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff, AppError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(load_staff(request.clone()))
    }
}

/// A logged-in editor or admin.
#[derive(Debug, Clone)]
pub struct Editor(pub Staff);

impl FromRequest for Editor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Editor, AppError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let staff = load_staff(request).await?;
            if staff.role() >= Role::Editor {
                Ok(Editor(staff))
            } else {
                Err(AppError::Forbidden)
            }
        })
    }
}

/// A logged-in admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Admin, AppError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let staff = load_staff(request).await?;
            if staff.role() == Role::Admin {
                Ok(Admin(staff))
            } else {
                Err(AppError::Forbidden)
            }
        })
    }
}

/// A form that carries a `csrf_token` field.
pub trait CsrfProtected {
    fn csrf_token(&self) -> &str;
}

/// A posted admin form whose CSRF token matched the session's: the only way admin handlers
/// read form bodies, so none can skip the check.
pub struct Protected<T>(pub T);

impl<T: DeserializeOwned + CsrfProtected + 'static> FromRequest for Protected<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Protected<T>, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let form = web::Form::<T>::from_request(&request, payload);
        Box::pin(async move {
            let staff = load_staff(request).await?;
            let form = form
                .await
                .map_err(|e| AppError::bad_request(format!("The form could not be read: {e}.")))?
                .into_inner();
            if !staff.csrf_matches(form.csrf_token()) {
                return Err(AppError::Forbidden);
            }
            Ok(Protected(form))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong"));
        assert!(!verify_password(dummy_hash(), "anything"));
        assert!(!verify_password("not a hash", "anything"));
    }

    #[test]
    fn csrf_tokens_are_masked_differently_each_time_and_unmask_to_the_same() {
        let token = random_token();
        let (a, b) = (mask_token(&token), mask_token(&token));
        assert_ne!(a, b, "no two pages carry the same string");
        assert_eq!(a.len(), 128);
        assert_eq!(unmask_token(&a).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(&b).as_deref(), Some(token.as_str()));
        assert!(
            !same_secret(&unmask_token(&token).unwrap(), &token),
            "unmasked is refused"
        );
        assert_eq!(unmask_token("not hex"), None);
        assert_eq!(unmask_token(""), None);
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }
}
