//! Staff sessions (server-side, keyed by the hash of the cookie's token) and login throttling.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConnection;
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
        conn: &mut DbConnection,
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

    pub fn find(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Session>> {
        sessions::table
            .find(token_hash)
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    /// Marks the session used now; written at most once a minute per session.
    pub fn touch(&self, conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<()> {
        if now - self.last_seen_at < TimeDelta::minutes(1) {
            return Ok(());
        }
        diesel::update(sessions::table.find(&self.token_hash))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut DbConnection, token_hash: &str) -> QueryResult<()> {
        diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
        Ok(())
    }

    /// Deletes sessions idle longer than `idle` or older than `absolute`.
    pub fn delete_expired(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        idle: TimeDelta,
        absolute: TimeDelta,
    ) -> QueryResult<usize> {
        diesel::delete(
            sessions::table.filter(
                sessions::last_seen_at
                    .lt(now - idle)
                    .or(sessions::created_at.lt(now - absolute)),
            ),
        )
        .execute(conn)
    }

    /// Ends every session of a user (password change, role change, removal).
    pub fn delete_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Ends every session of a user but the one they are using (their own password change).
    pub fn delete_others(
        conn: &mut DbConnection,
        user_id: i32,
        keep_token_hash: &str,
    ) -> QueryResult<usize> {
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::token_hash.ne(keep_token_hash)),
        )
        .execute(conn)
    }
}

/// Failed logins under one key (see [`LoginKeys`]).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_throttle)]
pub struct Throttle {
    pub key: String,
    pub failures: i32,
    pub last_failure_at: NaiveDateTime,
    pub blocked_until: Option<NaiveDateTime>,
}

/// Failures are forgotten this long after the last one.
const FORGET_AFTER: TimeDelta = TimeDelta::hours(1);
/// The longest wait a run of failures can impose.
const LONGEST_WAIT_SECONDS: i64 = 15 * 60;

/// What one login attempt is counted under, and how many failures each allows before the next
/// attempt must wait (2, 4, 8 … seconds, at most 15 minutes: guessing is slow, nobody is locked
/// out for good).
///
/// - `pair`: this account from this client. A client that fails keeps failing alone.
/// - `client`: this client, whatever the accounts (one guesser trying many).
/// - `account`: this account from anywhere (guessing spread over many clients). It slows only
///   clients that have failed on it themselves: nobody can lock a staff member out by failing on
///   their account from elsewhere.
#[derive(Debug, Clone)]
pub struct LoginKeys {
    pub pair: String,
    pub client: String,
    pub account: String,
}

pub const PAIR_FREE_FAILURES: i32 = 5;
const CLIENT_FREE_FAILURES: i32 = 20;
const ACCOUNT_FREE_FAILURES: i32 = 50;

impl LoginKeys {
    /// `email` normalized; `client` as `client::throttle_key` writes it.
    pub fn new(email: &str, client: &str) -> LoginKeys {
        LoginKeys {
            pair: format!("pair:{email}|{client}"),
            client: format!("client:{client}"),
            account: format!("account:{email}"),
        }
    }

    fn with_allowances(&self) -> [(&str, i32); 3] {
        [
            (&self.pair, PAIR_FREE_FAILURES),
            (&self.client, CLIENT_FREE_FAILURES),
            (&self.account, ACCOUNT_FREE_FAILURES),
        ]
    }
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    failures: i32,
}

impl Throttle {
    /// When the next attempt under these keys may be made, if it must wait.
    pub fn blocked_until(
        conn: &mut DbConnection,
        keys: &LoginKeys,
        now: NaiveDateTime,
    ) -> QueryResult<Option<NaiveDateTime>> {
        let rows: Vec<Throttle> = login_throttle::table
            .filter(login_throttle::key.eq_any([&keys.pair, &keys.client, &keys.account]))
            .select(Throttle::as_select())
            .load(conn)?;
        let pair_has_failed = rows
            .iter()
            .any(|t| t.key == keys.pair && now - t.last_failure_at < FORGET_AFTER);
        Ok(rows
            .into_iter()
            .filter(|t| t.key != keys.account || pair_has_failed)
            .filter_map(|t| t.blocked_until)
            .filter(|until| *until > now)
            .max())
    }

    /// Counts a failure under each key, each count one statement (concurrent failures on
    /// several servers all count), in one transaction.
    pub fn record_failure(
        conn: &mut DbConnection,
        keys: &LoginKeys,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        crate::db::write_transaction(conn, |conn| {
            for (key, free) in keys.with_allowances() {
                let counted: Counted = diesel::sql_query(crate::db::sql(
                    conn,
                    "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until)
                     VALUES (?, 1, ?, NULL)
                     ON CONFLICT (key) DO UPDATE SET
                       failures = CASE WHEN login_throttle.last_failure_at < ? THEN 1
                                       ELSE login_throttle.failures + 1 END,
                       last_failure_at = excluded.last_failure_at
                     RETURNING failures",
                ))
                .bind::<diesel::sql_types::Text, _>(key)
                .bind::<diesel::sql_types::Timestamp, _>(now)
                .bind::<diesel::sql_types::Timestamp, _>(now - FORGET_AFTER)
                .get_result(conn)?;
                let blocked_until = (counted.failures > free).then(|| {
                    let exponent = (counted.failures - free).min(10) as u32;
                    now + TimeDelta::seconds((1i64 << exponent).min(LONGEST_WAIT_SECONDS))
                });
                diesel::update(login_throttle::table.find(key))
                    .set(login_throttle::blocked_until.eq(blocked_until))
                    .execute(conn)?;
            }
            Ok(())
        })
    }

    /// After a successful login: this client's failures on this account, and the account's
    /// failures from elsewhere, are forgotten (the client's failures on other accounts are not).
    pub fn clear(conn: &mut DbConnection, keys: &LoginKeys) -> QueryResult<()> {
        diesel::delete(
            login_throttle::table.filter(login_throttle::key.eq_any([&keys.pair, &keys.account])),
        )
        .execute(conn)?;
        Ok(())
    }

    /// Deletes rows whose failures are forgotten and whose wait is over.
    pub fn forget_old(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            login_throttle::table
                .filter(login_throttle::last_failure_at.lt(now - FORGET_AFTER))
                .filter(
                    login_throttle::blocked_until
                        .is_null()
                        .or(login_throttle::blocked_until.lt(now)),
                ),
        )
        .execute(conn)
    }
}
