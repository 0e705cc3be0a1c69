//! Article bodies: Markdown rendered to HTML and sanitized once, when an article is saved.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// A body ready to store: sanitized HTML and its length in words.
#[derive(Debug, Clone)]
pub struct RenderedBody {
    pub html: String,
    pub word_count: usize,
}

/// Prefix ammonia gives every `id` in a body, so no id a writer types (or an import brings)
/// can clash with the page's own (`main`, `search`). Links to an id in the body are therefore
/// written with the prefix already on (`href="#fn-note-1"` reaches `id="note-1"`).
pub const ID_PREFIX: &str = "fn-";

/// The HTML of a footnote reference: a numbered link to its note, which links back to it.
/// Imported bodies (`import::body`) write their footnotes the same way.
pub fn footnote_reference(number: usize) -> String {
    format!(
        "<sup class=\"footnote-ref\"><a href=\"#{ID_PREFIX}note-{number}\" id=\"ref-{number}\">{number}</a></sup>"
    )
}

/// The opening of a footnote's text (closed by `footnote_end`).
pub fn footnote_start(number: usize) -> String {
    format!("<div class=\"footnote\" id=\"note-{number}\"><p><sup>{number}</sup></p>")
}

pub fn footnote_end(number: usize) -> String {
    format!(
        "<p><a href=\"#{ID_PREFIX}ref-{number}\" aria-label=\"Back to reference {number}\">↩</a></p></div>"
    )
}

/// A body rendered ahead of its save, on another thread: an import renders the next posts
/// while the database stores the current one. A save takes it only for the very source it was
/// rendered from (see [`Prerendered::rendering_of`]), so it can never store another text's HTML.
#[derive(Debug, Clone)]
pub struct Prerendered {
    source: String,
    rendered: RenderedBody,
}

impl Prerendered {
    pub fn new(source: String) -> Prerendered {
        let rendered = render(&source);
        Prerendered { source, rendered }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The rendering, when `source` is the text it was made from.
    pub fn rendering_of(&self, source: &str) -> Option<&RenderedBody> {
        (self.source == source).then_some(&self.rendered)
    }
}

/// Renders Markdown to HTML that is safe to print unescaped. Headings start at `<h2>` because
/// the article page's one `<h1>` is the headline. Footnotes are numbered in the order they are
/// first referred to, and link to their notes and back.
pub fn render(source: &str) -> RenderedBody {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut word_count = 0;
    let mut footnotes: Vec<String> = Vec::new();
    let mut number_of = |label: &str| match footnotes.iter().position(|l| l == label) {
        Some(at) => at + 1,
        None => {
            footnotes.push(label.to_string());
            footnotes.len()
        }
    };
    let mut open_note = Vec::new();
    let events: Vec<Event> = Parser::new_ext(source, options)
        .map(|event| match event {
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
            Event::FootnoteReference(label) => {
                Event::InlineHtml(footnote_reference(number_of(&label)).into())
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let number = number_of(&label);
                open_note.push(number);
                Event::Html(footnote_start(number).into())
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let number = open_note.pop().unwrap_or_default();
                Event::Html(footnote_end(number).into())
            }
            other => other,
        })
        .collect();
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    let html = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("sup", &["class"])
        .add_tag_attributes("div", &["class", "id"])
        .add_tag_attributes("a", &["id", "aria-label"])
        .id_prefix(Some(ID_PREFIX))
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
    fn footnotes_are_numbered_and_linked_both_ways() {
        let body =
            render("First[^a] and second[^b], first again[^a].\n\n[^b]: Note B.\n\n[^a]: Note A.");
        let html = &body.html;
        assert!(
            html.contains("href=\"#fn-note-1\" id=\"fn-ref-1\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"#fn-note-2\" id=\"fn-ref-2\""),
            "{html}"
        );
        assert!(
            html.contains(
                "<div class=\"footnote\" id=\"fn-note-2\"><p><sup>2</sup></p>\n<p>Note B.</p>"
            ),
            "{html}"
        );
        assert!(html.contains("id=\"fn-note-1\""), "{html}");
        assert!(html.contains("href=\"#fn-ref-1\""), "{html}");
        // A writer's own id cannot take the page's.
        let own = render("<div id=\"main\">x</div>");
        assert!(own.html.contains("id=\"fn-main\""), "{}", own.html);
    }

    #[test]
    fn first_level_headings_become_second_level_and_words_are_counted() {
        let body = render("# Title\n\nOne two three.");
        assert!(body.html.contains("<h2>Title</h2>"), "{}", body.html);
        assert_eq!(body.word_count, 4);
    }
}
