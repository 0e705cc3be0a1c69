//! Everything the article page shows: the story, its bylines and tags, and the lists around it.

use diesel::prelude::*;

use crate::models::{Article, Author, Section, Tag, byline};
use crate::views::related::related_article_ids;
use crate::views::{ArticleCard, Listing};

const RELATED: i64 = 4;
const MORE_FROM_AUTHOR: i64 = 4;

pub struct ArticlePage {
    pub article: Article,
    pub section: Section,
    pub authors: Vec<Author>,
    pub tags: Vec<Tag>,
    pub related: Vec<ArticleCard>,
    pub more_from_author: Vec<ArticleCard>,
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

impl ArticlePage {
    pub fn lookup(conn: &mut SqliteConnection, slug: &str) -> QueryResult<ArticleLookup> {
        let article = match Article::find_by_slug(conn, slug)? {
            Some(article) => article,
            None => {
                return Ok(match Article::current_slug_for_old(conn, slug)? {
                    Some((current, _status)) => ArticleLookup::MovedTo(current),
                    None => ArticleLookup::Missing,
                });
            }
        };
        if !article.is_published() {
            return Ok(if article.status == "unpublished" {
                ArticleLookup::Withdrawn
            } else {
                ArticleLookup::Missing
            });
        }
        let section = Section::find(conn, article.section_id)?;
        let authors = byline::authors_of_article(conn, article.id)?;
        let tags = Tag::for_article(conn, article.id)?;
        let related_ids = related_article_ids(conn, article.id, article.section_id, RELATED)?;
        let related = ArticleCard::by_ids(conn, &related_ids)?;
        let more_from_author = match authors.first() {
            Some(author) => ArticleCard::list(
                conn,
                &Listing::ByAuthor(author.id),
                Some(article.id),
                MORE_FROM_AUTHOR,
                0,
            )?,
            None => Vec::new(),
        };
        Ok(ArticleLookup::Found(Box::new(ArticlePage {
            article,
            section,
            authors,
            tags,
            related,
            more_from_author,
        })))
    }
}
