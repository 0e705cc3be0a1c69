//! The editorial workflow, shared by the admin handlers and the scheduler; knows nothing of
//! HTTP.
//!
//! - `form`: the article editor's form, kept exactly as typed
//! - `validation`: the form checked and resolved into what the models store
//! - `transitions`: which status changes each role may make
//! - `saving`: saving with revisions and conflict detection, through the change path
//! - `autosave`: work in progress kept per person, apart from the article

mod autosave;
mod form;
mod saving;
mod transitions;
mod validation;

pub use crate::forms::FieldError;
pub use autosave::{autosave, pending_autosave};
pub use form::ArticleForm;
pub use saving::{SaveOutcome, publish_due, save, store};
pub use transitions::may_edit;
