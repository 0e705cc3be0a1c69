//! The editorial workflow: the article form, its validation, saving with revisions and conflict
//! detection, and the status changes each role may make. Shared by the admin handlers and the
//! scheduler; knows nothing of HTTP.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::CsrfProtected;
use crate::changes::{Change, ChangeSet};
use crate::db::write_transaction;
use crate::error::AppError;
use crate::models::article::{ArticleInput, HeroImageInput};
use crate::models::media_item::MediaItem;
use crate::models::revision::{NewRevision, Revision};
use crate::models::{Article, ArticleStatus, Role, Section, Tag, User, audit, byline};
use crate::schema::{article_autosaves, article_pinned_related, articles, authors};

/// The demo illustrations an article may use as its hero; uploads (the media table) join them.
pub const IMAGE_LIBRARY: &[(&str, &str)] = &[
    ("/static/img/demo/skyline.jpg", "City skyline at dusk"),
    ("/static/img/demo/harbour.jpg", "Harbour at sunrise"),
    ("/static/img/demo/chamber.jpg", "Assembly building"),
    ("/static/img/demo/ballot.jpg", "Ballot box"),
    ("/static/img/demo/markets.jpg", "Rising bar chart"),
    ("/static/img/demo/factory.jpg", "Factory roofs"),
    ("/static/img/demo/orbit.jpg", "Ringed planet"),
    ("/static/img/demo/laboratory.jpg", "Laboratory flasks"),
    ("/static/img/demo/stage.jpg", "Theatre stage"),
    ("/static/img/demo/gallery.jpg", "Gallery wall"),
    ("/static/img/demo/stadium.jpg", "Floodlit stadium"),
    ("/static/img/demo/track.jpg", "Running track"),
];
const LIBRARY_IMAGE_SIZE: (i32, i32) = (1200, 675);

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
    /// For "schedule": `YYYY-MM-DDTHH:MM` (UTC), as a datetime-local field sends it.
    pub publish_at: String,
    /// save, submit, publish, schedule, unpublish or preview.
    #[serde(skip_serializing)]
    pub action: String,
}

impl CsrfProtected for ArticleForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub use crate::forms::FieldError;

/// What happened to a save.
pub enum SaveOutcome {
    Saved(Box<Article>),
    /// The form comes back with a message at each wrong field.
    Invalid(Vec<FieldError>),
    /// Someone saved after this form was loaded: nothing was written.
    Conflict {
        theirs: Box<Revision>,
    },
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_publish_at(raw: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(raw.trim(), format).ok())
}

