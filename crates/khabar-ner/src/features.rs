//! Token analysis and hashed features.

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// The hasher of [`StableMap`]: a small FxHash-style hasher that must stay bit-stable, so it
/// is not replaced by `rustc_hash` (whose FxHasher hashes differently): the trainer's corpus
/// lexicons walk a map with this hasher. Until session s18 the form counts were built in its
/// order (`train::corpus_lex`: a word's `=form` entry set `forms[f]` and its bare entry added
/// to it, so when the bare entry came first its count was overwritten; with rustc-hash there,
/// session s16, `khabar train ner` wrote a model whose `#F` section differed in 90 counts).
/// The two parts are now summed whatever the order; whether any other walk of these maps
/// depends on the order was not checked, so the hasher stays.
#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    h: u64,
}

const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.h = (self.h.rotate_left(5) ^ w).wrapping_mul(FX_K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.add(u64::from_le_bytes(a));
        }
        let r = chunks.remainder();
        if !r.is_empty() {
            let mut a = [0u8; 8];
            a[..r.len()].copy_from_slice(r);
            self.add(u64::from_le_bytes(a));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.h
    }
}

/// A map whose iteration order the trained model depends on (the corpus counters of
/// `train::count_over_bodies`): keyed with the bit-stable [`FxHasher`].
pub type StableMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// `HashMap` with rustc-hash's Fx hasher, for the many short-string and u64 lookups. No hash
/// value of it is stored or turned into a feature (features use [`fnv`] and [`mix`]), and these
/// maps are walked only where the order does not matter (sums, inserts into other maps) or
/// after sorting (the model file): `khabar train ner` rebuilds models/ner.bin byte for byte.
pub type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

use khabar_text::{normalize_into, Profile, Token, TokenKind};

use crate::clitic::{self, Clitics};

/// Gazetteer type bits.
pub const G_PER: u8 = 1;
pub const G_LOC: u8 = 2;
pub const G_ORG: u8 = 4;
pub const G_COUNTRY: u8 = 8;
/// Not a type: a one-word person entry that the unlabelled corpus shows to be
/// an ordinary word (`train::clean_person_gazetteer`). No feature reads it.
pub const G_COMMON: u8 = 16;

/// Longest gazetteer phrase, in words.
pub const GAZ_MAX: usize = 4;

