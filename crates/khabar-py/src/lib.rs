//! Python bindings of khabar: the extension module `khabar._khabar`, wrapped
//! by the pure-Python package `khabar` (python/khabar/__init__.py).
//!
//! Every analysis is serialised in Rust to the JSON line of
//! `khabar analyze --json`, with `char_start`/`char_end` (code-point offsets,
//! what Python slices by) inserted after every `start`/`end` byte-offset pair
//! ([`offsets`]), and turned into Python objects by the standard `json.loads`.
//! So `khabar.analyze(text)` is the CLI's record, field for field, plus the
//! char offsets. Analysis and serialisation run with the GIL released, on all
//! cores (rayon) for `Analyzer.analyze_many`.
#![deny(missing_docs)]

pub mod offsets;

use std::path::PathBuf;
use std::sync::Mutex;

use khabar::{Analysis, Analyzer as Engine, AnalyzerOptions, Document};
use khabar_index::stories::{Options as StoryOptions, StoryState};
use khabar_index::{SearchIndex, SearchRequest};
use khabar_text::{normalize, tokenize, Profile};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};

/// mimalloc for the extension's own allocations, as in the CLI: analysis makes
/// many small, short-lived allocations on every rayon thread (Python's objects
/// still come from Python's allocator). Measured in BENCHMARKS.md, "Python
/// bindings: allocator".
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rayon::prelude::*;

use crate::offsets::{add_char_offsets, CharIndex};

pyo3::create_exception!(
    khabar,
    KhabarError,
    PyValueError,
    "Raised for every error khabar reports: bad options, a document without text, text that is not valid Unicode, \
     an index that cannot be opened or written, a query that cannot be run. A subclass of ValueError."
);

fn err(msg: impl Into<String>) -> PyErr {
    KhabarError::new_err(msg.into())
}

/// `json.loads`, looked up once.
fn json_loads<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> { Ok(py.import("json")?.getattr("loads")?.unbind()) })?;
    loads.bind(py).call1((s,))
}

/// A Python `str` as Rust text, with a clear error for lone surrogates.
fn text_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        err(format!("{what} must be a str, not {}", obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())))
    })?;
    match s.to_cow() {
        Ok(t) => Ok(t.into_owned()),
        Err(_) => Err(err(format!(
            "{what} is not valid Unicode (it holds a lone surrogate); decode the bytes with errors='replace' or 'surrogatepass' first"
        ))),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// A count argument (`limit`, `offset`, `facets`, `min_articles`): a whole number ≥ 0; one
/// past what a count can hold means "all" (`usize::MAX`).
fn count_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    if !v.is_instance_of::<pyo3::types::PyInt>() || v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(err(format!("{name} must be an int, not {}", type_name(v))));
    }
    if v.lt(0)? {
        return Err(err(format!("{name} must be 0 or more, not {}", v.str()?.to_cow()?)));
    }
    Ok(v.extract::<usize>().unwrap_or(usize::MAX))
}

fn limit_arg(v: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_arg(v, "limit")
}

fn offset_arg(v: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_arg(v, "offset")
}

fn facets_arg(v: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_arg(v, "facets")
}

fn min_articles_arg(v: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_arg(v, "min_articles")
}

/// A flag argument: True or False, nothing else (`commit="yes"` is a mistake to report).
fn flag_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return v.is_truthy();
    }
    Err(err(format!("{name} must be True or False, not {}", type_name(v))))
}

/// `commit=`: True or False.
fn commit_arg(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    flag_arg(v, "commit")
}

/// `collapse=`: True or False.
fn collapse_arg(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    flag_arg(v, "collapse")
}

/// `id=`: None, a str, or a number (its `str`), as the `id` of a document mapping.
fn id_arg(v: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if v.is_none() {
        return Ok(None);
    }
    if v.is_instance_of::<PyString>() {
        return text_of(v, "id").map(Some);
    }
    if v.is_instance_of::<pyo3::types::PyInt>() && !v.is_instance_of::<pyo3::types::PyBool>() {
        return Ok(Some(v.str()?.to_cow()?.into_owned()));
    }
    Err(err(format!("id must be a str or an int, not {}", type_name(v))))
}

/// A story id: a str.
fn story_id_arg(v: &Bound<'_, PyAny>) -> PyResult<String> {
    text_of(v, "the story id")
}

