//! Snippets: the passage of a hit's body that best shows why it matched, with the matched
//! words marked, made here from the stored text of the page's hits (read in one query).
//! FTS5's `snippet()` tokenizes and stems each hit's whole body in a query of its own (about
//! a third of a search's time at 100,000 articles), PostgreSQL's `ts_headline` parses it the
//! same way; here a word is stemmed only when its first letter could make it a match.
//!
//! Words are compared by their English Snowball stems, the stems PostgreSQL's index uses.
//! SQLite's porter tokenizer stems a few words differently, which can change what is marked,
//! never what is found.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rust_stemmers::{Algorithm, Stemmer};

use super::query::{Clause, ParsedQuery};
use super::words::fold;

/// Words in a snippet.
const SNIPPET_WORDS: usize = 24;
/// A snippet starts at the beginning of a sentence when one begins this few words before its
/// first match…
const SENTENCE_LEAD: usize = 8;
/// …and otherwise this many words before it.
const CONTEXT_WORDS: usize = 3;

/// What one word of the query matches in the text.
enum Pattern {
    /// Any word with this stem.
    Stem(String),
    /// Any word starting with these letters (the reader is still typing).
    Prefix(String),
    /// These stems in a row.
    Phrase(Vec<String>),
}

/// The query's clauses as patterns over words: a clause matches where any of its patterns does.
pub(super) struct Marker {
    stemmer: Stemmer,
    clauses: Vec<Vec<Pattern>>,
    /// First letters of the words any pattern can match, to skip stemming the rest.
    first_letters: Vec<char>,
    /// The fewest letters a word any pattern matches can have: a stem is never longer than its
    /// word (English Snowball only takes letters off or swaps one), nor a prefix than the word
    /// it begins, so shorter words (most of "the", "and", "to") are not stemmed at all.
    shortest: usize,
    /// Each word's stem, by the word as written, made once for the whole page of hits.
    known: RefCell<HashMap<Box<str>, Rc<str>>>,
}

/// A word of the body: where it is, and whether a sentence begins with it.
struct Word {
    start: usize,
    end: usize,
    starts_sentence: bool,
}

