//! The body shared by section, author and tag pages: one page of a listing's cards with its
//! pagination.

use crate::db::DbConnection;
use crate::descriptions::{self, ListingKind};
use crate::error::AppError;
use crate::models::Listing;
use crate::pagination::{PER_PAGE, Pagination};
use crate::views::ArticleCard;

pub struct ListingPage {
    pub articles: Vec<ArticleCard>,
    pub pagination: Pagination,
}

impl ListingPage {
    /// Page `page` of `listing`, whose first page lives at `path`. A page past the end is 404.
    pub fn load(
        conn: &mut DbConnection,
        listing: Listing,
        page: i64,
        path: &str,
    ) -> Result<ListingPage, AppError> {
        let total = listing.count(conn)?;
        let pagination = Pagination::new(page, total, path)?;
        let ids = listing.page_ids(conn, total, PER_PAGE, pagination.offset())?;
        let articles = ArticleCard::by_ids(conn, &ids)?;
        Ok(ListingPage {
            articles,
            pagination,
        })
    }

    /// The page's description: the record's own (`own`), else one built from `name` and the
    /// newest headline (on page 1), with the page number after page 1.
    pub fn description(
        &self,
        own: &str,
        kind: ListingKind<'_>,
        name: &str,
        site_name: &str,
    ) -> String {
        let newest = match self.pagination.page {
            1 => self.articles.first().map(|card| card.headline.as_str()),
            _ => None,
        };
        descriptions::for_listing_page(
            own,
            || descriptions::listing_fallback(kind, name, site_name, newest),
            self.pagination.page,
            self.pagination.total_pages,
        )
    }

    /// What page 1 of `listing` says of itself while its record has no description (the
    /// admin forms show it); `listing` is None for a record not saved yet.
    pub fn fallback_description(
        conn: &mut DbConnection,
        listing: Option<Listing>,
        kind: ListingKind<'_>,
        name: &str,
        site_name: &str,
    ) -> Result<String, AppError> {
        let newest = match listing {
            Some(listing) => {
                let ids = listing.ids(conn, None, 1, 0)?;
                ArticleCard::by_ids(conn, &ids)?.into_iter().next()
            }
            None => None,
        };
        let name = if name.trim().is_empty() {
            "(name)"
        } else {
            name
        };
        Ok(descriptions::listing_fallback(
            kind,
            name,
            site_name,
            newest.as_ref().map(|card| card.headline.as_str()),
        ))
    }

    /// The page's title: `name`, with the page number after page 1.
    pub fn title(&self, name: &str) -> String {
        if self.pagination.page > 1 {
            format!("{name} – page {}", self.pagination.page)
        } else {
            name.to_string()
        }
    }
}
