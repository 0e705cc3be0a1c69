//! The media library: uploaded images and their descriptions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{DbConnection, lower};
use crate::schema::media;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct MediaItem {
    pub id: i32,
    pub stem: String,
    pub extension: String,
    pub original_name: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i32,
    pub alt: String,
    pub credit: String,
    pub uploaded_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub caption: String,
}

/// Something that shows an image from the library.
#[derive(Debug, Clone)]
pub struct MediaUse {
    /// "Article", "Page" or "Author".
    pub kind: &'static str,
    pub title: String,
    /// Where staff edit it.
    pub admin_url: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = media)]
pub struct NewMediaItem<'a> {
    pub stem: &'a str,
    pub extension: &'a str,
    pub original_name: &'a str,
    pub width: i32,
    pub height: i32,
    pub bytes: i32,
    pub alt: &'a str,
    pub credit: &'a str,
    pub uploaded_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub caption: &'a str,
}

impl MediaItem {
    pub fn url(&self) -> String {
        format!("/media/{}.{}", self.stem, self.extension)
    }

    pub fn thumbnail_url(&self) -> String {
        format!("/media/{}-480w.{}", self.stem, self.extension)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewMediaItem) -> QueryResult<MediaItem> {
        crate::on_each_backend!(conn, |inner| diesel::insert_into(media::table)
            .values(new)
            .returning(MediaItem::as_returning())
            .get_result(inner))
    }

    fn matching(text: &str) -> media::BoxedQuery<'static, crate::db::MultiBackend> {
        let mut query = media::table.into_boxed();
        let text = text.trim();
        if !text.is_empty() {
            let pattern = crate::db::contains_pattern(text);
            let typed = || lower(pattern.clone());
            query = query.filter(
                (lower(media::alt).like(typed()).escape('\\'))
                    .or(lower(media::caption).like(typed()).escape('\\'))
                    .or(lower(media::credit).like(typed()).escape('\\'))
                    .or(lower(media::original_name).like(typed()).escape('\\')),
            );
        }
        query
    }

    /// Newest first; `text` narrows by description, caption, credit or file name.
    pub fn search(
        conn: &mut DbConnection,
        text: &str,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<MediaItem>> {
        MediaItem::matching(text)
            .order((media::created_at.desc(), media::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(MediaItem::as_select())
            .load(conn)
    }

    pub fn count(conn: &mut DbConnection, text: &str) -> QueryResult<i64> {
        MediaItem::matching(text).count().get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<MediaItem> {
        media::table
            .find(id)
            .select(MediaItem::as_select())
            .first(conn)
    }

    /// New alt text, caption and credit (the image itself never changes).
    pub fn describe(
        conn: &mut DbConnection,
        id: i32,
        alt: &str,
        caption: &str,
        credit: &str,
    ) -> QueryResult<()> {
        diesel::update(media::table.find(id))
            .set((
                media::alt.eq(alt),
                media::caption.eq(caption),
                media::credit.eq(credit),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(media::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Where this image is shown: as a hero image or in the body of an article, in a page, as
    /// an author's picture. An image in use is not deleted.
    pub fn uses(&self, conn: &mut DbConnection) -> QueryResult<Vec<MediaUse>> {
        use crate::schema::{article_bodies, articles, authors, pages};
        let pattern = crate::db::contains_pattern(&format!("/media/{}", self.stem));
        let mut uses: Vec<MediaUse> = articles::table
            .left_join(article_bodies::table)
            .filter(
                articles::hero_image_url
                    .like(pattern.clone())
                    .escape('\\')
                    .or(article_bodies::body_markdown
                        .like(pattern.clone())
                        .escape('\\')),
            )
            .order(articles::id)
            .select((articles::id, articles::headline))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .map(|(id, headline)| MediaUse {
                kind: "Article",
                title: headline,
                admin_url: format!("/admin/articles/{id}"),
            })
            .collect();
        uses.extend(
            pages::table
                .filter(pages::body_markdown.like(pattern.clone()).escape('\\'))
                .order(pages::id)
                .select((pages::id, pages::title))
                .load::<(i32, String)>(conn)?
                .into_iter()
                .map(|(id, title)| MediaUse {
                    kind: "Page",
                    title,
                    admin_url: format!("/admin/pages/{id}"),
                }),
        );
        uses.extend(
            authors::table
                .filter(authors::avatar_url.like(pattern).escape('\\'))
                .order(authors::id)
                .select((authors::id, authors::name))
                .load::<(i32, String)>(conn)?
                .into_iter()
                .map(|(id, name)| MediaUse {
                    kind: "Author",
                    title: name,
                    admin_url: format!("/admin/authors?edit={id}"),
                }),
        );
        Ok(uses)
    }

    /// The item stored at this public URL, if it is one of ours.
    pub fn find_by_url(conn: &mut DbConnection, url: &str) -> QueryResult<Option<MediaItem>> {
        let Some((stem, _)) = url
            .strip_prefix("/media/")
            .and_then(|rest| rest.rsplit_once('.'))
        else {
            return Ok(None);
        };
        media::table
            .filter(media::stem.eq(stem))
            .select(MediaItem::as_select())
            .first(conn)
            .optional()
    }
}
