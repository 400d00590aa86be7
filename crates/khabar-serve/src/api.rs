//! The `/v1` handlers.

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use khabar::{Analysis, Document};
use khabar_index::{parse_date, EntityFilter, SearchRequest, ENTITY_TYPES};
use serde::Serialize;
use serde_json::{json, Value};
use tantivy::schema::Value as _;

use crate::{AppError, AppState};

/// Largest `limit` of a search page.
pub const MAX_SEARCH_LIMIT: usize = 100;
/// Largest `offset` of a search page.
pub const MAX_SEARCH_OFFSET: usize = 10_000;
/// Largest `limit` of `/v1/entities`.
pub const MAX_ENTITIES_LIMIT: usize = 1000;

/// The query string's parameters, in order, decoded as a form (`+` is a space,
/// `%XX` a byte; a `%` that encodes nothing stays). Unlike axum's `Query`, bytes
/// that are not UTF-8 once decoded are a 400, not U+FFFD: a query percent-encoded
/// in another encoding (Windows-1256) must not silently search other words.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Params, AppError> {
        parse_query_string(parts.uri.query().unwrap_or("")).map(Params)
    }
}

/// The parameters of a query string (see [`Params`]).
pub fn parse_query_string(query: &str) -> Result<Vec<(String, String)>, AppError> {
    let not_utf8 = |what: String| {
        AppError::bad_request(format!(
            "{what}: not UTF-8 once percent-decoded (percent-encode the UTF-8 bytes of the text, as encodeURIComponent does)"
        ))
    };
    let mut out = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = String::from_utf8(form_decode(k))
            .map_err(|e| not_utf8(format!("the parameter name {:?}", String::from_utf8_lossy(e.as_bytes()))))?;
        let value = String::from_utf8(form_decode(v)).map_err(|_| not_utf8(format!("{key}=")))?;
        out.push((key, value));
    }
    Ok(out)
}

fn form_decode(s: &str) -> Vec<u8> {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16)).and_then(|d| u8::try_from(d).ok());
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match (c, hex(b.get(i + 1)), hex(b.get(i + 2))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Run blocking work (analysis, search, commit) off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(AppError::internal)?
}

fn content_type(headers: &HeaderMap) -> String {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase()
}

fn utf8(body: &[u8]) -> Result<&str, AppError> {
    std::str::from_utf8(body)
        .map_err(|e| AppError::bad_request(format!("the body is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to())))
}

/// `GET /v1/health`.
pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(
        json!({"status": "ok", "documents": state.index().num_docs(), "version": env!("CARGO_PKG_VERSION"), "read_only": state.read_only().is_some()}),
    )
}

/// `GET /v1/openapi.json`.
pub async fn openapi_json() -> Json<Value> {
    Json(crate::openapi())
}

/// Fallback: unknown route.
pub async fn not_found(method: Method, uri: Uri) -> AppError {
    AppError::not_found(format!("no such endpoint: {method} {}", uri.path()))
}

/// `POST /v1/analyze`: `text/plain` or JSON `{"text": ...}` (or a document with `body`).
pub async fn analyze(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Analysis>, AppError> {
    let doc = parse_analyze_body(&content_type(&headers), &body)?;
    let analyzer = state.inner.analyzer.clone();
    blocking(move || Ok(Json(analyzer.analyze_document(&doc)))).await
}

/// The document of a `POST /v1/analyze` body: a JSON content type is a JSON object with a
/// string `text` (or `body`); any other is the text itself, byte for byte (the analysis'
/// offsets point into the bytes sent). `content_type` lowercased.
pub fn parse_analyze_body(content_type: &str, body: &[u8]) -> Result<Document, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::bad_request("empty body"));
    }
    let text = utf8(body)?;
    if !content_type.contains("json") {
        return Ok(Document::from_text(None, text));
    }
    let v: Value = serde_json::from_str(khabar::strip_bom(text)).map_err(|e| AppError::bad_request(format!("invalid JSON: {e}")))?;
    let has_text = v.get("text").or_else(|| v.get("body")).is_some_and(Value::is_string);
    if !has_text {
        return Err(AppError::bad_request("expected a JSON object with a string \"text\" (or \"body\")"));
    }
    serde_json::from_value::<Document>(v).map_err(|e| AppError::bad_request(format!("invalid document: {e}")))
}

