//! Old addresses that answer 301 with a new one (see `crate::redirects` for when they are
//! looked up and how paths are normalized).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::redirects;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = redirects)]
pub struct Redirect {
    pub id: i32,
    pub from_path: String,
    pub to_path: String,
    pub origin: String,
    pub created_at: NaiveDateTime,
}

impl Redirect {
    /// Where `from_path` (normalized) leads, if anywhere.
    pub fn target_of(conn: &mut DbConnection, from_path: &str) -> QueryResult<Option<String>> {
        crate::on_each_backend!(conn, |conn| {
            redirects::table
                .filter(redirects::from_path.eq(from_path))
                .select(redirects::to_path)
                .first(conn)
                .optional()
        })
    }

    /// Adds a redirect, or points an existing one from the same address somewhere new.
    pub fn put(
        conn: &mut DbConnection,
        from_path: &str,
        to_path: &str,
        origin: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        // One statement (an import writes two per post): the address is unique.
        crate::on_each_backend!(conn, |inner| diesel::insert_into(redirects::table)
            .values((
                redirects::from_path.eq(from_path),
                redirects::to_path.eq(to_path),
                redirects::origin.eq(origin),
                redirects::created_at.eq(now),
            ))
            .on_conflict(redirects::from_path)
            .do_update()
            .set((redirects::to_path.eq(to_path), redirects::origin.eq(origin)))
            .execute(inner))?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Redirect> {
        redirects::table
            .find(id)
            .select(Redirect::as_select())
            .first(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(redirects::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// How many redirects have `filter` in their old or new address (all when empty).
    pub fn count_matching(conn: &mut DbConnection, filter: &str) -> QueryResult<i64> {
        matching(filter).count().get_result(conn)
    }

    /// One page of the redirects `count_matching` counts, in order of the old address.
    pub fn page(
        conn: &mut DbConnection,
        filter: &str,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<Redirect>> {
        matching(filter)
            .order(redirects::from_path.asc())
            .limit(limit)
            .offset(offset)
            .select(Redirect::as_select())
            .load(conn)
    }
}

/// Redirects with `filter` in their old or new address.
fn matching(filter: &str) -> redirects::BoxedQuery<'static, crate::db::MultiBackend> {
    let pattern = format!("%{}%", escape_like(filter));
    redirects::table
        .filter(
            redirects::from_path
                .like(pattern.clone())
                .escape('\\')
                .or(redirects::to_path.like(pattern).escape('\\')),
        )
        .into_boxed()
}

/// `text` with LIKE's wildcards taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
