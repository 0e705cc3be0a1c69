//! Everything the article page shows: the story, its bylines and tags, and the lists around it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::Listing;
use crate::models::{Article, ArticleStatus, Author, Section, Tag, byline};
use crate::related::{self, Subject};
use crate::views::{ArticleCard, CardSnapshot};

const MORE_FROM_AUTHOR: i64 = 4;
const LATEST_IN_SECTION: i64 = 5;
const MOST_READ: usize = 5;

pub struct ArticlePage {
    pub article: Article,
    pub section: Section,
    pub authors: Vec<Author>,
    pub tags: Vec<Tag>,
    /// "You May Also Like".
    pub related: Vec<ArticleCard>,
    /// Other articles by the first author.
    pub more_from_author: Vec<ArticleCard>,
    /// "Latest in {section}".
    pub latest_in_section: Vec<ArticleCard>,
    /// "Most read" over the last seven days.
    pub most_read: Vec<ArticleCard>,
}

/// What a request for `/article/{slug}` finds.
pub enum ArticleLookup {
    Found(Box<ArticlePage>),
    /// The article lives at another slug now.
    MovedTo(String),
    /// It was published and has been taken down.
    Withdrawn,
    /// Unknown slug, or an article readers may not see.
    Missing,
}

/// Whom a page is assembled for.
enum Audience<'a> {
    /// Readers of a published article: its stored "You May Also Like" (computed once and
    /// stored when missing), and cards kept between renders.
    Readers(&'a CardSnapshot),
    /// The editor's preview: the list computed for this request only, every card read afresh.
    Preview,
}

impl ArticlePage {
    pub fn lookup(
        conn: &mut DbConnection,
        slug: &str,
        most_read: &[i32],
        cards: &CardSnapshot,
        now: NaiveDateTime,
    ) -> QueryResult<ArticleLookup> {
        let article = match Article::find_by_slug(conn, slug)? {
            Some(article) => article,
            None => {
                // Old addresses lead only to what readers may see.
                return Ok(match Article::current_slug_for_old(conn, slug)? {
                    Some((current, ArticleStatus::Published)) => ArticleLookup::MovedTo(current),
                    Some((_, ArticleStatus::Unpublished)) => ArticleLookup::Withdrawn,
                    _ => ArticleLookup::Missing,
                });
            }
        };
        if !article.is_published() {
            return Ok(if article.status == ArticleStatus::Unpublished {
                ArticleLookup::Withdrawn
            } else {
                ArticleLookup::Missing
            });
        }
        let page = ArticlePage::assemble(conn, article, most_read, Audience::Readers(cards), now)?;
        Ok(ArticleLookup::Found(Box::new(page)))
    }

    /// The page of any article, whatever its status, as it would look published: what the
    /// editor's preview shows. Its related list is computed, never stored (a draft keeps none).
    pub fn preview(
        conn: &mut DbConnection,
        article_id: i32,
        now: NaiveDateTime,
    ) -> QueryResult<ArticlePage> {
        let article = Article::find(conn, article_id)?;
        ArticlePage::assemble(conn, article, &[], Audience::Preview, now)
    }

    fn assemble(
        conn: &mut DbConnection,
        article: Article,
        most_read: &[i32],
        audience: Audience<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<ArticlePage> {
        let section = Section::find(conn, article.section_id)?;
        let authors = byline::authors_of_article(conn, article.id)?;
        let tags = Tag::for_article(conn, article.id)?;
        // Every list's ids first, then all their cards in one load.
        let subject = Subject {
            id: article.id,
            section_id: article.section_id,
        };
        let related_ids = match audience {
            Audience::Readers(_) => related::for_page(conn, &subject, now)?,
            Audience::Preview => related::for_preview(conn, &subject, now)?,
        };
        let author_ids = match authors.first() {
            Some(author) => {
                Listing::ByAuthor(author.id).ids(conn, Some(article.id), MORE_FROM_AUTHOR, 0)?
            }
            None => Vec::new(),
        };
        let section_ids = Listing::InSection(article.section_id).ids(
            conn,
            Some(article.id),
            LATEST_IN_SECTION,
            0,
        )?;
        let most_read_ids: Vec<i32> = most_read
            .iter()
            .copied()
            .filter(|id| *id != article.id)
            .collect();
        let mut all_ids: Vec<i32> = related_ids
            .iter()
            .chain(&author_ids)
            .chain(&section_ids)
            .chain(&most_read_ids)
            .copied()
            .collect();
        all_ids.sort_unstable();
        all_ids.dedup();
        let cards = match audience {
            Audience::Readers(kept) => kept.cards(conn, &all_ids)?,
            Audience::Preview => ArticleCard::by_ids(conn, &all_ids)?,
        };
        let pick = |ids: &[i32], limit: usize| -> Vec<ArticleCard> {
            ids.iter()
                .filter_map(|id| cards.iter().find(|c| c.id == *id).cloned())
                .take(limit)
                .collect()
        };
        let related = pick(&related_ids, related::RELATED);
        let more_from_author = pick(&author_ids, MORE_FROM_AUTHOR as usize);
        let latest_in_section = pick(&section_ids, LATEST_IN_SECTION as usize);
        let most_read = pick(&most_read_ids, MOST_READ);
        Ok(ArticlePage {
            article,
            section,
            authors,
            tags,
            related,
            more_from_author,
            latest_in_section,
            most_read,
        })
    }
}
