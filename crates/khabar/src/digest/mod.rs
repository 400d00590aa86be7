//! Keyphrases and an extractive summary of one article, computed from its
//! [`Analysis`] (tokens with parts of speech and lemmas, sentences, entities).
//! The method is described in `docs/digest.md`.
//!
//! **Keyphrases.** Candidates are runs of NOUN, PROPN and ADJ words inside a
//! sentence (so idafa chains such as وكالة الأنباء المركزية are one phrase),
//! cut at entity boundaries so that every named entity is a candidate of its
//! own; leading adjectives and function words at either edge are dropped, as
//! are trailing adjectives too common to say anything (idf below
//! [`DigestOptions::generic_adj_idf`]); an adjective that agrees with no noun of
//! the run ends it, and dates and unknown words shaped like verbs are dropped. Mentions are grouped by the lemmas of
//! their words (entities by their canonical name), shown in their most common
//! surface form and scored
//!
//! ```text
//! score = mentions^T × (Σ idf(word) / words^L) × (1 + P / (1 + first sentence)) × (1 + E if an entity named twice or more)
//! ```
//!
//! (the hand formula; by default a learned log-linear model over [`KP_FEATURES`] scores
//! them instead, [`KP_WEIGHTS`], of which the hand formula is one weight vector, [`KP_HAND`]).
//! Mentions inside a source credit or dateline opener (`(CNN)--`, `سبق- الرياض:`)
//! are not candidates. Optionally (off by default) a multi-word phrase that is a
//! whole short quotation counts as first seen in the first sentence. The list is
//! built greedily by score × (share of the phrase's words not in a phrase already
//! chosen)^R, words compared by stem (كوريا الشمالية covers الكوري الشمالي; a name
//! only by chosen names or the same lemma); a phrase whose words are all in chosen
//! phrases is skipped.
//!
//! **Summary.** Each sentence gets a tf-idf vector of its content-word lemmas
//! and the score
//!
//! ```text
//! wc·cos(sentence, article) + wp/√(1 + index) + we·entity coverage + wk·keyphrase coverage
//! ```
//!
//! times a length factor (fragments of fewer than four content words count a
//! tenth; long sentences are discounted). The summary opens with the lede, the
//! sentence a linear model ([`LEDE_WEIGHTS`] over [`LEDE_FEATURES`], fitted on
//! articles outside the eval set) rates most headline-like; the others are
//! picked after it by maximal marginal relevance (λ·score − (1 − λ)·max cosine
//! to those already picked) and all are returned in article order. Link lines
//! are never picked; dateline openers and appended clauses (`، حيث …`,
//! `، وذلك …`) are trimmed off, so each summary sentence is its main clause.

mod idf;
mod prior;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

pub use self::idf::{is_function_key, word_key, Idf, IdfBuilder};
pub use self::prior::{Excluded, HeadRate, HeadRateBuilder};
use crate::analysis::{Analysis, TokenRecord};
use khabar_text::TokenKind;

/// One keyphrase of an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyphraseRecord {
    /// Its most common surface form in the article (original bytes of one mention).
    pub text: String,
    /// The lemmas of its words joined by spaces (for an entity, its canonical name): what mentions are grouped by.
    pub lemma: String,
    /// Its score (higher is more important; comparable within one article).
    pub score: f32,
    /// Every mention, in text order.
    pub spans: Vec<SpanRecord>,
}

/// A byte range into the analysed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRecord {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

/// One sentence of the extractive summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The original bytes of the sentence.
    pub text: String,
    /// Byte offset of its start.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
    /// Its score before redundancy removal (higher is more central).
    pub score: f32,
}

/// How many keyphrases and summary sentences to give, and the weights of the
/// scores (defaults tuned on the dev part of `khabar eval digest`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DigestOptions {
    /// Number of keyphrases (0 turns them off).
    pub keyphrases: usize,
    /// Number of summary sentences (0 turns the summary off).
    pub summary_sentences: usize,
    /// Keyphrase frequency exponent: score ∝ mentions^tf_power.
    pub tf_power: f32,
    /// Keyphrase length exponent: specificity = Σ idf / words^length_power.
    pub length_power: f32,
    /// Longest keyphrase outside names, in words (longer runs are cut into pieces).
    pub max_words: usize,
    /// Keyphrase position boost P.
    pub position_boost: f32,
    /// Keyphrase entity boost E.
    pub entity_boost: f32,
    /// Keyphrase boost Q for phrases inside a short quotation ("…", «…» of at most eight tokens).
    pub quote_boost: f32,
    /// Trailing adjectives with an idf below this are dropped from phrases.
    pub generic_adj_idf: f32,
    /// Keyphrase diversity R: while the list is built, a phrase's score is multiplied by
    /// `(share of its words not in a phrase already chosen)^R` (0: no discount).
    pub redundancy: f32,
    /// Keyphrase boost for a phrase that is a whole short quotation (a term the text marks,
    /// `"شراكة استراتيجية جديدة"`), on top of `quote_boost`.
    pub term_boost: f32,
    /// Whether the diversity discount compares words by their stems ([`cover_key`]: light10
    /// stem, and a country name folded with its adjective, كوريا / الكوري) rather than by lemmas
    /// (0: lemmas; 1: stems; 2: stems, but a name is only covered by chosen names and by the
    /// same lemmas, so روسيا is not covered by the adjective of صناعة روسية).
    pub stem_redundancy: f32,
    /// After the greedy choice, a keyphrase among the first [`COVER_WINDOW`] shown (not a name)
    /// whose words are all in the other phrases of that window — chosen after it — is dropped and
    /// the next one moves up (0: off). The window does not depend on `keyphrases`, so a longer
    /// list extends a shorter one.
    pub cover_later: f32,
    /// Whether an adjective outside a name joins a phrase only when it agrees with one of the
    /// phrase's nouns in gender and definiteness ([`agrees`]; from the word forms: ال, the
    /// teh marbuta ending); else the phrase ends before it (0: off).
    pub agreement: f32,
    /// Whether a one-word candidate outside names that the tagger marks X (not known) and that
    /// has the shape of a derived imperfect verb ([`verb_shaped`]: ي، ت، ن + ت، ن or ست, five
    /// letters or more: يستدير) is dropped (0: off).
    pub drop_verb_shape: f32,
    /// Whether a candidate outside names made only of calendar words ([`CALENDAR_NAMES`], with
    /// [`CALENDAR_COMPANIONS`]: الخميس، يوم الأربعاء الماضي، كانون الثاني) is dropped (0: off).
    pub drop_calendar: f32,
    /// Whether a phrase's text and spans start after ل + an elided article (للدولة → دولة), as
    /// entity spans do, instead of keeping لل (0, the default: off; with the three rules above it
    /// lowered dev recall@10 beyond noise, docs/digest.md, session 14).
    pub trim_elided_article: f32,
    /// Keyphrases from a source credit or dateline opener (`(CNN)--`, `أحمد علي- سبق- القاهرة:`):
    /// 0 keeps them, 1 drops every mention inside the opener, 2 keeps the place after its last dash.
    pub skip_credits: f32,
    /// Frequency exponent of entity keyphrases (PER, LOC, ORG, MISC): score ∝
    /// mentions^entity_tf_power (negative: the same as `tf_power`).
    pub entity_tf_power: f32,
    /// Entities named fewer times than this get no entity boost (1: every entity gets it).
    pub entity_min_mentions: usize,
    /// Phrases outside names longer than this are cut to their first `head_words` words, their
    /// head noun phrase (0: runs longer than `max_words` are cut into pieces of `max_words`).
    pub head_words: usize,
    /// Whether a phrase of two or more words that is a whole short quotation gets the
    /// position boost of the first sentence wherever it is (off: it lowered dev recall@10,
    /// docs/digest.md).
    pub term_as_lede: bool,
    /// Whether keyphrases are scored by the learned model (the default), `exp(Σ kp[i] × feature i)`
    /// over [`KP_FEATURES`], instead of the hand-tuned formula (off: `tf_power`, `position_boost`,
    /// `entity_boost`, … apply; the diversity discount is the same either way).
    pub kp_model: bool,
    /// Weights of the learned keyphrase model, one per [`KP_FEATURES`] name.
    pub kp: [f32; KP_FEATURES.len()],
    /// Summary weight of centrality.
    pub w_centrality: f32,
    /// Summary weight of position.
    pub w_position: f32,
    /// Summary weight of entity coverage.
    pub w_entities: f32,
    /// Summary weight of keyphrase coverage.
    pub w_keyphrases: f32,
    /// Sentences with more content words than this are discounted by `(this / words)^long_penalty`.
    pub long_words: usize,
    /// Exponent of the long-sentence discount.
    pub long_penalty: f32,
    /// MMR trade-off λ between score and novelty.
    pub mmr_lambda: f32,
    /// Weights of the lede model, one per [`LEDE_FEATURES`] name: the summary opens
    /// with the sentence of the highest `Σ weight × feature` (all zero: no lede model,
    /// the summary is the MMR pick alone).
    pub lede: [f32; LEDE_FEATURES.len()],
    /// Whether the summary's other sentences follow the lede (earlier ones only when too few follow).
    pub lede_first: bool,
    /// Whether the lede is chosen among the sentences followed by at least `summary_sentences − 1`
    /// others (so that the summary, in article order, opens with it).
    pub lede_room: bool,
    /// Whether a dateline opener (`سبق- الرياض:`, `أ ف ب- أبو ظبي:`) is trimmed off a summary sentence.
    pub trim_datelines: bool,
    /// Whether a summary sentence ends before an appended clause (`، حيث …`, `، وذلك …`,
    /// `، مشيرا إلى …`; see [`clause_end`]): the sentence's main clause is shown.
    pub trim_clauses: bool,
}

/// The lede model's weights (order of [`LEDE_FEATURES`]): fitted with
/// `scripts/digest_lede.py` on 15,000 SaudiNewsNet articles outside the eval set,
/// target the ROUGE-1 of the sentence as the summary shows it (see docs/digest.md).
pub const LEDE_WEIGHTS: [f32; LEDE_FEATURES.len()] = [
    0.3587, 0.4842, 0.5223, 0.1132, -0.1410, 0.0071, -0.0735, -0.6258, -0.1059, -0.2519, 0.0648, 0.3792, 0.0149, -0.0613, 0.0108, 0.3485,
    0.4783, -0.1228, -0.1494, 0.1971, 0.2143, 0.0822, 0.0191, -0.1613, 0.1194, 0.0076,
];

