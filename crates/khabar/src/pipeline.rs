//! The analysis pipeline: text → [`Analysis`].

use khabar_text::{is_stopword, light_stem, normalize_into, split_sentences, tokenize, Profile, Sentence, Span, Token, TokenKind};

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use khabar_morph::MorphModel;
use khabar_ner::NerModel;

use crate::analysis::{Analysis, EntityRecord, SentenceRecord, TokenRecord, WordRecord};
use crate::digest::{digest, DigestOptions};
use crate::document::Document;

/// The size of the pieces [`Analyzer::analyze_parallel`] cuts long texts into.
pub const PIECE_BYTES: usize = 128 * 1024;

/// Cut `text` into consecutive ranges of about `target` bytes, each ending
/// just after a line break (or at the end of the text). A text without line
/// breaks is one range.
pub fn split_at_line_breaks(text: &str, target: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let want = start.saturating_add(target.max(1));
        if want >= text.len() {
            out.push(start..text.len());
            break;
        }
        let end = match text.as_bytes()[want..].iter().position(|&b| b == b'\n') {
            Some(i) => want + i + 1,
            None => text.len(),
        };
        out.push(start..end);
        start = end;
    }
    out
}

/// Options of an [`Analyzer`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnalyzerOptions {
    /// Split clitics, tag parts of speech and lemmatise (the embedded morphology model).
    pub morphology: bool,
    /// Find people, places, organisations and other names (the embedded NER model).
    pub entities: bool,
    /// Number of keyphrases (0: none).
    pub keyphrases: usize,
    /// Number of summary sentences (0: no summary).
    pub summary_sentences: usize,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions { morphology: true, entities: true, keyphrases: 10, summary_sentences: 3 }
    }
}

impl AnalyzerOptions {
    /// Only the text core: tokens, sentences, normalised forms and stems.
    pub fn text_only() -> Self {
        AnalyzerOptions { morphology: false, entities: false, keyphrases: 0, summary_sentences: 0 }
    }
}

/// Which morphology model an analyser uses.
#[derive(Clone)]
enum Morph {
    Off,
    Embedded(&'static MorphModel),
    Custom(Arc<MorphModel>),
}

impl Morph {
    fn model(&self) -> Option<&MorphModel> {
        match self {
            Morph::Off => None,
            Morph::Embedded(m) => Some(m),
            Morph::Custom(m) => Some(m),
        }
    }
}

/// Runs every layer of khabar over a text. Cheap to clone and `Sync`: one
/// analyser can serve many threads.
#[derive(Clone)]
pub struct Analyzer {
    morph: Morph,
    ner: Option<Arc<NerModel>>,
    embedded_ner: bool,
    digest: Arc<DigestOptions>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(AnalyzerOptions::default())
    }
}

impl core::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Analyzer")
            .field("morphology", &self.morph.model().is_some())
            .field("entities", &self.ner_model().is_some())
            .finish()
    }
}

/// A text through the layers before the entities ([`Analyzer::morphed`]).
struct Morphed {
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    records: Vec<TokenRecord>,
    words: Vec<Vec<khabar_morph::Word>>,
}

impl Analyzer {
    /// An analyser with the given options and the embedded models.
    pub fn new(options: AnalyzerOptions) -> Analyzer {
        let morph = if options.morphology { Morph::Embedded(MorphModel::embedded()) } else { Morph::Off };
        let digest =
            DigestOptions { keyphrases: options.keyphrases, summary_sentences: options.summary_sentences, ..DigestOptions::default() };
        Analyzer { morph, ner: None, embedded_ner: options.entities, digest: Arc::new(digest) }
    }

    /// Use these keyphrase and summary options (counts and weights).
    pub fn with_digest_options(mut self, options: DigestOptions) -> Analyzer {
        self.digest = Arc::new(options);
        self
    }

    /// The keyphrase and summary options in use.
    pub fn digest_options(&self) -> &DigestOptions {
        &self.digest
    }

    /// Use this NER model instead of the embedded one (for models trained with `khabar train ner`).
    pub fn with_ner_model(mut self, model: NerModel) -> Analyzer {
        self.ner = Some(Arc::new(model));
        self.embedded_ner = false;
        self
    }

