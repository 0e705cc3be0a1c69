//! A large synthetic newsroom for benchmarks (`gazette seed --articles N`): varied lengths,
//! a Zipf word distribution over real words (those of the demo newsroom) and a long tail of
//! invented ones, tags, many authors, dates over five years. Written in bulk, then indexed once.
//!
//! The generator is a fixed SplitMix64 with a fixed seed, so the same N gives the same newsroom
//! on every machine and with every dependency version: benchmark figures stay comparable.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::changes::{Change, ChangeSet};
use crate::db::DbConnection;
use crate::demo;
use crate::markdown;
use crate::models::{
    ArticleBody, ArticleStatus, Author, NewArticle, NewAuthor, NewSection, Section,
};
use crate::schema::{article_authors, article_tags, articles, sections, tags};

const AUTHORS: usize = 60;
const TAGS: usize = 400;
const INVENTED_WORDS: usize = 30_000;
const BATCH: usize = 1_000;
const YEARS: i64 = 5;

/// SplitMix64: tiny, fast, and its output never changes.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Samples ranks 0..n with probability ∝ 1/(rank+1)^s, like words in real text.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(s);
                total
            })
            .collect::<Vec<_>>();
        let cumulative = cumulative.into_iter().map(|c| c / total).collect();
        Zipf { cumulative }
    }

    fn sample(&self, random: &mut Random) -> usize {
        let target = random.unit();
        self.cumulative
            .partition_point(|c| *c < target)
            .min(self.cumulative.len() - 1)
    }
}

