//! The one change path: every writer (the editor, the scheduler, section/author/tag admin, the
//! seeders and importers) reports what it changed as a [`Change`] value, and this module keeps
//! everything derived from content in step with it: the search index and the stored related
//! lists (in the writer's transaction), and the set of pages that show what changed (returned as
//! [`Effects`], for the page caches and the navigation once the transaction has committed).
//! Models never call into search or related lists; a new writer cannot forget a step because
//! this is the only door.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::listing;
use crate::models::sitemap::{self, ListingKey};
use crate::models::{Article, ArticleFacts, ArticleStatus};
use crate::related::{self, Subject};
use crate::search;

/// What changed, as a writer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An article was created (`before` None), edited, or changed status (publication,
    /// withdrawal, a scheduled go-live).
    ArticleSaved {
        before: Option<ArticleFacts>,
        after: ArticleFacts,
    },
    /// A tag's name or address changed; `articles` carry it.
    TagRenamed { id: i32, articles: Vec<i32> },
    /// A tag was removed from `articles` and deleted.
    TagDeleted { id: i32, articles: Vec<i32> },
    /// A section was added, renamed, described or reordered: every page's navigation shows it.
    SectionSaved { id: i32 },
    /// A section was deleted after its `articles` moved to `moved_to`.
    SectionDeleted {
        id: i32,
        moved_to: Option<i32>,
        articles: Vec<i32>,
    },
    /// An author was added or their profile changed; `articles` carry their byline.
    AuthorSaved { id: i32, articles: Vec<i32> },
    /// An author without bylines was deleted.
    AuthorDeleted { id: i32 },
    /// A standalone page was created, edited, published, withdrawn or deleted. `menu_changed`:
    /// the footer menu every page shows is different now (a title, a place, a publication).
    PageSaved { id: i32, menu_changed: bool },
    /// Many articles were written in bulk (a seeder or an importer, a reindex): the search
    /// index is rebuilt for the whole archive at once (far cheaper than one at a time), and
    /// every published article without a related list gets one.
    ArchiveLoaded,
}

/// A thing a page shows. A cached page records what it shows; a change drops exactly the pages
/// that show what it touched. Written as `article:42`, `section:3`, … (the `Surrogate-Key`
/// words a CDN purges by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dependency {
    Article(i32),
    Section(i32),
    Author(i32),
    Tag(i32),
    /// A standalone page (About, Contact, …).
    Page(i32),
    Home,
    Feeds,
    Sitemaps,
    Search,
    /// The section navigation and the footer menu, on every page.
    Navigation,
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dependency::Article(id) => write!(f, "article:{id}"),
            Dependency::Section(id) => write!(f, "section:{id}"),
            Dependency::Author(id) => write!(f, "author:{id}"),
            Dependency::Tag(id) => write!(f, "tag:{id}"),
            Dependency::Page(id) => write!(f, "page:{id}"),
            Dependency::Home => f.write_str("home"),
            Dependency::Feeds => f.write_str("feeds"),
            Dependency::Sitemaps => f.write_str("sitemaps"),
            Dependency::Search => f.write_str("search"),
            Dependency::Navigation => f.write_str("navigation"),
        }
    }
}

impl std::str::FromStr for Dependency {
    type Err = String;

    /// Reads back what `Display` writes (`article:42`, `home`, …).
    fn from_str(text: &str) -> Result<Dependency, String> {
        let id = |digits: &str| digits.parse::<i32>().map_err(|e| format!("{text}: {e}"));
        Ok(match text.split_once(':') {
            Some(("article", n)) => Dependency::Article(id(n)?),
            Some(("section", n)) => Dependency::Section(id(n)?),
            Some(("author", n)) => Dependency::Author(id(n)?),
            Some(("tag", n)) => Dependency::Tag(id(n)?),
            Some(("page", n)) => Dependency::Page(id(n)?),
            None if text == "home" => Dependency::Home,
            None if text == "feeds" => Dependency::Feeds,
            None if text == "sitemaps" => Dependency::Sitemaps,
            None if text == "search" => Dependency::Search,
            None if text == "navigation" => Dependency::Navigation,
            _ => return Err(format!("{text:?} names no kind of page")),
        })
    }
}

