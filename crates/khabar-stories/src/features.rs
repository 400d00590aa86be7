//! What the story engine needs from one article, extracted from its
//! [`Analysis`] (pure: runs on any thread, before the sequential assignment).

use khabar::{Analysis, Document, EntityRecord};
use khabar_text::TokenKind;
use serde::{Deserialize, Serialize};

use crate::hash::{combine, hash_bytes, hash_str, mix};
use crate::minhash::signature;
use crate::Options;

/// Hash namespaces.
const SEED_TERM: u64 = 1;
const SEED_ENTITY: u64 = 2;
const SEED_KEYPHRASE: u64 = 3;

/// The term of a folded lemma or stem ([`fold`]): what the body and headline vectors, and the
/// engine's corpus IDF table, are keyed by.
pub(crate) fn term_hash(folded: &str) -> u64 {
    hash_bytes(folded.as_bytes(), SEED_TERM)
}

/// Parts of speech whose lemmas describe an event.
fn is_content(upos: &str) -> bool {
    matches!(upos, "NOUN" | "PROPN" | "ADJ" | "VERB" | "X")
}

/// A lemma folded like search-normalised text (hamza seats, alef maqsura,
/// ta marbuta, diacritics) so that أعلن and اعلن are one term.
fn fold(lemma: &str, out: &mut String) {
    out.clear();
    for c in lemma.chars() {
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            c if khabar_text::is_tashkeel(c) || c == '\u{640}' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The key of one word of a person's name for [`Options::entity_name_prefix`]: the
/// folded word without its long vowels after the first letter (transliterated names
/// vary in them: المجيشي / المجايشي), or empty for a short word or a particle
/// (بن, آل, عبد, ابو…).
fn name_word(w: &str, out: &mut String) {
    out.clear();
    if w.chars().count() < 3 || matches!(w, "بن" | "ابن" | "بنت" | "ال" | "ابو" | "ابي" | "ام" | "عبد" | "الله" | "الدين")
    {
        return;
    }
    for (i, c) in w.chars().enumerate() {
        if i == 0 || !matches!(c, 'ا' | 'و' | 'ي') {
            out.push(c);
        }
    }
    if out.chars().count() < 3 {
        out.clear();
    }
}

/// The features of one article.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Features {
    /// Document id.
    pub id: String,
    /// Publication time, seconds since the epoch (`None`: the time it arrived is used).
    pub time: Option<i64>,
    /// Hash of the normalised body (its word and number tokens, search-normalised, one space apart);
    /// `None` for a body without words.
    pub exact: Option<u64>,
    /// MinHash signature of the body's word shingles (normalised words, [`Options::shingle`]
    /// at a time; [`Options::perms`] values; empty for a body without words).
    pub signature: Vec<u32>,
    /// Number of distinct shingles behind the signature.
    pub shingle_count: u32,
    /// The distinct shingles themselves (32-bit hashes, sorted): candidates found by the
    /// signature's LSH bands are confirmed on the exact sets (Jaccard and containment).
    #[serde(default)]
    pub shingles: Vec<u32>,
    /// The body's sentences (those of at least [`MIN_SENTENCE_WORDS`] distinct words), each
    /// as the sorted set of its normalised words (32-bit hashes): a candidate copy
    /// rewritten word by word is confirmed sentence by sentence ([`Options::dup_align`];
    /// empty when that rule is off).
    #[serde(default)]
    pub sentences: Vec<Vec<u32>>,
    /// Content lemmas of the body with their counts (hashed).
    pub terms: Vec<(u64, u32)>,
    /// Content lemmas of the headline (hashed, deduplicated).
    pub title_terms: Vec<u64>,
    /// Canonical entities (type and name, hashed, deduplicated).
    pub entities: Vec<u64>,
    /// Keyphrases (hashed, deduplicated): empty until the Analysis carries them; see [`Features::with_keyphrases`].
    pub keyphrases: Vec<u64>,
    /// Places (canonical LOC entities, hashed as in `entities`, deduplicated) named in the
    /// headline or the body's first sentence (an agency's dateline included): where the
    /// article says its news happened. Read by [`crate::Options::place_contrast`].
    #[serde(default)]
    pub places: Vec<u64>,
}

impl Features {
    /// Extract the features of `doc` from its analysis (`analysis` of the body,
    /// `title` of the headline when there is one; without it the headline's
    /// words are taken from the body analyser's tokeniser only).
    pub fn extract(doc: &Document, analysis: &Analysis, title: Option<&Analysis>, options: &Options) -> Features {
        let mut f = Features { id: doc.id.clone().unwrap_or_default(), time: None, ..Features::default() };
        // Normalised words: the exact hash and the shingles.
        let mut words: Vec<u64> = Vec::with_capacity(analysis.tokens.len());
        let mut body_hash: u64 = 0x1234_5678;
        let mut sentence: Vec<u32> = Vec::new();
        let mut si = 0usize;
        // Only the sentence rule reads them: without it they would only cost time, memory and state.
        let keep_sentences = options.dup_align > 0.0 || options.dup_offset > 0.0 || (options.dup_merge && options.dup_merge_mutual > 0.0);
        for t in &analysis.tokens {
            if matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word | TokenKind::Number) && !t.norm.is_empty() {
                let h = hash_str(&t.norm);
                body_hash = combine(body_hash, h);
                words.push(h);
                if !keep_sentences {
                    continue;
                }
                let mut next = false;
                while si < analysis.sentences.len() && t.start >= analysis.sentences[si].end {
                    si += 1;
                    next = true;
                }
                if next {
                    push_sentence(&mut f.sentences, &mut sentence);
                }
                sentence.push((h >> 32) as u32);
            }
        }
        push_sentence(&mut f.sentences, &mut sentence);
        if !words.is_empty() {
            f.exact = Some(mix(body_hash ^ words.len() as u64));
        }
        let k = options.shingle.max(1);
        let mut shingles: Vec<u64> = if words.len() >= k {
            words.windows(k).map(|w| w.iter().fold(0u64, |acc, &h| combine(acc, h))).collect()
        } else if !words.is_empty() {
            vec![words.iter().fold(0u64, |acc, &h| combine(acc, h))]
        } else {
            Vec::new()
        };
        shingles.sort_unstable();
        shingles.dedup();
        f.signature = signature(&shingles, options.perms);
        f.shingle_count = u32::try_from(shingles.len()).unwrap_or(u32::MAX);
        f.shingles = shingles.iter().map(|&h| (h >> 32) as u32).collect();
        f.shingles.sort_unstable();
        f.shingles.dedup();
        // Content lemmas.
        let mut counts: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        let mut buf = String::new();
        content_terms(analysis, &mut buf, |h| *counts.entry(h).or_default() += 1);
        f.terms = counts.into_iter().collect();
        f.terms.sort_unstable();
        if let Some(ta) = title {
            content_terms(ta, &mut buf, |h| f.title_terms.push(h));
        } else if let Some(t) = &doc.title {
            for tok in khabar_text::tokenize(t) {
                if matches!(tok.kind, TokenKind::Arabic | TokenKind::Latin) {
                    let n = khabar_text::normalize(tok.text(t), khabar_text::Profile::Search);
                    if !khabar_text::is_stopword(&n) {
                        f.title_terms.push(term_hash(khabar_text::light_stem(&n)));
                    }
                }
            }
        }
        f.title_terms.sort_unstable();
        f.title_terms.dedup();
        let mut word = String::new();
        for e in &analysis.entities {
            if let Some(key) = entity_key(e, &mut buf) {
                if options.entity_name_prefix && e.kind == "PER" {
                    // The first two words of a name of three or more (particles left out):
                    // «أحمد جعفر المجايشي» and «أحمد جعفر حسن البارقي» are one man.
                    let keys: Vec<String> = buf
                        .split_whitespace()
                        .filter_map(|w| {
                            name_word(w, &mut word);
                            (!word.is_empty()).then(|| word.clone())
                        })
                        .collect();
                    if keys.len() >= 3 {
                        let prefix = format!("{} {}", keys[0], keys[1]);
                        f.entities.push(combine(hash_bytes(b"PER-PREFIX", SEED_ENTITY), hash_str(&prefix)));
                    }
                }
                f.entities.push(key);
            }
        }
        f.entities.sort_unstable();
        f.entities.dedup();
        // Places of the headline and of the lead (the first sentence).
        let lead_end = analysis.sentences.first().map_or(usize::MAX, |s| s.end);
        let lead = analysis.entities.iter().filter(|e| e.start < lead_end);
        for e in lead.chain(title.into_iter().flat_map(|t| t.entities.iter())) {
            if e.kind == "LOC" {
                if let Some(key) = entity_key(e, &mut buf) {
                    f.places.push(key);
                }
            }
        }
        f.places.sort_unstable();
        f.places.dedup();
        f
    }

    /// Set the publication time (seconds since the epoch).
    pub fn with_time(mut self, time: Option<i64>) -> Features {
        self.time = time;
        self
    }

    /// Add keyphrases (the lemma form of the Analysis' `keyphrases`, so that
    /// inflected mentions match): they count like entities, by shared phrase.
    pub fn with_keyphrases<'a>(mut self, phrases: impl IntoIterator<Item = &'a str>) -> Features {
        let mut buf = String::new();
        for p in phrases {
            fold(p.trim(), &mut buf);
            if !buf.is_empty() {
                self.keyphrases.push(hash_bytes(buf.as_bytes(), SEED_KEYPHRASE));
            }
        }
        self.keyphrases.sort_unstable();
        self.keyphrases.dedup();
        self
    }
}

