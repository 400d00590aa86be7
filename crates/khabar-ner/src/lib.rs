//! # khabar-ner
//!
//! Named entities (people, places, organisations, other names) in Arabic news
//! text, each with a canonical name so that the mentions of one entity count
//! as one.
//!
//! The tagger is an averaged structured perceptron (first-order, Viterbi over
//! BIO labels with transition constraints) over hashed features: the token,
//! its search-normalised form, its core with proclitics removed (و ف ب ل ك ال
//! and combinations), affixes, shape, ±2 neighbours, gazetteer matches
//! (single and multi-word), generic trigger words, a document-level
//! feature (trigger words seen before the same word elsewhere in the text)
//! and, for models trained with them (the shipped one), the parts of speech
//! and lemmas of `khabar-morph` ([`NerModel::entities_with_morph`] reuses an
//! analysis already made).
//!
//! Entity spans exclude attached proclitics: in لبوتين the entity is بوتين.
//!
//! ```no_run
//! let m = khabar_ner::NerModel::embedded();
//! for e in m.entities("التقى الرئيس فلاديمير بوتين نظيره في بيونغ يانغ") {
//!     println!("{} {:?} {}", e.text, e.kind, e.canonical);
//! }
//! ```

#![allow(clippy::needless_range_loop)]

mod canonical;
mod clitic;
mod data;
mod eval;
mod features;
mod model;
mod post;
mod train;

use std::collections::HashSet;

use crate::features::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use khabar_text::{split_sentences, tokenize, Sentence, Token, TokenKind};
use serde::{Deserialize, Serialize};

pub use crate::canonical::{display_form, key as canonical_key};
pub use crate::clitic::{analyse as analyse_clitics, Clitics};
pub use crate::data::{
    parse_bio, parse_bio_strict, parse_tag, read_bio, read_gold_bio, read_wojood, wojood_type, GoldSentence, Tag, WojoodGpeOrg,
};
pub use crate::eval::{evaluate, evaluate_sentences, gold_text, score_entities, EvalReport, Prf};
pub use crate::features::{omit, Omit};
pub use crate::train::{train, train_with_report, TrainOptions, TrainReport};

use crate::features::{
    analyse_tokens_with, doc_features, label_stats, neighbour_features, pos_window, pos_window_features, stack_features,
    stack_label_features, stack_labels, stack_stat_features, token_features, token_features_part, Gazetteer, OwnKey, Part, TokInfo,
    G_COUNTRY, G_LOC, G_PER, TRIGGERS,
};
use crate::model::{label_type, Weights, NL, O};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A model could not be decoded.
    #[error("bad NER model: {0}")]
    Model(String),
    /// Training or evaluation data is unusable.
    #[error("bad data: {0}")]
    Data(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Entity types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    /// A person.
    #[serde(rename = "PER")]
    Per,
    /// A place (countries, cities, regions, geographic features).
    #[serde(rename = "LOC")]
    Loc,
    /// An organisation.
    #[serde(rename = "ORG")]
    Org,
    /// Another name (events, products, nationalities, works, …).
    #[serde(rename = "MISC")]
    Misc,
}

impl EntityType {
    /// All four, in label order.
    pub const ALL: [EntityType; 4] = [EntityType::Per, EntityType::Loc, EntityType::Org, EntityType::Misc];

    /// `PER`, `LOC`, `ORG`, `MISC`.
    pub fn name(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Loc => "LOC",
            EntityType::Org => "ORG",
            EntityType::Misc => "MISC",
        }
    }

    fn from_index(i: usize) -> Self {
        Self::ALL[i.min(3)]
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A named-entity mention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Byte offset of the start (after any attached proclitic) in the original text.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// Exactly `text[start..end]`.
    pub text: String,
    /// Its type.
    pub kind: EntityType,
    /// The canonical name shared by every mention of the entity in the text.
    ///
    /// Rule (depends only on the mention strings, not on their order): mentions
    /// of one type whose search-normalised form without spaces, hyphens and a
    /// leading article is equal form a group (بيونغ يانغ = بيونغيانغ,
    /// أمريكا = امريكا); a one-word PER joins the multi-word PER whose last word
    /// it is (بوتين → فلاديمير بوتين), or else the only multi-word PER whose
    /// first word it is (كيم → كيم جونغ أون); the canonical is the member with
    /// the most words, then the most frequent, then the smallest string, with
    /// diacritics and tatweel removed and an article elided after ل restored
    /// (للعراق → العراق).
    pub canonical: String,
    /// Confidence in (0, 1).
    pub score: f32,
}