/// What a transaction's changes mean outside it, handed over once it has committed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Effects {
    /// Every page showing one of these is out of date.
    pub dependencies: BTreeSet<Dependency>,
}

impl Effects {
    /// True when the section navigation must be reloaded.
    pub fn navigation_changed(&self) -> bool {
        self.dependencies.contains(&Dependency::Navigation)
    }
}

/// At most this many moved articles get their related lists recomputed in the moving
/// transaction (the newest first); the others' stored lists are dropped and recomputed when a
/// reader next opens them, so moving a large section does not hold the write lock for minutes.
const EAGER_RELATED_REFRESHES: usize = 200;

/// Progress of bulk work: (stage, done, total).
pub type Progress<'a> = Box<dyn FnMut(&str, u64, u64) + 'a>;

/// The changes of one transaction. Each `record` brings derived data in step at once, inside
/// the caller's transaction, so what commits is consistent; the effects outside the database
/// wait for the commit (`into_effects`).
pub struct ChangeSet<'a> {
    now: NaiveDateTime,
    effects: Effects,
    progress: Option<Progress<'a>>,
    /// Loading many articles at once: what `ArticleSaved` derives per article waits for the
    /// `ArchiveLoaded` the loader records at the end.
    bulk: bool,
}

impl<'a> ChangeSet<'a> {
    pub fn new(now: NaiveDateTime) -> ChangeSet<'a> {
        ChangeSet {
            now,
            effects: Effects::default(),
            progress: None,
            bulk: false,
        }
    }

    /// For loading many articles in one transaction (the demo newsroom, an import): each
    /// saved article is only noted, and the loader ends with `Change::ArchiveLoaded`, which
    /// derives everything for the whole archive at once. Per-article upkeep would rewrite the
    /// same vocabulary and related rows thousands of times in one transaction, which
    /// PostgreSQL keeps as row versions every later lookup walks through.
    pub fn bulk(now: NaiveDateTime) -> ChangeSet<'a> {
        ChangeSet {
            bulk: true,
            ..ChangeSet::new(now)
        }
    }

    /// Reports bulk work (rebuilding the search index) to `progress`.
    pub fn with_progress(mut self, progress: Progress<'a>) -> ChangeSet<'a> {
        self.progress = Some(progress);
        self
    }

    /// Brings derived data in step with `change` and notes which pages it touched.
    pub fn record(&mut self, conn: &mut DbConnection, change: Change) -> QueryResult<()> {
        // What this change touched (the transaction's other changes are already noted).
        let mut dependencies = BTreeSet::new();
        match &change {
            Change::ArticleSaved { before, after } if self.bulk => {
                // Only noted: the closing ArchiveLoaded indexes, dates the sitemaps and tells
                // the other servers, once for the whole load.
                let touched = article_saved(before.as_ref(), after);
                self.effects.dependencies.extend(touched);
                return Ok(());
            }
            Change::ArticleSaved { before, after } => {
                search::index_article(conn, after.id)?;
                listing::sync_listed_at(conn, Some(after.id))?;
                // The article's own list, and its neighbours' (which may now want to list it).
                related::refresh_after_save(
                    conn,
                    &Subject {
                        id: after.id,
                        section_id: after.section_id,
                    },
                    after.status == ArticleStatus::Published,
                    self.now,
                )?;
                dependencies.extend(article_saved(before.as_ref(), after));
            }
            Change::TagRenamed { id, articles } | Change::TagDeleted { id, articles } => {
                for article_id in articles {
                    search::index_article(conn, *article_id)?;
                    dependencies.insert(Dependency::Article(*article_id));
                }
                dependencies.extend([Dependency::Tag(*id), Dependency::Search]);
                dependencies.extend([Dependency::Feeds, Dependency::Sitemaps]);
            }
            Change::SectionSaved { id } => {
                dependencies.extend([Dependency::Section(*id), Dependency::Navigation]);
                dependencies.extend([Dependency::Sitemaps, Dependency::Feeds]);
            }
            Change::SectionDeleted {
                id,
                moved_to,
                articles,
            } => {
                for article_id in articles {
                    search::index_article(conn, *article_id)?;
                }
                if let Some(target) = moved_to {
                    refresh_moved(conn, articles, *target, self.now)?;
                    dependencies.insert(Dependency::Section(*target));
                }
                dependencies.extend(articles.iter().map(|a| Dependency::Article(*a)));
                dependencies.extend([Dependency::Section(*id), Dependency::Navigation]);
                dependencies.extend([Dependency::Search, Dependency::Sitemaps]);
                dependencies.extend([Dependency::Feeds, Dependency::Home]);
            }
            Change::AuthorSaved { id, articles } => {
                // Author names are indexed with the articles they wrote.
                for article_id in articles {
                    search::index_article(conn, *article_id)?;
                    dependencies.insert(Dependency::Article(*article_id));
                }
                dependencies.extend([Dependency::Author(*id), Dependency::Search]);
                dependencies.extend([Dependency::Feeds, Dependency::Sitemaps]);
            }
            Change::AuthorDeleted { id } => {
                dependencies.extend([Dependency::Author(*id), Dependency::Sitemaps]);
            }
            Change::PageSaved { id, menu_changed } => {
                dependencies.extend([Dependency::Page(*id), Dependency::Sitemaps]);
                if *menu_changed {
                    dependencies.insert(Dependency::Navigation);
                }
            }
            Change::ArchiveLoaded => {
                crate::db::measure_archive(conn)?;
                listing::sync_listed_at(conn, None)?;
                let progress = &mut self.progress;
                search::rebuild(conn, |done, total| {
                    if let Some(report) = progress.as_mut() {
                        report("search index", done, total);
                    }
                })?;
                // Text similarity reads the index: related lists come after it.
                related::fill_missing(conn, self.now, |done, total| {
                    if let Some(report) = progress.as_mut() {
                        report("related lists", done, total);
                    }
                })?;
                // Measured too, or the server's first `PRAGMA optimize` does it.
                crate::db::measure_related(conn)?;
                dependencies.extend([Dependency::Navigation, Dependency::Home]);
                dependencies.extend([Dependency::Search, Dependency::Feeds]);
                dependencies.insert(Dependency::Sitemaps);
            }
        }
        if change == Change::ArchiveLoaded {
            sitemap::date_again(conn)?;
        } else {
            date_sitemap_entries(conn, &dependencies, self.now)?;
        }
        // Other app servers on the same PostgreSQL database hear of it when this commits.
        crate::change_feed::announce(conn, &dependencies)?;
        self.effects.dependencies.extend(dependencies);
        Ok(())
    }

    /// What the recorded changes mean outside the database; call once the transaction
    /// committed.
    pub fn into_effects(self) -> Effects {
        self.effects
    }
}

