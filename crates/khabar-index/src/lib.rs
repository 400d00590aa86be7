//! # khabar-index
//!
//! Arabic search on [tantivy] with khabar's analysis behind every indexed
//! field and every query.
//!
//! * **Exact fields** (`title_exact`, `body_exact`): search-normalised surface
//!   forms (`normalize(token, Profile::Search)`), boosted, so a document with
//!   the very form the user typed ranks first.
//! * **Morphological fields** (`title_morph`, `body_morph`): one term per word
//!   from [`morph_terms`] — the lemma of the token's content word when the
//!   morphology layer filled `TokenRecord.words`, else its light stem with the
//!   proclitics stripped (مفاوضات، والمفاوضات، بالمفاوضات → مفاوض).
//! * **Entity facets** (`entity`): `/TYPE/canonical` from `Analysis.entities`.
//! * Stored: `id` (the upsert key), `title`, `body`, `source`, `url`,
//!   `published` (date, indexed and fast), `entities` (JSON).
//!
//! Tokens carry byte offsets into the ORIGINAL text, so tantivy's
//! `SnippetGenerator` highlights the surface characters. Queries go through
//! the same tokenizers (registered as `khabar_exact` and `khabar_morph`).
//!
//! ```
//! use khabar::{Analyzer, Document};
//! use khabar_index::{SearchIndex, SearchRequest};
//! let index = SearchIndex::create_in_ram().unwrap();
//! let mut writer = index.writer(1, 15_000_000).unwrap();
//! let doc = Document { id: Some("1".into()), body: "استؤنفت والمفاوضات في جنيف".into(), ..Document::default() };
//! let analysis = Analyzer::default().analyze_document(&doc);
//! index.upsert(&writer, &doc, &analysis, None);
//! writer.commit().unwrap();
//! index.reload().unwrap();
//! let found = index.search(&SearchRequest::new("مفاوضات")).unwrap();
//! assert_eq!(found.total, 1);
//! assert_eq!(found.hits[0].snippet, "استؤنفت <mark>والمفاوضات</mark> في جنيف");
//! ```
#![deny(missing_docs)]

mod analysis;
mod date;
pub mod entities;
pub mod eval;
mod query;
mod readonly;
pub mod stories;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use khabar::{Analysis, Analyzer, AnalyzerOptions, Document, EntityRecord};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, DocAddress, DocSet, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use crate::analysis::{
    exact_terms, field_tokens, field_tokens_with, morph_term, morph_term_with, morph_terms, KhabarTokenizer, Mode, SnippetTokenizer,
    EXACT_TOKENIZER, MORPH_TOKENIZER,
};
pub use crate::date::{date_bound, date_range, format_date, parse_date, DateRangeError, FIRST_INDEXED_SECOND, LAST_INDEXED_SECOND};
pub use crate::entities::{resolve_entity, timeline, top_entities, Day, EntityCount, EntityFilter, Timeline};
pub use crate::query::{check_query, MAX_QUERY_BYTES, MAX_QUERY_TERMS};

/// Entity facets are counted over this many best hits.
pub const FACET_HITS: usize = 200;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// Longest document id, in bytes: the longest term tantivy keeps. A longer id
/// would be stored but left out of the id field's terms, so the document could
/// be neither found by id nor replaced (a second upsert would add a copy).
pub const MAX_ID_BYTES: usize = tantivy::tokenizer::MAX_TOKEN_LEN;

/// Entity types with facets, in display order.
pub const ENTITY_TYPES: [&str; 4] = ["PER", "LOC", "ORG", "MISC"];

/// An entity type as a user writes it (`per`, ` LOC `): its name in [`ENTITY_TYPES`], or
/// `None` when it is none of them. The one reading of a type for the CLI, the API and Python.
pub fn entity_type(written: &str) -> Option<&'static str> {
    let t = written.trim();
    ENTITY_TYPES.iter().copied().find(|k| k.eq_ignore_ascii_case(t))
}

/// Boosts: exact forms rank above morphological matches, titles above bodies.
pub const BOOST_BODY_EXACT: f32 = 2.0;
/// Boost of the morphological body field.
pub const BOOST_BODY_MORPH: f32 = 1.0;
/// Boost of the exact title field.
pub const BOOST_TITLE_EXACT: f32 = 3.0;
/// Boost of the morphological title field.
pub const BOOST_TITLE_MORPH: f32 = 1.5;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// tantivy failed (I/O, corrupt index, lock).
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index folder could not be opened or created.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The folder holds no khabar index.
    #[error("{0}: no index there (build one with `khabar index --index {0} FILES`)")]
    NoIndex(String),
    /// The index path names a file: an index is a folder. Until session 21 `khabar index`, `khabar
    /// serve` and Python said "File exists (os error 17)", and a search over it said to build an
    /// index there.
    #[error("{0} is a file, not a folder: an index is a folder (give a new folder or an index's)")]
    NotAFolder(String),
    /// The user's query or filter is unusable (empty, too long, bad date).
    #[error("{0}")]
    BadQuery(String),
    /// A writer was asked for in a folder this process may not write.
    #[error("the folder is not writable ({0}): searches, stories, dups and timelines still read it; adding documents needs write access")]
    NotWritable(String),
}

