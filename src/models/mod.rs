//! One module per table: the row structs, the insert structs, and the queries on that table.

pub mod article;
pub mod article_status;
pub mod audit;
pub mod author;
pub mod autosave;
pub mod byline;
pub mod daily_views;
pub mod listing;
pub mod media_item;
pub mod page;
pub mod pinned;
pub mod redirect;
pub mod revision;
pub mod section;
pub mod session;
pub mod sitemap;
mod stored_as_text;
pub mod tag;
pub mod trash;
pub mod user;

pub use article::{Article, ArticleBody, ArticleFacts, ArticleStatus, NewArticle};
pub use author::{Author, NewAuthor};
pub use listing::Listing;
pub use section::{NewSection, Section};
pub use tag::Tag;
pub use user::{Role, User};
