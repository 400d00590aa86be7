//! The incremental engine: duplicates and stories, one article at a time,
//! with state bounded by the time window.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use khabar::digest::sparse_dot as dot;

use crate::codec::{Reader, Writer};
use crate::features::{term_hash, Features};
use crate::minhash::{band_keys, estimate};
use crate::Result;

/// Version of the state file; bump when [`Features`] hashing or the format changes.
///
/// Version 4 added a list of each article's specific numbers, which no rule has read since
/// session s14; since session s16 they are no longer extracted: the list is written empty
/// (so that the file stays version 4 and older builds still read it) and skipped when read.
/// Version 5 (session s22) writes each article's places ([`Features::places`]) in that list.
pub const STATE_VERSION: u32 = 5;

/// The oldest state version still read (version 2 has no sentence sets: its
/// articles are confirmed as copies by shingles only).
pub const MIN_STATE_VERSION: u32 = 2;

/// Three days, in seconds.
pub const DEFAULT_WINDOW: i64 = 3 * 86_400;

/// The engine's settings. The defaults were tuned on the two labelled days
/// `tests/data/stories-dev.jsonl` and `tests/data/stories-dev2.jsonl`, checked on a
/// third, `tests/data/stories-dev3.jsonl` (session s21), and since session s22 also on an
/// agency day (`stories-dev4.jsonl`) and days 1 + 3 linked (`stories-days13.jsonl`);
/// `stories-dev5.jsonl` is held out (docs/stories.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Articles join stories (and duplicate groups) only within this many seconds of each other;
    /// state older than this behind the newest article is dropped.
    pub window: i64,
    /// Words per shingle.
    pub shingle: usize,
    /// MinHash functions per signature.
    pub perms: usize,
    /// Signature values per LSH band (bands = perms / rows).
    pub rows: usize,
    /// Jaccard similarity of shingle sets at or above which two articles are near-duplicates.
    pub dup_threshold: f32,
    /// Containment (shared shingles over the shorter article's) at or above which two
    /// articles are near-duplicates too: a copy cut short, with a paragraph added, or
    /// with words edited throughout.
    pub dup_containment: f32,
    /// Fewest shingles of the shorter article for the containment rule.
    pub dup_min_shingles: u32,
    /// Least Jaccard similarity for the containment rule (the shorter article is at
    /// least this share of the longer: a short release inside a long roundup is not a copy of it).
    #[serde(default)]
    pub dup_min_jaccard: f32,
    /// Share of the shorter article's sentences that must each have a sentence of the
    /// other with word Jaccard ≥ `dup_align_sentence` for a candidate below the shingle
    /// rules (but with containment ≥ `dup_align_containment`) to be a near-duplicate:
    /// a copy rewritten word by word keeps its sentences one for one, a second
    /// write-up of one release does not (0: off).
    #[serde(default)]
    pub dup_align: f32,
    /// Least shingle containment for the sentence rule.
    #[serde(default)]
    pub dup_align_containment: f32,
    /// Least word Jaccard of two sentences for them to align.
    #[serde(default)]
    pub dup_align_sentence: f32,
    /// Similarity at or above which an article joins the story of its most similar article.
    pub join_threshold: f32,
    /// Weight of the cosine of lemma TF-IDF vectors of the bodies.
    pub weight_body: f32,
    /// Weight of the cosine of the headlines' lemmas (IDF-weighted).
    pub weight_title: f32,
    /// Weight of the cosine of canonical entities (IDF-weighted).
    pub weight_entities: f32,
    /// Weight of the cosine of keyphrases (when articles carry them).
    pub weight_keyphrases: f32,
    /// Each article is findable under this many of its highest-weighted lemmas.
    pub lookup_terms: usize,
    /// Candidate articles scored in full per new article.
    pub max_candidates: usize,
    /// Two stories merge when the average similarity over all pairs of their
    /// articles (average linkage; pairs never compared count 0) reaches this (0: never).
    #[serde(default)]
    pub merge_average: f32,
    /// How the story score mixes the best link (0) and the average link over the
    /// story's articles (1; articles not among the candidates count 0).
    #[serde(default)]
    pub average_weight: f32,
    /// The headline, entity and keyphrase cosines count in full only when the
    /// bodies' cosine reaches this, in proportion below it (one shared
    /// country name is not an event; 0: always in full).
    #[serde(default)]
    pub body_gate: f32,
    /// Duplicate groups merge when a new article is a near-duplicate of articles of
    /// two (or more) groups inside the window: it links them (union-find at ingest;
    /// the older group keeps its id, [`Assignment::merged_groups`]). Off: an article
    /// joins the group of its most similar earlier article only.
    #[serde(default)]
    pub dup_merge: bool,
    /// A link merges a group only when it is a copy in both directions: Jaccard
    /// ≥ `dup_threshold`, or at least this share of *each* article's sentences has a
    /// close sentence in the other (`dup_align_sentence`). Containment is not
    /// transitive: a roundup that reprints two releases contains both, and they are
    /// not copies of each other (0: every confirmed copy merges).
    #[serde(default = "default_dup_merge_mutual")]
    pub dup_merge_mutual: f32,
    /// With the average link (`average_weight`), a story of more than this many articles
    /// is scored by the mean of the new article's best `average_cap` links to it instead
    /// of the sum over all its articles (at most `max_candidates` of them are ever
    /// compared, so the plain average of a story of hundreds of reports stays near 0;
    /// 0: no cap).
    #[serde(default)]
    pub average_cap: usize,
    /// The first two words of a person's canonical name of three or more words (particles
    /// left out, long vowels dropped) also count as an entity of the article: one victim
    /// named with and without a middle name or a family name. Read at feature extraction.
    /// On by default since session s10 (docs/stories.md); a state saved before loads it off.
    #[serde(default)]
    pub entity_name_prefix: bool,
    /// Two candidate copies are not near-duplicates when the text they share starts later
    /// in one than in the other by more than this share of that article's words (0: off).
    /// The share of an article before its first sentence that has a close sentence
    /// (`dup_align_sentence`) in the other is its offset: a copy starts where its
    /// original starts, so a release appended after another report's own news, or a
    /// statement quoted after the report of what followed it, is not a copy of the
    /// report. Needs the sentence sets (kept when this is on); pairs without aligned
    /// sentences are left to the other rules. On (0.3) since session s11 (docs/stories.md);
    /// a state saved before loads it off.
    #[serde(default)]
    pub dup_offset: f32,
    /// Share of a lemma's IDF taken from the news corpus's document frequencies (the table
    /// embedded for keyphrases, `khabar::digest::Idf::embedded`) instead of the window's:
    /// an event with hundreds of reports in the window makes its own words common there
    /// (0: the window's only).
    #[serde(default)]
    pub idf_background: f32,
    /// Two articles that each name places in their headline or lead ([`Features::places`]),
    /// neither naming any of the other's anywhere, are taken to report different events: their similarity is
    /// multiplied by `1 - place_contrast` (0: off). One agency's market close of Muscat
    /// and of Kuwait, two towns' election notices, two regions' forecasts share a template,
    /// not an event. On (0.7) since session s22 (docs/stories.md, "Session s22"); a state
    /// saved before loads it off (its articles carry no places).
    #[serde(default)]
    pub place_contrast: f32,
}

fn default_dup_merge_mutual() -> f32 {
    0.6
}

