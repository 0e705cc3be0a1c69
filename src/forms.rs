//! What every form shares: a message attached to the field it is about.

#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }

    /// The message for `field` among `errors`, if there is one.
    pub fn find<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// A slug from what was typed in the slug field, or from the name when that is empty.
pub fn slug_from(typed_slug: &str, name: &str) -> String {
    slug::slugify(if typed_slug.trim().is_empty() {
        name.trim()
    } else {
        typed_slug.trim()
    })
}

/// Trimmed text, or None when nothing was typed.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}
