//! Staff sessions (server-side, keyed by the hash of the cookie's token) and login throttling.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::schema::{login_throttle, sessions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

impl Session {
    pub fn create(
        conn: &mut SqliteConnection,
        token_hash: &str,
        user_id: i32,
        csrf_token: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::user_id.eq(user_id),
                sessions::csrf_token.eq(csrf_token),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut SqliteConnection, token_hash: &str) -> QueryResult<Option<Session>> {
        sessions::table
            .find(token_hash)
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    /// Marks the session used now; written at most once a minute per session.
    pub fn touch(&self, conn: &mut SqliteConnection, now: NaiveDateTime) -> QueryResult<()> {
        if now - self.last_seen_at < TimeDelta::minutes(1) {
            return Ok(());
        }
        diesel::update(sessions::table.find(&self.token_hash))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut SqliteConnection, token_hash: &str) -> QueryResult<()> {
        diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
        Ok(())
    }

    /// Ends every session of a user (password change, role change, removal).
    pub fn delete_for_user(conn: &mut SqliteConnection, user_id: i32) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }
}

/// Failed logins under one key ("email:…" or "ip:…").
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_throttle)]
pub struct Throttle {
    pub key: String,
    pub failures: i32,
    pub last_failure_at: NaiveDateTime,
    pub blocked_until: Option<NaiveDateTime>,
}

/// Failures allowed before attempts must wait.
pub const FREE_ATTEMPTS: i32 = 5;
/// Failures older than this are forgotten.
const FORGET_AFTER: TimeDelta = TimeDelta::hours(1);

impl Throttle {
    /// When the next attempt under any of these keys may be made, if it must wait.
    pub fn blocked_until(
        conn: &mut SqliteConnection,
        keys: &[String],
        now: NaiveDateTime,
    ) -> QueryResult<Option<NaiveDateTime>> {
        let rows: Vec<Throttle> = login_throttle::table
            .filter(login_throttle::key.eq_any(keys))
            .select(Throttle::as_select())
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|t| t.blocked_until)
            .filter(|until| *until > now)
            .max())
    }

    /// Records a failure under each key. From the sixth failure on, the next attempt waits
    /// 2, 4, 8 … seconds (at most 15 minutes), so guessing is slow but nobody is locked out
    /// for good.
    pub fn record_failure(
        conn: &mut SqliteConnection,
        keys: &[String],
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        for key in keys {
            let existing: Option<Throttle> = login_throttle::table
                .find(key)
                .select(Throttle::as_select())
                .first(conn)
                .optional()?;
            let failures = match existing {
                Some(t) if now - t.last_failure_at < FORGET_AFTER => t.failures + 1,
                _ => 1,
            };
            let blocked_until = (failures > FREE_ATTEMPTS).then(|| {
                let exponent = (failures - FREE_ATTEMPTS).min(10) as u32;
                now + TimeDelta::seconds((1i64 << exponent).min(15 * 60))
            });
            diesel::replace_into(login_throttle::table)
                .values((
                    login_throttle::key.eq(key),
                    login_throttle::failures.eq(failures),
                    login_throttle::last_failure_at.eq(now),
                    login_throttle::blocked_until.eq(blocked_until),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn clear(conn: &mut SqliteConnection, keys: &[String]) -> QueryResult<()> {
        diesel::delete(login_throttle::table.filter(login_throttle::key.eq_any(keys)))
            .execute(conn)?;
        Ok(())
    }
}
