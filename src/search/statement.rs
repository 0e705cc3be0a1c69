//! SQL for the search index built clause by clause, with its bind values in order: the match,
//! the author, date and section filters, and the newest-window bound.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text};

use super::query::ParsedQuery;
use super::ranking::Filters;
use super::{CountRow, julian_day};

use crate::db::DbConnection;

/// A value bound to a `?` placeholder.
pub(super) enum Bind {
    Text(String),
    Int(i32),
    Real(f64),
    Big(i64),
}

/// Which full-text engine a statement is for: SQLite's FTS5 table `article_search`, or
/// PostgreSQL's weighted `tsvector` column `article_search_content.document` (GIN-indexed).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    Fts5,
    Tsvector,
}

impl Engine {
    pub(super) fn of(conn: &DbConnection) -> Engine {
        match conn {
            DbConnection::Sqlite(_) => Engine::Fts5,
            DbConnection::Postgres(_) => Engine::Tsvector,
        }
    }

    /// The index joined to its facets, as `s` and `f`.
    pub(super) fn matches_joined_to_facets(self) -> &'static str {
        match self {
            Engine::Fts5 => {
                " FROM article_search s JOIN article_search_facets f ON f.rowid = s.rowid"
            }
            Engine::Tsvector => {
                " FROM article_search_content s JOIN article_search_facets f ON f.rowid = s.rowid"
            }
        }
    }

    /// The index alone, as `s`.
    pub(super) fn index_alone(self) -> &'static str {
        match self {
            Engine::Fts5 => " FROM article_search s",
            Engine::Tsvector => " FROM article_search_content s",
        }
    }

    /// The condition that `s` matches the query bound to the one placeholder, and its value.
    pub(super) fn matches(self, query: &ParsedQuery) -> (&'static str, Bind) {
        match self {
            Engine::Fts5 => (" WHERE article_search MATCH ?", Bind::Text(query.to_fts())),
            Engine::Tsvector => (
                " WHERE s.document @@ to_tsquery('gazette_english', ?)",
                Bind::Text(query.to_tsquery()),
            ),
        }
    }
}

/// The article ids a walk of the index is limited to: above `above` and up to `through`. The
/// archive is searched in tiers of ids, newest first (see `ranking::Bounds::tier_ids`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    pub(super) above: i64,
    pub(super) through: i64,
    /// The newest tier: no upper bound, so an article added since `through` was read is in it.
    pub(super) newest: bool,
}

impl Span {
    /// The tiers of `size` ids from `highest` down, newest first.
    pub(super) fn tiers(highest: i64, size: i64) -> impl Iterator<Item = Span> {
        let size = size.max(1);
        (0..)
            .map(move |n: i64| Span {
                above: highest.saturating_sub(size.saturating_mul(n + 1)).max(0),
                through: highest.saturating_sub(size.saturating_mul(n)),
                newest: n == 0,
            })
            .take_while(|span| span.through > 0 || span.newest)
    }

    /// How many ids the span covers (at least one).
    pub(super) fn ids(self) -> i64 {
        (self.through - self.above).max(1)
    }
}

/// The archive as a search sees it: its highest article id and its newest tier, where the
/// article counts that ranking weighs words by are counted.
#[derive(Debug, Clone, Copy)]
pub(super) struct Archive {
    pub(super) highest: i64,
    pub(super) newest: Span,
}

/// A SQL statement and its bind values in order, built up clause by clause.
pub(super) struct Statement {
    pub(super) engine: Engine,
    sql: String,
    pub(super) binds: Vec<Bind>,
}

impl Statement {
    pub(super) fn new(engine: Engine, sql: &str) -> Statement {
        Statement {
            engine,
            sql: sql.to_string(),
            binds: Vec::new(),
        }
    }

    /// `select` (a SELECT from a table keyed by `rowid`) of the rows `ids`.
    pub(super) fn for_ids(engine: Engine, select: &str, ids: &[i32]) -> Statement {
        let placeholders = vec!["?"; ids.len()].join(", ");
        let mut statement =
            Statement::new(engine, &format!("{select} WHERE rowid IN ({placeholders})"));
        statement.binds.extend(ids.iter().map(|id| Bind::Int(*id)));
        statement
    }

    pub(super) fn push(&mut self, sql: &str, bind: Option<Bind>) -> &mut Statement {
        self.sql.push_str(sql);
        self.binds.extend(bind);
        self
    }

