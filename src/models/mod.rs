//! One module per table: the row structs, the insert structs, and the queries on that table.

pub mod article;
pub mod author;
pub mod byline;
pub mod daily_views;
pub mod section;
pub mod tag;

pub use article::{Article, ArticleStatus, NewArticle};
pub use author::{Author, NewAuthor};
pub use section::{NewSection, Section};
pub use tag::Tag;
