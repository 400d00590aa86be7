//! The OpenAPI 3.1 description of the API, served at `/v1/openapi.json`.

use serde_json::{json, Value};

/// The OpenAPI document.
pub fn openapi() -> Value {
    let mut doc = description();
    // Every route runs under the server's --timeout (default 60 s): any operation
    // can be answered 408.
    let timeout = json!({"description": "the request took longer than the server's --timeout (default 60 s)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.insert("408".to_owned(), timeout.clone());
            }
        }
    }
    doc
}

fn description() -> Value {
    let error = json!({"description": "bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let q = |name: &str, desc: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": desc, "schema": schema});
    let string = json!({"type": "string"});
    let date = json!({"type": "string", "examples": ["2015-08-01", "2015-08-01T12:00:00Z"]});
    let int = |default: u64, max: u64| json!({"type": "integer", "minimum": 0, "maximum": max, "default": default});
    let kind = json!({"type": "string", "enum": ["PER", "LOC", "ORG", "MISC"]});
    let ok = |desc: &str, schema: Value| json!({"description": desc, "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "khabar",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Arabic news analysis and search. Errors are {\"error\": {\"code\", \"message\"}} with a 4xx/5xx status. \
                            A query parameter is given once: a repeated one (q=a&q=b) is a 400 naming it, \
                            except entity on /v1/search, which repeats (all must match). \
                            Byte offsets (start, end) point into the UTF-8 text analysed. Reference: docs/serve.md."
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "only when the server runs with --api-key; X-Api-Key: KEY also works"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string", "examples": ["bad_request", "not_found", "payload_too_large", "unauthorized", "read_only", "timeout", "internal"]}, "message": {"type": "string"}}}}},
                "Document": {"type": "object", "required": ["body"], "properties": {
                    "id": {"type": "string", "description": "upsert key; when missing, a hash of title and body"},
                    "title": string, "body": {"type": "string", "description": "the text (alias: text)"}, "source": string, "url": string,
                    "published": {"type": "string", "description": "ISO 8601 date or date-time"}, "author": string}},
                "Analysis": {"type": "object", "description": "as `khabar analyze --json` (docs/analysis-json.md): id, length, tokens, sentences, entities (and keyphrases, summary when the pipeline adds them)",
                    "properties": {"id": string, "length": {"type": "integer"}, "tokens": {"type": "array", "items": {"type": "object"}},
                    "sentences": {"type": "array", "items": {"type": "object"}}, "entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}}}},
                "Entity": {"type": "object", "properties": {"text": string, "start": {"type": "integer"}, "end": {"type": "integer"}, "type": kind, "canonical": string, "score": {"type": "number"}}},
                "SearchResults": {"type": "object", "description": "as `khabar search --json` (docs/search.md)", "properties": {
                    "total": {"type": "integer"},
                    "hits": {"type": "array", "items": {"type": "object", "properties": {"id": string, "score": {"type": "number"}, "title": string, "published": string, "source": string,
                        "snippet": {"type": "string", "description": "HTML: text escaped, matches in <mark>"},
                        "dup_group": {"type": "string", "description": "near-duplicate group (id of its first article)"},
                        "story": {"type": "string", "description": "story id (GET /v1/stories/{id})"},
                        "similar": {"type": "integer", "description": "with collapse=true: near-duplicates folded into this hit"}}}},
                    "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "properties": {"name": string, "count": {"type": "integer"}}}}}}},
                "Story": {"type": "object", "description": "as `khabar stories --json` / `khabar story ID --json` (docs/stories.md)", "properties": {
                    "id": {"type": "string", "description": "the id of its first article"}, "title": {"type": "string", "description": "representative headline"},
                    "articles": {"type": "array", "items": string, "description": "article ids, oldest first"},
                    "entities": {"type": "array", "items": {"type": "object", "properties": {"name": string, "type": kind, "articles": {"type": "integer"}}}},
                    "first_seen": string, "last_seen": string, "count": {"type": "integer"}, "sources": {"type": "array", "items": string},
                    "keyphrases": {"type": "array", "items": string}, "dup_groups": {"type": "integer"},
                    "details": {"type": "array", "description": "GET /v1/stories/{id} only: the articles", "items": {"type": "object", "properties": {
                        "id": string, "title": string, "source": string, "published": string, "dup_group": string}}}}},
                "Assignment": {"type": "object", "properties": {"id": string, "dup_group": string, "duplicate_of": string, "exact_duplicate": {"type": "boolean"},
                    "story": string, "new_story": {"type": "boolean"},
                    "merged": {"type": "array", "description": "stories that became part of this story when the document arrived (omitted when none)", "items": string},
                    "merged_groups": {"type": "array", "description": "duplicate groups that became part of this document's group when it arrived: it copies articles of each (omitted when none)", "items": string}}},
                "EntityCount": {"type": "object", "properties": {"type": kind, "name": string, "mentions": {"type": "integer"}, "documents": {"type": "integer"}}},
                "Timeline": {"type": "object", "properties": {"name": string, "types": {"type": "array", "items": kind}, "mentions": {"type": "integer"}, "documents": {"type": "integer"},
                    "undated_documents": {"type": "integer"},
                    "days": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "mentions": {"type": "integer"}, "documents": {"type": "integer"}}}}}}
            }
        },
        "paths": {
            "/v1/health": {"get": {"summary": "liveness and document count", "responses": {"200": ok("ok", json!({"type": "object", "properties": {"status": string, "documents": {"type": "integer"}, "version": string,
                "read_only": {"type": "boolean", "description": "true when POST /v1/documents is answered 403 (read_only)"}}}))}}},
            "/v1/analyze": {"post": {"summary": "analyse a text: tokens, sentences, words (POS, lemmas), entities",
                "requestBody": {"required": true, "content": {"text/plain": {"schema": string}, "application/json": {"schema": {"type": "object", "properties": {"text": string}, "required": ["text"]}}}},
                "responses": {"200": ok("the Analysis", json!({"$ref": "#/components/schemas/Analysis"})), "400": error, "413": error}}},
            "/v1/documents": {"post": {"summary": "add or replace documents (by id); answers after they are durably committed",
                "security": [{"apiKey": []}, {}],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Document"}, {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}]}},
                    "application/x-ndjson": {"schema": {"type": "string", "description": "one Document per line"}}}},
                "responses": {"200": ok("committed", json!({"type": "object", "properties": {"count": {"type": "integer"}, "ids": {"type": "array", "items": string}, "replaced": {"type": "integer"},
                    "documents": {"type": "array", "description": "per document sent: its duplicate group and story", "items": {"$ref": "#/components/schemas/Assignment"}}}})),
                    "400": error, "401": error,
                    "403": {"description": "code `read_only`: the server does not add documents (started with --read-only, or the index folder is not writable, or another process holds the index's writer); the message says which",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "413": error}}},
            "/v1/documents/{id}": {"get": {"summary": "a document and its analysis",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": string}],
                "responses": {"200": ok("found (the document also carries its `story` and `dup_group`)", json!({"type": "object", "properties": {"document": {"$ref": "#/components/schemas/Document"}, "analysis": {"$ref": "#/components/schemas/Analysis"}}})), "400": error, "404": error}}},
            "/v1/search": {"get": {"summary": "search (Arabic-aware; the syntax of `khabar search`)",
                "description": "Every parameter but entity is given once (a repeated one is a 400 naming it).",
                "parameters": [
                    {"name": "q", "in": "query", "required": true, "schema": string, "description": "words, OR, AND, NOT/-word, (groups), \"phrases\""},
                    q("entity", "TYPE:NAME, e.g. PER:بوتين; repeatable, all must match", string.clone()),
                    q("from", "published on or after", date.clone()), q("to", "published on or before (whole day)", date.clone()),
                    q("limit", "hits", int(10, 100)), q("offset", "hits to skip", int(0, 10_000)), q("facets", "top entities per type (0: none)", int(10, 100)),
                    q("collapse", "fold near-duplicates into one hit with `similar`", json!({"type": "boolean", "default": false}))],
                "responses": {"200": ok("results", json!({"$ref": "#/components/schemas/SearchResults"})), "400": error}}},
            "/v1/entities": {"get": {"summary": "the most mentioned entities",
                "parameters": [q("type", "only this type", kind.clone()), q("from", "published on or after", date.clone()), q("to", "published on or before", date.clone()), q("limit", "entities (0: all)", int(50, 1000))],
                "responses": {"200": ok("entities by mentions", json!({"type": "object", "properties": {"entities": {"type": "array", "items": {"$ref": "#/components/schemas/EntityCount"}}}})), "400": error}}},
            "/v1/entities/{canonical}/timeline": {"get": {"summary": "mentions of an entity per day",
                "parameters": [{"name": "canonical", "in": "path", "required": true, "schema": string}, q("type", "only under this type", kind.clone()),
                    q("from", "published on or after", date.clone()), q("to", "published on or before", date.clone())],
                "responses": {"200": ok("days with mentions", json!({"$ref": "#/components/schemas/Timeline"})), "400": error, "404": error}}},
            "/v1/stories": {"get": {"summary": "stories with articles published in the range, biggest first (only those articles listed)",
                "parameters": [q("from", "published on or after", date.clone()), q("to", "published on or before (whole day)", date.clone()),
                    q("day", "`latest` (the latest publication day in the index) or YYYY-MM-DD: that one day, named in the answer's `day`; not with from/to", string.clone()),
                    q("limit", "stories (0: all)", int(50, 1000)), q("min_articles", "only stories with at least this many articles in the range", int(1, 1_000_000))],
                "responses": {"200": ok("stories", json!({"type": "object", "properties": {"day": {"type": "string", "format": "date"}, "stories": {"type": "array", "items": {"$ref": "#/components/schemas/Story"}}}})), "400": error}}},
            "/v1/stories/{id}": {"get": {"summary": "one story with its articles",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": string}],
                "responses": {"200": ok("the story, with details", json!({"$ref": "#/components/schemas/Story"})), "400": error, "404": error}}},
            "/v1/openapi.json": {"get": {"summary": "this description", "responses": {"200": ok("OpenAPI 3.1", json!({"type": "object"}))}}}
        }
    })
}
