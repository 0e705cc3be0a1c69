//! Autosaved work in progress: one serialized form per article and person.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::article_autosaves;

/// Keeps this person's work on the article, replacing what was kept before.
pub fn keep(
    conn: &mut DbConnection,
    article_id: i32,
    user_id: i32,
    form_json: &str,
    base_revision: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = (
        article_autosaves::article_id.eq(article_id),
        article_autosaves::user_id.eq(user_id),
        article_autosaves::form.eq(form_json),
        article_autosaves::base_revision.eq(base_revision),
        article_autosaves::saved_at.eq(now),
    );
    crate::on_each_backend!(conn, |inner| diesel::insert_into(article_autosaves::table)
        .values(row)
        .on_conflict((article_autosaves::article_id, article_autosaves::user_id))
        .do_update()
        .set(row)
        .execute(inner))?;
    Ok(())
}

/// What is kept for this person and article: (form JSON, base revision, when).
pub fn find(
    conn: &mut DbConnection,
    article_id: i32,
    user_id: i32,
) -> QueryResult<Option<(String, i32, NaiveDateTime)>> {
    article_autosaves::table
        .find((article_id, user_id))
        .select((
            article_autosaves::form,
            article_autosaves::base_revision,
            article_autosaves::saved_at,
        ))
        .first(conn)
        .optional()
}

/// Forgets the kept work (it was saved for real).
pub fn discard(conn: &mut DbConnection, article_id: i32, user_id: i32) -> QueryResult<()> {
    diesel::delete(article_autosaves::table.find((article_id, user_id))).execute(conn)?;
    Ok(())
}
