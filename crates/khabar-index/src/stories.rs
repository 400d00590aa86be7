//! Near-duplicates and stories at ingest (crate `khabar-stories`), stored in
//! the index: every document records its duplicate group (`dup_group`) and
//! story (`story`), and the engine's window state lives next to the index in
//! `stories/state-N.bin`.
//!
//! ## Ingest API (the CLI's `khabar index` and the HTTP server both use it)
//!
//! ```
//! use khabar::{Analyzer, Document};
//! use khabar_index::stories::{Options, StoryState};
//! use khabar_index::SearchIndex;
//! let index = SearchIndex::create_in_ram().unwrap();
//! let mut writer = index.writer(1, 15_000_000).unwrap();
//! let mut state = StoryState::open(&index, None, Options::default()).unwrap();
//! let analyzer = Analyzer::default();
//! let body = "أعلنت وزارة الصحة السعودية اليوم تسجيل حالات جديدة بفيروس كورونا في الرياض";
//! let docs: Vec<_> = ["a", "b"]
//!     .iter()
//!     .map(|id| {
//!         let d = Document { id: Some(id.to_string()), body: body.into(), published: Some("2015-08-01".into()), ..Document::default() };
//!         let a = analyzer.analyze_document(&d);
//!         (d, a, None)
//!     })
//!     .collect();
//! let assigned = index.ingest(&writer, &mut state, &docs);
//! assert_eq!(assigned[1].dup_group, "a");
//! state.commit(&mut writer).unwrap(); // durable: documents and story state together
//! index.reload().unwrap();
//! assert_eq!(khabar_index::stories::list_dups(&index).unwrap(), vec![vec!["a".to_string(), "b".to_string()]]);
//! ```
//!
//! ## Durability
//!
//! [`StoryState::commit`] first writes the engine's state as
//! `stories/state-(N+1).bin` (temporary file, fsync, rename, fsync of the
//! folder), then commits the tantivy index with the payload
//! `khabar-stories:N+1`, and only then deletes older state files. A crash
//! (even SIGKILL) at any point leaves the last committed index naming a state
//! file that exists and matches it: before the index commit, the index still
//! names state N, which is still there; after it, state N+1. A state file the
//! index does not name is an orphan and is overwritten later.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use khabar::{Analysis, Document, EntityRecord};
pub use khabar_stories::{eval, ActiveStory, Aliases, Assignment, EngineStats, Features, Options, StoryEngine, DEFAULT_WINDOW};
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, BooleanQuery, ExistsQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexWriter, TantivyDocument, Term};

use crate::{format_date, parse_date, Error, Result, SearchIndex};

const PAYLOAD_PREFIX: &str = "khabar-stories:";
const STATE_DIR: &str = "stories";

/// The features of an analysed article, its time taken from `published`, with
/// the Analysis' keyphrases (by lemma) when it carries them.
pub fn features(doc: &Document, analysis: &Analysis, title: Option<&Analysis>, options: &Options) -> Features {
    Features::extract(doc, analysis, title, options)
        .with_time(doc.published.as_deref().and_then(parse_date).map(|(secs, _)| secs))
        .with_keyphrases(analysis.keyphrases.iter().map(|k| if k.lemma.trim().is_empty() { k.text.as_str() } else { k.lemma.as_str() }))
}

/// The story engine of an index and where its state is kept.
pub struct StoryState {
    engine: StoryEngine,
    dir: Option<PathBuf>,
    generation: u64,
    stale: Vec<PathBuf>,
}

fn corrupt(e: khabar_stories::Error) -> Error {
    Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
}

fn state_file(dir: &Path, generation: u64) -> PathBuf {
    dir.join(STATE_DIR).join(format!("state-{generation}.bin"))
}

fn state_generations(dir: &Path) -> Vec<u64> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir.join(STATE_DIR)) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(n) = name.strip_prefix("state-").and_then(|n| n.strip_suffix(".bin")).and_then(|n| n.parse().ok()) {
                out.push(n);
            }
        }
    }
    out.sort_unstable();
    out
}

