//! Text as the index sees it: words split at anything not a letter or digit, folded to lower
//! case without Latin diacritics, and the stopwords too common to narrow a search.

use std::collections::HashSet;

/// Longer "words" are noise (pasted hashes, URLs); they are cut.
const MAX_WORD_CHARS: usize = 40;

/// Words too common to narrow a search; dropped unless the query has nothing else.
pub(super) const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but",
    "by", "can", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "more", "new", "not", "of", "on", "one", "or", "our", "out", "over",
    "said", "she", "so", "than", "that", "the", "their", "them", "there", "they", "this", "to",
    "up", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you",
];

pub(super) fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

pub(super) fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Folds a word the way the index does (lower case, Latin diacritics removed), so "Zürich"
/// and "zurich" look up the same entry.
pub(super) fn fold(word: &str) -> String {
    if word.chars().all(|c| (c as u32) < 0x250) {
        deunicode::deunicode(word).to_lowercase()
    } else {
        word.to_lowercase()
    }
}

/// The distinct words of a text, folded as the index folds them.
pub(super) fn vocabulary_of(text: &str) -> HashSet<String> {
    words_of(text)
        .iter()
        .map(|w| fold(w))
        .filter(|w| w.chars().count() > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
    }

    #[test]
    fn folding_matches_the_index() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("Ελλάδα"), "ελλάδα");
    }
}
