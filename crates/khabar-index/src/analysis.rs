//! khabar's analysis as tantivy tokenizers: the exact field (search-normalised
//! surface forms) and the morphological field (lemmas when the morphology layer
//! gives them, else light stems with proclitics stripped). Every token's offsets
//! point into the ORIGINAL text handed to the tokenizer, so tantivy's
//! `SnippetGenerator` highlights the surface characters.

use khabar::{Analysis, Analyzer, TokenRecord};
use khabar_text::{light_stem, normalize, Profile, TokenKind};
use tantivy::tokenizer::{PreTokenizedString, Token, TokenStream, Tokenizer};

/// Name of the exact-form tokenizer as registered in the index.
pub const EXACT_TOKENIZER: &str = "khabar_exact";
/// Name of the morphological tokenizer as registered in the index.
pub const MORPH_TOKENIZER: &str = "khabar_morph";

/// Terms longer than this (in bytes) are not indexed (tantivy's default analyser drops words over 40 bytes).
const MAX_TERM_BYTES: usize = 120;

/// Parts of speech of content words: the word of a token whose lemma the morphological field takes.
const CONTENT_UPOS: [&str; 8] = ["NOUN", "PROPN", "ADJ", "VERB", "AUX", "ADV", "NUM", "X"];

/// Whether a token is indexed at all (words, numbers, hashtags — what `khabar_text::terms` keeps).
fn is_indexed(t: &TokenRecord) -> bool {
    (t.kind.is_word() || t.kind == TokenKind::Number || t.kind == TokenKind::Hashtag)
        && !t.norm.is_empty()
        && t.norm.len() <= MAX_TERM_BYTES
}

/// The indexed tokens of an analysis with their positions (word index, so that
/// phrases keep their gaps where the morphological field drops stopwords).
fn indexed(analysis: &Analysis) -> impl Iterator<Item = (usize, &TokenRecord)> {
    analysis.tokens.iter().filter(|t| is_indexed(t)).enumerate()
}

/// Light10's suffix rules alone, on a word whose prefixes are already gone.
fn suffix_stem(word: &str) -> &str {
    // `light_stem` tries prefixes first and removes at most one; behind a
    // two-letter article it always removes exactly that, leaving the suffix rules.
    let with_article = format!("ال{word}");
    let stem = light_stem(&with_article);
    let start = stem.as_ptr() as usize - with_article.as_ptr() as usize;
    if start == "ال".len() {
        &word[..stem.len()]
    } else {
        word
    }
}

/// Strip the proclitic chain of a search-normalised Arabic word when it ends in
/// the article: و/ف + ب/ك/ل + ال (للـ is ل + ال). Returns the word after the
/// article, or `None` when the word does not start that way.
fn strip_article_chain(norm: &str) -> Option<&str> {
    let mut w = norm;
    for conj in ["و", "ف"] {
        if let Some(rest) = w.strip_prefix(conj) {
            if rest.starts_with("ال") || rest.starts_with("بال") || rest.starts_with("كال") || rest.starts_with("لل") {
                w = rest;
            }
            break;
        }
    }
    let rest = if let Some(r) = w.strip_prefix("بال").or_else(|| w.strip_prefix("كال")).or_else(|| w.strip_prefix("ال")) {
        r
    } else {
        w.strip_prefix("لل")?
    };
    (rest.chars().count() >= 2).then_some(rest)
}

/// The morphological term of one token: the lemma of its content word when the
/// morphology layer filled `words`, else the light stem of its normalised form
/// with proclitics stripped. `None` for stopwords (not indexed in this field).
pub fn morph_term(t: &TokenRecord) -> Option<String> {
    morph_term_with(t, true)
}

/// [`morph_term`], ignoring `words` when `lemmas` is false (light stems only).
pub fn morph_term_with(t: &TokenRecord, lemmas: bool) -> Option<String> {
    if !is_indexed(t) {
        return None;
    }
    if lemmas && !t.words.is_empty() {
        // The content word decides, not the stopword list (which holds words such as كان، اليوم، قال).
        let content = t.words.iter().rev().find(|w| CONTENT_UPOS.contains(&w.upos.as_str()));
        let Some(w) = content.or_else(|| host_function_word(t)) else {
            // Only clitics and short particles.
            return None;
        };
        let lemma = lemma_key(&w.lemma);
        if !lemma.is_empty() {
            return Some(lemma);
        }
    }
    stem_term(t.kind, &t.norm, t.stopword)
}