impl Marker {
    pub(super) fn new(query: &ParsedQuery) -> Marker {
        let stemmer = Stemmer::create(Algorithm::English);
        let stem = |word: &String| stemmer.stem(&fold(word)).into_owned();
        let clauses: Vec<Vec<Pattern>> = query
            .clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word(word) => vec![Pattern::Stem(stem(word))],
                Clause::Prefix(prefix) => vec![Pattern::Prefix(fold(prefix))],
                Clause::Completions { words, .. } => {
                    words.iter().map(|w| Pattern::Stem(stem(w))).collect()
                }
                Clause::Phrase(words) => vec![Pattern::Phrase(words.iter().map(stem).collect())],
            })
            .collect();
        // Every stem and prefix any pattern holds.
        let pattern_words = || {
            clauses.iter().flatten().flat_map(|pattern| match pattern {
                Pattern::Stem(s) | Pattern::Prefix(s) => std::slice::from_ref(s),
                Pattern::Phrase(stems) => stems.as_slice(),
            })
        };
        let mut first_letters: Vec<char> =
            pattern_words().filter_map(|s| s.chars().next()).collect();
        first_letters.sort_unstable();
        first_letters.dedup();
        let shortest = pattern_words()
            .map(|s| s.chars().count())
            .min()
            .unwrap_or(0);
        Marker {
            stemmer,
            clauses,
            first_letters,
            shortest,
            known: RefCell::new(HashMap::new()),
        }
    }

    /// The best passage of `text` as HTML: escaped, the matched words in `<mark>`, an ellipsis
    /// where it cuts the text. The best passage holds the most of the query's clauses, then the
    /// most matched words, then comes first; with no match it is the text's beginning.
    pub(super) fn snippet_html(&self, text: &str) -> String {
        let words = words_with_sentences(text);
        if words.is_empty() {
            return String::new();
        }
        let (matched, joined) = self.matches(text, &words);
        let (start, end) = best_window(&words, &matched);
        let mut html = String::with_capacity(SNIPPET_WORDS * 12);
        if start > 0 {
            html.push('…');
        }
        let mut at = words[start].start;
        for i in start..end {
            escape_into(&mut html, &text[at..words[i].start]);
            let marked = matched[i].is_some();
            if marked && !(i > start && joined[i]) {
                html.push_str("<mark>");
            }
            escape_into(&mut html, &text[words[i].start..words[i].end]);
            if marked && !(i + 1 < end && joined[i + 1]) {
                html.push_str("</mark>");
            }
            at = words[i].end;
        }
        if end < words.len() {
            html.push('…');
        } else {
            // The end of the text: its closing punctuation too.
            escape_into(&mut html, text[at..].trim_end());
        }
        html
    }

    /// For each word, the index of the query clause it is part of a match of, and whether it
    /// continues a phrase matched from the word before (one mark covers the whole phrase).
    fn matches(&self, text: &str, words: &[Word]) -> (Vec<Option<usize>>, Vec<bool>) {
        // The stems of the words that could match (None for the rest), each word stemmed once.
        let mut stems: Vec<Option<Rc<str>>> = Vec::with_capacity(words.len());
        let mut known = self.known.borrow_mut();
        for word in words {
            let shown = &text[word.start..word.end];
            // A word's UTF-8 bytes are at least its letters, folded or not.
            if shown.len() < self.shortest
                || first_letter(shown).is_none_or(|c| self.first_letters.binary_search(&c).is_err())
            {
                stems.push(None);
                continue;
            }
            let stem = match known.get(shown) {
                Some(stem) => stem.clone(),
                None => {
                    let stem: Rc<str> = self.stemmer.stem(&fold(shown)).into();
                    known.insert(shown.into(), stem.clone());
                    stem
                }
            };
            stems.push(Some(stem));
        }
        let mut matched = vec![None; words.len()];
        let mut joined = vec![false; words.len()];
        for (clause_index, patterns) in self.clauses.iter().enumerate() {
            for pattern in patterns {
                match pattern {
                    Pattern::Stem(stem) => {
                        for (i, s) in stems.iter().enumerate() {
                            if s.as_deref() == Some(stem.as_str()) {
                                matched[i] = Some(clause_index);
                            }
                        }
                    }
                    Pattern::Prefix(prefix) => {
                        for (i, s) in stems.iter().enumerate() {
                            let word = &text[words[i].start..words[i].end];
                            if s.is_some() && fold(word).starts_with(prefix.as_str()) {
                                matched[i] = Some(clause_index);
                            }
                        }
                    }
                    Pattern::Phrase(phrase) if !phrase.is_empty() => {
                        for i in 0..(stems.len() + 1).saturating_sub(phrase.len()) {
                            let here = stems[i..i + phrase.len()].iter().zip(phrase);
                            if here.clone().all(|(s, p)| s.as_deref() == Some(p.as_str())) {
                                matched[i..i + phrase.len()].fill(Some(clause_index));
                                joined[i + 1..i + phrase.len()].fill(true);
                            }
                        }
                    }
                    Pattern::Phrase(_) => {}
                }
            }
        }
        (matched, joined)
    }
}

/// A word's first letter as the index folds it (lower case, Latin diacritics removed).
fn first_letter(word: &str) -> Option<char> {
    let first = word.chars().next()?;
    if first.is_ascii() {
        return Some(first.to_ascii_lowercase());
    }
    fold(first.encode_utf8(&mut [0; 4])).chars().next()
}

/// How `words_with_sentences` reads a byte below 128…
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// A letter or digit.
    Word,
    /// Punctuation or space that ends a sentence.
    SentenceEnd,
    /// Anything else below 128.
    Separator,
    /// …and the bytes of other characters, which are decoded.
    Other,
}