/// Real words first, most frequent first (from the demo newsroom), then invented ones.
fn vocabulary(random: &mut Random) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in demo::all_text() {
        for word in text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() > 1)
        {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut vocabulary: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
    const ONSETS: &[&str] = &[
        "b", "br", "c", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pl", "r", "s",
        "st", "t", "tr", "v", "w", "z",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou"];
    const CODAS: &[&str] = &["", "n", "r", "s", "l", "nd", "rt", "st", "m", "x"];
    let mut seen: std::collections::HashSet<String> = vocabulary.iter().cloned().collect();
    while vocabulary.len() < INVENTED_WORDS {
        let syllables = random.between(2, 4);
        let word: String = (0..syllables)
            .map(|_| {
                format!(
                    "{}{}{}",
                    ONSETS[random.below(ONSETS.len())],
                    VOWELS[random.below(VOWELS.len())],
                    CODAS[random.below(CODAS.len())]
                )
            })
            .collect();
        if seen.insert(word.clone()) {
            vocabulary.push(word);
        }
    }
    vocabulary
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

struct Writer {
    random: Random,
    words: Vec<String>,
    zipf: Zipf,
}

impl Writer {
    fn words(&mut self, count: usize) -> Vec<&str> {
        (0..count)
            .map(|_| self.words[self.zipf.sample(&mut self.random)].as_str())
            .collect()
    }

    fn sentence(&mut self) -> String {
        let length = self.random.between(6, 24);
        let words = self.words(length);
        format!("{}.", capitalized(&words.join(" ")))
    }

    fn headline(&mut self) -> String {
        let length = self.random.between(5, 11);
        capitalized(&self.words(length).join(" "))
    }

    /// Mostly short news items, some long reads.
    fn body(&mut self) -> String {
        let paragraphs = if self.random.below(10) == 0 {
            self.random.between(12, 30)
        } else {
            self.random.between(2, 9)
        };
        let mut body = String::new();
        for n in 0..paragraphs {
            if n > 0 && n % 5 == 0 {
                body.push_str(&format!("## {}\n\n", self.headline()));
            }
            let sentences = self.random.between(2, 5);
            let paragraph: Vec<String> = (0..sentences).map(|_| self.sentence()).collect();
            body.push_str(&paragraph.join(" "));
            body.push_str("\n\n");
        }
        body
    }
}

/// Adds `count` published articles (creating sections, authors and tags as needed) and rebuilds
/// the search index. `progress` hears (stage, done, total).
pub fn generate(
    conn: &mut DbConnection,
    count: usize,
    now: NaiveDateTime,
    mut progress: impl FnMut(&str, u64, u64),
) -> QueryResult<usize> {
    let mut random = Random(0x6A2E_77E5_0000_0000 ^ count as u64);
    let words = vocabulary(&mut random);
    let zipf = Zipf::new(words.len(), 1.07);
    let mut writer = Writer {
        random,
        words,
        zipf,
    };

    let section_ids = crate::db::write_transaction(conn, |conn| ensure_sections(conn, now))?;
    let author_ids = crate::db::write_transaction(conn, |conn| {
        (0..AUTHORS)
            .map(|n| {
                let name = format!(
                    "{} {}",
                    capitalized(writer.words(1)[0]),
                    capitalized(writer.words(1)[0])
                );
                let slug = format!("synthetic-author-{n}");
                Author::insert(
                    conn,
                    &NewAuthor {
                        name: &name,
                        slug: &slug,
                        job_title: "Correspondent",
                        bio: "A synthetic reporter for benchmarks.",
                        created_at: now,
                        updated_at: now,
                        ..NewAuthor::default()
                    },
                )
                .map(|a| a.id)
            })
            .collect::<QueryResult<Vec<i32>>>()
    })?;
    let tag_ids: Vec<i32> = crate::db::write_transaction(conn, |conn| {
        let mut ids = Vec::with_capacity(TAGS);
        for n in 0..TAGS {
            let name = format!("{} {n}", capitalized(writer.words(1)[0]));
            let id: i32 = diesel::insert_into(tags::table)
                .values((
                    tags::name.eq(&name),
                    tags::slug.eq(format!("synthetic-{n}")),
                ))
                .returning(tags::id)
                .get_result(conn)?;
            ids.push(id);
        }
        Ok::<_, diesel::result::Error>(ids)
    })?;
    let tag_zipf = Zipf::new(TAGS, 1.0);
    let span_minutes = YEARS * 365 * 24 * 60;

    let mut done = 0usize;
    while done < count {
        let batch = BATCH.min(count - done);
        crate::db::write_transaction(conn, |conn| {
            for _ in 0..batch {
                let headline = writer.headline();
                let body = writer.body();
                let rendered = markdown::render(&body);
                let published_at =
                    now - TimeDelta::minutes(writer.random.below(span_minutes as usize) as i64);
                let slug = format!("{}-{}", slug::slugify(&headline), done);
                let dek = writer.sentence();
                let article_id: i32 = diesel::insert_into(articles::table)
                    .values((
                        NewArticle {
                            headline,
                            slug,
                            dek,
                            word_count: rendered.word_count as i32,
                            hero_image_url: None,
                            hero_image_alt: String::new(),
                            hero_image_caption: String::new(),
                            hero_image_credit: String::new(),
                            hero_image_width: None,
                            hero_image_height: None,
                            section_id: section_ids[writer.random.below(section_ids.len())],
                            status: ArticleStatus::Published,
                            is_featured: false,
                            published_at: Some(published_at),
                            updated_at: published_at,
                            seo_title: String::new(),
                            seo_description: String::new(),
                        },
                        articles::created_at.eq(published_at),
                    ))
                    .returning(articles::id)
                    .get_result(conn)?;
                ArticleBody {
                    article_id,
                    body_markdown: body,
                    body_html: rendered.html,
                }
                .save(conn)?;
                let bylines = if writer.random.below(8) == 0 { 2 } else { 1 };
                let mut chosen = Vec::new();
                for position in 0..bylines {
                    let author = author_ids[writer.random.below(author_ids.len())];
                    if !chosen.contains(&author) {
                        chosen.push(author);
                        diesel::insert_into(article_authors::table)
                            .values((
                                article_authors::article_id.eq(article_id),
                                article_authors::author_id.eq(author),
                                article_authors::position.eq(position),
                            ))
                            .execute(conn)?;
                    }
                }
                let tag_count = writer.random.between(1, 4);
                let mut tagged = Vec::new();
                for _ in 0..tag_count {
                    let tag = tag_ids[tag_zipf.sample(&mut writer.random)];
                    if !tagged.contains(&tag) {
                        tagged.push(tag);
                        diesel::insert_into(article_tags::table)
                            .values((
                                article_tags::article_id.eq(article_id),
                                article_tags::tag_id.eq(tag),
                            ))
                            .execute(conn)?;
                    }
                }
                done += 1;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        progress("articles", done as u64, count as u64);
    }
    // Derived data for the whole archive at once: far cheaper than article by article.
    let mut changes = ChangeSet::new(now).with_progress(Box::new(&mut progress));
    changes.record(conn, Change::ArchiveLoaded)?;
    Ok(count)
}

fn ensure_sections(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<i32>> {
    let existing: Vec<i32> = sections::table.select(sections::id).load(conn)?;
    if !existing.is_empty() {
        return Ok(existing);
    }
    [
        "World", "Politics", "Business", "Science", "Culture", "Sport",
    ]
    .iter()
    .enumerate()
    .map(|(position, name)| {
        let slug = name.to_lowercase();
        Section::insert(
            conn,
            &NewSection {
                name,
                slug: &slug,
                description: "",
                position: position as i32,
                created_at: now,
                updated_at: now,
            },
        )
        .map(|s| s.id)
    })
    .collect()
}
