//! Arabic morphological analysis for khabar: split surface tokens into UD Arabic-PADT syntactic
//! words (clitic segmentation with PADT form restoration), tag them with UD UPOS and lemmatise them.
//!
//! Everything is pure Rust: averaged perceptrons over hashed features, trained by [`train`], stored in
//! a compact deflate-compressed binary ([`MorphModel::to_bytes`]). A model trained on UD Arabic-PADT is
//! embedded ([`MorphModel::embedded`]); note its data licence (CC BY-NC-SA 3.0) in `models/MODELS.md`.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod clusters;
pub mod conllu;
pub mod eval;
pub mod lemma;
pub mod norm;
mod pos;
mod seg;
mod util;

pub use clusters::{spherical_kmeans, unit_sqrt_vector};
pub use conllu::{parse_conllu, read_conllu, GoldToken, GoldWord, Sentence};
pub use eval::{evaluate, Scores};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("i/o error on {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{file}:{line}: {msg}")]
    Parse { file: String, line: usize, msg: String },
    #[error("invalid model: {0}")]
    Model(String),
    #[error("no training data: {0}")]
    NoData(String),
}

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Universal POS tags (UD v2).
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Upos {
    ADJ,
    ADP,
    ADV,
    AUX,
    CCONJ,
    DET,
    INTJ,
    NOUN,
    NUM,
    PART,
    PRON,
    PROPN,
    PUNCT,
    SCONJ,
    SYM,
    VERB,
    X,
}

impl Upos {
    /// All tags, in index order.
    pub const ALL: [Upos; 17] = [
        Upos::ADJ,
        Upos::ADP,
        Upos::ADV,
        Upos::AUX,
        Upos::CCONJ,
        Upos::DET,
        Upos::INTJ,
        Upos::NOUN,
        Upos::NUM,
        Upos::PART,
        Upos::PRON,
        Upos::PROPN,
        Upos::PUNCT,
        Upos::SCONJ,
        Upos::SYM,
        Upos::VERB,
        Upos::X,
    ];
    /// The tag name as written in CoNLL-U.
    pub fn as_str(self) -> &'static str {
        match self {
            Upos::ADJ => "ADJ",
            Upos::ADP => "ADP",
            Upos::ADV => "ADV",
            Upos::AUX => "AUX",
            Upos::CCONJ => "CCONJ",
            Upos::DET => "DET",
            Upos::INTJ => "INTJ",
            Upos::NOUN => "NOUN",
            Upos::NUM => "NUM",
            Upos::PART => "PART",
            Upos::PRON => "PRON",
            Upos::PROPN => "PROPN",
            Upos::PUNCT => "PUNCT",
            Upos::SCONJ => "SCONJ",
            Upos::SYM => "SYM",
            Upos::VERB => "VERB",
            Upos::X => "X",
        }
    }
    /// Parse a tag; unknown strings (and UD v1 `CONJ`) are mapped sensibly, anything else to `X`.
    pub fn parse(s: &str) -> Upos {
        match s {
            "CONJ" => Upos::CCONJ,
            _ => Upos::ALL.iter().copied().find(|u| u.as_str() == s).unwrap_or(Upos::X),
        }
    }
    /// Index in [`Upos::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Upos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One syntactic word of the analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// FORM, written as UD Arabic-PADT writes it (the surface token itself for single-word tokens).
    pub form: String,
    pub upos: Upos,
    /// Lemma without diacritics.
    pub lemma: String,
}

/// Segmenter + tagger + lemmatiser.
pub struct MorphModel {
    seg: seg::Seg,
    tagger: pos::Tagger,
    lem: lemma::Lemmatizer,
}

const MAGIC: &[u8; 8] = b"KHMORPH1";

static EMBEDDED_BYTES: &[u8] = include_bytes!(env!("KHABAR_MORPH_MODEL"));

static EMBEDDED: LazyLock<MorphModel> = LazyLock::new(|| MorphModel::from_bytes(EMBEDDED_BYTES).unwrap_or_else(|_| MorphModel::empty()));