    pub(super) fn load<U>(&self, conn: &mut DbConnection) -> QueryResult<Vec<U>>
    where
        U: QueryableByName<crate::db::MultiBackend> + 'static,
    {
        let mut query = diesel::sql_query(crate::db::sql(conn, &self.sql)).into_boxed();
        for bind in &self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v.clone()),
                Bind::Int(v) => query.bind::<Integer, _>(*v),
                Bind::Real(v) => query.bind::<Double, _>(*v),
                Bind::Big(v) => query.bind::<BigInt, _>(*v),
            };
        }
        query.load(conn)
    }

    /// Adds the match and every filter but the section.
    pub(super) fn matching(&mut self, query: &ParsedQuery, filters: &Filters) -> &mut Statement {
        let (condition, bind) = self.engine.matches(query);
        self.push(condition, Some(bind));
        self.author_and_dates(filters)
    }

    /// The author and date filters, as `AND …` clauses on `s.rowid` and `f.published_day`.
    pub(super) fn author_and_dates(&mut self, filters: &Filters) -> &mut Statement {
        self.by_author(filters.author_id);
        if let Some(from) = filters.from {
            self.push(
                " AND f.published_day >= ?",
                Some(Bind::Real(julian_day(from))),
            );
        }
        if let Some(to) = filters.to {
            self.push(
                " AND f.published_day < ?",
                Some(Bind::Real(julian_day(to) + 1.0)),
            );
        }
        self
    }

    pub(super) fn by_author(&mut self, author_id: Option<i32>) -> &mut Statement {
        if let Some(author_id) = author_id {
            self.push(
                " AND s.rowid IN (SELECT article_id FROM article_authors WHERE author_id = ?)",
                Some(Bind::Int(author_id)),
            );
        }
        self
    }

    /// Limits `column` (an article id) to `span`; the whole archive adds nothing, so a search
    /// of an archive within one tier runs the same SQL as before tiers.
    pub(super) fn within(&mut self, column: &str, span: Span) -> &mut Statement {
        if span.above > 0 {
            self.push(&format!(" AND {column} > ?"), Some(Bind::Big(span.above)));
        }
        if !span.newest {
            self.push(
                &format!(" AND {column} <= ?"),
                Some(Bind::Big(span.through)),
            );
        }
        self
    }

    pub(super) fn in_section(&mut self, section_id: Option<i32>) -> &mut Statement {
        if let Some(section_id) = section_id {
            self.push(" AND f.section_id = ?", Some(Bind::Int(section_id)));
        }
        self
    }
}

/// Whether anything matches the query: the index walked to the first match only (a full count
/// of a common word's matches is a walk of its whole doclist).
pub(super) fn any_match(conn: &mut DbConnection, query: &ParsedQuery) -> QueryResult<bool> {
    let engine = Engine::of(conn);
    let mut statement = Statement::new(
        engine,
        &format!(
            "SELECT COUNT(*) AS n FROM (SELECT s.rowid{}",
            engine.index_alone()
        ),
    );
    let (condition, bind) = engine.matches(query);
    statement.push(condition, Some(bind));
    statement.push(" LIMIT 1) AS matches", None);
    let found = statement.load::<CountRow>(conn)?;
    Ok(found.first().is_some_and(|row| row.n > 0))
}

/// The newest article id in the index.
pub(super) fn highest_indexed(conn: &mut DbConnection) -> QueryResult<i64> {
    let highest: CountRow = diesel::sql_query(
        "SELECT CAST(COALESCE(MAX(rowid), 0) AS BIGINT) AS n FROM article_search_facets",
    )
    .get_result(conn)?;
    Ok(highest.n)
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn tiers_run_from_the_highest_id_down_to_the_first() {
        let span = |above, through, newest| Span {
            above,
            through,
            newest,
        };
        assert_eq!(
            Span::tiers(25, 10).collect::<Vec<_>>(),
            [span(15, 25, true), span(5, 15, false), span(0, 5, false)]
        );
        assert_eq!(Span::tiers(10, 10).collect::<Vec<_>>(), [span(0, 10, true)]);
        // An empty archive is one (empty) tier.
        assert_eq!(Span::tiers(0, 10).collect::<Vec<_>>(), [span(0, 0, true)]);
        assert_eq!(span(15, 25, true).ids(), 10);
    }
}