impl Default for Options {
    fn default() -> Options {
        Options {
            window: DEFAULT_WINDOW,
            shingle: 3,
            perms: 128,
            rows: 2,
            dup_threshold: 0.5,
            dup_containment: 0.6,
            dup_min_shingles: 30,
            dup_min_jaccard: 0.2,
            dup_align: 0.7,
            dup_align_containment: 0.45,
            dup_align_sentence: 0.45,
            join_threshold: 0.15,
            weight_body: 0.4,
            weight_title: 0.3,
            weight_entities: 0.3,
            weight_keyphrases: 0.05,
            lookup_terms: 20,
            max_candidates: 40,
            merge_average: 0.15,
            average_weight: 1.0,
            body_gate: 0.3,
            dup_merge: true,
            dup_merge_mutual: default_dup_merge_mutual(),
            average_cap: 10,
            entity_name_prefix: true,
            dup_offset: 0.3,
            idf_background: 0.3,
            place_contrast: 0.7,
        }
    }
}

/// Where one article went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The article.
    pub id: String,
    /// Its duplicate group: the id of the group's first article (its own id when it copies nothing).
    pub dup_group: String,
    /// The article it copies, when it is an exact or near-duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Whether the copy is exact (same normalised body).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exact_duplicate: bool,
    /// Its story: the id of the story's first article.
    pub story: String,
    /// Whether it started the story.
    pub new_story: bool,
    /// Similarity to the article it was matched with (0 for a new story).
    pub score: f32,
    /// Stories that became part of `story` when this article arrived (see
    /// [`Options::merge_average`]): their earlier articles now belong to `story` ([`Aliases`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// Duplicate groups that became part of `dup_group` when this article arrived (it
    /// copies articles of each; see [`Options::dup_merge`]): their earlier articles now
    /// belong to `dup_group` ([`Aliases`] resolves them like stories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_groups: Vec<String>,
}

/// Where merged stories went: `merged story → the story it became part of`,
/// followed to the end (the surviving story). Built from [`Assignment::merged`]
/// (the index stores them with the article that caused the merge).
#[derive(Clone, Debug, Default)]
pub struct Aliases {
    into: HashMap<String, String>,
}

impl Aliases {
    /// Record that `from` became part of `into`.
    pub fn add(&mut self, from: &str, into: &str) {
        if from != into {
            self.into.insert(from.to_owned(), into.to_owned());
        }
    }

    /// Whether no story was merged.
    pub fn is_empty(&self) -> bool {
        self.into.is_empty()
    }

    /// The surviving story of `story` (itself when it was never merged).
    pub fn resolve(&self, story: &str) -> String {
        let mut s = story;
        // A merge always keeps the older story, so chains end; the bound guards against a bad index.
        for _ in 0..=self.into.len() {
            match self.into.get(s) {
                Some(next) if next != s => s = next,
                _ => break,
            }
        }
        s.to_owned()
    }

    /// Every story that resolves to `story`, itself included, sorted.
    pub fn members(&self, story: &str) -> Vec<String> {
        let root = self.resolve(story);
        let mut out: Vec<String> = self.into.keys().filter(|k| self.resolve(k) == root).cloned().collect();
        out.push(root);
        out.sort();
        out.dedup();
        out
    }
}

/// A story still inside the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveStory {
    /// Story id (its first article's id).
    pub id: String,
    /// Earliest article time.
    pub first: i64,
    /// Latest article time.
    pub last: i64,
    /// Articles assigned to it by this engine (including evicted ones).
    pub count: u64,
}

type Vector = Vec<(u64, f32)>;

struct Entry {
    id: String,
    time: i64,
    story: String,
    group: String,
    exact: Option<u64>,
    sig: Vec<u32>,
    shingles: u32,
    shingle_set: Vec<u32>,
    sentences: Vec<Vec<u32>>,
    terms: Vec<(u64, u32)>,
    title: Vec<u64>,
    entities: Vec<u64>,
    keyphrases: Vec<u64>,
    places: Vec<u64>,
    body_vec: Vector,
    title_vec: Vector,
    entity_vec: Vector,
    keyphrase_vec: Vector,
}

/// Counts of the state, for progress lines and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EngineStats {
    /// Articles assigned since the engine was created (all runs).
    pub assigned: u64,
    /// Articles held (inside the window).
    pub articles: usize,
    /// Stories held (inside the window).
    pub stories: usize,
}

/// Assigns articles to duplicate groups and stories as they arrive.
///
/// Memory is bounded by the window: articles and stories older than
/// `window` seconds behind the newest article seen are dropped, so a stream of
/// any length holds only the last few days. Nothing is ever re-clustered: an
/// article's group is fixed when it arrives, and so is its story, but for one
/// step: two stories inside the window merge when their average linkage reaches
/// [`Options::merge_average`] (reported in [`Assignment::merged`] of the article
/// that caused it; [`Aliases`] resolves the earlier articles' story ids), and two
/// duplicate groups merge when an article copies both ([`Options::dup_merge`],
/// [`Assignment::merged_groups`]).
pub struct StoryEngine {
    options: Options,
    now: i64,
    next_slot: u64,
    assigned: u64,
    entries: HashMap<u64, Entry>,
    by_id: HashMap<String, u64>,
    by_time: BTreeSet<(i64, u64)>,
    exact: HashMap<u64, u64>,
    bands: HashMap<u64, Vec<u64>>,
    postings: HashMap<u64, Vec<(u64, f32)>>,
    term_df: HashMap<u64, u32>,
    entity_df: HashMap<u64, u32>,
    stories: HashMap<String, ActiveStory>,
    evicted_since_compaction: usize,
    /// Stories merged while assigning the current article (merged id, surviving id).
    merges: Vec<(String, String)>,
    /// Sum of the similarities between the articles of two stories (both directions).
    story_links: HashMap<String, HashMap<String, f32>>,
}

impl Default for StoryEngine {
    fn default() -> StoryEngine {
        StoryEngine::new(Options::default())
    }
}

fn idf(n: usize, df: u32) -> f32 {
    ((1.0 + (n as f32 + 1.0) / (df as f32 + 1.0)).ln()).max(0.0)
}

/// The IDF of every term of the embedded news-corpus table (keyed by [`term_hash`], the table's
/// keys being search-normalised lemmas), and the IDF of a term it lacks (counted as seen once).
static BACKGROUND: std::sync::LazyLock<(f32, HashMap<u64, f32>)> = std::sync::LazyLock::new(|| {
    let table = khabar::digest::Idf::embedded();
    let n = table.documents() as usize;
    (idf(n, 1), table.iter().map(|(k, d)| (term_hash(k), idf(n, d))).collect())
});

/// The IDF of a term: the window's, mixed with the corpus's by `w`.
fn term_idf(n: usize, df: u32, t: u64, w: f32) -> f32 {
    let local = idf(n, df);
    if w <= 0.0 {
        return local;
    }
    let (unseen, table) = &*BACKGROUND;
    (1.0 - w) * local + w * table.get(&t).copied().unwrap_or(*unseen)
}

