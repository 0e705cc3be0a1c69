//! `gazette import wordpress FILE.xml`: a WordPress site's export brought in whole, through
//! the one change path (as a bulk load: the search index and related lists are built once at
//! the end), with every old address kept as a redirect to the new one.
//!
//! The file is checked whole before anything is written (a broken file stops with its line
//! and column); the import runs in one transaction (a failure leaves the database as it was);
//! `--dry-run` runs it all and rolls back, so its report is exactly what an import would do.
//! Each object's WordPress id is stored (`import_origins`): running the same import again
//! finds what it made and adds nothing.

pub mod body;
mod images;
mod read_ahead;
mod report;
mod terms;
pub mod wxr;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet, Progress};
use crate::db::{DbConnection, write_transaction};
use crate::markdown::Prerendered;
use crate::models::article::ArticleInput;
use crate::models::page::{Page, PageInput, PageRevision, PageStatus};
use crate::models::redirect::Redirect;
use crate::models::{Article, ArticleStatus, NewSection, Section};
use crate::redirects::normalize;
use crate::schema::import_origins;
use images::ImageMover;
use read_ahead::ReadAhead;
pub use report::Report;
use wxr::{Record, WpItem, WpTerm};

const SOURCE: &str = "wordpress";

pub struct Options {
    /// A copy of the site's `wp-content/uploads`, to take images from.
    pub uploads: Option<PathBuf>,
    /// Where the media library keeps its files.
    pub media_dir: PathBuf,
    pub dry_run: bool,
}

/// Imports the export at `path`.
pub fn wordpress(
    conn: &mut DbConnection,
    path: &Path,
    options: &Options,
    now: NaiveDateTime,
    progress: Progress<'_>,
) -> Result<Report, String> {
    // The whole file is read (and so checked) before anything is written.
    let site = Site::read(path)?;
    let total = site.items;
    // One reporter for the posts and for the bulk work at the end (search index, related).
    let progress = std::cell::RefCell::new(progress);
    let report_progress = |stage: &str, done: u64, total: u64| {
        (progress.borrow_mut())(stage, done, total);
    };
    let mut report = Report {
        dry_run: options.dry_run,
        ..Report::default()
    };
    let outcome = std::thread::scope(|scope| {
        let items = read_ahead::Items::read(scope, path, &site);
        write_transaction(conn, |conn| -> Result<(), ImportFailure> {
            let mut changes = ChangeSet::bulk(now).with_progress(Box::new(report_progress));
            let mut importer = Importer {
                conn,
                options,
                now,
                site: &site,
                report: &mut report,
                authors: HashMap::new(),
                sections: HashMap::new(),
                media: HashMap::new(),
            };
            importer.redirect("/feed/", "/feed.xml")?;
            importer.redirect("/?feed=rss2", "/feed.xml")?;
            importer.authors()?;
            importer.sections()?;
            importer.tags()?;
            let mut done = 0;
            while let Some(ahead) = items.next_item()? {
                importer.item(ahead, &mut changes)?;
                done += 1;
                report_progress("posts and pages", done, total as u64);
            }
            if importer.report.imported.values().sum::<usize>() > 0 {
                changes.record(importer.conn, Change::ArchiveLoaded)?;
            }
            if options.dry_run {
                return Err(ImportFailure::DryRun);
            }
            Ok(())
        })
    });
    match outcome {
        Ok(()) | Err(ImportFailure::DryRun) => Ok(report),
        Err(ImportFailure::Message(message)) => Err(message),
    }
}

enum ImportFailure {
    /// Everything ran; rolled back on purpose.
    DryRun,
    Message(String),
}

impl From<diesel::result::Error> for ImportFailure {
    fn from(error: diesel::result::Error) -> ImportFailure {
        ImportFailure::Message(format!("the database refused the import: {error}"))
    }
}

impl From<String> for ImportFailure {
    fn from(message: String) -> ImportFailure {
        ImportFailure::Message(message)
    }
}

