//! The article trash: which articles were moved out of the way, when and by whom. An article in
//! the trash is never published (moving it there withdraws it first); restoring takes it out
//! with the status it had, emptying deletes it for good.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{article_trash, import_origins};

/// Puts an article in the trash (again: its time is renewed).
pub fn put(
    conn: &mut DbConnection,
    article_id: i32,
    by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    take_out(conn, article_id)?;
    diesel::insert_into(article_trash::table)
        .values((
            article_trash::article_id.eq(article_id),
            article_trash::trashed_at.eq(now),
            article_trash::trashed_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes an article out of the trash; false when it was not in it.
pub fn take_out(conn: &mut DbConnection, article_id: i32) -> QueryResult<bool> {
    let removed = diesel::delete(article_trash::table.find(article_id)).execute(conn)?;
    Ok(removed > 0)
}

pub fn contains(conn: &mut DbConnection, article_id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(article_trash::table.find(article_id))).get_result(conn)
}

/// Every article in the trash, oldest first.
pub fn all_ids(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    article_trash::table
        .order((article_trash::trashed_at, article_trash::article_id))
        .select(article_trash::article_id)
        .load(conn)
}

/// Deletes a trashed article for good, with everything that hangs off it (the foreign keys
/// cascade) and the record of where an importer found it. False when it was not in the trash.
pub fn delete_for_good(conn: &mut DbConnection, article_id: i32) -> QueryResult<bool> {
    use crate::schema::articles;
    if !contains(conn, article_id)? {
        return Ok(false);
    }
    diesel::delete(
        import_origins::table
            .filter(import_origins::kind.eq("post"))
            .filter(import_origins::target_id.eq(article_id)),
    )
    .execute(conn)?;
    diesel::delete(articles::table.find(article_id)).execute(conn)?;
    Ok(true)
}
