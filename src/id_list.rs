//! `column IN (a list of ids)` as one statement whatever the list's length, so that each
//! connection prepares it once.
//!
//! Diesel's `eq_any` writes one placeholder per id on SQLite and so never keeps the statement:
//! the cards of an uncached article page (some twenty ids, two queries) were parsed and planned
//! on every render, over a quarter of those queries' time under perf. Here SQLite gets the ids
//! as one JSON array (`IN (SELECT value FROM json_each(?))`, which it plans as a lookup per id,
//! as it does a list of placeholders) and PostgreSQL as one array (`= ANY(?)`, what `eq_any`
//! binds there too).

use diesel::QueryResult;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Integer, Text};
use diesel::sqlite::Sqlite;

/// `column IN (ids)`; see the module's comment.
#[derive(Debug, Clone)]
pub struct InIds<C> {
    column: C,
    ids: Vec<i32>,
    /// The ids as a JSON array: SQLite's bind.
    json: String,
}

/// `column IN (ids)`, prepared once per connection.
pub fn in_ids<C>(column: C, ids: &[i32]) -> InIds<C>
where
    C: Expression<SqlType = Integer>,
{
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
    InIds {
        column,
        ids: ids.to_vec(),
        json,
    }
}

impl<C> Expression for InIds<C>
where
    C: Expression<SqlType = Integer>,
{
    type SqlType = Bool;
}

impl<C, GroupBy> ValidGrouping<GroupBy> for InIds<C>
where
    C: ValidGrouping<GroupBy>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C, QS> AppearsOnTable<QS> for InIds<C> where
    C: AppearsOnTable<QS> + Expression<SqlType = Integer>
{
}

impl<C, QS> SelectableExpression<QS> for InIds<C> where
    C: SelectableExpression<QS> + Expression<SqlType = Integer>
{
}

impl<C> QueryId for InIds<C>
where
    C: QueryId,
{
    // The statement's text depends only on the column: the list is one bind.
    type QueryId = InIds<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C> QueryFragment<Sqlite> for InIds<C>
where
    C: QueryFragment<Sqlite>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<C> QueryFragment<Pg> for InIds<C>
where
    C: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Integer>, _>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Whether a connection's statement cache keeps a query's prepared statement.
#[cfg(test)]
fn kept_by_statement_cache<Q: QueryFragment<Sqlite> + QueryId>(query: &Q) -> bool {
    Q::HAS_STATIC_QUERY_ID && query.is_safe_to_cache_prepared(&Sqlite).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;
    use crate::schema::articles;

    #[test]
    fn the_list_is_one_bind_so_the_statement_is_kept_and_finds_exactly_the_ids() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)")
            .execute(&mut conn)
            .unwrap();
        for id in 1..=5 {
            diesel::sql_query(format!("INSERT INTO articles VALUES ({id}, 'h{id}')"))
                .execute(&mut conn)
                .unwrap();
        }
        let query = |ids: &[i32]| {
            articles::table
                .filter(in_ids(articles::id, ids))
                .order(articles::id)
                .select(articles::id)
        };
        assert!(kept_by_statement_cache(&query(&[1, 2])));
        assert!(!kept_by_statement_cache(
            &articles::table
                .filter(articles::id.eq_any([1, 2]))
                .select(articles::id)
        ));
        let found = |ids: &[i32], conn: &mut SqliteConnection| -> Vec<i32> {
            query(ids).load(conn).unwrap()
        };
        assert_eq!(found(&[4, 2, 9], &mut conn), vec![2, 4]);
        assert_eq!(found(&[], &mut conn), Vec::<i32>::new());
        assert_eq!(found(&[5, 5, 1], &mut conn), vec![1, 5]);
    }
}