/// The features of the lede model, per sentence (see docs/digest.md).
pub const LEDE_FEATURES: [&str; 26] = [
    "bias",
    "centrality",
    "position",
    "first",
    "entities",
    "keyphrases",
    "log_words",
    "short",
    "mean_idf",
    "opens_conj",
    "opens_verb",
    "dateline",
    "quote",
    "say",
    "names",
    "relpos",
    "heuristic",
    "colon",
    "first_full",
    "ends_colon",
    "kp_density",
    "cos_lead",
    "long",
    "kept_log_words",
    "kept_share",
    "clause_cut",
];

/// The features of a keyphrase candidate (a group of mentions), for the learned keyphrase
/// scorer (see docs/digest.md). `position` is `ln(1 + 8 / (1 + first sentence))`, the hand
/// formula's position boost; with `log_tf`, `log_spec` and `entity2` the hand formula is one
/// weight vector of this model (0.7, 1, 1, …, ln 1.5).
pub const KP_FEATURES: [&str; 33] = [
    "log_tf",
    "log_spec",
    "position",
    "inv_first",
    "relpos",
    "spread",
    "entity",
    "entity2",
    "per",
    "loc",
    "org",
    "misc",
    "log_words",
    "one_word",
    "mean_idf",
    "min_idf",
    "quoted",
    "term",
    "propn_share",
    "ends_adj",
    "early",
    "latin",
    "lede_only",
    "announced",
    "announced_obj",
    "announce_head",
    "masdar",
    "actors",
    "graph",
    "ent_cooc",
    "head_max",
    "head_mean",
    "head_sum",
];

/// The learned keyphrase model's weights (order of [`KP_FEATURES`]): coordinate ascent on the
/// recall@10 of khabar's own greedy list (diversity included) over 3,000 SaudiNewsNet articles
/// outside the eval set, from the hand formula, one pass (`scripts/digest_keyphrases.py`; the
/// number of passes chosen on dev; see docs/digest.md), plus `head_max` 0.4 (session 10: the
/// headline rates of the words, chosen by the same ascent on dev, confirmed on unseen training
/// articles).
pub const KP_WEIGHTS: [f32; KP_FEATURES.len()] = [
    0.7, 0.7, 1.7, -0.2, 0.0, -0.2, 0.0, 0.4055, -0.5, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.4, 0.0, 0.0,
];

/// The hand formula as [`KP_FEATURES`] weights (T = 0.7, Σ idf, P = 8, E = 0.5 for names seen
/// twice): the learned model's starting point.
pub const KP_HAND: [f32; KP_FEATURES.len()] = [
    0.7, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.405_465, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
];

impl DigestOptions {
    /// Set one weight by its field name (`lede.<feature>` for the lede model's weights; a
    /// flag is on for any value but 0), for tuning without rebuilding.
    pub fn set_weight(&mut self, name: &str, v: f32) -> std::result::Result<(), String> {
        match name {
            "tf_power" => self.tf_power = v,
            "max_words" => self.max_words = v as usize,
            "length_power" => self.length_power = v,
            "position_boost" => self.position_boost = v,
            "entity_boost" => self.entity_boost = v,
            "quote_boost" => self.quote_boost = v,
            "generic_adj_idf" => self.generic_adj_idf = v,
            "redundancy" => self.redundancy = v,
            "term_boost" => self.term_boost = v,
            "term_as_lede" => self.term_as_lede = v != 0.0,
            "kp_model" => self.kp_model = v != 0.0,
            "stem_redundancy" => self.stem_redundancy = v,
            "cover_later" => self.cover_later = v,
            "agreement" => self.agreement = v,
            "drop_verb_shape" => self.drop_verb_shape = v,
            "drop_calendar" => self.drop_calendar = v,
            "trim_elided_article" => self.trim_elided_article = v,
            "skip_credits" => self.skip_credits = v,
            "entity_tf_power" => self.entity_tf_power = v,
            "entity_min_mentions" => self.entity_min_mentions = v as usize,
            "head_words" => self.head_words = v as usize,
            "w_centrality" => self.w_centrality = v,
            "w_position" => self.w_position = v,
            "w_entities" => self.w_entities = v,
            "w_keyphrases" => self.w_keyphrases = v,
            "long_words" => self.long_words = v as usize,
            "long_penalty" => self.long_penalty = v,
            "mmr_lambda" => self.mmr_lambda = v,
            "lede_first" => self.lede_first = v != 0.0,
            "lede_room" => self.lede_room = v != 0.0,
            "trim_datelines" => self.trim_datelines = v != 0.0,
            "trim_clauses" => self.trim_clauses = v != 0.0,
            _ => {
                if let Some(i) = name.strip_prefix("lede.").and_then(|f| LEDE_FEATURES.iter().position(|x| *x == f)) {
                    self.lede[i] = v;
                } else if let Some(i) = name.strip_prefix("kp.").and_then(|f| KP_FEATURES.iter().position(|x| *x == f)) {
                    self.kp[i] = v;
                } else {
                    return Err(format!("unknown weight {name:?}"));
                }
            }
        }
        Ok(())
    }

    /// Set weights from `name=value,name=value` (see [`DigestOptions::set_weight`]).
    pub fn set_weights(&mut self, spec: &str) -> std::result::Result<(), String> {
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').ok_or_else(|| format!("{kv:?} is not name=value"))?;
            let v = v.trim().parse().map_err(|_| format!("{v:?} is not a number"))?;
            self.set_weight(k.trim(), v)?;
        }
        Ok(())
    }
}

impl Default for DigestOptions {
    fn default() -> Self {
        DigestOptions {
            keyphrases: 10,
            summary_sentences: 3,
            tf_power: 0.7,
            length_power: 0.0,
            max_words: 5,
            position_boost: 8.0,
            entity_boost: 0.5,
            quote_boost: 0.0,
            generic_adj_idf: 0.0,
            redundancy: 0.5,
            term_boost: 0.0,
            term_as_lede: false,
            kp_model: true,
            kp: KP_WEIGHTS,
            stem_redundancy: 2.0,
            cover_later: 1.0,
            agreement: 1.0,
            drop_verb_shape: 1.0,
            drop_calendar: 1.0,
            trim_elided_article: 0.0,
            skip_credits: 1.0,
            entity_tf_power: -1.0,
            entity_min_mentions: 2,
            head_words: 0,
            w_centrality: 1.0,
            w_position: 0.3,
            w_entities: 0.5,
            w_keyphrases: 0.5,
            long_words: 25,
            long_penalty: 0.5,
            mmr_lambda: 0.7,
            lede: LEDE_WEIGHTS,
            lede_first: true,
            lede_room: true,
            trim_datelines: true,
            trim_clauses: true,
        }
    }
}

/// The keyphrases and summary of one analysed text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Digest {
    /// Keyphrases, best first.
    pub keyphrases: Vec<KeyphraseRecord>,
    /// Summary sentences in article order.
    pub summary: Vec<SummarySentence>,
}

/// One content word of the text.
#[derive(Clone, Debug)]
struct Word {
    token: usize,
    /// Position among the token's words.
    index: usize,
    upos: Upos,
    key: String,
    /// Gender and definiteness as far as the form shows them.
    agr: Agr,
}

/// What a word's form shows of its gender and definiteness (None: unknown). Only what agreement
/// needs: `fem` is `Some` only for a singular form (a plural or dual agrees with either).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Agr {
    fem: Option<bool>,
    def: Option<bool>,
}

/// Common feminine nouns without a feminine ending (word keys): a feminine adjective agrees with them.
const FEMININE_NOUNS: [&str; 24] = [
    "حرب", "ارض", "شمس", "نار", "دار", "سوق", "نفس", "عين", "يد", "رجل", "بئر", "ريح", "روح", "حال", "كاس", "طريق", "قدم", "اذن", "سن",
    "ساق", "كتف", "ذراع", "فاس", "سكين",
];

static FEMININE_NOUN_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&FEMININE_NOUNS));