impl ArticleForm {
    /// The form for an existing article, as its current state.
    pub fn from_article(
        conn: &mut SqliteConnection,
        article: &Article,
    ) -> QueryResult<ArticleForm> {
        let bylines = byline::authors_of_article(conn, article.id)?;
        let tags = Tag::for_article(conn, article.id)?;
        let pinned: Vec<String> = article_pinned_related::table
            .inner_join(articles::table.on(articles::id.eq(article_pinned_related::related_id)))
            .filter(article_pinned_related::article_id.eq(article.id))
            .order(article_pinned_related::position)
            .select(articles::slug)
            .load(conn)?;
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
                .map(|at| at.format("%Y-%m-%dT%H:%M").to_string())
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

/// The form checked and resolved into what the models store.
struct Checked {
    input: ArticleInput,
    pinned_ids: Vec<i32>,
}

fn check(
    conn: &mut SqliteConnection,
    form: &ArticleForm,
    existing: Option<&Article>,
) -> QueryResult<Result<Checked, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let mut fail =
        |field: &'static str, message: String| errors.push(FieldError { field, message });

    let headline = form.headline.trim();
    if headline.is_empty() {
        fail("headline", "Every article needs a headline.".into());
    } else if headline.chars().count() > 200 {
        fail("headline", "Keep the headline under 200 characters.".into());
    }
    let slug = slug::slugify(if form.slug.trim().is_empty() {
        headline
    } else {
        form.slug.trim()
    });
    if !headline.is_empty() && slug.is_empty() {
        fail(
            "slug",
            "The address needs at least one letter or digit.".into(),
        );
    }
    if !slug.is_empty() {
        let taken: Option<i32> = articles::table
            .filter(articles::slug.eq(&slug))
            .select(articles::id)
            .first(conn)
            .optional()?;
        let taken_by_history = Article::current_slug_for_old(conn, &slug)?.is_some()
            && existing.is_none_or(|a| a.slug != slug);
        if taken.is_some_and(|id| existing.is_none_or(|a| a.id != id))
            || (taken.is_none() && taken_by_history && existing.is_none())
        {
            fail(
                "slug",
                format!("Another article already uses the address /article/{slug}."),
            );
        }
    }
    let section_id = match form.section_id.trim().parse::<i32>().ok() {
        Some(id) if Section::find(conn, id).optional()?.is_some() => id,
        _ => {
            fail(
                "section_id",
                "Choose the section this article belongs to.".into(),
            );
            0
        }
    };
    let mut author_ids = Vec::new();
    let mut unknown_author = false;
    for author_slug in split_list(&form.authors) {
        match authors::table
            .filter(authors::slug.eq(&author_slug))
            .select(authors::id)
            .first::<i32>(conn)
            .optional()?
        {
            Some(id) if !author_ids.contains(&id) => author_ids.push(id),
            Some(_) => {}
            None => {
                unknown_author = true;
                fail("authors", format!("There is no author \"{author_slug}\"."));
            }
        }
    }
    if author_ids.is_empty() && !unknown_author {
        fail("authors", "Credit at least one author.".into());
    }
    let tags = split_list(&form.tags);
    if tags.iter().any(|t| t.chars().count() > 60) {
        fail("tags", "Keep each tag under 60 characters.".into());
    }
    let hero_image = match form.hero_image_url.trim() {
        "" => None,
        url => {
            let size = match IMAGE_LIBRARY.iter().find(|(known, _)| *known == url) {
                Some(_) => Some(LIBRARY_IMAGE_SIZE),
                None => MediaItem::find_by_url(conn, url)?.map(|item| (item.width, item.height)),
            };
            match size {
                Some((width, height)) => {
                    if form.hero_image_alt.trim().is_empty() {
                        fail(
                            "hero_image_alt",
                            "Describe the image for readers who cannot see it.".into(),
                        );
                    }
                    Some(HeroImageInput {
                        url: url.to_string(),
                        alt: form.hero_image_alt.trim().to_string(),
                        caption: form.hero_image_caption.trim().to_string(),
                        credit: form.hero_image_credit.trim().to_string(),
                        width,
                        height,
                    })
                }
                None => {
                    fail("hero_image_url", "Choose an image from the library.".into());
                    None
                }
            }
        }
    };
    if form.seo_title.chars().count() > 110 {
        fail(
            "seo_title",
            "Search engines show about 60 characters; keep it under 110.".into(),
        );
    }
    if form.seo_description.chars().count() > 300 {
        fail(
            "seo_description",
            "Keep the description under 300 characters.".into(),
        );
    }
    let mut pinned_ids = Vec::new();
    for pinned_slug in split_list(&form.pinned) {
        let found: Option<i32> = articles::table
            .filter(articles::slug.eq(&pinned_slug))
            .select(articles::id)
            .first(conn)
            .optional()?;
        match found {
            Some(id) if existing.is_some_and(|a| a.id == id) => {
                fail("pinned", "An article cannot be related to itself.".into())
            }
            Some(id) if !pinned_ids.contains(&id) => pinned_ids.push(id),
            Some(_) => {}
            None => fail(
                "pinned",
                format!("There is no article at /article/{pinned_slug}."),
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(Checked {
        input: ArticleInput {
            headline: headline.to_string(),
            slug,
            dek: form.dek.trim().to_string(),
            body_markdown: form.body_markdown.clone(),
            hero_image,
            section_id,
            status: ArticleStatus::Draft,
            is_featured: existing.is_some_and(|a| a.is_featured),
            published_at: existing.and_then(|a| a.published_at),
            author_ids,
            tags,
            seo_title: form.seo_title.clone(),
            seo_description: form.seo_description.clone(),
        },
        pinned_ids,
    }))
}

/// The status (and publication time) an action leads to, if the role may take it.
fn next_status(
    action: &str,
    role: Role,
    form: &ArticleForm,
    existing: Option<&Article>,
    now: NaiveDateTime,
) -> Result<Result<(ArticleStatus, Option<NaiveDateTime>), FieldError>, AppError> {
    let current = existing.map_or(ArticleStatus::Draft, |a| a.status);
    let kept_time = existing.and_then(|a| a.published_at);
    let editor = role >= Role::Editor;
    Ok(Ok(match action {
        "save" | "" => (current, kept_time),
        // A live or scheduled article is not sent back to review: that would take it down.
        "submit" if matches!(current, ArticleStatus::Published | ArticleStatus::Scheduled) => {
            return Ok(Err(FieldError {
                field: "action",
                message:
                    "This article is already published or scheduled; save your changes instead."
                        .into(),
            }));
        }
        "submit" => (ArticleStatus::InReview, None),
        "publish" if editor => {
            let first_time =
                current != ArticleStatus::Published && current != ArticleStatus::Unpublished;
            (
                ArticleStatus::Published,
                if first_time {
                    Some(now)
                } else {
                    kept_time.or(Some(now))
                },
            )
        }
        "schedule" if editor => match parse_publish_at(&form.publish_at) {
            Some(at) if at > now + TimeDelta::minutes(1) => (ArticleStatus::Scheduled, Some(at)),
            Some(_) => {
                return Ok(Err(FieldError {
                    field: "publish_at",
                    message: "Choose a time in the future (UTC).".into(),
                }));
            }
            None => {
                return Ok(Err(FieldError {
                    field: "publish_at",
                    message: "Give the publication time as a date and time.".into(),
                }));
            }
        },
        "unpublish" if editor => (ArticleStatus::Unpublished, kept_time),
        "publish" | "schedule" | "unpublish" => return Err(AppError::Forbidden),
        other => {
            return Err(AppError::bad_request(format!(
                "Unknown action \"{other}\"."
            )));
        }
    }))
}

/// May this person change this article at all?
pub fn may_edit(conn: &mut SqliteConnection, user: &User, article: &Article) -> QueryResult<bool> {
    if user.role() >= Role::Editor {
        return Ok(true);
    }
    let own = user.owns_article(conn, article.id)?;
    Ok(own && !article.status.is_live_or_scheduled())
}

/// Saves the form as a new article (`existing_id` None) or over an existing one: checks the
/// role, refuses a save based on an old revision, validates, writes the article, its pins and
/// a revision in one transaction, reports the change, and logs publications.
pub fn save(
    conn: &mut SqliteConnection,
    changes: &mut ChangeSet,
    user: &User,
    existing_id: Option<i32>,
    form: &ArticleForm,
    now: NaiveDateTime,
    address: &str,
) -> Result<SaveOutcome, AppError> {
    write_transaction(conn, |conn| {
        let existing = match existing_id {
            Some(id) => Some(Article::find(conn, id)?),
            None => None,
        };
        if let Some(article) = &existing {
            if !may_edit(conn, user, article)? {
                return Err(AppError::Forbidden);
            }
            let based_on: i32 = form.base_revision.trim().parse().unwrap_or(-1);
            if based_on != article.revision {
                let theirs = Revision::find(conn, article.id, article.revision)?;
                return Ok(SaveOutcome::Conflict {
                    theirs: Box::new(theirs),
                });
            }
        }
        let status = next_status(&form.action, user.role(), form, existing.as_ref(), now)?;
        let mut checked = match check(conn, form, existing.as_ref())? {
            Ok(checked) => checked,
            Err(mut errors) => {
                errors.extend(status.err());
                return Ok(SaveOutcome::Invalid(errors));
            }
        };
        let (status, published_at) = match status {
            Ok(next) => next,
            Err(error) => return Ok(SaveOutcome::Invalid(vec![error])),
        };
        checked.input.status = status;
        checked.input.published_at = published_at;

        let article = store(
            conn,
            changes,
            existing.as_ref().map(|a| a.id),
            &checked.input,
            now,
        )?;
        let revision = existing.as_ref().map(|a| a.revision).unwrap_or(0) + 1;
        let created_by = existing.as_ref().map_or(Some(user.id), |a| a.created_by);
        Article::set_bookkeeping(conn, article.id, created_by, revision)?;
        diesel::delete(
            article_pinned_related::table.filter(article_pinned_related::article_id.eq(article.id)),
        )
        .execute(conn)?;
        for (position, related_id) in checked.pinned_ids.iter().enumerate() {
            diesel::insert_into(article_pinned_related::table)
                .values((
                    article_pinned_related::article_id.eq(article.id),
                    article_pinned_related::related_id.eq(related_id),
                    article_pinned_related::position.eq(position as i32),
                ))
                .execute(conn)?;
        }
        let settings = serde_json::to_string(form).map_err(AppError::internal)?;
        Revision::insert(
            conn,
            &NewRevision {
                article_id: article.id,
                number: revision,
                user_id: Some(user.id),
                headline: &article.headline,
                slug: &article.slug,
                dek: &article.dek,
                body_markdown: &article.body_markdown,
                settings: &settings,
                created_at: now,
            },
        )?;
        // Saved for real: the work in progress is no longer ahead of the article.
        diesel::delete(
            article_autosaves::table
                .filter(article_autosaves::article_id.eq(article.id))
                .filter(article_autosaves::user_id.eq(user.id)),
        )
        .execute(conn)?;
        let was = existing.as_ref().map(|a| a.status);
        if was != Some(status)
            && matches!(
                status,
                ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::Unpublished
            )
        {
            audit::record(
                conn,
                now,
                Some(user.id),
                &format!("article.{}", status.as_str()),
                &article.slug,
                &article.headline,
                address,
            )?;
        }
        Ok(SaveOutcome::Saved(Box::new(Article::find(
            conn, article.id,
        )?)))
    })
}

/// Writes an article (a new one when `id` is None) and reports the change: the one way every
/// writer (the editor, the demo, importers) stores an article.
pub fn store(
    conn: &mut SqliteConnection,
    changes: &mut ChangeSet,
    id: Option<i32>,
    input: &ArticleInput,
    now: NaiveDateTime,
) -> QueryResult<Article> {
    write_transaction(conn, |conn| {
        let before = match id {
            Some(id) => Article::facts(conn, id)?,
            None => None,
        };
        let article = match id {
            Some(id) => Article::update(conn, id, input, now)?,
            None => Article::create(conn, input, now)?,
        };
        if let Some(after) = Article::facts(conn, article.id)? {
            changes.record(conn, Change::ArticleSaved { before, after })?;
        }
        Ok(article)
    })
}

/// Keeps the editor's work in progress (never the article itself): one copy per article and
/// person, replaced at each autosave.
pub fn autosave(
    conn: &mut SqliteConnection,
    user: &User,
    article_id: i32,
    form: &ArticleForm,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let article = Article::find(conn, article_id)?;
    if !may_edit(conn, user, &article)? {
        return Err(AppError::Forbidden);
    }
    let json = serde_json::to_string(form).map_err(AppError::internal)?;
    let base_revision: i32 = form
        .base_revision
        .trim()
        .parse()
        .unwrap_or(article.revision);
    diesel::replace_into(article_autosaves::table)
        .values((
            article_autosaves::article_id.eq(article_id),
            article_autosaves::user_id.eq(user.id),
            article_autosaves::form.eq(json),
            article_autosaves::base_revision.eq(base_revision),
            article_autosaves::saved_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// This person's autosaved form for the article (with the revision it was based on), if any.
pub fn pending_autosave(
    conn: &mut SqliteConnection,
    user_id: i32,
    article_id: i32,
) -> QueryResult<Option<(ArticleForm, NaiveDateTime)>> {
    let found: Option<(String, i32, NaiveDateTime)> = article_autosaves::table
        .find((article_id, user_id))
        .select((
            article_autosaves::form,
            article_autosaves::base_revision,
            article_autosaves::saved_at,
        ))
        .first(conn)
        .optional()?;
    Ok(found.and_then(|(json, base, saved_at)| {
        let mut form: ArticleForm = serde_json::from_str(&json).ok()?;
        form.base_revision = base.to_string();
        Some((form, saved_at))
    }))
}

/// Publishes every scheduled article whose time has come; returns how many.
pub fn publish_due(
    conn: &mut SqliteConnection,
    changes: &mut ChangeSet,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let due = Article::due_for_publication(conn, now)?;
    for article in &due {
        let before = Article::facts(conn, article.id)?;
        Article::set_status(conn, article.id, ArticleStatus::Published, now)?;
        if let Some(after) = Article::facts(conn, article.id)? {
            changes.record(conn, Change::ArticleSaved { before, after })?;
        }
        audit::record(
            conn,
            now,
            None,
            "article.published",
            &article.slug,
            "scheduled publication",
            "",
        )?;
    }
    Ok(due.len())
}
