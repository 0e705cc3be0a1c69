//! The home page: lead story, top stories, a block per section, "Latest" and "Most read".

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::Listing;
use crate::models::listing::latest_ids_per_section;
use crate::views::{ArticleCard, SectionLink};

const TOP_STORIES: usize = 4;
const LATEST: usize = 8;
const PER_SECTION_BLOCK: usize = 4;
const MOST_READ: usize = 5;

pub struct SectionBlock {
    pub section: SectionLink,
    pub articles: Vec<ArticleCard>,
}

pub struct FrontPage {
    pub lead: Option<ArticleCard>,
    pub top_stories: Vec<ArticleCard>,
    pub latest: Vec<ArticleCard>,
    pub section_blocks: Vec<SectionBlock>,
    pub most_read: Vec<ArticleCard>,
}

impl FrontPage {
    pub fn load(
        conn: &mut DbConnection,
        sections: &[SectionLink],
        most_read_ids: &[i32],
    ) -> QueryResult<FrontPage> {
        let fresh_count = 1 + TOP_STORIES + LATEST;
        let mut fresh = ArticleCard::list(conn, Listing::Everything, None, fresh_count as i64, 0)?;
        // The lead is the newest story with a picture, so the page opens on an image.
        let lead = fresh
            .iter()
            .position(|card| card.image.is_some())
            .or(if fresh.is_empty() { None } else { Some(0) })
            .map(|index| fresh.remove(index));
        let top_stories: Vec<ArticleCard> = fresh.drain(..TOP_STORIES.min(fresh.len())).collect();
        let latest = fresh;

        // Section blocks skip what the top of the page already shows.
        let mut shown: Vec<i32> = lead.iter().chain(&top_stories).map(|c| c.id).collect();
        let section_ids: Vec<i32> = sections.iter().map(|s| s.id).collect();
        let pairs = latest_ids_per_section(
            conn,
            &section_ids,
            (PER_SECTION_BLOCK + 1 + TOP_STORIES) as i64,
        )?;
        let ids: Vec<i32> = pairs.iter().map(|(_, id)| *id).collect();
        let cards = ArticleCard::by_ids(conn, &ids)?;
        let mut section_blocks = Vec::new();
        for section in sections {
            let articles: Vec<ArticleCard> = pairs
                .iter()
                .filter(|(sid, id)| *sid == section.id && !shown.contains(id))
                .filter_map(|(_, id)| cards.iter().find(|c| c.id == *id).cloned())
                .take(PER_SECTION_BLOCK)
                .collect();
            shown.extend(articles.iter().map(|c| c.id));
            if !articles.is_empty() {
                section_blocks.push(SectionBlock {
                    section: section.clone(),
                    articles,
                });
            }
        }

        let mut most_read = ArticleCard::by_ids(conn, most_read_ids)?;
        most_read.truncate(MOST_READ);

        Ok(FrontPage {
            lead,
            top_stories,
            latest,
            section_blocks,
            most_read,
        })
    }
}