/// The gender and definiteness a word's form shows (`key`: its lemma's [`word_key`]). Definite:
/// it starts with ال. Feminine: a singular with teh marbuta (its form without ال is its lemma,
/// or, for an adjective, any form in ة). Masculine: a singular without it (the form is the
/// lemma) that is not one of [`FEMININE_NOUNS`] nor an elative (أفعل: الدولة الأكبر). Plural and
/// dual endings, alef maqsura and hamza endings, and proper nouns: unknown.
fn agreement_of(form: &str, key: &str, upos: Upos) -> Agr {
    if !matches!(upos, Upos::Noun | Upos::Adj) {
        return Agr::default();
    }
    let bare: String = form.chars().filter(|c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')).collect();
    let def = bare.starts_with("ال") && bare.chars().count() > 3;
    let body = if def { &bare["ال".len()..] } else { bare.as_str() };
    let norm = khabar_text::normalize(body, khabar_text::Profile::Search);
    let singular = norm == key;
    let fem = if body.ends_with('ة') {
        (singular || upos == Upos::Adj).then_some(true)
    } else if ["ى", "اء", "ات", "ون", "ين", "ان", "ه"].iter().any(|e| body.ends_with(e))
        || !singular
        || (upos == Upos::Noun && FEMININE_NOUN_KEYS.contains(key))
        || (upos == Upos::Adj && body.chars().count() == 4 && body.starts_with(['أ', 'ا']))
    {
        None
    } else {
        Some(false)
    };
    Agr { fem, def: Some(def) }
}

/// Whether an adjective (`adj`) can modify one of the nouns of `run`. Against a noun, two
/// clashes count, each only where the forms leave no doubt: an indefinite adjective after a
/// definite noun (one with ال, or whose idafa chain in the run has it: العسل الطبيعي مفيد, a
/// predicate), and a gender the noun does not have when the adjective before it in the run
/// showed the other gender (الرئيس الروسي النادرة: نادرة modifies an earlier noun). An indefinite
/// noun before a definite adjective is not a clash: the tagger marks many idafa genitives
/// ADJ (وزارة الداخلية). A run without nouns, or with a noun of unknown features, accepts it.
fn agrees(run: &[Word], adj: Agr) -> bool {
    let nouns: Vec<usize> = (0..run.len()).filter(|&i| matches!(run[i].upos, Upos::Noun | Upos::Propn)).collect();
    if nouns.is_empty() {
        return true;
    }
    let differ = |a: Option<bool>, b: Option<bool>| matches!((a, b), (Some(x), Some(y)) if x != y);
    // The gender shown by the adjective before this one (after the last noun).
    let prev_fem = run.iter().rev().take_while(|w| w.upos == Upos::Adj).find_map(|w| w.agr.fem);
    let gender_shift = differ(prev_fem, adj.fem);
    nouns.iter().enumerate().any(|(n, &i)| {
        let definite = nouns[n..].iter().any(|&j| run[j].agr.def == Some(true));
        let def_clash = definite && adj.def == Some(false);
        let gender_clash = gender_shift && differ(run[i].agr.fem, adj.fem);
        !def_clash && !gender_clash
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upos {
    Noun,
    Propn,
    Adj,
    Verb,
    Other,
}

impl Upos {
    fn parse(s: &str) -> Upos {
        match s {
            "NOUN" => Upos::Noun,
            "PROPN" => Upos::Propn,
            "ADJ" => Upos::Adj,
            // PADT tags foreign words, mostly names (بوتين, أوروس), X.
            "X" => Upos::Propn,
            "VERB" => Upos::Verb,
            _ => Upos::Other,
        }
    }
    fn nominal(self) -> bool {
        matches!(self, Upos::Noun | Upos::Propn | Upos::Adj)
    }
}

/// The words of token `ti` as (upos, key); a token without morphology is one
/// word: a noun when it is a non-stopword Arabic or Latin word, else nothing nominal.
fn token_words(t: &TokenRecord, buf: &mut String) -> Vec<(Upos, String)> {
    if !matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word | TokenKind::Hashtag) {
        return vec![(Upos::Other, String::new()); t.words.len().max(1)];
    }
    if t.words.is_empty() {
        let upos = match t.kind {
            TokenKind::Arabic | TokenKind::Latin | TokenKind::Word if !t.stopword => Upos::Noun,
            _ => Upos::Other,
        };
        let base = t.stem.as_deref().unwrap_or(&t.norm);
        word_key(base, buf);
        return vec![(upos, buf.clone())];
    }
    t.words
        .iter()
        .map(|w| {
            word_key(&w.lemma, buf);
            let mut upos = Upos::parse(&w.upos);
            if upos != Upos::Other && is_function_key(buf) {
                upos = Upos::Other;
            }
            (upos, buf.clone())
        })
        .collect()
}

/// The keys of the content words (NOUN, PROPN, ADJ, VERB) of a text, for counting document frequencies.
pub fn content_keys(a: &Analysis) -> Vec<String> {
    let mut buf = String::new();
    let mut out = Vec::new();
    for t in &a.tokens {
        for (upos, key) in token_words(t, &mut buf) {
            if upos != Upos::Other {
                out.push(key);
            }
        }
    }
    out
}

/// One mention of a candidate phrase.
struct Mention {
    key: String,
    display_lemma: String,
    words: Vec<String>,
    surface: String,
    start: usize,
    end: usize,
    sentence: usize,
    entity: bool,
    quoted: bool,
    /// The mention is a whole short quotation (`أعلنا عن "شراكة استراتيجية جديدة"`): a term the text marks.
    term: bool,
    /// Entity type: 0 none, 1 PER, 2 LOC, 3 ORG, 4 MISC or other.
    kind: u8,
    /// Words tagged PROPN (or X).
    propn: usize,
    /// The last word is an adjective.
    ends_adj: bool,
    /// After an announcement verb ([`ANNOUNCE_VERBS`]): 0 no, 1 in the first nominal stretch
    /// after it (its subject or object), 2 after its preposition or in the second stretch (its object).
    announce: u8,
}

/// Compute the keyphrases and summary of `a` (analysis of `text`) with the embedded idf table.
pub fn digest(a: &Analysis, text: &str, options: &DigestOptions) -> Digest {
    digest_with(a, text, options, Idf::embedded())
}

/// The (part of speech, key) of each word of a token.
type TokenWords = Vec<(Upos, String)>;

/// The words of every token and the entity covering each token.
fn prepare(a: &Analysis) -> (Vec<TokenWords>, Vec<Option<usize>>) {
    let mut buf = String::new();
    let words_per_token: Vec<Vec<(Upos, String)>> = a.tokens.iter().map(|t| token_words(t, &mut buf)).collect();
    // Entity index covering each token (entities are in text order and do not overlap).
    let mut entity_of = vec![None; a.tokens.len()];
    let mut ti = 0;
    for (ei, e) in a.entities.iter().enumerate() {
        while ti < a.tokens.len() && a.tokens[ti].end <= e.start {
            ti += 1;
        }
        let mut tj = ti;
        while tj < a.tokens.len() && a.tokens[tj].start < e.end {
            entity_of[tj] = Some(ei);
            tj += 1;
        }
    }
    (words_per_token, entity_of)
}

/// [`digest`] with a given idf table.
pub fn digest_with(a: &Analysis, text: &str, options: &DigestOptions, idf: &Idf) -> Digest {
    digest_full(a, text, options, idf, (None, None))
}

/// [`digest`] with given corpus tables: idf and the headline rates of `head_*` features, with
/// one article's own tokens left out of the rates (`exclude`: when the article was counted in
/// the table, as training articles are).
pub fn digest_with_prior(
    a: &Analysis,
    text: &str,
    options: &DigestOptions,
    idf: &Idf,
    prior: &HeadRate,
    exclude: Option<&Excluded>,
) -> Digest {
    digest_full(a, text, options, idf, (Some(prior), exclude))
}

/// The headline-rate table (None: the embedded one, loaded only when a `head_*` weight is
/// used) and the article's own tokens to leave out of it.
type Prior<'p> = (Option<&'p HeadRate>, Option<&'p Excluded>);

fn digest_full(a: &Analysis, text: &str, options: &DigestOptions, idf: &Idf, prior: Prior) -> Digest {
    if a.tokens.is_empty() || (options.keyphrases == 0 && options.summary_sentences == 0) || a.length != text.len() {
        return Digest::default();
    }
    let (words_per_token, entity_of) = prepare(a);
    let mentions = mentions(a, text, &words_per_token, &entity_of, idf, options, uses_announce(options));
    let keyphrases = rank_keyphrases(&mentions, idf, options, a.sentences.len(), prior);
    let summary = if options.summary_sentences == 0 {
        Vec::new()
    } else {
        let sc = sentence_scores(a, &words_per_token, &entity_of, &keyphrases, idf, options);
        summarise(a, text, &sc, options)
    };
    let mut keyphrases = keyphrases;
    keyphrases.truncate(options.keyphrases);
    Digest { keyphrases, summary }
}

/// The lede-model features of every sentence of `a` (in [`LEDE_FEATURES`] order),
/// the summary text of each sentence (its dateline trimmed when
/// [`DigestOptions::trim_datelines`] is set) and whether it is a link line (never picked): what `khabar eval digest --dump-features`
/// writes to train the lede model.
pub fn lede_features(a: &Analysis, text: &str, options: &DigestOptions) -> Vec<([f32; LEDE_FEATURES.len()], String, bool)> {
    if a.tokens.is_empty() || a.length != text.len() {
        return Vec::new();
    }
    let idf = Idf::embedded();
    let (words_per_token, entity_of) = prepare(a);
    let mentions = mentions(a, text, &words_per_token, &entity_of, idf, options, uses_announce(options));
    let keyphrases = rank_keyphrases(&mentions, idf, options, a.sentences.len(), (None, None));
    let sc = sentence_scores(a, &words_per_token, &entity_of, &keyphrases, idf, options);
    (0..a.sentences.len())
        .map(|i| {
            let (start, end) = summary_span(a, &sc, i, options);
            (sc.features[i], text[start..end].to_owned(), sc.boilerplate[i])
        })
        .collect()
}

/// Candidate phrase mentions in text order.
fn mentions(
    a: &Analysis,
    text: &str,
    words: &[Vec<(Upos, String)>],
    entity_of: &[Option<usize>],
    idf: &Idf,
    options: &DigestOptions,
    announce: bool,
) -> Vec<Mention> {
    let mut out = Vec::new();
    let quoted = short_quotes(a);
    for (si, s) in a.sentences.iter().enumerate() {
        let mut run: Vec<Word> = Vec::new();
        let mut run_entity: Option<usize> = None;
        for ti in s.token_start..s.token_end.min(a.tokens.len()) {
            let ent = entity_of[ti];
            if ent != run_entity {
                flush(a, text, &mut run, run_entity, si, idf, options, &mut out);
                run_entity = ent;
            }
            let tw = &words[ti];
            for (wi, (upos, key)) in tw.iter().enumerate() {
                // Inside a name every word but the function words (clitics) counts.
                if upos.nominal() || (ent.is_some() && !is_function_key(key) && a.tokens[ti].kind != TokenKind::Punct) {
                    let agr = match a.tokens[ti].words.get(wi) {
                        Some(w) if options.agreement > 0.0 && ent.is_none() => agreement_of(&w.form, key, *upos),
                        _ => Agr::default(),
                    };
                    if options.agreement > 0.0 && ent.is_none() && *upos == Upos::Adj && !agrees(&run, agr) {
                        // The adjective modifies a noun outside the run (زيارة … النادرة): end the phrase.
                        flush(a, text, &mut run, run_entity, si, idf, options, &mut out);
                    }
                    run.push(Word { token: ti, index: wi, upos: *upos, key: key.clone(), agr });
                } else {
                    flush(a, text, &mut run, run_entity, si, idf, options, &mut out);
                }
            }
        }
        flush(a, text, &mut run, run_entity, si, idf, options, &mut out);
    }
    if options.skip_credits > 0.0 {
        let keep_place = options.skip_credits >= 2.0;
        let credits: Vec<(usize, usize)> = a.sentences.iter().filter_map(|s| credit_span(a, s, keep_place)).collect();
        if !credits.is_empty() {
            out.retain(|m| !credits.iter().any(|c| c.0 <= m.start && m.start < c.1));
        }
    }
    let marks = if announce { announce_marks(a, words, entity_of) } else { Vec::new() };
    for m in &mut out {
        if announce {
            let first = a.tokens.partition_point(|t| t.end <= m.start).min(marks.len());
            m.announce =
                a.tokens[first..].iter().zip(&marks[first..]).take_while(|(t, _)| t.start < m.end).map(|(_, k)| *k).max().unwrap_or(0);
        }
        m.quoted = quoted.iter().any(|q| q.0 <= m.start && m.end <= q.1);
        m.term = quoted.iter().any(|q| {
            q.0 <= m.start
                && m.end <= q.1
                && text.get(q.0..m.start).is_some_and(|s| s.trim().is_empty())
                && text.get(m.end..q.1).is_some_and(|s| s.trim().is_empty())
        });
    }
    out
}

/// Verbs that announce, disclose, agree, sign, launch, found, decide or adopt something: the
/// thing is what news headlines name (`X تعلن عن Y`, `توقيع اتفاقية Z`). Lemmas as the tagger
/// gives them (compared by [`word_key`]); reporting verbs of speech (قال، أكد، أشار) are not in
/// the class, their object is a clause. See docs/digest.md.
pub const ANNOUNCE_VERBS: [&str; 20] = [
    "أعلن",
    "كشف",
    "أفصح",
    "أزاح", // announce, reveal, disclose, unveil (أزاح الستار عن)
    "اتفق",
    "وقع",
    "أبرم",
    "وافق",
    "صادق", // agree, sign, conclude, approve, ratify
    "أطلق",
    "دشن",
    "افتتح",
    "أنشأ",
    "أسس",
    "استحدث", // launch, inaugurate, open, establish, found, create
    "أقر",
    "قرر",
    "اعتمد",
    "أصدر",
    "عقد", // adopt, decide, adopt, issue, hold (a meeting, a deal)
];

/// The verbal nouns (masdars) of [`ANNOUNCE_VERBS`]: a phrase headed by one names an announced act
/// (إعلان، توقيع اتفاقية، إطلاق حملة).
pub const ANNOUNCE_NOUNS: [&str; 19] = [
    "إعلان",
    "كشف",
    "إفصاح",
    "إزاحة",
    "اتفاق",
    "توقيع",
    "إبرام",
    "موافقة",
    "مصادقة",
    "إطلاق",
    "تدشين",
    "افتتاح",
    "إنشاء",
    "تأسيس",
    "استحداث",
    "إقرار",
    "قرار",
    "اعتماد",
    "إصدار",
];

/// Prepositions that introduce the object of an announcement verb (أعلن عن، اتفق على، رحب ب).
const ANNOUNCE_PREPS: [&str; 3] = ["عن", "على", "ب"];

fn key_set(list: &[&str]) -> HashSet<String> {
    let mut buf = String::new();
    list.iter()
        .map(|w| {
            word_key(w, &mut buf);
            buf.clone()
        })
        .collect()
}

static ANNOUNCE_VERB_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&ANNOUNCE_VERBS));
static ANNOUNCE_NOUN_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&ANNOUNCE_NOUNS));
static ANNOUNCE_PREP_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&ANNOUNCE_PREPS));