fn document_of(v: Value, what: &str) -> Result<Document, AppError> {
    if !v.is_object() {
        return Err(AppError::bad_request(format!("{what}: expected a JSON object")));
    }
    let mut doc: Document = serde_json::from_value(v).map_err(|e| AppError::bad_request(format!("{what}: {e}")))?;
    khabar_index::check_document(&doc).map_err(|e| AppError::bad_request(format!("{what}: {e}")))?;
    if doc.id.is_none() {
        doc.id = Some(khabar_index::derived_id(&doc));
    }
    Ok(doc)
}

/// The documents of a `POST /v1/documents` body: one object, an array, or JSON lines.
pub fn parse_documents(content_type: &str, body: &[u8]) -> Result<Vec<Document>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::bad_request("empty body: send a JSON document, a JSON array of documents, or JSON lines"));
    }
    let text = khabar::strip_bom(utf8(body)?);
    let lines = |text: &str| -> Result<Vec<Document>, AppError> {
        let mut docs = Vec::new();
        for (i, line) in text.lines().map(khabar::strip_bom).enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let what = format!("line {}", i + 1);
            let v: Value = serde_json::from_str(line).map_err(|e| AppError::bad_request(format!("{what}: invalid JSON: {e}")))?;
            docs.push(document_of(v, &what)?);
        }
        if docs.is_empty() {
            return Err(AppError::bad_request("empty body: no JSON lines with a document"));
        }
        Ok(docs)
    };
    if content_type.contains("ndjson") || content_type.contains("jsonl") || content_type.contains("json-seq") {
        return lines(text);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => {
            if items.is_empty() {
                return Err(AppError::bad_request("empty array: no documents"));
            }
            items.into_iter().enumerate().map(|(i, v)| document_of(v, &format!("document {}", i + 1))).collect()
        }
        Ok(v) => Ok(vec![document_of(v, "document")?]),
        // Several objects one per line, sent without the JSON-lines content type.
        Err(_) if text.trim().lines().count() > 1 && text.trim_start().starts_with('{') => lines(text),
        Err(e) => Err(AppError::bad_request(format!("invalid JSON: {e}"))),
    }
}

/// The answer to `POST /v1/documents`.
#[derive(Serialize)]
pub struct Ingested {
    /// Documents received (and now durable).
    pub count: usize,
    /// Their ids, in the order sent.
    pub ids: Vec<String>,
    /// How many replaced a document with the same id.
    pub replaced: usize,
    /// Per document, in the order sent: its duplicate group and story
    /// (`id`, `dup_group`, `story`, `new_story`, ...; docs/stories.md).
    pub documents: Vec<khabar_index::stories::Assignment>,
}

