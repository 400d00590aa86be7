//! # khabar-text
//!
//! The Arabic text core of khabar: normalisation that keeps an exact map back
//! to the original bytes, a tokeniser for news text, a sentence splitter, the
//! light10 stemmer and an Arabic stopword list. No I/O, no frameworks.
//!
//! **Offsets invariant.** Every [`Token`] and [`Sentence`] carries a [`Span`]
//! of byte offsets into the ORIGINAL input: `&input[span.range()]` is always
//! on char boundaries and is exactly the surface text. Normalisation never
//! breaks that link: [`NormalizedText::to_original`] maps a range of the
//! normalised text back.
//!
//! ```
//! use khabar_text::{normalize_aligned, tokenize, split_sentences, Profile, TokenKind};
//!
//! let text = "وصل بوتينُ إلى بيونغ يانغ. ثم التقى كيم.";
//! let tokens: Vec<_> = tokenize(text).collect();
//! assert_eq!(tokens[1].text(text), "بوتينُ");          // the surface keeps its damma
//! assert_eq!(tokens[1].kind, TokenKind::Arabic);
//!
//! let sentences = split_sentences(text, &tokens);
//! assert_eq!(&text[sentences[1].span.range()], "ثم التقى كيم.");
//!
//! let norm = normalize_aligned(text, Profile::Search);
//! assert!(norm.normalized().starts_with("وصل بوتين الي"));
//! // "الي" in the normalised text maps back to "إلى" in the original:
//! let at = norm.normalized().find("الي").unwrap();
//! let span = norm.to_original(at, at + "الي".len()).unwrap();
//! assert_eq!(&text[span.range()], "إلى");
//! ```
#![deny(missing_docs)]

mod chars;
mod normalize;
mod sentence;
mod span;
mod stem;
mod stopwords;
mod tokenize;

pub use crate::chars::{digit_value, is_arabic_letter, is_arabic_mark, is_format_control, is_tashkeel};
pub use crate::normalize::{normalize, normalize_aligned, normalize_into, NormalizedText, Profile};
pub use crate::sentence::{split_sentences, Sentence};
pub use crate::span::{Span, SpanError};
pub use crate::stem::light_stem;
pub use crate::stopwords::{is_stopword, stopwords};
pub use crate::tokenize::{tokenize, Token, TokenKind, Tokens};

/// One search term: a word or number token, search-normalised and stemmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The token it comes from (span into the original input).
    pub token: Token,
    /// The search-normalised surface.
    pub normalized: String,
    /// The light10 stem of `normalized` (equal to it for non-Arabic tokens).
    pub stem: String,
    /// Whether `normalized` is a stopword.
    pub stopword: bool,
}

/// Tokenise, normalise (search profile), flag stopwords and light-stem every
/// word and number of `text`: the chain Lucene's `ArabicAnalyzer` runs, but
/// with khabar's tokeniser and folds, and with spans into the original.
pub fn terms(text: &str) -> impl Iterator<Item = Term> + '_ {
    tokenize(text).filter(|t| t.kind.is_word() || t.kind == TokenKind::Number || t.kind == TokenKind::Hashtag).map(move |token| {
        let normalized = normalize(token.text(text), Profile::Search);
        let stem = if token.kind == TokenKind::Arabic { light_stem(&normalized).to_owned() } else { normalized.clone() };
        let stopword = is_stopword(&normalized);
        Term { token, normalized, stem, stopword }
    })
}

/// Where bytes stop being UTF-8: what a reader of text files reports, with the file's name in front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Utf8Problem {
    /// Byte offset of the first invalid byte (0-based, from the start of the bytes).
    pub offset: usize,
    /// Its line (1-based).
    pub line: usize,
    /// The invalid sequence (at most 4 bytes).
    pub bytes: Vec<u8>,
}

impl std::fmt::Display for Utf8Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes: Vec<String> = self.bytes.iter().map(|b| format!("{b:#04x}")).collect();
        write!(f, "invalid UTF-8 at byte {} (line {}, bytes {})", self.offset, self.line, bytes.join(" "))
    }
}

impl std::error::Error for Utf8Problem {}

impl Utf8Problem {
    /// The problem `error` found in `bytes` (the bytes it was found in).
    pub fn new(bytes: &[u8], error: std::str::Utf8Error) -> Utf8Problem {
        let offset = error.valid_up_to().min(bytes.len());
        let len = error.error_len().unwrap_or(bytes.len() - offset).min(4).min(bytes.len() - offset);
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        Utf8Problem { offset, line, bytes: bytes[offset..offset + len].to_vec() }
    }

    /// The problem of a failed `String::from_utf8` (a file read whole, then decoded).
    pub fn of(error: &std::string::FromUtf8Error) -> Utf8Problem {
        Utf8Problem::new(error.as_bytes(), error.utf8_error())
    }
}

/// `bytes` as text, or where they stop being UTF-8.
pub fn utf8(bytes: &[u8]) -> Result<&str, Utf8Problem> {
    std::str::from_utf8(bytes).map_err(|e| Utf8Problem::new(bytes, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lucene's ArabicAnalyzer cases: stopwords removed, normalised, stemmed, digits folded.
    #[test]
    fn lucene_analyzer_pairs() {
        let data = include_str!("../tests/data/lucene_analyzer.tsv");
        let mut n = 0;
        for line in data.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(input), Some(expected), Some(note)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let got: Vec<String> = terms(input).filter(|t| !t.stopword).map(|t| t.stem).collect();
            let want: Vec<&str> = expected.split(' ').collect();
            assert_eq!(got, want, "{note}: {input}");
            n += 1;
        }
        assert_eq!(n, 12);
    }

    #[test]
    fn invalid_utf8_is_located() {
        assert_eq!(utf8("نص".as_bytes()), Ok("نص"));
        let e = utf8(b"ok\nab\xff\xfecd").unwrap_err();
        assert_eq!(e, Utf8Problem { offset: 5, line: 2, bytes: vec![0xff] });
        assert_eq!(e.to_string(), "invalid UTF-8 at byte 5 (line 2, bytes 0xff)");
        // A sequence cut short by the end of the bytes.
        assert_eq!(utf8(b"x\xd8").unwrap_err(), Utf8Problem { offset: 1, line: 1, bytes: vec![0xd8] });
    }
}
