//! What machines read: feeds (and, later, sitemaps and robots.txt).

pub mod feed;
