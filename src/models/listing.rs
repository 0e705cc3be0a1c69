//! Which published articles a list shows, newest first: a section's, an author's, a tag's, the
//! whole site's. Ids and counts only; `views` turns ids into cards.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

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

type BoxedArticles<'a> = articles::BoxedQuery<'a, diesel::sqlite::Sqlite>;

fn published_in(listing: Listing) -> BoxedArticles<'static> {
    let query = articles::table
        .filter(articles::status.eq(ArticleStatus::Published))
        .into_boxed();
    match listing {
        Listing::Everything => query,
        Listing::InSection(section_id) => query.filter(articles::section_id.eq(section_id)),
        Listing::ByAuthor(author_id) => query.filter(
            articles::id.eq_any(
                article_authors::table
                    .filter(article_authors::author_id.eq(author_id))
                    .select(article_authors::article_id),
            ),
        ),
        Listing::Tagged(tag_id) => query.filter(
            articles::id.eq_any(
                article_tags::table
                    .filter(article_tags::tag_id.eq(tag_id))
                    .select(article_tags::article_id),
            ),
        ),
    }
}

impl Listing {
    /// One page of the list's article ids, newest first, optionally leaving one article out.
    pub fn ids(
        self,
        conn: &mut SqliteConnection,
        excluding: Option<i32>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<i32>> {
        let mut ids = published_in(self);
        if let Some(id) = excluding {
            ids = ids.filter(articles::id.ne(id));
        }
        ids.select(articles::id)
            .order((articles::published_at.desc(), articles::id.desc()))
            .limit(limit)
            .offset(offset)
            .load(conn)
    }

    /// One page of a list of `total` articles, newest first. SQLite walks an index to an
    /// offset one entry at a time, so a page past the middle is read from the oldest end and
    /// turned around: the deepest page costs what page 2 does, and no page more than half
    /// the list.
    pub fn page_ids(
        self,
        conn: &mut SqliteConnection,
        total: i64,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<i32>> {
        if offset <= total / 2 {
            return self.ids(conn, None, limit, offset);
        }
        let remaining = (total - offset).max(0);
        let mut ids: Vec<i32> = published_in(self)
            .select(articles::id)
            .order((articles::published_at.asc(), articles::id.asc()))
            .limit(limit.min(remaining))
            .offset((remaining - limit).max(0))
            .load(conn)?;
        ids.reverse();
        Ok(ids)
    }

    /// The newest published articles among the list's most recently created `window` (by id),
    /// newest first: a cheap stand-in for `ids` where a widget wants a few recent ones and the
    /// list may hold thousands (an author's or a tag's), whose rows would each be read.
    pub fn recent_ids(
        self,
        conn: &mut SqliteConnection,
        excluding: Option<i32>,
        limit: i64,
        window: i64,
    ) -> QueryResult<Vec<i32>> {
        let recent: Vec<i32> = match self {
            Listing::ByAuthor(author_id) => article_authors::table
                .filter(article_authors::author_id.eq(author_id))
                .order(article_authors::article_id.desc())
                .select(article_authors::article_id)
                .limit(window)
                .load(conn)?,
            Listing::Tagged(tag_id) => article_tags::table
                .filter(article_tags::tag_id.eq(tag_id))
                .order(article_tags::article_id.desc())
                .select(article_tags::article_id)
                .limit(window)
                .load(conn)?,
            // Sections and the whole site are walked newest-first by their own index.
            other => return other.ids(conn, excluding, limit, 0),
        };
        articles::table
            .filter(articles::id.eq_any(recent))
            .filter(articles::status.eq(ArticleStatus::Published))
            .filter(articles::id.ne(excluding.unwrap_or(0)))
            .order((articles::published_at.desc(), articles::id.desc()))
            .select(articles::id)
            .limit(limit)
            .load(conn)
    }

    /// How many published articles the list holds (for pagination).
    pub fn count(self, conn: &mut SqliteConnection) -> QueryResult<i64> {
        published_in(self).count().get_result(conn)
    }
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
    conn: &mut SqliteConnection,
    section_ids: &[i32],
    per_section: i64,
) -> QueryResult<Vec<(i32, i32)>> {
    if section_ids.is_empty() {
        return Ok(Vec::new());
    }
    let one_section = "SELECT * FROM (SELECT section_id, id FROM articles
                        WHERE section_id = ? AND status = 'published'
                        ORDER BY published_at DESC, id DESC LIMIT ?)";
    let sql = vec![one_section; section_ids.len()].join(" UNION ALL ");
    let mut query = diesel::sql_query(sql).into_boxed();
    for section_id in section_ids {
        query = query
            .bind::<Integer, _>(*section_id)
            .bind::<BigInt, _>(per_section);
    }
    let rows: Vec<SectionIdRow> = query.load(conn)?;
    Ok(rows.into_iter().map(|r| (r.section_id, r.id)).collect())
}