/// FNV-1a.
#[inline]
pub fn fnv(s: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[inline]
pub fn mix(tid: u64, h: u64) -> u64 {
    let mut z = h ^ tid.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[inline]
fn pair(a: u64, b: u64) -> u64 {
    a.rotate_left(23) ^ b.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// Gazetteer: normalised phrase (words joined by one space) → type bits.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    pub map: HashMap<String, u8>,
    /// First words of the multi-word entries.
    pub firsts: HashMap<String, u8>,
    /// Agency-style organisation heads generalised from the entries, built on
    /// first use (see `post::AgencyHeads`).
    pub agency: std::sync::OnceLock<crate::post::AgencyHeads>,
}

impl Gazetteer {
    pub fn insert(&mut self, phrase: &str, bits: u8) {
        let mut norm = String::new();
        normalize_into(phrase.trim(), Profile::Search, &mut norm);
        let words: Vec<&str> = norm.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() || words.len() > GAZ_MAX {
            return;
        }
        if words.iter().any(|w| !w.chars().all(khabar_text::is_arabic_letter)) {
            return;
        }
        let key = words.join(" ");
        if key.chars().count() < 2 {
            return;
        }
        if words.len() > 1 {
            self.firsts.insert(words[0].to_string(), 1);
        }
        *self.map.entry(key).or_insert(0) |= bits;
    }

    /// Insert an already normalised phrase (from a model file).
    pub fn insert_normalised(&mut self, key: &str, bits: u8) {
        if let Some((first, _)) = key.split_once(' ') {
            self.firsts.insert(first.to_string(), 1);
        }
        self.map.insert(key.to_string(), bits);
    }
}

/// Generic trigger words (search-normalised, without the article). Category:
/// 1 person title/role, 2 place noun, 3 organisation noun, 4 speech verb.
pub const TRIGGERS: &[(&str, u8)] = &[
    ("رييس", 1),
    ("رييسه", 1),
    ("سيد", 1),
    ("سيده", 1),
    ("ملك", 1),
    ("ملكه", 1),
    ("امير", 1),
    ("اميره", 1),
    ("شيخ", 1),
    ("وزير", 1),
    ("وزيره", 1),
    ("دكتور", 1),
    ("نايب", 1),
    ("جنرال", 1),
    ("عقيد", 1),
    ("عميد", 1),
    ("لواء", 1),
    ("مستشار", 1),
    ("لاعب", 1),
    ("مدرب", 1),
    ("زعيم", 1),
    ("بابا", 1),
    ("امين", 1),
    ("متحدث", 1),
    ("سفير", 1),
    ("مبعوث", 1),
    ("مدير", 1),
    ("قايد", 1),
    ("نجم", 1),
    ("فنان", 1),
    ("فنانه", 1),
    ("كاتب", 1),
    ("مؤلف", 1),
    ("شاعر", 1),
    ("مغني", 1),
    ("اللاعب", 1),
    ("رييسا", 1),
    ("الرييس", 1),
    ("النايب", 1),
    ("المستشاره", 1),
    ("مستشاره", 1),
    ("مراسل", 1),
    ("زوجه", 1),
    ("ابن", 1),
    ("بن", 1),
    ("بنت", 1),
    ("ابو", 1),
    ("ام", 1),
    ("مدينه", 2),
    ("عاصمه", 2),
    ("بلده", 2),
    ("قريه", 2),
    ("ولايه", 2),
    ("محافظه", 2),
    ("منطقه", 2),
    ("جزيره", 2),
    ("جزر", 2),
    ("نهر", 2),
    ("جبل", 2),
    ("اقليم", 2),
    ("دوله", 2),
    ("بلاد", 2),
    ("مقاطعه", 2),
    ("شمال", 2),
    ("جنوب", 2),
    ("شرق", 2),
    ("غرب", 2),
    ("وسط", 2),
    ("بحر", 2),
    ("مخيم", 2),
    ("حي", 2),
    ("ميناء", 2),
    ("مطار", 2),
    ("عاصمتها", 2),
    ("شركه", 3),
    ("وكاله", 3),
    ("جامعه", 3),
    ("حزب", 3),
    ("منظمه", 3),
    ("حركه", 3),
    ("مجلس", 3),
    ("وزاره", 3),
    ("بنك", 3),
    ("جمعيه", 3),
    ("اتحاد", 3),
    ("صحيفه", 3),
    ("نادي", 3),
    ("مؤسسه", 3),
    ("هييه", 3),
    ("جبهه", 3),
    ("مجموعه", 3),
    ("منتخب", 3),
    ("فريق", 3),
    ("محكمه", 3),
    ("لجنه", 3),
    ("مركز", 3),
    ("معهد", 3),
    ("قناه", 3),
    ("تلفزيون", 3),
    ("اذاعه", 3),
    ("جيش", 3),
    ("مصرف", 3),
    ("قال", 4),
    ("قالت", 4),
    ("اضاف", 4),
    ("اضافت", 4),
    ("اكد", 4),
    ("اكدت", 4),
    ("اعلن", 4),
    ("اعلنت", 4),
    ("صرح", 4),
    ("اوضح", 4),
    ("اشار", 4),
    ("التقي", 4),
    ("استقبل", 4),
    ("بحث", 4),
];

/// A token's normalised form, shared (not copied) between the one-token
/// analyses' cache and the sentences that read it: cloning it copies no
/// text. The empty form holds nothing, so a default [`TokInfo`] allocates
/// nothing. Reads, compares and hashes as its `str`.
#[derive(Clone, Default)]
pub struct Form(Option<Arc<str>>);

impl Form {
    /// A shared copy of `s`.
    pub fn new(s: &str) -> Form {
        Form((!s.is_empty()).then(|| Arc::from(s)))
    }
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

impl std::ops::Deref for Form {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Form {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Form {
    fn eq(&self, o: &Form) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for Form {}

impl PartialEq<str> for Form {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Form {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl std::hash::Hash for Form {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// Per-token analysis used for features, spans and canonical names.
#[derive(Clone, Debug, Default)]
pub struct TokInfo {
    pub kind_code: u8,
    pub clit: Clitics,
    /// Search-normalised full surface.
    pub norm: Form,
    /// Normalised form after conjunction + preposition (keeps the article).
    pub prep: Form,
    /// Normalised core (every proclitic removed).
    pub core: Form,
    pub h_norm: u64,
    pub h_prep: u64,
    pub h_core: u64,
    pub h_shape: u64,
    pub trigger: u8,
    /// Gazetteer match bits: low nibble B-, high nibble I-.
    pub gaz: u8,
    /// Gazetteer bits of the single word (any form).
    pub gaz1: u8,
    /// Whether a multi-word gazetteer entry can start with this word's
    /// `prep` (bit 1) or `core` (bit 2): looked up once per analysis, so
    /// that a cached one costs no lookup.
    pub gaz_starts: u8,
    pub char_len: usize,
    /// Corpus statistics code of the core (0: unseen), see [`corpus_code`].
    pub cstat: u32,
    /// Hashes of the core's prefixes (1–3 letters) and suffixes (1–3 letters); 0 if none.
    pub affix: [u64; 6],
    /// Hash of the core's last two letters (cores of 3+ letters), else 0.
    pub suf2: u64,
    /// Morphology (see [`add_morph`]): UPOS index + 1 of the token's head
    /// word (0: no morphology given).
    pub upos: u8,
    /// UPOS indices of up to 4 words of the token (5 bits each).
    pub useq: u32,
    /// Hash of the head word's lemma.
    pub h_lemma: u64,
}

/// Add the morphology tagger's analysis (one `Vec<Word>` per token, in
/// order) to analysed tokens. The head word of a token is its longest word
/// (the first of equals): the name in و + بوتين, the noun in ل + ال + مدينة.
pub fn add_morph(out: &mut [TokInfo], words: &[Vec<khabar_morph::Word>]) {
    for (ti, ws) in out.iter_mut().zip(words) {
        let Some(head) = ws.iter().rev().max_by_key(|w| w.form.chars().count()) else {
            continue;
        };
        ti.upos = head.upos.index() as u8 + 1;
        ti.useq = ws.iter().take(4).fold(0u32, |a, w| a << 5 | (w.upos.index() as u32 + 1));
        ti.h_lemma = fnv(head.lemma.as_bytes());
    }
}

/// Corpus lexicon: normalised core → packed statistics code.
pub type CorpusLex = HashMap<String, u32>;

fn ratio5(k: u32, n: u32) -> u32 {
    if k == 0 {
        0
    } else {
        let r = k as f64 / n.max(1) as f64;
        if r < 0.02 {
            1
        } else if r < 0.1 {
            2
        } else if r < 0.3 {
            3
        } else {
            4
        }
    }
}

/// Pack counts [total, with article, after a person trigger, after a place
/// trigger, after an organisation trigger, with another proclitic, next to a
/// gazetteer person name, after a place preposition] into a code.
pub fn corpus_code(c: &[u32; 8]) -> u32 {
    let n = c[0];
    let fb = match n {
        0..=4 => 1,
        5..=19 => 2,
        20..=99 => 3,
        100..=499 => 4,
        500..=1999 => 5,
        _ => 6,
    };
    fb | ratio5(c[1], n) << 3
        | ratio5(c[2], n) << 6
        | ratio5(c[3], n) << 9
        | ratio5(c[4], n) << 12
        | ratio5(c[5], n) << 15
        | ratio5(c[6], n) << 18
        | ratio5(c[7], n) << 21
}

fn kind_code(k: TokenKind) -> u8 {
    match k {
        TokenKind::Arabic => 0,
        TokenKind::Latin => 1,
        TokenKind::Word => 2,
        TokenKind::Number => 3,
        TokenKind::Punct => 4,
        TokenKind::Symbol => 5,
        TokenKind::Url => 6,
        TokenKind::Email => 7,
        TokenKind::Mention => 8,
        TokenKind::Hashtag => 9,
    }
}

/// Most distinct surfaces an [`analyse_tokens_with`] cache keeps (it starts
/// again when full).
pub const TOKEN_CACHE_MAX: usize = 1 << 14;

/// Analyse a run of tokens (one sentence) of `text`.
pub fn analyse_tokens(
    text: &str,
    tokens: &[Token],
    gaz: &Gazetteer,
    trig: &HashMap<&'static str, u8>,
    lex: &CorpusLex,
    out: &mut Vec<TokInfo>,
) {
    analyse_tokens_with(text, tokens, gaz, trig, lex, None, out)
}

/// [`analyse_tokens`], reusing the one-token analyses (before the multi-word
/// gazetteer matches) kept in `cache` by surface: a token's analysis reads
/// only its surface and kind (the test `cached_analysis_is_the_same` checks
/// this), so a cache must only ever be used with one `gaz`, `trig` and `lex`.
pub fn analyse_tokens_with(
    text: &str,
    tokens: &[Token],
    gaz: &Gazetteer,
    trig: &HashMap<&'static str, u8>,
    lex: &CorpusLex,
    mut cache: Option<&mut HashMap<String, TokInfo>>,
    out: &mut Vec<TokInfo>,
) {
    out.clear();
    out.reserve(tokens.len());
    let mut buf = String::new();
    for t in tokens {
        let surface = t.text(text);
        let Some(c) = cache.as_deref_mut() else {
            out.push(analyse_token(surface, t.kind, gaz, trig, lex, &mut buf));
            continue;
        };
        match c.get(surface) {
            Some(ti) if ti.kind_code == kind_code(t.kind) => out.push(ti.clone()),
            _ => {
                let ti = analyse_token(surface, t.kind, gaz, trig, lex, &mut buf);
                if c.len() >= TOKEN_CACHE_MAX {
                    c.clear();
                }
                c.insert(surface.to_owned(), ti.clone());
                out.push(ti);
            }
        }
    }
    gazetteer_matches(gaz, out);
}

/// One token's analysis (all but the multi-word gazetteer bits); `buf` is
/// scratch room for the normalised forms.
fn analyse_token(
    surface: &str,
    kind: TokenKind,
    gaz: &Gazetteer,
    trig: &HashMap<&'static str, u8>,
    lex: &CorpusLex,
    buf: &mut String,
) -> TokInfo {
    let mut ti = TokInfo { kind_code: kind_code(kind), ..Default::default() };
    buf.clear();
    normalize_into(surface, Profile::Search, buf);
    ti.char_len = buf.chars().count();
    if kind == TokenKind::Arabic {
        ti.clit = clitic::analyse(surface);
        ti.norm = Form::new(buf);
        // a form equal to a longer one shares its text
        let share = |s: &str, longer: &Form| if longer.as_str() == s { longer.clone() } else { Form::new(s) };
        if buf == surface {
            // nothing to fold, so the tails fold to themselves too (the test
            // `unfolded_text_has_unfolded_tails` checks this of the normaliser)
            ti.prep = share(&surface[ti.clit.prep..], &ti.norm);
            ti.core = share(&surface[ti.clit.core()..], &ti.prep);
        } else {
            buf.clear();
            normalize_into(&surface[ti.clit.prep..], Profile::Search, buf);
            ti.prep = share(buf, &ti.norm);
            buf.clear();
            normalize_into(&surface[ti.clit.core()..], Profile::Search, buf);
            ti.core = share(buf, &ti.prep);
        }
    } else {
        if kind == TokenKind::Number {
            ti.norm = Form::new(if ti.char_len <= 2 {
                "<N2>"
            } else if ti.char_len == 4 {
                "<N4>"
            } else {
                "<N>"
            });
        } else {
            ti.norm = Form::new(buf);
        }
        ti.prep = ti.norm.clone();
        ti.core = ti.norm.clone();
    }
    ti.h_norm = fnv(ti.norm.as_bytes());
    ti.h_prep = fnv(ti.prep.as_bytes());
    ti.h_core = fnv(ti.core.as_bytes());
    if kind == TokenKind::Arabic {
        let core = ti.core.as_bytes();
        // byte offsets of the first four and the last three characters
        let mut head = [core.len(); 4];
        for (slot, (i, _)) in head.iter_mut().zip(ti.core.char_indices()) {
            *slot = i;
        }
        let mut tail = [0usize; 4];
        for (slot, (i, _)) in tail.iter_mut().skip(1).zip(ti.core.char_indices().rev()) {
            *slot = i;
        }
        let cl = ti.core.chars().count();
        if cl >= 2 {
            for k in 1..=3usize.min(cl - 1) {
                ti.affix[k - 1] = fnv(&core[..head[k]]);
                ti.affix[2 + k] = fnv(&core[tail[k]..]);
            }
        }
        if cl >= 3 {
            ti.suf2 = fnv(&core[tail[2]..]);
        }
    }
    let lb = ti.char_len.min(8) as u64;
    ti.h_shape = (ti.kind_code as u64) << 8 | lb << 4 | ti.clit.pattern as u64;
    ti.trigger = trig.get(ti.core.as_str()).or_else(|| trig.get(ti.norm.as_str())).copied().unwrap_or(0);
    if kind == TokenKind::Arabic {
        let mut g = 0u8;
        for f in [&ti.norm, &ti.prep, &ti.core] {
            if let Some(&b) = gaz.map.get(f.as_str()) {
                g |= b;
            }
        }
        ti.gaz1 = g;
        ti.gaz_starts = gaz.firsts.contains_key(ti.prep.as_str()) as u8 | (gaz.firsts.contains_key(ti.core.as_str()) as u8) << 1;
        ti.cstat = lex.get(ti.core.as_str()).copied().unwrap_or(0);
    }
    ti
}

/// Set the gazetteer bits of analysed tokens: the longest multi-word match
/// from each start, else the single word's bits.
fn gazetteer_matches(gaz: &Gazetteer, out: &mut [TokInfo]) {
    // multi-word gazetteer matches (longest first from each start)
    let n = out.len();
    let mut key = String::new();
    let mut i = 0;
    while i < n {
        if out[i].kind_code != 0 {
            i += 1;
            continue;
        }
        let mut matched = 0usize;
        let mut bits = 0u8;
        // which of the two forms can start an entry (looked up once; no
        // span length to try when neither can)
        let starts = [out[i].gaz_starts & 1 != 0, out[i].gaz_starts & 2 != 0];
        let longest = if starts[0] || starts[1] { GAZ_MAX.min(n - i) } else { 1 };
        'len: for len in (2..=longest).rev() {
            if out[i + 1..i + len].iter().any(|t| t.kind_code != 0) {
                continue;
            }
            for first in 0..2 {
                let fw = if first == 0 { &out[i].prep } else { &out[i].core };
                if !starts[first] {
                    continue;
                }
                key.clear();
                key.push_str(fw);
                for t in &out[i + 1..i + len] {
                    key.push(' ');
                    key.push_str(&t.norm);
                }
                if let Some(&b) = gaz.map.get(key.as_str()) {
                    matched = len;
                    bits = b;
                    break 'len;
                }
            }
        }
        if matched == 0 {
            if out[i].gaz1 != 0 {
                out[i].gaz |= out[i].gaz1 & 0x0f;
            }
            i += 1;
        } else {
            out[i].gaz |= bits & 0x0f;
            for t in &mut out[i + 1..i + matched] {
                t.gaz |= (bits & 0x0f) << 4;
            }
            i += matched;
        }
    }
}

/// Groups of context feature templates that a model can be trained and run
/// without (bits of [`Omit`]; session 13, issue 5: each costs uncached weight
/// lookups per token). The shipped model omits none.
pub mod omit {
    /// Shape of the token with the previous token's shape (template 6).
    pub const SHAPE_PAIR: u32 = 1;
    /// Core bigrams of the token with its left / right neighbour (36, 37).
    pub const CORE_PAIR: u32 = 2;
    /// Core bigrams of the two left / the two right neighbours (38, 39).
    pub const OUTER_PAIR: u32 = 4;
    /// Gazetteer bits with the left neighbour's bits, and the left and right
    /// neighbours' bits together (60–67, 70).
    pub const GAZ_CONTEXT: u32 = 8;
    /// Triggers at −2 and −1 together; trigger at −1 with the token's
    /// gazetteer bits (81, 83).
    pub const TRIGGER_PAIR: u32 = 16;
    /// Corpus statistics of the left and right neighbours (159–161).
    pub const CORPUS_CONTEXT: u32 = 32;
    /// Word-class pairs with the left / right neighbour (174, 175).
    pub const CLASS_PAIR: u32 = 64;
    /// Second pass: document label statistics of the token's core with its
    /// first-pass label (120–123).
    pub const STAT_LABEL: u32 = 128;
    /// Second pass: document label statistics of the neighbours' cores
    /// (130–133, 140–143).
    pub const STAT_NEIGHBOURS: u32 = 256;
    /// Every group, by the name `--omit` takes.
    pub const NAMES: &[(&str, u32)] = &[
        ("shape-pair", SHAPE_PAIR),
        ("core-pair", CORE_PAIR),
        ("outer-pair", OUTER_PAIR),
        ("gaz-context", GAZ_CONTEXT),
        ("trigger-pair", TRIGGER_PAIR),
        ("corpus-context", CORPUS_CONTEXT),
        ("class-pair", CLASS_PAIR),
        ("stat-label", STAT_LABEL),
        ("stat-neighbours", STAT_NEIGHBOURS),
    ];
}

/// The template groups ([`omit`]) a model leaves out; `Omit::default()` is
/// the full set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omit(pub u32);

impl Omit {
    /// Whether group `g` (an [`omit`] constant) is kept.
    #[inline]
    pub fn keeps(self, g: u32) -> bool {
        self.0 & g == 0
    }

    /// Parse a comma-separated list of group names (see [`omit::NAMES`]).
    pub fn parse(list: &str) -> Option<Omit> {
        let mut bits = 0;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            bits |= omit::NAMES.iter().find(|(n, _)| *n == name)?.1;
        }
        Some(Omit(bits))
    }

    /// The group names, comma-separated ("" for the full set).
    pub fn names(self) -> String {
        omit::NAMES.iter().filter(|(_, b)| self.0 & b != 0).map(|(n, _)| *n).collect::<Vec<_>>().join(",")
    }
}

/// Which of a token's base features to compute: all of them, only those
/// that read nothing but the token itself ([`OwnKey`]), or the context
/// features besides those that read one neighbour only. `Own`, `Pair` and the
/// four neighbours' [`neighbour_features`] together give the features of
/// `All`, in a different order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    All,
    Own,
    /// The context features that read more than one neighbour (or the
    /// token, the sentence or the document besides one): all but the own
    /// features, the [`neighbour_features`] of the tokens at ±1 and ±2 and
    /// the [`pos_window_features`].
    Pair,
}

/// The fields of a token that its [`Part::Own`] features and the
/// [`neighbour_features`] it gives the tokens around it read: two tokens
/// with equal keys have equal such features wherever they stand (the test
/// `own_features_read_only_the_own_key` checks this), so their summed
/// weights can be reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OwnKey {
    h_norm: u64,
    h_prep: u64,
    h_core: u64,
    h_shape: u64,
    h_lemma: u64,
    affix: [u64; 6],
    cstat: u32,
    useq: u32,
    gaz: u8,
    gaz1: u8,
    upos: u8,
    suf2: u64,
    trigger: u8,
}

impl OwnKey {
    pub fn of(t: &TokInfo) -> OwnKey {
        OwnKey {
            h_norm: t.h_norm,
            h_prep: t.h_prep,
            h_core: t.h_core,
            h_shape: t.h_shape,
            h_lemma: t.h_lemma,
            affix: t.affix,
            cstat: t.cstat,
            useq: t.useq,
            gaz: t.gaz,
            gaz1: t.gaz1,
            upos: t.upos,
            suf2: t.suf2,
            trigger: t.trigger,
        }
    }
}

/// The value a missing neighbour at offset `d` (before the sentence or after
/// it) gives the core and word features.
fn boundary(d: isize) -> u64 {
    0x1111 ^ (d as u64)
}

/// The features of a token that read one neighbour only, the one at offset
/// `d` (−2, −1, 1 or 2; `x` is `None` past the sentence's edge): with `lemma`
/// the neighbour's part of speech and lemma features (only for ±1, and only
/// read when the token itself has a part of speech), else the others. Every
/// token's [`Part::All`] features are its own, its [`Part::Pair`] ones, these
/// of its four neighbours and (when it has a part of speech) the
/// [`pos_window_features`] of the parts of speech around it.
pub fn neighbour_features(x: Option<&TokInfo>, d: isize, lemma: bool, out: &mut Vec<u64>) {
    let empty = TokInfo::default();
    let (t, hc, hn) = match x {
        Some(t) => (t, t.h_core, t.h_norm),
        None => (&empty, boundary(d), boundary(d)),
    };
    match (d, lemma) {
        (-1, false) => {
            out.push(mix(30, hc));
            out.push(mix(34, hn));
            out.push(mix(41, t.suf2));
            out.push(mix(80, t.trigger as u64));
        }
        (1, false) => {
            out.push(mix(32, hc));
            out.push(mix(35, hn));
            out.push(mix(40, t.suf2));
            out.push(mix(82, t.trigger as u64));
        }
        (-2, false) => out.push(mix(31, hc)),
        (2, false) => out.push(mix(33, hc)),
        (-1, true) => {
            out.push(mix(183, t.upos as u64));
            out.push(mix(190, pair(t.h_lemma, 1)));
        }
        (1, true) => {
            out.push(mix(184, t.upos as u64));
            out.push(mix(191, pair(t.h_lemma, 2)));
        }
        _ => {}
    }
}

/// The features of a token with a part of speech that read the parts of
/// speech `u` of the tokens at −2..=2 together (UPOS index + 1, 0 for none
/// or past the sentence's edge; `u[2]` is the token's own).
pub fn pos_window_features(u: [u8; 5], out: &mut Vec<u64>) {
    let u = u.map(u64::from);
    out.push(mix(185, u[1] << 8 | u[2]));
    out.push(mix(186, u[2] << 8 | u[3]));
    out.push(mix(187, u[0] << 16 | u[1] << 8 | u[2]));
    out.push(mix(188, u[2] << 16 | u[3] << 8 | u[4]));
    out.push(mix(189, u[1] << 16 | u[2] << 8 | u[3]));
}

/// The parts of speech around token `i` that [`pos_window_features`] reads.
pub fn pos_window(toks: &[TokInfo], i: usize) -> [u8; 5] {
    let mut u = [0u8; 5];
    for (k, slot) in u.iter_mut().enumerate() {
        if let Some(t) = (i + k).checked_sub(2).and_then(|j| toks.get(j)) {
            *slot = t.upos;
        }
    }
    u
}

/// The base features of token `i` (the first pass's, and the second's
/// besides its stacked ones).
pub fn token_features(toks: &[TokInfo], i: usize, doc: Option<&HashMap<u64, u8>>, omit: Omit, out: &mut Vec<u64>) {
    token_features_part(toks, i, doc, Part::All, omit, out)
}

/// [`token_features`], or one [`Part`] of them. With `Part::All` the order is
/// the training order (float sums in training depend on it).
pub fn token_features_part(toks: &[TokInfo], i: usize, doc: Option<&HashMap<u64, u8>>, part: Part, omit: Omit, out: &mut Vec<u64>) {
    let own = matches!(part, Part::All | Part::Own);
    let ctx = part != Part::Own;
    // the features that read one neighbour only (see neighbour_features)
    let single = part == Part::All;
    let t = &toks[i];
    let empty = TokInfo::default();
    let at = |d: isize| -> &TokInfo {
        let j = i as isize + d;
        if j < 0 || j as usize >= toks.len() {
            &empty
        } else {
            &toks[j as usize]
        }
    };
    let hc = |d: isize| -> u64 {
        let j = i as isize + d;
        if j < 0 || j as usize >= toks.len() {
            boundary(d)
        } else {
            toks[j as usize].h_core
        }
    };
    let hn = |d: isize| -> u64 {
        let j = i as isize + d;
        if j < 0 || j as usize >= toks.len() {
            boundary(d)
        } else {
            toks[j as usize].h_norm
        }
    };
    if own {
        out.push(mix(1, 0));
        out.push(mix(2, t.h_norm));
        out.push(mix(3, t.h_core));
        out.push(mix(4, t.h_prep));
        // affixes of the core
        for k in 0..3 {
            if t.affix[k] != 0 {
                out.push(mix(11 + k as u64, t.affix[k]));
            }
            if t.affix[3 + k] != 0 {
                out.push(mix(21 + k as u64, t.affix[3 + k]));
            }
        }
        out.push(mix(5, t.h_shape));
    }
    if !ctx {
        return own_tail(t, out);
    }
    if omit.keeps(omit::SHAPE_PAIR) {
        out.push(mix(6, pair(t.h_shape, at(-1).h_shape)));
    }
    // neighbours
    if single {
        out.push(mix(30, hc(-1)));
        out.push(mix(31, hc(-2)));
        out.push(mix(32, hc(1)));
        out.push(mix(33, hc(2)));
        out.push(mix(34, hn(-1)));
        out.push(mix(35, hn(1)));
    }
    if omit.keeps(omit::CORE_PAIR) {
        out.push(mix(36, pair(hc(-1), t.h_core)));
        out.push(mix(37, pair(t.h_core, hc(1))));
    }
    if omit.keeps(omit::OUTER_PAIR) {
        out.push(mix(38, pair(hc(-2), hc(-1))));
        out.push(mix(39, pair(hc(1), hc(2))));
    }
    // suffix of the next core (nisba adjectives: الفرنسي ...)
    if single {
        out.push(mix(40, at(1).suf2));
        out.push(mix(41, at(-1).suf2));
    }
    // gazetteers
    let gaz_ctx = omit.keeps(omit::GAZ_CONTEXT);
    for b in 0..8u64 {
        if t.gaz & (1 << b) != 0 {
            if own {
                out.push(mix(50 + b, 0));
            }
            if gaz_ctx {
                out.push(mix(60 + b, at(-1).gaz as u64));
            }
        }
    }
    if gaz_ctx {
        out.push(mix(70, pair(at(-1).gaz as u64, at(1).gaz as u64)));
    }
    if own {
        for b in 0..4u64 {
            if t.gaz1 & (1 << b) != 0 {
                out.push(mix(71 + b, 0));
            }
        }
    }
    // triggers
    if single {
        out.push(mix(80, at(-1).trigger as u64));
    }
    let trig_pair = omit.keeps(omit::TRIGGER_PAIR);
    if trig_pair {
        out.push(mix(81, (at(-2).trigger as u64) << 4 | at(-1).trigger as u64));
    }
    if single {
        out.push(mix(82, at(1).trigger as u64));
    }
    if trig_pair {
        out.push(mix(83, pair(at(-1).trigger as u64, t.gaz as u64)));
    }
    // corpus statistics of the core and its neighbours
    let cs = t.cstat;
    if own {
        own_cstat(cs, out);
    }
    if omit.keeps(omit::CORPUS_CONTEXT) {
        out.push(mix(159, ((at(-1).cstat >> 3) & 7) as u64 | (((at(1).cstat >> 3) & 7) as u64 * 8)));
        out.push(mix(160, ((at(-1).cstat >> 6) & 7) as u64 | (((at(1).cstat >> 6) & 7) as u64 * 8)));
        out.push(mix(161, ((at(-1).cstat >> 18) & 7) as u64 | (((at(1).cstat >> 18) & 7) as u64 * 8)));
    }
    // distributional code: bits 24..31 of the lexicon code, 0 = none (word
    // classes of train::cluster_codes: coarse class << 4 | fine class; or the
    // experimental SimHash code, bit 31 = present)
    let sim = |x: &TokInfo| -> u64 { (x.cstat >> 24) as u64 };
    let sc = sim(t);
    if own && sc != 0 {
        own_sim(sc, cs, out);
    }
    if omit.keeps(omit::CLASS_PAIR) && (sc != 0 || sim(at(-1)) != 0 || sim(at(1)) != 0) {
        out.push(mix(174, sim(at(-1)) << 8 | sc));
        out.push(mix(175, sc << 8 | sim(at(1))));
    }
    // morphology (only when the tagger's analysis was given)
    if t.upos != 0 {
        let u = |x: &TokInfo| -> u64 { x.upos as u64 };
        if own {
            own_morph(t, out);
        }
        if single {
            out.push(mix(183, u(at(-1))));
            out.push(mix(184, u(at(1))));
            out.push(mix(185, u(at(-1)) << 8 | u(t)));
            out.push(mix(186, u(t) << 8 | u(at(1))));
            out.push(mix(187, u(at(-2)) << 16 | u(at(-1)) << 8 | u(t)));
            out.push(mix(188, u(t) << 16 | u(at(1)) << 8 | u(at(2))));
            out.push(mix(189, u(at(-1)) << 16 | u(t) << 8 | u(at(1))));
        }
        if single {
            out.push(mix(190, pair(at(-1).h_lemma, 1)));
            out.push(mix(191, pair(at(1).h_lemma, 2)));
        }
        if own {
            out.push(mix(192, u(t) << 8 | (t.cstat & 7) as u64));
        }
    }
    // document-level: triggers seen before this core anywhere in the document
    if let Some(doc) = doc {
        if t.kind_code == 0 {
            let d = doc.get(&t.h_core).copied().unwrap_or(0);
            out.push(mix(90, d as u64));
        }
    }
}

/// The own features after the first group, in training order (for
/// [`Part::Own`], which skips every context feature in between).
fn own_tail(t: &TokInfo, out: &mut Vec<u64>) {
    for b in 0..8u64 {
        if t.gaz & (1 << b) != 0 {
            out.push(mix(50 + b, 0));
        }
    }
    for b in 0..4u64 {
        if t.gaz1 & (1 << b) != 0 {
            out.push(mix(71 + b, 0));
        }
    }
    own_cstat(t.cstat, out);
    let sc = (t.cstat >> 24) as u64;
    if sc != 0 {
        own_sim(sc, t.cstat, out);
    }
    if t.upos != 0 {
        own_morph(t, out);
        out.push(mix(192, (t.upos as u64) << 8 | (t.cstat & 7) as u64));
    }
}

/// Corpus statistics of the core itself.
fn own_cstat(cs: u32, out: &mut Vec<u64>) {
    out.push(mix(150, (cs & 0xFF_FFFF) as u64));
    for (k, sh) in [3u32, 6, 9, 12, 15, 18, 21].iter().enumerate() {
        out.push(mix(151 + k as u64, ((cs >> sh) & 7) as u64));
    }
    out.push(mix(147, (cs & 7) as u64));
    out.push(mix(158, ((cs >> 3) & 7) as u64 | (((cs >> 6) & 7) as u64 * 8)));
}

/// The core's own distributional code `sc`.
fn own_sim(sc: u64, cs: u32, out: &mut Vec<u64>) {
    out.push(mix(170, sc >> 4));
    out.push(mix(171, sc >> 2));
    out.push(mix(172, sc));
    out.push(mix(173, sc << 4 | (cs & 7) as u64));
}

/// The token's own part of speech, word sequence and lemma.
fn own_morph(t: &TokInfo, out: &mut Vec<u64>) {
    out.push(mix(180, t.upos as u64));
    out.push(mix(181, t.useq as u64));
    out.push(mix(182, t.h_lemma));
}

/// Document features: for every core, the set of trigger categories seen
/// right before one of its occurrences (bits 0..3) and whether it occurs
/// after a gazetteer PER/LOC/ORG word (bits 4..6).
pub fn doc_features(sents: &[Vec<TokInfo>]) -> HashMap<u64, u8> {
    let mut m: HashMap<u64, u8> = HashMap::default();
    for s in sents {
        for i in 1..s.len() {
            if s[i].kind_code != 0 {
                continue;
            }
            let mut b = 0u8;
            let tr = s[i - 1].trigger;
            if (1..=4).contains(&tr) {
                b |= 1 << (tr - 1);
            }
            let g = s[i - 1].gaz & 0x0f;
            if g & G_PER != 0 {
                b |= 16;
            }
            if b != 0 {
                *m.entry(s[i].h_core).or_insert(0) |= b;
            }
        }
    }
    m
}

/// First-pass label statistics of a document: for every core, how often it
/// occurs and how often the first pass tagged it with each type.
pub type LabelStats = HashMap<u64, [u16; 5]>;

/// Collect [`LabelStats`] from first-pass labels.
pub fn label_stats(sents: &[Vec<TokInfo>], labels: &[Vec<usize>]) -> LabelStats {
    let mut m: LabelStats = HashMap::default();
    for (s, l) in sents.iter().zip(labels) {
        for (t, &y) in s.iter().zip(l) {
            if t.kind_code > 2 {
                continue;
            }
            let e = m.entry(t.h_core).or_insert([0; 5]);
            e[0] = e[0].saturating_add(1);
            if y != 0 {
                let ty = (y - 1) / 2;
                e[1 + ty] = e[1 + ty].saturating_add(1);
            }
        }
    }
    m
}

fn ratio_bucket(k: u16, n: u16) -> u64 {
    if k == 0 {
        0
    } else if k == n {
        3
    } else if 2 * k >= n {
        2
    } else {
        1
    }
}

/// Second-pass features of token `i`: the first-pass labels around it and the
/// document statistics of its core and its neighbours' cores.
pub fn stack_features(toks: &[TokInfo], labels: &[usize], i: usize, stats: &LabelStats, omit: Omit, out: &mut Vec<u64>) {
    stack_label_features(stack_labels(labels, i), out);
    stack_stat_features(toks, labels, i, stats, omit, out);
}

/// The first-pass labels of tokens `i − 1`, `i` and `i + 1` (99 past the
/// sentence's edge), which [`stack_label_features`] reads.
pub fn stack_labels(labels: &[usize], i: usize) -> [u64; 3] {
    let lab = |j: Option<usize>| j.and_then(|j| labels.get(j)).map_or(99, |&l| l as u64);
    [lab(i.checked_sub(1)), lab(Some(i)), lab(i.checked_add(1))]
}

/// The second-pass features of the first-pass labels around a token
/// ([`stack_labels`]).
pub fn stack_label_features(l: [u64; 3], out: &mut Vec<u64>) {
    out.push(mix(100, l[1]));
    out.push(mix(101, l[0] << 8 | l[2]));
    out.push(mix(102, l[0] << 8 | l[1]));
    out.push(mix(103, l[1] << 8 | l[2]));
}

/// The second-pass features of the document statistics of token `i`'s core
/// and its neighbours' cores.
pub fn stack_stat_features(toks: &[TokInfo], labels: &[usize], i: usize, stats: &LabelStats, omit: Omit, out: &mut Vec<u64>) {
    let own_label = stack_labels(labels, i)[1];
    let st = |j: isize| -> Option<[u16; 5]> {
        let j = i as isize + j;
        if j < 0 || j as usize >= toks.len() {
            return None;
        }
        stats.get(&toks[j as usize].h_core).copied()
    };
    if let Some(s) = st(0) {
        let n = s[0].max(1);
        for t in 0..4 {
            let b = ratio_bucket(s[1 + t], n);
            if b > 0 {
                out.push(mix(110 + t as u64, b));
                if omit.keeps(omit::STAT_LABEL) {
                    out.push(mix(120 + t as u64, b << 8 | own_label));
                }
            }
        }
        out.push(mix(115, (n as u64).min(5)));
    }
    if !omit.keeps(omit::STAT_NEIGHBOURS) {
        return;
    }
    for (d, base) in [(-1isize, 130u64), (1, 140)] {
        if let Some(s) = st(d) {
            let n = s[0].max(1);
            for t in 0..4 {
                let b = ratio_bucket(s[1 + t], n);
                if b > 0 {
                    out.push(mix(base + t as u64, b));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_text::{normalize, Profile};
    use proptest::prelude::*;

    /// A shared [`Form`] reads, compares and hashes as its text (so maps
    /// keyed by `str` find it), and the feature hashes of a token's forms
    /// are the FNV hashes of their bytes, as when they were `String`s.
    #[test]
    fn forms_read_as_their_text() {
        use std::hash::BuildHasher;
        let b = BuildHasherDefault::<FxHasher>::default();
        for w in ["", "بوتين", "<N2>", "Putin"] {
            let f = Form::new(w);
            assert_eq!(f.as_str(), w);
            assert!(f == w && f == *w && f == Form::new(w));
            assert_eq!(b.hash_one(&f), b.hash_one(w));
            assert_eq!(format!("{f}"), w);
        }
        assert!(Form::new("") == Form::default());
        let mut m: HashMap<Form, u8> = HashMap::default();
        m.insert(Form::new("كيم"), 1);
        assert_eq!(m.get("كيم"), Some(&1));
        let text = "لبوتين وبالمفاوضات أحمد 2018 Putin ،";
        let toks: Vec<Token> = khabar_text::tokenize(text).collect();
        let mut out = Vec::new();
        analyse_tokens(text, &toks, &Gazetteer::default(), &HashMap::default(), &HashMap::default(), &mut out);
        assert_eq!(out[0].norm, "لبوتين");
        assert_eq!(out[0].core, "بوتين");
        for t in &out {
            assert_eq!((t.h_norm, t.h_prep, t.h_core), (fnv(t.norm.as_bytes()), fnv(t.prep.as_bytes()), fnv(t.core.as_bytes())));
        }
    }

    proptest! {
        /// `analyse_tokens` copies the tails of a word that search
        /// normalisation leaves unchanged instead of normalising them again.
        #[test]
        fn unfolded_text_has_unfolded_tails(cs in proptest::collection::vec(prop_oneof![
            8 => proptest::char::range('\u{0621}', '\u{064A}'),
            1 => proptest::char::range('\u{064B}', '\u{06FF}'),
            1 => proptest::char::range('\u{FE70}', '\u{FEFC}'),
            1 => proptest::char::range('\u{200C}', '\u{200F}'),
            1 => proptest::char::range('A', 'z'),
        ], 0..12)) {
            let s: String = cs.into_iter().collect();
            if normalize(&s, Profile::Search) == s {
                for (k, _) in s.char_indices() {
                    prop_assert_eq!(normalize(&s[k..], Profile::Search), &s[k..]);
                }
            }
        }

        /// A token's own features, and the features it gives a neighbour,
        /// are the same wherever it stands and whatever its fields outside
        /// [`OwnKey`] hold, and own + pair + neighbour features are exactly
        /// the features of `Part::All`.
        #[test]
        fn own_features_read_only_the_own_key(
            toks in proptest::collection::vec(any_tok(), 1..6),
            other in proptest::collection::vec(any_tok(), 1..4),
            doc_bits in any::<u8>(),
        ) {
            let doc: HashMap<u64, u8> = toks.iter().map(|t| (t.h_core, doc_bits)).collect();
            for i in 0..toks.len() {
                let mut all = Vec::new();
                token_features_part(&toks, i, Some(&doc), Part::All, Omit::default(), &mut all);
                let mut own = Vec::new();
                token_features_part(&toks, i, Some(&doc), Part::Own, Omit::default(), &mut own);
                let mut sorted = all.clone();
                sorted.sort_unstable();
                // own + pair + what the four neighbours give = all
                let mut parts = own.clone();
                token_features_part(&toks, i, Some(&doc), Part::Pair, Omit::default(), &mut parts);
                for d in [-2isize, -1, 1, 2] {
                    let x = usize::try_from(i as isize + d).ok().and_then(|j| toks.get(j));
                    neighbour_features(x, d, false, &mut parts);
                    if toks[i].upos != 0 {
                        neighbour_features(x, d, true, &mut parts);
                    }
                }
                if toks[i].upos != 0 {
                    pos_window_features(pos_window(&toks, i), &mut parts);
                }
                parts.sort_unstable();
                prop_assert_eq!(parts, sorted);
                let mut plain = Vec::new();
                token_features(&toks, i, Some(&doc), Omit::default(), &mut plain);
                prop_assert_eq!(&plain, &all);
                // the same key among other neighbours, its other fields changed
                let mut moved = other.clone();
                let mut t = other[0].clone();
                let k = &toks[i];
                (t.h_norm, t.h_prep, t.h_core, t.h_shape, t.h_lemma) = (k.h_norm, k.h_prep, k.h_core, k.h_shape, k.h_lemma);
                (t.affix, t.cstat, t.useq, t.gaz, t.gaz1, t.upos) = (k.affix, k.cstat, k.useq, k.gaz, k.gaz1, k.upos);
                (t.suf2, t.trigger) = (k.suf2, k.trigger);
                prop_assert_eq!(OwnKey::of(&t), OwnKey::of(k));
                for d in [-2isize, -1, 1, 2] {
                    for lemma in [false, true] {
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        neighbour_features(Some(&t), d, lemma, &mut a);
                        neighbour_features(Some(k), d, lemma, &mut b);
                        prop_assert_eq!(a, b);
                    }
                }
                let j = moved.len() / 2;
                moved.insert(j, t);
                let mut own2 = Vec::new();
                token_features_part(&moved, j, None, Part::Own, Omit::default(), &mut own2);
                prop_assert_eq!(own2, own);
            }
        }
    }

    /// Tokens with small random field values (so that zero, and equal
    /// neighbours, are common).
    fn any_tok() -> impl Strategy<Value = TokInfo> {
        (
            (0u64..4, 0u64..4, 0u64..4, 0u64..3, 0u64..3),
            proptest::array::uniform6(0u64..3),
            (any::<u32>(), 0u32..8, 0u8..32, 0u8..16, 0u8..4),
            (0u8..3, 0u8..4, 0u64..3, 0u8..2),
        )
            .prop_map(|((n, p, c, sh, l), affix, (cstat, useq, gaz, gaz1, upos), (kind_code, trigger, suf2, cstat_zero))| {
                TokInfo {
                    kind_code,
                    h_norm: n,
                    h_prep: p,
                    h_core: c,
                    h_shape: sh,
                    h_lemma: l,
                    affix,
                    cstat: if cstat_zero == 1 { cstat & 0x00FF_FFFF } else { cstat },
                    useq,
                    gaz,
                    gaz1,
                    upos,
                    trigger,
                    suf2,
                    ..TokInfo::default()
                }
            })
    }
}
