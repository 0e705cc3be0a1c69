//! The second step of every destructive action (delete a section, author, tag, page, redirect,
//! account or image; bulk actions on articles; emptying the trash). The first press of the
//! button posts the form without `confirmed`; the answer is this page, naming what would
//! happen, with a form that posts the same fields again plus `confirmed=yes`. It needs no
//! JavaScript, and a forged or replayed first step changes nothing.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::auth::Staff;
use crate::error::AppError;
use crate::handlers::admin::{AdminLayout, render_admin};
use crate::state::AppState;

/// The value of the `confirmed` field the confirmation page adds.
pub const YES: &str = "yes";

/// Was this form sent from the confirmation page?
pub fn confirmed(value: &str) -> bool {
    value == YES
}

/// What the confirmation page asks.
pub struct Confirmation {
    /// The question, naming the item ("Delete the section “World”?").
    pub question: String,
    /// The items acted on, when several (the headlines of a bulk action).
    pub items: Vec<String>,
    /// What follows, in a sentence ("Its 12 articles move to Politics.").
    pub consequence: String,
    /// Where the form posts: the same address as the first step.
    pub action: String,
    /// Fields to send again besides the CSRF token and `confirmed`.
    pub fields: Vec<(String, String)>,
    /// The button, naming the action and the item ("Delete section World").
    pub button: String,
    /// Where "Cancel" leads.
    pub cancel: String,
}

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmTemplate {
    layout: AdminLayout,
    confirmation: Confirmation,
}

/// The confirmation page for `confirmation`, in the admin section `current`.
pub fn ask(
    state: &AppState,
    staff: &Staff,
    current: &'static str,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    render_admin(
        &ConfirmTemplate {
            layout: AdminLayout::new(state, staff, current),
            confirmation,
        },
        StatusCode::OK,
    )
}

/// What a Delete button would delete, for `ask_to_delete`.
pub struct Deletion {
    /// "section", "author", "tag", …
    pub kind: &'static str,
    /// The item's name as the list shows it.
    pub name: String,
    pub consequence: String,
    /// The delete address (the one the button posted to).
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// The list to go back to.
    pub cancel: &'static str,
}

/// "Delete the tag “Climate”?" with a "Delete tag Climate" button.
pub fn ask_to_delete(
    state: &AppState,
    staff: &Staff,
    current: &'static str,
    deletion: Deletion,
) -> Result<HttpResponse, AppError> {
    let Deletion {
        kind,
        name,
        consequence,
        action,
        fields,
        cancel,
    } = deletion;
    ask(
        state,
        staff,
        current,
        Confirmation {
            question: format!("Delete the {kind} “{name}”?"),
            items: Vec::new(),
            consequence,
            action,
            fields,
            button: format!("Delete {kind} {name}"),
            cancel: cancel.to_string(),
        },
    )
}
