//! A WordPress export file (WXR 1.1/1.2: RSS 2.0 with the `wp:` elements) read as a stream of
//! records, one at a time, so an export of any size is read in bounded memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::{resolve_html5_entity, resolve_predefined_entity, unescape_with};
use quick_xml::events::{BytesStart, Event};

/// A site author (`wp:author`).
#[derive(Debug, Clone, Default)]
pub struct WpAuthor {
    pub login: String,
    pub email: String,
    pub display_name: String,
}

/// A category or tag (`wp:category`, `wp:tag`).
#[derive(Debug, Clone, Default)]
pub struct WpTerm {
    pub term_id: String,
    pub slug: String,
    pub name: String,
    /// The parent category's slug (categories only; empty at the top).
    pub parent: String,
    pub description: String,
}

/// A term an item is filed under (`<category domain="category" nicename="…">`).
#[derive(Debug, Clone, Default)]
pub struct ItemTerm {
    pub domain: String,
    pub slug: String,
    pub name: String,
}

/// A post, page, attachment or other item.
#[derive(Debug, Clone, Default)]
pub struct WpItem {
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: String,
    pub post_date_gmt: String,
    pub post_date: String,
    pub post_name: String,
    pub status: String,
    pub post_type: String,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
    pub comments: usize,
}

impl WpItem {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

#[derive(Debug, Clone)]
pub enum Record {
    Author(WpAuthor),
    Category(WpTerm),
    Tag(WpTerm),
    Item(Box<WpItem>),
}

/// Why the file cannot be read as an export: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// What is being collected at the moment.
enum Open {
    Nothing,
    Author(WpAuthor),
    Category(WpTerm),
    Tag(WpTerm),
    Item(Box<WpItem>),
}

pub struct Records {
    path: std::path::PathBuf,
    reader: Reader<BufReader<File>>,
    buffer: Vec<u8>,
    text: String,
    open: Open,
    /// The `wp:postmeta` pair being read.
    meta_key: String,
    /// Inside `wp:comment`: its elements are not the item's.
    in_comment: bool,
    checked_root: bool,
    seen_wxr_namespace: bool,
}

/// Opens an export for reading record by record.
pub fn open(path: &Path) -> Result<Records, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(256 * 1024, file));
    reader.config_mut().check_end_names = true;
    Ok(Records {
        path: path.to_path_buf(),
        reader,
        buffer: Vec::with_capacity(64 * 1024),
        text: String::new(),
        open: Open::Nothing,
        meta_key: String::new(),
        in_comment: false,
        checked_root: false,
        seen_wxr_namespace: false,
    })
}

/// A title or name as WordPress exports it (HTML-escaped, `News &amp; Views`) as plain text.
fn html_text(text: String) -> String {
    match unescape_with(&text, resolve_html5_entity) {
        Ok(std::borrow::Cow::Owned(plain)) => plain,
        _ => text,
    }
}

fn attribute(element: &BytesStart, name: &str) -> String {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
        .unwrap_or_default()
}

impl Records {
    /// Line and column (1-based) of a byte offset in the file, for error messages.
    fn position_of(&self, offset: u64) -> (usize, usize) {
        let Ok(file) = File::open(&self.path) else {
            return (0, 0);
        };
        let (mut line, mut column) = (1, 1);
        for byte in BufReader::new(file)
            .take(offset)
            .bytes()
            .map_while(Result::ok)
        {
            if byte == b'\n' {
                line += 1;
                column = 1;
            } else if byte & 0xC0 != 0x80 {
                column += 1;
            }
        }
        (line, column)
    }

    fn fail(&self, offset: u64, message: String) -> ReadError {
        let (line, column) = self.position_of(offset);
        ReadError {
            line,
            column,
            message,
        }
    }

