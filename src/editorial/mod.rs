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
pub use autosave::{autosave, pending_autosave};
pub use bulk::{BulkAction, BulkReport, apply as apply_bulk, empty_trash};
pub use form::ArticleForm;
pub use saving::{SaveOutcome, publish_due, save, store};
pub use transitions::may_edit;
