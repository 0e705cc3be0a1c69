//! Authors: the people in bylines, with their profile and social links.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::authors;

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

/// One of an author's profiles elsewhere, ready for a link.
#[derive(Debug, Clone)]
pub struct SocialLink {
    pub label: &'static str,
    pub url: String,
}

impl Author {
    pub fn find_by_slug(conn: &mut SqliteConnection, slug: &str) -> QueryResult<Author> {
        authors::table
            .filter(authors::slug.eq(slug))
            .select(Author::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<Author> {
        authors::table
            .find(id)
            .select(Author::as_select())
            .first(conn)
    }

    pub fn all_by_name(conn: &mut SqliteConnection) -> QueryResult<Vec<Author>> {
        authors::table
            .order(authors::name.asc())
            .select(Author::as_select())
            .load(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, new: &NewAuthor) -> QueryResult<Author> {
        diesel::insert_into(authors::table)
            .values(new)
            .returning(Author::as_returning())
            .get_result(conn)
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