/// The host word of a token made of function words only (بعدها = بعد + ها, وقبل = و + قبل):
/// its last word that is neither a conjunction, a pronoun nor punctuation, when its lemma has
/// at least three letters. Such words (بعد، قبل، بين، خلال) share lemmas with nouns and verbs that
/// users type (بعد "distance", قبل "accepted"), so they get a morphological term too.
fn host_function_word(t: &TokenRecord) -> Option<&khabar::WordRecord> {
    let w = t.words.iter().rev().find(|w| !matches!(w.upos.as_str(), "CCONJ" | "PRON" | "PUNCT" | "DET" | "SYM"))?;
    (lemma_key(&w.lemma).chars().count() >= 3).then_some(w)
}

/// The light-stem term of a search-normalised token (`None` for stopwords).
fn stem_term(kind: TokenKind, norm: &str, stopword: bool) -> Option<String> {
    if stopword {
        return None;
    }
    if kind != TokenKind::Arabic {
        return Some(norm.to_owned());
    }
    Some(match strip_article_chain(norm) {
        Some(rest) => suffix_stem(rest).to_owned(),
        None => light_stem(norm).to_owned(),
    })
}

/// A cheap tokenizer for snippets: khabar's tokeniser and normalisation
/// without the morphology layer, emitting each word's exact form and its
/// light-stem term at the same position (offsets into the original).
#[derive(Clone, Debug, Default)]
pub struct SnippetTokenizer {
    tokens: Vec<Token>,
}

impl SnippetTokenizer {
    /// The exact and stem terms of `text` (what [`SnippetTokenizer`] emits), for the query side.
    pub fn terms(text: &str) -> Vec<Token> {
        SnippetTokenizer::terms_with(text, true)
    }

    /// The exact terms of `text` only (a quoted query form matches only itself).
    pub fn exact_terms(text: &str) -> Vec<Token> {
        SnippetTokenizer::terms_with(text, false)
    }

    fn terms_with(text: &str, stems: bool) -> Vec<Token> {
        let mut out = Vec::new();
        let mut position = 0;
        for t in khabar_text::tokenize(text) {
            if !(t.kind.is_word() || t.kind == TokenKind::Number || t.kind == TokenKind::Hashtag) {
                continue;
            }
            let norm = normalize(t.text(text), Profile::Search);
            if norm.is_empty() || norm.len() > MAX_TERM_BYTES {
                continue;
            }
            let (start, end) = (t.span.start(), t.span.end());
            let stopword = t.kind == TokenKind::Arabic && khabar_text::is_stopword(&norm);
            if let Some(stem) = stem_term(t.kind, &norm, stopword).filter(|s| stems && *s != norm) {
                out.push(Token { offset_from: start, offset_to: end, position, text: stem, position_length: 1 });
            }
            out.push(Token { offset_from: start, offset_to: end, position, text: norm, position_length: 1 });
            position += 1;
        }
        out
    }
}

impl Tokenizer for SnippetTokenizer {
    type TokenStream<'a> = KhabarTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KhabarTokenStream<'a> {
        self.tokens = SnippetTokenizer::terms(text);
        KhabarTokenStream { tokens: &mut self.tokens, next: 0 }
    }
}

/// How a lemma is written in the index: without diacritics and tatweel, but
/// with its hamza and alef maqsura kept (أمن and آمن, رأى and رأي are different
/// lemmas; the lemmatiser already chose the spelling).
fn lemma_key(lemma: &str) -> String {
    if LEMMA_FOLD {
        return normalize(lemma, Profile::Search);
    }
    lemma.chars().filter(|&c| !khabar_text::is_tashkeel(c) && c != '\u{0640}').collect()
}

const LEMMA_FOLD: bool = false;

/// The morphological terms of an analysed text as `(start, end, term)`, byte
/// offsets into `text` (the ORIGINAL text). Prefers `TokenRecord.words` lemmas
/// (the de-cliticised content word's lemma) and falls back to the light stem,
/// so lemmas from the morphology layer slot in without touching the index code.
pub fn morph_terms<'a>(analysis: &'a Analysis, text: &'a str) -> impl Iterator<Item = (usize, usize, String)> + 'a {
    debug_assert_eq!(analysis.length, text.len());
    indexed(analysis).filter_map(|(_, t)| morph_term(t).map(|m| (t.start, t.end, m)))
}

/// The exact terms (search-normalised surface forms) as `(start, end, term)`.
pub fn exact_terms<'a>(analysis: &'a Analysis, text: &'a str) -> impl Iterator<Item = (usize, usize, String)> + 'a {
    debug_assert_eq!(analysis.length, text.len());
    indexed(analysis).map(|(_, t)| (t.start, t.end, t.norm.clone()))
}

