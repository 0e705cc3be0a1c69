//! Article cards: the teaser used by every list (section kicker, headline, excerpt, byline,
//! date, image), loaded for a whole list in two queries.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::ArticleStatus;
use crate::models::byline::{self, AuthorLink};
use crate::models::listing::Listing;
use crate::schema::{articles, sections};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sections)]
pub struct SectionLink {
    pub id: i32,
    pub name: String,
    pub slug: String,
}

/// An image with the dimensions that let the browser reserve its space before it loads.
#[derive(Debug, Clone)]
pub struct HeroImage {
    pub url: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

impl HeroImage {
    /// Narrower copies for the browser to choose from (uploads only).
    pub fn srcset(&self) -> Option<String> {
        crate::media::srcset(&self.url, self.width)
    }

    pub fn from_columns(
        url: Option<String>,
        alt: String,
        width: Option<i32>,
        height: Option<i32>,
    ) -> Option<HeroImage> {
        Some(HeroImage {
            url: url?,
            alt,
            width: width?,
            height: height?,
        })
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = articles)]
struct CardRow {
    id: i32,
    headline: String,
    slug: String,
    dek: String,
    hero_image_url: Option<String>,
    hero_image_alt: String,
    hero_image_width: Option<i32>,
    hero_image_height: Option<i32>,
    published_at: Option<NaiveDateTime>,
    #[diesel(embed)]
    section: SectionLink,
}

#[derive(Debug, Clone)]
pub struct ArticleCard {
    pub id: i32,
    pub headline: String,
    pub slug: String,
    pub dek: String,
    pub image: Option<HeroImage>,
    pub published_at: NaiveDateTime,
    pub section: SectionLink,
    pub bylines: Vec<AuthorLink>,
}

impl ArticleCard {
    /// One page of a listing, newest first, optionally leaving one article out.
    pub fn list(
        conn: &mut DbConnection,
        listing: Listing,
        excluding: Option<i32>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<Vec<ArticleCard>> {
        let ids = listing.ids(conn, excluding, limit, offset)?;
        ArticleCard::by_ids(conn, &ids)
    }

    /// Cards for these articles, in the order given; ids that are not published are skipped.
    pub fn by_ids(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<ArticleCard>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The status is checked here rather than in SQL: given `status = ?` as well, SQLite
        // may walk the status index over the whole archive instead of looking up a few ids.
        let rows: Vec<(CardRow, ArticleStatus)> = crate::on_each_backend!(conn, |conn| {
            articles::table
                .inner_join(sections::table)
                .filter(crate::id_list::in_ids(articles::id, ids))
                .select((CardRow::as_select(), articles::status))
                .load(conn)
        })?;
        let rows: Vec<CardRow> = rows
            .into_iter()
            .filter(|(_, status)| *status == ArticleStatus::Published)
            .map(|(row, _)| row)
            .collect();
        let mut bylines = byline::links_for_articles(conn, ids)?;
        let mut by_id: HashMap<i32, CardRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        Ok(ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .map(|row| ArticleCard {
                bylines: bylines.remove(&row.id).unwrap_or_default(),
                image: HeroImage::from_columns(
                    row.hero_image_url,
                    row.hero_image_alt,
                    row.hero_image_width,
                    row.hero_image_height,
                ),
                id: row.id,
                headline: row.headline,
                slug: row.slug,
                dek: row.dek,
                published_at: row.published_at.unwrap_or_default(),
                section: row.section,
            })
            .collect())
    }
}

impl ArticleCard {
    pub fn url(&self) -> String {
        format!("/article/{}", self.slug)
    }

    pub fn date_iso(&self) -> String {
        crate::dates::iso(&self.published_at)
    }
}