impl Error {
    /// Whether the error is the user's input (exit status 2) rather than a failure.
    pub fn is_input(&self) -> bool {
        matches!(self, Error::BadQuery(_) | Error::NoIndex(_) | Error::NotAFolder(_))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// The fields of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Document id (raw, stored): the upsert key.
    pub id: Field,
    /// Headline (stored).
    pub title: Field,
    /// Headline, exact forms (indexed).
    pub title_exact: Field,
    /// Headline, lemmas/stems (indexed).
    pub title_morph: Field,
    /// Body (stored).
    pub body: Field,
    /// Body, exact forms (indexed with positions).
    pub body_exact: Field,
    /// Body, lemmas/stems (indexed with positions).
    pub body_morph: Field,
    /// Publication (raw, stored, fast).
    pub source: Field,
    /// URL (stored).
    pub url: Field,
    /// Publication date-time (indexed, stored, fast).
    pub published: Field,
    /// Entity facets `/TYPE/canonical`.
    pub entity: Field,
    /// The entities of the Analysis as JSON (stored).
    pub entities: Field,
    /// Entity facets with mentions in the document, `/TYPE/canonical/N` (see [`entities`]).
    pub entity_count: Field,
    /// Near-duplicate group: the id of the group's first article (raw, stored, fast; see [`stories`]).
    pub dup_group: Field,
    /// Story: the id of the story's first article (raw, stored, fast; see [`stories`]).
    pub story: Field,
    /// The Analysis' keyphrases as JSON `[[text, lemma], ...]` (stored; a story's top keyphrases).
    pub keyphrases: Field,
    /// Stories that became part of this document's story when it arrived (raw, stored, fast,
    /// one value each; see [`stories`]): their earlier articles are listed under `story`.
    pub merged_stories: Field,
    /// Duplicate groups that became part of this document's group when it arrived (raw,
    /// stored, fast, one value each; see [`stories`]): their earlier articles are listed under `dup_group`.
    pub merged_groups: Field,
}

/// Why a document is refused for indexing: `khabar index` (the line reported and skipped),
/// `POST /v1/documents` (a 400 naming the document) and Python's `Index.add` (a `KhabarError`
/// naming the row, nothing added) all check [`check_document`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentError {
    /// The body is empty or only white space: nothing to analyse or find.
    EmptyBody,
    /// The id is empty or only white space (documents are replaced by id).
    BlankId,
    /// The id is longer than [`MAX_ID_BYTES`] (its length in bytes): the index could neither
    /// find nor replace the document by it.
    LongId(usize),
    /// `published` is not a date [`parse_date`] reads (the value as given): kept, the article
    /// would fall out of every date filter, story window and timeline.
    BadDate(String),
    /// `published` is a date outside the range the index stores ([`FIRST_INDEXED_SECOND`] to
    /// [`LAST_INDEXED_SECOND`], years 1677 to 2262; the value as given).
    DateOutOfRange(String),
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentError::EmptyBody => f.write_str("empty \"body\" (or \"text\"): nothing to index"),
            DocumentError::BlankId => f.write_str("blank \"id\": documents are replaced by id, give each a non-blank one"),
            DocumentError::LongId(n) => write!(f, "\"id\" is {n} bytes long, the index keeps ids of at most {MAX_ID_BYTES}"),
            DocumentError::BadDate(p) => {
                write!(f, "\"published\": {p:?} is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or RFC 3339)")
            }
            DocumentError::DateOutOfRange(p) => write!(
                f,
                "\"published\": {p:?} is outside the dates the index stores ({} to {})",
                format_date(FIRST_INDEXED_SECOND),
                format_date(LAST_INDEXED_SECOND)
            ),
        }
    }
}

impl std::error::Error for DocumentError {}

/// The id of a document that comes without one and without a file line to name it (a body of
/// `POST /v1/documents`, a text or JSON line on `khabar index`'s standard input): `h` and the
/// 64-bit FNV-1a hash of its title, a 0xFF byte and its body, in 16 hex digits. The same text
/// gets the same id (sent again, it replaces itself); other texts get other ids.
pub fn derived_id(doc: &Document) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in doc.title.as_deref().unwrap_or("").bytes().chain([0xff]).chain(doc.body.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("h{h:016x}")
}