const BYTE_CLASSES: [ByteClass; 256] = {
    let mut classes = [ByteClass::Other; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        classes[byte] = if b.is_ascii_alphanumeric() {
            ByteClass::Word
        } else if matches!(b, b'.' | b'!' | b'?' | b'\n') {
            ByteClass::SentenceEnd
        } else {
            ByteClass::Separator
        };
        byte += 1;
    }
    classes
};

/// The words of `text` (split at anything not a letter or digit, as the index splits it).
/// Bytes below 128 are classified by a table (news copy is mostly ASCII, and decoding every
/// character of every hit's body was the largest cost of a search's snippets); the others are
/// decoded as characters.
fn words_with_sentences(text: &str) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(bytes.len() / 6);
    let mut word_start = None;
    let mut sentence_ended = true;
    let mut at = 0;
    while at < bytes.len() {
        let (is_word, ends_sentence, width) = match BYTE_CLASSES[usize::from(bytes[at])] {
            ByteClass::Word => (true, false, 1),
            ByteClass::SentenceEnd => (false, true, 1),
            ByteClass::Separator => (false, false, 1),
            ByteClass::Other => match text[at..].chars().next() {
                Some(c) => (c.is_alphanumeric(), false, c.len_utf8()),
                None => (false, false, 1),
            },
        };
        if is_word {
            word_start.get_or_insert(at);
        } else {
            if let Some(start) = word_start.take() {
                words.push(Word {
                    start,
                    end: at,
                    starts_sentence: sentence_ended,
                });
                sentence_ended = false;
            }
            sentence_ended |= ends_sentence;
        }
        at += width;
    }
    if let Some(start) = word_start {
        words.push(Word {
            start,
            end: bytes.len(),
            starts_sentence: sentence_ended,
        });
    }
    words
}