/// `profile=`: "search" or "display".
fn profile_arg(v: &Bound<'_, PyAny>) -> PyResult<Profile> {
    if v.is_none() {
        return Ok(Profile::Search);
    }
    match text_of(v, "profile")?.as_str() {
        "search" => Ok(Profile::Search),
        "display" => Ok(Profile::Display),
        other => Err(err(format!("unknown profile {other:?} (known: search, display)"))),
    }
}

/// An index folder: a str or an `os.PathLike`.
fn path_arg(v: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    if v.is_instance_of::<PyString>() {
        return text_of(v, "the index path").map(PathBuf::from);
    }
    v.extract::<PathBuf>().map_err(|_| err(format!("the index path must be a str or a path, not {}", type_name(v))))
}

/// An optional string field of a document: a str or None; with `loose` (ids, dates) also a
/// number (its `str`) or a date/datetime (its `isoformat()`).
fn field_of(doc: &Bound<'_, PyMapping>, key: &str, loose: bool) -> PyResult<Option<String>> {
    let value = match doc.get_item(key) {
        Ok(v) => v,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(doc.py()) => return Ok(None),
        Err(e) => return Err(e),
    };
    if value.is_none() {
        return Ok(None);
    }
    if value.is_instance_of::<PyString>() {
        return text_of(&value, &format!("document field {key:?}")).map(Some);
    }
    if !loose {
        return Err(err(format!("document field {key:?} must be a str, not {}", value.get_type().name()?)));
    }
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Ok(Some(if value.is_truthy()? { "true" } else { "false" }.to_owned()));
    }
    if value.is_instance_of::<pyo3::types::PyInt>() || value.is_instance_of::<pyo3::types::PyFloat>() {
        return Ok(Some(value.str()?.to_cow()?.into_owned()));
    }
    if value.hasattr("isoformat")? {
        return Ok(Some(value.call_method0("isoformat")?.str()?.to_cow()?.into_owned()));
    }
    Err(err(format!("document field {key:?} must be a str, not {}", value.get_type().name()?)))
}

/// A document given as a str (its text) or a mapping with `body` (or `text`) and optional
/// `id`, `title`, `source`, `url`, `published`, `author`.
fn document_of(obj: &Bound<'_, PyAny>, id: Option<String>) -> PyResult<Document> {
    if obj.is_instance_of::<PyString>() {
        return Ok(Document::from_text(id, text_of(obj, "text")?));
    }
    let Ok(map) = obj.cast::<PyMapping>() else {
        return Err(err(format!(
            "expected a str or a mapping with a 'body' (or 'text'), not {}",
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
        )));
    };
    let id = match id {
        Some(id) => Some(id),
        None => field_of(map, "id", true)?,
    };
    let body = match field_of(map, "body", false)? {
        Some(b) => b,
        None => match field_of(map, "text", false)? {
            Some(t) => t,
            None => {
                let which = id.as_deref().map_or_else(|| "a document without an id".to_owned(), |i| format!("document {i:?}"));
                return Err(err(format!("{which} has no 'body' or 'text' field")));
            }
        },
    };
    Ok(Document {
        id,
        title: field_of(map, "title", false)?,
        body,
        source: field_of(map, "source", false)?,
        url: field_of(map, "url", false)?,
        published: field_of(map, "published", true)?,
        author: field_of(map, "author", false)?,
    })
}

/// The JSON line of `khabar analyze --json` for `text`, with char offsets.
fn analysis_json(analysis: &Analysis, text: &str) -> String {
    let json = serde_json::to_string(analysis).unwrap_or_default();
    add_char_offsets(&json, &CharIndex::new(text))
}

/// Names `analyze_many(fields=...)` accepts: top-level members of the Analysis JSON, and two
/// derived ones (`words`: every syntactic word in text order; `counts`: tokens, sentences, words).
const FIELDS: [&str; 9] = ["id", "length", "tokens", "sentences", "entities", "keyphrases", "summary", "words", "counts"];

fn fields_of(fields: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    let Some(f) = fields.filter(|f| !f.is_none()) else { return Ok(None) };
    if f.is_instance_of::<PyString>() {
        return Err(err("fields must be a list of names, e.g. ['entities', 'words']"));
    }
    let mut out = Vec::new();
    for name in f.try_iter().map_err(|_| err("fields must be a list of names"))? {
        let name: String = name?.extract().map_err(|_| err("field names must be str"))?;
        if !FIELDS.contains(&name.as_str()) {
            return Err(err(format!("unknown field {name:?} (known: {})", FIELDS.join(", "))));
        }
        out.push(name);
    }
    Ok(Some(out))
}