/// Whether `doc` can be indexed: a body with some text, an id (when it has one) that is not
/// blank nor longer than [`MAX_ID_BYTES`], and a `published` (when given) that is a date. A
/// document without an id gets one from its caller (file name, line, hash).
pub fn check_document(doc: &Document) -> Result<(), DocumentError> {
    if doc.body.trim().is_empty() {
        return Err(DocumentError::EmptyBody);
    }
    match doc.id.as_deref() {
        Some(id) if id.trim().is_empty() => return Err(DocumentError::BlankId),
        Some(id) if id.len() > MAX_ID_BYTES => return Err(DocumentError::LongId(id.len())),
        _ => {}
    }
    if let Some(p) = doc.published.as_deref().filter(|p| !p.trim().is_empty()) {
        match parse_date(p) {
            None => return Err(DocumentError::BadDate(p.to_string())),
            Some((secs, _)) if !date::indexable(secs) => return Err(DocumentError::DateOutOfRange(p.to_string())),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The documents whose `published` is in `from..to` (seconds; `from` inclusive, `to` exclusive,
/// either open): the date filter of searches, stories and duplicates. Bounds beyond the dates the
/// index stores are clamped to them (a `to` of 9999-12-31 keeps every dated document), so no
/// bound overflows tantivy's nanosecond count.
pub(crate) fn published_range(field: Field, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
    use std::ops::Bound;
    let term = |s: i64| Term::from_field_date_for_search(field, DateTime::from_timestamp_secs(s));
    if from.is_some_and(|s| s > LAST_INDEXED_SECOND) || to.is_some_and(|s| s <= FIRST_INDEXED_SECOND) {
        return Box::new(tantivy::query::EmptyQuery);
    }
    let lo = from.map_or(Bound::Unbounded, |s| Bound::Included(term(s.max(FIRST_INDEXED_SECOND))));
    let hi = match to {
        None => Bound::Unbounded,
        Some(s) if s > LAST_INDEXED_SECOND => Bound::Included(term(LAST_INDEXED_SECOND)),
        Some(s) => Bound::Excluded(term(s)),
    };
    Box::new(RangeQuery::new(lo, hi))
}

/// An index path that names a file is refused as such (not "File exists" from creating the folder).
fn refuse_a_file(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::NotAFolder(dir.display().to_string()));
    }
    Ok(())
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Exact fields keep positions (phrases); morphological fields only frequencies:
    // quoted text is matched on exact forms only, so they need none (a smaller index).
    let text = |tokenizer: &str| {
        let record = if tokenizer == EXACT_TOKENIZER { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
        TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", STORED),
        title_exact: b.add_text_field("title_exact", text(EXACT_TOKENIZER)),
        title_morph: b.add_text_field("title_morph", text(MORPH_TOKENIZER)),
        body: b.add_text_field("body", STORED),
        body_exact: b.add_text_field("body_exact", text(EXACT_TOKENIZER)),
        body_morph: b.add_text_field("body_morph", text(MORPH_TOKENIZER)),
        source: b.add_text_field("source", STRING | STORED | FAST),
        url: b.add_text_field("url", STORED),
        published: b.add_date_field("published", DateOptions::from(INDEXED | STORED | FAST).set_precision(DateTimePrecision::Seconds)),
        entity: b.add_facet_field("entity", FacetOptions::default()),
        entities: b.add_text_field("entities", STORED),
        entity_count: b.add_facet_field(entities::ENTITY_COUNT_FIELD, FacetOptions::default()),
        dup_group: b.add_text_field("dup_group", STRING | STORED | FAST),
        story: b.add_text_field("story", STRING | STORED | FAST),
        keyphrases: b.add_text_field("keyphrases", STORED),
        merged_stories: b.add_text_field("merged_stories", STRING | STORED | FAST),
        merged_groups: b.add_text_field("merged_groups", STRING | STORED | FAST),
    };
    (b.build(), fields)
}

/// Index settings: the document store (titles and bodies) compressed with zstd.
pub fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(3) }),
        docstore_blocksize: 32_768,
        ..IndexSettings::default()
    }
}

/// The analyser behind the tokenizers (queries, snippets): the whole pipeline
/// but the entity layer, which adds nothing to the exact and morphological terms.
pub fn token_analyzer() -> Analyzer {
    let mut options = AnalyzerOptions::default();
    options.entities = false;
    // Tokenizers need no keyphrases or summary.
    options.keyphrases = 0;
    options.summary_sentences = 0;
    Analyzer::new(options)
}

/// Register khabar's tokenizers on an index.
/// `lemmas`: whether the morphological field takes lemmas (see [`morph_term_with`]).
pub fn register_tokenizers(index: &Index, analyzer: &Analyzer, lemmas: bool) {
    let t = |mode| TextAnalyzer::from(KhabarTokenizer::new(mode, analyzer.clone()).with_lemmas(lemmas));
    index.tokenizers().register(EXACT_TOKENIZER, t(Mode::Exact));
    index.tokenizers().register(MORPH_TOKENIZER, t(Mode::Morph));
}

/// Cached facet names: segment → (type, name) by facet ordinal, `None` for a path of another shape.
type FacetNames = HashMap<tantivy::index::SegmentId, SegmentFacetNames>;

/// The facet names of one segment by ordinal.
type SegmentFacetNames = std::sync::Arc<Vec<Option<(String, String)>>>;

/// Every facet name of a segment, by ordinal (one pass over its facet dictionary).
fn facet_names_of(reader: &tantivy::fastfield::FacetReader) -> Result<Vec<Option<(String, String)>>> {
    let dict = reader.facet_dict();
    let mut out = Vec::with_capacity(dict.num_terms());
    let mut stream = dict.stream()?;
    while stream.advance() {
        debug_assert_eq!(stream.term_ord() as usize, out.len());
        let name = tantivy::schema::Facet::from_encoded(stream.key().to_vec()).ok().and_then(|f| match f.to_path()[..] {
            [kind, name] => Some((kind.to_owned(), name.to_owned())),
            _ => None,
        });
        out.push(name);
    }
    Ok(out)
}