/// A trained NER model: weights, gazetteer and the known-name list used to
/// decide where a name starts inside a clitic-bearing word.
#[derive(Clone, Debug)]
pub struct NerModel {
    pub(crate) w: Weights,
    /// Second pass (stacked on the first pass's labels and document statistics).
    pub(crate) w2: Option<Weights>,
    pub(crate) gaz: Gazetteer,
    /// Search-normalised words seen inside entities in training (without clitics).
    pub(crate) known: HashSet<String>,
    pub(crate) use_doc: bool,
    pub(crate) trig: HashMap<&'static str, u8>,
    /// Corpus statistics of words (from unlabelled news).
    pub(crate) lex: features::CorpusLex,
    /// Corpus counts of whole normalised words (for clitic decisions).
    pub(crate) forms: features::CorpusLex,
    /// Surname key → full person name (from the unlabelled corpus), for
    /// canonical names that are stable across documents.
    pub(crate) full: canonical::FullNames,
    /// Features from the morphology tagger (UPOS and lemmas, see
    /// [`NerModel::entities_with_morph`]).
    pub(crate) morph: bool,
    /// Context feature templates left out in training and so at run time
    /// (none in the shipped model; model-file option `omit N`).
    pub(crate) omit: Omit,
}

static EMBEDDED_BYTES: &[u8] = include_bytes!(env!("KHABAR_NER_MODEL"));
static EMBEDDED: LazyLock<NerModel> = LazyLock::new(|| NerModel::from_bytes(EMBEDDED_BYTES).unwrap_or_else(|_| NerModel::empty()));

pub(crate) fn trigger_map() -> HashMap<&'static str, u8> {
    TRIGGERS.iter().copied().collect()
}