/// Only the requested members of the Analysis (plus `id` and `length`), each exactly as in the
/// whole Analysis JSON, with char offsets. Members a layer does not produce (yet) are left out.
fn selected_json(a: &Analysis, text: &str, fields: &[String]) -> String {
    let full = serde_json::to_string(a).unwrap_or_default();
    let members = offsets::top_level_members(&full);
    let mut out = String::with_capacity(full.len() / 4);
    let push = |out: &mut String, key: &str, raw: &str| {
        out.push(if out.is_empty() { '{' } else { ',' });
        out.push('"');
        out.push_str(key);
        out.push_str("\":");
        out.push_str(raw);
    };
    let mut seen: Vec<&str> = Vec::new();
    for key in ["id", "length"].into_iter().chain(fields.iter().map(String::as_str)) {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        match key {
            "words" => {
                let words: Vec<&khabar::WordRecord> = a.tokens.iter().flat_map(|t| t.words.iter()).collect();
                push(&mut out, key, &serde_json::to_string(&words).unwrap_or_default());
            }
            "counts" => {
                let n_words: usize = a.tokens.iter().map(|t| t.words.len()).sum();
                let counts = format!(r#"{{"tokens":{},"sentences":{},"words":{n_words}}}"#, a.tokens.len(), a.sentences.len());
                push(&mut out, key, &counts);
            }
            _ => {
                if let Some((_, raw)) = members.iter().find(|(k, _)| *k == key) {
                    push(&mut out, key, raw);
                }
            }
        }
    }
    if out.is_empty() {
        out.push('{');
    }
    out.push('}');
    add_char_offsets(&out, &CharIndex::new(text))
}

/// Analyser options from a mapping and keyword arguments (keywords win).
fn options_of(options: Option<&Bound<'_, PyAny>>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<AnalyzerOptions> {
    let mut out = AnalyzerOptions::default();
    let mut apply = |key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| -> PyResult<()> {
        let name: String = key.extract().map_err(|_| err("option names must be str"))?;
        let flag = || -> PyResult<bool> {
            if value.is_instance_of::<pyo3::types::PyBool>() {
                value.is_truthy()
            } else {
                Err(err(format!("option {name:?} must be True or False, not {}", type_name(value))))
            }
        };
        match name.as_str() {
            "morphology" => out.morphology = flag()?,
            "entities" => out.entities = flag()?,
            // As `khabar analyze --keyphrases N --summary-sentences N` (0: none).
            "keyphrases" => out.keyphrases = count_arg(value, "keyphrases")?,
            "summary_sentences" => out.summary_sentences = count_arg(value, "summary_sentences")?,
            _ => return Err(err(format!("unknown option {name:?} (known: morphology, entities, keyphrases, summary_sentences)"))),
        }
        Ok(())
    };
    if let Some(o) = options.filter(|o| !o.is_none()) {
        let map = o.cast::<PyMapping>().map_err(|_| err("options must be a mapping, e.g. {'entities': False}"))?;
        for item in map.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            apply(&k, &v)?;
        }
    }
    if let Some(kw) = kwargs {
        for (k, v) in kw.iter() {
            apply(&k, &v)?;
        }
    }
    Ok(out)
}

fn options_dict<'py>(py: Python<'py>, o: &AnalyzerOptions) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("morphology", o.morphology)?;
    d.set_item("entities", o.entities)?;
    d.set_item("keyphrases", o.keyphrases)?;
    d.set_item("summary_sentences", o.summary_sentences)?;
    Ok(d)
}

/// A reusable analyser: the embedded models with the given options.
///
/// ``Analyzer(options=None, **options)``: options are ``morphology`` (clitics, parts of
/// speech, lemmas) and ``entities`` (named entities), both ``True`` by default, and
/// ``keyphrases`` and ``summary_sentences`` (how many, 10 and 3 by default, 0 for none, as
/// ``khabar analyze --keyphrases N --summary-sentences N``), given as a mapping, as
/// keywords, or both. One analyser can be shared by many threads.
#[pyclass(frozen, module = "khabar")]
struct Analyzer {
    engine: Engine,
    options: AnalyzerOptions,
}

