//! The editorial workflow, shared by the admin handlers and the scheduler; knows nothing of
//! HTTP.
//!
//! - `form`: the article editor's form, kept exactly as typed
//! - `validation`: the form checked and resolved into what the models store
//! - `transitions`: which status changes each role may make
//! - `saving`: saving with revisions and conflict detection, through the change path
//! - `autosave`: work in progress kept per person, apart from the article
//! - `bulk`: the article list's bulk actions and the trash, each article through `saving`

mod autosave;
mod bulk;
mod form;
mod saving;
mod transitions;
mod validation;

pub use crate::forms::FieldError;

use chrono::NaiveDateTime;

use crate::dates::SiteZone;

/// When, in which zone and from where a change is made: the clock's time, the site's zone the
/// form's times are typed in, and the request's address for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct SaveContext<'a> {
    pub now: NaiveDateTime,
    pub zone: SiteZone,
    pub address: &'a str,
}
pub use autosave::{autosave, pending_autosave};
pub use bulk::{BulkAction, BulkReport, apply as apply_bulk, empty_trash};
pub use form::ArticleForm;
pub use saving::{SaveOutcome, publish_due, save, store};
pub use transitions::may_edit;
