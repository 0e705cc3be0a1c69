//! `/search?q=…&section=…&author=…&from=…&to=…&page=…`: ranked full-text search with filters,
//! per-section counts, highlighted snippets and "Did you mean".

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::changes::Dependency;
use crate::db;
use crate::error::AppError;
use crate::handlers::render_page;
use crate::layout::{Layout, PageMeta};
use crate::models::Author;
use crate::page_cache::Shows;
use crate::pagination::{PER_PAGE, Pagination, parse_page};
use crate::search::{Filters, MAX_QUERY_CHARS, ParsedQuery};
use crate::state::AppState;
use crate::views::search_results::{SearchResults, SectionCount};

/// Every parameter as text, so a bad value gets a message on the search page, not a bare 400.
#[derive(Debug, Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
    section: Option<String>,
    author: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

/// The search form as the reader filled it in, echoed back into the form.
#[derive(Debug, Default, Clone)]
pub struct SearchForm {
    pub q: String,
    pub section: String,
    pub author: String,
    pub from: String,
    pub to: String,
}

impl SearchForm {
    /// The query string for these filters with `changes` applied (empty values dropped).
    pub fn url_with(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("q", &self.q),
            ("section", &self.section),
            ("author", &self.author),
            ("from", &self.from),
            ("to", &self.to),
        ];
        for (key, value) in changes {
            if let Some(pair) = pairs.iter_mut().find(|(k, _)| k == key) {
                pair.1 = value;
            }
        }
        pairs.retain(|(_, v)| !v.is_empty());
        format!(
            "/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    pub fn section_url(&self, slug: &str) -> String {
        self.url_with(&[("section", slug)])
    }

    pub fn query_url(&self, q: &str) -> String {
        self.url_with(&[("q", q)])
    }
}

#[derive(Template)]
#[template(path = "public/search.html")]
pub struct SearchTemplate {
    pub layout: Layout,
    pub meta: PageMeta,
    pub form: SearchForm,
    /// Messages about parameters that could not be used.
    pub problems: Vec<String>,
    pub truncated: bool,
    pub results: Option<SearchResults>,
    pub section_counts: Vec<SectionCount>,
    pub all_sections_count: i64,
    pub authors: Vec<(String, String)>,
    pub suggestion: Option<String>,
    pub pagination: Option<Pagination>,
}

fn parse_date(label: &str, raw: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            problems.push(format!(
                "The {label} date \"{raw}\" is not a date like 2026-03-31."
            ));
            None
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let form = SearchForm {
        q: params.q.unwrap_or_default(),
        section: params.section.unwrap_or_default(),
        author: params.author.unwrap_or_default(),
        from: params.from.unwrap_or_default(),
        to: params.to.unwrap_or_default(),
    };
    let page = parse_page(params.page.as_deref())?;
    if page > DEEPEST_PAGE {
        return Err(AppError::NotFoundBecause(format!(
            "Search shows the first {DEEPEST_PAGE} pages of results. Add a word, a section or \
             dates to narrow your search."
        )));
    }
    let mut problems = Vec::new();
    let from = parse_date("from", &form.from, &mut problems);
    let to = parse_date("to", &form.to, &mut problems);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        problems.push("The \"from\" date is after the \"to\" date.".to_string());
    }
    let navigation = state.navigation();
    let section_id = match form.section.as_str() {
        "" => None,
        slug => match navigation.iter().find(|s| s.slug == slug) {
            Some(section) => Some(section.id),
            None => {
                problems.push(format!("There is no section called \"{slug}\"."));
                None
            }
        },
    };

    let query = ParsedQuery::parse(&form.q);
    let author_slug = form.author.clone();
    let now = state.clock.now();
    let sections = navigation.clone();
    let search_problems = problems.is_empty();
    let counts = state.phrase_counts.clone();
    // Searches beyond the cores' number queue here, not in the database holding their postings.
    let _turn = state
        .search_work
        .acquire()
        .await
        .map_err(AppError::internal)?;
    let (authors, author_problem, outcome) = db::run(&state.pool, move |conn| {
        let authors = Author::all_by_name(conn)?;
        let (author_id, author_problem) = match author_slug.as_str() {
            "" => (None, None),
            slug => match authors.iter().find(|a| a.slug == slug) {
                Some(author) => (Some(author.id), None),
                None => (None, Some(format!("There is no author called \"{slug}\"."))),
            },
        };
        let outcome = if search_problems && author_problem.is_none() && !query.is_empty() {
            let filters = Filters {
                section_id,
                author_id,
                from,
                to,
            };
            let offset = (page - 1) * PER_PAGE;
            Some(SearchResults::load(
                conn,
                &counts,
                &query,
                &filters,
                &sections,
                now,
                (PER_PAGE, offset),
            )?)
        } else {
            None
        };
        let authors: Vec<(String, String)> =
            authors.into_iter().map(|a| (a.slug, a.name)).collect();
        Ok((authors, author_problem, outcome))
    })
    .await?;
    problems.extend(author_problem);

    let query = ParsedQuery::parse(&form.q);
    let pagination = match &outcome {
        Some(results) if results.total > 0 => {
            Some(Pagination::new(page, results.total, &form.url_with(&[]))?)
        }
        Some(_) if page > 1 => return Err(AppError::NotFound),
        _ => None,
    };
    let (section_counts, all_sections_count) = match &outcome {
        Some(results) => (results.section_counts.clone(), results.all_sections_count),
        None => (Vec::new(), 0),
    };
    let suggestion = outcome.as_ref().and_then(|r| r.suggestion.clone());
    let title = if form.q.trim().is_empty() {
        "Search".to_string()
    } else {
        format!(
            "Search results for “{}”",
            form.q.chars().take(60).collect::<String>()
        )
    };
    let meta = state
        .meta(&title, "Search every article we have published.", "/search")
        .noindex();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut response = render_page(&SearchTemplate {
        layout: state.layout(None),
        meta,
        truncated: query.truncated,
        form,
        problems,
        results: outcome,
        section_counts,
        all_sections_count,
        authors,
        suggestion,
        pagination,
    })?;
    *response.status_mut() = status;
    // Any change to what is published drops every stored search (see `AppState::after_commit`).
    Ok(Shows::new([Dependency::Search]).attach(response))
}

/// Results past this page are not shown: nobody reads them, and deep offsets cost the most.
pub const DEEPEST_PAGE: i64 = 50;

/// Shown in the template's note about shortened queries.
pub const QUERY_LIMIT: usize = MAX_QUERY_CHARS;
