//! What a page says about itself in `<meta name="description">` (and Open Graph, JSON-LD) when
//! an editor wrote nothing: never empty, never the same on two pages. Search engines show it
//! under the title and fall back to a snippet of their own choosing without it.

/// About what search results show of a description.
pub const MAX_CHARS: usize = 160;

/// `text` with its whitespace collapsed, cut after the last whole word that fits in `max`
/// characters (an ellipsis marks the cut).
pub fn cut_at_word(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut cut = String::new();
    for word in words {
        // One character is kept for the ellipsis.
        if cut.chars().count() + usize::from(!cut.is_empty()) + word.chars().count() > max - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        // One word longer than the limit: cut inside it.
        cut = whole.chars().take(max - 1).collect();
    }
    format!(
        "{}…",
        cut.trim_end_matches([',', ';', ':', '.', '-', '–', '—'])
    )
}

/// What an article says of itself: its standfirst, else the start of its body without markup.
/// (The editor's SEO description, when set, overrides it in the page's head.)
pub fn for_article(standfirst: &str, body_markdown: &str) -> String {
    match standfirst.trim() {
        "" => cut_at_word(&crate::markdown::plain_text(body_markdown), MAX_CHARS),
        standfirst => standfirst.to_string(),
    }
}

/// The kind of listing a fallback description speaks of.
#[derive(Debug, Clone, Copy)]
pub enum ListingKind<'a> {
    Section,
    Author { job_title: &'a str },
    Tag,
}

/// A section's, author's or tag's description when its record has none: what the page is,
/// on which site, and (where there is one) the newest headline it lists, which makes it
/// specific to the page and worth reading.
pub fn listing_fallback(
    kind: ListingKind<'_>,
    name: &str,
    site_name: &str,
    newest_headline: Option<&str>,
) -> String {
    let what = match kind {
        ListingKind::Section => format!("{name}: the latest news and analysis from {site_name}."),
        ListingKind::Author { job_title } if !job_title.trim().is_empty() => {
            format!("Articles by {name}, {}, at {site_name}.", job_title.trim())
        }
        ListingKind::Author { .. } => format!("Articles by {name} at {site_name}."),
        ListingKind::Tag => format!("Articles about {name} from {site_name}."),
    };
    let what = cut_at_word(&what, MAX_CHARS);
    match newest_headline.map(str::trim).filter(|h| !h.is_empty()) {
        Some(headline) => {
            // "Newest: “…”." fits only when there is room for a few words of the headline.
            let room =
                MAX_CHARS.saturating_sub(what.chars().count() + " Newest: “”".chars().count());
            if room < 20 {
                what
            } else {
                format!("{what} Newest: “{}”", cut_at_word(headline, room))
            }
        }
        None => what,
    }
}

/// The description of page `page` of `pages` of a listing: `own` (the record's description)
/// or else `fallback`, with the page number after page 1 so no two pages share one.
pub fn for_listing_page(
    own: &str,
    fallback: impl FnOnce() -> String,
    page: i64,
    pages: i64,
) -> String {
    let base = match own.trim() {
        "" => fallback(),
        own => cut_at_word(own, MAX_CHARS),
    };
    if page > 1 {
        format!("Page {page} of {pages}. {base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_after_a_whole_word() {
        assert_eq!(cut_at_word("  short   text ", 160), "short text");
        let cut = cut_at_word(
            "The council met on Tuesday, and the harbour plan passed",
            30,
        );
        assert_eq!(cut, "The council met on Tuesday…");
        assert!(cut.chars().count() <= 30);
        assert_eq!(cut_at_word("Supercalifragilistic", 10), "Supercali…");
    }

    #[test]
    fn an_article_without_standfirst_is_described_by_its_body() {
        assert_eq!(for_article("Standfirst", "Body"), "Standfirst");
        assert_eq!(for_article(" ", "Body"), "Body");
        let body =
            "## A heading\n\nThe **council** met [today](https://example.com) <b>late</b>.\n\n"
                .to_string()
                + &"More words follow here. ".repeat(20);
        let described = for_article("", &body);
        assert!(
            described.starts_with("A heading The council met today late."),
            "{described}"
        );
        assert!(!described.contains(['<', '*', '#', '[']), "{described}");
        assert!(described.chars().count() <= MAX_CHARS);
        assert!(described.ends_with('…'));
    }

    #[test]
    fn listings_without_description_say_what_they_are() {
        let section = listing_fallback(
            ListingKind::Section,
            "World",
            "The Gazette",
            Some("Harbour reopens"),
        );
        assert_eq!(
            section,
            "World: the latest news and analysis from The Gazette. Newest: “Harbour reopens”"
        );
        let author = listing_fallback(
            ListingKind::Author {
                job_title: "Science editor",
            },
            "Ada Byron",
            "The Gazette",
            None,
        );
        assert_eq!(
            author,
            "Articles by Ada Byron, Science editor, at The Gazette."
        );
        let long = listing_fallback(
            ListingKind::Tag,
            "Budget",
            "The Gazette",
            Some(&"word ".repeat(80)),
        );
        assert!(long.chars().count() <= MAX_CHARS, "{long}");
        assert!(long.contains("Newest: “word word"), "{long}");
    }

    #[test]
    fn later_pages_say_which_page_they_are() {
        let first = for_listing_page("", || "Fallback.".into(), 1, 3);
        let second = for_listing_page("", || "Fallback.".into(), 2, 3);
        assert_eq!(first, "Fallback.");
        assert_eq!(second, "Page 2 of 3. Fallback.");
        assert_eq!(
            for_listing_page("Own words.", || unreachable!(), 1, 1),
            "Own words."
        );
    }
}