/// What the export says before its items: authors, terms, and where each attachment lives.
struct Site {
    /// How many items (posts, pages, attachments, …) the file holds.
    items: usize,
    authors: Vec<wxr::WpAuthor>,
    categories: Vec<WpTerm>,
    tags: Vec<WpTerm>,
    /// Attachment id → file address.
    attachments: HashMap<String, String>,
    /// Attachment id → alternative text.
    attachment_alts: HashMap<String, String>,
}

impl Site {
    /// Reads the whole file: this is also the check that it is a well-formed export, made
    /// before anything is written.
    fn read(path: &Path) -> Result<Site, String> {
        let mut site = Site {
            items: 0,
            authors: Vec::new(),
            categories: Vec::new(),
            tags: Vec::new(),
            attachments: HashMap::new(),
            attachment_alts: HashMap::new(),
        };
        let mut records = wxr::open(path)?;
        while let Some(record) = records.next_record().map_err(|e| e.to_string())? {
            site.items += usize::from(matches!(record, Record::Item(_)));
            match record {
                Record::Author(author) => site.authors.push(author),
                Record::Category(term) => site.categories.push(term),
                Record::Tag(term) => site.tags.push(term),
                Record::Item(item) if item.post_type == "attachment" => {
                    if let Some(alt) = item.meta("_wp_attachment_image_alt") {
                        site.attachment_alts
                            .insert(item.post_id.clone(), alt.to_string());
                    }
                    site.attachments
                        .insert(item.post_id.clone(), item.attachment_url.clone());
                }
                Record::Item(_) => {}
            }
        }
        Ok(site)
    }
}

struct Importer<'a, 'c> {
    conn: &'c mut DbConnection,
    options: &'a Options,
    now: NaiveDateTime,
    site: &'a Site,
    report: &'a mut Report,
    /// Login → author id.
    authors: HashMap<String, i32>,
    /// Category slug → section id.
    sections: HashMap<String, i32>,
    /// Old image address → new one (None: could not be brought over).
    media: HashMap<String, Option<(String, i32, i32)>>,
}

fn origin(conn: &mut DbConnection, kind: &str, source_id: &str) -> QueryResult<Option<i32>> {
    import_origins::table
        .filter(import_origins::source.eq(SOURCE))
        .filter(import_origins::kind.eq(kind))
        .filter(import_origins::source_id.eq(source_id))
        .select(import_origins::target_id)
        .first(conn)
        .optional()
}

fn remember(conn: &mut DbConnection, kind: &str, source_id: &str, id: i32) -> QueryResult<()> {
    diesel::insert_into(import_origins::table)
        .values((
            import_origins::source.eq(SOURCE),
            import_origins::kind.eq(kind),
            import_origins::source_id.eq(source_id),
            import_origins::target_id.eq(id),
        ))
        .execute(conn)?;
    Ok(())
}