impl NerModel {
    /// The model shipped in `models/ner.bin`, decoded on first use. If that
    /// file is missing or damaged this is an empty model (finds nothing).
    pub fn embedded() -> &'static NerModel {
        &EMBEDDED
    }

    /// The canonical name this model gives a text that mentions only `text` (of type PER
    /// when `per`; rules 1, 2 and 5 of the canonical names). `بوتين` → `فلاديمير بوتين` (the model's list of
    /// full names), `بيونغ-يانغ` → `بيونغ-يانغ` (display form: marks and extra spaces removed).
    pub fn lone_canonical(&self, text: &str, per: bool) -> String {
        canonical::lone(text, per, &self.full)
    }

    /// The context feature templates this model was trained without.
    pub fn omitted(&self) -> Omit {
        self.omit
    }

    /// Run this model without `extra` template groups besides those it was
    /// trained without (an experiment: a cheap ranking of what the weights
    /// of each group contribute, not a model to ship).
    pub fn with_omitted(mut self, extra: Omit) -> NerModel {
        self.omit = Omit(self.omit.0 | extra.0);
        self
    }

    /// Shift the final pass's decoding towards (positive) or away from
    /// (negative) entities: `entity[t]` is added to the score of every
    /// entity of type t (0 PER, 1 LOC, 2 ORG, 3 MISC) and `token[t]` to every
    /// token inside one. Both are folded into the transition scores (into B-t
    /// from every state and the start; into I-t), so the model file and the
    /// decoding cost are unchanged.
    pub fn with_label_bias(mut self, entity: [f32; 4], token: [f32; 4]) -> NerModel {
        self.w2.as_mut().unwrap_or(&mut self.w).add_label_bias(entity, token);
        self
    }

    /// A copy without weights (for training-time evaluation).
    pub(crate) fn clone_light(&self) -> NerModel {
        NerModel {
            w: Weights::new(8),
            w2: None,
            gaz: self.gaz.clone(),
            known: self.known.clone(),
            use_doc: self.use_doc,
            trig: self.trig.clone(),
            lex: self.lex.clone(),
            forms: self.forms.clone(),
            full: self.full.clone(),
            morph: self.morph,
            omit: self.omit,
        }
    }

    /// A model with no weights (finds nothing).
    pub fn empty() -> NerModel {
        NerModel {
            w: Weights::new(8),
            w2: None,
            gaz: Gazetteer::default(),
            known: HashSet::new(),
            use_doc: false,
            trig: trigger_map(),
            lex: HashMap::default(),
            forms: HashMap::default(),
            full: canonical::FullNames::default(),
            morph: false,
            omit: Omit::default(),
        }
    }

    /// Decode a model written by [`NerModel::to_bytes`] (gzip-compressed or raw).
    pub fn from_bytes(b: &[u8]) -> Result<NerModel> {
        let raw = model::gunzip(b)?;
        let mut r = model::Reader::new(&raw);
        if r.take(6)? != b"KNER2\0" {
            return Err(Error::Model("not a khabar NER model (bad magic)".into()));
        }
        let w = Weights::read_raw(&mut r)?;
        let w2 = if r.take(1)?[0] == 1 { Some(Weights::read_raw(&mut r)?) } else { None };
        let m = r.u64()? as usize;
        let text = std::str::from_utf8(r.take(m)?).map_err(|_| Error::Model("extra section is not UTF-8".into()))?;
        let mut gaz = Gazetteer::default();
        let mut known = HashSet::new();
        let mut use_doc = false;
        let mut morph = false;
        let mut omit = Omit::default();
        let mut lex = HashMap::default();
        let mut forms = HashMap::default();
        let mut full = canonical::FullNames::default();
        let mut section = "";
        for (line, tab) in model::lines_with_tab(text) {
            match line {
                "#G" | "#K" | "#O" | "#C" | "#F" | "#N" => {
                    section = line;
                    continue;
                }
                _ => {}
            }
            match section {
                "#G" => {
                    if let Some((b, p)) = tab {
                        if let Ok(bits) = b.parse::<u8>() {
                            gaz.insert_normalised(p, bits);
                        }
                    }
                }
                "#K" => {
                    known.insert(line.to_string());
                }
                "#F" => {
                    if let Some((w, c)) = tab {
                        if let Ok(c) = c.parse::<u32>() {
                            forms.insert(w.to_string(), c);
                        }
                    }
                }
                "#C" => {
                    if let Some((w, c)) = tab {
                        if let Ok(c) = c.parse::<u32>() {
                            lex.insert(w.to_string(), c);
                        }
                    }
                }
                "#N" => {
                    if let Some((k, v)) = tab {
                        full.insert(k.to_string(), v.to_string());
                    }
                }
                "#O" if line == "doc" => use_doc = true,
                "#O" if line == "morph" => morph = true,
                "#O" if line.starts_with("omit ") => {
                    omit = Omit(line["omit ".len()..].parse().map_err(|_| Error::Model("bad omit option".into()))?);
                }
                _ => {}
            }
        }
        let mut w = w;
        let mut w2 = w2;
        if let Some(w2) = w2.as_mut() {
            Weights::fuse(&mut w, w2);
        }
        Ok(NerModel { w, w2, gaz, known, use_doc, trig: trigger_map(), lex, forms, full, morph, omit })
    }

    /// Encode (gzip-compressed; weights quantised to 16 bits).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut extra = String::new();
        extra.push_str("#O\n");
        if self.use_doc {
            extra.push_str("doc\n");
        }
        if self.morph {
            extra.push_str("morph\n");
        }
        if self.omit != Omit::default() {
            extra.push_str(&format!("omit {}\n", self.omit.0));
        }
        extra.push_str("#G\n");
        let mut g: Vec<_> = self.gaz.map.iter().collect();
        g.sort();
        for (p, b) in g {
            extra.push_str(&format!("{b}\t{p}\n"));
        }
        extra.push_str("#C\n");
        let mut c: Vec<_> = self.lex.iter().collect();
        c.sort();
        for (w, code) in c {
            extra.push_str(&format!("{w}\t{code}\n"));
        }
        extra.push_str("#F\n");
        let mut f: Vec<_> = self.forms.iter().collect();
        f.sort();
        for (w, n) in f {
            extra.push_str(&format!("{w}\t{n}\n"));
        }
        extra.push_str("#N\n");
        for (k, v) in &self.full {
            extra.push_str(&format!("{k}\t{v}\n"));
        }
        extra.push_str("#K\n");
        let mut k: Vec<_> = self.known.iter().collect();
        k.sort();
        for w in k {
            extra.push_str(w);
            extra.push('\n');
        }
        let mut raw = Vec::new();
        raw.extend_from_slice(b"KNER2\0");
        self.w.write_raw(&mut raw);
        match &self.w2 {
            Some(w2) => {
                raw.push(1);
                w2.write_raw(&mut raw);
            }
            None => raw.push(0),
        }
        raw.extend_from_slice(&(extra.len() as u64).to_le_bytes());
        raw.extend_from_slice(extra.as_bytes());
        model::gzip(&raw)
    }

    /// Entities of a whole text (tokenises with `khabar_text::tokenize`,
    /// splits sentences with `khabar_text::split_sentences`). Never panics.
    pub fn entities(&self, text: &str) -> Vec<Entity> {
        let tokens: Vec<Token> = tokenize(text).collect();
        let sentences = split_sentences(text, &tokens);
        self.entities_with(text, &tokens, &sentences)
    }

    /// Same as [`NerModel::entities`], reusing the caller's tokens and sentences.
    /// A model that uses morphology features runs the embedded morphology
    /// model itself; use [`NerModel::entities_with_morph`] to reuse an analysis.
    pub fn entities_with(&self, text: &str, tokens: &[Token], sentences: &[Sentence]) -> Vec<Entity> {
        self.entities_impl(text, tokens, sentences, None)
    }

    /// Whether this model reads the morphology tagger's analysis.
    pub fn uses_morphology(&self) -> bool {
        self.morph
    }

    /// Same as [`NerModel::entities_with`], reusing the caller's morphology:
    /// `words[i]` is the analysis of `tokens[i]` by
    /// [`khabar_morph::MorphModel::analyze_sentence`] run sentence by sentence
    /// (as `khabar::Analyzer` does). If `words` does not have one entry per
    /// token, the embedded morphology model is run instead.
    pub fn entities_with_morph(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[Vec<khabar_morph::Word>],
    ) -> Vec<Entity> {
        self.entities_impl(text, tokens, sentences, (words.len() == tokens.len()).then_some(words))
    }

    fn entities_impl(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: Option<&[Vec<khabar_morph::Word>]>,
    ) -> Vec<Entity> {
        let mut infos: Vec<Vec<TokInfo>> = Vec::with_capacity(sentences.len());
        let mut ranges = Vec::with_capacity(sentences.len());
        for s in sentences {
            let r = s.tokens.start.min(tokens.len())..s.tokens.end.min(tokens.len());
            if r.start >= r.end {
                continue;
            }
            let mut v = Vec::new();
            // one-token analyses are reused per distinct surface, in a cache
            // kept per thread for one model (its table id)
            let id = self.w.q.id();
            TOKEN_INFOS.with_borrow_mut(|cache| {
                if cache.0 != id {
                    let room = if id == 0 { 0 } else { features::TOKEN_CACHE_MAX };
                    *cache = (id, HashMap::with_capacity_and_hasher(room, Default::default()));
                }
                let cache = if id == 0 { None } else { Some(&mut cache.1) };
                analyse_tokens_with(text, &tokens[r.clone()], &self.gaz, &self.trig, &self.lex, cache, &mut v);
            });
            if self.morph {
                match words {
                    Some(w) => features::add_morph(&mut v, &w[r.clone()]),
                    None => {
                        let surfaces: Vec<&str> = tokens[r.clone()].iter().map(|t| t.text(text)).collect();
                        features::add_morph(&mut v, &khabar_morph::MorphModel::embedded().analyze_sentence(&surfaces));
                    }
                }
            }
            infos.push(v);
            ranges.push(r);
        }
        let mut labels = self.tag_infos(&infos);
        self.refine(&infos, &mut labels);
        // words tagged as names in the document without a proclitic (for clitic decisions)
        let mut doc_words: HashMap<&str, u32> = HashMap::default();
        for (s, (labs, _)) in infos.iter().zip(&labels) {
            for (t, &l) in s.iter().zip(labs) {
                // a tagged word counts whatever its own clitic reading: بيونغ and كوريا
                // look like ب/ك + rest but are names themselves (the clitic decision
                // below only ever asks whether a REST is a name of the document)
                if t.kind_code == 0 && l != O {
                    *doc_words.entry(t.norm.as_str()).or_insert(0) += 1;
                }
            }
        }
        let mut ents = Vec::new();
        let mut elided = Vec::new();
        for ((s, r), (labs, margins)) in infos.iter().zip(&ranges).zip(&labels) {
            let toks = &tokens[r.clone()];
            // the model reads Arabic sentences: in a sentence with no Arabic word (an English
            // quote, a Latin-only text) its labels mean nothing ("Hello world" was a person);
            // Latin names inside Arabic sentences (CNN, Einstein) are still found
            if !toks.iter().any(|t| t.kind == TokenKind::Arabic) {
                continue;
            }
            let mut i = 0;
            while i < s.len() {
                let l = labs[i];
                if l == O {
                    i += 1;
                    continue;
                }
                let ty = label_type(l);
                let mut j = i + 1;
                while j < s.len() && labs[j] == model::i_of(ty) {
                    j += 1;
                }
                // trim non-word tokens at both ends
                let mut a = i;
                let mut b = j;
                while a < b && !is_content(toks[a].kind) {
                    a += 1;
                }
                while b > a && !is_content(toks[b - 1].kind) {
                    b -= 1;
                }
                if a < b {
                    let (off, el) = self.core_offset(text, &toks[a], &s[a], &doc_words);
                    let start = toks[a].span.start() + off;
                    let end = toks[b - 1].span.end();
                    if let Some(t) = text.get(start..end) {
                        if !t.is_empty() {
                            let m: f32 = margins[a..b].iter().sum::<f32>() / (b - a) as f32;
                            ents.push(Entity {
                                start,
                                end,
                                text: t.to_string(),
                                kind: EntityType::from_index(ty),
                                canonical: String::new(),
                                score: 0.5 + 0.5 * m / (m.abs() + 5.0),
                            });
                            elided.push(el);
                        }
                    }
                }
                i = j;
            }
        }
        canonical::assign(&mut ents, &elided, &self.full);
        ents
    }

    /// Where the name starts inside its first token (bytes), and whether the article was elided (لل).
    fn core_offset(&self, text: &str, tok: &Token, info: &TokInfo, doc_words: &HashMap<&str, u32>) -> (usize, bool) {
        if tok.kind != TokenKind::Arabic {
            return (0, false);
        }
        let c = info.clit;
        let surface = tok.text(text);
        let count = |w: &str| self.form_count(w);
        let norm = |w: &str| khabar_text::normalize(w, khabar_text::Profile::Search);
        if c.pattern & 4 != 0 {
            if !c.elided_article {
                return (c.prep, false);
            }
            // لل is ل + ال with the alef elided (للعراق), unless the word after the first ل
            // is a name more common than the article reading (للبنان is ل + لبنان, not
            // ل + البنان; للندن)
            if let Some(after) = surface.get(c.prep..).map(norm) {
                let core = surface.get(c.article..).map(norm).unwrap_or_default();
                if self.is_listed(&after) && count(&after) > count(&format!("ال{core}")) {
                    return (c.prep, false);
                }
            }
            return (c.article, true);
        }
        if c.pattern == 0 {
            return (0, false);
        }
        // a place or organisation noun is no name that begins with a clitic letter: its
        // clitics are always cut (لوكالة الصحافة الفرنسية، بجامعة القاهرة، ببلدة القديح)
        for off in [c.prep, c.conj] {
            let rest = surface.get(off..).filter(|r| off > 0 && !r.is_empty());
            if rest.is_some_and(|r| matches!(self.trig.get(norm(r).as_str()), Some(2 | 3))) {
                return (off, false);
            }
        }
        // ك before a name is rare and its stripped forms collide with names (كلاوس/لاوس)
        let prep_ok = !surface[c.conj..].starts_with('ك');
        // the conjunction alone first: the least cut that leaves a name (وبكين → بكين, not كين)
        for off in [c.conj, c.prep] {
            if off == 0 || off >= surface.len() || (off == c.prep && off != c.conj && !prep_ok) {
                continue;
            }
            let rest = norm(&surface[off..]);
            // strip when the rest is a name of this document, or a known name that is
            // clearly more common on its own than the whole word (لبوتين → بوتين, but
            // بيونغ stays whole although يونغ is a name). The conjunction و is taken by
            // about a fifth of a noun's uses in news (وفرنسا 253 : فرنسا 929 in
            // SaudiNewsNet), so twice as common is clear enough after it; so is ب
            // ("in") before a listed place that is no listed person name (بجدة 993 :
            // جدة 3,888, ببريدة, بينبع). ف (rarer before a name, and the first letter of
            // many: فاير، فدان) and the other prepositions must leave a name five
            // times as common.
            let (full_n, rest_n) = (count(&info.norm), count(&rest));
            let after_and = off == c.conj && surface.starts_with('و');
            // a whole word seen inside training entities does not count after و: ANERCorp's
            // tokens keep the conjunction, so those words are mostly و + name (وليبيا،
            // وتايوان، وموناكو: all 36 whose rest is a known name)
            let full_known = (!after_and && self.known.contains(info.norm.as_str())) || self.gaz.map.contains_key(info.norm.as_str());
            let place = self.gaz.map.get(rest.as_str()).is_some_and(|&g| g & (G_LOC | G_COUNTRY) != 0 && g & G_PER == 0);
            let in_place = off == c.prep && off != c.conj && surface[c.conj..].starts_with('ب') && place;
            let ratio = if after_and || in_place { 2 } else { 5 };
            if doc_words.contains_key(rest.as_str()) || (!full_known && self.is_listed(&rest) && rest_n >= ratio * full_n) {
                return (off, false);
            }
        }
        (0, false)
    }

    /// How often the word form `w` (search-normalised) occurs in the news corpus (0 below the
    /// model's minimum count).
    pub(crate) fn form_count(&self, w: &str) -> u32 {
        self.forms.get(w).copied().unwrap_or(0)
    }

    /// Whether `w` (search-normalised) is a word of the training entities or a gazetteer name.
    fn is_listed(&self, w: &str) -> bool {
        self.known.contains(w) || self.gaz.map.get(w).is_some_and(|&b| b != 0)
    }

    /// Labels and per-token margins (label score minus O score) of analysed sentences.
    pub(crate) fn tag_infos(&self, infos: &[Vec<TokInfo>]) -> Vec<(Vec<usize>, Vec<f32>)> {
        // first-pass features, kept for the second pass
        let doc = if self.use_doc { Some(doc_features(infos)) } else { None };
        let fused = self.w2.as_ref().is_some_and(|w2| Weights::fused(&self.w, w2));
        let mut feats: Vec<u64> = Vec::new();
        let mut em: Vec<[f32; NL]> = Vec::new();
        let mut first = Vec::with_capacity(infos.len());
        // the second pass's scores of the same base features, read with the first's
        let mut base2: Vec<[f32; NL]> = Vec::with_capacity(if self.w2.is_some() { infos.iter().map(Vec::len).sum() } else { 0 });
        let table = (self.w.q.id(), self.w.bits);
        let mut cache = OWN_SUMS.take();
        if fused && cache.table != table {
            // room for the most rows at once: growing would copy them all
            cache = SumCache {
                table,
                index: HashMap::with_capacity_and_hasher(OWN_SUMS_MAX, Default::default()),
                rows: Vec::with_capacity(OWN_SUMS_MAX),
                windows: HashMap::with_capacity_and_hasher(OWN_SUMS_MAX, Default::default()),
            };
        }
        // what a missing neighbour (past a sentence's edge) gives, by role
        let mut edge = [[0i32; 2 * NL]; ROLES];
        if fused {
            for (r, &(d, lemma)) in ROLE_OFFSETS.iter().enumerate() {
                feats.clear();
                neighbour_features(None, d, lemma, &mut feats);
                self.w.add_fused(&feats, &mut edge[r + 1]);
            }
        }
        // the sentence's tokens' rows in the cache
        let mut idx: Vec<usize> = Vec::new();
        for s in infos {
            em.clear();
            if fused {
                // each token's own sums and what it gives its neighbours,
                // summed once per distinct token (integer sums: the same
                // result in any order)
                idx.clear();
                if cache.rows.len() + s.len() > OWN_SUMS_MAX {
                    cache.index.clear();
                    cache.rows.clear();
                }
                for t in s {
                    let next = cache.rows.len();
                    match cache.index.entry(OwnKey::of(t)) {
                        std::collections::hash_map::Entry::Occupied(o) => idx.push(*o.get()),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            let mut a = [[0i32; 2 * NL]; ROLES];
                            feats.clear();
                            token_features_part(std::slice::from_ref(t), 0, None, Part::Own, self.omit, &mut feats);
                            self.w.add_fused(&feats, &mut a[0]);
                            for (r, &(d, lemma)) in ROLE_OFFSETS.iter().enumerate() {
                                feats.clear();
                                neighbour_features(Some(t), d, lemma, &mut feats);
                                self.w.add_fused(&feats, &mut a[r + 1]);
                            }
                            cache.rows.push(a);
                            v.insert(next);
                            idx.push(next);
                        }
                    }
                }
            }
            let row = |j: usize| idx.get(j).and_then(|&k| cache.rows.get(k));
            for i in 0..s.len() {
                let mut e = [0f32; NL];
                feats.clear();
                match &self.w2 {
                    Some(w2) if fused => {
                        let mut acc = row(i).map_or([0; 2 * NL], |a| a[0]);
                        for (r, &(d, lemma)) in ROLE_OFFSETS.iter().enumerate() {
                            if lemma && s[i].upos == 0 {
                                continue;
                            }
                            // the neighbour at offset d gives its sums for the role "at -d"
                            let add = match usize::try_from(i as isize + d).ok().and_then(row) {
                                Some(n) => &n[r + 1],
                                None => &edge[r + 1],
                            };
                            for k in 0..2 * NL {
                                acc[k] += add[k];
                            }
                        }
                        if s[i].upos != 0 {
                            // the parts of speech around the token, summed once per window
                            let u = pos_window(s, i);
                            if cache.windows.len() >= OWN_SUMS_MAX {
                                cache.windows.clear();
                            }
                            let add = cache.windows.entry(u).or_insert_with(|| {
                                let mut a = [0i32; 2 * NL];
                                let mut f = Vec::with_capacity(5);
                                pos_window_features(u, &mut f);
                                self.w.add_fused(&f, &mut a);
                                a
                            });
                            for k in 0..2 * NL {
                                acc[k] += add[k];
                            }
                        }
                        token_features_part(s, i, doc.as_ref(), Part::Pair, self.omit, &mut feats);
                        self.w.add_fused(&feats, &mut acc);
                        let mut e2 = [0f32; NL];
                        Weights::scale_pair(&self.w, w2, &acc, &mut e, &mut e2);
                        base2.push(e2);
                    }
                    Some(w2) => {
                        token_features(s, i, doc.as_ref(), self.omit, &mut feats);
                        let mut e2 = [0f32; NL];
                        Weights::emit_pair(&self.w, w2, &feats, &mut e, &mut e2);
                        base2.push(e2);
                    }
                    None => {
                        token_features(s, i, doc.as_ref(), self.omit, &mut feats);
                        self.w.emit(&feats, &mut e);
                    }
                }
                em.push(e);
            }
            let mut labs = Vec::new();
            self.w.viterbi(&em, &mut labs);
            let margins = labs.iter().zip(&em).map(|(&l, e)| e[l] - e[O]).collect();
            first.push((labs, margins));
        }
        OWN_SUMS.set(cache);
        let Some(w2) = &self.w2 else { return first };
        let labels: Vec<Vec<usize>> = first.into_iter().map(|x| x.0).collect();
        let stats = label_stats(infos, &labels);
        let mut extra: Vec<u64> = Vec::with_capacity(32);
        let mut out = Vec::with_capacity(infos.len());
        let mut k = 0;
        // the summed rows of the label features, by the labels at −1, 0, +1
        // (each 0..NL or NL for past the edge)
        let mut by_labels: Vec<Option<[i32; NL]>> = if w2.is_packed() { vec![None; (NL + 1).pow(3)] } else { Vec::new() };
        let code = |l: u64| if l == 99 { Some(NL) } else { usize::try_from(l).ok().filter(|&l| l < NL) };
        for (si, s) in infos.iter().enumerate() {
            em.clear();
            for i in 0..s.len() {
                extra.clear();
                let l = stack_labels(&labels[si], i);
                let key = match (code(l[0]), code(l[1]), code(l[2])) {
                    (Some(a), Some(b), Some(c)) => Some((a * (NL + 1) + b) * (NL + 1) + c),
                    _ => None,
                };
                let mut e = base2[k];
                let mut e2 = [0f32; NL];
                match key.and_then(|key| by_labels.get_mut(key)) {
                    Some(slot) => {
                        let mut acc = *slot.get_or_insert_with(|| {
                            let mut a = [0i32; NL];
                            stack_label_features(l, &mut extra);
                            w2.add_packed(&extra, &mut a);
                            a
                        });
                        extra.clear();
                        stack_stat_features(s, &labels[si], i, &stats, self.omit, &mut extra);
                        w2.add_packed(&extra, &mut acc);
                        w2.scale_packed(&acc, &mut e2);
                    }
                    None => {
                        stack_features(s, &labels[si], i, &stats, self.omit, &mut extra);
                        w2.emit(&extra, &mut e2);
                    }
                }
                for j in 0..NL {
                    e[j] += e2[j];
                }
                em.push(e);
                k += 1;
            }
            let mut labs = Vec::new();
            w2.viterbi(&em, &mut labs);
            let margins = labs.iter().zip(&em).map(|(&l, e)| e[l] - e[O]).collect();
            out.push((labs, margins));
        }
        out
    }
}

