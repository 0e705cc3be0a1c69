//! Integration tests: the real server over HTTP on a temporary SQLite file, or (built again as
//! the `integration_postgres` target) on a fresh PostgreSQL database per app (see `support`).

// pub(crate): tests/integration_postgres.rs nests this suite a level down and re-exports these
// modules they share at its root, where the suite's `crate::support` paths look for them.
pub(crate) mod scratch;
pub(crate) mod support;

pub(crate) mod admin;
mod browser;
mod changes;
mod cli;
mod cluster;
pub(crate) mod copy;
mod crash;
pub(crate) mod crawl;
pub(crate) mod crawlers;
mod errors;
mod export;
mod fallbacks;
mod hostile;
mod load;
mod logins;
mod migrations;
mod operations;
mod outage;
mod page_cache;
mod pages;
mod postgres;
mod reader_pages;
mod redirects;
mod related;
mod search;
mod sitemaps;
mod time_zone;
mod trust;
mod wordpress;
