//! The Analysis record: one per article, extended by every layer.

use khabar_text::TokenKind;
use serde::{Deserialize, Serialize};

use crate::digest::{KeyphraseRecord, SummarySentence};

/// Everything khabar found in one text. Serialised as the JSON of
/// `khabar analyze --json` (schema in `docs/analysis-json.md`).
///
/// Every `start`/`end` is a byte offset into the analysed text (the document
/// body), and every `text` is exactly the bytes of the text in that range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The document id, when the input had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Length of the analysed text in bytes.
    pub length: usize,
    /// Tokens in text order.
    pub tokens: Vec<TokenRecord>,
    /// Sentences in text order.
    pub sentences: Vec<SentenceRecord>,
    /// Named entities in text order (people, places, organisations, other names).
    #[serde(default)]
    pub entities: Vec<EntityRecord>,
    /// Keyphrases, best first (see `docs/digest.md`).
    #[serde(default)]
    pub keyphrases: Vec<KeyphraseRecord>,
    /// The extractive summary: sentences in article order.
    #[serde(default)]
    pub summary: Vec<SummarySentence>,
}

/// One syntactic word of a token (a token like وبالمفاوضات has three: و، ب، المفاوضات).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordRecord {
    /// The word as the treebank writes it (restored letters included: لل → ل + ال).
    pub form: String,
    /// Universal part of speech.
    pub upos: String,
    /// Lemma without diacritics.
    pub lemma: String,
}

/// A named entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    /// The original bytes of the name (attached clitics excluded: بوتين in لبوتين).
    pub text: String,
    /// Byte offset of the start of the name.
    pub start: usize,
    /// Byte offset of the end of the name.
    pub end: usize,
    /// `PER`, `LOC`, `ORG` or `MISC`.
    #[serde(rename = "type")]
    pub kind: String,
    /// One name shared by all mentions of the entity, stable across documents.
    pub canonical: String,
    /// Confidence in 0..=1.
    pub score: f32,
}

/// One token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// The original bytes of the token.
    pub text: String,
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// What it is.
    pub kind: TokenKind,
    /// Search-normalised form.
    pub norm: String,
    /// Light10 stem of `norm` (Arabic words only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stem: Option<String>,
    /// Whether `norm` is an Arabic stopword.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stopword: bool,
    /// The token's syntactic words (clitics split off), with part of speech and lemma.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordRecord>,
}

/// One sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentenceRecord {
    /// Byte offset of the start of its first token.
    pub start: usize,
    /// Byte offset of the end of its last token.
    pub end: usize,
    /// The original bytes of the sentence.
    pub text: String,
    /// Index of its first token in `tokens`.
    pub token_start: usize,
    /// One past the index of its last token.
    pub token_end: usize,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Analysis {
    /// Check the offsets invariant against the analysed `text`: every span is
    /// in bounds, on char boundaries and slices exactly its `text`; tokens are
    /// ordered and do not overlap; sentences cover their tokens in order.
    /// Returns a description of the first violation.
    pub fn check_offsets(&self, text: &str) -> Result<(), String> {
        if self.length != text.len() {
            return Err(format!("length {} but text has {} bytes", self.length, text.len()));
        }
        let mut prev_end = 0;
        for (i, t) in self.tokens.iter().enumerate() {
            let slice = text.get(t.start..t.end).ok_or_else(|| format!("token {i} span {}..{} does not slice the text", t.start, t.end))?;
            if slice != t.text {
                return Err(format!("token {i} text {:?} differs from the original {:?}", t.text, slice));
            }
            if t.start >= t.end {
                return Err(format!("token {i} is empty"));
            }
            if t.start < prev_end {
                return Err(format!("token {i} overlaps the one before"));
            }
            prev_end = t.end;
        }
        let mut next_token = 0;
        for (i, s) in self.sentences.iter().enumerate() {
            let slice = text.get(s.start..s.end).ok_or_else(|| format!("sentence {i} span does not slice the text"))?;
            if slice != s.text {
                return Err(format!("sentence {i} text differs from the original"));
            }
            if s.token_start != next_token || s.token_end <= s.token_start || s.token_end > self.tokens.len() {
                return Err(format!("sentence {i} token range {}..{} is not contiguous", s.token_start, s.token_end));
            }
            if self.tokens[s.token_start].start != s.start || self.tokens[s.token_end - 1].end != s.end {
                return Err(format!("sentence {i} span does not match its tokens"));
            }
            next_token = s.token_end;
        }
        if next_token != self.tokens.len() {
            return Err("sentences do not cover all tokens".into());
        }
        for (i, e) in self.entities.iter().enumerate() {
            let slice = text.get(e.start..e.end).ok_or_else(|| format!("entity {i} span does not slice the text"))?;
            if slice != e.text || e.start >= e.end {
                return Err(format!("entity {i} text differs from the original or is empty"));
            }
        }
        for (i, k) in self.keyphrases.iter().enumerate() {
            for sp in &k.spans {
                text.get(sp.start..sp.end)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| format!("keyphrase {i} span does not slice the text"))?;
            }
        }
        for (i, s) in self.summary.iter().enumerate() {
            if text.get(s.start..s.end) != Some(s.text.as_str()) {
                return Err(format!("summary sentence {i} text differs from the original"));
            }
        }
        Ok(())
    }
}