/// Per token: 0, or 1 when it is in the first nominal stretch after an announcement verb of
/// its sentence (the verb's subject, or its object when the subject is in the verb), 2 when it
/// is in the stretch after the verb's preposition (عن، على، ب) or in the second stretch (the
/// object after the subject, V S O). Quotation marks are skipped; any other word (a
/// conjunction, another verb, a pronoun, punctuation) ends the verb's reach.
fn announce_marks(a: &Analysis, words: &[Vec<(Upos, String)>], entity_of: &[Option<usize>]) -> Vec<u8> {
    let mut marks = vec![0u8; a.tokens.len()];
    for s in &a.sentences {
        // (stretches seen, inside a stretch, after a preposition); None: no verb in reach.
        let mut state: Option<(u8, bool, bool)> = None;
        for (ti, t) in a.tokens.iter().enumerate().take(s.token_end).skip(s.token_start) {
            if t.kind == TokenKind::Punct && matches!(t.text.as_str(), "\"" | "«" | "»" | "“" | "”") {
                if let Some(st) = &mut state {
                    st.1 = false;
                }
                continue;
            }
            let Some(tw) = words.get(ti) else { continue };
            for (upos, key) in tw {
                if *upos == Upos::Verb && ANNOUNCE_VERB_KEYS.contains(key.as_str()) {
                    state = Some((0, false, false));
                    continue;
                }
                let Some((seen, inside, prep)) = &mut state else { continue };
                let nominal = upos.nominal()
                    || (entity_of.get(ti).is_some_and(|e| e.is_some()) && !is_function_key(key) && t.kind != TokenKind::Punct);
                if nominal {
                    if !*inside {
                        *seen += 1;
                        *inside = true;
                    }
                    if *seen > 2 {
                        state = None;
                        continue;
                    }
                    marks[ti] = marks[ti].max(if *prep || *seen == 2 { 2 } else { 1 });
                } else if ANNOUNCE_PREP_KEYS.contains(key.as_str()) && !*prep {
                    *prep = true;
                    *inside = false;
                    *seen = 1;
                } else {
                    state = None;
                }
            }
        }
    }
    marks
}

/// Whether a word key has the shape of the verbal noun (masdar) of a derived verb form:
/// تفعيل، تفعلة (II), مفاعلة (III), إفعال (IV), تفاعل (VI), انفعال / افتعال (VII, VIII),
/// استفعال (X) — the nouns of events and acts (توقيع، مشاركة، إعلان، تعاون، اجتماع، استثمار).
/// Keys are normalised: alef forms folded to ا, ة to ه.
pub fn masdar_shape(key: &str) -> bool {
    let c: Vec<char> = key.chars().collect();
    match c.len() {
        5 => (c[0] == 'ت' && (c[3] == 'ي' || c[4] == 'ه' || c[2] == 'ا')) || (c[0] == 'ا' && c[3] == 'ا'),
        6 => (c[0] == 'م' && c[2] == 'ا' && c[5] == 'ه') || (c[0] == 'ا' && c[4] == 'ا' && (c[1] == 'ن' || c[2] == 'ت')),
        7 => c[0] == 'ا' && c[1] == 'س' && c[2] == 'ت' && c[5] == 'ا',
        _ => false,
    }
}

/// Article-level features of each group (order of `groups`): `actors` (the most sentences'
/// share of the article's top three names, other than the group, named with it: 0, 0.5, 1),
/// `graph` (ln of n × its PositionRank over the sentence co-occurrence graph of the groups,
/// teleport ∝ Σ 1/(1 + sentence) of its mentions) and `ent_cooc` (the share of the article's
/// name mentions that belong to other names named in a sentence with it, at most 1).
fn article_features(groups: &[Group], sentences: usize) -> Vec<[f32; 3]> {
    let n = groups.len();
    if n == 0 {
        return Vec::new();
    }
    let mut per_sentence: Vec<Vec<usize>> = vec![Vec::new(); sentences.max(1)];
    for (gi, g) in groups.iter().enumerate() {
        for m in &g.mentions {
            if let Some(s) = per_sentence.get_mut(m.sentence) {
                if s.last() != Some(&gi) {
                    s.push(gi);
                }
            }
        }
    }
    for s in &mut per_sentence {
        s.sort_unstable();
        s.dedup();
    }
    let is_name: Vec<bool> = groups.iter().map(|g| g.mentions.iter().any(|m| m.entity)).collect();
    let mut names: Vec<usize> = (0..n).filter(|&i| is_name[i] && groups[i].mentions.len() >= 2).collect();
    names.sort_by(|&x, &y| groups[y].mentions.len().cmp(&groups[x].mentions.len()).then(x.cmp(&y)));
    names.truncate(3);
    let name_total: f32 = (0..n).filter(|&i| is_name[i]).map(|i| groups[i].mentions.len() as f32).sum::<f32>().max(1.0);
    // PositionRank: personalised PageRank, damping 0.85, 30 iterations.
    let mut p: Vec<f32> = groups.iter().map(|g| g.mentions.iter().map(|m| 1.0 / (1.0 + m.sentence as f32)).sum()).collect();
    let ps: f32 = p.iter().sum::<f32>().max(1e-9);
    p.iter_mut().for_each(|x| *x /= ps);
    let mut degree = vec![0f32; n];
    for s in &per_sentence {
        for &g in s {
            degree[g] += (s.len() - 1) as f32;
        }
    }
    let d = 0.85f32;
    let mut r = p.clone();
    let mut next = vec![0f32; n];
    for _ in 0..30 {
        let dangling: f32 = (0..n).filter(|&i| degree[i] == 0.0).map(|i| r[i]).sum();
        for (i, x) in next.iter_mut().enumerate() {
            *x = (1.0 - d + d * dangling) * p[i];
        }
        for s in &per_sentence {
            let t: f32 = s.iter().filter(|&&g| degree[g] > 0.0).map(|&g| r[g] / degree[g]).sum();
            for &h in s {
                let own = if degree[h] > 0.0 { r[h] / degree[h] } else { 0.0 };
                next[h] += d * (t - own);
            }
        }
        std::mem::swap(&mut r, &mut next);
    }
    let mut out = vec![[0f32; 3]; n];
    for (gi, g) in groups.iter().enumerate() {
        let mut actors = 0usize;
        let mut with: Vec<usize> = Vec::new();
        for m in &g.mentions {
            let Some(s) = per_sentence.get(m.sentence) else { continue };
            actors = actors.max(names.iter().filter(|&&e| e != gi && s.binary_search(&e).is_ok()).count());
            with.extend(s.iter().copied().filter(|&e| e != gi && is_name[e]));
        }
        with.sort_unstable();
        with.dedup();
        let cooc: f32 = with.iter().map(|&e| groups[e].mentions.len() as f32).sum::<f32>() / name_total;
        out[gi] = [actors.min(2) as f32 / 2.0, (r[gi] * n as f32).max(1e-6).ln().clamp(-10.0, 10.0), cooc.min(1.0)];
    }
    out
}

/// Whether the learned scorer weighs the announcement features (`announced`, `announced_obj`),
/// so that the mentions need [`announce_marks`] (off by default: both weights are 0).
fn uses_announce(options: &DigestOptions) -> bool {
    let at = |f: &str| KP_FEATURES.iter().position(|x| *x == f).map_or(0.0, |i| options.kp[i]);
    options.kp_model && (at("announced") != 0.0 || at("announced_obj") != 0.0)
}

/// The byte range of a source credit or dateline opener of sentence `s`: a dateline (a dash,
/// then a colon, within the first eight tokens: `أحمد علي- سبق- القاهرة:`; with `keep_place`
/// only up to its last dash, so the place stays), or a parenthesised credit of at most three
/// tokens followed by a dash (`(CNN)--`, `(رويترز) -`).
fn credit_span(a: &Analysis, s: &crate::analysis::SentenceRecord, keep_place: bool) -> Option<(usize, usize)> {
    let end = s.token_end.min(a.tokens.len());
    let toks = a.tokens.get(s.token_start..end)?;
    if let Some(after) = dateline_end(a, s) {
        if keep_place {
            let last_dash =
                toks.iter().take_while(|t| t.start < after).filter(|t| t.kind == TokenKind::Punct && is_dash(&t.text)).last()?;
            return Some((s.start, last_dash.end));
        }
        return Some((s.start, after));
    }
    if toks.first().is_some_and(|t| t.text == "(") {
        let close = toks.iter().take(5).position(|t| t.text == ")")?;
        let mut last = close;
        while toks
            .get(last + 1)
            .is_some_and(|t| t.kind == TokenKind::Punct && !t.text.is_empty() && t.text.chars().all(|c| matches!(c, '-' | '–' | '—')))
        {
            last += 1;
        }
        if last > close && close >= 2 && toks.len() > last + 3 {
            return Some((s.start, toks[last].end));
        }
    }
    None
}