/// The pages a saved article was or is on: those of its listings before and after the save,
/// counted only while readers see it (a draft's save touches no public page).
fn article_saved(before: Option<&ArticleFacts>, after: &ArticleFacts) -> BTreeSet<Dependency> {
    let mut dependencies = BTreeSet::new();
    for facts in before.into_iter().chain([after]) {
        if facts.status != ArticleStatus::Published {
            continue;
        }
        dependencies.insert(Dependency::Article(facts.id));
        dependencies.insert(Dependency::Section(facts.section_id));
        dependencies.extend(facts.author_ids.iter().map(|id| Dependency::Author(*id)));
        dependencies.extend(facts.tag_ids.iter().map(|id| Dependency::Tag(*id)));
        dependencies.extend([Dependency::Home, Dependency::Feeds]);
        dependencies.extend([Dependency::Sitemaps, Dependency::Search]);
    }
    dependencies
}

/// Stores when the sitemap entries showing what changed last changed, so the sitemap index and
/// the pages sitemap never scan the archive for it.
fn date_sitemap_entries(
    conn: &mut DbConnection,
    touched: &BTreeSet<Dependency>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if !touched.contains(&Dependency::Sitemaps) {
        return Ok(());
    }
    for dependency in touched {
        match *dependency {
            Dependency::Article(id) => sitemap::touch_article(conn, id, now)?,
            Dependency::Home => sitemap::touch_listing(conn, ListingKey::Home, now)?,
            Dependency::Section(id) => sitemap::touch_listing(conn, ListingKey::Section(id), now)?,
            Dependency::Author(id) => sitemap::touch_listing(conn, ListingKey::Author(id), now)?,
            Dependency::Tag(id) => sitemap::touch_listing(conn, ListingKey::Tag(id), now)?,
            // A standalone page's sitemap date is its own `updated_at`.
            Dependency::Page(_)
            | Dependency::Feeds
            | Dependency::Sitemaps
            | Dependency::Search
            | Dependency::Navigation => {}
        }
    }
    Ok(())
}