impl StoryState {
    /// The state matching the index's last commit. `dir`: the index folder
    /// (`None` for an index in memory: nothing is persisted). A new engine
    /// uses `options`; a persisted one keeps its own, but for the window, which
    /// `options.window` replaces. A new index (no committed document, no state named)
    /// starts a new engine even when the folder holds state files: they are an earlier
    /// index's ([`StoryState::stale_files`]).
    pub fn open(index: &SearchIndex, dir: Option<&Path>, options: Options) -> Result<StoryState> {
        let mut state =
            StoryState { engine: StoryEngine::new(options.clone()), dir: dir.map(Path::to_path_buf), generation: 0, stale: Vec::new() };
        let Some(dir) = dir else { return Ok(state) };
        let metas = index.index().load_metas()?;
        let named = metas.payload.as_deref().and_then(|p| p.strip_prefix(PAYLOAD_PREFIX)).and_then(|n| n.parse::<u64>().ok());
        if named.is_none() && metas.segments.is_empty() {
            // A new index (no commit holds a document): a state file in the folder is an
            // earlier index's (its meta.json was deleted and the folder indexed again), about
            // documents this index does not hold. Start afresh; the first commit removes them.
            state.stale = state_generations(dir).into_iter().map(|g| state_file(dir, g)).collect();
            return Ok(state);
        }
        // A commit made without StoryState::commit carries no payload: fall back to the newest state.
        let generation = named.or_else(|| state_generations(dir).last().copied());
        if let Some(g) = generation {
            let path = state_file(dir, g);
            let bytes = std::fs::read(&path).map_err(|e| {
                Error::Io(std::io::Error::new(e.kind(), format!("{}: cannot read the story state the index names: {e}", path.display())))
            })?;
            state.engine = StoryEngine::from_bytes(&bytes).map_err(corrupt)?;
            state.engine.set_window(options.window);
            state.generation = g;
        }
        Ok(state)
    }

    /// State files found next to a new index (no committed document, no state named) and
    /// not loaded: an earlier index's, left in the folder (its `meta.json` deleted and the
    /// folder indexed again). The state starts empty and the next [`StoryState::commit`]
    /// removes them; `khabar index` and `khabar serve` say so.
    pub fn stale_files(&self) -> &[PathBuf] {
        &self.stale
    }

    /// What `khabar index`, `khabar serve` and Python's `Index.add` tell the user when
    /// [`StoryState::stale_files`] is not empty (`None` when it is).
    pub fn stale_note(&self) -> Option<String> {
        let dir = self.dir.as_deref().filter(|_| !self.stale.is_empty())?;
        Some(format!(
            "{} is a new index but {} holds an earlier index's story state ({} file(s)); starting a new story state \
             (the old files are removed at the first commit)",
            dir.display(),
            dir.join("stories").display(),
            self.stale.len()
        ))
    }

    /// The engine.
    pub fn engine(&self) -> &StoryEngine {
        &self.engine
    }

    /// Assign one article (see [`StoryEngine::assign`]).
    pub fn assign(&mut self, features: Features) -> Assignment {
        self.engine.assign(features)
    }

    /// Make the documents added since the last commit durable together with the
    /// story state (see the module docs for the order).
    pub fn commit(&mut self, writer: &mut IndexWriter) -> Result<u64> {
        let next = self.generation + 1;
        if let Some(dir) = &self.dir {
            let folder = dir.join(STATE_DIR);
            std::fs::create_dir_all(&folder)?;
            let tmp = folder.join(format!("state-{next}.bin.tmp"));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&self.engine.to_bytes())?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, state_file(dir, next))?;
            // The rename itself must be durable before the index names the file.
            if let Ok(d) = std::fs::File::open(&folder) {
                let _ = d.sync_all();
            }
        }
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{PAYLOAD_PREFIX}{next}"));
        let opstamp = prepared.commit()?;
        self.generation = next;
        if let Some(dir) = &self.dir {
            for g in state_generations(dir) {
                if g != next {
                    let _ = std::fs::remove_file(state_file(dir, g));
                }
            }
        }
        Ok(opstamp)
    }
}

impl SearchIndex {
    /// Record an assignment in a document made by [`SearchIndex::make_document`].
    pub fn stamp(&self, doc: &mut TantivyDocument, a: &Assignment) {
        doc.add_text(self.fields().dup_group, &a.dup_group);
        doc.add_text(self.fields().story, &a.story);
        if self.has_merged_stories() {
            for m in &a.merged {
                doc.add_text(self.fields().merged_stories, m);
            }
        }
        if self.has_merged_groups() {
            for m in &a.merged_groups {
                doc.add_text(self.fields().merged_groups, m);
            }
        }
    }

    /// Ingest analysed articles: duplicate group and story for each (in order),
    /// recorded in its document, upserted into `writer`. Durable after
    /// [`StoryState::commit`]. `docs`: (document, body analysis, headline analysis).
    /// A document without an id gets an empty one; give every document an id.
    pub fn ingest(&self, writer: &IndexWriter, state: &mut StoryState, docs: &[(Document, Analysis, Option<Analysis>)]) -> Vec<Assignment> {
        let options = state.engine.options().clone();
        docs.iter()
            .map(|(doc, analysis, title)| {
                let a = state.assign(features(doc, analysis, title.as_ref(), &options));
                let mut d = self.make_document(doc, analysis, title.as_ref());
                self.stamp(&mut d, &a);
                self.upsert_prepared(writer, doc.id.as_deref().unwrap_or(""), d);
                a
            })
            .collect()
    }
}

