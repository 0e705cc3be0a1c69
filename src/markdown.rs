//! Article bodies: Markdown rendered to HTML and sanitized once, when an article is saved.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// A body ready to store: sanitized HTML and its length in words.
pub struct RenderedBody {
    pub html: String,
    pub word_count: usize,
}

/// Renders Markdown to HTML that is safe to print unescaped. Headings start at `<h2>` because
/// the article page's one `<h1>` is the headline.
pub fn render(source: &str) -> RenderedBody {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut word_count = 0;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Text(ref text) => {
            word_count += text.split_whitespace().count();
            event
        }
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        other => other,
    });
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    let html = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string();
    RenderedBody { html, word_count }
}

/// The words of a Markdown body without its markup (inline HTML dropped, its text kept), for
/// the search index and descriptions.
pub fn plain_text(source: &str) -> String {
    let mut text = String::with_capacity(source.len());
    for event in Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            // Text comes in pieces that may split a word (at an escape or an entity): they are
            // joined as they are. Emphasis and links end without a space ("**bold**." stays
            // "bold."); the end of a block or a line break separates words.
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let body = render(
            "Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))",
        );
        assert!(!body.html.contains("<script"));
        assert!(!body.html.contains("onerror"));
        assert!(!body.html.contains("javascript:"));
        assert!(body.html.contains("Hello"));
    }

    #[test]
    fn plain_text_drops_markup_and_html() {
        let text =
            plain_text("# Title\n\nSome *emphasis* and [a link](http://x).\n\n<div>raw</div>");
        assert!(text.contains("Title"));
        assert!(text.contains("emphasis"));
        assert!(text.contains("a link"));
        assert!(!text.contains("http://x"));
        assert!(!text.contains("<div>"));
    }

    #[test]
    fn first_level_headings_become_second_level_and_words_are_counted() {
        let body = render("# Title\n\nOne two three.");
        assert!(body.html.contains("<h2>Title</h2>"), "{}", body.html);
        assert_eq!(body.word_count, 4);
    }
}