/// Related lists weigh the section, so moved articles get new ones: the newest at once, the
/// rest when next read.
fn refresh_moved(
    conn: &mut DbConnection,
    articles: &[i32],
    section_id: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut newest_first = articles.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    let (eager, lazy) = newest_first.split_at(newest_first.len().min(EAGER_RELATED_REFRESHES));
    for id in eager {
        let published = Article::status_of(conn, *id)? == Some(ArticleStatus::Published);
        let subject = Subject {
            id: *id,
            section_id,
        };
        related::refresh(conn, &subject, published, now)?;
    }
    related::forget(conn, lazy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_read_as_surrogate_keys() {
        let words: Vec<String> = [
            Dependency::Article(42),
            Dependency::Section(3),
            Dependency::Author(7),
            Dependency::Tag(9),
            Dependency::Page(4),
            Dependency::Home,
            Dependency::Feeds,
            Dependency::Sitemaps,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            words,
            [
                "article:42",
                "section:3",
                "author:7",
                "tag:9",
                "page:4",
                "home",
                "feeds",
                "sitemaps"
            ]
        );
    }

    fn facts(status: ArticleStatus, section_id: i32, tag_ids: Vec<i32>) -> ArticleFacts {
        ArticleFacts {
            id: 5,
            slug: "a".into(),
            section_id,
            status,
            author_ids: vec![7, 8],
            tag_ids,
        }
    }

    #[test]
    fn a_draft_saved_touches_no_public_page() {
        let draft = facts(ArticleStatus::Draft, 2, vec![9]);
        assert!(article_saved(None, &draft).is_empty());
        assert!(article_saved(Some(&draft), &draft).is_empty());
    }

    #[test]
    fn a_publication_touches_its_listings_and_a_move_touches_both_sides() {
        let draft = facts(ArticleStatus::Draft, 2, vec![9]);
        let published = facts(ArticleStatus::Published, 2, vec![9]);
        let touched = article_saved(Some(&draft), &published);
        for expected in [
            Dependency::Article(5),
            Dependency::Section(2),
            Dependency::Author(7),
            Dependency::Author(8),
            Dependency::Tag(9),
            Dependency::Home,
            Dependency::Feeds,
            Dependency::Sitemaps,
            Dependency::Search,
        ] {
            assert!(touched.contains(&expected), "{expected}");
        }
        // Moved to section 3 and retagged: the old listings lose it, the new ones gain it.
        let moved = facts(ArticleStatus::Published, 3, vec![10]);
        let touched = article_saved(Some(&published), &moved);
        for expected in [
            Dependency::Section(2),
            Dependency::Section(3),
            Dependency::Tag(9),
            Dependency::Tag(10),
        ] {
            assert!(touched.contains(&expected), "{expected}");
        }
        // Withdrawn: every page that showed it.
        let withdrawn = facts(ArticleStatus::Unpublished, 3, vec![10]);
        assert!(article_saved(Some(&moved), &withdrawn).contains(&Dependency::Tag(10)));
    }
}