/// The hash an entity counts by: its type with its folded canonical name (its text when
/// it has none), the folded name left in `buf`; `None` for an empty name.
fn entity_key(e: &EntityRecord, buf: &mut String) -> Option<u64> {
    let name = if e.canonical.trim().is_empty() { e.text.trim() } else { e.canonical.trim() };
    if name.is_empty() {
        return None;
    }
    fold(name, buf);
    Some(combine(hash_bytes(e.kind.as_bytes(), SEED_ENTITY), hash_str(buf)))
}

/// Fewest distinct words of a sentence kept in [`Features::sentences`].
pub const MIN_SENTENCE_WORDS: usize = 4;

/// Keep `sentence` (sorted, distinct) when it has enough words; empty it.
fn push_sentence(out: &mut Vec<Vec<u32>>, sentence: &mut Vec<u32>) {
    sentence.sort_unstable();
    sentence.dedup();
    if sentence.len() >= MIN_SENTENCE_WORDS {
        out.push(std::mem::take(sentence));
    } else {
        sentence.clear();
    }
}

/// Calls `emit` with the hash of every content lemma of the analysis (the
/// lemma of each content word when the morphology filled `words`, else the
/// light stem of an Arabic or Latin non-stopword token).
fn content_terms(analysis: &Analysis, buf: &mut String, mut emit: impl FnMut(u64)) {
    for t in &analysis.tokens {
        if !matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word) {
            continue;
        }
        if t.words.is_empty() {
            if t.stopword || t.norm.chars().count() < 2 {
                continue;
            }
            let stem = t.stem.as_deref().unwrap_or(&t.norm);
            fold(stem, buf);
            emit(term_hash(buf));
            continue;
        }
        for w in &t.words {
            if !is_content(&w.upos) || w.lemma.is_empty() {
                continue;
            }
            fold(&w.lemma, buf);
            if buf.chars().count() < 2 || khabar_text::is_stopword(buf) {
                continue;
            }
            emit(term_hash(buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_word;

    #[test]
    fn name_words_fold_long_vowels_and_skip_particles() {
        let key = |w: &str| {
            let mut out = String::new();
            name_word(w, &mut out);
            out
        };
        // Two spellings of one surname give one key.
        assert_eq!(key("المجيشي"), key("المجايشي"));
        assert_ne!(key("المجيشي"), key("العمري"));
        for particle in ["بن", "آل", "عبد", "ابو", "الله"] {
            assert_eq!(key(particle), "", "{particle}");
        }
        // Words left with fewer than three letters are dropped, and nothing panics on odd input.
        assert_eq!(key("ياو"), "");
        assert_eq!(key(""), "");
    }

    #[test]
    fn variants_of_a_long_person_name_share_its_prefix_entity() {
        use super::Features;
        use crate::Options;
        use khabar::{Analysis, Document, EntityRecord};
        let entities = |names: &[(&str, &str)]| -> Vec<u64> {
            let analysis = Analysis {
                entities: names
                    .iter()
                    .map(|(kind, name)| EntityRecord {
                        text: (*name).into(),
                        start: 0,
                        end: 0,
                        kind: (*kind).into(),
                        canonical: (*name).into(),
                        score: 1.0,
                    })
                    .collect(),
                ..Analysis::default()
            };
            let on = Options { entity_name_prefix: true, ..Options::default() };
            Features::extract(&Document::default(), &analysis, None, &on).entities
        };
        let shared = |a: &[u64], b: &[u64]| a.iter().filter(|x| b.contains(x)).count();
        // One victim with and without a middle name, in two spellings: one shared key.
        assert_eq!(shared(&entities(&[("PER", "أحمد جعفر المجايشي")]), &entities(&[("PER", "أحمد جعفر حسن البارقي")])), 1);
        // Two-word names, other types, and other people add nothing shared.
        assert_eq!(entities(&[("PER", "عزام الدخيل")]).len(), 1);
        assert_eq!(entities(&[("LOC", "ظهران الجنوب الشمالي")]).len(), 1);
        assert_eq!(shared(&entities(&[("PER", "أحمد جعفر المجايشي")]), &entities(&[("PER", "محمد علي ياسين")])), 0);
        // Off: only the full names.
        let off = Features::extract(
            &Document::default(),
            &Analysis {
                entities: vec![EntityRecord {
                    text: "أحمد جعفر المجايشي".into(),
                    start: 0,
                    end: 0,
                    kind: "PER".into(),
                    canonical: "أحمد جعفر المجايشي".into(),
                    score: 1.0,
                }],
                ..Analysis::default()
            },
            None,
            &Options { entity_name_prefix: false, ..Options::default() },
        );
        assert_eq!(off.entities.len(), 1);
    }
}
