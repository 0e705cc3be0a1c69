//! Authors, categories and tags: each made once (found again by its WordPress id on a rerun),
//! with redirects from its old addresses.

use diesel::prelude::*;

use super::{Importer, Report, free_slug, origin, remember};
use crate::import::wxr::WpTerm;
use crate::models::{Author, NewAuthor, NewSection, Section, Tag};

impl Importer<'_, '_> {
    pub(super) fn authors(&mut self) -> QueryResult<()> {
        for author in &self.site.authors {
            if let Some(id) = origin(self.conn, "author", &author.login)? {
                self.authors.insert(author.login.clone(), id);
                Report::count(&mut self.report.already_there, "authors");
                continue;
            }
            let name = match author.display_name.trim() {
                "" => author.login.trim(),
                name => name,
            };
            let conn = &mut *self.conn;
            let slug = free_slug(&author.login, |s| {
                Ok(Author::id_for_slug(conn, s)?.is_some())
            })?;
            // The e-mail address stays out: author pages are public.
            let created = Author::insert(
                self.conn,
                &NewAuthor {
                    name,
                    slug: &slug,
                    created_at: self.now,
                    updated_at: self.now,
                    ..NewAuthor::default()
                },
            )?;
            remember(self.conn, "author", &author.login, created.id)?;
            self.authors.insert(author.login.clone(), created.id);
            Report::count(&mut self.report.imported, "authors");
            let login = slug::slugify(&author.login);
            self.redirect(&format!("/author/{login}/"), &format!("/author/{slug}"))?;
            self.redirect(
                &format!("/author/{login}/feed/"),
                &format!("/author/{slug}/feed.xml"),
            )?;
        }
        Ok(())
    }

    /// The path of a category as WordPress writes it: its ancestors' slugs, then its own.
    pub(super) fn category_path(&self, term: &WpTerm) -> String {
        let mut path = vec![term.slug.clone()];
        let mut parent = term.parent.clone();
        while !parent.is_empty() && path.len() < 10 {
            path.insert(0, parent.clone());
            parent = self
                .site
                .categories
                .iter()
                .find(|c| c.slug == parent)
                .map(|c| c.parent.clone())
                .unwrap_or_default();
        }
        path.join("/")
    }

    pub(super) fn sections(&mut self) -> QueryResult<()> {
        let mut position = Section::all_in_nav_order(self.conn)?.len() as i32;
        for term in &self.site.categories {
            if let Some(id) = origin(self.conn, "category", &term.term_id)? {
                self.sections.insert(term.slug.clone(), id);
                Report::count(&mut self.report.already_there, "sections");
                continue;
            }
            let name = if term.name.trim().is_empty() {
                &term.slug
            } else {
                &term.name
            };
            let conn = &mut *self.conn;
            let slug = free_slug(&term.slug, |s| Ok(Section::id_for_slug(conn, s)?.is_some()))?;
            let created = Section::insert(
                self.conn,
                &NewSection {
                    name,
                    slug: &slug,
                    description: term.description.trim(),
                    position,
                    created_at: self.now,
                    updated_at: self.now,
                },
            )?;
            position += 1;
            remember(self.conn, "category", &term.term_id, created.id)?;
            self.sections.insert(term.slug.clone(), created.id);
            Report::count(&mut self.report.imported, "sections");
            if !term.parent.is_empty() {
                self.report.warnings.push(format!(
                    "category “{name}” sat under “{}”: it is a section of its own now",
                    term.parent
                ));
            }
            let old = self.category_path(term);
            self.redirect(&format!("/category/{old}/"), &format!("/section/{slug}"))?;
            self.redirect(
                &format!("/category/{old}/feed/"),
                &format!("/section/{slug}/feed.xml"),
            )?;
            self.redirect(
                &format!("/?cat={}", term.term_id),
                &format!("/section/{slug}"),
            )?;
        }
        Ok(())
    }

    pub(super) fn tags(&mut self) -> QueryResult<()> {
        for term in &self.site.tags {
            if origin(self.conn, "tag", &term.term_id)?.is_some() {
                Report::count(&mut self.report.already_there, "tags");
                continue;
            }
            let name = if term.name.trim().is_empty() {
                &term.slug
            } else {
                &term.name
            };
            let tag = Tag::find_or_create(self.conn, name.trim())?;
            if !term.description.trim().is_empty() {
                Tag::set_description(self.conn, tag.id, term.description.trim())?;
            }
            remember(self.conn, "tag", &term.term_id, tag.id)?;
            Report::count(&mut self.report.imported, "tags");
            self.redirect(
                &format!("/tag/{}/", term.slug),
                &format!("/tag/{}", tag.slug),
            )?;
            self.redirect(
                &format!("/tag/{}/feed/", term.slug),
                &format!("/tag/{}/feed.xml", tag.slug),
            )?;
        }
        Ok(())
    }
}
