//! The analysis pipeline: text → [`Analysis`].

use khabar_text::{is_stopword, light_stem, normalize_into, split_sentences, tokenize, Profile, Token, TokenKind};

use crate::analysis::{Analysis, SentenceRecord, TokenRecord};
use crate::document::Document;

/// Options of an [`Analyzer`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnalyzerOptions {}

/// Runs every layer of khabar over a text. Cheap to clone and `Sync`: one
/// analyser can serve many threads.
#[derive(Clone, Debug, Default)]
pub struct Analyzer {
    #[allow(dead_code)]
    options: AnalyzerOptions,
}

impl Analyzer {
    /// An analyser with the given options.
    pub fn new(options: AnalyzerOptions) -> Analyzer {
        Analyzer { options }
    }

    /// Analyse a plain text. Never fails and never panics.
    pub fn analyze(&self, text: &str) -> Analysis {
        let tokens: Vec<Token> = tokenize(text).collect();
        let sentences = split_sentences(text, &tokens);
        let mut buf = String::new();
        let tokens_out = tokens
            .iter()
            .map(|t| {
                let surface = t.text(text);
                buf.clear();
                normalize_into(surface, Profile::Search, &mut buf);
                let stem = (t.kind == TokenKind::Arabic).then(|| light_stem(&buf).to_owned());
                TokenRecord {
                    text: surface.to_owned(),
                    start: t.span.start(),
                    end: t.span.end(),
                    kind: t.kind,
                    stopword: t.kind == TokenKind::Arabic && is_stopword(&buf),
                    norm: buf.clone(),
                    stem,
                    words: Vec::new(),
                }
            })
            .collect();
        let sentences_out = sentences
            .iter()
            .map(|s| SentenceRecord {
                start: s.span.start(),
                end: s.span.end(),
                text: text[s.span.range()].to_owned(),
                token_start: s.tokens.start,
                token_end: s.tokens.end,
            })
            .collect();
        Analysis { id: None, length: text.len(), tokens: tokens_out, sentences: sentences_out, entities: Vec::new() }
    }

    /// Analyse a document's body, carrying its id.
    pub fn analyze_document(&self, doc: &Document) -> Analysis {
        let mut a = self.analyze(&doc.body);
        a.id = doc.id.clone();
        a
    }
}