impl Analyzer {
    fn run_json(&self, py: Python<'_>, doc: Document) -> String {
        let engine = &self.engine;
        py.detach(|| analysis_json(&engine.analyze_document(&doc), &doc.body))
    }

    fn documents(&self, texts: &Bound<'_, PyAny>) -> PyResult<Vec<Document>> {
        if texts.is_instance_of::<PyString>() {
            return Err(err("analyze_many takes an iterable of texts or documents, not one str; use analyze for one text"));
        }
        let mut docs = Vec::new();
        for item in texts.try_iter().map_err(|_| err("analyze_many takes an iterable of texts or documents"))? {
            docs.push(document_of(&item?, None)?);
        }
        Ok(docs)
    }

    fn many_json(&self, py: Python<'_>, docs: Vec<Document>, fields: Option<Vec<String>>) -> Vec<String> {
        let engine = &self.engine;
        py.detach(|| {
            docs.par_iter()
                .map(|d| {
                    let a = engine.analyze_document(d);
                    match &fields {
                        None => analysis_json(&a, &d.body),
                        Some(f) => selected_json(&a, &d.body, f),
                    }
                })
                .collect()
        })
    }
}

#[pymethods]
impl Analyzer {
    #[new]
    #[pyo3(signature = (options=None, **kwargs))]
    fn new(options: Option<&Bound<'_, PyAny>>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = options_of(options, kwargs)?;
        Ok(Analyzer { engine: Engine::new(options.clone()), options })
    }

    /// The options in force, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        options_dict(py, &self.options)
    }

    /// Analyse one text (a str) or document (a mapping with ``body`` or ``text``, and
    /// optionally ``id``, ``title``, ``published``...). Returns the Analysis of
    /// ``khabar analyze --json`` as a dict, with ``char_start``/``char_end`` code-point
    /// offsets after every ``start``/``end`` byte-offset pair. Offsets point into the
    /// text (the document's body). The GIL is released while analysing.
    #[pyo3(signature = (text, /, *, id=None))]
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = id_arg)] id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let doc = document_of(text, id)?;
        json_loads(py, &self.run_json(py, doc))
    }

    /// Like ``analyze``, but returns the JSON text (one line, as ``khabar analyze --json`` prints it, with char offsets).
    #[pyo3(signature = (text, /, *, id=None))]
    fn analyze_json(&self, py: Python<'_>, text: &Bound<'_, PyAny>, #[pyo3(from_py_with = id_arg)] id: Option<String>) -> PyResult<String> {
        let doc = document_of(text, id)?;
        Ok(self.run_json(py, doc))
    }

    /// Analyse many texts or documents on all cores (rayon) with the GIL released.
    /// Returns one dict per input, in input order. Every input is checked before any
    /// analysis starts: one bad input raises KhabarError and nothing is returned.
    ///
    /// ``fields``: only these members (plus ``id`` and ``length``), which saves building
    /// Python objects for every token when a pipeline needs less: any of ``tokens``,
    /// ``sentences``, ``entities``, ``keyphrases``, ``summary``, and the derived ``words``
    /// (every syntactic word ``{form, upos, lemma}`` in text order) and ``counts``
    /// (``{tokens, sentences, words}``). Members a layer does not produce are left out.
    #[pyo3(signature = (texts, /, *, fields=None))]
    fn analyze_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let fields = fields_of(fields)?;
        let docs = self.documents(texts)?;
        let jsons = self.many_json(py, docs, fields);
        let out = PyList::empty(py);
        for j in &jsons {
            out.append(json_loads(py, j)?)?;
        }
        Ok(out)
    }

    /// Like ``analyze_many``, but returns JSON lines (str), ready to write out.
    #[pyo3(signature = (texts, /, *, fields=None))]
    fn analyze_many_json(&self, py: Python<'_>, texts: &Bound<'_, PyAny>, fields: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
        let fields = fields_of(fields)?;
        let docs = self.documents(texts)?;
        Ok(self.many_json(py, docs, fields))
    }

    fn __repr__(&self) -> String {
        let o = &self.options;
        let py_bool = |b: bool| if b { "True" } else { "False" };
        format!(
            "khabar.Analyzer(morphology={}, entities={}, keyphrases={}, summary_sentences={})",
            py_bool(o.morphology),
            py_bool(o.entities),
            o.keyphrases,
            o.summary_sentences
        )
    }
}

