//! The Arabic stopword list.
//!
//! Source: the Arabic list of stopwords-iso 1.1.0 (MIT licence), 480 entries,
//! kept verbatim in `data/stopwords-iso-ar.txt`. Entries are search-normalised
//! when the set is built, so [`is_stopword`] expects a search-normalised word
//! (diacritics stripped, alef/yeh/teh-marbuta folded).

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::normalize::{normalize, Profile};

const RAW: &str = include_str!("../data/stopwords-iso-ar.txt");

static STOPWORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| RAW.lines().map(str::trim).filter(|l| !l.is_empty()).map(|w| normalize(w, Profile::Search)).collect());

/// Whether a search-normalised word is an Arabic stopword.
pub fn is_stopword(normalized_word: &str) -> bool {
    STOPWORDS.contains(normalized_word)
}

/// All stopwords, search-normalised, in no particular order.
pub fn stopwords() -> impl Iterator<Item = &'static str> {
    STOPWORDS.iter().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_function_words_are_stopwords() {
        for w in ["في", "من", "على", "الذين", "ما", "إلى", "هذا"] {
            assert!(is_stopword(&normalize(w, Profile::Search)), "{w}");
        }
        assert!(!is_stopword("بوتين"));
        assert!(stopwords().count() > 400);
    }
}