/// Which field a tokenizer feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Search-normalised surface forms.
    Exact,
    /// Lemmas or light stems.
    Morph,
}

/// tantivy tokens for one field of an analysed text.
pub fn field_tokens(analysis: &Analysis, mode: Mode) -> Vec<Token> {
    field_tokens_with(analysis, mode, true)
}

/// [`field_tokens`], with or without lemmas in the morphological field.
pub fn field_tokens_with(analysis: &Analysis, mode: Mode, lemmas: bool) -> Vec<Token> {
    let mut out = Vec::new();
    for (position, t) in indexed(analysis) {
        let text = match mode {
            Mode::Exact => Some(t.norm.clone()),
            Mode::Morph => morph_term_with(t, lemmas),
        };
        if let Some(text) = text {
            out.push(Token { offset_from: t.start, offset_to: t.end, position, text, position_length: 1 });
        }
    }
    out
}

/// A field value ready to index without tokenizing again (the analysis was done on a worker thread).
///
/// Only the tokens are carried, not the text: the analysed fields are indexed, never stored
/// (the text is stored once, in `title` / `body`, which snippets are made from), and tantivy's
/// document copies and serialises a pre-tokenized value's text along with it (twice the body per
/// document otherwise).
pub fn pre_tokenized(analysis: &Analysis, mode: Mode, lemmas: bool) -> PreTokenizedString {
    PreTokenizedString { text: String::new(), tokens: field_tokens_with(analysis, mode, lemmas) }
}

/// khabar's analysis as a tantivy [`Tokenizer`].
#[derive(Clone, Debug)]
pub struct KhabarTokenizer {
    mode: Mode,
    lemmas: bool,
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl KhabarTokenizer {
    /// A tokenizer for the given field kind.
    pub fn new(mode: Mode, analyzer: Analyzer) -> KhabarTokenizer {
        KhabarTokenizer { mode, lemmas: true, analyzer, tokens: Vec::new() }
    }

    /// Whether the morphological field takes lemmas from `words` (default) or only light stems.
    pub fn with_lemmas(mut self, lemmas: bool) -> KhabarTokenizer {
        self.lemmas = lemmas;
        self
    }
}

impl Tokenizer for KhabarTokenizer {
    type TokenStream<'a> = KhabarTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KhabarTokenStream<'a> {
        let analysis = self.analyzer.analyze(text);
        self.tokens = field_tokens_with(&analysis, self.mode, self.lemmas);
        KhabarTokenStream { tokens: &mut self.tokens, next: 0 }
    }
}

/// The token stream of a [`KhabarTokenizer`].
#[derive(Debug)]
pub struct KhabarTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for KhabarTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Morphological terms from light stems alone (no lemmas from the morphology layer).
    fn morph(text: &str) -> Vec<String> {
        let mut a = Analyzer::default().analyze(text);
        for t in &mut a.tokens {
            t.words.clear();
        }
        morph_terms(&a, text).map(|(_, _, t)| t).collect()
    }

    #[test]
    fn clitics_and_article_are_stripped() {
        assert_eq!(morph("مفاوضات والمفاوضات بالمفاوضات وبالمفاوضات للمفاوضات"), vec!["مفاوض"; 5]);
        assert_eq!(morph("الوزير والوزير"), vec!["وزير", "وزير"]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "وصل بوتينُ إلى والمفاوضاتِ.";
        let a = Analyzer::default().analyze(text);
        for (s, e, _) in morph_terms(&a, text).chain(exact_terms(&a, text)) {
            assert!(text.get(s..e).is_some());
        }
        let exact: Vec<_> = exact_terms(&a, text).collect();
        assert_eq!(&text[exact[1].0..exact[1].1], "بوتينُ");
        assert_eq!(exact[1].2, "بوتين");
    }

    #[test]
    fn lemmas_are_preferred() {
        let text = "والمفاوضات";
        let mut a = Analyzer::default().analyze(text);
        a.tokens[0].words = vec![
            khabar::WordRecord { form: "و".into(), upos: "CCONJ".into(), lemma: "و".into() },
            khabar::WordRecord { form: "المفاوضات".into(), upos: "NOUN".into(), lemma: "مُفَاوَضَة".into() },
        ];
        assert_eq!(morph_terms(&a, text).map(|t| t.2).collect::<Vec<_>>(), vec!["مفاوضة"]);
    }
}
