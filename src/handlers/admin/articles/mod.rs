//! `/admin/articles…`: the list, the editor (new and existing), revisions, compare and restore.

mod bulk;
mod editor;
mod list;
mod preview;
mod revisions;

use actix_web::HttpRequest;

use crate::auth::CsrfProtected;
use crate::editorial::ArticleForm;

pub use bulk::{bulk, empty_trash};
pub use editor::{autosave, create, edit, new, update};
pub use list::{list, lookup};
pub use preview::preview;
pub use revisions::{compare, restore, revisions};

impl CsrfProtected for ArticleForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub struct DiffLine {
    /// "added", "removed" or "same".
    pub kind: &'static str,
    pub text: String,
}

/// A line-by-line comparison of two versions' headline, standfirst and body.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                similar::ChangeTag::Delete => "removed",
                similar::ChangeTag::Insert => "added",
                similar::ChangeTag::Equal => "same",
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

pub(super) fn comparable(headline: &str, dek: &str, body: &str) -> String {
    format!("# {headline}\n\n{dek}\n\n{body}\n")
}

/// What the editor page shows besides the lists it loads itself.
pub(super) fn address(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}
