//! WordPress post content (classic editor HTML with its automatic paragraphs, or block-editor
//! markup) turned into a Gazette body that reads the same: HTML blocks, each a paragraph or a
//! block element, separated by blank lines. Markdown passes such blocks through untouched, and
//! `markdown::render` sanitizes them like any body, so the text stays editable in the admin.
//!
//! Block comments (`<!-- wp:… -->`) go; `[caption]` becomes a figure with its caption, a
//! `[gallery]` the figures of its images, `[embed]` and a lone URL a link; other shortcodes
//! are removed with their inner text kept. Footnotes (the block editor's, kept in the post's
//! `footnotes` meta, and the `[efn_note]`/`[ref]` shortcodes of classic-editor plugins) become
//! the numbered, linked notes `markdown::render` writes for a Markdown body.

/// An image found in the content: its address as written, and what the importer made of it.
pub trait Images {
    /// The new address of an image (from the media library), or None when it could not be
    /// brought over (the image is then left out and reported).
    fn place(&mut self, old_url: &str) -> Option<String>;
    /// An attachment's address by its WordPress id (for galleries).
    fn attachment_url(&self, id: &str) -> Option<String>;
}

/// Shortcodes WordPress and common plugins register that stand alone (no closing tag): removed
/// whole. Any other `[name …]` without a closing `[/name]` is kept as text (`[sic]`).
const STANDALONE_SHORTCODES: &[&str] = &[
    "audio",
    "video",
    "playlist",
    "contact-form-7",
    "wpforms",
    "gravityform",
    "ninja_form",
    "embed",
    "gallery",
    "wp_caption",
    "caption",
    "pdf-embedder",
    "toc",
];

/// Tags that open a block of their own (not wrapped in a paragraph).
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "table",
    "pre",
    "hr",
    "dl",
    "section",
    "aside",
    "details",
    "iframe",
];

/// Tags whose content may contain blank lines that do not end the block.
const CONTAINERS: &[&str] = &[
    "table",
    "ul",
    "ol",
    "blockquote",
    "figure",
    "div",
    "pre",
    "dl",
    "section",
    "aside",
    "details",
];

/// Converts one post's content; `footnotes` is its `footnotes` meta (block-editor notes, JSON).
pub fn convert(content: &str, footnotes: Option<&str>, images: &mut dyn Images) -> String {
    let mut notes = Vec::new();
    let without_comments = remove_comments(&content.replace("\r\n", "\n"));
    let with_notes = block_footnotes(&without_comments, footnotes, &mut notes);
    let with_shortcodes = shortcodes(&with_notes, images, &mut notes);
    let with_images = images_placed(&with_shortcodes, images);
    let mut body = paragraphs(&with_images);
    for (index, note) in notes.iter().enumerate() {
        let number = index + 1;
        body.push_str(&format!(
            "\n\n{}\n<p>{note}</p>\n{}",
            crate::markdown::footnote_start(number),
            crate::markdown::footnote_end(number)
        ));
    }
    body
}

#[derive(serde::Deserialize)]
struct BlockNote {
    id: String,
    content: String,
}

/// The block editor's footnote references (`<sup data-fn="ID" class="fn"><a …>1</a></sup>`)
/// as numbered references, their texts (from the meta's JSON) added to `notes` in order.
fn block_footnotes(text: &str, meta: Option<&str>, notes: &mut Vec<String>) -> String {
    let listed: Vec<BlockNote> = meta
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<sup data-fn=") {
        out.push_str(&rest[..start]);
        let here = &rest[start..];
        let Some(end) = here.find("</sup>") else {
            out.push_str(here);
            return out;
        };
        let id =
            html_attribute(&here[..here.find('>').unwrap_or(0) + 1], "data-fn").unwrap_or_default();
        let note = listed
            .iter()
            .find(|note| note.id == id)
            .map(|note| note.content.clone())
            .unwrap_or_default();
        notes.push(note);
        out.push_str(&crate::markdown::footnote_reference(notes.len()));
        rest = &here[end + "</sup>".len()..];
    }
    out.push_str(rest);
    out
}

/// Removes every HTML comment (block-editor delimiters included).
fn remove_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `name` and attribute text of a shortcode opening at `text[0] == '['`, and where it ends.
fn shortcode_at(text: &str) -> Option<(String, String, usize)> {
    let close = text.find(']')?;
    let inside = &text[1..close];
    let name_end = inside
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inside.len());
    let name = &inside[..name_end];
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then(|| (name.to_string(), inside[name_end..].to_string(), close + 1))
}

