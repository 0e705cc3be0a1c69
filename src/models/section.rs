//! Sections of the paper (World, Business, …), in navigation order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{articles, sections};

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
    pub fn all_in_nav_order(conn: &mut DbConnection) -> QueryResult<Vec<Section>> {
        sections::table
            .order((sections::position.asc(), sections::name.asc()))
            .select(Section::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Section> {
        crate::on_each_backend!(conn, |conn| {
            sections::table
                .find(id)
                .select(Section::as_select())
                .first(conn)
        })
    }

    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Section> {
        sections::table
            .filter(sections::slug.eq(slug))
            .select(Section::as_select())
            .first(conn)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewSection) -> QueryResult<Section> {
        crate::on_each_backend!(conn, |inner| diesel::insert_into(sections::table)
            .values(new)
            .returning(Section::as_returning())
            .get_result(inner))
    }

    /// Sections in navigation order, with how many articles (any status) each holds.
    pub fn all_with_counts(conn: &mut DbConnection) -> QueryResult<Vec<(Section, i64)>> {
        let counts: std::collections::HashMap<i32, i64> = articles::table
            .group_by(articles::section_id)
            .select((articles::section_id, diesel::dsl::count_star()))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .collect();
        Ok(Section::all_in_nav_order(conn)?
            .into_iter()
            .map(|section| {
                let n = counts.get(&section.id).copied().unwrap_or(0);
                (section, n)
            })
            .collect())
    }

    /// The id of the section at this address, if any.
    pub fn id_for_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
        sections::table
            .filter(sections::slug.eq(slug))
            .select(sections::id)
            .first(conn)
            .optional()
    }

    /// Overwrites name, address, description and position (`created_at` is kept).
    pub fn update(conn: &mut DbConnection, id: i32, values: &NewSection) -> QueryResult<()> {
        diesel::update(sections::table.find(id))
            .set((
                sections::name.eq(values.name),
                sections::slug.eq(values.slug),
                sections::description.eq(values.description),
                sections::position.eq(values.position),
                sections::updated_at.eq(values.updated_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(sections::table.find(id)).execute(conn)?;
        Ok(())
    }
}