/// An entry's TF-IDF vectors, from the window's size `n` and document frequencies of terms
/// (`tdf`) and of entities and keyphrases (`edf`); lemmas mix in the corpus's IDF by `w`.
fn derive_vectors(e: &mut Entry, n: usize, w: f32, tdf: impl Fn(&u64) -> u32, edf: impl Fn(&u64) -> u32) {
    e.body_vec = normalise(body_weights(&e.terms, |t| term_idf(n, tdf(t), *t, w)));
    e.title_vec = normalise(e.title.iter().map(|&t| (t, term_idf(n, tdf(&t), t, w))).collect());
    e.entity_vec = normalise(e.entities.iter().map(|&t| (t, idf(n, edf(&t)))).collect());
    e.keyphrase_vec = normalise(e.keyphrases.iter().map(|&t| (t, idf(n, edf(&t)))).collect());
}

fn normalise(mut v: Vector) -> Vector {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    } else {
        v.clear();
    }
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

impl StoryEngine {
    /// An empty engine.
    pub fn new(options: Options) -> StoryEngine {
        StoryEngine {
            options,
            now: i64::MIN,
            next_slot: 0,
            assigned: 0,
            entries: HashMap::new(),
            by_id: HashMap::new(),
            by_time: BTreeSet::new(),
            exact: HashMap::new(),
            bands: HashMap::new(),
            postings: HashMap::new(),
            term_df: HashMap::new(),
            entity_df: HashMap::new(),
            stories: HashMap::new(),
            evicted_since_compaction: 0,
            merges: Vec::new(),
            story_links: HashMap::new(),
        }
    }

    /// Count an entry in (`add`) or out of the document frequencies.
    fn count_df(&mut self, e: &Entry, add: bool) {
        for &(t, _) in &e.terms {
            if add {
                *self.term_df.entry(t).or_default() += 1;
            } else {
                decrement(&mut self.term_df, t);
            }
        }
        // Numbers are kept in the state but no rule reads their document frequency.
        for &t in e.entities.iter().chain(&e.keyphrases) {
            if add {
                *self.entity_df.entry(t).or_default() += 1;
            } else {
                decrement(&mut self.entity_df, t);
            }
        }
    }

    /// The settings.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Change the window (e.g. a later run asks for another); takes effect with the next article.
    pub fn set_window(&mut self, seconds: i64) {
        self.options.window = seconds.max(0);
    }

    /// Counts of the state.
    pub fn stats(&self) -> EngineStats {
        EngineStats { assigned: self.assigned, articles: self.entries.len(), stories: self.stories.len() }
    }

    /// The stories inside the window.
    pub fn active_stories(&self) -> impl Iterator<Item = &ActiveStory> {
        self.stories.values()
    }

    /// The assignment of an article still inside the window.
    pub fn assignment_of(&self, id: &str) -> Option<Assignment> {
        let e = self.entries.get(self.by_id.get(id)?)?;
        Some(Assignment {
            id: e.id.clone(),
            dup_group: e.group.clone(),
            duplicate_of: None,
            exact_duplicate: false,
            story: e.story.clone(),
            new_story: false,
            score: 0.0,
            merged: Vec::new(),
            merged_groups: Vec::new(),
        })
    }

    /// Assign a batch in order (see [`StoryEngine::assign`]).
    pub fn assign_all(&mut self, features: impl IntoIterator<Item = Features>) -> Vec<Assignment> {
        features.into_iter().map(|f| self.assign(f)).collect()
    }

