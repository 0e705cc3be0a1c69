//! The media library: uploaded images and their descriptions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
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

    /// Newest first; `text` narrows by description or file name.
    pub fn search(conn: &mut DbConnection, text: &str, limit: i64) -> QueryResult<Vec<MediaItem>> {
        let mut query = media::table.into_boxed();
        let text = text.trim();
        if !text.is_empty() {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            query = query.filter(
                media::alt
                    .like(pattern.clone())
                    .escape('\\')
                    .or(media::original_name.like(pattern).escape('\\')),
            );
        }
        query
            .order((media::created_at.desc(), media::id.desc()))
            .limit(limit)
            .select(MediaItem::as_select())
            .load(conn)
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
