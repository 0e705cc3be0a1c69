//! Pages readers see.

pub mod article;
pub mod author;
pub mod home;
pub mod page;
pub mod search;
pub mod section;
pub mod tag;