/// Most distinct tokens whose sums a thread keeps (about 8 MB; the cache
/// starts again when full). News text repeats its words, so most
/// tokens find their sums here.
const OWN_SUMS_MAX: usize = 1 << 14;

/// The neighbour roles whose features a token's cached sums hold: the
/// offset of the token that reads them and whether they are the lemma ones
/// ([`neighbour_features`]).
const ROLE_OFFSETS: [(isize, bool); 6] = [(-2, false), (-1, false), (-1, true), (1, false), (1, true), (2, false)];

/// A token's own sums (index 0) and, by role (1 + index in
/// [`ROLE_OFFSETS`]), what it gives the token it is a neighbour of.
const ROLES: usize = 1 + ROLE_OFFSETS.len();
type TokenSums = [[i32; 2 * NL]; ROLES];

/// Summed fused rows of tokens' own features ([`Part::Own`]) and of what
/// they give their neighbours (`rows`, by [`OwnKey`] in `index`), and the
/// table (id, bits) they were read from.
#[derive(Default)]
struct SumCache {
    table: (u64, u32),
    index: HashMap<OwnKey, usize>,
    rows: Vec<TokenSums>,
    /// Summed rows of [`features::pos_window_features`], by window.
    windows: HashMap<[u8; 5], [i32; 2 * NL]>,
}

