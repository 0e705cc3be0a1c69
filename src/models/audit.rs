//! The audit log: who logged in, published, deleted or changed roles, and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{audit_log, users};

#[derive(Debug, Clone, Queryable)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub user_name: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub address: String,
}

pub fn record(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    user_id: Option<i32>,
    action: &str,
    subject: &str,
    detail: &str,
    address: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::user_id.eq(user_id),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::detail.eq(detail),
            audit_log::address.eq(address),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest entries first.
pub fn recent(conn: &mut DbConnection, limit: i64, offset: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .left_join(users::table)
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            audit_log::id,
            audit_log::at,
            users::name.nullable(),
            audit_log::action,
            audit_log::subject,
            audit_log::detail,
            audit_log::address,
        ))
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    audit_log::table.count().get_result(conn)
}
