//! Tags: topics that cut across sections.

use diesel::prelude::*;

use crate::schema::{article_tags, tags};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tags)]
pub struct Tag {
    pub id: i32,
    pub name: String,
    pub slug: String,
}

impl Tag {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<Tag> {
        tags::table.find(id).select(Tag::as_select()).first(conn)
    }

    pub fn find_by_slug(conn: &mut SqliteConnection, slug: &str) -> QueryResult<Tag> {
        tags::table
            .filter(tags::slug.eq(slug))
            .select(Tag::as_select())
            .first(conn)
    }

    /// Returns the tag with this name's slug, creating it when new.
    pub fn find_or_create(conn: &mut SqliteConnection, name: &str) -> QueryResult<Tag> {
        let slug = slug::slugify(name);
        if let Some(tag) = tags::table
            .filter(tags::slug.eq(&slug))
            .select(Tag::as_select())
            .first(conn)
            .optional()?
        {
            return Ok(tag);
        }
        diesel::insert_into(tags::table)
            .values((tags::name.eq(name), tags::slug.eq(&slug)))
            .returning(Tag::as_returning())
            .get_result(conn)
    }

    /// An article's tags, alphabetically.
    pub fn for_article(conn: &mut SqliteConnection, article_id: i32) -> QueryResult<Vec<Tag>> {
        tags::table
            .inner_join(article_tags::table)
            .filter(article_tags::article_id.eq(article_id))
            .order(tags::name.asc())
            .select(Tag::as_select())
            .load(conn)
    }

    /// Replaces an article's tags with these.
    pub fn set_for_article(
        conn: &mut SqliteConnection,
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
        diesel::insert_into(article_tags::table)
            .values(&rows)
            .execute(conn)?;
        Ok(())
    }
}