impl MorphModel {
    /// The model shipped in `models/khabar-morph.bin` (decoded once). If it cannot be decoded, an empty
    /// model (no splitting, every word `X`) is returned instead of panicking.
    pub fn embedded() -> &'static MorphModel {
        &EMBEDDED
    }

    /// A model that does nothing useful: one word per token, tag `X`, lemma = form.
    pub fn empty() -> MorphModel {
        MorphModel { seg: seg::Seg::empty(), tagger: pos::Tagger::empty(), lem: lemma::Lemmatizer::default() }
    }

    /// Decode a model written by [`MorphModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<MorphModel> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(Error::Model("missing KHMORPH1 header".into()));
        }
        let mut raw = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[8..])
            .read_to_end(&mut raw)
            .map_err(|e| Error::Model(format!("decompression failed: {e}")))?;
        let mut r = util::R::new(&raw);
        let seg = seg::Seg::read(&mut r)?;
        let tagger = pos::Tagger::read(&mut r)?;
        let lem = lemma::Lemmatizer::read(&mut r)?;
        Ok(MorphModel { seg, tagger, lem })
    }

    /// Encode the model (deflate-compressed, weights quantised to i16).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = util::W::default();
        self.seg.write(&mut w);
        self.tagger.write(&mut w);
        self.lem.write(&mut w);
        let mut out = MAGIC.to_vec();
        let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::best());
        // writing into a Vec cannot fail
        let _ = enc.write_all(&w.0);
        let _ = enc.finish();
        out
    }

    fn segment(&self, tokens: &[&str]) -> (Vec<String>, Vec<(Vec<String>, usize)>) {
        let clean: Vec<String> = tokens.iter().map(|t| norm::strip_marks(t)).collect();
        let mut seg = Vec::with_capacity(tokens.len());
        for i in 0..clean.len() {
            let prev = if i > 0 { clean[i - 1].as_str() } else { "<s>" };
            let next = clean.get(i + 1).map_or("</s>", String::as_str);
            match self.seg.segment(&clean[i], prev, next) {
                Some(x) => seg.push(x),
                None => seg.push((vec![tokens[i].to_string()], 0)),
            }
        }
        (clean, seg)
    }

    /// Analyse one sentence given its surface tokens. Returns, for each input token, its words in
    /// order (one word for tokens without clitics). Never panics.
    ///
    /// A sentence that does not end in punctuation (a headline, a search query, a lone word) is
    /// analysed as if a full stop followed it: the models learned from treebank sentences, which
    /// nearly all end in one, and without it they read the last word as an oddity (a lone
    /// `وإسرائيل` came out unsplit and tagged X; with the virtual stop it is و + إسرائيل NOUN).
    pub fn analyze_sentence(&self, tokens: &[&str]) -> Vec<Vec<Word>> {
        let open_end = tokens.last().is_some_and(|t| !t.chars().all(|c| c.is_ascii_punctuation() || is_arabic_punct(c)));
        if open_end {
            let mut padded = Vec::with_capacity(tokens.len() + 1);
            padded.extend_from_slice(tokens);
            padded.push(".");
            let mut out = self.analyze_tokens(&padded);
            out.truncate(tokens.len());
            return out;
        }
        self.analyze_tokens(tokens)
    }

    fn analyze_tokens(&self, tokens: &[&str]) -> Vec<Vec<Word>> {
        let (clean, seg) = self.segment(tokens);
        let ctx = pos::contexts(&seg);
        let tags = self.tagger.tag(&ctx, &clean, &self.seg.lex);
        let mut out = Vec::with_capacity(seg.len());
        let mut k = 0;
        for (ws, _) in seg {
            let mut v = Vec::with_capacity(ws.len());
            for form in ws {
                let upos = tags.get(k).copied().unwrap_or(Upos::X);
                k += 1;
                let lemma = self.lem.lemma(&form, upos);
                v.push(Word { form, upos, lemma });
            }
            out.push(v);
        }
        out
    }

    /// Tag gold syntactic words (gold tokenisation); returns one tag per word.
    pub fn tag_gold(&self, s: &Sentence) -> Vec<Upos> {
        let (ctx, _, toks) = pos::gold_contexts(s);
        self.tagger.tag(&ctx, &toks, &self.seg.lex)
    }

    /// Lemma of a word with a known UPOS.
    pub fn lemma(&self, form: &str, upos: Upos) -> String {
        self.lem.lemma(form, upos)
    }
}