/// The key words are compared by in the diversity discount: the light10 stem of a word key,
/// with a final يا or ا of a longer stem removed so that a country and its adjective meet
/// (كوريا / كوري → كور, روسيا / روسي → روس, أمريكا / أمريكي → أمريك).
pub fn cover_key(key: &str) -> &str {
    let s = khabar_text::light_stem(key);
    let n = s.chars().count();
    if n >= 5 {
        if let Some(r) = s.strip_suffix("يا") {
            return r;
        }
        if let Some(r) = s.strip_suffix('ا') {
            return r;
        }
    }
    s
}

/// Byte ranges of short quotations ("…", «…», “…”) of at most eight tokens inside one sentence.
fn short_quotes(a: &Analysis) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for s in &a.sentences {
        let mut open: Option<(usize, &str)> = None;
        for ti in s.token_start..s.token_end.min(a.tokens.len()) {
            let t = &a.tokens[ti];
            if t.kind != TokenKind::Punct {
                continue;
            }
            let q = t.text.as_str();
            match open {
                Some((oi, o)) if (o == "\"" && q == "\"") || (o == "«" && q == "»") || (o == "“" && q == "”") => {
                    if ti - oi <= 9 && ti > oi + 1 {
                        out.push((a.tokens[oi].end, t.start));
                    }
                    open = None;
                }
                _ if matches!(q, "\"" | "«" | "“") => open = Some((ti, q)),
                _ => {}
            }
        }
    }
    out
}

/// Byte range of word `w` of token `t`: the token without its leading and
/// trailing clitic words when their forms can be found in its surface. With
/// `elided`, ل + an article whose alef is elided (للدولة = ل + الدولة) starts
/// after لل (دولة), as entity spans do; without it لل is kept.
fn word_range(t: &TokenRecord, first: usize, last: usize, elided: bool) -> (usize, usize) {
    let mut start = t.start;
    let mut end = t.end;
    if t.words.len() > 1 {
        let mut rest = t.text.as_str();
        for w in &t.words[..first] {
            match rest.strip_prefix(w.form.as_str()) {
                Some(r) if !r.is_empty() => rest = r,
                _ => return (t.start, t.end),
            }
        }
        // Keep لل: a stripped ل must leave the next word's first letter.
        if let (Some(next), Some(c)) = (t.words.get(first), rest.chars().next()) {
            if first > 0 && !next.form.starts_with(c) {
                // ل + الدولة is written للدولة: the article's ل stays, so the word starts after it
                // (دولة). ل + اللجنة is written للجنة: the article is gone, the word is لجنة.
                let bare = next.form.strip_prefix("ال").filter(|_| elided && t.words[first - 1].form == "ل");
                rest = match (bare.and_then(|b| b.chars().next()), rest.strip_prefix('ل')) {
                    (Some(b), _) if b == c => rest,
                    (Some(b), Some(r)) if r.starts_with(b) => r,
                    _ => &t.text,
                };
            }
        }
        start = t.end - rest.len();
        let mut tail = rest;
        for w in t.words[last + 1..].iter().rev() {
            match tail.strip_suffix(w.form.as_str()) {
                Some(r) if !r.is_empty() => tail = r,
                _ => {
                    tail = rest;
                    break;
                }
            }
        }
        end = start + tail.len();
    }
    (start, end)
}

/// Weekday and month names (Gregorian and Levantine/Syriac), general Arabic calendar words: a
/// phrase made only of them and [`CALENDAR_COMPANIONS`] is a date, not a keyphrase. آب (August)
/// is left out (after normalisation it is أب, father); Hijri months are left out too (رمضان،
/// ذو الحجة name seasons that are news topics, محرم، صفر، رجب are also ordinary words and names).
pub const CALENDAR_NAMES: [&str; 30] = [
    "الأحد",
    "الاثنين",
    "الإثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يونيه",
    "يوليو",
    "يوليه",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "أيلول",
];

/// Words that make a date with a [`CALENDAR_NAMES`] word (يوم الخميس، الأربعاء الماضي، تشرين الأول).
pub const CALENDAR_COMPANIONS: [&str; 22] = [
    "تشرين",
    "يوم",
    "صباح",
    "مساء",
    "ليلة",
    "ظهر",
    "عصر",
    "فجر",
    "شهر",
    "مطلع",
    "منتصف",
    "أواخر",
    "أوائل",
    "نهاية",
    "بداية",
    "الماضي",
    "المقبل",
    "القادم",
    "الحالي",
    "الجاري",
    "الأول",
    "الثاني",
];

static CALENDAR_NAME_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&CALENDAR_NAMES));
// `word_key` drops the article of الماضي، الأول …, so these keys match the lemmas' keys.
static CALENDAR_COMPANION_KEYS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| key_set(&CALENDAR_COMPANIONS));

/// Whether a phrase is a date: a weekday or month name, with only calendar companions around it.
fn is_calendar(words: &[Word]) -> bool {
    words.iter().any(|w| CALENDAR_NAME_KEYS.contains(w.key.as_str()))
        && words.iter().all(|w| CALENDAR_NAME_KEYS.contains(w.key.as_str()) || CALENDAR_COMPANION_KEYS.contains(w.key.as_str()))
}

/// Whether word `wi` of token `t` is an unknown word (tagged X) with the shape of an imperfect
/// verb of a derived form: the prefix ي، ت or ن, then ست، ت or ن (forms X, V, VI, VII, VIII:
/// يستدير، يتناول، ينطلق), five letters or more, not ending in ا، و، ه، ة or ى (تنزانيا،
/// نتنياهو are names). Names such as تويتر، نادي do not have the shape.
fn verb_shaped(t: &TokenRecord, wi: usize) -> bool {
    let Some(w) = t.words.get(wi) else { return false };
    if w.upos != "X" {
        return false;
    }
    let letters: Vec<char> = w.form.chars().filter(|c| ('\u{0621}'..='\u{064A}').contains(c)).collect();
    letters.len() >= 5
        && matches!(letters[0], 'ي' | 'ت' | 'ن')
        && (matches!(letters[1], 'ت' | 'ن') || (letters[1] == 'س' && letters[2] == 'ت'))
        && !matches!(letters[letters.len() - 1], 'ا' | 'و' | 'ه' | 'ة' | 'ى')
}

#[allow(clippy::too_many_arguments)]
fn flush(
    a: &Analysis,
    text: &str,
    run: &mut Vec<Word>,
    entity: Option<usize>,
    sentence: usize,
    idf: &Idf,
    options: &DigestOptions,
    out: &mut Vec<Mention>,
) {
    if run.is_empty() {
        return;
    }
    let mut words = std::mem::take(run);
    let e = entity.and_then(|i| a.entities.get(i));
    if e.is_none() {
        // Drop leading adjectives, trailing generic adjectives; cap at max_words.
        while words.first().is_some_and(|w| w.upos == Upos::Adj) {
            words.remove(0);
        }
        while words.len() > 1 && words.last().is_some_and(|w| w.upos == Upos::Adj && idf.idf(&w.key) < options.generic_adj_idf) {
            words.pop();
        }
        if options.drop_calendar > 0.0 && is_calendar(&words) {
            return;
        }
        if options.drop_verb_shape > 0.0 && words.len() == 1 && verb_shaped(&a.tokens[words[0].token], words[0].index) {
            return;
        }
        let cap = options.max_words.max(1);
        if options.head_words > 0 && words.len() > options.head_words {
            // Its head noun phrase: the first words.
            words.truncate(options.head_words);
        } else if words.len() > cap {
            for chunk in words.chunks(cap) {
                let mut c = chunk.to_vec();
                flush(a, text, &mut c, None, sentence, idf, options, out);
            }
            return;
        }
    }
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return;
    };
    let elided = options.trim_elided_article > 0.0;
    let (start, end) = match e {
        Some(e) => (e.start, e.end),
        None if first.token == last.token => word_range(&a.tokens[first.token], first.index, last.index, elided),
        None => {
            let ft = &a.tokens[first.token];
            let (s, _) = word_range(ft, first.index, ft.words.len().saturating_sub(1), elided);
            let (_, e) = word_range(&a.tokens[last.token], 0, last.index, elided);
            (s, e)
        }
    };
    let Some(surface) = text.get(start..end).filter(|s| !s.is_empty()) else {
        return;
    };
    let keys: Vec<String> = words.iter().map(|w| w.key.clone()).collect();
    let (key, display_lemma) = match e {
        Some(e) => (format!("\u{1}{}", e.canonical), e.canonical.clone()),
        None => (keys.join(" "), keys.join(" ")),
    };
    out.push(Mention {
        key,
        display_lemma,
        words: keys,
        surface: surface.to_owned(),
        start,
        end,
        sentence,
        entity: e.is_some(),
        quoted: false,
        term: false,
        kind: match e.map(|e| e.kind.as_str()) {
            None => 0,
            Some("PER") => 1,
            Some("LOC") => 2,
            Some("ORG") => 3,
            Some(_) => 4,
        },
        propn: words.iter().filter(|w| w.upos == Upos::Propn).count(),
        ends_adj: words.last().is_some_and(|w| w.upos == Upos::Adj),
        announce: 0,
    });
}

/// A phrase's words as (lemma key, the key the diversity discount compares).
type CoverWords<'a> = Vec<(&'a str, &'a str)>;

/// Mentions grouped by key (entities by canonical name), in order of first mention.
fn group_mentions(mentions: &[Mention]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::default();
    for m in mentions {
        match index.get(m.key.as_str()) {
            Some(&g) => groups[g].mentions.push(m),
            None => {
                index.insert(&m.key, groups.len());
                groups.push(Group { mentions: vec![m] });
            }
        }
    }
    groups
}

/// The mentions of one keyphrase candidate.
struct Group<'m> {
    mentions: Vec<&'m Mention>,
}

