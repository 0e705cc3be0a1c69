//! An article's place in the editorial workflow, stored as text.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

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

impl std::fmt::Display for ArticleStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<DB> ToSql<Text, DB> for ArticleStatus
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.as_str().to_sql(out)
    }
}

impl<DB> FromSql<Text, DB> for ArticleStatus
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let raw = String::from_sql(bytes)?;
        ArticleStatus::parse(&raw).ok_or_else(|| format!("unknown article status {raw:?}").into())
    }
}