thread_local! {
    /// One-token analyses by surface ([`analyse_tokens_with`]), and the id
    /// of the model's table they were made for.
    static TOKEN_INFOS: std::cell::RefCell<(u64, HashMap<String, TokInfo>)> = std::cell::RefCell::new((0, HashMap::default()));
    static OWN_SUMS: std::cell::RefCell<SumCache> = std::cell::RefCell::new(SumCache::default());
}

/// One tagging pass; `first` holds the first pass's labels for a second pass.
pub(crate) fn tag_pass(
    w: &Weights,
    infos: &[Vec<TokInfo>],
    use_doc: bool,
    omit: Omit,
    first: Option<&Vec<Vec<usize>>>,
) -> Vec<(Vec<usize>, Vec<f32>)> {
    let doc = if use_doc { Some(doc_features(infos)) } else { None };
    let stats = first.map(|l| label_stats(infos, l));
    let mut feats = Vec::with_capacity(96);
    let mut em: Vec<[f32; NL]> = Vec::new();
    let mut out = Vec::with_capacity(infos.len());
    for (si, s) in infos.iter().enumerate() {
        em.clear();
        for i in 0..s.len() {
            feats.clear();
            token_features(s, i, doc.as_ref(), omit, &mut feats);
            if let (Some(st), Some(l)) = (&stats, first) {
                stack_features(s, &l[si], i, st, omit, &mut feats);
            }
            let mut e = [0f32; NL];
            w.emit(&feats, &mut e);
            em.push(e);
        }
        let mut labs = Vec::new();
        w.viterbi(&em, &mut labs);
        let margins = labs.iter().zip(&em).map(|(&l, e)| e[l] - e[O]).collect();
        out.push((labs, margins));
    }
    out
}

