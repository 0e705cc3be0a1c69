//! Integration tests: the real server over HTTP on a temporary SQLite file, or with
//! `GAZETTE_TEST_BACKEND=postgres` on a fresh PostgreSQL database per app (see `support`).

mod scratch;
mod support;

mod admin;
mod browser;
mod changes;
mod cli;
mod cluster;
mod copy;
mod crash;
mod crawl;
mod crawlers;
mod errors;
mod hostile;
mod load;
mod logins;
mod migrations;
mod operations;
mod outage;
mod page_cache;
mod postgres;
mod reader_pages;
mod related;
mod search;
mod sitemaps;
mod trust;