/// The features of a group of mentions in [`KP_FEATURES`] order (`sentences`: of the article).
fn group_features(g: &Group, idf: &Idf, sentences: usize, extra: [f32; 3], head: [f32; 3]) -> [f32; KP_FEATURES.len()] {
    let m0 = g.mentions[0];
    let n = g.mentions.len() as f32;
    let idfs: Vec<f32> = m0.words.iter().map(|w| idf.idf(w)).collect();
    let spec: f32 = idfs.iter().sum();
    let words = m0.words.len().max(1) as f32;
    let first = g.mentions.iter().map(|m| m.sentence).min().unwrap_or(0) as f32;
    let last = g.mentions.iter().map(|m| m.sentence).max().unwrap_or(0) as f32;
    let ns = sentences.max(1) as f32;
    let entity = g.mentions.iter().any(|m| m.entity);
    let kind = g.mentions.iter().map(|m| m.kind).max().unwrap_or(0);
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    [
        n.ln(),
        spec.max(1e-3).ln(),
        (1.0 + 8.0 / (1.0 + first)).ln(),
        1.0 / (1.0 + first),
        first / ns,
        (last - first) / ns,
        b(entity),
        b(entity && g.mentions.len() >= 2),
        b(kind == 1),
        b(kind == 2),
        b(kind == 3),
        b(kind == 4),
        words.ln(),
        b(m0.words.len() <= 1),
        spec / words,
        idfs.iter().copied().fold(f32::INFINITY, f32::min).clamp(0.0, 20.0),
        b(g.mentions.iter().any(|m| m.quoted)),
        b(m0.words.len() > 1 && g.mentions.iter().any(|m| m.term)),
        m0.propn as f32 / words,
        b(m0.ends_adj),
        (1.0 + g.mentions.iter().filter(|m| m.sentence < 3).count() as f32).ln(),
        b(m0.surface.chars().any(|c| c.is_ascii_alphabetic())),
        b(last == 0.0),
        b(g.mentions.iter().any(|m| m.announce > 0)),
        b(g.mentions.iter().any(|m| m.announce > 1)),
        b(!entity && m0.words.first().is_some_and(|w| ANNOUNCE_NOUN_KEYS.contains(w.as_str()))),
        b(!entity && m0.words.first().is_some_and(|w| masdar_shape(w))),
        extra[0],
        extra[1],
        extra[2],
        head[0],
        head[1],
        head[2],
    ]
}

/// The headline-rate features of a group (`head_max`, `head_mean`, `head_sum`): over the
/// distinct evaluation tokens of the text it would show, the largest and the mean ln h(t), and
/// ln Σ h(t) — the expected number of headline tokens it covers ([`HeadRate`]).
fn head_features(g: &Group, table: &HeadRate, exclude: Option<&Excluded>) -> [f32; 3] {
    let mut toks = crate::eval::digest::eval_tokens(&group_text(g));
    toks.sort_unstable();
    toks.dedup();
    let p0 = table.p0().max(1e-6);
    if toks.is_empty() {
        return [p0.ln(), p0.ln(), 1e-3f32.ln()];
    }
    let rates: Vec<f32> = toks.iter().map(|t| table.rate(t, exclude).clamp(1e-6, 1.0)).collect();
    let max = rates.iter().copied().fold(0.0f32, f32::max);
    let mean_ln = rates.iter().map(|r| r.ln()).sum::<f32>() / rates.len() as f32;
    let sum: f32 = rates.iter().sum();
    [max.ln(), mean_ln, sum.max(1e-3).ln()]
}

/// Whether the learned scorer weighs the headline-rate features (off: they are not computed).
fn uses_head(options: &DigestOptions) -> bool {
    let at = |f: &str| KP_FEATURES.iter().position(|x| *x == f).map_or(0.0, |i| options.kp[i]);
    options.kp_model && ["head_max", "head_mean", "head_sum"].iter().any(|f| at(f) != 0.0)
}

/// The most common surface form of a group, the earliest on ties.
fn group_text(g: &Group) -> String {
    let mut counts: Vec<(&str, usize, usize)> = Vec::new();
    for m in &g.mentions {
        match counts.iter_mut().find(|c| c.0 == m.surface.as_str()) {
            Some(c) => c.1 += 1,
            None => counts.push((&m.surface, 1, m.start)),
        }
    }
    counts.iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.2.cmp(&a.2))).map(|c| c.0.to_owned()).unwrap_or_default()
}

/// One keyphrase candidate with its features, for training the learned scorer.
#[derive(Clone, Debug)]
pub struct KeyphraseCandidate {
    /// Its features in [`KP_FEATURES`] order.
    pub features: [f32; KP_FEATURES.len()],
    /// Its text as a keyphrase would show it (most common surface form).
    pub text: String,
    /// Its words as (lemma key, the key the diversity discount compares them by).
    pub words: Vec<(String, String)>,
    /// Whether it is a named entity (a name is covered only by names when `stem_redundancy` is 2).
    pub name: bool,
}

/// Every keyphrase candidate of `a` (analysis of `text`), in order of first mention: what
/// `khabar eval digest --dump-keyphrases` writes to train the learned scorer.
pub fn keyphrase_features(a: &Analysis, text: &str, options: &DigestOptions) -> Vec<KeyphraseCandidate> {
    keyphrase_features_with(a, text, options, HeadRate::embedded(), None)
}

/// [`keyphrase_features`] with a given headline-rate table and, for an article counted in
/// it, its own tokens left out (`exclude`).
pub fn keyphrase_features_with(
    a: &Analysis,
    text: &str,
    options: &DigestOptions,
    prior: &HeadRate,
    exclude: Option<&Excluded>,
) -> Vec<KeyphraseCandidate> {
    if a.tokens.is_empty() || a.length != text.len() {
        return Vec::new();
    }
    let idf = Idf::embedded();
    let (words_per_token, entity_of) = prepare(a);
    let mentions = mentions(a, text, &words_per_token, &entity_of, idf, options, true);
    let groups = group_mentions(&mentions);
    let extras = article_features(&groups, a.sentences.len());
    groups
        .iter()
        .zip(extras)
        .map(|(g, extra)| {
            let mut words: Vec<(String, String)> = g
                .mentions
                .iter()
                .flat_map(|m| m.words.iter().map(|w| (w.clone(), if options.stem_redundancy > 0.0 { cover_key(w) } else { w }.to_owned())))
                .collect();
            words.sort_unstable();
            words.dedup();
            KeyphraseCandidate {
                features: group_features(g, idf, a.sentences.len(), extra, head_features(g, prior, exclude)),
                text: group_text(g),
                words,
                name: g.mentions.iter().any(|m| m.entity),
            }
        })
        .collect()
}

/// Group mentions, score and rank them; drop phrases inside better ones.
fn rank_keyphrases(mentions: &[Mention], idf: &Idf, options: &DigestOptions, sentences: usize, prior: Prior) -> Vec<KeyphraseRecord> {
    let groups = group_mentions(mentions);
    // The article-level features cost a graph walk: only when a weight uses them.
    let graph_weighted =
        ["actors", "graph", "ent_cooc"].iter().any(|f| KP_FEATURES.iter().position(|x| x == f).is_some_and(|i| options.kp[i] != 0.0));
    let head = uses_head(options);
    let extras = if options.kp_model && graph_weighted { article_features(&groups, sentences) } else { vec![[0.0; 3]; groups.len()] };
    let mut scored: Vec<(f32, &Group, CoverWords)> = groups
        .iter()
        .zip(&extras)
        .map(|(g, extra)| {
            let m0 = g.mentions[0];
            let learned = options.kp_model.then(|| {
                let h = if head { head_features(g, prior.0.unwrap_or_else(|| HeadRate::embedded()), prior.1) } else { [0.0; 3] };
                let f = group_features(g, idf, sentences, *extra, h);
                f.iter().zip(&options.kp).map(|(x, w)| x * w).sum::<f32>().clamp(-60.0, 60.0).exp()
            });
            let n = g.mentions.len() as f32;
            let spec: f32 = m0.words.iter().map(|w| idf.idf(w)).sum::<f32>() / (m0.words.len().max(1) as f32).powf(options.length_power);
            let mut first = g.mentions.iter().map(|m| m.sentence).min().unwrap_or(0) as f32;
            let entity = g.mentions.iter().any(|m| m.entity);
            let quoted = g.mentions.iter().any(|m| m.quoted);
            let term = g.mentions.iter().any(|m| m.term);
            if term && options.term_as_lede && m0.words.len() > 1 {
                first = 0.0;
            }
            let tf = if entity && options.entity_tf_power >= 0.0 { options.entity_tf_power } else { options.tf_power };
            let score = learned.unwrap_or_else(|| {
                n.powf(tf)
                    * spec
                    * (1.0 + options.position_boost / (1.0 + first))
                    * if entity && g.mentions.len() >= options.entity_min_mentions { 1.0 + options.entity_boost } else { 1.0 }
                    * if quoted { 1.0 + options.quote_boost } else { 1.0 }
                    * if term { 1.0 + options.term_boost } else { 1.0 }
            });
            // Each word as (lemma key, the key it is compared by).
            let mut words: Vec<(&str, &str)> = g
                .mentions
                .iter()
                .flat_map(|m| m.words.iter().map(|w| (w.as_str(), if options.stem_redundancy > 0.0 { cover_key(w) } else { w.as_str() })))
                .collect();
            words.sort_unstable();
            words.dedup();
            (score, g, words)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.mentions[0].start.cmp(&b.1.mentions[0].start)));
    let entity_only = options.stem_redundancy >= 2.0;
    let mut greedy =
        Greedy { scored: &scored, taken: vec![false; scored.len()], chosen: Vec::new(), entity_only, redundancy: options.redundancy };
    // The greedy list (independent of how many keyphrases are asked for), then the later
    // cover judged over its first `COVER_WINDOW` shown phrases only, so that the list for
    // k keyphrases is a prefix of the list for any k' > k.
    let want = options.keyphrases.max(20);
    let mut picks: Vec<(usize, f32)> = Vec::new();
    let mut shown: Vec<usize> = Vec::new();
    let mut fill = |picks: &mut Vec<(usize, f32)>, shown: &mut Vec<usize>, n: usize| {
        while shown.len() < n {
            let Some(p) = greedy.next() else { break };
            shown.push(picks.len());
            picks.push(p);
        }
    };
    fill(&mut picks, &mut shown, want.max(COVER_WINDOW));
    if options.cover_later > 0.0 {
        // the lowest-ranked covered phrase goes first; every pass removes one phrase
        while let Some(i) = {
            let top: Vec<&(f32, &Group, CoverWords)> = shown.iter().take(COVER_WINDOW).map(|&p| &scored[picks[p].0]).collect();
            (0..top.len()).rev().find(|&i| {
                !top[i].1.mentions.iter().any(|m| m.entity)
                    && top[i].2.iter().all(|w| top.iter().enumerate().any(|(j, t)| j != i && t.2.iter().any(|x| x.1 == w.1)))
            })
        } {
            shown.remove(i);
            fill(&mut picks, &mut shown, want.max(COVER_WINDOW));
        }
    }
    shown
        .iter()
        .take(want)
        .map(|&p| {
            let (bi, score) = picks[p];
            let g = scored[bi].1;
            let mut spans: Vec<SpanRecord> = g.mentions.iter().map(|m| SpanRecord { start: m.start, end: m.end }).collect();
            spans.sort_by_key(|s| (s.start, s.end));
            spans.dedup();
            KeyphraseRecord {
                text: group_text(g),
                lemma: g.mentions[0].display_lemma.clone(),
                score: (score * 1000.0).round() / 1000.0,
                spans,
            }
        })
        .collect()
}