/// `POST /v1/documents`: analyse, upsert by id, commit; answers after the commit.
pub async fn ingest(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Ingested>, AppError> {
    if let Some(why) = state.read_only() {
        return Err(AppError::read_only(format!("this server does not add documents: {why}")));
    }
    let ct = content_type(&headers);
    blocking(move || {
        let docs = parse_documents(&ct, &body)?;
        drop(body);
        let inner = &state.inner;
        let analysed: Vec<(Document, Analysis, Option<Analysis>)> = docs
            .into_iter()
            .map(|doc| {
                let analysis = inner.analyzer.analyze_document(&doc);
                let title = doc.title.as_deref().map(|t| inner.title_analyzer.analyze(t));
                (doc, analysis, title)
            })
            .collect();
        let ids: Vec<String> = analysed.iter().map(|(d, _, _)| d.id.clone().unwrap_or_default()).collect();
        let writer = inner.writer.as_ref().ok_or_else(|| AppError::read_only("this server does not add documents"))?;
        let (documents, replaced) = writer.ingest_durably(&inner.index, &analysed).map_err(AppError::internal)?;
        tracing::info!(count = ids.len(), replaced, "documents committed");
        Ok(Json(Ingested { count: ids.len(), ids, replaced, documents }))
    })
    .await
}

/// Middleware on write endpoints: the API key, when one is set.
pub async fn require_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = state.inner.options.api_key.as_deref() else {
        return next.run(req).await;
    };
    let h = req.headers();
    let given = h
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| h.get("x-api-key").and_then(|v| v.to_str().ok()));
    match given {
        Some(g) if constant_time_eq(g.as_bytes(), key.as_bytes()) => next.run(req).await,
        _ => {
            let mut resp = AppError {
                status: axum::http::StatusCode::UNAUTHORIZED,
                code: "unauthorized",
                message: "this endpoint needs the API key: send `Authorization: Bearer KEY` or `X-Api-Key: KEY`".into(),
            }
            .into_response();
            // The body (within the limit: the limit layer runs first) is read and dropped, so
            // that a client still writing it reads the 401 rather than a reset (as for the 413).
            // A client waiting on `Expect: 100-continue` has sent nothing: nothing is read.
            let waits = req.headers().contains_key(header::EXPECT);
            let budget = u64::try_from(state.inner.options.body_limit).unwrap_or(u64::MAX);
            if waits || !crate::limit::drain(req.into_body(), budget).await {
                // The rest of the body is unread, so the connection cannot carry another
                // request: say so, rather than let the client find a closed socket.
                resp.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
            }
            resp
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A stored document, as `GET /v1/documents/{id}` shows it.
#[derive(Serialize)]
pub struct StoredDocument {
    /// Id.
    pub id: String,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Text.
    pub body: String,
    /// Publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication date-time, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Its near-duplicate group (the id of the group's first article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dup_group: Option<String>,
    /// Its story (`GET /v1/stories/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
}

/// The answer to `GET /v1/documents/{id}` (serialised directly, so numbers
/// are written exactly as `khabar analyze --json` writes them).
#[derive(Serialize)]
pub struct DocumentAnswer {
    /// The stored document.
    pub document: StoredDocument,
    /// Its analysis.
    pub analysis: Analysis,
}

/// `GET /v1/documents/{id}`: the document and its analysis.
pub async fn document(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<DocumentAnswer>, AppError> {
    blocking(move || {
        let inner = &state.inner;
        let f = inner.index.fields();
        let searcher = inner.index.reader().searcher();
        let q = tantivy::query::TermQuery::new(tantivy::Term::from_field_text(f.id, &id), tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(&q, &tantivy::collector::TopDocs::with_limit(1).order_by_score()).map_err(AppError::internal)?;
        let Some((_, addr)) = top.first() else {
            return Err(AppError::not_found(format!("no document with id {id:?}")));
        };
        let d: tantivy::TantivyDocument = searcher.doc(*addr).map_err(AppError::internal)?;
        let text = |field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
        let stored = StoredDocument {
            id: id.clone(),
            title: text(f.title),
            body: text(f.body).unwrap_or_default(),
            source: text(f.source),
            url: text(f.url),
            dup_group: text(f.dup_group),
            story: text(f.story),
            published: d.get_first(f.published).and_then(|v| v.as_datetime()).map(|t| khabar_index::format_date(t.into_timestamp_secs())),
        };
        let doc = Document {
            id: Some(id),
            title: stored.title.clone(),
            body: stored.body.clone(),
            source: stored.source.clone(),
            url: stored.url.clone(),
            published: stored.published.clone(),
            ..Document::default()
        };
        let analysis = inner.analyzer.analyze_document(&doc);
        Ok(Json(DocumentAnswer { document: stored, analysis }))
    })
    .await
}

/// The value of the single-valued parameter `name` (`None` when absent or blank). Given more
/// than once (`q=a&q=b`) it is a 400 naming it: which of the values was meant is not ours to
/// guess. (`entity` on `/v1/search` repeats; it is read by [`search`] itself, not here.)
fn param<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, AppError> {
    let mut given = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let first = given.next();
    let more = given.count();
    if more > 0 {
        return Err(AppError::bad_request(format!(
            "{name}= is given {} times: give it once (only entity= on /v1/search repeats)",
            more + 1
        )));
    }
    Ok(first.filter(|v| !v.trim().is_empty()))
}

fn number(params: &[(String, String)], name: &str, default: usize, max: usize) -> Result<usize, AppError> {
    match param(params, name)? {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            Ok(_) => Err(AppError::bad_request(format!("{name}={v}: at most {max}"))),
            Err(_) => Err(AppError::bad_request(format!("{name}={v:?}: not a number"))),
        },
    }
}

fn boolean(params: &[(String, String)], name: &str, default: bool) -> Result<bool, AppError> {
    match param(params, name)?.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" => Ok(false),
        Some(v) => Err(AppError::bad_request(format!("{name}={v:?}: expected true or false"))),
    }
}

/// `from` (start of the day or instant) and `to` (end of the day, inclusive), as seconds, by
/// [`khabar_index::date_range`] (the CLI's and Python's check too).
fn dates(params: &[(String, String)]) -> Result<(Option<i64>, Option<i64>), AppError> {
    khabar_index::date_range(param(params, "from")?, param(params, "to")?).map_err(|e| AppError::bad_request(e.to_string()))
}

fn entity_type(params: &[(String, String)]) -> Result<Option<String>, AppError> {
    match param(params, "type")? {
        None => Ok(None),
        Some(t) => match khabar_index::entity_type(t) {
            Some(k) => Ok(Some(k.to_owned())),
            None => Err(AppError::bad_request(format!("type={:?}: expected one of {}", t.trim().to_uppercase(), ENTITY_TYPES.join(", ")))),
        },
    }
}

/// `GET /v1/search?q=&entity=&from=&to=&limit=&offset=`: as `khabar search --json`.
pub async fn search(State(state): State<AppState>, Params(params): Params) -> Result<Json<khabar_index::SearchResults>, AppError> {
    let Some(q) = param(&params, "q")? else {
        return Err(AppError::bad_request("missing the query: /v1/search?q=..."));
    };
    let mut req = SearchRequest::new(q);
    req.limit = number(&params, "limit", 10, MAX_SEARCH_LIMIT)?;
    req.offset = number(&params, "offset", 0, MAX_SEARCH_OFFSET)?;
    req.facets = number(&params, "facets", 10, 100)?;
    for (k, v) in &params {
        if k != "entity" || v.trim().is_empty() {
            continue;
        }
        let Some((kind, name)) = v.split_once(':').filter(|(k, n)| !k.trim().is_empty() && !n.trim().is_empty()) else {
            return Err(AppError::bad_request(format!("entity={v:?}: expected TYPE:NAME, e.g. PER:بوتين")));
        };
        req.entities.push((kind.trim().to_uppercase(), name.trim().to_owned()));
    }
    (req.from, req.to) = dates(&params)?;
    req.collapse = boolean(&params, "collapse", req.collapse)?;
    blocking(move || Ok(Json(state.inner.index.search(&req)?))).await
}

/// `GET /v1/entities?type=&from=&to=&limit=`: the most mentioned entities;
/// `limit=0` lists them all, as on `/v1/stories`.
pub async fn entities(State(state): State<AppState>, Params(params): Params) -> Result<Json<Value>, AppError> {
    let kind = entity_type(&params)?;
    let (from, to) = dates(&params)?;
    let limit = match number(&params, "limit", 50, MAX_ENTITIES_LIMIT)? {
        0 => usize::MAX,
        n => n,
    };
    let filter = EntityFilter { kind, from, to };
    blocking(move || {
        let top = khabar_index::top_entities(&state.inner.index, &filter, limit)?;
        Ok(Json(json!({ "entities": top })))
    })
    .await
}

/// `GET /v1/entities/{canonical}/timeline?type=&from=&to=`: mentions per day.
pub async fn timeline(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Params(params): Params,
) -> Result<Json<khabar_index::Timeline>, AppError> {
    let kind = entity_type(&params)?;
    let (from, to) = dates(&params)?;
    let filter = EntityFilter { kind, from, to };
    blocking(move || {
        let t = khabar_index::timeline(&state.inner.index, name.trim(), &filter)?;
        if t.types.is_empty() {
            return Err(AppError::not_found(format!("no document mentions an entity named {:?}", name.trim())));
        }
        Ok(Json(t))
    })
    .await
}

/// Largest `limit` of `/v1/stories`.
pub const MAX_STORIES_LIMIT: usize = 1000;

/// The answer to `GET /v1/stories` (as `khabar stories --json`).
#[derive(Serialize)]
pub struct Stories {
    /// With `day=`: the day listed (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// Stories, biggest first.
    pub stories: Vec<khabar_index::stories::StorySummary>,
}

/// The start (UTC midnight) of the latest publication day in the index.
fn latest_day(index: &khabar_index::SearchIndex) -> Option<i64> {
    let searcher = index.reader().searcher();
    let mut latest: Option<i64> = None;
    for segment in searcher.segment_readers() {
        let Ok(dates) = segment.fast_fields().date("published") else { continue };
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let Some(d) = dates.first(doc) {
                let secs = d.into_timestamp_secs();
                latest = Some(latest.map_or(secs, |l| l.max(secs)));
            }
        }
    }
    latest.map(|s| s - s.rem_euclid(86_400))
}

/// `GET /v1/stories?from=&to=&day=&limit=&min_articles=`: stories with articles
/// published in the range, biggest first (as `khabar stories --json`);
/// `day=latest` (or `day=YYYY-MM-DD`): that one day, named in the answer.
pub async fn stories(State(state): State<AppState>, Params(params): Params) -> Result<Json<Stories>, AppError> {
    let (mut from, mut to) = dates(&params)?;
    let limit = number(&params, "limit", 50, MAX_STORIES_LIMIT)?;
    let min_articles = number(&params, "min_articles", 1, 1_000_000)?;
    let day = param(&params, "day")?.map(|d| d.trim().to_owned());
    if day.is_some() && (from.is_some() || to.is_some()) {
        return Err(AppError::bad_request("day= lists one day: give it without from= and to="));
    }
    let fixed_day = match day.as_deref() {
        None | Some("latest") => None,
        Some(d) => match parse_date(d) {
            Some((secs, false)) => Some(secs),
            _ => return Err(AppError::bad_request(format!("day={d:?}: expected \"latest\" or a date YYYY-MM-DD"))),
        },
    };
    blocking(move || {
        let mut shown_day = None;
        if day.is_some() {
            let Some(start) = fixed_day.or_else(|| latest_day(&state.inner.index)) else {
                return Ok(Json(Stories { day: None, stories: Vec::new() }));
            };
            (from, to) = (Some(start), Some(start + 86_400));
            shown_day = Some(khabar_index::format_date(start).chars().take(10).collect());
        }
        let mut list = khabar_index::stories::list_stories(&state.inner.index, from, to)?;
        list.retain(|s| s.count >= min_articles);
        if limit > 0 {
            list.truncate(limit);
        }
        Ok(Json(Stories { day: shown_day, stories: list }))
    })
    .await
}

/// `GET /v1/stories/{id}`: one story with its articles in detail (as `khabar story ID --json`).
pub async fn story(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<khabar_index::stories::StorySummary>, AppError> {
    blocking(move || {
        // Found as sent, else without the spaces around it (khabar_index::stories::story).
        let found = khabar_index::stories::story(&state.inner.index, &id)?;
        found.map(Json).ok_or_else(|| AppError::not_found(format!("no story with id {:?}", id.trim())))
    })
    .await
}