/// Analyse one text or document with a fresh default analyser (the models are
/// loaded once per process, so this is cheap). ``options``: ``morphology``, ``entities``,
/// ``keyphrases``, ``summary_sentences`` (see ``Analyzer``).
/// See ``Analyzer.analyze``.
#[pyfunction]
#[pyo3(signature = (text, /, *, id=None, **options))]
fn analyze<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = id_arg)] id: Option<String>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = options_of(None, options)?;
    let a = Analyzer { engine: Engine::new(options.clone()), options };
    a.analyze(py, text, id)
}

/// ``khabar.analyze`` returning the JSON line (str) instead of a dict.
#[pyfunction]
#[pyo3(signature = (text, /, *, id=None, **options))]
fn analyze_json(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = id_arg)] id: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let options = options_of(None, options)?;
    let a = Analyzer { engine: Engine::new(options.clone()), options };
    a.analyze_json(py, text, id)
}

/// Normalise a text: ``profile="search"`` folds letters, digits and marks for matching
/// (what ``khabar normalize`` prints); ``"display"`` only removes controls and decomposes
/// presentation forms.
#[pyfunction(name = "normalize")]
#[pyo3(signature = (text, /, profile=Profile::Search))]
fn normalize_text(py: Python<'_>, text: &Bound<'_, PyAny>, #[pyo3(from_py_with = profile_arg)] profile: Profile) -> PyResult<String> {
    let text = text_of(text, "text")?;
    Ok(py.detach(|| normalize(&text, profile)))
}

/// The tokens of a text, as dicts ``{text, kind, start, end, char_start, char_end}``
/// (byte and code-point offsets into ``text``), without the rest of the analysis.
#[pyfunction]
#[pyo3(signature = (text, /))]
fn tokens<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let text = text_of(text, "text")?;
    let chars = CharIndex::new(&text);
    let out = PyList::empty(py);
    for t in tokenize(&text) {
        let d = PyDict::new(py);
        let (s, e) = (t.span.start(), t.span.end());
        d.set_item("text", t.text(&text))?;
        d.set_item("kind", t.kind.name())?;
        d.set_item("start", s)?;
        d.set_item("end", e)?;
        d.set_item("char_start", chars.char_at(s))?;
        d.set_item("char_end", chars.char_at(e))?;
        out.append(d)?;
    }
    Ok(out)
}

/// The text of a date argument: a str (YYYY-MM-DD or RFC 3339), or a date/datetime's isoformat().
fn py_date(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = v.filter(|v| !v.is_none()) else { return Ok(None) };
    if v.is_instance_of::<PyString>() {
        text_of(v, "date").map(Some)
    } else if v.hasattr("isoformat")? {
        v.call_method0("isoformat")?.extract().map(Some).map_err(|_| err("a date's isoformat() must return a str"))
    } else {
        Err(err(format!("a date must be a str (YYYY-MM-DD or RFC 3339), a date or a datetime, not {}", type_name(v))))
    }
}

/// `from_` and `to` as seconds (`to` covering its whole day when no time is given), by
/// [`khabar_index::date_range`] (the CLI's and the API's check too): an error when either is
/// not a date or when `from_` is after `to`.
/// `type=`: one of the entity types (any case), or `None` for all.
fn entity_type_arg(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = v.filter(|v| !v.is_none()) else { return Ok(None) };
    let t = text_of(v, "type")?;
    match khabar_index::entity_type(&t) {
        Some(k) => Ok(Some(k.to_owned())),
        None => Err(err(format!("type={:?}: expected one of {}", t.trim().to_uppercase(), khabar_index::ENTITY_TYPES.join(", ")))),
    }
}

fn py_dates(from: Option<&Bound<'_, PyAny>>, to: Option<&Bound<'_, PyAny>>) -> PyResult<(Option<i64>, Option<i64>)> {
    let (from, to) = (py_date(from)?, py_date(to)?);
    khabar_index::date_range(from.as_deref(), to.as_deref()).map_err(|e| err(e.to_string()))
}

fn index_err(e: khabar_index::Error) -> PyErr {
    err(e.to_string())
}

/// A khabar search index on disk (tantivy), the same as ``khabar index`` / ``khabar search`` use.
///
/// ``Index(path)`` opens the index in folder ``path``, or creates it (and the folder).
/// ``add`` analyses and upserts documents (by ``id``) and commits; ``search`` returns the
/// JSON of ``khabar search --json`` as a dict. Only one writer may hold an index at a
/// time: ``close()`` (or a ``with`` block) releases it.
#[pyclass(frozen, module = "khabar")]
struct Index {
    path: PathBuf,
    index: SearchIndex,
    /// The writer and the story state (duplicate groups and stories), opened on the first `add`.
    writer: Mutex<Option<(tantivy::IndexWriter, StoryState)>>,
}