/// The later cover (`DigestOptions::cover_later`) and the summary's keyphrase coverage look at
/// this many keyphrases whatever number is asked for (the default list's length), so that
/// asking for more keyphrases extends the list instead of changing its top.
pub const COVER_WINDOW: usize = 10;

/// The greedy diversity choice over scored candidates (best first): each call gives the next
/// phrase, the best by score × (share of its words not in a phrase already given)^R, with its
/// discounted score; a phrase whose words are all in given phrases is skipped.
struct Greedy<'s, 'm> {
    scored: &'s [(f32, &'s Group<'m>, CoverWords<'s>)],
    taken: Vec<bool>,
    chosen: Vec<(&'s CoverWords<'s>, bool)>,
    entity_only: bool,
    redundancy: f32,
}

impl Greedy<'_, '_> {
    fn next(&mut self) -> Option<(usize, f32)> {
        // Scores are sorted and the discount is at most 1, so the scan stops at the first
        // score below the best so far.
        let mut best: Option<(usize, f32)> = None;
        for (i, (score, g, words)) in self.scored.iter().enumerate() {
            if self.taken[i] {
                continue;
            }
            if best.is_some_and(|b| *score <= b.1) {
                break;
            }
            let is_name = self.entity_only && g.mentions.iter().any(|m| m.entity);
            let fresh = words
                .iter()
                .filter(|w| {
                    !self
                        .chosen
                        .iter()
                        .any(|(c, c_name)| if is_name && !c_name { c.iter().any(|x| x.0 == w.0) } else { c.iter().any(|x| x.1 == w.1) })
                })
                .count();
            if fresh == 0 {
                // Every word is inside better phrases: never shown.
                self.taken[i] = true;
                continue;
            }
            let s = if self.redundancy > 0.0 { *score * (fresh as f32 / words.len().max(1) as f32).powf(self.redundancy) } else { *score };
            if best.is_none_or(|b| s > b.1) {
                best = Some((i, s));
            }
        }
        let (bi, s) = best?;
        self.taken[bi] = true;
        let (_, g, words) = &self.scored[bi];
        self.chosen.push((words, g.mentions.iter().any(|m| m.entity)));
        Some((bi, s))
    }
}

/// A sparse tf-idf vector over interned word keys, sorted by key id.
type Vector = Vec<(u32, f32)>;

/// Dot product of two sparse vectors, each sorted by key with no key twice: the summary's
/// sentence vectors and the story engine's article vectors (`khabar-stories`).
pub fn sparse_dot<K: Ord>(a: &[(K, f32)], b: &[(K, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

fn norm(a: &Vector) -> f32 {
    a.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt()
}

fn cosine(a: &Vector, na: f32, b: &Vector, nb: f32) -> f32 {
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        sparse_dot(a, b) / (na * nb)
    }
}

/// Per-sentence scores and features of one article.
struct SentenceScores {
    vectors: Vec<Vector>,
    norms: Vec<f32>,
    /// The hand-weighted score (centrality, position, coverage, length).
    scores: Vec<f32>,
    /// The lede-model features.
    features: Vec<[f32; LEDE_FEATURES.len()]>,
    /// Where the text after a dateline opener starts, for sentences that have one.
    dateline_end: Vec<Option<usize>>,
    /// Where the main clause ends (after the dateline, if trimmed), for sentences with an appended clause.
    clause_end: Vec<Option<usize>>,
    /// Link lines (`رابط الخبر …: <headline>`, `اقرأ أيضا: …`): never summary sentences.
    boilerplate: Vec<bool>,
}

/// Light stems of the words that open link lines before a colon: رابط (link), اقرأ (read), للمزيد (more).
const LINK_WORDS: [&str; 3] = ["رابط", "اقرا", "مزيد"];

/// A link line: a word of [`LINK_WORDS`] at most five tokens before a colon
/// (`رابط الخبر بصحيفة …: <headline>`). Returns whether it is one, and whether
/// the colon ends the sentence (then the next sentence is the link's caption).
fn link_line(a: &Analysis, s: &crate::analysis::SentenceRecord) -> (bool, bool) {
    let end = s.token_end.min(a.tokens.len());
    let mut last_link: Option<usize> = None;
    for t in s.token_start..end {
        let tok = &a.tokens[t];
        if tok.kind == TokenKind::Punct {
            if tok.text == ":" && last_link.is_some_and(|l| t - l <= 5) {
                return (true, t + 1 == end);
            }
            continue;
        }
        let stem = khabar_text::light_stem(&tok.norm);
        if LINK_WORDS.contains(&stem) {
            last_link = Some(t);
        }
    }
    (false, false)
}

/// Reporting verbs (lemmas) of attribution frames: قال، أضاف، أوضح …
static SAY_KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut buf = String::new();
    ["قال", "أضاف", "أوضح", "أشار", "أكد", "ذكر", "صرح", "أفاد", "تابع", "لفت"]
        .iter()
        .map(|w| {
            word_key(w, &mut buf);
            buf.clone()
        })
        .collect()
});

fn is_dash(s: &str) -> bool {
    matches!(s, "-" | "–" | "—" | "ـ")
}

/// A dateline opener: within the first eight tokens, a dash and then a colon
/// (`سبق- الرياض:`, `محمد الزهراني- سبق- الباحة:`, `أ ف ب- أبو ظبي:`), followed
/// by at least six more tokens. Returns the start of the first token after the colon.
fn dateline_end(a: &Analysis, s: &crate::analysis::SentenceRecord) -> Option<usize> {
    let end = s.token_end.min(a.tokens.len());
    let mut dash = false;
    for ti in s.token_start..end.min(s.token_start + 8) {
        let t = &a.tokens[ti];
        if t.kind != TokenKind::Punct {
            continue;
        }
        if is_dash(&t.text) {
            dash = true;
        } else if t.text == ":" && dash && ti > s.token_start && end > ti + 6 {
            return Some(a.tokens[ti + 1].start);
        } else if t.text != ":" {
            return None;
        }
    }
    None
}

/// Words (search-normalised when used) that open an appended clause after a
/// comma: adverbial and relative clauses (حيث، إذ، مما، الذي، التي …),
/// additions and contrasts (كما، فيما، بينما، لكن، بل، إضافة …), attributions
/// (بحسب، وفقا، حسبما) and the participles of reporting frames (مشيرا، مؤكدا،
/// مضيفا …). The clause before the comma is the sentence's main clause.
const CLAUSE_OPENERS: [&str; 58] = [
    "حيث",
    "وحيث",
    "وذلك",
    "كما",
    "فيما",
    "مما",
    "إذ",
    "بينما",
    "ولكن",
    "لكن",
    "بل",
    "وقد",
    "وكان",
    "وكانت",
    "وهو",
    "وهي",
    "الذي",
    "التي",
    "والذي",
    "والتي",
    "الذين",
    "والذين",
    "إضافة",
    "بالإضافة",
    "حسبما",
    "بحسب",
    "حسب",
    "وفق",
    "وفقا",
    "مشيرا",
    "مشيرة",
    "مؤكدا",
    "مؤكدة",
    "موضحا",
    "موضحة",
    "مضيفا",
    "مضيفة",
    "لافتا",
    "لافتة",
    "واصفا",
    "معربا",
    "مبينا",
    "منوها",
    "وسط",
    "خاصة",
    "خصوصا",
    "سواء",
    "ثم",
    "وتم",
    "فقد",
    "وأضاف",
    "وقال",
    "وأكد",
    "وأوضح",
    "ويأتي",
    "وتأتي",
    "الأمر",
    "عندما",
];

static CLAUSE_OPENER_KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut keys: Vec<String> = CLAUSE_OPENERS.iter().map(|w| khabar_text::normalize(w, khabar_text::Profile::Search)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
});

/// A main clause keeps at least this many content tokens before an appended clause is cut off.
const MIN_CLAUSE_WORDS: usize = 5;

/// Whether a token counts as a content token (a non-stopword word or number), as `khabar eval digest` counts them.
fn is_content_token(t: &TokenRecord) -> bool {
    !t.stopword && matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word | TokenKind::Number | TokenKind::Hashtag)
}

/// Where the main clause of sentence `s` ends when the text from byte `from`
/// on is shown: at the first comma (، , ؛ ;) followed by a word of
/// [`CLAUSE_OPENERS`] (`…، حيث …`, `…، وذلك …`, `…، مشيرا إلى …`) with at
/// least [`MIN_CLAUSE_WORDS`] content tokens before it. Returns the end of the
/// token before that comma.
fn clause_end(a: &Analysis, s: &crate::analysis::SentenceRecord, from: usize) -> Option<usize> {
    let end = s.token_end.min(a.tokens.len());
    let mut words = 0;
    for ti in s.token_start..end {
        let t = &a.tokens[ti];
        if t.start < from {
            continue;
        }
        if t.kind == TokenKind::Punct {
            if matches!(t.text.as_str(), "،" | "," | "؛" | ";")
                && words >= MIN_CLAUSE_WORDS
                && ti + 1 < end
                && CLAUSE_OPENER_KEYS.binary_search(&a.tokens[ti + 1].norm).is_ok()
            {
                return Some(a.tokens[ti - 1].end);
            }
        } else if is_content_token(t) {
            words += 1;
        }
    }
    None
}

/// The bytes of sentence `i` a summary shows: its dateline opener and its appended clause trimmed as the options say.
fn summary_span(a: &Analysis, sc: &SentenceScores, i: usize, options: &DigestOptions) -> (usize, usize) {
    let s = &a.sentences[i];
    let start = if options.trim_datelines { sc.dateline_end[i].unwrap_or(s.start) } else { s.start };
    let end = if options.trim_clauses { sc.clause_end[i].unwrap_or(s.end) } else { s.end };
    (start, end)
}

/// The bytes of sentence `i` of `a` that a summary would show (its dateline opener and appended
/// clause trimmed as `options` say): what `khabar eval digest` scores for lead-1 trimmed alike.
pub fn trimmed_sentence(a: &Analysis, i: usize, options: &DigestOptions) -> Option<(usize, usize)> {
    let s = a.sentences.get(i)?;
    let start = if options.trim_datelines { dateline_end(a, s).unwrap_or(s.start) } else { s.start };
    let end = if options.trim_clauses { clause_end(a, s, start).unwrap_or(s.end) } else { s.end };
    Some((start, end))
}

