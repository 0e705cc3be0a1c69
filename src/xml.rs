//! The escaper of `.xml` templates (feeds and sitemaps; set in `askama.toml`): HTML's escaping,
//! plus dropping the characters XML 1.0 cannot hold at all (most control characters, U+FFFE and
//! U+FFFF). A single one pasted into a headline would otherwise make the whole feed or sitemap
//! unreadable to every feed reader and crawler.

use std::borrow::Cow;
use std::fmt;

use askama::filters::Escaper;

#[derive(Debug, Clone, Copy)]
pub struct Xml;

/// The XML 1.0 `Char` production.
fn allowed(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

impl Escaper for Xml {
    fn write_escaped_str<W: fmt::Write>(&self, dest: W, string: &str) -> fmt::Result {
        let text: Cow<str> = if string.chars().all(allowed) {
            Cow::Borrowed(string)
        } else {
            Cow::Owned(string.chars().filter(|c| allowed(*c)).collect())
        };
        askama::filters::Html.write_escaped_str(dest, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        let mut out = String::new();
        Xml.write_escaped_str(&mut out, "a<b>&\"c\"\u{0}\u{1b}\u{fffe}\té")
            .unwrap();
        assert_eq!(out, "a&#60;b&#62;&#38;&#34;c&#34;\té");
    }
}