/// A free slug like `wanted` (`wanted-2`, `wanted-3`, … when taken), checked by `taken`.
fn free_slug(
    wanted: &str,
    mut taken: impl FnMut(&str) -> QueryResult<bool>,
) -> QueryResult<String> {
    let base = match slug::slugify(wanted) {
        empty if empty.is_empty() => "untitled".to_string(),
        slug => slug,
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken(&candidate)? {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// WordPress's GMT date (`2024-05-12 08:30:00`; `0000-00-00 00:00:00` for drafts).
fn wordpress_date(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()
}

impl Importer<'_, '_> {
    fn redirect(&mut self, from: &str, to: &str) -> QueryResult<()> {
        let Some(from) = normalize(from) else {
            return Ok(());
        };
        if from == "/" || normalize(to).as_deref() == Some(from.as_str()) {
            return Ok(());
        }
        Redirect::put(self.conn, &from, to, SOURCE, self.now)?;
        self.report.redirects += 1;
        Ok(())
    }

    fn item(&mut self, ahead: ReadAhead, changes: &mut ChangeSet) -> Result<(), ImportFailure> {
        let ReadAhead { item, body } = ahead;
        match item.post_type.as_str() {
            "post" => self.post(&item, body, changes),
            "page" => Ok(self.page(&item)?),
            "attachment" => Ok(()),
            other => {
                let what = match other {
                    "nav_menu_item" => "menu items".to_string(),
                    "revision" => "revisions".to_string(),
                    other => format!("items of type “{other}”"),
                };
                self.report.skip(what);
                Ok(())
            }
        }
    }

    fn describe(item: &WpItem) -> String {
        format!("post {} “{}”", item.post_id, item.title.trim())
    }

    /// Imports a post; `converted` is its body converted and rendered on the reading thread
    /// (None: converted here, with its images brought over).
    fn post(
        &mut self,
        item: &WpItem,
        converted: Option<Prerendered>,
        changes: &mut ChangeSet,
    ) -> Result<(), ImportFailure> {
        if item.comments > 0 {
            *self.report.skipped.entry("comments".into()).or_default() += item.comments;
        }
        let status = match item.status.as_str() {
            "publish" => ArticleStatus::Published,
            "future" => ArticleStatus::Scheduled,
            "draft" | "auto-draft" => ArticleStatus::Draft,
            "pending" => ArticleStatus::InReview,
            other => {
                self.report.skip(format!("posts with status “{other}”"));
                return Ok(());
            }
        };
        if let Some(id) = origin(self.conn, "post", &item.post_id)? {
            Report::count(&mut self.report.already_there, "articles");
            let slug = Article::find(self.conn, id)?.slug;
            self.post_redirects(item, &slug)?;
            return Ok(());
        }
        let headline = match item.title.trim() {
            "" => {
                self.report.warnings.push(format!(
                    "{}: no title; imported as “Untitled”",
                    Self::describe(item)
                ));
                "Untitled".to_string()
            }
            title => title.chars().take(200).collect(),
        };
        let author_ids = match self.authors.get(item.creator.trim()) {
            Some(id) => vec![*id],
            None => {
                self.report.warnings.push(format!(
                    "{}: unknown author “{}”; imported without a byline",
                    Self::describe(item),
                    item.creator
                ));
                Vec::new()
            }
        };
        let section_id = self.section_of(item)?;
        let tags: Vec<String> = item
            .terms
            .iter()
            .filter(|t| t.domain == "post_tag")
            .map(|t| t.name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect();
        let published_at = wordpress_date(&item.post_date_gmt)
            .or_else(|| wordpress_date(&item.post_date))
            .filter(|_| status.is_live_or_scheduled());
        let conn = &mut *self.conn;
        let wanted = if item.post_name.trim().is_empty() {
            &headline
        } else {
            &item.post_name
        };
        let slug = free_slug(wanted, |s| {
            Ok(Article::id_for_slug(conn, s)?.is_some()
                || Article::former_owner_of(conn, s)?.is_some())
        })?;
        if slug != slug::slugify(wanted) {
            self.report.warnings.push(format!(
                "{}: the address /article/{} was taken; it is /article/{slug}",
                Self::describe(item),
                slug::slugify(wanted)
            ));
        }
        let (body, prerendered) = match converted {
            Some(converted) => (converted.source().to_string(), Some(converted)),
            None => {
                let mut images = ImageMover {
                    importer: self,
                    post: Self::describe(item),
                };
                let body = body::convert(&item.content, item.meta("footnotes"), &mut images);
                (body, None)
            }
        };
        let hero_image = self.hero(item)?;
        let seo = |keys: [&str; 2]| {
            keys.iter()
                .find_map(|key| item.meta(key))
                .map(|text| text.trim().to_string())
                .unwrap_or_default()
        };
        let input = ArticleInput {
            headline,
            slug,
            dek: crate::markdown::plain_text(&item.excerpt)
                .trim()
                .to_string(),
            body_markdown: body,
            hero_image,
            section_id,
            status,
            is_featured: item.meta("_is_featured").is_some(),
            published_at,
            author_ids,
            tags,
            seo_title: seo(["_yoast_wpseo_title", "rank_math_title"]),
            seo_description: seo(["_yoast_wpseo_metadesc", "rank_math_description"]),
            prerendered,
        };
        let article = crate::editorial::store(self.conn, changes, None, &input, self.now)?;
        remember(self.conn, "post", &item.post_id, article.id)?;
        Report::count(&mut self.report.imported, "articles");
        self.post_redirects(item, &article.slug)?;
        Ok(())
    }

    fn post_redirects(&mut self, item: &WpItem, slug: &str) -> QueryResult<()> {
        let to = format!("/article/{slug}");
        if !item.link.trim().is_empty() {
            self.redirect(&item.link, &to)?;
        }
        self.redirect(&format!("/?p={}", item.post_id), &to)
    }

    /// The section: Yoast's primary category, else the first category, else "Uncategorized".
    fn section_of(&mut self, item: &WpItem) -> QueryResult<i32> {
        let categories: Vec<&str> = item
            .terms
            .iter()
            .filter(|t| t.domain == "category")
            .map(|t| t.slug.as_str())
            .collect();
        let primary = item
            .meta("_yoast_wpseo_primary_category")
            .or_else(|| item.meta("rank_math_primary_category"))
            .and_then(|term_id| self.site.categories.iter().find(|c| c.term_id == term_id))
            .map(|c| c.slug.as_str());
        if let Some(id) = primary
            .into_iter()
            .chain(categories)
            .find_map(|slug| self.sections.get(slug).copied())
        {
            return Ok(id);
        }
        if let Some(id) = Section::id_for_slug(self.conn, "uncategorized")? {
            return Ok(id);
        }
        let position = Section::all_in_nav_order(self.conn)?.len() as i32;
        let created = Section::insert(
            self.conn,
            &NewSection {
                name: "Uncategorized",
                slug: "uncategorized",
                description: "",
                position,
                created_at: self.now,
                updated_at: self.now,
            },
        )?;
        Report::count(&mut self.report.imported, "sections");
        Ok(created.id)
    }

    fn page(&mut self, item: &WpItem) -> QueryResult<()> {
        let status = match item.status.as_str() {
            "publish" => PageStatus::Published,
            "draft" | "pending" | "future" => PageStatus::Draft,
            other => {
                self.report.skip(format!("pages with status “{other}”"));
                return Ok(());
            }
        };
        let id = match origin(self.conn, "page", &item.post_id)? {
            Some(id) => {
                Report::count(&mut self.report.already_there, "pages");
                id
            }
            None => {
                let title = match item.title.trim() {
                    "" => "Untitled".to_string(),
                    title => title.chars().take(200).collect(),
                };
                let wanted = if item.post_name.trim().is_empty() {
                    &title
                } else {
                    &item.post_name
                };
                let conn = &mut *self.conn;
                let slug = free_slug(wanted, |s| {
                    Ok(crate::routes::RESERVED_FIRST_SEGMENTS.contains(&s)
                        || Page::id_for_slug(conn, s)?.is_some())
                })?;
                let body = {
                    let mut images = ImageMover {
                        importer: self,
                        post: Self::describe(item),
                    };
                    body::convert(&item.content, item.meta("footnotes"), &mut images)
                };
                let input = PageInput {
                    title,
                    slug,
                    body_html: crate::markdown::render(&body).html,
                    body_markdown: body,
                    seo_title: item
                        .meta("_yoast_wpseo_title")
                        .unwrap_or_default()
                        .trim()
                        .into(),
                    seo_description: item
                        .meta("_yoast_wpseo_metadesc")
                        .unwrap_or_default()
                        .trim()
                        .into(),
                    status,
                };
                let id = Page::create(self.conn, &input, self.now)?;
                PageRevision::record(self.conn, id, None, &input, self.now)?;
                remember(self.conn, "page", &item.post_id, id)?;
                Report::count(&mut self.report.imported, "pages");
                id
            }
        };
        let to = Page::find(self.conn, id)?.path();
        if !item.link.trim().is_empty() {
            self.redirect(&item.link, &to)?;
        }
        self.redirect(&format!("/?page_id={}", item.post_id), &to)
    }
}