/// Fold near-duplicates in a ranking: the first hit of each duplicate group
/// stays, with the number of later hits of its group (groups merged into another,
/// `groups` from [`group_aliases`], count as the surviving group).
pub fn collapse(searcher: &tantivy::Searcher, ranked: &[(f32, DocAddress)], groups: &Aliases) -> Result<Vec<((f32, DocAddress), usize)>> {
    let mut columns = HashMap::new();
    let mut out: Vec<((f32, DocAddress), usize)> = Vec::new();
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut buf = String::new();
    for &(score, addr) in ranked {
        if let std::collections::hash_map::Entry::Vacant(e) = columns.entry(addr.segment_ord) {
            e.insert(searcher.segment_reader(addr.segment_ord).fast_fields().str("dup_group")?);
        }
        buf.clear();
        if let Some(col) = &columns[&addr.segment_ord] {
            if let Some(ord) = col.term_ords(addr.doc_id).next() {
                col.ord_to_str(ord, &mut buf)?;
            }
        }
        if !buf.is_empty() && !groups.is_empty() {
            buf = groups.resolve(&buf);
        }
        if !buf.is_empty() {
            if let Some(&i) = first_of.get(&buf) {
                out[i].1 += 1;
                continue;
            }
            first_of.insert(buf.clone(), out.len());
        }
        out.push(((score, addr), 0));
    }
    Ok(out)
}

/// One article of a story or duplicate group.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleInfo {
    /// Document id.
    pub id: String,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Publication date-time, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Near-duplicate group.
    pub dup_group: String,
    #[serde(skip)]
    time: Option<i64>,
    #[serde(skip)]
    story: String,
    #[serde(skip)]
    entities: Vec<(String, String)>,
    /// (text, lemma) in the article's order of importance.
    #[serde(skip)]
    keyphrases: Vec<(String, String)>,
}

/// An entity of a story and the number of its articles that mention it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StoryEntity {
    /// Canonical name.
    pub name: String,
    /// PER, LOC, ORG or MISC.
    #[serde(rename = "type")]
    pub kind: String,
    /// Articles mentioning it.
    pub articles: usize,
}

/// A story as stored in the index.
#[derive(Clone, Debug, Serialize)]
pub struct StorySummary {
    /// Story id (the id of its first article).
    pub id: String,
    /// The representative headline (the one sharing most words with the others).
    pub title: String,
    /// Its articles' ids, oldest first.
    pub articles: Vec<String>,
    /// Its top entities (by articles mentioning them).
    pub entities: Vec<StoryEntity>,
    /// Publication of its oldest article.
    pub first_seen: Option<String>,
    /// Publication of its newest article.
    pub last_seen: Option<String>,
    /// Number of articles.
    pub count: usize,
    /// Publications, most articles first.
    pub sources: Vec<String>,
    /// Its top keyphrases: by articles having them (matched by lemma), then by rank in them.
    pub keyphrases: Vec<String>,
    /// Near-duplicate groups among its articles (articles that are copies of one another).
    pub dup_groups: usize,
    /// The articles in detail (`khabar story ID`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ArticleInfo>,
}

/// Top entities listed per story.
pub const STORY_ENTITIES: usize = 8;

/// Top keyphrases listed per story.
pub const STORY_KEYPHRASES: usize = 8;

/// Read the articles matching `query` (stored fields only; duplicate groups merged
/// into another resolved to the surviving group).
fn articles(index: &SearchIndex, query: &dyn Query) -> Result<Vec<ArticleInfo>> {
    let groups = group_aliases(index)?;
    let searcher = index.reader_searcher();
    let f = index.fields();
    let mut addrs: Vec<DocAddress> = searcher.search(query, &DocSetCollector)?.into_iter().collect();
    addrs.sort();
    let mut out = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let d: TantivyDocument = searcher.doc(addr)?;
        let text = |field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
        let time = d.get_first(f.published).and_then(|v| v.as_datetime()).map(|dt| dt.into_timestamp_secs());
        let entities: Vec<EntityRecord> = text(f.entities).and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let mut seen = BTreeSet::new();
        for e in entities {
            let name = if e.canonical.trim().is_empty() { e.text.trim().to_owned() } else { e.canonical.trim().to_owned() };
            if !name.is_empty() {
                seen.insert((e.kind, name));
            }
        }
        let keyphrases: Vec<(String, String)> = text(f.keyphrases).and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let id = text(f.id).unwrap_or_default();
        out.push(ArticleInfo {
            dup_group: groups.resolve(&text(f.dup_group).unwrap_or_else(|| id.clone())),
            story: text(f.story).unwrap_or_else(|| id.clone()),
            id,
            title: text(f.title),
            source: text(f.source),
            published: time.map(format_date),
            time,
            entities: seen.into_iter().collect(),
            keyphrases,
        });
    }
    Ok(out)
}

