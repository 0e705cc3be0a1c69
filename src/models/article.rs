//! Articles: the stories, their workflow status, and saving them (Markdown is rendered and
//! sanitized here, at save time, never when a reader asks for the page). What follows a save
//! (search index, related lists, page caches) is the caller's to report to `changes`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::markdown;
pub use crate::models::article_status::ArticleStatus;
use crate::models::{Tag, byline};
use crate::schema::{
    article_authors, article_bodies, article_slug_history, article_tags, articles,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = articles)]
pub struct Article {
    pub id: i32,
    pub headline: String,
    pub slug: String,
    pub dek: String,
    /// From `article_bodies`: an [`Article`] is loaded with [`Article::with_body`].
    #[diesel(select_expression = article_bodies::body_markdown)]
    pub body_markdown: String,
    #[diesel(select_expression = article_bodies::body_html)]
    pub body_html: String,
    pub word_count: i32,
    pub hero_image_url: Option<String>,
    pub hero_image_alt: String,
    pub hero_image_caption: String,
    pub hero_image_credit: String,
    pub hero_image_width: Option<i32>,
    pub hero_image_height: Option<i32>,
    pub section_id: i32,
    pub status: ArticleStatus,
    pub is_featured: bool,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub seo_title: String,
    pub seo_description: String,
    pub created_by: Option<i32>,
    pub revision: i32,
}

impl Article {
    pub fn is_published(&self) -> bool {
        self.status == ArticleStatus::Published
    }
}

/// A hero image as an editor attaches it.
#[derive(Debug, Clone, Default)]
pub struct HeroImageInput {
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub width: i32,
    pub height: i32,
}

/// Everything an editor sets on an article; the source of both create and update.
#[derive(Debug, Clone)]
pub struct ArticleInput {
    pub headline: String,
    /// Made from the headline when empty.
    pub slug: String,
    pub dek: String,
    pub body_markdown: String,
    pub hero_image: Option<HeroImageInput>,
    pub section_id: i32,
    pub status: ArticleStatus,
    pub is_featured: bool,
    pub published_at: Option<NaiveDateTime>,
    /// Authors in credit order.
    pub author_ids: Vec<i32>,
    /// Tag names; unknown ones are created.
    pub tags: Vec<String>,
    /// Search-result and sharing title and description overrides; empty means none.
    pub seo_title: String,
    pub seo_description: String,
    /// `body_markdown` already rendered (by an importer, on another thread); None renders it
    /// at save. Used only when it was made from this very `body_markdown`.
    pub prerendered: Option<markdown::Prerendered>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct NewArticle {
    pub headline: String,
    pub slug: String,
    pub dek: String,
    pub word_count: i32,
    pub hero_image_url: Option<String>,
    pub hero_image_alt: String,
    pub hero_image_caption: String,
    pub hero_image_credit: String,
    pub hero_image_width: Option<i32>,
    pub hero_image_height: Option<i32>,
    pub section_id: i32,
    pub status: ArticleStatus,
    pub is_featured: bool,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub seo_title: String,
    pub seo_description: String,
}

/// An article's text, as stored.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = article_bodies)]
pub struct ArticleBody {
    pub article_id: i32,
    pub body_markdown: String,
    pub body_html: String,
}

impl ArticleBody {
    /// Stores the text of article `article_id` (new or replaced).
    pub fn save(&self, conn: &mut DbConnection) -> QueryResult<()> {
        crate::on_each_backend!(conn, |inner| diesel::insert_into(article_bodies::table)
            .values(self)
            .on_conflict(article_bodies::article_id)
            .do_update()
            .set(self)
            .execute(inner))?;
        Ok(())
    }
}

impl NewArticle {
    fn from_input(input: &ArticleInput, now: NaiveDateTime) -> (NewArticle, ArticleBody) {
        let rendered = match input.prerendered.as_ref() {
            Some(ahead) => ahead.rendering_of(&input.body_markdown).cloned(),
            None => None,
        }
        .unwrap_or_else(|| markdown::render(&input.body_markdown));
        let slug = if input.slug.trim().is_empty() {
            slug::slugify(&input.headline)
        } else {
            slug::slugify(input.slug.trim())
        };
        let hero = input.hero_image.as_ref();
        let body = ArticleBody {
            article_id: 0,
            body_markdown: input.body_markdown.clone(),
            body_html: rendered.html,
        };
        let article = NewArticle {
            headline: input.headline.trim().to_string(),
            slug,
            dek: input.dek.trim().to_string(),
            word_count: rendered.word_count as i32,
            hero_image_url: hero.map(|h| h.url.clone()),
            hero_image_alt: hero.map(|h| h.alt.clone()).unwrap_or_default(),
            hero_image_caption: hero.map(|h| h.caption.clone()).unwrap_or_default(),
            hero_image_credit: hero.map(|h| h.credit.clone()).unwrap_or_default(),
            hero_image_width: hero.map(|h| h.width),
            hero_image_height: hero.map(|h| h.height),
            section_id: input.section_id,
            status: input.status,
            is_featured: input.is_featured,
            published_at: input.published_at,
            updated_at: now,
            seo_title: input.seo_title.trim().to_string(),
            seo_description: input.seo_description.trim().to_string(),
        };
        (article, body)
    }
}

/// Articles with their text, ready for `.select(Article::as_select())`.
type WithBody = diesel::dsl::InnerJoin<articles::table, article_bodies::table>;

impl Article {
    /// The query whole articles are loaded from.
    pub fn with_body() -> WithBody {
        articles::table.inner_join(article_bodies::table)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Article> {
        Article::with_body()
            .filter(articles::id.eq(id))
            .select(Article::as_select())
            .first(conn)
    }

    /// The newest published articles' (slug, headline), for pickers.
    pub fn recent_headlines(
        conn: &mut DbConnection,
        limit: i64,
    ) -> QueryResult<Vec<(String, String)>> {
        articles::table
            .filter(articles::status.eq(ArticleStatus::Published))
            .order((articles::published_at.desc(), articles::id.desc()))
            .limit(limit)
            .select((articles::slug, articles::headline))
            .load(conn)
    }

    /// The id of the article at this address, if any.
    pub fn id_for_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
        articles::table
            .filter(articles::slug.eq(slug))
            .select(articles::id)
            .first(conn)
            .optional()
    }

