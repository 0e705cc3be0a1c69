//! The one error type of the web layer: each variant is a status and a message for the reader;
//! causes are logged once, never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No staff session: the browser is sent to the login page, then back to `next`.
    #[error("login required")]
    LoginRequired { next: String },
    /// Logged in with a one-time password: its owner must choose their own first.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests: retry in {0} s")]
    TooManyRequests(i64),
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("not found")]
    NotFound,
    /// Not found, with a reason worth telling the reader (a search page past the last one
    /// shown).
    #[error("not found: {0}")]
    NotFoundBecause(String),
    #[error("gone")]
    Gone,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The database is busy past its timeouts or unreachable: worth retrying shortly.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// Wraps an unexpected failure; the cause goes to the log when the response is built.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }

    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::BadRequest(message.into())
    }

    /// The headline and explanation shown on the error page.
    pub fn public_message(&self) -> (&'static str, String) {
        match self {
            AppError::LoginRequired { .. } => (
                "Please log in",
                "This page is for newsroom staff. Log in to continue.".into(),
            ),
            AppError::PasswordChangeRequired => (
                "Choose your password",
                "Choose a new password before you go on.".into(),
            ),
            AppError::Forbidden => (
                "You can't do that",
                "Your account does not have permission for this page or action. Ask an editor or an administrator if you need it.".into(),
            ),
            AppError::TooLarge(message) => ("That is too large", message.clone()),
            AppError::TooManyRequests(seconds) => (
                "Too many attempts",
                format!("Too many failed attempts. Please try again in {seconds} seconds."),
            ),
            AppError::NotFound => (
                "Page not found",
                "We couldn't find the page you asked for. It may have moved, or the address may be mistyped.".into(),
            ),
            AppError::NotFoundBecause(message) => ("Page not found", message.clone()),
            AppError::Gone => (
                "This article is no longer available",
                "The article that was published at this address has been withdrawn.".into(),
            ),
            AppError::BadRequest(message) => ("That request didn't make sense", message.clone()),
            AppError::Unavailable(_) => (
                "Back in a moment",
                "The site is very busy or briefly out of reach of its database. Please try again in a few seconds.".into(),
            ),
            AppError::Internal(_) => (
                "Something went wrong",
                "An error on our side stopped this page from loading. Please try again in a moment.".into(),
            ),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> AppError {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound,
            // SQLITE_BUSY after the busy timeout: another writer held the lock too long.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
                AppError::Unavailable(info.message().to_string())
            }
            // PostgreSQL text cannot hold a NUL character (SQLite stores it). Such input can
            // only be typed on purpose: it matches nothing and is not stored.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence")
                    && info.message().contains("0x00") =>
            {
                AppError::BadRequest(
                    "The request holds a NUL character, which no text here can contain.".into(),
                )
            }
            // PostgreSQL cancelled a statement past the statement timeout, or lost the
            // connection: worth retrying shortly, like a busy SQLite.
            diesel::result::Error::DatabaseError(_, info)
                if info
                    .message()
                    .contains("canceling statement due to statement timeout")
                    || info.message().contains("server closed the connection") =>
            {
                AppError::Unavailable(info.message().to_string())
            }
            other => AppError::internal(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> AppError {
        AppError::internal(format!("template: {error}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::LoginRequired { .. } | AppError::PasswordChangeRequired => {
                StatusCode::SEE_OTHER
            }
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::NotFound | AppError::NotFoundBecause(_) => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare response: the error-page middleware (`pages::error`) renders the page in the site
    /// layout, where the navigation is at hand.
    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "request failed"),
            AppError::LoginRequired { next } => {
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                return HttpResponse::SeeOther()
                    .insert_header((
                        actix_web::http::header::LOCATION,
                        format!("/admin/login?{query}"),
                    ))
                    .finish();
            }
            AppError::PasswordChangeRequired => {
                return HttpResponse::SeeOther()
                    .insert_header((actix_web::http::header::LOCATION, "/admin/account?first=1"))
                    .finish();
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                return HttpResponse::ServiceUnavailable()
                    .insert_header((actix_web::http::header::RETRY_AFTER, "5"))
                    .finish();
            }
            AppError::TooManyRequests(seconds) => {
                return HttpResponse::TooManyRequests()
                    .insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()))
                    .finish();
            }
            _ => {}
        }
        HttpResponse::build(self.status_code()).finish()
    }
}