    fn start(&mut self, element: &BytesStart) -> Result<(), ReadError> {
        let name = element.name();
        let name = name.as_ref();
        if !self.checked_root {
            self.checked_root = true;
            if name != b"rss" {
                return Err(self.fail(
                    self.reader.buffer_position(),
                    "this is not a WordPress export (WXR): its root element is not <rss>".into(),
                ));
            }
            self.seen_wxr_namespace = element.attributes().flatten().any(|a| {
                a.key.as_ref() == b"xmlns:wp"
                    && String::from_utf8_lossy(&a.value).contains("wordpress.org/export/")
            });
        }
        self.text.clear();
        if self.in_comment {
            return Ok(());
        }
        match (&mut self.open, name) {
            (Open::Nothing, b"item") => self.open = Open::Item(Box::default()),
            (Open::Nothing, b"wp:author") => self.open = Open::Author(WpAuthor::default()),
            (Open::Nothing, b"wp:category") => self.open = Open::Category(WpTerm::default()),
            (Open::Nothing, b"wp:tag") => self.open = Open::Tag(WpTerm::default()),
            (Open::Item(item), b"category") => item.terms.push(ItemTerm {
                domain: attribute(element, "domain"),
                slug: attribute(element, "nicename"),
                name: String::new(),
            }),
            (Open::Item(item), b"wp:comment") => {
                item.comments += 1;
                self.in_comment = true;
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends an element; returns a record when one is complete.
    fn end(&mut self, name: &[u8]) -> Option<Record> {
        let text = std::mem::take(&mut self.text);
        if self.in_comment {
            if name == b"wp:comment" {
                self.in_comment = false;
            }
            return None;
        }
        match &mut self.open {
            Open::Nothing => {}
            Open::Author(author) => match name {
                b"wp:author_login" => author.login = text,
                b"wp:author_email" => author.email = text,
                b"wp:author_display_name" => author.display_name = html_text(text),
                b"wp:author" => {
                    let Open::Author(author) = std::mem::replace(&mut self.open, Open::Nothing)
                    else {
                        return None;
                    };
                    return Some(Record::Author(author));
                }
                _ => {}
            },
            Open::Category(term) | Open::Tag(term) => match name {
                b"wp:term_id" => term.term_id = text,
                b"wp:category_nicename" | b"wp:tag_slug" => term.slug = text,
                b"wp:cat_name" | b"wp:tag_name" => term.name = html_text(text),
                b"wp:category_parent" => term.parent = text,
                b"wp:category_description" | b"wp:tag_description" => term.description = text,
                b"wp:category" | b"wp:tag" => {
                    return match std::mem::replace(&mut self.open, Open::Nothing) {
                        Open::Category(term) => Some(Record::Category(term)),
                        Open::Tag(term) => Some(Record::Tag(term)),
                        _ => None,
                    };
                }
                _ => {}
            },
            Open::Item(item) => match name {
                b"title" => item.title = html_text(text),
                b"link" => item.link = text,
                b"guid" => item.guid = text,
                b"dc:creator" => item.creator = text,
                b"content:encoded" => item.content = text,
                b"excerpt:encoded" => item.excerpt = text,
                b"wp:post_id" => item.post_id = text,
                b"wp:post_date_gmt" => item.post_date_gmt = text,
                b"wp:post_date" => item.post_date = text,
                b"wp:post_name" => item.post_name = text,
                b"wp:status" => item.status = text,
                b"wp:post_type" => item.post_type = text,
                b"wp:attachment_url" => item.attachment_url = text,
                b"category" => {
                    if let Some(term) = item.terms.last_mut() {
                        term.name = html_text(text);
                    }
                }
                b"wp:meta_key" => self.meta_key = text,
                b"wp:meta_value" => item.meta.push((std::mem::take(&mut self.meta_key), text)),
                b"item" => {
                    let Open::Item(item) = std::mem::replace(&mut self.open, Open::Nothing) else {
                        return None;
                    };
                    return Some(Record::Item(item));
                }
                _ => {}
            },
        }
        None
    }

    /// The next record, None at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        loop {
            self.buffer.clear();
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event.into_owned(),
                Err(error) => {
                    let offset = self.reader.error_position();
                    return Err(self.fail(offset, format!("the XML is not well-formed: {error}")));
                }
            };
            match event {
                Event::Start(element) => self.start(&element)?,
                Event::Empty(element) => {
                    self.start(&element)?;
                    let name = element.name().as_ref().to_vec();
                    if let Some(record) = self.end(&name) {
                        return Ok(Some(record));
                    }
                }
                Event::End(element) => {
                    if let Some(record) = self.end(element.name().as_ref()) {
                        return Ok(Some(record));
                    }
                }
                Event::Text(text) => {
                    let decoded = text.decode().map_err(|e| {
                        self.fail(self.reader.buffer_position(), format!("bad text: {e}"))
                    })?;
                    self.text.push_str(&decoded);
                }
                Event::CData(data) => {
                    self.text
                        .push_str(&String::from_utf8_lossy(&data.into_inner()));
                }
                Event::GeneralRef(reference) => {
                    let offset = self.reader.buffer_position();
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name =
                                String::from_utf8_lossy(&reference.into_inner()).into_owned();
                            match resolve_predefined_entity(&name) {
                                Some(text) => text.to_string(),
                                None => {
                                    return Err(self.fail(
                                        offset,
                                        format!("the XML refers to an unknown entity &{name};"),
                                    ));
                                }
                            }
                        }
                    };
                    self.text.push_str(&resolved);
                }
                Event::Eof => {
                    if !self.checked_root {
                        return Err(self.fail(0, "the file is empty".into()));
                    }
                    if !self.seen_wxr_namespace {
                        return Err(self.fail(
                            0,
                            "this is an RSS feed, not a WordPress export (WXR): it declares no \
                             wp: namespace"
                                .into(),
                        ));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }
}

/// Every record of an export given as text (for the tests).
#[cfg(test)]
fn parse_text(xml: &str) -> Result<Vec<Record>, ReadError> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let mut records = open(file.path()).unwrap();
    let mut all = Vec::new();
    while let Some(record) = records.next_record()? {
        all.push(record);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>"#;

    #[test]
    fn records_come_out_with_their_fields_and_entities_resolved() {
        let xml = format!(
            "{HEAD}<wp:author><wp:author_login><![CDATA[ana]]></wp:author_login><wp:author_display_name><![CDATA[Ana Lima]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News &amp; Views]]></wp:cat_name></wp:category>
<item><title>Tom &amp; Jerry&#8217;s day</title><dc:creator><![CDATA[ana]]></dc:creator><content:encoded><![CDATA[<p>Hello</p>]]></content:encoded><wp:post_id>12</wp:post_id>
<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[30]]></wp:meta_value></wp:postmeta>
<category domain=\"category\" nicename=\"news\"><![CDATA[News &amp; Views]]></category>
<wp:comment><wp:comment_content><![CDATA[Nice]]></wp:comment_content></wp:comment></item>
</channel></rss>"
        );
        let records = parse_text(&xml).unwrap();
        assert_eq!(records.len(), 3);
        let Record::Category(term) = &records[1] else {
            panic!("{records:?}")
        };
        assert_eq!(term.name, "News & Views");
        let Record::Item(item) = &records[2] else {
            panic!()
        };
        assert_eq!(item.title, "Tom & Jerry\u{2019}s day");
        assert_eq!(item.content, "<p>Hello</p>");
        assert_eq!(item.meta("_thumbnail_id"), Some("30"));
        assert_eq!(item.terms[0].slug, "news");
        assert_eq!(item.comments, 1);
    }

    #[test]
    fn broken_files_say_where() {
        let error = parse_text(&format!("{HEAD}\n<item><title>x</titel></item>")).unwrap_err();
        assert_eq!(error.line, 4, "{error}");
        assert!(error.message.contains("not well-formed"), "{error}");
        let feed = "<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>";
        assert!(
            parse_text(feed)
                .unwrap_err()
                .message
                .contains("not a WordPress export")
        );
        assert!(
            parse_text("<html></html>")
                .unwrap_err()
                .message
                .contains("not <rss>")
        );
    }
}
