//! The article editor's form: every field as the person typed it, so a refused form comes
//! back exactly as it was sent; and the form made from an article or a stored revision.

use std::collections::BTreeMap;

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
    /// The pickers' numbered fields as sent: `author_1`, `author_2`, … (author slugs, in credit
    /// order) and `pinned_1`, … (article slugs); `apply_picks` turns them into `authors` and
    /// `pinned`. Anything else a form sends lands here too, and is ignored.
    #[serde(flatten, skip_serializing)]
    pub picks: BTreeMap<String, String>,
}

/// At least this many byline pickers are shown (one more than the credited authors).
const AUTHOR_SLOTS: usize = 3;
/// Pinned related-article pickers shown (one more than the pinned articles, at least this).
const PINNED_SLOTS: usize = 3;

pub(super) fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A list's items and at least one empty place after them, `least` places in all at least.
fn slots(list: &str, least: usize) -> Vec<String> {
    let mut slots = split_list(list);
    let wanted = (slots.len() + 1).max(least);
    slots.resize(wanted, String::new());
    slots
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
            picks: BTreeMap::new(),
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

    /// Takes the pickers' numbered fields (`author_N`, `pinned_N`), when the form sent them,
    /// as the ordered lists `authors` and `pinned`: empty pickers and repeats left out.
    pub fn apply_picks(&mut self) {
        let picks = std::mem::take(&mut self.picks);
        let numbered = |prefix: &str| -> Option<String> {
            let mut slots: Vec<(u32, &str)> = picks
                .iter()
                .filter_map(|(name, value)| {
                    let n = name.strip_prefix(prefix)?.parse::<u32>().ok()?;
                    Some((n, value.trim()))
                })
                .collect();
            if slots.is_empty() {
                return None;
            }
            slots.sort_unstable();
            let mut chosen: Vec<&str> = Vec::new();
            for (_, value) in slots {
                if !value.is_empty() && !chosen.contains(&value) {
                    chosen.push(value);
                }
            }
            Some(chosen.join(", "))
        };
        if let Some(authors) = numbered("author_") {
            self.authors = authors;
        }
        if let Some(pinned) = numbered("pinned_") {
            self.pinned = pinned;
        }
    }

    /// What each byline picker shows: the credited authors' slugs, then empty pickers.
    pub fn author_slots(&self) -> Vec<String> {
        slots(&self.authors, AUTHOR_SLOTS)
    }

    /// What each pinned-article picker shows.
    pub fn pinned_slots(&self) -> Vec<String> {
        slots(&self.pinned, PINNED_SLOTS)
    }

    pub fn error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
        FieldError::find(errors, field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pickers_numbered_fields_become_ordered_lists() {
        let mut form: ArticleForm = serde_urlencoded::from_str(
            "headline=H&authors=old&author_2=ben&author_1=ana&author_3=&author_10=cleo&author_4=ana\
             &pinned_1=&pinned_2=storm-warning&csrf_token=t",
        )
        .unwrap();
        form.apply_picks();
        assert_eq!(
            form.authors, "ana, ben, cleo",
            "by number, empties and repeats out"
        );
        assert_eq!(form.pinned, "storm-warning");
        assert_eq!(form.author_slots(), ["ana", "ben", "cleo", ""]);
        assert_eq!(form.pinned_slots(), ["storm-warning", "", ""]);

        let mut typed: ArticleForm = serde_urlencoded::from_str("authors=ana%2C+ben").unwrap();
        typed.apply_picks();
        assert_eq!(
            typed.authors, "ana, ben",
            "a form without pickers keeps its list"
        );
        let json = serde_json::to_string(&typed).unwrap();
        assert!(
            !json.contains("picks"),
            "revisions store the lists, not the pickers"
        );
    }
}