/// Training options.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Perceptron epochs of the segmenter.
    pub seg_epochs: usize,
    /// Perceptron epochs of the tagger.
    pub pos_epochs: usize,
    /// Optional hunspell `.dic` word list (one word per line, `/flags` allowed): lexicon features and
    /// hamza restoration of unseen stems.
    pub lexicon: Option<PathBuf>,
    /// Optional unlabeled Arabic text (plain text or JSON lines with a `body`/`content`/`text`
    /// field, optionally `.gz`) for distributional word classes used by the tagger.
    pub unlabeled: Option<PathBuf>,
    /// Train a second tagger pass that sees the first pass's tags of the following words.
    pub two_pass: bool,
    /// Print progress to stderr.
    pub verbose: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { seg_epochs: 6, pos_epochs: 8, lexicon: None, unlabeled: None, two_pass: false, verbose: true }
    }
}

/// A whole file as UTF-8: an [`Error::Parse`] at the line of the first invalid byte (with its
/// byte offset) when it is not.
pub(crate) fn read_to_string(p: &Path) -> Result<String> {
    let bytes = std::fs::read(p).map_err(|e| Error::Io { path: p.display().to_string(), source: e })?;
    String::from_utf8(bytes).map_err(|e| {
        let problem = khabar_text::Utf8Problem::of(&e);
        Error::Parse { file: p.display().to_string(), line: problem.line, msg: problem.to_string() }
    })
}

/// Read a word list (hunspell `.dic`: first line may be a count; `word/FLAGS`).
pub fn read_word_list(p: &Path) -> Result<Vec<String>> {
    let s = read_to_string(p)?;
    Ok(s.lines()
        .filter_map(|l| {
            let w = l.split(['/', '\t', ' ']).next()?.trim();
            if w.is_empty() || w.chars().all(|c| c.is_ascii_digit()) || !w.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)) {
                None
            } else {
                Some(norm::strip_marks(w))
            }
        })
        .collect())
}

/// Lemma data: sentences of (form, UPOS, lemma) pairs, and extra (verb form, lemma) pairs.
pub type LemmaData = (Vec<Vec<lemma::LemmaPair>>, Vec<(String, String)>);

/// Read lemma data: CoNLL-U files with a LEMMA column, or UniMorph-style TSV/CSV (`word<TAB>lemma...`,
/// verbs). Returns (sentences of pairs from CoNLL-U, verb pairs).
pub fn read_lemma_data(files: &[PathBuf]) -> Result<LemmaData> {
    let mut sents = Vec::new();
    let mut verbs = Vec::new();
    for f in files {
        let name = f.to_string_lossy();
        if name.ends_with(".conllu") {
            for s in read_conllu(f)? {
                sents.push(
                    s.tokens
                        .iter()
                        .flat_map(|t| t.words.iter())
                        .map(|w| lemma::LemmaPair { form: w.form.clone(), upos: w.upos, lemma: w.lemma.clone() })
                        .collect(),
                );
            }
        } else {
            for l in read_to_string(f)?.lines().skip(1) {
                let mut it = l.split('\t');
                if let (Some(w), Some(lm)) = (it.next(), it.next()) {
                    verbs.push((w.to_string(), lm.to_string()));
                }
            }
        }
    }
    Ok((sents, verbs))
}

