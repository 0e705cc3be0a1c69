//! Sections of the paper (World, Business, …), in navigation order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::sections;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sections)]
pub struct Section {
    pub id: i32,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sections)]
pub struct NewSection<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Section {
    pub fn all_in_nav_order(conn: &mut SqliteConnection) -> QueryResult<Vec<Section>> {
        sections::table
            .order((sections::position.asc(), sections::name.asc()))
            .select(Section::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<Section> {
        sections::table
            .find(id)
            .select(Section::as_select())
            .first(conn)
    }

    pub fn find_by_slug(conn: &mut SqliteConnection, slug: &str) -> QueryResult<Section> {
        sections::table
            .filter(sections::slug.eq(slug))
            .select(Section::as_select())
            .first(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, new: &NewSection) -> QueryResult<Section> {
        diesel::insert_into(sections::table)
            .values(new)
            .returning(Section::as_returning())
            .get_result(conn)
    }
}