    fn ner_model(&self) -> Option<&NerModel> {
        match &self.ner {
            Some(m) => Some(m),
            None if self.embedded_ner => Some(NerModel::embedded()),
            None => None,
        }
    }

    /// Use this morphology model instead of the embedded one (for models trained with `khabar train morph`).
    pub fn with_morph_model(mut self, model: MorphModel) -> Analyzer {
        self.morph = Morph::Custom(Arc::new(model));
        self
    }

    /// Analyse a plain text. Never fails and never panics.
    pub fn analyze(&self, text: &str) -> Analysis {
        self.complete(text, self.morphed(text))
    }

    /// Every layer but the digest (keyphrases and summary need the whole text).
    fn analyze_layers(&self, text: &str) -> Analysis {
        let m = self.morphed(text);
        self.entity_layer(text, &m.tokens, &m.sentences, m.records, &m.words)
    }

    /// Tokens, sentences and morphology of a text: the layers before the entities.
    fn morphed(&self, text: &str) -> Morphed {
        let tokens: Vec<Token> = tokenize(text).collect();
        let sentences = split_sentences(text, &tokens);
        let (records, words) = self.morph_layer(text, &tokens, &sentences);
        Morphed { tokens, sentences, records, words }
    }

    /// The layers after [`Analyzer::morphed`]: entities, sentences, keyphrases and summary.
    fn complete(&self, text: &str, m: Morphed) -> Analysis {
        let mut a = self.entity_layer(text, &m.tokens, &m.sentences, m.records, &m.words);
        self.add_digest(&mut a, text);
        a
    }

    /// Fill in keyphrases and summary.
    fn add_digest(&self, a: &mut Analysis, text: &str) {
        let d = digest(a, text, &self.digest);
        a.keyphrases = d.keyphrases;
        a.summary = d.summary;
    }

    /// Analyse one sentence given as its tokens (gold tokenisation): the text
    /// is the tokens joined by single spaces, and khabar's tokeniser and
    /// sentence splitter are bypassed. Empty tokens are skipped.
    pub fn analyze_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Analysis {
        let mut text = String::new();
        let mut toks = Vec::with_capacity(tokens.len());
        for t in tokens.iter().map(AsRef::as_ref).filter(|t| !t.is_empty()) {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(t);
            let kind = tokenize(t).next().map_or(TokenKind::Symbol, |k| k.kind);
            if let Some(span) = Span::new(start, text.len()) {
                toks.push(Token { span, kind });
            }
        }
        let sentences = match (toks.first(), toks.last()) {
            (Some(a), Some(b)) => vec![Sentence { span: a.span.cover(b.span), tokens: 0..toks.len() }],
            _ => Vec::new(),
        };
        let mut a = self.analyze_tokenized(&text, &toks, &sentences);
        self.add_digest(&mut a, &text);
        a
    }

    /// The layers after tokenisation and sentence splitting.
    fn analyze_tokenized(&self, text: &str, tokens: &[Token], sentences: &[Sentence]) -> Analysis {
        let (tokens_out, morph_words) = self.morph_layer(text, tokens, sentences);
        self.entity_layer(text, tokens, sentences, tokens_out, &morph_words)
    }

    /// The token records with their morphology, and the morphology kept for
    /// the entity layer (empty when its model does not read it).
    fn morph_layer(&self, text: &str, tokens: &[Token], sentences: &[Sentence]) -> (Vec<TokenRecord>, Vec<Vec<khabar_morph::Word>>) {
        let mut buf = String::new();
        let mut tokens_out: Vec<TokenRecord> = tokens
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
        // the morphology of every token, kept for NER models that read it
        let mut morph_words: Vec<Vec<khabar_morph::Word>> = Vec::new();
        if let Some(model) = self.morph.model() {
            let keep = self.ner_model().is_some_and(|m| m.uses_morphology());
            if keep {
                morph_words.resize(tokens.len(), Vec::new());
            }
            let mut surfaces: Vec<&str> = Vec::new();
            for s in sentences {
                surfaces.clear();
                surfaces.extend(tokens[s.tokens.clone()].iter().map(|t| t.text(text)));
                let analysed = model.analyze_sentence(&surfaces);
                if keep {
                    for (slot, words) in morph_words[s.tokens.clone()].iter_mut().zip(&analysed) {
                        slot.clone_from(words);
                    }
                }
                for (rec, words) in tokens_out[s.tokens.clone()].iter_mut().zip(analysed) {
                    rec.words =
                        words.into_iter().map(|w| WordRecord { form: w.form, upos: w.upos.as_str().to_owned(), lemma: w.lemma }).collect();
                }
            }
        }
        (tokens_out, morph_words)
    }