    /// The article at this slug, whatever its status.
    /// On the hot path of every article page: run on the backend's own connection (see
    /// [`crate::on_each_backend`]).
    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Article>> {
        crate::on_each_backend!(conn, |conn| {
            Article::with_body()
                .filter(articles::slug.eq(slug))
                .select(Article::as_select())
                .first(conn)
                .optional()
        })
    }

    /// The current slug of the article that used to live at `old_slug`, if any.
    pub fn current_slug_for_old(
        conn: &mut DbConnection,
        old_slug: &str,
    ) -> QueryResult<Option<(String, ArticleStatus)>> {
        article_slug_history::table
            .inner_join(articles::table)
            .filter(article_slug_history::slug.eq(old_slug))
            .select((articles::slug, articles::status))
            .first(conn)
            .optional()
    }

    /// The article whose former address `old_slug` is, if any.
    pub fn former_owner_of(conn: &mut DbConnection, old_slug: &str) -> QueryResult<Option<i32>> {
        article_slug_history::table
            .filter(article_slug_history::slug.eq(old_slug))
            .select(article_slug_history::article_id)
            .first(conn)
            .optional()
    }

    /// Saves a new article with its bylines and tags in one transaction.
    pub fn create(
        conn: &mut DbConnection,
        input: &ArticleInput,
        now: NaiveDateTime,
    ) -> QueryResult<Article> {
        crate::db::write_transaction(conn, |conn| {
            let (article, mut body) = NewArticle::from_input(input, now);
            let id: i32 = diesel::insert_into(articles::table)
                .values((article, articles::created_at.eq(now)))
                .returning(articles::id)
                .get_result(conn)?;
            body.article_id = id;
            body.save(conn)?;
            save_relations(conn, id, input)?;
            Article::find(conn, id)
        })
    }