fn date_range(index: &SearchIndex, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
    if from.is_none() && to.is_none() {
        return Box::new(AllQuery);
    }
    crate::published_range(index.fields().published, from, to)
}

/// Near-duplicate groups of two or more articles, biggest first; ids oldest first.
pub fn list_dups(index: &SearchIndex) -> Result<Vec<Vec<String>>> {
    let mut groups: BTreeMap<String, Vec<ArticleInfo>> = BTreeMap::new();
    for a in articles(index, &AllQuery)? {
        groups.entry(a.dup_group.clone()).or_default().push(a);
    }
    let mut out: Vec<Vec<String>> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
            g.into_iter().map(|a| a.id).collect()
        })
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    Ok(out)
}

/// Where merged stories went: read from the articles that caused merges
/// (`merged_stories`; empty for an index built before the field).
pub fn aliases(index: &SearchIndex) -> Result<Aliases> {
    if !index.has_merged_stories() {
        return Ok(Aliases::default());
    }
    merges(index, "merged_stories", index.fields().merged_stories, index.fields().story)
}

/// Where merged duplicate groups went: read from the articles that linked them
/// (`merged_groups`; empty for an index built before the field).
pub fn group_aliases(index: &SearchIndex) -> Result<Aliases> {
    if !index.has_merged_groups() {
        return Ok(Aliases::default());
    }
    merges(index, "merged_groups", index.fields().merged_groups, index.fields().dup_group)
}

/// The merges recorded in field `merged` (named `name`) of the documents that have it, into their `into` field.
fn merges(index: &SearchIndex, name: &str, merged: tantivy::schema::Field, into: tantivy::schema::Field) -> Result<Aliases> {
    let mut aliases = Aliases::default();
    let searcher = index.reader_searcher();
    let mut addrs: Vec<DocAddress> = searcher.search(&ExistsQuery::new(name.to_owned(), false), &DocSetCollector)?.into_iter().collect();
    addrs.sort();
    for addr in addrs {
        let d: TantivyDocument = searcher.doc(addr)?;
        let Some(target) = d.get_first(into).and_then(|v| v.as_str()) else { continue };
        for m in d.get_all(merged).filter_map(|v| v.as_str()) {
            aliases.add(m, target);
        }
    }
    Ok(aliases)
}

/// Stories with articles published in `[from, to)` (seconds since the epoch;
/// `None`: unbounded), listing those articles; biggest first, then newest.
/// Articles of a story merged into another are listed under the surviving story.
pub fn list_stories(index: &SearchIndex, from: Option<i64>, to: Option<i64>) -> Result<Vec<StorySummary>> {
    let aliases = aliases(index)?;
    let mut by_story: BTreeMap<String, Vec<ArticleInfo>> = BTreeMap::new();
    for mut a in articles(index, &*date_range(index, from, to))? {
        a.story = aliases.resolve(&a.story);
        by_story.entry(a.story.clone()).or_default().push(a);
    }
    let mut out: Vec<StorySummary> = by_story.into_iter().map(|(id, arts)| summarise(id, arts, false)).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| b.last_seen.cmp(&a.last_seen)).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// One story with its articles in detail (`None`: no such story). The id of a
/// story merged into another shows the surviving story. The id is looked up as
/// given (ids are kept as sent, spaces too), else without the spaces around it
/// (a pasted id), so the CLI, the API and Python find the same stories.
pub fn story(index: &SearchIndex, id: &str) -> Result<Option<StorySummary>> {
    match story_exact(index, id)? {
        None if id.trim() != id => story_exact(index, id.trim()),
        found => Ok(found),
    }
}

