//! Creating staff accounts and changing passwords: the rules shared by the command line and the
//! admin pages.

use crate::db::DbConnection;
use chrono::NaiveDateTime;

use crate::auth::{self, MIN_PASSWORD_CHARS};
use crate::error::AppError;
use crate::models::session::Session;
use crate::models::user::NewUser;
use crate::models::{Role, User, audit};

/// Why an account could not be created or changed, for the person typing.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for AccountError {
    fn from(error: diesel::result::Error) -> AccountError {
        AccountError::Failed(error.into())
    }
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::Invalid(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
    now: NaiveDateTime,
) -> Result<User, AccountError> {
    let email = User::normalize_email(email);
    let valid_email = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
    });
    if !valid_email {
        return Err(AccountError::Invalid(format!(
            "\"{email}\" is not an email address"
        )));
    }
    if name.trim().is_empty() {
        return Err(AccountError::Invalid("the name must not be empty".into()));
    }
    check_password(password)?;
    if User::find_by_email(conn, &email)?.is_some() {
        return Err(AccountError::Invalid(format!(
            "an account for {email} already exists"
        )));
    }
    let hash = auth::hash_password(password)?;
    let user = User::insert(
        conn,
        &NewUser {
            email: &email,
            name: name.trim(),
            role,
            password_hash: &hash,
            author_id: None,
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(conn, now, None, "user.create", &email, role.as_str(), "")?;
    Ok(user)
}

/// Sets a new password and ends every session of the account but `keep` (the session of a
/// person changing their own password).
pub fn change_password(
    conn: &mut DbConnection,
    user: &User,
    password: &str,
    keep: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    check_password(password)?;
    let hash = auth::hash_password(password)?;
    User::set_password_hash(conn, user.id, &hash, false, now)?;
    match keep {
        Some(token_hash) => Session::delete_others(conn, user.id, token_hash)?,
        None => Session::delete_for_user(conn, user.id)?,
    };
    audit::record(
        conn,
        now,
        Some(user.id),
        "user.password",
        &user.email,
        "",
        "",
    )?;
    Ok(())
}

/// Gives `user` a new random one-time password, which `admin` hands over: every session of the
/// account ends, and at their next login they must choose their own before anything else.
pub fn reset_password(
    conn: &mut DbConnection,
    admin: &User,
    user: &User,
    now: NaiveDateTime,
) -> Result<String, AccountError> {
    // 16 hex digits (64 random bits): typed once, then replaced.
    let one_time = auth::random_token()[..16].to_string();
    let hash = auth::hash_password(&one_time)?;
    crate::db::write_transaction(conn, |conn| {
        User::set_password_hash(conn, user.id, &hash, true, now)?;
        Session::delete_for_user(conn, user.id)?;
        audit::record(
            conn,
            now,
            Some(admin.id),
            "user.password_reset",
            &user.email,
            "",
            "",
        )
    })?;
    Ok(one_time)
}

/// Changes an account's role and byline profile. The last admin cannot be demoted; a role
/// change ends that person's sessions (they log in again under the new role).
pub fn change_role(
    conn: &mut DbConnection,
    id: i32,
    role: Role,
    author_id: Option<i32>,
    by: i32,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = User::find(conn, id)?;
    if user.role == Role::Admin && role != Role::Admin && User::count_admins(conn)? <= 1 {
        return Err(AccountError::Invalid(
            "This is the last admin: make someone else an admin first.".into(),
        ));
    }
    User::set_role_and_byline(conn, id, role, author_id, now)?;
    if user.role != role {
        Session::delete_for_user(conn, id)?;
        let change = format!("{} → {}", user.role, role);
        audit::record(conn, now, Some(by), "user.role", &user.email, &change, "")?;
    }
    Ok(())
}

/// Removes an account; the last admin cannot be removed.
pub fn remove(
    conn: &mut DbConnection,
    id: i32,
    by: i32,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = User::find(conn, id)?;
    if user.role == Role::Admin && User::count_admins(conn)? <= 1 {
        return Err(AccountError::Invalid(
            "This is the last admin and cannot be removed.".into(),
        ));
    }
    User::delete(conn, id)?;
    let role = user.role.as_str();
    audit::record(conn, now, Some(by), "user.delete", &user.email, role, "")?;
    Ok(())
}
