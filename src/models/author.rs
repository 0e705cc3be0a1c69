//! Authors: the people in bylines, with their profile and social links.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{article_authors, authors};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = authors)]
pub struct Author {
    pub id: i32,
    pub name: String,
    pub slug: String,
    pub job_title: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
    pub email: Option<String>,
    pub x_handle: Option<String>,
    pub mastodon_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Insertable)]
#[diesel(table_name = authors)]
pub struct NewAuthor<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub job_title: &'a str,
    pub bio: &'a str,
    pub avatar_url: Option<&'a str>,
    pub website_url: Option<&'a str>,
    pub email: Option<&'a str>,
    pub x_handle: Option<&'a str>,
    pub mastodon_url: Option<&'a str>,
    pub linkedin_url: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an editor sets on a profile (the avatar is kept as it is).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = authors, treat_none_as_null = true)]
pub struct AuthorProfile {
    pub name: String,
    pub slug: String,
    pub job_title: String,
    pub bio: String,
    pub website_url: Option<String>,
    pub email: Option<String>,
    pub x_handle: Option<String>,
    pub mastodon_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// One of an author's profiles elsewhere, ready for a link.
#[derive(Debug, Clone)]
pub struct SocialLink {
    pub label: &'static str,
    pub url: String,
}

impl Author {
    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Author> {
        authors::table
            .filter(authors::slug.eq(slug))
            .select(Author::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Author> {
        authors::table
            .find(id)
            .select(Author::as_select())
            .first(conn)
    }

    pub fn all_by_name(conn: &mut DbConnection) -> QueryResult<Vec<Author>> {
        authors::table
            .order(authors::name.asc())
            .select(Author::as_select())
            .load(conn)
    }

    /// Every author by name, with how many bylines each has.
    pub fn all_with_counts(conn: &mut DbConnection) -> QueryResult<Vec<(Author, i64)>> {
        let counts: std::collections::HashMap<i32, i64> = article_authors::table
            .group_by(article_authors::author_id)
            .select((article_authors::author_id, diesel::dsl::count_star()))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .collect();
        Ok(Author::all_by_name(conn)?
            .into_iter()
            .map(|author| {
                let n = counts.get(&author.id).copied().unwrap_or(0);
                (author, n)
            })
            .collect())
    }

    /// The id of the author at this address, if any.
    pub fn id_for_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
        authors::table
            .filter(authors::slug.eq(slug))
            .select(authors::id)
            .first(conn)
            .optional()
    }

    /// The articles that carry this author's byline, whatever their status.
    pub fn article_ids(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<i32>> {
        article_authors::table
            .filter(article_authors::author_id.eq(id))
            .select(article_authors::article_id)
            .load(conn)
    }

    /// Saves a profile: over author `id`, or as a new author; returns the author's id.
    pub fn save_profile(
        conn: &mut DbConnection,
        id: Option<i32>,
        profile: &AuthorProfile,
    ) -> QueryResult<i32> {
        match id {
            Some(id) => {
                diesel::update(authors::table.find(id))
                    .set(profile)
                    .execute(conn)?;
                Ok(id)
            }
            None => diesel::insert_into(authors::table)
                .values((
                    authors::name.eq(&profile.name),
                    authors::slug.eq(&profile.slug),
                    authors::job_title.eq(&profile.job_title),
                    authors::bio.eq(&profile.bio),
                    authors::website_url.eq(&profile.website_url),
                    authors::email.eq(&profile.email),
                    authors::x_handle.eq(&profile.x_handle),
                    authors::mastodon_url.eq(&profile.mastodon_url),
                    authors::linkedin_url.eq(&profile.linkedin_url),
                    authors::created_at.eq(profile.updated_at),
                    authors::updated_at.eq(profile.updated_at),
                ))
                .returning(authors::id)
                .get_result(conn),
        }
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::delete(authors::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub fn insert(conn: &mut DbConnection, new: &NewAuthor) -> QueryResult<Author> {
        crate::on_each_backend!(conn, |inner| diesel::insert_into(authors::table)
            .values(new)
            .returning(Author::as_returning())
            .get_result(inner))
    }

    /// The author's profiles as links, in a fixed order.
    pub fn social_links(&self) -> Vec<SocialLink> {
        let mut links = Vec::new();
        if let Some(url) = &self.website_url {
            links.push(SocialLink {
                label: "Website",
                url: url.clone(),
            });
        }
        if let Some(handle) = &self.x_handle {
            let handle = handle.trim_start_matches('@');
            links.push(SocialLink {
                label: "X",
                url: format!("https://x.com/{handle}"),
            });
        }
        if let Some(url) = &self.mastodon_url {
            links.push(SocialLink {
                label: "Mastodon",
                url: url.clone(),
            });
        }
        if let Some(url) = &self.linkedin_url {
            links.push(SocialLink {
                label: "LinkedIn",
                url: url.clone(),
            });
        }
        if let Some(email) = &self.email {
            links.push(SocialLink {
                label: "Email",
                url: format!("mailto:{email}"),
            });
        }
        links
    }

    /// Avatar image, or the shared placeholder when the author has none.
    pub fn avatar(&self) -> &str {
        self.avatar_url
            .as_deref()
            .unwrap_or("/static/img/avatar-placeholder.svg")
    }
}