    /// Saves changes to an article. When the slug changes, the old one is remembered so its URL
    /// keeps answering with a redirect.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        input: &ArticleInput,
        now: NaiveDateTime,
    ) -> QueryResult<Article> {
        crate::db::write_transaction(conn, |conn| {
            let before = Article::find(conn, id)?;
            let (changes, mut body) = NewArticle::from_input(input, now);
            if changes.slug != before.slug {
                // The new slug may be one this article had before: it is no longer "old".
                diesel::delete(
                    article_slug_history::table
                        .filter(article_slug_history::slug.eq(&changes.slug)),
                )
                .execute(conn)?;
                crate::on_each_backend!(&mut *conn, |inner| diesel::insert_into(
                    article_slug_history::table
                )
                .values((
                    article_slug_history::slug.eq(&before.slug),
                    article_slug_history::article_id.eq(id),
                    article_slug_history::created_at.eq(now),
                ))
                .on_conflict(article_slug_history::slug)
                .do_update()
                .set(article_slug_history::article_id.eq(id))
                .execute(inner))?;
            }
            diesel::update(articles::table.find(id))
                .set(&changes)
                .execute(conn)?;
            body.article_id = id;
            body.save(conn)?;
            save_relations(conn, id, input)?;
            Article::find(conn, id)
        })
    }
}

impl Article {
    /// Records who created the article and the revision now current.
    pub fn set_bookkeeping(
        conn: &mut DbConnection,
        id: i32,
        created_by: Option<i32>,
        revision: i32,
    ) -> QueryResult<()> {
        diesel::update(articles::table.find(id))
            .set((
                articles::created_by.eq(created_by),
                articles::revision.eq(revision),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Scheduled articles whose time has come.
    pub fn due_for_publication(
        conn: &mut DbConnection,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Article>> {
        Article::with_body()
            .filter(articles::status.eq(ArticleStatus::Scheduled))
            .filter(articles::published_at.le(now))
            .select(Article::as_select())
            .load(conn)
    }

    /// Changes only the status (the scheduler's publish).
    pub fn set_status(
        conn: &mut DbConnection,
        id: i32,
        status: ArticleStatus,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(articles::table.find(id))
            .set((articles::status.eq(status), articles::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    }

    /// What pages and derived data depend on: where the article is listed and whether readers
    /// see it. None when there is no such article.
    pub fn facts(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ArticleFacts>> {
        let Some((slug, section_id, status)) = articles::table
            .find(id)
            .select((articles::slug, articles::section_id, articles::status))
            .first::<(String, i32, ArticleStatus)>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let author_ids = article_authors::table
            .filter(article_authors::article_id.eq(id))
            .order(article_authors::position)
            .select(article_authors::author_id)
            .load(conn)?;
        let tag_ids = article_tags::table
            .filter(article_tags::article_id.eq(id))
            .select(article_tags::tag_id)
            .load(conn)?;
        Ok(Some(ArticleFacts {
            id,
            slug,
            section_id,
            status,
            author_ids,
            tag_ids,
        }))
    }

    /// An article's status alone (without loading its text), if it exists.
    pub fn status_of(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ArticleStatus>> {
        articles::table
            .find(id)
            .select(articles::status)
            .first(conn)
            .optional()
    }

    /// Ids of every article in a section, whatever its status.
    pub fn ids_in_section(conn: &mut DbConnection, section_id: i32) -> QueryResult<Vec<i32>> {
        articles::table
            .filter(articles::section_id.eq(section_id))
            .select(articles::id)
            .load(conn)
    }

    /// Moves every article of one section to another; returns how many moved.
    pub fn move_section(
        conn: &mut DbConnection,
        from_section: i32,
        to_section: i32,
    ) -> QueryResult<usize> {
        diesel::update(articles::table.filter(articles::section_id.eq(from_section)))
            .set(articles::section_id.eq(to_section))
            .execute(conn)
    }
}

/// An article as derived data sees it: its address, where it is listed, and whether readers
/// see it. Taken before and after a save, so a change names every page it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFacts {
    pub id: i32,
    pub slug: String,
    pub section_id: i32,
    pub status: ArticleStatus,
    pub author_ids: Vec<i32>,
    pub tag_ids: Vec<i32>,
}

fn save_relations(
    conn: &mut DbConnection,
    article_id: i32,
    input: &ArticleInput,
) -> QueryResult<()> {
    byline::set_for_article(conn, article_id, &input.author_ids)?;
    let mut tag_ids = Vec::with_capacity(input.tags.len());
    for name in input
        .tags
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        let tag = Tag::find_or_create(conn, name)?;
        if !tag_ids.contains(&tag.id) {
            tag_ids.push(tag.id);
        }
    }
    Tag::set_for_article(conn, article_id, &tag_ids)
}