/// Train a model on a UD Arabic-PADT style CoNLL-U file (multi-word token ranges + UPOS).
/// `lemma_data`: CoNLL-U files with lemmas (e.g. UD 1.3 PADT dev) and/or UniMorph verb TSV files.
/// If `dev` is given, dev scores are printed to stderr at the end.
pub fn train(train: &Path, dev: Option<&Path>, lemma_data: &[PathBuf], opts: &TrainOptions) -> Result<MorphModel> {
    let verbose = opts.verbose;
    let t0 = std::time::Instant::now();
    let log = |m: &str| {
        if verbose {
            eprintln!("[{:7.1}s] {m}", t0.elapsed().as_secs_f64());
        }
    };
    let sents = read_conllu(train)?;
    if sents.is_empty() {
        return Err(Error::NoData(train.display().to_string()));
    }
    log(&format!("read {} training sentences", sents.len()));
    let (lex, lex_words) = match &opts.lexicon {
        Some(p) => {
            let words = read_word_list(p)?;
            let mut b = util::Bloom::new();
            for w in &words {
                b.insert(&norm::key(w));
            }
            log(&format!("lexicon: {} words", words.len()));
            (b, words)
        }
        None => (util::Bloom { bits: Vec::new() }, Vec::new()),
    };
    let seg = seg::train_seg(&sents, lex.clone(), &lex_words, opts.seg_epochs, &log);
    let cl = match &opts.unlabeled {
        Some(p) => clusters::build(p, Some(&seg), (64, 512), &log)?,
        None => Default::default(),
    };
    let tagger = pos::train_pos(&sents, &lex, cl, opts.pos_epochs, opts.two_pass, &log);
    let (lsents, verbs) = read_lemma_data(lemma_data)?;
    let pairs: Vec<lemma::LemmaPair> = lsents.into_iter().flatten().collect();
    log(&format!("lemmatiser: {} lemma pairs, {} extra verb pairs", pairs.len(), verbs.len()));
    let lem = lemma::Lemmatizer::build(&pairs, &verbs);
    let model = MorphModel { seg, tagger, lem };
    if let Some(d) = dev {
        let dsents = read_conllu(d)?;
        let sc = evaluate(&model, &dsents);
        log(&format!("dev: {sc}"));
    }
    log("training done");
    Ok(model)
}

