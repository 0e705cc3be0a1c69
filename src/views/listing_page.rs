//! The body shared by section, author and tag pages: one page of a listing's cards with its
//! pagination.

use crate::db::DbConnection;

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

    /// The page's title: `name`, with the page number after page 1.
    pub fn title(&self, name: &str) -> String {
        if self.pagination.page > 1 {
            format!("{name} – page {}", self.pagination.page)
        } else {
            name.to_string()
        }
    }
}
