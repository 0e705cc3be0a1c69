//! Tags: topics that cut across sections.

use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{article_tags, tags};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tags)]
pub struct Tag {
    pub id: i32,
    pub name: String,
    pub slug: String,
    /// For search engines; empty means the page describes itself (see `descriptions`).
    pub description: String,
}

impl Tag {
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Tag> {
        tags::table.find(id).select(Tag::as_select()).first(conn)
    }

    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Tag> {
        tags::table
            .filter(tags::slug.eq(slug))
            .select(Tag::as_select())
            .first(conn)
    }

    /// Returns the tag with this name's slug, creating it when new.
    pub fn find_or_create(conn: &mut DbConnection, name: &str) -> QueryResult<Tag> {
        let slug = slug::slugify(name);
        if let Some(tag) = tags::table
            .filter(tags::slug.eq(&slug))
            .select(Tag::as_select())
            .first(conn)
            .optional()?
        {
            return Ok(tag);
        }
        crate::on_each_backend!(conn, |inner| diesel::insert_into(tags::table)
            .values((tags::name.eq(name), tags::slug.eq(&slug)))
            .returning(Tag::as_returning())
            .get_result(inner))
    }

    /// An article's tags, alphabetically.
    pub fn for_article(conn: &mut DbConnection, article_id: i32) -> QueryResult<Vec<Tag>> {
        crate::on_each_backend!(conn, |conn| {
            tags::table
                .inner_join(article_tags::table)
                .filter(article_tags::article_id.eq(article_id))
                .order(tags::name.asc())
                .select(Tag::as_select())
                .load(conn)
        })
    }

    /// Replaces an article's tags with these.
    pub fn set_for_article(
        conn: &mut DbConnection,
        article_id: i32,
        tag_ids: &[i32],
    ) -> QueryResult<()> {
        diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id)))
            .execute(conn)?;
        let rows: Vec<_> = tag_ids
            .iter()
            .map(|tag_id| {
                (
                    article_tags::article_id.eq(article_id),
                    article_tags::tag_id.eq(*tag_id),
                )
            })
            .collect();
        // A multi-row insert, built for each backend (`MultiConnection` cannot batch).
        crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(article_tags::table)
            .values(&rows)
            .execute(inner))?;
        Ok(())
    }

    /// Every tag, alphabetically, with how many articles carry it.
    pub fn all_with_counts(conn: &mut DbConnection) -> QueryResult<Vec<(Tag, i64)>> {
        let counts: std::collections::HashMap<i32, i64> = article_tags::table
            .group_by(article_tags::tag_id)
            .select((article_tags::tag_id, count_star()))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .collect();
        Ok(tags::table
            .order(tags::name)
            .select(Tag::as_select())
            .load(conn)?
            .into_iter()
            .map(|tag| {
                let n = counts.get(&tag.id).copied().unwrap_or(0);
                (tag, n)
            })
            .collect())
    }

    /// The id of the tag at this address, if any.
    pub fn id_for_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
        tags::table
            .filter(tags::slug.eq(slug))
            .select(tags::id)
            .first(conn)
            .optional()
    }

    /// The articles that carry this tag, whatever their status.
    pub fn article_ids(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<i32>> {
        article_tags::table
            .filter(article_tags::tag_id.eq(id))
            .select(article_tags::article_id)
            .load(conn)
    }

    pub fn rename(conn: &mut DbConnection, id: i32, name: &str, slug: &str) -> QueryResult<()> {
        diesel::update(tags::table.find(id))
            .set((tags::name.eq(name), tags::slug.eq(slug)))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_description(conn: &mut DbConnection, id: i32, description: &str) -> QueryResult<()> {
        diesel::update(tags::table.find(id))
            .set(tags::description.eq(description))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes the tag (its article links go with it, by the foreign key).
    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(tags::table.find(id)).execute(conn)?;
        Ok(())
    }
}
