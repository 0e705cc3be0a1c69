//! Staff accounts: who can log in to `/admin`, with which role.

use chrono::NaiveDateTime;
use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::stored_as_text::stored_as_text;
use crate::db::DbConnection;
use crate::schema::{articles, users};

/// What a staff member may do. Ordered: each role can do everything the ones before it can.
/// Stored as its `as_str` text (the migration's CHECK constraint lists the same words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
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

    pub const ALL: [Role; 3] = [Role::Writer, Role::Editor, Role::Admin];

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == raw)
    }
}

stored_as_text!(Role, "role");

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub author_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Logged in with a one-time password an admin set: must choose their own first.
    pub must_change_password: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub author_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    pub fn role(&self) -> Role {
        self.role
    }

    /// Emails are compared without case: `Ana@Example.com` is `ana@example.com`.
    pub fn normalize_email(email: &str) -> String {
        email.trim().to_lowercase()
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(User::normalize_email(email)))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
        users::table
            .order(users::email)
            .select(User::as_select())
            .load(conn)
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewUser) -> QueryResult<User> {
        crate::on_each_backend!(conn, |inner| diesel::insert_into(users::table)
            .values(new)
            .returning(User::as_returning())
            .get_result(inner))
    }

    /// Stores a new password hash; `one_time` marks it as one the user must replace.
    pub fn set_password_hash(
        conn: &mut DbConnection,
        id: i32,
        hash: &str,
        one_time: bool,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(one_time),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// True when the user created this article (writers may edit only those).
    pub fn owns_article(&self, conn: &mut DbConnection, article_id: i32) -> QueryResult<bool> {
        let owner: Option<Option<i32>> = articles::table
            .find(article_id)
            .select(articles::created_by)
            .first(conn)
            .optional()?;
        Ok(owner.flatten() == Some(self.id))
    }

    /// How many accounts have the admin role.
    pub fn count_admins(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq(Role::Admin))
            .count()
            .get_result(conn)
    }

    pub fn set_role_and_byline(
        conn: &mut DbConnection,
        id: i32,
        role: Role,
        author_id: Option<i32>,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::role.eq(role),
                users::author_id.eq(author_id),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes the account; the articles it created stay, with no creator.
    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::update(articles::table.filter(articles::created_by.eq(id)))
            .set(articles::created_by.eq(None::<i32>))
            .execute(conn)?;
        diesel::delete(users::table.find(id)).execute(conn)?;
        Ok(())
    }
}