/// A khabar search index (on disk or in memory).
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    lemmas: bool,
    /// Whether the index has the `entity_count` field (indexes built before it do not).
    entity_counts: bool,
    /// Whether the index has the `keyphrases` field (indexes built before it do not).
    keyphrases: bool,
    /// Whether the index has the `merged_stories` field (indexes built before it do not).
    merged_stories: bool,
    /// Whether the index has the `merged_groups` field (indexes built before it do not).
    merged_groups: bool,
    /// Facet ordinal → (type, name), per segment: segments are immutable, so
    /// an ordinal resolved once (a term-dictionary walk) stays valid.
    facet_names: std::sync::Mutex<FacetNames>,
}

/// One search: the query and its filters.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The user's query (tantivy syntax: AND, OR, NOT, -term, "phrases").
    pub query: String,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Only documents with all these entities: (type, canonical name).
    pub entities: Vec<(String, String)>,
    /// Only documents published at or after this time (seconds since the epoch).
    pub from: Option<i64>,
    /// Only documents published before this time (seconds since the epoch).
    pub to: Option<i64>,
    /// Build highlighted snippets.
    pub snippets: bool,
    /// Count entity facets over the best [`FACET_HITS`] results (this many per type; 0 for none).
    pub facets: usize,
    /// Collapse near-duplicates: show the best hit of each duplicate group once, with
    /// [`Hit::similar`] counting the others among the best [`COLLAPSE_DEPTH`] hits.
    pub collapse: bool,
}

impl SearchRequest {
    /// A query with 10 hits, snippets and 10 facets per type.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_owned(),
            limit: 10,
            offset: 0,
            entities: Vec::new(),
            from: None,
            to: None,
            snippets: true,
            facets: 10,
            collapse: false,
        }
    }
}

/// One hit.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// Document id.
    pub id: String,
    /// BM25 score (with field boosts).
    pub score: f32,
    /// Headline.
    pub title: Option<String>,
    /// Publication date-time, RFC 3339 UTC.
    pub published: Option<String>,
    /// Publication.
    pub source: Option<String>,
    /// HTML: the best fragment of the body, matches in `<mark>`, the rest escaped.
    pub snippet: String,
    /// With [`SearchRequest::collapse`]: near-duplicates of this hit folded into it.
    #[serde(skip_serializing_if = "is_zero")]
    pub similar: usize,
    /// Its near-duplicate group (see [`stories`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dup_group: Option<String>,
    /// Its story (see [`stories`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// With [`SearchRequest::collapse`], duplicates are folded among this many best hits (at least).
pub const COLLAPSE_DEPTH: usize = 500;

/// One facet value.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    /// Canonical name.
    pub name: String,
    /// Matching documents that mention it.
    pub count: u64,
}

/// The answer to a [`SearchRequest`].
#[derive(Clone, Debug, Serialize)]
pub struct SearchResults {
    /// Matching documents.
    pub total: usize,
    /// Hits `offset..offset+limit` in rank order.
    pub hits: Vec<Hit>,
    /// Top entities per type over the best [`FACET_HITS`] matching documents.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// The query was not valid tantivy syntax and was run as plain words.
    #[serde(skip)]
    pub fell_back: bool,
}

impl SearchIndex {
    fn wrap(index: Index, fields: Fields, analyzer: &Analyzer, lemmas: bool) -> Result<SearchIndex> {
        register_tokenizers(&index, analyzer, lemmas);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let entity_counts = index.schema().get_field(entities::ENTITY_COUNT_FIELD).is_ok();
        let keyphrases = index.schema().get_field("keyphrases").is_ok();
        let merged_stories = index.schema().get_field("merged_stories").is_ok();
        let merged_groups = index.schema().get_field("merged_groups").is_ok();
        Ok(SearchIndex {
            index,
            fields,
            reader,
            lemmas,
            entity_counts,
            keyphrases,
            merged_stories,
            merged_groups,
            facet_names: Default::default(),
        })
    }

    /// A new index in memory.
    pub fn create_in_ram() -> Result<SearchIndex> {
        SearchIndex::create_in_ram_with(&token_analyzer(), true)
    }

    /// A new index in memory analysing queries with `analyzer`; `lemmas`: whether
    /// the morphological field takes lemmas or only light stems (for evaluation).
    pub fn create_in_ram_with(analyzer: &Analyzer, lemmas: bool) -> Result<SearchIndex> {
        let (schema, fields) = schema();
        SearchIndex::wrap(Index::builder().schema(schema).settings(settings()).create_in_ram()?, fields, analyzer, lemmas)
    }

    /// Three short dated articles with headlines, analysed by the default [`Analyzer`] and
    /// committed into a new index in memory: the index that the query property test
    /// (`tests/query_props.rs`) and the search-query fuzz target
    /// (`fuzz/fuzz_targets/fuzz_search_query.rs`) both search. Not part of the API.
    #[doc(hidden)]
    pub fn sample() -> Result<SearchIndex> {
        let idx = SearchIndex::create_in_ram()?;
        let mut w = idx.writer(1, 15_000_000)?;
        let analyzer = Analyzer::default();
        let bodies = [
            ("1", "2015-08-01", "قال الرئيس الروسي فلاديمير بوتين إن روسيا مستعدة للمفاوضات في جنيف."),
            ("2", "2015-08-02", "التقى بوتين بالزعيم الكوري الشمالي كيم جونغ أون في بيونغ يانغ يوم الأربعاء."),
            ("3", "2015-08-03", "أعلنت وزارة الداخلية السعودية عن سقوط قذيفة في الظهران دون إصابات."),
        ];
        for (id, date, body) in bodies {
            let doc = Document {
                id: Some(id.into()),
                title: Some(body.split(' ').take(4).collect::<Vec<_>>().join(" ")),
                body: body.into(),
                published: Some(date.into()),
                ..Document::default()
            };
            let a = analyzer.analyze_document(&doc);
            let t = doc.title.as_deref().map(|t| analyzer.analyze(t));
            idx.upsert(&w, &doc, &a, t.as_ref());
        }
        w.commit()?;
        idx.reload()?;
        Ok(idx)
    }

