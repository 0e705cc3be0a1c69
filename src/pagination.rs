//! `?page=N` on listing pages: parsing it strictly and linking to the neighbours.

use serde::Deserialize;

use crate::error::AppError;

pub const PER_PAGE: i64 = 20;

/// The raw query string parameter, kept as text so a bad value gets our 400 page.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    /// The requested page number, 1 when absent.
    pub fn number(&self) -> Result<i64, AppError> {
        parse_page(self.page.as_deref())
    }
}

/// A `page` parameter as a page number: 1 when absent, 400 when not a whole number from 1.
pub fn parse_page(raw: Option<&str>) -> Result<i64, AppError> {
    match raw {
        None => Ok(1),
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(n),
            _ => Err(AppError::bad_request(format!(
                "\"{raw}\" is not a page number. Page numbers are whole numbers from 1."
            ))),
        },
    }
}

/// Where a listing page sits among its pages, with the links to its neighbours.
#[derive(Debug, Clone)]
pub struct Pagination {
    pub page: i64,
    pub total_pages: i64,
    pub total_items: i64,
    base_path: String,
}

impl Pagination {
    /// Fails with 404 when the page is past the end (an empty listing still has its page 1).
    pub fn new(page: i64, total_items: i64, base_path: &str) -> Result<Pagination, AppError> {
        let total_pages = ((total_items + PER_PAGE - 1) / PER_PAGE).max(1);
        if page > total_pages {
            return Err(AppError::NotFound);
        }
        Ok(Pagination {
            page,
            total_pages,
            total_items,
            base_path: base_path.to_string(),
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PER_PAGE
    }

    /// The URL of another page; `base_path` may carry a query string of its own.
    pub fn url_for(&self, page: i64) -> String {
        if page <= 1 {
            self.base_path.clone()
        } else {
            let separator = if self.base_path.contains('?') {
                '&'
            } else {
                '?'
            };
            format!("{}{separator}page={page}", self.base_path)
        }
    }

    /// Path of this page itself: the canonical form (page 1 has no parameter).
    pub fn current_path(&self) -> String {
        self.url_for(self.page)
    }

    pub fn previous_url(&self) -> Option<String> {
        (self.page > 1).then(|| self.url_for(self.page - 1))
    }

    pub fn next_url(&self) -> Option<String> {
        (self.page < self.total_pages).then(|| self.url_for(self.page + 1))
    }

    pub fn is_paginated(&self) -> bool {
        self.total_pages > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_page_values_are_refused() {
        for raw in ["0", "-1", "abc", "1.5", "", "99999999999999999999"] {
            let query = PageQuery {
                page: Some(raw.to_string()),
            };
            assert!(query.number().is_err(), "{raw:?} accepted");
        }
        assert_eq!(PageQuery { page: None }.number().unwrap(), 1);
    }

    #[test]
    fn pages_link_to_neighbours_and_end_where_items_end() {
        let p = Pagination::new(2, 45, "/section/world").unwrap();
        assert_eq!(p.total_pages, 3);
        assert_eq!(p.previous_url().as_deref(), Some("/section/world"));
        assert_eq!(p.next_url().as_deref(), Some("/section/world?page=3"));
        assert!(Pagination::new(4, 45, "/x").is_err());
        assert!(Pagination::new(1, 0, "/x").is_ok());
    }
}