fn is_content(k: TokenKind) -> bool {
    k.is_word() || k == TokenKind::Number || k == TokenKind::Hashtag || k == TokenKind::Mention
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The inference path (fused tables, sums cached per token, per window
    /// and per label triple) labels as the plain two passes of training do,
    /// with cold and with warm caches.
    #[test]
    fn cached_inference_labels_as_the_plain_passes() {
        let m = NerModel::embedded();
        let w2 = m.w2.as_ref().expect("the shipped model has a second pass");
        let text = "وصل الرئيس الروسي فلاديمير بوتين إلى موسكو قادما من بكين.\n\
                    وقالت وكالة تاس إن لبوتين لقاء مع كيم جونغ أون في بيونغ يانغ يوم 12 يونيو.\n\
                    وأعلن وزير الخارجية الأمريكي أنتوني بلينكن في واشنطن أن الولايات المتحدة تدعم أوكرانيا.\n\
                    كوريا الشمالية ، CNN ، «» ١٢ بوتين بوتين بوتين";
        let mut infos = Vec::new();
        for line in text.split('\n') {
            let toks: Vec<Token> = tokenize(line).collect();
            let mut v = Vec::new();
            crate::features::analyse_tokens(line, &toks, &m.gaz, &m.trig, &m.lex, &mut v);
            let surfaces: Vec<&str> = toks.iter().map(|t| t.text(line)).collect();
            features::add_morph(&mut v, &khabar_morph::MorphModel::embedded().analyze_sentence(&surfaces));
            infos.push(v);
        }
        let first = tag_pass(&m.w, &infos, m.use_doc, m.omit, None);
        let labels: Vec<Vec<usize>> = first.iter().map(|x| x.0.clone()).collect();
        let plain = tag_pass(w2, &infos, m.use_doc, m.omit, Some(&labels));
        for _ in 0..2 {
            let fast = m.tag_infos(&infos);
            assert_eq!(fast.len(), plain.len());
            for (f, p) in fast.iter().zip(&plain) {
                assert_eq!(f.0, p.0);
                assert!(f.1.iter().zip(&p.1).all(|(a, b)| (a - b).abs() < 1e-3), "{:?} {:?}", f.1, p.1);
            }
        }
    }

    /// The template groups a model omits are written to its file and read
    /// back; a model that omits none writes no option (so the shipped file
    /// is unchanged).
    #[test]
    fn omitted_templates_round_trip() {
        let o = Omit::parse("core-pair,stat-neighbours").expect("known groups");
        assert_eq!(o.0, omit::CORE_PAIR | omit::STAT_NEIGHBOURS);
        assert_eq!(Omit::parse(&o.names()), Some(o));
        assert_eq!(Omit::parse("no-such-group"), None);
        let m = NerModel::from_bytes(EMBEDDED_BYTES).expect("shipped model");
        assert_eq!(m.omitted(), Omit::default());
        let raw = model::gunzip(&m.to_bytes()).expect("gzip");
        assert!(!String::from_utf8_lossy(&raw).contains("\nomit "));
        let back = NerModel::from_bytes(&m.with_omitted(o).to_bytes()).expect("reload");
        assert_eq!(back.omitted(), o);
    }

    proptest! {
        /// A one-token analysis read from the cache is the analysis made
        /// afresh, for any text and whatever the cache already holds.
        #[test]
        fn cached_analysis_is_the_same(
            words in proptest::collection::vec(prop_oneof![
                Just("بوتين"), Just("لبوتين"), Just("وكالة"), Just("الأنباء"), Just("بيونغ"), Just("يانغ"),
                Just("كوريا"), Just("الشمالية"), Just("2018"), Just("١٢"), Just("«"), Just("CNN"), Just("فى"),
                Just("وبالمدينة"), Just("إن"), Just("ـــ"), Just("\u{064E}و"),
            ], 0..40),
            split in 0usize..40,
        ) {
            let m = NerModel::embedded();
            let text = words.join(" ");
            let toks: Vec<Token> = tokenize(&text).collect();
            let (a, b) = toks.split_at(split.min(toks.len()));
            let mut cache = HashMap::default();
            for part in [a, b, &toks[..]] {
                let (mut fresh, mut cached) = (Vec::new(), Vec::new());
                crate::features::analyse_tokens(&text, part, &m.gaz, &m.trig, &m.lex, &mut fresh);
                analyse_tokens_with(&text, part, &m.gaz, &m.trig, &m.lex, Some(&mut cache), &mut cached);
                prop_assert_eq!(format!("{fresh:?}"), format!("{cached:?}"));
            }
        }
    }
}
