//! Read models: what a page shows, loaded in a fixed, small number of queries.

pub mod article_admin;
pub mod article_page;
pub mod card;
pub mod card_cache;
pub mod dashboard;
pub mod front_page;
pub mod listing_page;
pub mod search_results;

pub use card::{ArticleCard, HeroImage, SectionLink};
pub use card_cache::{CardCache, CardSnapshot};