    /// Put one article in a duplicate group and a story. An id already inside
    /// the window keeps its assignment (and its place in the window), but its
    /// features become the new version's ([`StoryEngine::refresh`]): later articles are
    /// compared with the text the index now holds. An article without a time is taken
    /// to be as new as the newest article seen.
    pub fn assign(&mut self, mut f: Features) -> Assignment {
        if let Some(a) = self.assignment_of(&f.id) {
            self.refresh(f);
            return a;
        }
        let time = f.time.unwrap_or(if self.now == i64::MIN { 0 } else { self.now });
        if time > self.now {
            self.now = time;
            self.evict(time.saturating_sub(self.options.window));
        }
        let window = self.options.window;
        let near = |e: &Entry| (e.time - time).abs() <= window;
        let sig = std::mem::take(&mut f.signature);
        // Duplicates: the same normalised body, else the most similar shingle set above the threshold.
        let mut dup: Option<(u64, bool, f32)> = None;
        // Every confirmed copy (for group merges).
        let mut copies: Vec<u64> = Vec::new();
        if let Some(slot) = f.exact.and_then(|h| self.exact.get(&h)) {
            if self.entries.get(slot).is_some_and(near) {
                dup = Some((*slot, true, 1.0));
            }
        }
        if dup.is_none() && !sig.is_empty() {
            let mut seen = HashSet::new();
            for key in band_keys(&sig, self.options.rows) {
                for &slot in self.bands.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    if !seen.insert(slot) {
                        continue;
                    }
                    let Some(e) = self.entries.get(&slot).filter(|e| near(e)) else { continue };
                    let j = self.dup_score(&sig, &f.shingles, f.shingle_count, &f.sentences, e);
                    if j >= self.options.dup_threshold {
                        copies.push(slot);
                    }
                    if j >= self.options.dup_threshold && dup.is_none_or(|(s, _, best)| j > best || (j == best && slot < s)) {
                        dup = Some((slot, false, j));
                    }
                }
            }
        }
        let mut entry = self.make_entry(f, time, sig);
        let ranked = self.rank_stories(&entry, time);
        let (story, new_story, score) = match dup {
            Some((slot, _, j)) => (self.entries[&slot].story.clone(), false, j),
            None => match ranked.first() {
                Some((story, s, _)) if *s >= self.options.join_threshold => (story.clone(), false, *s),
                _ => (entry.id.clone(), true, 0.0),
            },
        };
        let (group, duplicate_of, exact_duplicate) = match dup {
            Some((slot, exact, _)) => {
                let e = &self.entries[&slot];
                (e.group.clone(), Some(e.id.clone()), exact)
            }
            None => (entry.id.clone(), None, false),
        };
        entry.story = story.clone();
        entry.group = group.clone();
        let mut a = Assignment {
            id: entry.id.clone(),
            dup_group: group,
            duplicate_of,
            exact_duplicate,
            story,
            new_story,
            score,
            merged: Vec::new(),
            merged_groups: Vec::new(),
        };
        self.insert(entry);
        self.assigned += 1;
        if self.options.dup_merge && copies.len() > 1 {
            let anchor = dup.map(|(slot, _, _)| slot);
            a.merged_groups = self.merge_groups(&a.id, anchor, &copies);
            if let Some(e) = self.by_id.get(&a.id).and_then(|s| self.entries.get(s)) {
                a.dup_group = e.group.clone();
                a.story = e.story.clone();
            }
        }
        if self.options.merge_average > 0.0 {
            self.link_and_merge(&a.story, &ranked);
        }
        if !self.merges.is_empty() {
            // The article's story may itself have become part of an older one.
            if let Some(e) = self.by_id.get(&a.id).and_then(|s| self.entries.get(s)) {
                a.story = e.story.clone();
            }
            a.merged = std::mem::take(&mut self.merges).into_iter().map(|(from, _)| from).collect();
        }
        a
    }

    /// Merge the duplicate groups of `copies` (window slots the new article `id` copies)
    /// and the new article's group into the oldest of them (earliest window article,
    /// then smallest id). Returns the merged group ids.
    fn merge_groups(&mut self, id: &str, anchor: Option<u64>, copies: &[u64]) -> Vec<String> {
        let me = self.by_id.get(id).and_then(|s| self.entries.get(s));
        let o = &self.options;
        let mut groups: Vec<String> = copies
            .iter()
            .filter(|&&c| {
                Some(c) == anchor
                    || o.dup_merge_mutual <= 0.0
                    || me.is_some_and(|me| self.entries.get(&c).is_some_and(|c| self.mutual_copy(me, c)))
            })
            .filter_map(|s| self.entries.get(s))
            .map(|e| e.group.clone())
            .collect();
        if let Some(e) = self.by_id.get(id).and_then(|s| self.entries.get(s)) {
            groups.push(e.group.clone());
        }
        groups.sort();
        groups.dedup();
        if groups.len() < 2 {
            return Vec::new();
        }
        let mut first: HashMap<&str, i64> = HashMap::new();
        for e in self.entries.values() {
            if let Some(g) = groups.iter().find(|g| **g == e.group) {
                let t = first.entry(g.as_str()).or_insert(e.time);
                *t = (*t).min(e.time);
            }
        }
        let into =
            groups.iter().min_by_key(|g| (first.get(g.as_str()).copied().unwrap_or(i64::MAX), (*g).clone())).cloned().unwrap_or_default();
        let merged: Vec<String> = groups.into_iter().filter(|g| *g != into).collect();
        for e in self.entries.values_mut() {
            if merged.contains(&e.group) {
                e.group = into.clone();
            }
        }
        merged
    }

    /// Whether two articles copy each other as a whole (see [`Options::dup_merge_mutual`]).
    fn mutual_copy(&self, a: &Entry, b: &Entry) -> bool {
        let o = &self.options;
        let inter = intersection(&a.shingle_set, &b.shingle_set) as f32;
        let union = (a.shingle_set.len() + b.shingle_set.len()) as f32 - inter;
        if union > 0.0 && inter / union >= o.dup_threshold {
            return true;
        }
        share_aligned(&a.sentences, &b.sentences, o.dup_align_sentence).min(share_aligned(&b.sentences, &a.sentences, o.dup_align_sentence))
            >= o.dup_merge_mutual
    }

    /// The number of a story's articles (evicted ones included) that averages divide by.
    fn story_size(&self, story: &str) -> f32 {
        self.stories.get(story).map_or(0, |s| s.count) as f32
    }

    /// Add the new article's similarities to the links between its story and
    /// the others, then merge the story with the one of highest average linkage
    /// (sum of the similarities between their articles over the product of their
    /// sizes) while that reaches `merge_average`; the older story keeps its id.
    fn link_and_merge(&mut self, story: &str, ranked: &[(String, f32, f32)]) {
        for (other, _, sum) in ranked {
            if other != story && *sum > 0.0 {
                *self.story_links.entry(story.to_owned()).or_default().entry(other.clone()).or_default() += sum;
                *self.story_links.entry(other.clone()).or_default().entry(story.to_owned()).or_default() += sum;
            }
        }
        let mut story = story.to_owned();
        loop {
            let n = self.story_size(&story);
            let Some(links) = self.story_links.get(&story) else { return };
            let mut best: Option<(&str, f32)> = None;
            for (other, sum) in links {
                let m = self.story_size(other);
                if m == 0.0 || n == 0.0 {
                    continue;
                }
                let avg = sum / (n * m);
                if avg >= self.options.merge_average && best.is_none_or(|(bo, b)| avg > b || (avg == b && other.as_str() < bo)) {
                    best = Some((other, avg));
                }
            }
            let Some((other, _)) = best else { return };
            let other = other.to_owned();
            let key = |id: &str| self.stories.get(id).map(|s| (s.first, id.to_owned()));
            let (into, from) = if key(&other) < key(&story) { (other, story.clone()) } else { (story.clone(), other) };
            self.merge_story(&from, &into);
            story = into;
        }
    }

    /// The near-duplicate score of an article against an entry: the Jaccard
    /// similarity of their shingle sets (exact when both carry the sets, else
    /// estimated from the signatures), or when the containment rule holds, the
    /// threshold at least.
    fn dup_score(&self, sig: &[u32], set: &[u32], count: u32, sentences: &[Vec<u32>], e: &Entry) -> f32 {
        let j = self.dup_score_rules(sig, set, count, sentences, e);
        let o = &self.options;
        if o.dup_offset > 0.0 && j >= o.dup_threshold && lead_offset(sentences, &e.sentences, o.dup_align_sentence) > o.dup_offset {
            return 0.0;
        }
        j
    }

    /// [`StoryEngine::dup_score`] before the offset rule ([`Options::dup_offset`]).
    fn dup_score_rules(&self, sig: &[u32], set: &[u32], count: u32, sentences: &[Vec<u32>], e: &Entry) -> f32 {
        let o = &self.options;
        let (j, inter) = if !set.is_empty() && !e.shingle_set.is_empty() {
            let inter = intersection(set, &e.shingle_set) as f32;
            let union = (set.len() + e.shingle_set.len()) as f32 - inter;
            (inter / union.max(1.0), inter)
        } else {
            let j = estimate(sig, &e.sig);
            // |A ∩ B| = J (|A| + |B|) / (1 + J)
            (j, j * (count as f32 + e.shingles as f32) / (1.0 + j))
        };
        let small = count.min(e.shingles);
        if j < o.dup_threshold
            && small >= o.dup_min_shingles
            && j >= o.dup_min_jaccard
            && j > 0.0
            && inter / small as f32 >= o.dup_containment
        {
            return o.dup_threshold.max(j);
        }
        if o.dup_align > 0.0
            && j < o.dup_threshold
            && small >= o.dup_min_shingles
            && j >= o.dup_min_jaccard
            && j > 0.0
            && inter / small as f32 >= o.dup_align_containment
            && aligned(sentences, &e.sentences, o.dup_align_sentence) >= o.dup_align
        {
            return o.dup_threshold.max(j);
        }
        j
    }

    fn make_entry(&self, f: Features, time: i64, sig: Vec<u32>) -> Entry {
        let mut e = Entry {
            id: f.id,
            time,
            story: String::new(),
            group: String::new(),
            exact: f.exact,
            sig,
            shingles: f.shingle_count,
            shingle_set: f.shingles,
            sentences: f.sentences,
            terms: f.terms,
            title: f.title_terms,
            entities: f.entities,
            keyphrases: f.keyphrases,
            places: f.places,
            body_vec: Vec::new(),
            title_vec: Vec::new(),
            entity_vec: Vec::new(),
            keyphrase_vec: Vec::new(),
        };
        self.derive(&mut e);
        e
    }

    /// The TF-IDF vectors of an entry, with the document frequencies of the window.
    fn derive(&self, e: &mut Entry) {
        derive_vectors(
            e,
            self.entries.len(),
            self.options.idf_background,
            |t| self.term_df.get(t).copied().unwrap_or(0),
            |t| self.entity_df.get(t).copied().unwrap_or(0),
        );
    }

    /// The similarity of two articles.
    fn similarity(&self, a: &Entry, b: &Entry) -> f32 {
        let o = &self.options;
        let body = dot(&a.body_vec, &b.body_vec);
        let gate = if o.body_gate > 0.0 { (body / o.body_gate).min(1.0) } else { 1.0 };
        let s = o.weight_body * body
            + gate
                * (o.weight_title * dot(&a.title_vec, &b.title_vec)
                    + o.weight_entities * dot(&a.entity_vec, &b.entity_vec)
                    + o.weight_keyphrases * dot(&a.keyphrase_vec, &b.keyphrase_vec));
        if o.place_contrast > 0.0
            && !a.places.is_empty()
            && !b.places.is_empty()
            && intersection(&a.places, &b.entities) == 0
            && intersection(&b.places, &a.entities) == 0
        {
            s * (1.0 - o.place_contrast)
        } else {
            s
        }
    }

    /// The window articles most similar to `e` (the best `max_candidates` by their
    /// heaviest lemmas), grouped by story: each story's links (similarity, slot), best first.
    fn story_links(&self, e: &Entry, time: i64) -> Vec<(String, Vec<(f32, u64)>)> {
        let mut acc: HashMap<u64, f32> = HashMap::new();
        for &(t, w) in top_terms(&e.body_vec, self.options.lookup_terms).iter() {
            for &(slot, w2) in self.postings.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                *acc.entry(slot).or_default() += w * w2;
            }
        }
        let mut cands: Vec<(u64, f32)> = acc.into_iter().filter(|(s, _)| self.entries.contains_key(s)).collect();
        cands.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        cands.truncate(self.options.max_candidates);
        let mut links: HashMap<&str, Vec<(f32, u64)>> = HashMap::new();
        for (slot, _) in cands {
            let other = &self.entries[&slot];
            if (other.time - time).abs() > self.options.window {
                continue;
            }
            links.entry(other.story.as_str()).or_default().push((self.similarity(e, other), slot));
        }
        let mut out: Vec<(String, Vec<(f32, u64)>)> = links
            .into_iter()
            .map(|(story, mut l)| {
                l.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                (story.to_owned(), l)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The stories of the most similar articles inside the window with their
    /// scores, best first (ties by id), and the sum of each story's links.
    fn rank_stories(&self, e: &Entry, time: i64) -> Vec<(String, f32, f32)> {
        let o = &self.options;
        let mut ranked: Vec<(String, f32, f32)> = self
            .story_links(e, time)
            .into_iter()
            .map(|(story, links)| {
                let best = links.first().map_or(f32::MIN, |l| l.0);
                let sum: f32 = links.iter().map(|l| l.0.max(0.0)).sum();
                let mut score = best;
                if o.average_weight > 0.0 {
                    let n = self.story_size(&story).max(1.0);
                    let avg = if o.average_cap > 0 && n > o.average_cap as f32 {
                        // A story bigger than the cap: the mean of its `average_cap` best links
                        // (of a story of hundreds of reports at most `max_candidates` are compared).
                        links.iter().take(o.average_cap).map(|l| l.0.max(0.0)).sum::<f32>() / o.average_cap as f32
                    } else {
                        sum / n
                    };
                    score = (1.0 - o.average_weight) * best + o.average_weight * avg;
                }
                (story, score, sum)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked
    }

    /// The similarity components of two window articles (body, headline, entities,
    /// keyphrases cosines and hours apart), for analysis.
    #[doc(hidden)]
    pub fn components(&self, a: &str, b: &str) -> Option<[f32; 5]> {
        let a = self.entries.get(self.by_id.get(a)?)?;
        let b = self.entries.get(self.by_id.get(b)?)?;
        Some([
            dot(&a.body_vec, &b.body_vec),
            dot(&a.title_vec, &b.title_vec),
            dot(&a.entity_vec, &b.entity_vec),
            dot(&a.keyphrase_vec, &b.keyphrase_vec),
            (a.time - b.time).abs() as f32 / 3600.0,
        ])
    }

    /// The near-duplicate evidence of two window articles: exact 3-shingle Jaccard,
    /// containment (shared over the shorter's shingles), the shorter's shingle count and
    /// the sentence alignment at `dup_align_sentence` (0 without sentence sets) and the
    /// offset of their shared text ([`Options::dup_offset`]), for analysis.
    #[doc(hidden)]
    pub fn dup_components(&self, a: &str, b: &str) -> Option<[f32; 5]> {
        let a = self.entries.get(self.by_id.get(a)?)?;
        let b = self.entries.get(self.by_id.get(b)?)?;
        let inter = intersection(&a.shingle_set, &b.shingle_set) as f32;
        let union = (a.shingle_set.len() + b.shingle_set.len()) as f32 - inter;
        let small = a.shingle_set.len().min(b.shingle_set.len()) as f32;
        let min = self.options.dup_align_sentence;
        Some([
            inter / union.max(1.0),
            inter / small.max(1.0),
            small,
            aligned(&a.sentences, &b.sentences, min),
            lead_offset(&a.sentences, &b.sentences, min),
        ])
    }

    /// Merge story `from` into story `into` (articles, counts, links).
    fn merge_story(&mut self, from: &str, into: &str) {
        let Some(old) = self.stories.remove(from) else { return };
        if let Some(s) = self.stories.get_mut(into) {
            s.first = s.first.min(old.first);
            s.last = s.last.max(old.last);
            s.count += old.count;
        }
        for e in self.entries.values_mut() {
            if e.story == from {
                e.story = into.to_owned();
            }
        }
        if let Some(links) = self.story_links.remove(from) {
            for (other, sum) in links {
                if let Some(l) = self.story_links.get_mut(&other) {
                    l.remove(from);
                }
                if other != into {
                    *self.story_links.entry(into.to_owned()).or_default().entry(other.clone()).or_default() += sum;
                    *self.story_links.entry(other).or_default().entry(into.to_owned()).or_default() += sum;
                }
            }
        }
        if let Some(l) = self.story_links.get_mut(into) {
            l.remove(from);
        }
        self.merges.push((from.to_owned(), into.to_owned()));
    }

    fn insert(&mut self, e: Entry) {
        let story = self.stories.entry(e.story.clone()).or_insert_with(|| ActiveStory {
            id: e.story.clone(),
            first: e.time,
            last: e.time,
            count: 0,
        });
        story.first = story.first.min(e.time);
        story.last = story.last.max(e.time);
        story.count += 1;
        self.place(e);
    }

    /// Replace the features of window article `f.id` (indexed again, perhaps with another
    /// body) with `f`'s: its exact hash, signature, shingles, sentences and terms, so that a
    /// later copy of the new text finds it and a copy of the old text no longer does. Its
    /// story, group and time stay; the story links summed from the old version stay too.
    fn refresh(&mut self, mut f: Features) {
        let Some(slot) = self.by_id.get(&f.id).copied() else { return };
        let Some(old) = self.entries.get(&slot) else { return };
        let same = old.exact == f.exact
            && old.sig == f.signature
            && old.shingle_set == f.shingles
            && old.sentences == f.sentences
            && old.terms == f.terms
            && old.title == f.title_terms
            && old.entities == f.entities
            && old.keyphrases == f.keyphrases
            && old.places == f.places;
        if same {
            // The same text again (a file indexed twice): nothing to change.
            return;
        }
        let Some(old) = self.entries.remove(&slot) else { return };
        self.by_time.remove(&(old.time, slot));
        self.count_df(&old, false);
        if let Some(h) = old.exact {
            if self.exact.get(&h) == Some(&slot) {
                self.exact.remove(&h);
            }
        }
        // Its postings and bands are dropped lazily, as an evicted article's.
        self.evicted_since_compaction += 1;
        let sig = std::mem::take(&mut f.signature);
        let mut e = self.make_entry(f, old.time, sig);
        e.story = old.story;
        e.group = old.group;
        self.place(e);
    }

    /// Give an entry a new slot: document frequencies, postings, bands, hashes.
    fn place(&mut self, e: Entry) {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.count_df(&e, true);
        self.index_entry(slot, &e);
        if let Some(h) = e.exact {
            self.exact.entry(h).or_insert(slot);
        }
        self.by_id.insert(e.id.clone(), slot);
        self.by_time.insert((e.time, slot));
        self.entries.insert(slot, e);
    }

    /// Postings and LSH bands of an entry.
    fn index_entry(&mut self, slot: u64, e: &Entry) {
        for &(t, w) in top_terms(&e.body_vec, self.options.lookup_terms).iter() {
            self.postings.entry(t).or_default().push((slot, w));
        }
        for key in band_keys(&e.sig, self.options.rows) {
            self.bands.entry(key).or_default().push(slot);
        }
    }

    /// Drop articles older than `cutoff`, and stories whose last article is.
    fn evict(&mut self, cutoff: i64) {
        while let Some(&(time, slot)) = self.by_time.first() {
            if time >= cutoff {
                break;
            }
            self.by_time.pop_first();
            let Some(e) = self.entries.remove(&slot) else { continue };
            self.count_df(&e, false);
            if let Some(h) = e.exact {
                if self.exact.get(&h) == Some(&slot) {
                    self.exact.remove(&h);
                }
            }
            if self.by_id.get(&e.id) == Some(&slot) {
                self.by_id.remove(&e.id);
            }
            self.evicted_since_compaction += 1;
        }
        // Postings and bands drop evicted slots lazily; rebuild them once as many
        // articles left as remain (amortised O(1) per article).
        if self.evicted_since_compaction > self.entries.len().max(256) {
            self.compact(cutoff);
        }
    }

    fn compact(&mut self, cutoff: i64) {
        self.postings.clear();
        self.bands.clear();
        let slots: Vec<u64> = self.by_time.iter().map(|&(_, s)| s).collect();
        for slot in slots {
            if let Some(e) = self.entries.remove(&slot) {
                self.index_entry(slot, &e);
                self.entries.insert(slot, e);
            }
        }
        self.postings.shrink_to_fit();
        self.bands.shrink_to_fit();
        self.stories.retain(|_, s| s.last >= cutoff);
        let stories = &self.stories;
        self.story_links.retain(|id, _| stories.contains_key(id));
        for links in self.story_links.values_mut() {
            links.retain(|id, _| stories.contains_key(id));
        }
        self.stories.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.by_id.shrink_to_fit();
        self.exact.shrink_to_fit();
        self.term_df.shrink_to_fit();
        self.entity_df.shrink_to_fit();
        self.evicted_since_compaction = 0;
    }

    /// The state as bytes (see [`StoryEngine::from_bytes`]): options, stories and the
    /// window's articles (their features, not the derived vectors).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.write_version(STATE_VERSION)
    }

    /// The state in the layout of `version` (older versions leave out what they did not have).
    fn write_version(&self, version: u32) -> Vec<u8> {
        let mut w = Writer::new(version);
        let options = serde_json::to_string(&self.options).unwrap_or_default();
        w.str(&options);
        w.i64(self.now);
        w.u64(self.assigned);
        w.len(self.stories.len());
        let mut stories: Vec<&ActiveStory> = self.stories.values().collect();
        stories.sort_by(|a, b| a.id.cmp(&b.id));
        for s in stories {
            w.str(&s.id);
            w.i64(s.first);
            w.i64(s.last);
            w.u64(s.count);
        }
        w.len(self.by_time.len());
        for (_, slot) in &self.by_time {
            let e = &self.entries[slot];
            w.str(&e.id);
            w.i64(e.time);
            w.str(&e.story);
            w.str(&e.group);
            w.u64(e.exact.unwrap_or(0));
            w.u32(u32::from(e.exact.is_some()));
            w.u32(e.shingles);
            for list in [&e.sig, &e.shingle_set] {
                w.len(list.len());
                for &v in list {
                    w.u32(v);
                }
            }
            if version >= 3 {
                w.len(e.sentences.len());
                for list in &e.sentences {
                    w.len(list.len());
                    for &v in list {
                        w.u32(v);
                    }
                }
            }
            w.len(e.terms.len());
            for &(t, c) in &e.terms {
                w.u64(t);
                w.u32(c);
            }
            for list in [&e.title, &e.entities, &e.keyphrases] {
                w.len(list.len());
                for &t in list {
                    w.u64(t);
                }
            }
            if version >= 5 {
                w.len(e.places.len());
                for &t in &e.places {
                    w.u64(t);
                }
            } else if version >= 4 {
                // The numbers of version 4, no longer extracted: an empty list (see STATE_VERSION).
                w.len(0);
            }
        }
        w.f32(0.0);
        w.finish()
    }

    /// Read a state written by [`StoryEngine::to_bytes`]; the derived vectors
    /// are rebuilt with the document frequencies of the whole window.
    pub fn from_bytes(bytes: &[u8]) -> Result<StoryEngine> {
        let (mut r, version) = Reader::new(bytes, MIN_STATE_VERSION, STATE_VERSION)?;
        let options: Options = serde_json::from_str(&r.str()?).map_err(|e| crate::Error::Corrupt(format!("options: {e}")))?;
        let mut engine = StoryEngine::new(options);
        engine.now = r.i64()?;
        engine.assigned = r.u64()?;
        for _ in 0..r.len(28)? {
            let s = ActiveStory { id: r.str()?, first: r.i64()?, last: r.i64()?, count: r.u64()? };
            engine.stories.insert(s.id.clone(), s);
        }
        let mut entries = Vec::new();
        for _ in 0..r.len(40)? {
            let id = r.str()?;
            let time = r.i64()?;
            let story = r.str()?;
            let group = r.str()?;
            let exact = r.u64()?;
            let exact = (r.u32()? == 1).then_some(exact);
            let shingles = r.u32()?;
            let mut sig = Vec::new();
            for _ in 0..r.len(4)? {
                sig.push(r.u32()?);
            }
            let mut shingle_set = Vec::new();
            for _ in 0..r.len(4)? {
                shingle_set.push(r.u32()?);
            }
            let mut sentences = Vec::new();
            if version >= 3 {
                for _ in 0..r.len(4)? {
                    let mut list = Vec::new();
                    for _ in 0..r.len(4)? {
                        list.push(r.u32()?);
                    }
                    sentences.push(list);
                }
            }
            let mut terms = Vec::new();
            for _ in 0..r.len(12)? {
                terms.push((r.u64()?, r.u32()?));
            }
            let mut lists: [Vec<u64>; 3] = Default::default();
            for list in &mut lists {
                for _ in 0..r.len(8)? {
                    list.push(r.u64()?);
                }
            }
            let [title, entities, keyphrases] = lists;
            let mut places = Vec::new();
            if version >= 4 {
                // Version 5: the places; version 4: its numbers (see STATE_VERSION), read past.
                for _ in 0..r.len(8)? {
                    let t = r.u64()?;
                    if version >= 5 {
                        places.push(t);
                    }
                }
            }
            entries.push(Entry {
                id,
                time,
                story,
                group,
                exact,
                sig,
                shingles,
                shingle_set,
                sentences,
                terms,
                title,
                entities,
                keyphrases,
                places,
                body_vec: Vec::new(),
                title_vec: Vec::new(),
                entity_vec: Vec::new(),
                keyphrase_vec: Vec::new(),
            });
        }
        r.f32()?;
        r.done()?;
        for e in &entries {
            engine.count_df(e, true);
        }
        // Derive with the df of the whole window without the article itself (n = its size).
        let n = entries.len();
        for (slot, mut e) in entries.into_iter().enumerate() {
            let slot = slot as u64;
            derive_vectors(
                &mut e,
                n.saturating_sub(1),
                engine.options.idf_background,
                |t| engine.term_df.get(t).copied().unwrap_or(0).saturating_sub(1),
                |t| engine.entity_df.get(t).copied().unwrap_or(0).saturating_sub(1),
            );
            engine.index_entry(slot, &e);
            if let Some(h) = e.exact {
                engine.exact.entry(h).or_insert(slot);
            }
            engine.by_id.insert(e.id.clone(), slot);
            engine.by_time.insert((e.time, slot));
            engine.entries.insert(slot, e);
        }
        engine.next_slot = n as u64;
        Ok(engine)
    }
}

/// The share of the sentences of the article with fewer sentences that have a
/// sentence in the other with word Jaccard ≥ `min` (0 when either has none).
fn aligned(a: &[Vec<u32>], b: &[Vec<u32>], min: f32) -> f32 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    share_aligned(short, long, min)
}

/// The share of the sentences of `short` that have a sentence in `long` with word
/// Jaccard ≥ `min` (0 when either has none).
fn share_aligned(short: &[Vec<u32>], long: &[Vec<u32>], min: f32) -> f32 {
    if short.is_empty() {
        return 0.0;
    }
    let hits = short.iter().filter(|x| has_close(x, long, min)).count();
    hits as f32 / short.len() as f32
}

/// Whether some sentence of `others` has word Jaccard ≥ `min` with `sentence`.
fn has_close(sentence: &[u32], others: &[Vec<u32>], min: f32) -> bool {
    others.iter().any(|y| {
        let inter = intersection(sentence, y) as f32;
        inter / ((sentence.len() + y.len()) as f32 - inter).max(1.0) >= min
    })
}

/// How much later the text two articles share starts in one than in the other: the
/// difference of their offsets, an article's offset being the share of its words (the
/// sizes of its sentence sets) before its first sentence with a close sentence (word
/// Jaccard ≥ `min`) in the other. 0 when either has no sentence sets or none align.
fn lead_offset(a: &[Vec<u32>], b: &[Vec<u32>], min: f32) -> f32 {
    let offset = |x: &[Vec<u32>], y: &[Vec<u32>]| -> Option<f32> {
        let total: usize = x.iter().map(Vec::len).sum();
        let mut before = 0usize;
        for s in x {
            if has_close(s, y, min) {
                return Some(before as f32 / total.max(1) as f32);
            }
            before += s.len();
        }
        None
    };
    match (offset(a, b), offset(b, a)) {
        (Some(x), Some(y)) => (x - y).abs(),
        _ => 0.0,
    }
}

/// The body's term weights: IDF times log-scaled counts (1 + ln c).
fn body_weights(terms: &[(u64, u32)], idf: impl Fn(&u64) -> f32) -> Vector {
    terms.iter().map(|&(t, c)| (t, (1.0 + (c as f32).ln()) * idf(&t))).collect()
}

/// Number of values two sorted sets share.
fn intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn decrement(map: &mut HashMap<u64, u32>, key: u64) {
    if let Some(c) = map.get_mut(&key) {
        *c -= 1;
        if *c == 0 {
            map.remove(&key);
        }
    }
}

/// The `k` highest-weighted terms.
fn top_terms(v: &[(u64, f32)], k: usize) -> Vec<(u64, f32)> {
    let mut top = v.to_vec();
    if top.len() > k {
        top.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(k);
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_idf_keeps_an_event_word_weighty_when_the_window_is_full_of_it() {
        // A word in 90 of the window's 100 articles: the window alone makes it nearly worthless.
        let rare = term_hash("زلزال");
        let common = term_hash("وزير");
        assert!(BACKGROUND.1.contains_key(&common), "the embedded table holds وزير");
        let window_only = term_idf(100, 90, rare, 0.0);
        let mixed = term_idf(100, 90, rare, 0.3);
        assert!(mixed > window_only + 0.5, "{mixed} vs {window_only}");
        // A word common in the corpus gains much less from the corpus's counts.
        assert!(term_idf(100, 90, common, 0.3) < mixed);
        // Off: exactly the window's IDF.
        assert_eq!(term_idf(100, 5, common, 0.0), idf(100, 5));
    }

    fn article(id: &str, words: std::ops::Range<u64>, time: i64) -> Features {
        let terms: Vec<(u64, u32)> = words.clone().map(|t| (t, 1)).collect();
        let shingles: Vec<u32> = words.clone().map(|t| t as u32).collect();
        let sentences = vec![words.clone().map(|t| t as u32).collect()];
        Features {
            id: id.into(),
            time: Some(time),
            shingle_count: shingles.len() as u32,
            shingles,
            sentences,
            terms,
            ..Features::default()
        }
    }

    #[test]
    fn a_version_2_state_is_read_without_sentences() {
        let o = Options { dup_align: 0.7, ..Options::default() };
        let mut e = StoryEngine::new(o);
        e.assign(article("a", 0..40, 1000));
        let old = e.write_version(2);
        let back = StoryEngine::from_bytes(&old).unwrap();
        assert_eq!(back.stats(), e.stats());
        assert!(back.entries.values().all(|x| x.sentences.is_empty()));
        let now = StoryEngine::from_bytes(&e.to_bytes()).unwrap();
        assert!(now.entries.values().all(|x| x.sentences.len() == 1));
        // Versions after this one are refused.
        assert!(StoryEngine::from_bytes(&e.write_version(STATE_VERSION + 1)).is_err());
    }

    #[test]
    fn a_copy_rewritten_word_by_word_is_confirmed_sentence_by_sentence_unless_disabled() {
        let s = |r: std::ops::Range<u32>| r.collect::<Vec<u32>>();
        let with = |mut f: Features, shingles: Vec<u32>, sentences: Vec<Vec<u32>>| {
            let wide: Vec<u64> = shingles.iter().map(|&h| u64::from(h)).collect();
            f.signature = crate::minhash::signature(&wide, Options::default().perms);
            f.shingle_count = shingles.len() as u32;
            f.shingles = shingles;
            f.sentences = sentences;
            f
        };
        let original = || with(article("a", 0..40, 1000), s(0..100), vec![s(0..10), s(10..20), s(20..30), s(30..40)]);
        // Half of the shingles shared (containment 0.5, Jaccard 1/3): below the shingle rules.
        let shingles: Vec<u32> = (0..50).chain(1000..1050).collect();
        // Every sentence with one word in ten edited: all four align.
        let rewritten = || with(article("b", 0..40, 1100), shingles.clone(), vec![s(1..11), s(11..21), s(21..31), s(31..41)]);
        // Sentences that keep only four words of ten of the original's: none aligns.
        let other = || with(article("b", 0..40, 1100), shingles.clone(), vec![s(0..4), s(10..14), s(20..24), s(30..34)]);
        for (options, make, copy) in [
            (Options { dup_align: 0.7, ..Options::default() }, &rewritten as &dyn Fn() -> Features, true),
            (Options { dup_align: 0.0, ..Options::default() }, &rewritten, false),
            (Options { dup_align: 0.7, ..Options::default() }, &other, false),
        ] {
            let mut e = StoryEngine::new(options);
            e.assign(original());
            let b = e.assign(make());
            assert_eq!(b.duplicate_of.is_some(), copy, "{b:?}");
        }
    }

    #[test]
    fn a_version_3_state_is_read() {
        let mut e = StoryEngine::new(Options::default());
        e.assign(article("a", 0..40, 1000));
        let back = StoryEngine::from_bytes(&e.write_version(3)).unwrap();
        assert_eq!(back.stats(), e.stats());
        assert!(back.entries.values().all(|x| x.sentences.len() == 1));
        assert_eq!(back.to_bytes(), e.to_bytes());
    }

    /// A version-4 state written before session s16 holds each article's numbers: it still
    /// loads (they are skipped), and is written back the same but for empty number lists.
    #[test]
    fn a_version_4_state_with_numbers_still_loads() {
        let mut e = StoryEngine::new(Options::default());
        e.assign(article("a", 0..40, 1000));
        let now = e.to_bytes();
        let v4 = e.write_version(4);
        // The state of one article ends with its (empty) numbers list, the f32 0.0 and the
        // checksum: put two numbers in the list, as builds before s16 wrote them.
        let body = &v4[..v4.len() - 8];
        assert_eq!(&body[body.len() - 8..], &[0u8; 8]);
        let mut w = Writer::new(4);
        w.buf.clear();
        w.buf.extend_from_slice(&body[..body.len() - 8]);
        w.len(2);
        w.u64(7);
        w.u64(9);
        w.f32(0.0);
        let old = w.finish();
        assert_eq!(old.len(), v4.len() + 16);
        let back = StoryEngine::from_bytes(&old).unwrap();
        assert_eq!(back.stats(), e.stats());
        // The numbers are not taken for places: saved again, it is today's state.
        assert_eq!(back.to_bytes(), now);
        // A numbers list longer than the file is still refused.
        let mut w = Writer::new(4);
        w.buf.clear();
        w.buf.extend_from_slice(&body[..body.len() - 8]);
        w.len(1000);
        w.f32(0.0);
        assert!(StoryEngine::from_bytes(&w.finish()).is_err());
    }

    /// An article with the given shingles and sentences (its signature from the shingles).
    fn copy(id: &str, time: i64, shingles: Vec<u32>, sentences: Vec<Vec<u32>>) -> Features {
        let mut f = article(id, 0..40, time);
        let wide: Vec<u64> = shingles.iter().map(|&h| u64::from(h)).collect();
        f.signature = crate::minhash::signature(&wide, Options::default().perms);
        f.shingle_count = shingles.len() as u32;
        f.shingles = shingles;
        f.sentences = sentences;
        f
    }

    #[test]
    fn an_article_copying_two_groups_merges_them_only_when_it_copies_both_whole() {
        let s = |r: std::ops::Range<u32>| r.collect::<Vec<u32>>();
        let sentences = |base: u32| (0..4).map(|i| s(base + 10 * i..base + 10 * i + 10)).collect::<Vec<_>>();
        // Two copies of one release that miss each other (Jaccard 1/3, containment 1/2,
        // no sentence aligned: below the rules), and a third copy between them (Jaccard 0.6 with each, every
        // sentence aligned both ways): it links the two groups.
        let a = || copy("a", 1000, s(0..100), sentences(0));
        let b = || copy("b", 1100, s(50..150), sentences(1000));
        let c = || copy("c", 1200, s(25..125), sentences(0));
        for (options, merged) in [(Options::default(), true), (Options { dup_merge: false, ..Options::default() }, false)] {
            let mut e = StoryEngine::new(options);
            assert_eq!(e.assign(a()).dup_group, "a");
            assert_eq!(e.assign(b()).dup_group, "b");
            let linked = e.assign(c());
            if merged {
                assert_eq!((linked.dup_group.as_str(), linked.merged_groups.as_slice()), ("a", &["b".to_owned()][..]), "{linked:?}");
                assert_eq!(e.assignment_of("b").unwrap().dup_group, "a");
            } else {
                assert!(linked.merged_groups.is_empty(), "{linked:?}");
                assert_eq!(e.assignment_of("b").unwrap().dup_group, "b");
            }
        }
        // A roundup that reprints two unrelated releases end to end contains each
        // (containment 1, Jaccard 0.5 with the longer one, 0.4 with the other): it joins
        // a group, but the two releases are not copies of each other and stay apart.
        let one = || copy("one", 1000, s(0..60), sentences(0));
        let two = || copy("two", 1100, s(500..540), sentences(500));
        let roundup = || {
            let mut all = sentences(0);
            all.extend(sentences(500));
            copy("roundup", 1200, s(0..60).into_iter().chain(s(500..540)).collect(), all)
        };
        let mut e = StoryEngine::new(Options::default());
        e.assign(one());
        e.assign(two());
        let r = e.assign(roundup());
        assert!(r.duplicate_of.is_some() && r.merged_groups.is_empty(), "{r:?}");
        assert_ne!(e.assignment_of("one").unwrap().dup_group, e.assignment_of("two").unwrap().dup_group);
    }

    #[test]
    fn a_release_appended_after_other_news_is_not_a_copy_of_it() {
        let s = |r: std::ops::Range<u32>| r.collect::<Vec<u32>>();
        let sentences = |base: u32, n: u32| (0..n).map(|i| s(base + 10 * i..base + 10 * i + 10)).collect::<Vec<_>>();
        // A release of three sentences, then reports that carry it whole with three sentences
        // of their own news after it (a paragraph added) or before it (a release appended).
        let release = || copy("release", 1000, s(0..60), sentences(0, 3));
        let report = |id: &str, release_first: bool| {
            let (mut all, own) = (sentences(0, 3), sentences(500, 3));
            if release_first {
                all.extend(own);
            } else {
                all.splice(0..0, own);
            }
            copy(id, 1100, s(0..60).into_iter().chain(s(500..560)).collect(), all)
        };
        for (offset, release_first, is_copy) in [(0.3, true, true), (0.3, false, false), (0.0, false, true)] {
            let mut e = StoryEngine::new(Options { dup_offset: offset, ..Options::default() });
            e.assign(release());
            let r = e.assign(report("report", release_first));
            assert_eq!(r.duplicate_of.is_some(), is_copy, "offset {offset} release first {release_first}: {r:?}");
        }
        // The offset itself: the shared text starts half-way into the appended report.
        let appended = report("x", false).sentences;
        assert!((lead_offset(&sentences(0, 3), &appended, 0.45) - 0.5).abs() < 1e-6);
        assert_eq!(lead_offset(&sentences(0, 3), &sentences(0, 3), 0.45), 0.0);
        // Without sentence sets, or with none aligned, the rule says nothing.
        assert_eq!(lead_offset(&[], &appended, 0.45), 0.0);
        assert_eq!(lead_offset(&sentences(900, 2), &appended, 0.45), 0.0);
    }

    #[test]
    fn sentences_align_when_most_of_the_shorter_ones_have_a_close_match() {
        let s = |r: std::ops::Range<u32>| r.collect::<Vec<u32>>();
        // Two sentences of three align (word Jaccard 8/12 and 10/10), one has no match.
        let a = vec![s(0..10), s(20..30), s(40..50)];
        let b = vec![s(2..12), s(20..30), s(100..110), s(200..210)];
        assert!((aligned(&a, &b, 0.5) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(aligned(&a, &b, 0.9), 1.0 / 3.0);
        assert_eq!(aligned(&[], &b, 0.5), 0.0);
    }
}