/// The words `[start, end)` of the best passage.
fn best_window(words: &[Word], matched: &[Option<usize>]) -> (usize, usize) {
    let window_at = |start: usize| (start, (start + SNIPPET_WORDS).min(words.len()));
    let mut best = (0, 0, window_at(0));
    for (first, _) in matched.iter().enumerate().filter(|(_, m)| m.is_some()) {
        let lead = first.saturating_sub(SENTENCE_LEAD);
        let start = (lead..=first)
            .rev()
            .find(|&i| words[i].starts_sentence)
            .unwrap_or(first.saturating_sub(CONTEXT_WORDS));
        // Near the end of the text the passage starts earlier rather than coming out short.
        let start = start.min(words.len().saturating_sub(SNIPPET_WORDS));
        let (start, end) = window_at(start);
        let inside = &matched[start..end];
        let mut clauses: Vec<usize> = inside.iter().flatten().copied().collect();
        let words_matched = clauses.len();
        clauses.sort_unstable();
        clauses.dedup();
        let score = (clauses.len(), words_matched);
        if score > (best.0, best.1) {
            best = (score.0, score.1, (start, end));
        }
    }
    best.2
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(query: &str, text: &str) -> String {
        Marker::new(&ParsedQuery::parse(query)).snippet_html(text)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Whatever the query and the text, the snippet is escaped text with balanced marks.
        #[test]
        fn any_text_makes_an_escaped_snippet(
            query in crate::properties::hostile_text(),
            text in crate::properties::hostile_text(),
        ) {
            let html = snippet(&query, &text);
            let bare = html.replace("<mark>", "").replace("</mark>", "");
            proptest::prop_assert!(!bare.contains(['<', '>', '"', '\'']), "{}", html);
            proptest::prop_assert_eq!(html.matches("<mark>").count(), html.matches("</mark>").count());
        }
    }

    /// The words as the plain character-by-character split finds them.
    fn words_char_by_char(text: &str) -> Vec<(usize, usize, bool)> {
        let mut words = Vec::new();
        let mut word_start = None;
        let mut sentence_ended = true;
        for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if c.is_alphanumeric() {
                word_start.get_or_insert(at);
                continue;
            }
            if let Some(start) = word_start.take() {
                words.push((start, at, sentence_ended));
                sentence_ended = false;
            }
            if matches!(c, '.' | '!' | '?' | '\n') {
                sentence_ended = true;
            }
        }
        words
    }

    proptest::proptest! {
        /// The byte-wise split with its ASCII shortcut finds the same words and sentence starts.
        #[test]
        fn the_ascii_shortcut_splits_words_as_characters_do(
            text in "([a-zA-Z0-9 .!?,\n]|[éßøŁ€中٣—\u{2029}\u{1F600}]){0,80}",
        ) {
            let found: Vec<(usize, usize, bool)> = words_with_sentences(&text)
                .iter()
                .map(|w| (w.start, w.end, w.starts_sentence))
                .collect();
            proptest::prop_assert_eq!(found, words_char_by_char(&text));
        }
    }

    #[test]
    fn words_are_marked_by_stem_and_fold_and_the_text_escaped() {
        assert_eq!(
            snippet(
                "council zurich ",
                "The <Councils> of Zürich & \"the\" council."
            ),
            "The &lt;<mark>Councils</mark>&gt; of <mark>Zürich</mark> &amp; &quot;the&quot; \
             <mark>council</mark>."
        );
    }

    #[test]
    fn one_marker_serves_a_page_of_hits_and_marks_words_whose_stem_differs_from_their_start() {
        let marker = Marker::new(&ParsedQuery::parse("die sky "));
        // Snowball stems "dying" to "die" and "skies" to "sky": longer words, other letters.
        assert_eq!(
            marker.snippet_html("Dying embers; the die is cast."),
            "<mark>Dying</mark> embers; the <mark>die</mark> is cast."
        );
        assert_eq!(
            marker.snippet_html("Grey skies, a dying sky."),
            "Grey <mark>skies</mark>, a <mark>dying</mark> <mark>sky</mark>."
        );
    }

    #[test]
    fn a_phrase_is_marked_only_where_its_words_stand_together() {
        assert_eq!(
            snippet("\"fish chips\" ", "Chips, then fish. Fish & chips!"),
            "Chips, then fish. <mark>Fish &amp; chips</mark>!"
        );
    }

    #[test]
    fn a_word_being_typed_marks_the_words_it_begins() {
        assert_eq!(
            snippet("harb", "The harbour and the harbourmaster."),
            "The <mark>harbour</mark> and the <mark>harbourmaster</mark>."
        );
    }

    #[test]
    fn the_passage_with_the_most_query_words_is_chosen_from_its_sentence_start() {
        let filler = "word ".repeat(40);
        let text = format!(
            "Budget talk opens here. {filler}. The harbour budget was cut. {filler} harbour."
        );
        let html = snippet("harbour budget ", &text);
        assert!(
            html.starts_with("…The <mark>harbour</mark> <mark>budget</mark> was cut."),
            "{html}"
        );
        assert!(html.ends_with('…'), "{html}");
        assert_eq!(html.matches("<mark>").count(), 2, "{html}");
    }

    #[test]
    fn without_a_match_in_the_body_the_passage_is_its_beginning() {
        let text = format!("{} end", "filler ".repeat(30));
        let html = snippet("harbour", &text);
        assert!(html.starts_with("filler filler"), "{html}");
        assert!(html.ends_with('…') && !html.contains("mark"), "{html}");
        assert_eq!(snippet("harbour", ""), "");
    }

    #[test]
    fn a_match_near_the_end_gets_a_full_passage() {
        let text = format!("{} harbour", "filler ".repeat(30));
        let html = snippet("harbour", &text);
        assert!(html.starts_with('…') && html.ends_with("<mark>harbour</mark>"));
        assert_eq!(html.split_whitespace().count(), SNIPPET_WORDS, "{html}");
    }
}
