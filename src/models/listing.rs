//! Which published articles a list shows, newest first: a section's, an author's, a tag's, the
//! whole site's. Ids and counts only; `views` turns ids into cards.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use crate::db::DbConnection;
use crate::models::ArticleStatus;
use crate::schema::{article_authors, article_tags, articles};

/// Which published articles a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Everything,
    InSection(i32),
    ByAuthor(i32),
    Tagged(i32),
}

/// A section's or the whole site's published articles (their own indexes order them), as a
/// query boxed for the backend of the `on_each_backend!` arm it is written in: every reader
/// page lists articles, so these run on the backend's own connection.
macro_rules! published_in {
    ($section_id:expr) => {{
        let query = articles::table
            .filter(articles::status.eq(ArticleStatus::Published))
            .into_boxed();
        match $section_id {
            Some(section_id) => query.filter(articles::section_id.eq(section_id)),
            None => query,
        }
    }};
}

/// Newest or oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    NewestFirst,
    OldestFirst,
}

/// One page of a byline or tag list, read from the join table alone: its `listed_at` copies
/// the article's publication time while it is published (see [`sync_listed_at`]), and its
/// index orders the list, so a page costs the same for an author of ten articles or of
/// fifty thousand.
macro_rules! joined_page {
    ($conn:expr, $table:ident, $key:ident, $id:expr, $excluding:expr, $limit:expr, $offset:expr, $direction:expr) => {
        crate::on_each_backend!($conn, |conn| {
            let mut query = $table::table
                .filter($table::$key.eq($id))
                .filter($table::listed_at.is_not_null())
                .select($table::article_id)
                .into_boxed();
            if let Some(excluded) = $excluding {
                query = query.filter($table::article_id.ne(excluded));
            }
            query = match $direction {
                Direction::NewestFirst => {
                    query.order(($table::listed_at.desc(), $table::article_id.desc()))
                }
                Direction::OldestFirst => {
                    query.order(($table::listed_at.asc(), $table::article_id.asc()))
                }
            };
            query.limit($limit).offset($offset).load::<i32>(conn)
        })
    };
}

impl Listing {
    /// One page of the list's article ids, newest first, optionally leaving one article out.
    pub fn ids(
        self,
        conn: &mut DbConnection,
        excluding: Option<i32>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<i32>> {
        self.ids_in(conn, excluding, limit, offset, Direction::NewestFirst)
    }

    fn ids_in(
        self,
        conn: &mut DbConnection,
        excluding: Option<i32>,
        limit: i64,
        offset: i64,
        direction: Direction,
    ) -> QueryResult<Vec<i32>> {
        let section_id = match self {
            Listing::ByAuthor(author_id) => {
                return joined_page!(
                    conn,
                    article_authors,
                    author_id,
                    author_id,
                    excluding,
                    limit,
                    offset,
                    direction
                );
            }
            Listing::Tagged(tag_id) => {
                return joined_page!(
                    conn,
                    article_tags,
                    tag_id,
                    tag_id,
                    excluding,
                    limit,
                    offset,
                    direction
                );
            }
            Listing::InSection(section_id) => Some(section_id),
            Listing::Everything => None,
        };
        crate::on_each_backend!(conn, |conn| {
            let mut ids = published_in!(section_id);
            if let Some(id) = excluding {
                ids = ids.filter(articles::id.ne(id));
            }
            ids = match direction {
                Direction::NewestFirst => {
                    ids.order((articles::published_at.desc(), articles::id.desc()))
                }
                Direction::OldestFirst => {
                    ids.order((articles::published_at.asc(), articles::id.asc()))
                }
            };
            ids.select(articles::id)
                .limit(limit)
                .offset(offset)
                .load(conn)
        })
    }

    /// One page of a list of `total` articles, newest first. SQLite walks an index to an
    /// offset one entry at a time, so a page past the middle is read from the oldest end and
    /// turned around: the deepest page costs what page 2 does, and no page more than half
    /// the list.
    pub fn page_ids(
        self,
        conn: &mut DbConnection,
        total: i64,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<i32>> {
        if offset <= total / 2 {
            return self.ids(conn, None, limit, offset);
        }
        let remaining = (total - offset).max(0);
        let mut ids = self.ids_in(
            conn,
            None,
            limit.min(remaining),
            (remaining - limit).max(0),
            Direction::OldestFirst,
        )?;
        ids.reverse();
        Ok(ids)
    }

    /// How many published articles the list holds (for pagination).
    pub fn count(self, conn: &mut DbConnection) -> QueryResult<i64> {
        crate::on_each_backend!(conn, |conn| match self {
            Listing::ByAuthor(author_id) => article_authors::table
                .filter(article_authors::author_id.eq(author_id))
                .filter(article_authors::listed_at.is_not_null())
                .count()
                .get_result(conn),
            Listing::Tagged(tag_id) => article_tags::table
                .filter(article_tags::tag_id.eq(tag_id))
                .filter(article_tags::listed_at.is_not_null())
                .count()
                .get_result(conn),
            Listing::InSection(section_id) => {
                published_in!(Some(section_id)).count().get_result(conn)
            }
            Listing::Everything => published_in!(None::<i32>).count().get_result(conn),
        })
    }
}

/// Copies each article's publication time (while it is published; otherwise none) to its
/// byline and tag rows, which order author and tag listings. Called by the change path for
/// one saved article, or for the whole archive (`None`) after a bulk load.
pub fn sync_listed_at(conn: &mut DbConnection, article_id: Option<i32>) -> QueryResult<()> {
    for table in ["article_authors", "article_tags"] {
        let listed = format!(
            "UPDATE {table} SET listed_at = (SELECT a.published_at FROM articles a
                 WHERE a.id = {table}.article_id AND a.status = 'published')"
        );
        match article_id {
            Some(id) => {
                diesel::sql_query(crate::db::sql(
                    conn,
                    &format!("{listed} WHERE article_id = ?"),
                ))
                .bind::<Integer, _>(id)
                .execute(conn)?;
            }
            None => {
                diesel::sql_query(crate::db::sql(conn, &listed)).execute(conn)?;
            }
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct SectionIdRow {
    #[diesel(sql_type = Integer)]
    section_id: i32,
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// The newest `per_section` published article ids of each section, as (section id, article id)
/// pairs. One query: a UNION ALL of per-section index range scans, so its cost does not grow
/// with the size of the archive.
pub fn latest_ids_per_section(
    conn: &mut DbConnection,
    section_ids: &[i32],
    per_section: i64,
) -> QueryResult<Vec<(i32, i32)>> {
    if section_ids.is_empty() {
        return Ok(Vec::new());
    }
    let one_section = "SELECT * FROM (SELECT section_id, id FROM articles
                        WHERE section_id = ? AND status = 'published'
                        ORDER BY published_at DESC, id DESC LIMIT ?) AS newest";
    let sql = crate::db::sql(
        conn,
        &vec![one_section; section_ids.len()].join(" UNION ALL "),
    );
    let rows: Vec<SectionIdRow> = crate::on_each_backend!(conn, |conn| {
        let mut query = diesel::sql_query(&sql).into_boxed();
        for section_id in section_ids {
            query = query
                .bind::<Integer, _>(*section_id)
                .bind::<BigInt, _>(per_section);
        }
        query.load(conn)
    })?;
    Ok(rows.into_iter().map(|r| (r.section_id, r.id)).collect())
}