fn sentence_scores(
    a: &Analysis,
    words: &[Vec<(Upos, String)>],
    entity_of: &[Option<usize>],
    keyphrases: &[KeyphraseRecord],
    idf: &Idf,
    options: &DigestOptions,
) -> SentenceScores {
    let n = a.sentences.len();
    let mut ids: HashMap<&str, u32> = HashMap::default();
    let mut weights: Vec<f32> = Vec::new();
    let mut vectors: Vec<Vector> = Vec::with_capacity(n);
    let mut content: Vec<usize> = Vec::with_capacity(n);
    let mut idf_mass: Vec<f32> = Vec::with_capacity(n);
    let mut say: Vec<bool> = Vec::with_capacity(n);
    for s in &a.sentences {
        let mut v: Vector = Vec::new();
        let mut count = 0;
        let mut mass = 0.0;
        let mut said = false;
        for tw in &words[s.token_start.min(words.len())..s.token_end.min(words.len())] {
            for (upos, key) in tw {
                if *upos == Upos::Other {
                    continue;
                }
                count += 1;
                if *upos == Upos::Verb && SAY_KEYS.iter().any(|k| k == key) {
                    said = true;
                }
                let id = *ids.entry(key.as_str()).or_insert_with(|| {
                    weights.push(idf.idf(key));
                    weights.len() as u32 - 1
                });
                mass += weights[id as usize];
                v.push((id, weights[id as usize]));
            }
        }
        v.sort_unstable_by_key(|x| x.0);
        let mut merged: Vector = Vec::with_capacity(v.len());
        for (id, w) in v {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += w,
                _ => merged.push((id, w)),
            }
        }
        vectors.push(merged);
        content.push(count);
        idf_mass.push(mass);
        say.push(said);
    }
    let norms: Vec<f32> = vectors.iter().map(norm).collect();
    let mut centroid: HashMap<u32, f32> = HashMap::default();
    for v in &vectors {
        for &(id, w) in v {
            *centroid.entry(id).or_insert(0.0) += w;
        }
    }
    let mut centroid: Vector = centroid.into_iter().collect();
    centroid.sort_unstable_by_key(|x| x.0);
    let nc = norm(&centroid);

    // Entity mentions per canonical name, and the names in each sentence.
    let mut entity_count: HashMap<&str, f32> = HashMap::default();
    for e in &a.entities {
        *entity_count.entry(e.canonical.as_str()).or_insert(0.0) += 1.0;
    }
    let entity_total: f32 = entity_count.values().sum();
    let top_kp = &keyphrases[..keyphrases.len().min(COVER_WINDOW)];
    let kp_total: f32 = top_kp.iter().map(|k| k.score).sum();
    let mut kp_words: Vec<String> = Vec::new();
    let mut buf = String::new();
    for k in top_kp {
        for w in k.lemma.split_whitespace() {
            word_key(w, &mut buf);
            kp_words.push(buf.clone());
        }
    }
    let kp_hits: Vec<usize> = a
        .sentences
        .iter()
        .map(|s| {
            words[s.token_start.min(words.len())..s.token_end.min(words.len())]
                .iter()
                .flatten()
                .filter(|(upos, key)| *upos != Upos::Other && kp_words.iter().any(|k| k == key))
                .count()
        })
        .collect();
    // The lead: the first sentence of four content words or more (or the first).
    let lead = (0..n).find(|&i| content[i] >= 4).unwrap_or(0);

    let mut scores = Vec::with_capacity(n);
    let mut features = Vec::with_capacity(n);
    let mut datelines = Vec::with_capacity(n);
    let mut clauses = Vec::with_capacity(n);
    let mut boilerplate = Vec::with_capacity(n);
    let mut seen_full = false;
    let mut caption_next = false;
    for (i, s) in a.sentences.iter().enumerate() {
        let centrality = cosine(&vectors[i], norms[i], &centroid, nc);
        let position = 1.0 / (1.0 + i as f32).sqrt();
        let mut names: Vec<&str> = (s.token_start..s.token_end.min(entity_of.len()))
            .filter_map(|t| entity_of[t])
            .filter_map(|e| a.entities.get(e))
            .map(|e| e.canonical.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let entities = if entity_total > 0.0 { names.iter().map(|c| entity_count[c]).sum::<f32>() / entity_total } else { 0.0 };
        let kps = if kp_total > 0.0 {
            top_kp.iter().filter(|k| k.spans.iter().any(|sp| sp.start >= s.start && sp.end <= s.end)).map(|k| k.score).sum::<f32>()
                / kp_total
        } else {
            0.0
        };
        let raw =
            options.w_centrality * centrality + options.w_position * position + options.w_entities * entities + options.w_keyphrases * kps;
        let len = content[i];
        let factor = if len < 4 {
            0.1
        } else if len > options.long_words {
            (options.long_words as f32 / len as f32).powf(options.long_penalty)
        } else {
            1.0
        };
        scores.push(raw * factor);

        // The opening: the first token that is not punctuation, and its first words.
        let toks = s.token_start..s.token_end.min(a.tokens.len());
        let first_tok = toks.clone().find(|&t| a.tokens[t].kind != TokenKind::Punct);
        let (opens_conj, opens_verb) = match first_tok {
            Some(t) => {
                let ws = &a.tokens[t].words;
                let conj = ws.first().is_some_and(|w| w.upos == "CCONJ");
                let verb = ws.iter().find(|w| w.upos != "CCONJ").is_some_and(|w| w.upos == "VERB");
                (conj, verb)
            }
            None => (false, false),
        };
        let dateline = dateline_end(a, s);
        datelines.push(dateline);
        // The part a summary shows: after the dateline, up to the end of the main clause.
        let shown_start = if options.trim_datelines { dateline.unwrap_or(s.start) } else { s.start };
        let clause = clause_end(a, s, shown_start);
        clauses.push(clause);
        let shown_end = if options.trim_clauses { clause.unwrap_or(s.end) } else { s.end };
        let (mut kept, mut all) = (0usize, 0usize);
        for t in &a.tokens[toks.clone()] {
            if is_content_token(t) {
                all += 1;
                kept += usize::from(t.start >= shown_start && t.end <= shown_end);
            }
        }
        let quote =
            toks.clone().any(|t| a.tokens[t].kind == TokenKind::Punct && matches!(a.tokens[t].text.as_str(), "\"" | "«" | "»" | "“" | "”"));
        let colon = toks.clone().any(|t| a.tokens[t].kind == TokenKind::Punct && a.tokens[t].text == ":");
        let ends_colon = toks.clone().next_back().is_some_and(|t| a.tokens[t].text == ":");
        let (link, caption_follows) = link_line(a, s);
        boilerplate.push(link || caption_next);
        caption_next = caption_follows;
        let first_full = len >= 4 && !boilerplate[i] && !seen_full;
        seen_full |= len >= 4 && !boilerplate[i];
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        features.push([
            1.0,
            centrality,
            position,
            b(i == 0),
            entities,
            kps,
            (1.0 + len as f32).ln(),
            b(len < 4),
            if len > 0 { idf_mass[i] / len as f32 } else { 0.0 },
            b(opens_conj),
            b(opens_verb),
            b(dateline.is_some()),
            b(quote),
            b(say[i]),
            (1.0 + names.len() as f32).ln(),
            i as f32 / n as f32,
            0.0, // the heuristic score relative to the best, filled in below
            b(colon),
            b(first_full),
            b(ends_colon),
            if len > 0 { kp_hits[i] as f32 / len as f32 } else { 0.0 },
            cosine(&vectors[i], norms[i], &vectors[lead], norms[lead]),
            b(len > 40),
            (1.0 + kept as f32).ln(),
            if all > 0 { kept as f32 / all as f32 } else { 0.0 },
            b(options.trim_clauses && clause.is_some()),
        ]);
    }
    let max = scores.iter().cloned().fold(0.0f32, f32::max);
    if max > 0.0 {
        for (f, s) in features.iter_mut().zip(&scores) {
            f[16] = s / max;
        }
    }
    SentenceScores { vectors, norms, scores, features, dateline_end: datelines, clause_end: clauses, boilerplate }
}

/// Pick the summary sentences.
fn summarise(a: &Analysis, text: &str, sc: &SentenceScores, options: &DigestOptions) -> Vec<SummarySentence> {
    let n = a.sentences.len();
    if n == 0 {
        return Vec::new();
    }
    let (vectors, norms, scores) = (&sc.vectors, &sc.norms, &sc.scores);
    let max = scores.iter().cloned().fold(0.0f32, f32::max);
    // Link lines are never picked (unless the text has nothing else).
    let candidates: Vec<usize> =
        if sc.boilerplate.iter().all(|&b| b) { (0..n).collect() } else { (0..n).filter(|&i| !sc.boilerplate[i]).collect() };
    let n_cand = candidates.len();
    let k = options.summary_sentences.min(n_cand);
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    // The lede: the sentence the lede model rates highest (the earliest on ties).
    let mut after = 0;
    if options.lede.iter().any(|&w| w != 0.0) {
        // With `lede_room`, only a sentence followed by k − 1 candidates can be the lede, so
        // that the summary, in article order, opens with it.
        let room = |i: usize| !options.lede_room || candidates.iter().filter(|&&j| j > i).count() + 1 >= k;
        let lede = candidates
            .iter()
            .filter(|&&i| room(i))
            .map(|&i| (i, sc.features[i].iter().zip(&options.lede).map(|(f, w)| f * w).sum::<f32>()))
            .max_by(|x, y| x.1.total_cmp(&y.1).then_with(|| y.0.cmp(&x.0)))
            .map_or(0, |x| x.0);
        picked.push(lede);
        if options.lede_first && candidates.iter().filter(|&&i| i >= lede).count() >= k {
            after = lede;
        }
    }
    while picked.len() < k {
        let best = candidates
            .iter()
            .copied()
            .filter(|&i| i >= after && !picked.contains(&i))
            .map(|i| {
                let rel = if max > 0.0 { scores[i] / max } else { 0.0 };
                let red = picked.iter().map(|&j| cosine(&vectors[i], norms[i], &vectors[j], norms[j])).fold(0.0f32, f32::max);
                (i, options.mmr_lambda * rel - (1.0 - options.mmr_lambda) * red)
            })
            .max_by(|x, y| x.1.total_cmp(&y.1).then_with(|| y.0.cmp(&x.0)));
        match best {
            Some((i, _)) => picked.push(i),
            None => break,
        }
    }
    picked.sort_unstable();
    picked
        .into_iter()
        .map(|i| {
            let (start, end) = summary_span(a, sc, i, options);
            SummarySentence { text: text[start..end].to_owned(), start, end, score: (scores[i] * 1000.0).round() / 1000.0 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_companions_match_the_keys_of_their_bare_forms() {
        // A lemma may come without its article (ماضي for الماضي): word_key gives both one key.
        for bare in ["ماضي", "مقبل", "قادم", "حالي", "جاري", "اول", "ثاني"] {
            let mut key = String::new();
            idf::word_key(bare, &mut key);
            assert!(CALENDAR_COMPANION_KEYS.contains(key.as_str()), "{bare}");
        }
    }
}
