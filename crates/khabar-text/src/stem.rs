//! Larkey's light10 stemmer, as Lucene's `ArabicStemmer` implements it.
//!
//! * Prefixes, tried in this order, the first that fits is removed:
//!   ال، وال، بال، كال، فال، لل، و — a prefix is removed only if at least two
//!   letters remain, and the one-letter و only from words of four letters or more.
//! * Suffixes, tried once each in this order, every one that fits is removed:
//!   ها، ان، ات، ون، ين، يه، ية، ه، ة، ي — each only if two letters remain.
//!
//! The stemmer only strips, so the stem is a subslice of its input. Feed it
//! search-normalised words (see [`crate::normalize()`]); on raw words it still
//! strips ة and ية as Lucene does. Non-Arabic words come back unchanged.

/// (affix, its length in characters); every affix letter is two bytes in UTF-8.
const PREFIXES: [(&str, usize); 7] = [("ال", 2), ("وال", 3), ("بال", 3), ("كال", 3), ("فال", 3), ("لل", 2), ("و", 1)];
const SUFFIXES: [(&str, usize); 10] =
    [("ها", 2), ("ان", 2), ("ات", 2), ("ون", 2), ("ين", 2), ("يه", 2), ("ية", 2), ("ه", 1), ("ة", 1), ("ي", 1)];

/// The light10 stem of `word` (a subslice of it).
///
/// ```
/// assert_eq!(khabar_text::light_stem("والمفاوضات"), "مفاوض");
/// assert_eq!(khabar_text::light_stem("الو"), "الو");
/// ```
pub fn light_stem(word: &str) -> &str {
    let mut w = word;
    let mut len = w.chars().count();
    if len < 3 {
        return w;
    }
    for (p, plen) in PREFIXES {
        let fits = if plen == 1 { len >= 4 } else { len >= plen + 2 };
        if fits && w.starts_with(p) {
            w = &w[p.len()..];
            len -= plen;
            break;
        }
    }
    for (s, slen) in SUFFIXES {
        if len >= slen + 2 && w.ends_with(s) {
            w = &w[..w.len() - s.len()];
            len -= slen;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::light_stem;

    #[test]
    fn lucene_light10_pairs() {
        let data = include_str!("../tests/data/lucene_stem_light10.tsv");
        let mut n = 0;
        for line in data.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(input), Some(expected), Some(name)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            assert_eq!(light_stem(input), expected, "Lucene {name}: {input}");
            n += 1;
        }
        assert_eq!(n, 21);
    }

    #[test]
    fn short_and_foreign_words_are_kept() {
        assert_eq!(light_stem(""), "");
        assert_eq!(light_stem("و"), "و");
        assert_eq!(light_stem("ولد"), "ولد");
        assert_eq!(light_stem("Putin"), "Putin");
        assert_eq!(light_stem("ويه"), "وي");
        assert_eq!(light_stem("الهات"), "هات");
    }
}