    /// The entities and the sentence records: the rest of
    /// [`Analyzer::analyze_tokenized`] after [`Analyzer::morph_layer`].
    fn entity_layer(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        tokens_out: Vec<TokenRecord>,
        morph_words: &[Vec<khabar_morph::Word>],
    ) -> Analysis {
        let entities = match self.ner_model() {
            Some(m) => m
                .entities_with_morph(text, tokens, sentences, morph_words)
                .into_iter()
                .map(|e| EntityRecord {
                    text: e.text,
                    start: e.start,
                    end: e.end,
                    kind: e.kind.name().to_owned(),
                    canonical: e.canonical,
                    score: e.score,
                })
                .collect(),
            None => Vec::new(),
        };
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
        Analysis { id: None, length: text.len(), tokens: tokens_out, sentences: sentences_out, entities, ..Analysis::default() }
    }

    /// Analyse a long text on all cores: it is cut at line breaks (which no
    /// sentence crosses) into pieces of about [`PIECE_BYTES`], the pieces are
    /// analysed in parallel and the results joined, with offsets into `text`.
    /// Gives the same result as [`Analyzer::analyze`].
    pub fn analyze_parallel(&self, text: &str) -> Analysis {
        let pieces = split_at_line_breaks(text, PIECE_BYTES);
        if pieces.len() <= 1 {
            return self.analyze(text);
        }
        let parts: Vec<(usize, Analysis)> = pieces.par_iter().map(|r| (r.start, self.analyze_layers(&text[r.clone()]))).collect();
        let mut out = Analysis { id: None, length: text.len(), ..Analysis::default() };
        for (offset, part) in parts {
            let base = out.tokens.len();
            out.tokens.extend(part.tokens.into_iter().map(|mut t| {
                t.start += offset;
                t.end += offset;
                t
            }));
            out.sentences.extend(part.sentences.into_iter().map(|mut s| {
                s.start += offset;
                s.end += offset;
                s.token_start += base;
                s.token_end += base;
                s
            }));
            out.entities.extend(part.entities.into_iter().map(|mut e| {
                e.start += offset;
                e.end += offset;
                e
            }));
        }
        self.add_digest(&mut out, text);
        out
    }

    /// Analyse a document's body, carrying its id.
    pub fn analyze_document(&self, doc: &Document) -> Analysis {
        let mut a = if doc.body.len() > 2 * PIECE_BYTES { self.analyze_parallel(&doc.body) } else { self.analyze(&doc.body) };
        a.id = doc.id.clone();
        a
    }

    /// Analyse several documents on this thread, layer by layer: the
    /// morphology of every document first, then the entities of every
    /// document, so that each model's tables stay in the processor's cache
    /// for longer. The same analyses as [`Analyzer::analyze_document`] on
    /// each, in order.
    pub fn analyze_documents(&self, docs: &[&Document]) -> Vec<Analysis> {
        let morphed: Vec<Option<Morphed>> = docs.iter().map(|d| (d.body.len() <= 2 * PIECE_BYTES).then(|| self.morphed(&d.body))).collect();
        docs.iter()
            .zip(morphed)
            .map(|(d, m)| match m {
                None => self.analyze_document(d),
                Some(m) => {
                    let mut a = self.complete(&d.body, m);
                    a.id = d.id.clone();
                    a
                }
            })
            .collect()
    }
}