/// Arabic punctuation marks (comma, semicolon, question mark, full stop, ellipsis and quotes).
fn is_arabic_punct(c: char) -> bool {
    matches!(c, '،' | '؛' | '؟' | '۔' | '…' | '«' | '»' | '“' | '”' | '!')
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unpunctuated_lone_word_is_read_as_a_sentence() {
        let m = MorphModel::embedded();
        let words = m.analyze_sentence(&["وإسرائيل"]);
        let forms: Vec<&str> = words[0].iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["و", "إسرائيل"]);
        assert_eq!(words[0][1].upos, Upos::NOUN);
        // The same as with the full stop written out.
        let stopped = m.analyze_sentence(&["وإسرائيل", "."]);
        assert_eq!(stopped[0], words[0]);
    }

    use super::*;

    const FIX: &str = "# text = في عددها للاسلحة\n1\tفي\t_\tADP\t_\t_\t_\t_\t_\t_\n2-3\tعددها\t_\t_\t_\t_\t_\t_\t_\t_\n2\tعدد\t_\tNOUN\t_\t_\t_\t_\t_\t_\n3\tها\t_\tPRON\t_\t_\t_\t_\t_\t_\n4-5\tللاسلحة\t_\t_\t_\t_\t_\t_\t_\t_\n4\tل\t_\tADP\t_\t_\t_\t_\t_\t_\n5\tالأسلحة\t_\tNOUN\t_\t_\t_\t_\t_\t_\n\n\
# text = وبالمفاوضات لتصنيع عددها\n1-3\tوبالمفاوضات\t_\t_\t_\t_\t_\t_\t_\t_\n1\tو\t_\tCCONJ\t_\t_\t_\t_\t_\t_\n2\tب\t_\tADP\t_\t_\t_\t_\t_\t_\n3\tالمفاوضات\t_\tNOUN\t_\t_\t_\t_\t_\t_\n4-5\tلتصنيع\t_\t_\t_\t_\t_\t_\t_\t_\n4\tل\t_\tADP\t_\t_\t_\t_\t_\t_\n5\tتصنيع\t_\tNOUN\t_\t_\t_\t_\t_\t_\n6-7\tعددها\t_\t_\t_\t_\t_\t_\t_\t_\n6\tعدد\t_\tNOUN\t_\t_\t_\t_\t_\t_\n7\tها\t_\tPRON\t_\t_\t_\t_\t_\t_\n\n";

    static FIXTURE: LazyLock<MorphModel> = LazyLock::new(train_fixture);

    fn fixture_model() -> &'static MorphModel {
        &FIXTURE
    }

    fn train_fixture() -> MorphModel {
        let dir = std::env::temp_dir().join(format!("khabar-morph-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("fix.conllu");
        // repeat so that tokens are frequent enough to be memorised
        std::fs::write(&p, FIX.repeat(4)).unwrap();
        let opts = TrainOptions { seg_epochs: 3, pos_epochs: 3, lexicon: None, unlabeled: None, two_pass: true, verbose: false };
        let m = train(&p, None, &[], &opts).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        m
    }

    #[test]
    fn train_roundtrip_analyze() {
        let m = fixture_model();
        let bytes = m.to_bytes();
        let m2 = MorphModel::from_bytes(&bytes).unwrap();
        let out = m2.analyze_sentence(&["في", "عددها", "للاسلحة"]);
        assert_eq!(out.len(), 3);
        let forms: Vec<Vec<&str>> = out.iter().map(|ws| ws.iter().map(|w| w.form.as_str()).collect()).collect();
        assert_eq!(forms, vec![vec!["في"], vec!["عدد", "ها"], vec!["ل", "الأسلحة"]]);
        assert_eq!(out[1][1].upos, Upos::PRON);
        assert_eq!(out[0][0].upos, Upos::ADP);
    }

    #[test]
    fn never_panics() {
        let m = fixture_model();
        let weird = ["", " ", "ـــ", "َ", "abc", "123", "ل", "لل", "؟!", "\u{0}", "وبالمفاوضاتها", "ﻻ"];
        let out = m.analyze_sentence(&weird);
        assert_eq!(out.len(), weird.len());
        assert!(out.iter().all(|w| !w.is_empty()));
        assert!(m.analyze_sentence(&[]).is_empty());
        let e = MorphModel::empty();
        assert_eq!(e.analyze_sentence(&["كتاب"])[0][0].form, "كتاب");
        // diacritics/tatweel on input: single-word forms keep the surface
        let out = m.analyze_sentence(&["فِي", "عـددها"]);
        assert_eq!(out[0][0].form, "فِي");
        assert_eq!(out[1].len(), 2);
    }

    #[test]
    fn bad_bytes_are_errors() {
        assert!(MorphModel::from_bytes(b"").is_err());
        assert!(MorphModel::from_bytes(b"KHMORPH1garbage").is_err());
        let m = fixture_model();
        let b = m.to_bytes();
        assert!(MorphModel::from_bytes(&b[..b.len() / 2]).is_err());
    }

    #[test]
    fn embedded_model_round_trips_byte_for_byte() {
        // the tagger keeps its tables packed (zero rows dropped) and unpacks them to write
        let m = MorphModel::from_bytes(EMBEDDED_BYTES).unwrap();
        assert!(m.to_bytes() == EMBEDDED_BYTES, "decode + encode changed models/khabar-morph.bin");
    }

    #[test]
    fn embedded_loads() {
        // the committed model must decode (embedded() silently falls back to an empty model)
        assert!(MorphModel::from_bytes(EMBEDDED_BYTES).is_ok(), "models/khabar-morph.bin does not decode");
        let m = MorphModel::embedded();
        let out = m.analyze_sentence(&["برلين", "ترفض"]);
        assert_eq!(out.len(), 2);
    }
}
