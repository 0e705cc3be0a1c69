//! The whole archive's neighbourhood held in memory for a bulk run (every related list after an
//! import or a seed): read in three queries, then each list costs its text-similarity query
//! alone instead of a dozen small queries and a few hundred rows built by diesel (at 100,000
//! articles the per-article queries were half of an import's time).
//!
//! It answers exactly as [`Database`](super::scoring::Database) would on the snapshot it read.
//! Changes made by others while a long run goes on are not seen: an article published since
//! has its list from its own save, and an article unpublished since may be listed, which
//! readers do not see (a stored list is read through the published articles) and which the
//! next save nearby puts right.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Subject;
use super::scoring::{Candidate, Neighbourhood};
use crate::db::DbConnection;
use crate::models::ArticleStatus;
use crate::schema::{article_tags, articles};
use crate::search;

/// A published article as ranking sees it.
#[derive(Debug, Clone, Copy)]
struct Published {
    section_id: i32,
    published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub(super) struct Archive {
    /// (article, tag) for every tag of every article, sorted: an article's tags are one run.
    article_tags: Vec<(i32, i32)>,
    /// Each tag's articles (in any status), highest id first.
    tagged: HashMap<i32, Vec<i32>>,
    published: HashMap<i32, Published>,
    /// Each section's published articles, newest first (as a section page lists them).
    sections: HashMap<i32, Vec<i32>>,
    highest_id: i64,
    words: search::WordCounts,
}

impl Archive {
    pub(super) fn read(conn: &mut DbConnection) -> QueryResult<Archive> {
        let mut article_tags: Vec<(i32, i32)> = article_tags::table
            .select((article_tags::article_id, article_tags::tag_id))
            .load(conn)?;
        article_tags.sort_unstable();
        let mut tagged: HashMap<i32, Vec<i32>> = HashMap::new();
        for (article_id, tag_id) in &article_tags {
            tagged.entry(*tag_id).or_default().push(*article_id);
        }
        for articles in tagged.values_mut() {
            articles.sort_unstable_by(|a, b| b.cmp(a));
        }

        let rows: Vec<(i32, i32, Option<NaiveDateTime>)> = articles::table
            .filter(articles::status.eq(ArticleStatus::Published))
            .select((articles::id, articles::section_id, articles::published_at))
            .load(conn)?;
        let mut in_sections: HashMap<i32, Vec<(Option<NaiveDateTime>, i32)>> = HashMap::new();
        let mut published = HashMap::with_capacity(rows.len());
        for (id, section_id, published_at) in rows {
            published.insert(
                id,
                Published {
                    section_id,
                    published_at,
                },
            );
            in_sections
                .entry(section_id)
                .or_default()
                .push((published_at, id));
        }
        // Newest first, the higher id first among equals; an undated article last, as SQLite
        // orders a descending NULL.
        let sections = in_sections
            .into_iter()
            .map(|(section_id, mut listed)| {
                listed.sort_unstable_by(|a, b| b.cmp(a));
                (section_id, listed.into_iter().map(|(_, id)| id).collect())
            })
            .collect();

        let highest_id: Option<i32> = articles::table
            .select(diesel::dsl::max(articles::id))
            .first(conn)?;
        Ok(Archive {
            article_tags,
            tagged,
            published,
            sections,
            highest_id: i64::from(highest_id.unwrap_or(1)).max(1),
            words: search::WordCounts::default(),
        })
    }

    /// The articles published when the archive was read, by id.
    pub(super) fn published_subjects(&self) -> Vec<Subject> {
        let mut subjects: Vec<Subject> = self
            .published
            .iter()
            .map(|(id, article)| Subject {
                id: *id,
                section_id: article.section_id,
            })
            .collect();
        subjects.sort_unstable_by_key(|subject| subject.id);
        subjects
    }
}

/// The first `limit` of `ids` that are not `excluding`.
fn first_without(ids: &[i32], excluding: i32, limit: usize) -> Vec<i32> {
    ids.iter()
        .copied()
        .filter(|id| *id != excluding)
        .take(limit)
        .collect()
}

impl Neighbourhood for Archive {
    fn tags_of(&mut self, _: &mut DbConnection, article_id: i32) -> QueryResult<Vec<i32>> {
        let start = self.article_tags.partition_point(|(a, _)| *a < article_id);
        Ok(self.article_tags[start..]
            .iter()
            .take_while(|(a, _)| *a == article_id)
            .map(|(_, tag)| *tag)
            .collect())
    }

    fn tag_size(&mut self, _: &mut DbConnection, tag_id: i32) -> QueryResult<i64> {
        Ok(self.tagged.get(&tag_id).map_or(0, Vec::len) as i64)
    }

    fn archive_size(&mut self, _: &mut DbConnection) -> QueryResult<i64> {
        Ok(self.highest_id)
    }

    fn sharing_tag(
        &mut self,
        _: &mut DbConnection,
        tag_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>> {
        let ids = self.tagged.get(&tag_id).map_or(&[][..], Vec::as_slice);
        Ok(first_without(ids, excluding, limit))
    }

    fn newest_in_section(
        &mut self,
        _: &mut DbConnection,
        section_id: i32,
        excluding: i32,
        limit: usize,
    ) -> QueryResult<Vec<i32>> {
        let ids = self
            .sections
            .get(&section_id)
            .map_or(&[][..], Vec::as_slice);
        Ok(first_without(ids, excluding, limit))
    }

    fn published(
        &mut self,
        _: &mut DbConnection,
        ids: &[i32],
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Candidate>> {
        Ok(ids
            .iter()
            .filter_map(|id| {
                let article = self.published.get(id)?;
                let age_days = article.published_at.map_or(0.0, |at| {
                    (now - at).num_milliseconds() as f64 / 86_400_000.0
                });
                Some(Candidate {
                    id: *id,
                    section_id: article.section_id,
                    age_days,
                })
            })
            .collect())
    }

    fn word_counts(&mut self) -> &mut search::WordCounts {
        &mut self.words
    }
}
