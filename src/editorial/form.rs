//! The article editor's form: every field as the person typed it, so a refused form comes
//! back exactly as it was sent; and the form made from an article or a stored revision.

use crate::dates::SiteZone;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::forms::FieldError;
use crate::models::revision::Revision;
use crate::models::{Article, Tag, byline, pinned};

/// The article editor's form, every field as the person typed it, so a refused form comes back
/// exactly as it was sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    #[serde(skip_serializing)]
    pub csrf_token: String,
    /// The revision the form was loaded from; a save based on an older one is a conflict.
    #[serde(skip_serializing)]
    pub base_revision: String,
    pub headline: String,
    pub slug: String,
    pub dek: String,
    pub body_markdown: String,
    pub section_id: String,
    /// Author slugs, comma-separated, in credit order.
    pub authors: String,
    /// Tag names, comma-separated.
    pub tags: String,
    pub hero_image_url: String,
    pub hero_image_alt: String,
    pub hero_image_caption: String,
    pub hero_image_credit: String,
    pub seo_title: String,
    pub seo_description: String,
    /// Slugs of pinned related articles, comma-separated, in order.
    pub pinned: String,
    /// For "schedule": `YYYY-MM-DDTHH:MM` in the site's zone, as a datetime-local field sends it.
    pub publish_at: String,
    /// save, submit, publish, schedule, unpublish or preview.
    #[serde(skip_serializing)]
    pub action: String,
}

pub(super) fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl ArticleForm {
    /// The form for an existing article, as its current state (times in the site's zone).
    pub fn from_article(
        conn: &mut DbConnection,
        article: &Article,
        zone: SiteZone,
    ) -> QueryResult<ArticleForm> {
        let bylines = byline::authors_of_article(conn, article.id)?;
        let tags = Tag::for_article(conn, article.id)?;
        let pinned = pinned::slugs_for(conn, article.id)?;
        Ok(ArticleForm {
            csrf_token: String::new(),
            base_revision: article.revision.to_string(),
            headline: article.headline.clone(),
            slug: article.slug.clone(),
            dek: article.dek.clone(),
            body_markdown: article.body_markdown.clone(),
            section_id: article.section_id.to_string(),
            authors: bylines
                .iter()
                .map(|a| a.slug.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            tags: tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            hero_image_url: article.hero_image_url.clone().unwrap_or_default(),
            hero_image_alt: article.hero_image_alt.clone(),
            hero_image_caption: article.hero_image_caption.clone(),
            hero_image_credit: article.hero_image_credit.clone(),
            seo_title: article.seo_title.clone(),
            seo_description: article.seo_description.clone(),
            pinned: pinned.join(", "),
            publish_at: article
                .published_at
                .map(|at| zone.input_value(&at))
                .unwrap_or_default(),
            action: String::new(),
        })
    }

    /// The form as a revision stored it.
    pub fn from_revision(revision: &Revision) -> ArticleForm {
        let mut form: ArticleForm = serde_json::from_str(&revision.settings).unwrap_or_default();
        form.headline = revision.headline.clone();
        form.slug = revision.slug.clone();
        form.dek = revision.dek.clone();
        form.body_markdown = revision.body_markdown.clone();
        form
    }

    pub fn error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
        FieldError::find(errors, field)
    }
}