    /// Open the index in `dir`, or create it (and the folder) when there is none.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex> {
        refuse_a_file(dir)?;
        std::fs::create_dir_all(dir)?;
        if dir.join("meta.json").exists() {
            return SearchIndex::open(dir);
        }
        let (schema, fields) = schema();
        SearchIndex::wrap(Index::builder().schema(schema).settings(settings()).create_in_dir(dir)?, fields, &token_analyzer(), true)
    }

    /// Open an existing index. A folder this process may not write (a read-only mount,
    /// another user's archive) opens for reading; writing it fails (see `readonly.rs`).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        refuse_a_file(dir)?;
        if !dir.join("meta.json").exists() {
            return Err(Error::NoIndex(dir.display().to_string()));
        }
        let index =
            Index::open(readonly::ReadOnlyTolerant(tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?))?;
        let (_, fields) = schema();
        let s = index.schema();
        let check = |name: &str| s.get_field(name).map_err(|_| Error::NoIndex(dir.display().to_string()));
        check("body_morph")?;
        check("entity")?;
        s.get_field("story").map_err(|_| {
            Error::NoIndex(format!("{} (built before stories existed: index the articles again into a new folder)", dir.display()))
        })?;
        SearchIndex::wrap(index, fields, &token_analyzer(), true)
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The reader (reloaded by [`SearchIndex::reload`]).
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// The fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A writer with `threads` indexing threads and `heap` bytes in total.
    pub fn writer(&self, threads: usize, heap: usize) -> Result<IndexWriter> {
        match self.index.writer_with_num_threads(threads.max(1), heap.max(15_000_000 * threads.max(1))) {
            Err(tantivy::TantivyError::LockFailure(e, _)) if readonly::not_writable(&e) => Err(Error::NotWritable(match e {
                tantivy::directory::error::LockError::IoError(io) => io.to_string(),
                other => other.to_string(),
            })),
            other => Ok(other?),
        }
    }

    /// See the last commit.
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Whether the index records merged stories (`merged_stories`; indexes built before it do not).
    pub fn has_merged_stories(&self) -> bool {
        self.merged_stories
    }

    /// Whether the index records merged duplicate groups (`merged_groups`; indexes built before it do not).
    pub fn has_merged_groups(&self) -> bool {
        self.merged_groups
    }

    /// A searcher over the last commit seen by [`SearchIndex::reload`].
    pub fn reader_searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Documents in the last commit seen by [`SearchIndex::reload`].
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether a document with this id is in the last commit seen.
    pub fn contains_id(&self, id: &str) -> Result<bool> {
        let q = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
        Ok(self.reader.searcher().search(&q, &Count)? > 0)
    }

    /// The tantivy document of an analysed article (pure: can run on any thread).
    /// `title` is the title's own analysis (`None`: analysed here).
    pub fn make_document(&self, doc: &Document, analysis: &Analysis, title: Option<&Analysis>) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, doc.id.as_deref().unwrap_or(""));
        if let Some(t) = &doc.title {
            let own;
            let ta = match title {
                Some(a) => a,
                None => {
                    own = token_analyzer().analyze(t);
                    &own
                }
            };
            d.add_text(f.title, t);
            d.add_pre_tokenized_text(f.title_exact, analysis::pre_tokenized(ta, Mode::Exact, self.lemmas));
            d.add_pre_tokenized_text(f.title_morph, analysis::pre_tokenized(ta, Mode::Morph, self.lemmas));
        }
        d.add_text(f.body, &doc.body);
        d.add_pre_tokenized_text(f.body_exact, analysis::pre_tokenized(analysis, Mode::Exact, self.lemmas));
        d.add_pre_tokenized_text(f.body_morph, analysis::pre_tokenized(analysis, Mode::Morph, self.lemmas));
        if let Some(s) = &doc.source {
            d.add_text(f.source, s);
        }
        if let Some(u) = &doc.url {
            d.add_text(f.url, u);
        }
        // check_document refuses dates the index cannot store; one that comes unchecked is left
        // out rather than wrapped around (DateTime counts nanoseconds in an i64).
        if let Some((secs, _)) = doc.published.as_deref().and_then(parse_date).filter(|&(s, _)| date::indexable(s)) {
            d.add_date(f.published, DateTime::from_timestamp_secs(secs));
        }
        let mut seen: BTreeMap<tantivy::schema::Facet, u64> = BTreeMap::new();
        for e in &analysis.entities {
            if let Some(facet) = entity_facet(e) {
                *seen.entry(facet).or_default() += 1;
            }
        }
        for (facet, n) in seen {
            if self.entity_counts {
                let mut path: Vec<String> = facet.to_path().into_iter().map(str::to_owned).collect();
                path.push(n.to_string());
                d.add_facet(f.entity_count, tantivy::schema::Facet::from_path(path));
            }
            d.add_facet(f.entity, facet);
        }
        if !analysis.entities.is_empty() {
            d.add_text(f.entities, serde_json::to_string(&analysis.entities).unwrap_or_default());
        }
        if self.keyphrases && !analysis.keyphrases.is_empty() {
            let pairs: Vec<(&str, &str)> = analysis.keyphrases.iter().map(|k| (k.text.as_str(), k.lemma.as_str())).collect();
            d.add_text(f.keyphrases, serde_json::to_string(&pairs).unwrap_or_default());
        }
        d
    }

    /// Replace (or add) the document with `doc.id`: delete then add, in one
    /// writer operation batch; visible and durable after the next commit.
    pub fn upsert(&self, writer: &IndexWriter, doc: &Document, analysis: &Analysis, title: Option<&Analysis>) {
        self.upsert_prepared(writer, doc.id.as_deref().unwrap_or(""), self.make_document(doc, analysis, title));
    }

    /// [`SearchIndex::upsert`] of a document made by [`SearchIndex::make_document`].
    pub fn upsert_prepared(&self, writer: &IndexWriter, id: &str, doc: TantivyDocument) {
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        // add_document only fails when the indexing threads are gone; commit reports that.
        let _ = writer.add_document(doc);
    }

    /// Parse a user query (see [`query`]) into a tantivy query; the flag tells
    /// whether it fell back to plain words.
    pub fn parse_query(&self, q: &str) -> Result<(Box<dyn Query>, bool)> {
        self.parse_for(q, &self.reader.searcher())
    }

    /// [`SearchIndex::parse_query`] for the searcher that will run the query.
    fn parse_for(&self, q: &str, searcher: &tantivy::Searcher) -> Result<(Box<dyn Query>, bool)> {
        let (parsed, fell_back) = query::parse(&self.index, &self.fields, q)?;
        // tantivy's parser accepts some queries it cannot run (` TO :*` asks
        // whether a field named TO exists): those run as plain words too.
        if !fell_back && parsed.weight(EnableScoring::disabled_from_searcher(searcher)).is_err() {
            return Ok((query::plain_words(&self.index, &self.fields, q)?, true));
        }
        Ok((parsed, fell_back))
    }

    /// Run a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let (text_query, fell_back) = self.parse_for(&req.query, &searcher)?;
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        for (kind, name) in &req.entities {
            // The canonical name, or a spelling of it (docs/search.md, "Queries").
            let name = entities::resolve_entity(self, std::slice::from_ref(kind), name)?.unwrap_or_else(|| name.clone());
            let facet = tantivy::schema::Facet::from_path([kind.as_str(), name.as_str()]);
            clauses.push((Occur::Must, Box::new(TermQuery::new(Term::from_facet(f.entity, &facet), IndexRecordOption::Basic))));
        }
        if req.from.is_some() || req.to.is_some() {
            clauses.push((Occur::Must, published_range(f.published, req.from, req.to)));
        }
        let full: Box<dyn Query> = if clauses.len() == 1 { text_query.box_clone() } else { Box::new(BooleanQuery::new(clauses)) };
        // One ranking serves the page and the facets (counted over the best
        // FACET_HITS hits: the whole result set costs too much on common words).
        let wanted = req.offset.saturating_add(req.limit);
        let mut depth = if req.facets > 0 { wanted.max(FACET_HITS) } else { wanted }.max(1);
        if req.collapse {
            depth = depth.max(COLLAPSE_DEPTH).max(wanted.saturating_mul(4));
        }
        // No ranking is longer than the index: a huge limit or offset (usize::MAX from a
        // command line or Python) must not become a huge allocation in tantivy's collector.
        depth = depth.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX)).max(1);
        let (total, ranked) = searcher.search(&full, &(Count, TopDocs::with_limit(depth).order_by_score()))?;
        let mut facets = BTreeMap::new();
        if req.facets > 0 {
            facets = self.facet_counts(&searcher, &ranked[..ranked.len().min(FACET_HITS)], req.facets)?;
        }
        let (top_docs, similar): (Vec<(f32, DocAddress)>, Vec<usize>) = if req.collapse {
            stories::collapse(&searcher, &ranked, &stories::group_aliases(self)?)?.into_iter().skip(req.offset).take(req.limit).unzip()
        } else {
            ranked.into_iter().skip(req.offset).take(req.limit).map(|hit| (hit, 0)).unzip()
        };
        // Snippets: first the cheap generator (exact forms and light stems of the
        // query's words, no morphology run over the body); only a hit it cannot
        // highlight whose body holds a morphological query term (a match through
        // a lemma alone) pays for the full analysis of its body.
        let generators = if req.snippets && !top_docs.is_empty() {
            let fast_terms = snippet_terms(&req.query);
            // One fragment, the whole body: snippet_of chooses the window.
            let fast = SnippetGenerator::new(fast_terms, TextAnalyzer::from(SnippetTokenizer::default()), f.body, usize::MAX);
            let mut full = SnippetGenerator::create(&searcher, &*text_query, f.body_morph)?;
            full.set_max_num_chars(usize::MAX);
            Some((fast, full))
        } else {
            None
        };
        let mut morph_query_terms: Vec<Term> = Vec::new();
        text_query.query_terms(&mut |t, _| {
            if t.field() == f.body_morph {
                morph_query_terms.push(t.clone());
            }
        });
        let body_has_morph_term = |addr: DocAddress| -> Result<bool> {
            let inverted = searcher.segment_reader(addr.segment_ord).inverted_index(f.body_morph)?;
            for t in &morph_query_terms {
                if let Some(mut postings) = inverted.read_postings(t, IndexRecordOption::Basic)? {
                    if postings.seek(addr.doc_id) == addr.doc_id {
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        };
        let mut hits = Vec::with_capacity(top_docs.len());
        for ((score, addr), similar) in top_docs.into_iter().zip(similar) {
            let d: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
            let body = text(f.body).unwrap_or_default();
            let snippet = match &generators {
                None => String::new(),
                Some((fast, full)) => match snippet_of(fast, &body) {
                    Some(s) => s,
                    None if body_has_morph_term(addr)? => snippet_of(full, &body).unwrap_or_else(|| body_start(&body)),
                    None => body_start(&body),
                },
            };
            hits.push(Hit {
                id: text(f.id).unwrap_or_default(),
                score,
                title: text(f.title),
                published: d.get_first(f.published).and_then(|v| v.as_datetime()).map(|dt| format_date(dt.into_timestamp_secs())),
                source: text(f.source),
                snippet,
                similar,
                dup_group: text(f.dup_group),
                story: text(f.story),
            });
        }
        Ok(SearchResults { total, hits, facets, fell_back })
    }
}

impl SearchIndex {
    /// Entity counts per type over these hits, the `k` most frequent of each type.
    fn facet_counts(
        &self,
        searcher: &tantivy::Searcher,
        hits: &[(f32, DocAddress)],
        k: usize,
    ) -> Result<BTreeMap<String, Vec<FacetCount>>> {
        let mut by_ord: BTreeMap<(u32, u64), u64> = BTreeMap::new();
        let mut readers = BTreeMap::new();
        for (_, addr) in hits {
            if let std::collections::btree_map::Entry::Vacant(e) = readers.entry(addr.segment_ord) {
                e.insert(searcher.segment_reader(addr.segment_ord).facet_reader("entity")?);
            }
            for ord in readers[&addr.segment_ord].facet_ords(addr.doc_id) {
                *by_ord.entry((addr.segment_ord, ord)).or_default() += 1;
            }
        }
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut cache = self.facet_names.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Segments are immutable: the first query that needs a segment's facet
        // names reads its whole facet dictionary once, in one sequential pass
        // (the dictionary's blocks are compressed: resolving scattered ordinals
        // one by one decompresses the same blocks again and again).
        let live: Vec<tantivy::index::SegmentId> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
        cache.retain(|id, _| live.contains(id));
        let mut segment = u32::MAX;
        let mut names: Option<SegmentFacetNames> = None;
        for ((seg, ord), n) in by_ord {
            if seg != segment {
                segment = seg;
                let id = searcher.segment_reader(seg).segment_id();
                names = Some(match cache.get(&id) {
                    Some(v) => v.clone(),
                    None => {
                        let v = std::sync::Arc::new(facet_names_of(&readers[&seg])?);
                        cache.insert(id, v.clone());
                        v
                    }
                });
            }
            if let Some(Some(kind_name)) = names.as_ref().and_then(|v| v.get(ord as usize)) {
                *counts.entry(kind_name.clone()).or_default() += n;
            }
        }
        drop(cache);
        let mut out: BTreeMap<String, Vec<FacetCount>> = BTreeMap::new();
        for ((kind, name), count) in counts {
            out.entry(kind).or_default().push(FacetCount { name, count });
        }
        for list in out.values_mut() {
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            list.truncate(k);
        }
        Ok(out)
    }
}

/// The facet of an entity: `/TYPE/canonical` (`None` when either is empty).
pub fn entity_facet(e: &EntityRecord) -> Option<tantivy::schema::Facet> {
    let name = if e.canonical.trim().is_empty() { e.text.trim() } else { e.canonical.trim() };
    let kind = e.kind.trim();
    if name.is_empty() || kind.is_empty() {
        return None;
    }
    Some(tantivy::schema::Facet::from_path([kind, name]))
}

/// The terms the cheap snippet generator marks for `query`: exact forms and light stems
/// of its words, but only the exact form of a quoted word or phrase (which matches only
/// that form); the operators AND, OR, NOT are no terms.
fn snippet_terms(query: &str) -> BTreeMap<String, f32> {
    let mut terms = BTreeMap::new();
    let mut add = |tokens: Vec<tantivy::tokenizer::Token>| {
        for t in tokens {
            if !matches!(t.text.as_str(), "and" | "or" | "not") {
                terms.insert(t.text, 1.0);
            }
        }
    };
    // Quoted spans pair up as in the query rewrite: an unclosed quote quotes nothing.
    let mut rest = query;
    while let Some((open, len)) = rest.find('"').and_then(|open| Some((open, rest[open + 1..].find('"')?))) {
        add(SnippetTokenizer::terms(&rest[..open]));
        add(SnippetTokenizer::exact_terms(&rest[open + 1..open + 1 + len]));
        rest = &rest[open + 1 + len + 1..];
    }
    add(SnippetTokenizer::terms(rest));
    terms
}

/// The best fragment of `body` with the generator's matches as HTML: matched
/// ORIGINAL characters in `<mark>`, the rest escaped, runs of white space shown
/// as one space. `None` when nothing in the body matches.
///
/// The generator (built with a limit of [`usize::MAX`]: one fragment, the whole body)
/// only finds the matches; the window is chosen here: the span of at most
/// [`SNIPPET_CHARS`] characters holding the most matches (the first such), widened
/// with context on both sides to [`SNIPPET_CHARS`] characters and cut at white space.
/// tantivy's own fragments count bytes, not characters (an Arabic snippet had about
/// 120 characters, not 240), and cut the body into fixed windows from its start, so a
/// match just after a window boundary came with no context before it and a match near
/// the end of the body with only the words after the last boundary.
pub fn snippet_of(generator: &SnippetGenerator, body: &str) -> Option<String> {
    let s = generator.snippet(body);
    let base = s.fragment_range().start;
    let mut marks: Vec<std::ops::Range<usize>> = s
        .highlighted()
        .iter()
        .map(|r| r.start + base..r.end + base)
        .filter(|r| r.start < r.end && r.end <= body.len() && body.is_char_boundary(r.start) && body.is_char_boundary(r.end))
        .collect();
    if marks.is_empty() {
        return None;
    }
    marks.sort_by_key(|r| (r.start, r.end));
    let chars = |a: usize, b: usize| body[a..b].chars().take(SNIPPET_CHARS + 1).count();
    // The most matches within SNIPPET_CHARS characters (a match longer than that alone).
    let (mut first, mut last, mut best) = (0, 0, 0);
    let mut j = 0;
    for i in 0..marks.len() {
        j = j.max(i);
        while j + 1 < marks.len() && chars(marks[i].start, marks[j + 1].end) <= SNIPPET_CHARS {
            j += 1;
        }
        if j + 1 - i > best {
            (first, last, best) = (i, j, j + 1 - i);
        }
    }
    let (core_start, core_end) = (marks[first].start, marks[last].end);
    let room = SNIPPET_CHARS.saturating_sub(chars(core_start, core_end));
    let before_avail = body[..core_start].chars().rev().take(room).count();
    let after_avail = body[core_end..].chars().take(room).count();
    let before = (room / 2).max(room.saturating_sub(after_avail)).min(before_avail);
    let after = room.saturating_sub(before).min(after_avail);
    let mut start =
        if before == 0 { core_start } else { body[..core_start].char_indices().rev().nth(before - 1).map_or(core_start, |(i, _)| i) };
    let mut end = body[core_end..].char_indices().nth(after).map_or(body.len(), |(i, _)| core_end + i);
    // Whole words: start after a white space (unless at the body's start), end before one.
    if start > 0 && !body[..start].ends_with(char::is_whitespace) {
        start = body[start..core_start].find(char::is_whitespace).map_or(core_start, |i| start + i);
    }
    if end < body.len() && !body[end..].starts_with(char::is_whitespace) {
        end = body[core_end..end].rfind(char::is_whitespace).map_or(core_end, |i| core_end + i);
        // The last token's closing punctuation (a full stop, a quote) stays.
        if end == core_end {
            for c in body[end..].chars().take(8) {
                if c.is_alphanumeric() || c.is_whitespace() {
                    break;
                }
                end += c.len_utf8();
            }
        }
    }
    let ranges: Vec<std::ops::Range<usize>> =
        marks.iter().filter(|r| r.start >= start && r.end <= end).map(|r| r.start - start..r.end - start).collect();
    Some(mark(&body[start..end], &ranges))
}

/// The start of the body, escaped (for a hit that matched in its title only).
pub fn body_start(body: &str) -> String {
    let end = body.char_indices().nth(SNIPPET_CHARS).map_or(body.len(), |(i, _)| i);
    mark(&body[..end], &[])
}

/// `fragment` as HTML with `ranges` (byte ranges, on char boundaries) in `<mark>`.
pub fn mark(fragment: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(fragment.len() + 32);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > fragment.len() || !fragment.is_char_boundary(r.start) || !fragment.is_char_boundary(r.end) {
            continue;
        }
        escape_into(&fragment[at..r.start], &mut out);
        out.push_str("<mark>");
        escape_into(&fragment[r.clone()], &mut out);
        out.push_str("</mark>");
        at = r.end;
    }
    escape_into(&fragment[at..], &mut out);
    out.trim().to_owned()
}

fn escape_into(s: &str, out: &mut String) {
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_types_are_read_in_any_case_with_spaces_around() {
        assert_eq!(entity_type("per"), Some("PER"));
        assert_eq!(entity_type(" Loc\n"), Some("LOC"));
        assert_eq!(entity_type("MISC"), Some("MISC"));
        for bad in ["", "PERSON", "P ER", "gpe", "ﻻ"] {
            assert_eq!(entity_type(bad), None, "{bad:?}");
        }
    }
}