/// The value of `name="…"` (or '…') in a shortcode's attribute text.
fn shortcode_attribute(attributes: &str, name: &str) -> Option<String> {
    let at = attributes.find(&format!("{name}="))?;
    let rest = &attributes[at + name.len() + 1..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = rest[1..].find(quote)?;
        Some(rest[1..1 + end].to_string())
    } else {
        Some(rest.split_whitespace().next()?.to_string())
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn link(url: &str) -> String {
    let url = escape(url.trim());
    format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
}

fn shortcodes(text: &str, images: &mut dyn Images, notes: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let here = &rest[open..];
        let Some((name, attributes, length)) = shortcode_at(here) else {
            out.push('[');
            rest = &here[1..];
            continue;
        };
        if name.starts_with('/') {
            out.push('[');
            rest = &here[1..];
            continue;
        }
        let closing = format!("[/{name}]");
        let body_end = here[length..].find(&closing);
        let self_closed = attributes.trim_end().ends_with('/');
        match (body_end, self_closed) {
            (Some(end), false) => {
                let inner = &here[length..length + end];
                out.push_str(&enclosing(&name, &attributes, inner, images, notes));
                rest = &here[length + end + closing.len()..];
            }
            _ if STANDALONE_SHORTCODES.contains(&name.as_str())
                || !attributes.trim().is_empty() =>
            {
                out.push_str(&standalone(&name, &attributes, images));
                rest = &here[length..];
            }
            _ => {
                // `[sic]`, `[1]`: text, not a shortcode.
                out.push('[');
                rest = &here[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn enclosing(
    name: &str,
    attributes: &str,
    inner: &str,
    images: &mut dyn Images,
    notes: &mut Vec<String>,
) -> String {
    match name {
        "efn_note" | "ref" | "footnote" => {
            let note = shortcodes(inner, images, notes);
            notes.push(note.trim().to_string());
            crate::markdown::footnote_reference(notes.len())
        }
        "caption" | "wp_caption" => {
            // `<a><img></a> Caption text` or `<img> Caption text`; the caption may also be an
            // attribute (older exports).
            let inner = inner.trim();
            let split = inner
                .rfind("</a>")
                .map(|at| at + 4)
                .filter(|_| inner.starts_with("<a"))
                .or_else(|| inner.find('>').map(|at| at + 1))
                .unwrap_or(0);
            let (image, text) = inner.split_at(split);
            let caption = match text.trim() {
                "" => shortcode_attribute(attributes, "caption").unwrap_or_default(),
                text => text.to_string(),
            };
            format!("\n\n<figure>{image}<figcaption>{caption}</figcaption></figure>\n\n")
        }
        "embed" => link(inner),
        _ => shortcodes(inner, images, notes),
    }
}

fn standalone(name: &str, attributes: &str, images: &mut dyn Images) -> String {
    match name {
        "gallery" => {
            let ids = shortcode_attribute(attributes, "ids").unwrap_or_default();
            let figures: Vec<String> = ids
                .split(',')
                .filter_map(|id| images.attachment_url(id.trim()))
                .map(|url| format!("<figure><img src=\"{}\" alt=\"\"></figure>", escape(&url)))
                .collect();
            format!("\n\n{}\n\n", figures.join("\n"))
        }
        "audio" | "video" | "embed" => match shortcode_attribute(attributes, "src")
            .or_else(|| shortcode_attribute(attributes, "mp3"))
            .or_else(|| shortcode_attribute(attributes, "mp4"))
        {
            Some(url) => link(&url),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// Every `<img src="…">` pointed at its new copy, or removed when there is none.
fn images_placed(text: &str, images: &mut dyn Images) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start..start + end + 1];
        rest = &rest[start + end + 1..];
        let Some(src) = html_attribute(tag, "src") else {
            continue;
        };
        if let Some(new_url) = images.place(&src) {
            let alt = html_attribute(tag, "alt").unwrap_or_default();
            out.push_str(&format!(
                "<img src=\"{}\" alt=\"{}\">",
                escape(&new_url),
                escape(&alt)
            ));
        }
    }
    out.push_str(rest);
    out
}

/// An attribute's value in one HTML tag (quoted with " or '), entities left as written.
fn html_attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&format!("{name}=")) {
        let at = from + at;
        let preceded = lower[..at].ends_with(char::is_whitespace);
        let rest = &tag[at + name.len() + 1..];
        if preceded {
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let end = rest[1..].find(quote)?;
                return Some(rest[1..1 + end].replace("&amp;", "&"));
            }
            return rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .map(str::to_string);
        }
        from = at + 1;
    }
    None
}

/// The tag name a block starts with (`<figure class=…>` → figure), if it starts with one.
fn leading_tag(block: &str) -> Option<String> {
    let rest = block.strip_prefix('<')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// How far `text` opens (+) or closes (-) container elements.
fn container_depth(text: &str) -> i32 {
    // One pass over the tags (this runs on every block of every post): `<tag>` or `<tag …`
    // opens, `</tag>` closes, any case.
    let mut depth = 0;
    for (at, _) in text.match_indices('<') {
        let rest = &text[at + 1..];
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let name_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        if !CONTAINERS.iter().any(|tag| tag.eq_ignore_ascii_case(name)) {
            continue;
        }
        match (closing, after.chars().next()) {
            (false, Some('>' | ' ')) => depth += 1,
            (true, Some('>')) => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// WordPress's automatic paragraphs: text separated by blank lines becomes `<p>` blocks (one
/// newline inside a paragraph is a `<br>`); blocks that start with a block element stay as they
/// are, joined to one block while a container element (a table, a list) is open; a block that
/// is only a URL becomes a link (an embed).
fn paragraphs(text: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut open = String::new();
    let mut depth = 0;
    for chunk in text.split("\n\n") {
        let chunk = chunk.trim_matches('\n');
        if chunk.trim().is_empty() {
            continue;
        }
        if depth > 0 {
            open.push('\n');
            open.push_str(chunk);
            depth += container_depth(chunk);
            if depth <= 0 {
                blocks.push(std::mem::take(&mut open));
                depth = 0;
            }
            continue;
        }
        let trimmed = chunk.trim();
        let is_block = leading_tag(trimmed).is_some_and(|tag| BLOCK_TAGS.contains(&tag.as_str()));
        if is_block {
            depth = container_depth(trimmed);
            if depth > 0 {
                open = trimmed.to_string();
            } else {
                blocks.push(trimmed.to_string());
                depth = 0;
            }
        } else if is_lone_url(trimmed) {
            blocks.push(link(trimmed).trim().to_string());
        } else {
            let lines: Vec<&str> = trimmed.lines().map(str::trim).collect();
            blocks.push(format!("<p>{}</p>", lines.join("<br>\n")));
        }
    }
    if !open.is_empty() {
        blocks.push(open);
    }
    // Embed blocks leave their URL in a wrapper: `<figure …><div …>URL</div></figure>`.
    blocks
        .into_iter()
        .map(|block| embed_link(&block).unwrap_or(block))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn is_lone_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text.contains(char::is_whitespace)
        && !text.contains('<')
}

/// A block-editor embed (`wp-block-embed`) as a plain link to what it embedded.
fn embed_link(block: &str) -> Option<String> {
    if !block.contains("wp-block-embed") {
        return None;
    }
    let start = block.find("http")?;
    let url: String = block[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '<' && *c != '"')
        .collect();
    Some(link(&url).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Library;

    impl Images for Library {
        fn place(&mut self, old_url: &str) -> Option<String> {
            old_url
                .contains("/uploads/")
                .then(|| format!("/media/{}", old_url.rsplit('/').next().unwrap()))
        }
        fn attachment_url(&self, id: &str) -> Option<String> {
            Some(format!("https://old.example/wp-content/uploads/{id}.jpg"))
        }
    }

    fn converted(content: &str) -> String {
        convert(content, None, &mut Library)
    }

    #[test]
    fn container_depth_counts_opening_and_closing_containers_in_any_case() {
        assert_eq!(container_depth("<UL class=\"x\"><li>a</li></ul><table>"), 1);
        assert_eq!(container_depth("<ulx> <divider> </pre> <pre>"), -1 + 1);
        assert_eq!(container_depth("</Blockquote></figure>"), -2);
        assert_eq!(container_depth("a < b and <p>text</p>"), 0);
    }

    #[test]
    fn footnotes_become_numbered_linked_notes() {
        let meta = r#"[{"content":"The council minutes, p. 4.","id":"aa-1"},{"content":"Since 1998.","id":"bb-2"}]"#;
        let body = convert(
            "<!-- wp:paragraph -->\n<p>Seven votes<sup data-fn=\"aa-1\" class=\"fn\"><a href=\"#aa-1\" id=\"aa-1-link\">1</a></sup> and a record<sup data-fn=\"bb-2\" class=\"fn\"><a href=\"#bb-2\" id=\"bb-2-link\">2</a></sup>.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->",
            Some(meta),
            &mut Library,
        );
        let html = crate::markdown::render(&body).html;
        assert!(
            html.contains(
                "Seven votes<sup class=\"footnote-ref\"><a href=\"#fn-note-1\" id=\"fn-ref-1\""
            ),
            "{html}"
        );
        assert!(html.contains("id=\"fn-note-2\""), "{html}");
        assert!(html.contains("<p>Since 1998.</p>"), "{html}");
        assert!(html.contains("href=\"#fn-ref-2\""), "{html}");
        let classic = converted("A claim[efn_note]A source.[/efn_note] stands.");
        assert!(
            classic.contains("A claim<sup class=\"footnote-ref\">"),
            "{classic}"
        );
        assert!(classic.contains("<p>A source.</p>"), "{classic}");
    }

    #[test]
    fn classic_text_becomes_paragraphs_and_keeps_its_markup() {
        let body = converted(
            "First line\nsecond line.\n\nA *star* and <em>emphasis</em>.\n\n<h2>Heading</h2>\n\n<ul>\n<li>One</li>\n\n<li>Two</li>\n</ul>",
        );
        assert_eq!(
            body,
            "<p>First line<br>\nsecond line.</p>\n\n<p>A *star* and <em>emphasis</em>.</p>\n\n<h2>Heading</h2>\n\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>"
        );
        // Rendered, the star stays a star: paragraphs are HTML blocks, not Markdown.
        let html = crate::markdown::render(&body).html;
        assert!(html.contains("A *star* and <em>emphasis</em>."), "{html}");
        assert!(html.contains("<li>Two</li>"), "{html}");
    }

    #[test]
    fn block_comments_go_and_blocks_stay() {
        let body = converted(
            "<!-- wp:paragraph -->\n<p>Hello <strong>there</strong>.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>Said.</p><cite>Her</cite></blockquote>\n<!-- /wp:quote -->\n\n<!-- wp:embed {\"url\":\"https://video.example/v/1\"} -->\n<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://video.example/v/1\n</div></figure>\n<!-- /wp:embed -->",
        );
        assert!(!body.contains("wp:"), "{body}");
        assert!(
            body.contains("<p>Hello <strong>there</strong>.</p>"),
            "{body}"
        );
        assert!(body.contains("<cite>Her</cite>"), "{body}");
        assert!(
            body.contains("<a href=\"https://video.example/v/1\">https://video.example/v/1</a>"),
            "{body}"
        );
    }

    #[test]
    fn shortcodes_become_figures_links_or_their_text() {
        let body = converted(
            "[caption id=\"attachment_5\" align=\"alignnone\" width=\"300\"]<img src=\"https://old.example/wp-content/uploads/2024/05/wall.jpg\" alt=\"The wall\" width=\"300\" /> The new sea wall[/caption]\n\n[gallery ids=\"7,8\"]\n\n[embed]https://video.example/v/2[/embed]\n\n[highlight color=\"red\"]Kept words[/highlight] and [sic] stays.\n\n[contact-form-7 id=\"3\"]\n\nhttps://social.example/post/9",
        );
        assert!(
            body.contains("<figure><img src=\"/media/wall.jpg\" alt=\"The wall\"><figcaption>The new sea wall</figcaption></figure>"),
            "{body}"
        );
        assert!(
            body.contains("<img src=\"/media/7.jpg\" alt=\"\">"),
            "{body}"
        );
        assert!(
            body.contains("<img src=\"/media/8.jpg\" alt=\"\">"),
            "{body}"
        );
        assert!(
            body.contains("<a href=\"https://video.example/v/2\">"),
            "{body}"
        );
        assert!(
            body.contains("<p>Kept words and [sic] stays.</p>"),
            "{body}"
        );
        assert!(!body.contains("contact-form"), "{body}");
        assert!(
            body.contains("<a href=\"https://social.example/post/9\">"),
            "{body}"
        );
    }

    #[test]
    fn images_that_could_not_be_brought_over_are_left_out() {
        let body = converted(
            "<p>Before <img src=\"https://elsewhere.example/x.png\" alt=\"x\"> after.</p>",
        );
        assert_eq!(body, "<p>Before  after.</p>");
    }
}