fn story_exact(index: &SearchIndex, id: &str) -> Result<Option<StorySummary>> {
    let aliases = aliases(index)?;
    let root = aliases.resolve(id);
    let terms: Vec<(Occur, Box<dyn Query>)> = aliases
        .members(&root)
        .into_iter()
        .map(|m| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(index.fields().story, &m), IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    let mut arts = articles(index, &BooleanQuery::new(terms))?;
    for a in &mut arts {
        a.story = root.clone();
    }
    Ok((!arts.is_empty()).then(|| summarise(root, arts, true)))
}

fn headline_words(t: &str) -> BTreeSet<String> {
    khabar_text::tokenize(t)
        .filter(|tok| matches!(tok.kind, khabar_text::TokenKind::Arabic | khabar_text::TokenKind::Latin))
        .map(|tok| khabar_text::normalize(tok.text(t), khabar_text::Profile::Search))
        .filter(|w| !khabar_text::is_stopword(w))
        .collect()
}

fn summarise(id: String, mut arts: Vec<ArticleInfo>, details: bool) -> StorySummary {
    arts.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    // Representative headline: most words shared with the other headlines; the earliest on ties.
    let words: Vec<BTreeSet<String>> = arts.iter().map(|a| headline_words(a.title.as_deref().unwrap_or(""))).collect();
    let mut best = (0usize, -1.0f64);
    for (i, w) in words.iter().enumerate() {
        if w.is_empty() {
            continue;
        }
        let score: f64 = words
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, o)| w.intersection(o).count() as f64 / w.union(o).count().max(1) as f64)
            .sum();
        if score > best.1 {
            best = (i, score);
        }
    }
    let title = arts.get(best.0).and_then(|a| a.title.clone()).unwrap_or_default();
    let mut entity_counts: HashMap<(String, String), usize> = HashMap::new();
    let mut sources: HashMap<String, usize> = HashMap::new();
    for a in &arts {
        for e in &a.entities {
            *entity_counts.entry(e.clone()).or_default() += 1;
        }
        if let Some(s) = &a.source {
            *sources.entry(s.clone()).or_default() += 1;
        }
    }
    let mut entities: Vec<StoryEntity> =
        entity_counts.into_iter().map(|((kind, name), articles)| StoryEntity { name, kind, articles }).collect();
    entities.sort_by(|a, b| b.articles.cmp(&a.articles).then_with(|| a.name.cmp(&b.name)).then_with(|| a.kind.cmp(&b.kind)));
    entities.truncate(STORY_ENTITIES);
    let keyphrases = top_keyphrases(&arts);
    let mut sources: Vec<(String, usize)> = sources.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let dup_groups = arts.iter().map(|a| a.dup_group.as_str()).collect::<BTreeSet<_>>().len();
    StorySummary {
        id,
        title,
        articles: arts.iter().map(|a| a.id.clone()).collect(),
        entities,
        first_seen: arts.iter().filter_map(|a| a.time).min().map(format_date),
        last_seen: arts.iter().filter_map(|a| a.time).max().map(format_date),
        count: arts.len(),
        sources: sources.into_iter().map(|(s, _)| s).collect(),
        keyphrases,
        dup_groups,
        details: if details { arts } else { Vec::new() },
    }
}

/// A story's top keyphrases: those of most of its articles (by lemma; a
/// phrase counts once per duplicate group, so fourteen copies of one release
/// do not outvote the other reports), then the best ranked; shown in the form
/// of the earliest article having it.
fn top_keyphrases(arts: &[ArticleInfo]) -> Vec<String> {
    // lemma -> (groups, sum of ranks, first text)
    let mut by_lemma: HashMap<&str, (BTreeSet<&str>, usize, &str)> = HashMap::new();
    for a in arts {
        for (rank, (text, lemma)) in a.keyphrases.iter().enumerate() {
            let key = if lemma.trim().is_empty() { text.as_str() } else { lemma.as_str() };
            let e = by_lemma.entry(key).or_insert_with(|| (BTreeSet::new(), 0, text.as_str()));
            if e.0.insert(a.dup_group.as_str()) {
                e.1 += rank;
            }
        }
    }
    let mut list: Vec<(usize, f64, &str, &str)> = by_lemma
        .into_iter()
        .map(|(lemma, (groups, ranks, text))| (groups.len(), ranks as f64 / groups.len() as f64, lemma, text))
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then_with(|| a.2.cmp(b.2)));
    list.into_iter().take(STORY_KEYPHRASES).map(|(_, _, _, text)| text.to_owned()).collect()
}

/// Every article's (story, duplicate group) in the index, by id (for evaluation);
/// merged stories resolved to the surviving one.
pub fn assignments(index: &SearchIndex) -> Result<HashMap<String, (String, String)>> {
    let aliases = aliases(index)?;
    Ok(articles(index, &AllQuery)?.into_iter().map(|a| (a.id, (aliases.resolve(&a.story), a.dup_group))).collect())
}
