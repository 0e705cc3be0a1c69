//! An article's place in the editorial workflow, stored as text.

use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::sql_types::Text;

use super::stored_as_text::stored_as_text;

/// Where an article is in the editorial workflow. Only `Published` is visible to readers.
/// Stored as its `as_str` text (the migrations' CHECK constraint lists the same words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum ArticleStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::InReview => "in_review",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Unpublished => "unpublished",
        }
    }

    pub const ALL: [ArticleStatus; 5] = [
        ArticleStatus::Draft,
        ArticleStatus::InReview,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Unpublished,
    ];

    pub fn parse(raw: &str) -> Option<ArticleStatus> {
        ArticleStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
    }

    /// How the admin names the status to people ("in review").
    pub fn label(self) -> &'static str {
        match self {
            ArticleStatus::InReview => "in review",
            other => other.as_str(),
        }
    }

    /// Live, or due to go live without anyone's further action.
    pub fn is_live_or_scheduled(self) -> bool {
        matches!(self, ArticleStatus::Published | ArticleStatus::Scheduled)
    }
}

stored_as_text!(ArticleStatus, "article status");