#[pymethods]
impl Index {
    #[new]
    fn new(py: Python<'_>, #[pyo3(from_py_with = path_arg)] path: PathBuf) -> PyResult<Self> {
        let index =
            py.detach(|| SearchIndex::open_or_create(&path)).map_err(|e| err(format!("{}: cannot open the index: {e}", path.display())))?;
        Ok(Index { path, index, writer: Mutex::new(None) })
    }

    /// Analyse and add (or replace, by ``id``) one document or an iterable of documents:
    /// mappings with ``id`` and ``body`` (or ``text``), and optionally ``title``, ``source``,
    /// ``url``, ``published`` (ISO 8601 str or a datetime). With ``commit=True`` (the default)
    /// the documents are durable and searchable when it returns. Returns how many were added.
    /// Every document is checked before any is added.
    #[pyo3(signature = (documents, /, *, commit=true))]
    fn add(&self, py: Python<'_>, documents: &Bound<'_, PyAny>, #[pyo3(from_py_with = commit_arg)] commit: bool) -> PyResult<usize> {
        let mut docs = Vec::new();
        if documents.is_instance_of::<PyMapping>() || documents.cast::<PyDict>().is_ok() {
            docs.push(document_of(documents, None)?);
        } else if documents.is_instance_of::<PyString>() {
            return Err(err("add takes a document (a mapping with 'id' and 'body') or an iterable of them, not a str"));
        } else {
            for d in documents.try_iter().map_err(|_| err("add takes a document (a mapping) or an iterable of documents"))? {
                docs.push(document_of(&d?, None)?);
            }
        }
        if let Some(i) = docs.iter().position(|d| d.id.is_none()) {
            return Err(err(format!("document {i} has no 'id' (the index replaces documents by id)")));
        }
        // The check of `khabar index` and the API; nothing is added when a document fails it.
        for (i, d) in docs.iter().enumerate() {
            khabar_index::check_document(d).map_err(|e| err(format!("document {i}: {e}; nothing was added")))?;
        }
        let n = docs.len();
        let index = &self.index;
        let path = &self.path;
        // earlier story-state files found beside a new index (StoryState::stale_note)
        let mut stale = None;
        py.detach(|| -> PyResult<()> {
            let mut guard = self.writer.lock().map_err(|_| err("the index writer was poisoned by an earlier failure"))?;
            if guard.is_none() {
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
                let writer = index
                    .writer(threads, 64_000_000 * threads)
                    .map_err(|e| err(format!("{}: cannot write the index: {e}", path.display())))?;
                let state = StoryState::open(index, Some(path), StoryOptions::default())
                    .map_err(|e| err(format!("{}: cannot open the story state: {e}", path.display())))?;
                stale = state.stale_note();
                *guard = Some((writer, state));
            }
            let (writer, state) = guard.as_mut().expect("set above");
            let engine = Engine::default();
            let titles = khabar_index::token_analyzer();
            let analysed: Vec<(Document, Analysis, Option<Analysis>)> = docs
                .into_par_iter()
                .map(|doc| {
                    let analysis = engine.analyze_document(&doc);
                    let title = doc.title.as_deref().map(|t| titles.analyze(t));
                    (doc, analysis, title)
                })
                .collect();
            // The same path as `khabar index`: duplicate group and story for each
            // document, committed together with the story state.
            index.ingest(writer, state, &analysed);
            if commit {
                state.commit(writer).map_err(|e| err(format!("{}: commit failed: {e}", path.display())))?;
                index.reload().map_err(index_err)?;
            }
            Ok(())
        })?;
        if let Some(note) = stale {
            // as `khabar index` says on stderr
            let message = std::ffi::CString::new(note).unwrap_or_default();
            PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), &message, 1)?;
        }
        Ok(n)
    }

    /// Make every added document durable and searchable.
    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| -> PyResult<()> {
            let mut guard = self.writer.lock().map_err(|_| err("the index writer was poisoned by an earlier failure"))?;
            if let Some((w, state)) = guard.as_mut() {
                state.commit(w).map_err(|e| err(format!("{}: commit failed: {e}", self.path.display())))?;
            }
            self.index.reload().map_err(index_err)
        })
    }

    /// Search: ``query`` in khabar's query syntax (words, OR, AND, NOT/-word, "phrases");
    /// ``entities``: ``"TYPE:NAME"`` strings or ``(type, name)`` pairs, all required;
    /// ``from_``/``to``: dates (YYYY-MM-DD or RFC 3339; ``to`` without a time covers the day);
    /// ``facets``: top entities per type (0: none); ``collapse``: fold near-duplicates into the
    /// best hit of their group, its ``similar`` counting them (``khabar search --collapse``,
    /// ``collapse=true`` on the API). Returns ``{"total", "hits", "facets"}`` exactly as
    /// ``khabar search --json`` prints it.
    #[pyo3(signature = (query, /, *, limit=10, offset=0, entities=None, from_=None, to=None, facets=10, collapse=false))]
    #[allow(clippy::too_many_arguments)]
    fn search<'py>(
        &self,
        py: Python<'py>,
        query: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = limit_arg)] limit: usize,
        #[pyo3(from_py_with = offset_arg)] offset: usize,
        entities: Option<&Bound<'py, PyAny>>,
        from_: Option<&Bound<'py, PyAny>>,
        to: Option<&Bound<'py, PyAny>>,
        #[pyo3(from_py_with = facets_arg)] facets: usize,
        #[pyo3(from_py_with = collapse_arg)] collapse: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut req = SearchRequest::new(&text_of(query, "query")?);
        req.limit = limit;
        req.offset = offset;
        req.facets = facets;
        req.collapse = collapse;
        if let Some(list) = entities.filter(|e| !e.is_none()) {
            if list.is_instance_of::<PyString>() {
                return Err(err("entities must be a list of 'TYPE:NAME' strings or (type, name) pairs"));
            }
            for item in list.try_iter().map_err(|_| err("entities must be a list"))? {
                let item = item?;
                let (kind, name): (String, String) = if item.is_instance_of::<PyString>() {
                    let s = text_of(&item, "entity")?;
                    match s.split_once(':') {
                        Some((k, n)) if !k.trim().is_empty() && !n.trim().is_empty() => (k.trim().to_owned(), n.trim().to_owned()),
                        _ => return Err(err(format!("entity {s:?}: expected TYPE:NAME, e.g. PER:بوتين"))),
                    }
                } else {
                    item.extract().map_err(|_| err("entities must be 'TYPE:NAME' strings or (type, name) pairs"))?
                };
                req.entities.push((kind.to_uppercase(), name));
            }
        }
        (req.from, req.to) = py_dates(from_, to)?;
        let index = &self.index;
        let json = py.detach(|| index.search(&req).map(|r| serde_json::to_string(&r).unwrap_or_default())).map_err(index_err)?;
        json_loads(py, &json)
    }

    /// Stories (articles about the same event, grouped as they were added), biggest first:
    /// ``{"stories": [{"id", "title", "articles", "entities", "first_seen", "last_seen", ...}]}``
    /// exactly as ``khabar stories --json`` prints it. ``from_``/``to``: dates as in ``search``;
    /// ``min_articles``: smallest story kept (2, as the CLI); ``limit``: at most this many (0: all).
    #[pyo3(signature = (*, from_=None, to=None, min_articles=2, limit=0))]
    fn stories<'py>(
        &self,
        py: Python<'py>,
        from_: Option<&Bound<'py, PyAny>>,
        to: Option<&Bound<'py, PyAny>>,
        #[pyo3(from_py_with = min_articles_arg)] min_articles: usize,
        #[pyo3(from_py_with = limit_arg)] limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (from, to) = py_dates(from_, to)?;
        let index = &self.index;
        let json = py
            .detach(|| {
                khabar_index::stories::list_stories(index, from, to).map(|mut list| {
                    list.retain(|s| s.count >= min_articles);
                    if limit > 0 {
                        list.truncate(limit);
                    }
                    serde_json::json!({ "stories": list }).to_string()
                })
            })
            .map_err(index_err)?;
        json_loads(py, &json)
    }

    /// One story by id (as ``khabar story ID --json``), or ``None`` when the index has no such story.
    #[pyo3(signature = (id, /))]
    fn story<'py>(&self, py: Python<'py>, #[pyo3(from_py_with = story_id_arg)] id: String) -> PyResult<Option<Bound<'py, PyAny>>> {
        let index = &self.index;
        let json = py
            .detach(|| khabar_index::stories::story(index, &id).map(|s| s.map(|s| serde_json::to_string(&s).unwrap_or_default())))
            .map_err(index_err)?;
        json.map(|j| json_loads(py, &j)).transpose()
    }

    /// The most mentioned entities, as ``GET /v1/entities`` answers:
    /// ``{"entities": [{"name", "type", "mentions", "documents"}, ...]}``, most mentioned first.
    /// ``type``: only ``"PER"``, ``"LOC"``, ``"ORG"`` or ``"MISC"``; ``from_``/``to``: dates as in
    /// ``search``; ``limit``: at most this many (50; 0: all).
    #[pyo3(signature = (*, r#type=None, from_=None, to=None, limit=50))]
    fn entities<'py>(
        &self,
        py: Python<'py>,
        r#type: Option<&Bound<'py, PyAny>>,
        from_: Option<&Bound<'py, PyAny>>,
        to: Option<&Bound<'py, PyAny>>,
        #[pyo3(from_py_with = limit_arg)] limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (from, to) = py_dates(from_, to)?;
        let filter = khabar_index::EntityFilter { kind: entity_type_arg(r#type)?, from, to };
        let limit = if limit == 0 { usize::MAX } else { limit };
        let index = &self.index;
        let json = py
            .detach(|| khabar_index::top_entities(index, &filter, limit).map(|top| serde_json::json!({ "entities": top }).to_string()))
            .map_err(index_err)?;
        json_loads(py, &json)
    }

    /// Mentions of one entity per day, as ``khabar timeline NAME --json`` prints it:
    /// ``{"name", "types", "mentions", "documents", "undated_documents", "days": [{"day",
    /// "mentions", "documents"}, ...]}``; ``None`` when no document mentions an entity of that
    /// name. ``name``: a canonical name or another form of it (``بوتين``); ``type``, ``from_``,
    /// ``to`` as in ``entities``.
    #[pyo3(signature = (name, /, *, r#type=None, from_=None, to=None))]
    fn timeline<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        r#type: Option<&Bound<'py, PyAny>>,
        from_: Option<&Bound<'py, PyAny>>,
        to: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let name = text_of(name, "name")?;
        let name = name.trim();
        if name.is_empty() {
            return Err(err("empty entity name"));
        }
        let (from, to) = py_dates(from_, to)?;
        let filter = khabar_index::EntityFilter { kind: entity_type_arg(r#type)?, from, to };
        let index = &self.index;
        let json = py
            .detach(|| {
                khabar_index::timeline(index, name, &filter)
                    .map(|t| (!t.types.is_empty()).then(|| serde_json::to_string(&t).unwrap_or_default()))
            })
            .map_err(index_err)?;
        json.map(|j| json_loads(py, &j)).transpose()
    }

    /// Near-duplicate groups (ids of copies of one article): ``{"groups": [[id, ...], ...]}``
    /// as ``khabar dups --json`` prints it.
    fn dups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let index = &self.index;
        let json = py
            .detach(|| khabar_index::stories::list_dups(index).map(|g| serde_json::json!({ "groups": g }).to_string()))
            .map_err(index_err)?;
        json_loads(py, &json)
    }

    /// Documents in the index (as of the last commit).
    fn __len__(&self) -> usize {
        self.index.num_docs() as usize
    }

    /// The index folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// Commit pending documents and release the writer lock (the index stays searchable).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| -> PyResult<()> {
            let mut guard = self.writer.lock().map_err(|_| err("the index writer was poisoned by an earlier failure"))?;
            if let Some((mut w, mut state)) = guard.take() {
                state.commit(&mut w).map_err(|e| err(format!("{}: commit failed: {e}", self.path.display())))?;
                w.wait_merging_threads().map_err(|e| err(format!("{}: merging failed: {e}", self.path.display())))?;
            }
            self.index.reload().map_err(index_err)
        })
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!("khabar.Index({:?}, documents={})", self.path.display().to_string(), self.index.num_docs())
    }
}

/// The extension module.
#[pymodule]
fn _khabar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("KhabarError", m.py().get_type::<KhabarError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Analyzer>()?;
    m.add_class::<Index>()?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_json, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_text, m)?)?;
    m.add_function(wrap_pyfunction!(tokens, m)?)?;
    Ok(())
}
