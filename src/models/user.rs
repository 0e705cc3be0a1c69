//! Staff accounts: who can log in to `/admin`, with which role.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{articles, users};

/// What a staff member may do. Ordered: each role can do everything the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Writes and edits their own articles; cannot publish.
    Writer,
    /// Edits and publishes every article.
    Editor,
    /// Also manages users, sections and settings.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        [Role::Writer, Role::Editor, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == raw)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub author_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub author_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    pub fn role(&self) -> Role {
        // The CHECK constraint keeps other values out; the least privilege is the safe reading.
        Role::parse(&self.role).unwrap_or(Role::Writer)
    }

    /// Emails are compared without case: `Ana@Example.com` is `ana@example.com`.
    pub fn normalize_email(email: &str) -> String {
        email.trim().to_lowercase()
    }

    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    pub fn find_by_email(conn: &mut SqliteConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(User::normalize_email(email)))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<User>> {
        users::table
            .order(users::email)
            .select(User::as_select())
            .load(conn)
    }

    pub fn count(conn: &mut SqliteConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, new: &NewUser) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(User::as_returning())
            .get_result(conn)
    }

    pub fn set_password_hash(
        conn: &mut SqliteConnection,
        id: i32,
        hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    }

    /// True when the user created this article (writers may edit only those).
    pub fn owns_article(&self, conn: &mut SqliteConnection, article_id: i32) -> QueryResult<bool> {
        let owner: Option<Option<i32>> = articles::table
            .find(article_id)
            .select(articles::created_by)
            .first(conn)
            .optional()?;
        Ok(owner.flatten() == Some(self.id))
    }
}
