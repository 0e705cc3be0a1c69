//! Standalone pages (About, Contact, Privacy, …) served at `/{slug}`, their revisions, and the
//! footer menu they are listed in.

use chrono::NaiveDateTime;
use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::stored_as_text::stored_as_text;
use crate::db::DbConnection;
use crate::schema::{page_revisions, pages, users};

/// Whether readers see a page. Stored as its `as_str` word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum PageStatus {
    Draft,
    Published,
}

impl PageStatus {
    pub const ALL: [PageStatus; 2] = [PageStatus::Draft, PageStatus::Published];

    pub fn as_str(self) -> &'static str {
        match self {
            PageStatus::Draft => "draft",
            PageStatus::Published => "published",
        }
    }

    pub fn parse(raw: &str) -> Option<PageStatus> {
        PageStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

stored_as_text!(PageStatus, "page status");

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = pages)]
pub struct Page {
    pub id: i32,
    pub title: String,
    pub slug: String,
    pub body_markdown: String,
    /// Rendered by `markdown::render` (sanitized by ammonia) when saved.
    pub body_html: String,
    pub seo_title: String,
    pub seo_description: String,
    pub status: PageStatus,
    /// Place in the footer menu, smallest first; None keeps the page out of it.
    pub menu_position: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a save writes (the bookkeeping dates are the model's).
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = pages)]
pub struct PageInput {
    pub title: String,
    pub slug: String,
    pub body_markdown: String,
    pub body_html: String,
    pub seo_title: String,
    pub seo_description: String,
    pub status: PageStatus,
}

/// A page's link in the footer menu.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MenuLink {
    pub id: i32,
    pub title: String,
    pub slug: String,
}

impl Page {
    pub fn is_published(&self) -> bool {
        self.status == PageStatus::Published
    }

    pub fn path(&self) -> String {
        format!("/{}", self.slug)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Page> {
        pages::table.find(id).select(Page::as_select()).first(conn)
    }

    /// The published page at `/{slug}`.
    pub fn published_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Page>> {
        crate::on_each_backend!(conn, |conn| {
            pages::table
                .filter(pages::slug.eq(slug))
                .filter(pages::status.eq(PageStatus::Published))
                .select(Page::as_select())
                .first(conn)
                .optional()
        })
    }

    pub fn id_for_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
        pages::table
            .filter(pages::slug.eq(slug))
            .select(pages::id)
            .first(conn)
            .optional()
    }

    /// Every page, for the admin: the menu's in menu order first, then the rest by title.
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Page>> {
        let mut all: Vec<Page> = pages::table
            .order(pages::title.asc())
            .select(Page::as_select())
            .load(conn)?;
        all.sort_by_key(|page| (page.menu_position.is_none(), page.menu_position));
        Ok(all)
    }

    /// Published pages for the pages sitemap, with when each last changed.
    pub fn published(conn: &mut DbConnection) -> QueryResult<Vec<(String, NaiveDateTime)>> {
        pages::table
            .filter(pages::status.eq(PageStatus::Published))
            .order(pages::slug.asc())
            .select((pages::slug, pages::updated_at))
            .load(conn)
    }

    /// The footer menu: published pages with a place in it, in order.
    pub fn menu(conn: &mut DbConnection) -> QueryResult<Vec<MenuLink>> {
        pages::table
            .filter(pages::status.eq(PageStatus::Published))
            .filter(pages::menu_position.is_not_null())
            .order((pages::menu_position.asc(), pages::title.asc()))
            .select((pages::id, pages::title, pages::slug))
            .load(conn)
    }

    pub fn create(
        conn: &mut DbConnection,
        input: &PageInput,
        now: NaiveDateTime,
    ) -> QueryResult<i32> {
        let published_at = (input.status == PageStatus::Published).then_some(now);
        crate::on_each_backend!(conn, |conn| {
            diesel::insert_into(pages::table)
                .values((
                    input,
                    pages::published_at.eq(published_at),
                    pages::created_at.eq(now),
                    pages::updated_at.eq(now),
                ))
                .returning(pages::id)
                .get_result(conn)
        })
    }

    /// Writes a save; the first publication is dated `now`.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        input: &PageInput,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(pages::table.find(id))
            .set((input, pages::updated_at.eq(now)))
            .execute(conn)?;
        if input.status == PageStatus::Published {
            diesel::update(pages::table.find(id).filter(pages::published_at.is_null()))
                .set(pages::published_at.eq(now))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Sets every page's place in the footer menu (pages not named leave it).
    pub fn set_menu(conn: &mut DbConnection, positions: &[(i32, Option<i32>)]) -> QueryResult<()> {
        for (id, position) in positions {
            diesel::update(pages::table.find(*id))
                .set(pages::menu_position.eq(*position))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(pages::table.find(id)).execute(conn)?;
        Ok(())
    }
}

/// One save of a page, whole.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = page_revisions)]
pub struct PageRevision {
    pub id: i32,
    pub page_id: i32,
    pub number: i32,
    pub user_id: Option<i32>,
    pub title: String,
    pub slug: String,
    pub body_markdown: String,
    pub seo_title: String,
    pub seo_description: String,
    pub status: PageStatus,
    pub created_at: NaiveDateTime,
}

/// A revision in a list: number, who, when, title.
#[derive(Debug, Clone, Queryable)]
pub struct PageRevisionSummary {
    pub number: i32,
    pub author: Option<String>,
    pub created_at: NaiveDateTime,
    pub title: String,
}

impl PageRevision {
    /// Stores `input` as the page's next revision.
    pub fn record(
        conn: &mut DbConnection,
        page_id: i32,
        user_id: Option<i32>,
        input: &PageInput,
        now: NaiveDateTime,
    ) -> QueryResult<i32> {
        let number = PageRevision::latest_number(conn, page_id)? + 1;
        diesel::insert_into(page_revisions::table)
            .values((
                page_revisions::page_id.eq(page_id),
                page_revisions::number.eq(number),
                page_revisions::user_id.eq(user_id),
                page_revisions::title.eq(&input.title),
                page_revisions::slug.eq(&input.slug),
                page_revisions::body_markdown.eq(&input.body_markdown),
                page_revisions::seo_title.eq(&input.seo_title),
                page_revisions::seo_description.eq(&input.seo_description),
                page_revisions::status.eq(input.status),
                page_revisions::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(number)
    }

    /// The number of the page's latest revision (0 before its first save).
    pub fn latest_number(conn: &mut DbConnection, page_id: i32) -> QueryResult<i32> {
        let last: Option<i32> = page_revisions::table
            .filter(page_revisions::page_id.eq(page_id))
            .select(diesel::dsl::max(page_revisions::number))
            .first(conn)?;
        Ok(last.unwrap_or(0))
    }

    pub fn find(conn: &mut DbConnection, page_id: i32, number: i32) -> QueryResult<PageRevision> {
        page_revisions::table
            .filter(page_revisions::page_id.eq(page_id))
            .filter(page_revisions::number.eq(number))
            .select(PageRevision::as_select())
            .first(conn)
    }

    /// Newest first.
    pub fn list(conn: &mut DbConnection, page_id: i32) -> QueryResult<Vec<PageRevisionSummary>> {
        page_revisions::table
            .left_join(users::table)
            .filter(page_revisions::page_id.eq(page_id))
            .order(page_revisions::number.desc())
            .select((
                page_revisions::number,
                users::name.nullable(),
                page_revisions::created_at,
                page_revisions::title,
            ))
            .load(conn)
    }
}
