//! Sections, authors and tags as the newsroom's editors and admins manage them: the rules
//! (unique addresses, nothing orphaned) and the change each edit reports. Knows nothing of
//! HTTP; the admin handlers parse forms and render pages around it.

pub mod authors;
pub mod pages;
pub mod redirects;
pub mod sections;
pub mod tags;
