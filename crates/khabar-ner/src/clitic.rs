//! A small proclitic stripper for Arabic words: و ف (conjunctions), ب ل ك
//! (prepositions) and the article ال, alone or combined (وال، بال، فبال، لل، …).
//!
//! It works on the ORIGINAL surface of a token (diacritics and tatweel are
//! skipped while matching), so it can report the byte offset where each
//! candidate core starts in the original token.

use khabar_text::{is_arabic_mark, is_format_control};

/// The proclitic analysis of one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clitics {
    /// Byte offset after a conjunction و/ف (0 if none).
    pub conj: usize,
    /// Byte offset after conjunction + preposition ب/ل/ك (equal to `conj` if none).
    pub prep: usize,
    /// Byte offset after conjunction + preposition + article ال (equal to `prep` if none).
    /// For لل (ل + elided ال) this is after the second ل.
    pub article: usize,
    /// Whether the article was elided (لل): a canonical form should add ال back.
    pub elided_article: bool,
    /// A small code of the prefix pattern (for features): bit 0 conj, bit 1 prep, bit 2 article.
    pub pattern: u8,
}

impl Clitics {
    /// Offset of the core with every proclitic (article included) removed.
    pub fn core(&self) -> usize {
        self.article
    }
}

/// The first six letters (byte offset, char) and the total letter count.
fn letters(word: &str) -> ([(usize, char); 6], usize) {
    let mut a = [(0usize, '\0'); 6];
    let mut n = 0;
    for (i, c) in word.char_indices() {
        if is_arabic_mark(c) || c == '\u{0640}' || is_format_control(c) {
            continue;
        }
        if n < 6 {
            a[n] = (i, c);
        }
        n += 1;
    }
    (a, n)
}

/// Analyse the proclitics of `word` (an Arabic token's original surface).
/// Every remainder keeps at least two letters (three after a bare و/ف or
/// preposition, which are too often part of the stem).
pub fn analyse(word: &str) -> Clitics {
    let (ls, n) = letters(word);
    let off = |i: usize| if i < n.min(6) { ls[i].0 } else { word.len() };
    let ch = |i: usize| if i < n.min(6) { ls[i].1 } else { '\0' };
    let mut c = Clitics::default();
    let mut i = 0usize;
    // conjunction
    if matches!(ch(0), 'و' | 'ف') && n >= 4 {
        i = 1;
        c.conj = off(1);
        c.pattern |= 1;
    }
    c.prep = c.conj;
    c.article = c.conj;
    // article directly
    if ch(i) == 'ا' && ch(i + 1) == 'ل' && n >= i + 4 {
        c.article = off(i + 2);
        c.pattern |= 4;
        return c;
    }
    // preposition
    if matches!(ch(i), 'ب' | 'ل' | 'ك') && n >= i + 4 {
        let p = ch(i);
        // preposition + article
        if p != 'ل' && ch(i + 1) == 'ا' && ch(i + 2) == 'ل' && n >= i + 5 {
            c.prep = off(i + 1);
            c.article = off(i + 3);
            c.pattern |= 2 | 4;
            return c;
        }
        if p == 'ل' && ch(i + 1) == 'ل' && n >= i + 4 {
            // لل = ل + ال with the alef elided
            c.prep = off(i + 1);
            c.article = off(i + 2);
            c.elided_article = true;
            c.pattern |= 2 | 4;
            return c;
        }
        c.prep = off(i + 1);
        c.article = c.prep;
        c.pattern |= 2;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips() {
        let w = "لبوتين";
        let c = analyse(w);
        assert_eq!(&w[c.prep..], "بوتين");
        let w = "والعراق";
        let c = analyse(w);
        assert_eq!(&w[c.prep..], "العراق");
        assert_eq!(&w[c.core()..], "عراق");
        let w = "للعراق";
        let c = analyse(w);
        assert!(c.elided_article);
        assert_eq!(&w[c.core()..], "عراق");
        let w = "بالقاهرة";
        let c = analyse(w);
        assert_eq!(&w[c.prep..], "القاهرة");
        let w = "وزير";
        assert_eq!(analyse(w), Clitics { conj: 2, prep: 2, article: 2, elided_article: false, pattern: 1 });
        let w = "بوش";
        assert_eq!(analyse(w).core(), 0);
        let w = "وَلِبُوتين";
        let c = analyse(w);
        assert_eq!(&w[c.prep..], "بُوتين");
    }
}
