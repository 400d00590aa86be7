//! The API against a real server on an ephemeral 127.0.0.1 port: every
//! endpoint, the bad-input list, the API key, the page's assets.

use std::net::SocketAddr;
use std::path::Path;
use std::thread::JoinHandle;

use khabar::{Analyzer, Document};
use khabar_serve::client::{encode, Client, Response};
use khabar_serve::{AppState, ServeOptions};
use serde_json::{json, Value};

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(dir: &Path, options: ServeOptions) -> Server {
        let state = AppState::open(dir, options).expect("open the index");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                khabar_serve::run(listener, state.clone(), async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
                state.close();
            });
        });
        Server { addr: rx.recv().unwrap(), stop: Some(stop), thread: Some(thread) }
    }

    fn client(&self) -> Client {
        Client::new(self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn json_of(r: &Response) -> Value {
    r.json().unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.text()))
}

/// A 4xx answer with the JSON error shape.
fn assert_error(r: &Response, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(r.header("content-type").unwrap_or("").starts_with("application/json"), "{:?}", r.headers);
    let v = json_of(r);
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
}

/// The JSON text a value serialises to, read back (floats compared as sent).
fn as_sent<T: serde::Serialize>(v: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

fn article(id: &str, day: &str, body: &str) -> Value {
    json!({"id": id, "title": format!("خبر {id}"), "body": body, "source": "test", "published": day})
}

const PUTIN: &str = "التقى الرئيس الروسي فلاديمير بوتين في موسكو بوفد من الأمم المتحدة. وقال بوتين إن المفاوضات مستمرة.";
const RIYADH: &str = "أعلنت وزارة الصحة في الرياض عن افتتاح مستشفى جديد. وقال الوزير إن المشروع يخدم المملكة العربية السعودية.";

fn ingest(c: &mut Client, docs: &Value) -> Value {
    let r = c.post("/v1/documents", "application/json", docs.to_string().as_bytes()).unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    json_of(&r)
}

#[test]
fn every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();

    let h = json_of(&c.get("/v1/health").unwrap());
    assert_eq!((h["status"].as_str(), h["documents"].as_u64()), (Some("ok"), Some(0)));

    // Ingest: one object, an array, JSON lines.
    let one = ingest(&mut c, &article("p1", "2015-08-01", PUTIN));
    assert_eq!((&one["count"], &one["ids"], &one["replaced"]), (&json!(1), &json!(["p1"]), &json!(0)), "{one}");
    assert_eq!((&one["documents"][0]["story"], &one["documents"][0]["dup_group"]), (&json!("p1"), &json!("p1")), "{one}");
    let many = ingest(&mut c, &json!([article("p2", "2015-08-02", PUTIN), article("r1", "2015-08-02", RIYADH)]));
    assert_eq!(many["count"], 2);
    let lines = format!("{}\n\n{}\n", article("r2", "2015-08-03", RIYADH), json!({"body": RIYADH}));
    let r = c.post("/v1/documents", "application/x-ndjson", lines.as_bytes()).unwrap();
    let v = json_of(&r);
    assert_eq!(v["count"], 2, "{v}");
    let derived = v["ids"][1].as_str().unwrap().to_owned();
    assert!(derived.starts_with('h'), "a document without id gets one from its content: {derived}");
    // Visible at once, and idempotent by id (also for derived ids).
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["documents"], 5);
    let again = ingest(&mut c, &json!([article("p1", "2015-08-01", PUTIN), {"body": RIYADH}]));
    assert_eq!((again["replaced"].as_u64(), again["ids"][1].as_str()), (Some(2), Some(derived.as_str())));
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["documents"], 5);

    // A document and its analysis (as `khabar analyze --json`).
    let d = json_of(&c.get("/v1/documents/p1").unwrap());
    assert_eq!(d["document"]["body"], PUTIN);
    assert_eq!(d["document"]["published"], "2015-08-01T00:00:00Z");
    let doc = Document { id: Some("p1".into()), body: PUTIN.into(), ..Document::default() };
    let expected = as_sent(&Analyzer::default().analyze_document(&doc));
    assert_eq!(d["analysis"], expected);
    assert!(d["analysis"]["entities"].as_array().is_some_and(|e| !e.is_empty()));
    assert_error(&c.get("/v1/documents/nope").unwrap(), 404, "not_found");

    // Analyse: plain text and JSON, the same Analysis as the library.
    let plain = json_of(&c.post("/v1/analyze", "text/plain; charset=utf-8", PUTIN.as_bytes()).unwrap());
    let expected = as_sent(&Analyzer::default().analyze(PUTIN));
    assert_eq!(plain, expected);
    let as_json = json_of(&c.post("/v1/analyze", "application/json", json!({"text": PUTIN}).to_string().as_bytes()).unwrap());
    assert_eq!(as_json, expected);

    // Search: as `khabar search --json`.
    let q = encode("بوتين");
    let s = json_of(&c.get(&format!("/v1/search?q={q}")).unwrap());
    assert_eq!(s["total"], 2, "{s}");
    assert!(s["hits"][0]["snippet"].as_str().unwrap().contains("<mark>بوتين</mark>"), "{s}");
    assert!(s["facets"]["PER"].as_array().is_some_and(|f| !f.is_empty()), "{s}");
    let paged = json_of(&c.get(&format!("/v1/search?q={q}&limit=1&offset=1")).unwrap());
    assert_eq!((paged["total"].as_u64(), paged["hits"].as_array().map(Vec::len)), (Some(2), Some(1)));
    let dated = json_of(&c.get(&format!("/v1/search?q={q}&from=2015-08-02&to=2015-08-02")).unwrap());
    assert_eq!(dated["total"], 1, "{dated}");
    let name = s["facets"]["PER"][0]["name"].as_str().unwrap().to_owned();
    let filtered = json_of(&c.get(&format!("/v1/search?q={}&entity={}", encode("المفاوضات"), encode(&format!("PER:{name}")))).unwrap());
    assert!(filtered["total"].as_u64().is_some_and(|n| n >= 1), "{filtered}");
    let none = json_of(&c.get(&format!("/v1/search?q={q}&entity={}", encode("PER:لا أحد"))).unwrap());
    assert_eq!(none["total"], 0);

    // Entities and a timeline.
    let e = json_of(&c.get("/v1/entities?limit=3").unwrap());
    let list = e["entities"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3, "{e}");
    let m: Vec<u64> = list.iter().map(|x| x["mentions"].as_u64().unwrap()).collect();
    assert!(m.windows(2).all(|w| w[0] >= w[1]), "sorted by mentions: {m:?}");
    let per = json_of(&c.get("/v1/entities?type=per").unwrap());
    assert!(per["entities"].as_array().unwrap().iter().all(|x| x["type"] == "PER"), "{per}");
    let t = json_of(&c.get(&format!("/v1/entities/{}/timeline?type=PER", encode(&name))).unwrap());
    let days: Vec<&str> = t["days"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(days, ["2015-08-01", "2015-08-02"], "{t}");
    assert_eq!(t["documents"], 2);
    let t1 = json_of(&c.get(&format!("/v1/entities/{}/timeline?from=2015-08-02", encode(&name))).unwrap());
    assert_eq!(t1["days"].as_array().map(Vec::len), Some(1), "{t1}");
    assert_error(&c.get(&format!("/v1/entities/{}/timeline", encode("لا أحد"))).unwrap(), 404, "not_found");

    // OpenAPI names every endpoint.
    let o = json_of(&c.get("/v1/openapi.json").unwrap());
    for p in [
        "/v1/health",
        "/v1/analyze",
        "/v1/documents",
        "/v1/documents/{id}",
        "/v1/search",
        "/v1/entities",
        "/v1/entities/{canonical}/timeline",
        "/v1/stories",
        "/v1/stories/{id}",
    ] {
        assert!(o["paths"][p].is_object(), "{p} missing from the OpenAPI description");
    }

    // The page and its assets.
    let page = c.get("/").unwrap();
    assert_eq!(page.status, 200);
    assert!(page.text().contains(r#"<html dir="rtl" lang="ar">"#));
    assert!(page.header("content-security-policy").is_some_and(|p| p.contains("script-src 'self'")));
    for a in ["/assets/app.js", "/assets/app.css"] {
        assert_eq!(c.get(a).unwrap().status, 200, "{a}");
    }
    assert_error(&c.get("/assets/evil.js").unwrap(), 404, "not_found");
}

#[test]
fn html_in_articles_is_escaped_in_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    let body = "قال بوتين <script>alert(1)</script> و<img src=x onerror=alert(2)> في موسكو";
    ingest(&mut c, &json!({"id": "x", "body": body}));
    let s = json_of(&c.get(&format!("/v1/search?q={}", encode("بوتين"))).unwrap());
    let snippet = s["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("&lt;script&gt;") && !snippet.contains("<script") && !snippet.contains("<img"), "{snippet}");
    let tags: Vec<&str> =
        snippet.match_indices('<').map(|(i, _)| &snippet[i..snippet[i..].find('>').map_or(snippet.len(), |j| i + j + 1)]).collect();
    assert!(tags.iter().all(|t| *t == "<mark>" || *t == "</mark>"), "only <mark> tags: {tags:?}");
}

#[test]
fn bad_input_is_a_json_4xx_never_a_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServeOptions { body_limit: 4096, ..ServeOptions::default() };
    let server = Server::start(dir.path(), options);
    let mut c = server.client();
    let big = "ا".repeat(5000);
    // (method, path, content type, body, status, error code)
    type Case = (&'static str, &'static str, &'static str, Vec<u8>, u16, &'static str);
    let cases: Vec<Case> = vec![
        ("POST", "/v1/documents", "application/json", b"{\"id\": 1, \"body\": ".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", b"[1, 2]".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", b"{\"id\": \"a\"}".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", b"[]".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/x-ndjson", b"{\"body\": \"\xd8\xa7\"}\nnot json\n".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", b"{\"body\": \"\xff\xfe\"}".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", Vec::new(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", b"  \n ".to_vec(), 400, "bad_request"),
        ("POST", "/v1/documents", "application/json", json!({"body": big}).to_string().into_bytes(), 413, "payload_too_large"),
        ("POST", "/v1/analyze", "application/json", b"{\"text\": ".to_vec(), 400, "bad_request"),
        ("POST", "/v1/analyze", "application/json", b"{\"txt\": \"x\"}".to_vec(), 400, "bad_request"),
        ("POST", "/v1/analyze", "text/plain", b"\xd8\xa7\xff".to_vec(), 400, "bad_request"),
        ("POST", "/v1/analyze", "text/plain", Vec::new(), 400, "bad_request"),
        ("POST", "/v1/analyze", "text/plain", big.clone().into_bytes(), 413, "payload_too_large"),
        ("GET", "/v1/nope", "", Vec::new(), 404, "not_found"),
        ("GET", "/v2/search?q=a", "", Vec::new(), 404, "not_found"),
        ("DELETE", "/v1/documents", "", Vec::new(), 405, "method_not_allowed"),
        ("GET", "/v1/analyze", "", Vec::new(), 405, "method_not_allowed"),
        ("GET", "/v1/search", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=a&limit=x", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=a&limit=100000", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=a&from=yesterday", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=a&entity=nocolon", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=%FF%FE", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/entities?type=PERSON", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/entities?limit=-1", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/search?q=a&collapse=maybe", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?from=yesterday", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?limit=x", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?day=yesterday", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?day=latest&from=2015-08-01", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?limit=100000", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?min_articles=-2", "", Vec::new(), 400, "bad_request"),
        // from after to: no date is in the range (answered with nothing, 200, before).
        ("GET", "/v1/search?q=a&from=2015-08-03&to=2015-08-01", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories?from=2015-08-03&to=2015-08-01", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/entities?from=2015-08-03T00:00:00Z&to=2015-08-02T23:00:00Z", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/entities/x/timeline?from=2015-08-03&to=2015-08-01", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories/nope", "", Vec::new(), 404, "not_found"),
        ("POST", "/v1/stories", "", Vec::new(), 405, "method_not_allowed"),
        // A path segment whose percent-encoded bytes are not UTF-8 (the OpenAPI lists the 400).
        ("GET", "/v1/documents/%FF", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/stories/%FF", "", Vec::new(), 400, "bad_request"),
        ("GET", "/v1/entities/%FF/timeline", "", Vec::new(), 400, "bad_request"),
    ];
    for (method, path, ct, body, status, code) in cases {
        let headers: Vec<(&str, &str)> = if ct.is_empty() { vec![] } else { vec![("content-type", ct)] };
        let r = c.request(method, path, &headers, &body).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(r.status < 500, "{method} {path}: {} {}", r.status, r.text());
        assert_error(&r, status, code);
    }
    // The message of a swapped range is the CLI's and Python's (one check, khabar_index::date_range).
    let r = c.get("/v1/search?q=a&from=2015-08-03&to=2015-08-01").unwrap();
    assert_eq!(json_of(&r)["error"]["message"], "from 2015-08-03 is after to 2015-08-01: no date is in that range");
    let r = c.get("/v1/stories?from=yesterday").unwrap();
    assert_eq!(json_of(&r)["error"]["message"], "from \"yesterday\": not a date (expected YYYY-MM-DD or RFC 3339)");
    // An empty index has no latest day.
    assert_eq!(json_of(&c.get("/v1/stories?day=latest").unwrap()), json!({"stories": []}));
    // Nothing of that was indexed, and the server still answers.
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["documents"], 0);
    // A query longer than the index accepts is the user's error too.
    let long = encode(&"كلمة ".repeat(2000));
    let r = c.get(&format!("/v1/search?q={long}")).unwrap();
    assert!(r.status == 400 || r.status == 414 || r.status == 431, "{}", r.status);
}

#[test]
fn stories_duplicates_and_collapse() {
    let dir = tempfile::tempdir().unwrap();
    let ids_of = |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect() };
    {
        let server = Server::start(dir.path(), ServeOptions::default());
        let mut c = server.client();
        // p2 copies p1; r1 is another story.
        let v = ingest(
            &mut c,
            &json!([article("p1", "2015-08-01", PUTIN), article("p2", "2015-08-01", PUTIN), article("r1", "2015-08-02", RIYADH)]),
        );
        let docs = v["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 3, "{v}");
        assert_eq!((&docs[1]["id"], &docs[1]["dup_group"], &docs[1]["story"]), (&json!("p2"), &json!("p1"), &json!("p1")), "{v}");
        assert_eq!((&docs[2]["dup_group"], &docs[2]["story"]), (&json!("r1"), &json!("r1")), "{v}");
    }
    // After a restart the story state is the committed one: a new copy joins the old story.
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    let v = ingest(&mut c, &article("p3", "2015-08-02", PUTIN));
    assert_eq!((&v["documents"][0]["dup_group"], &v["documents"][0]["story"]), (&json!("p1"), &json!("p1")), "{v}");

    // Stories: biggest first, as `khabar stories --json`.
    let all = json_of(&c.get("/v1/stories").unwrap());
    let list = all["stories"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{all}");
    assert_eq!((&list[0]["id"], &list[0]["count"]), (&json!("p1"), &json!(3)), "{all}");
    assert_eq!(ids_of(&list[0]["articles"]), ["p1", "p2", "p3"]);
    assert_eq!(list[0]["sources"], json!(["test"]));
    assert_eq!((&list[0]["first_seen"], &list[0]["last_seen"]), (&json!("2015-08-01T00:00:00Z"), &json!("2015-08-02T00:00:00Z")));
    assert!(list[0]["entities"].as_array().is_some_and(|e| !e.is_empty()), "{all}");
    assert!(list[0].get("details").is_none(), "{all}");
    let day = json_of(&c.get("/v1/stories?from=2015-08-02&to=2015-08-02").unwrap());
    let mut day_ids: Vec<(String, u64)> =
        day["stories"].as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().to_owned(), s["count"].as_u64().unwrap())).collect();
    day_ids.sort();
    assert_eq!(day_ids, [("p1".to_owned(), 1), ("r1".to_owned(), 1)], "only the articles of that day: {day}");
    assert_eq!(json_of(&c.get("/v1/stories?limit=1").unwrap())["stories"].as_array().map(Vec::len), Some(1));
    let big = json_of(&c.get("/v1/stories?min_articles=2").unwrap());
    assert_eq!(big["stories"].as_array().map(Vec::len), Some(1), "{big}");
    assert_eq!(json_of(&c.get("/v1/stories?from=2016-01-01").unwrap()), json!({"stories": []}));
    // The latest day in the index, and a given day.
    let latest = json_of(&c.get("/v1/stories?day=latest").unwrap());
    assert_eq!(latest["day"], "2015-08-02", "{latest}");
    assert_eq!(latest["stories"], day["stories"]);
    let first = json_of(&c.get("/v1/stories?day=2015-08-01").unwrap());
    assert_eq!((&first["day"], &first["stories"][0]["articles"]), (&json!("2015-08-01"), &json!(["p1", "p2"])), "{first}");
    // A document names its story.
    let d = json_of(&c.get("/v1/documents/p3").unwrap());
    assert_eq!((&d["document"]["story"], &d["document"]["dup_group"]), (&json!("p1"), &json!("p1")), "{d}");

    // One story, with its articles.
    let s = json_of(&c.get("/v1/stories/p1").unwrap());
    assert_eq!(s["count"], 3, "{s}");
    let details = s["details"].as_array().unwrap();
    assert_eq!(details.iter().map(|d| d["id"].as_str().unwrap()).collect::<Vec<_>>(), ["p1", "p2", "p3"], "{s}");
    assert!(details.iter().all(|d| d["dup_group"] == "p1"), "{s}");
    assert_error(&c.get(&format!("/v1/stories/{}", encode("لا قصة"))).unwrap(), 404, "not_found");

    // Search: hits carry their story; collapse folds the copies into one hit.
    let q = encode("بوتين");
    let plain = json_of(&c.get(&format!("/v1/search?q={q}&collapse=false")).unwrap());
    assert_eq!(plain["hits"].as_array().map(Vec::len), Some(3), "{plain}");
    assert!(plain["hits"].as_array().unwrap().iter().all(|h| h["story"] == "p1"), "{plain}");
    let folded = json_of(&c.get(&format!("/v1/search?q={q}&collapse=true")).unwrap());
    let hits = folded["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{folded}");
    assert_eq!(hits[0]["similar"], 2, "{folded}");
}

#[test]
fn api_key_guards_writes_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions { api_key: Some("s3cret".into()), ..ServeOptions::default() });
    let mut c = server.client();
    let doc = article("k1", "2015-08-01", PUTIN).to_string();
    let refused = c.post("/v1/documents", "application/json", doc.as_bytes()).unwrap();
    assert_error(&refused, 401, "unauthorized");
    // The body is read and dropped (so that a client still writing it reads the 401): the
    // connection stays open for the next request.
    assert_eq!(refused.header("connection"), None, "{:?}", refused.headers);
    let wrong =
        c.request("POST", "/v1/documents", &[("content-type", "application/json"), ("authorization", "Bearer nope")], doc.as_bytes());
    assert_error(&wrong.unwrap(), 401, "unauthorized");
    let ok =
        c.request("POST", "/v1/documents", &[("content-type", "application/json"), ("authorization", "Bearer s3cret")], doc.as_bytes());
    assert_eq!(ok.unwrap().status, 200);
    let ok = c.request("POST", "/v1/documents", &[("content-type", "application/json"), ("x-api-key", "s3cret")], doc.as_bytes());
    assert_eq!(ok.unwrap().status, 200);
    // Reads and analysis need no key.
    assert_eq!(c.post("/v1/analyze", "text/plain", PUTIN.as_bytes()).unwrap().status, 200);
    assert_eq!(c.get("/v1/documents/k1").unwrap().status, 200);
}

#[test]
fn a_byte_order_mark_before_json_is_accepted() {
    // Windows tools save JSON with a UTF-8 BOM; it is not part of the document.
    for ct in ["application/json", "application/x-ndjson", ""] {
        let docs = khabar_serve::parse_documents(ct, "\u{FEFF}{\"id\": \"a\", \"body\": \"نص\"}".as_bytes());
        assert_eq!(docs.map(|d| d.len()).map_err(|e| e.message), Ok(1), "{ct:?}");
    }
    let lines = "\u{FEFF}{\"id\": \"a\", \"body\": \"نص\"}\r\n{\"id\": \"b\", \"body\": \"ثان\"}\r\n";
    let docs = khabar_serve::parse_documents("application/x-ndjson", lines.as_bytes()).unwrap();
    assert_eq!(docs.iter().map(|d| d.id.clone().unwrap()).collect::<Vec<_>>(), ["a", "b"]);
}

/// Found by fuzz_ingest_body: a JSON-lines body of only white space that `u8::is_ascii_whitespace`
/// misses (a vertical tab, a no-break space, a lone BOM) was a 200 ingesting nothing.
#[test]
fn a_json_lines_body_without_documents_is_refused() {
    for body in ["\u{B}", " \u{A0}\n\u{2003}", "\u{FEFF}", "\u{FEFF}\r\n\u{B}\n"] {
        for ct in ["application/x-ndjson", ""] {
            let r = khabar_serve::parse_documents(ct, body.as_bytes());
            assert!(r.as_ref().is_err_and(|e| e.status == 400), "{ct:?} {body:?}: {:?}", r.map(|d| d.len()).map_err(|e| e.message));
        }
    }
}

proptest::proptest! {
    /// The ingest body parser on arbitrary bytes: an answer, never a panic;
    /// accepted documents always have a body and an id.
    #[test]
    fn document_parser_never_panics(ct in 0usize..4, body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let ct = ["application/json", "application/x-ndjson", "", "text/plain"][ct];
        if let Ok(docs) = khabar_serve::parse_documents(ct, &body) {
            proptest::prop_assert!(!docs.is_empty());
            for d in docs {
                proptest::prop_assert!(!d.body.trim().is_empty() && d.id.is_some());
            }
        }
    }

    /// Any query string: an answer, never a panic; parameters percent-encoded
    /// from UTF-8 come back as sent.
    #[test]
    fn query_strings_decode_as_sent(pairs in proptest::collection::vec(("[a-z]{1,5}", "\\PC{0,12}"), 0..4), junk in "\\PC{0,40}") {
        let _ = khabar_serve::parse_query_string(&junk);
        let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        let got = khabar_serve::parse_query_string(&q.join("&")).map_err(|e| e.message);
        proptest::prop_assert_eq!(got, Ok(pairs));
    }

    /// Documents that are JSON with a body come back with the same text.
    #[test]
    fn document_parser_reads_json_lines(bodies in proptest::collection::vec("[ا-ي ]{1,20}[ا-ي]", 1..5)) {
        let lines: Vec<String> = bodies.iter().enumerate().map(|(i, b)| json!({"id": i.to_string(), "body": b}).to_string()).collect();
        let docs = khabar_serve::parse_documents("application/x-ndjson", lines.join("\n").as_bytes()).unwrap();
        let got: Vec<&str> = docs.iter().map(|d| d.body.as_str()).collect();
        proptest::prop_assert_eq!(got, bodies.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

/// The timeout's 408 is the JSON error like every other 4xx (it was an empty
/// body: the timeout layer sat outside the layer that writes JSON errors).
#[test]
fn a_timeout_is_a_json_408() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServeOptions { timeout: std::time::Duration::from_millis(1), ..ServeOptions::default() };
    let server = Server::start(dir.path(), options);
    let mut c = server.client();
    let text = PUTIN.repeat(300);
    let r = c.post("/v1/analyze", "text/plain", text.as_bytes()).unwrap();
    assert_error(&r, 408, "timeout");
}

/// An id longer than the index keeps in its term dictionary (tantivy drops such
/// a term) could be neither found nor replaced: sent twice, it was indexed twice,
/// both answered `"replaced": 0`. Now a 400; an id at the limit still upserts.
#[test]
fn an_id_longer_than_the_index_keeps_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    let long = "L".repeat(khabar_index::MAX_ID_BYTES + 1);
    let r = c.post("/v1/documents", "application/json", json!({"id": long, "body": PUTIN}).to_string().as_bytes()).unwrap();
    assert_error(&r, 400, "bad_request");
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["documents"], 0);
    let at_limit = "M".repeat(khabar_index::MAX_ID_BYTES);
    let doc = json!({"id": at_limit, "body": PUTIN});
    ingest(&mut c, &doc);
    let again = ingest(&mut c, &doc);
    assert_eq!(again["replaced"], 1);
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["documents"], 1);
}

/// A `published` that is not a date was accepted and silently dropped (the
/// article then had no date: out of every date filter, story window and timeline).
#[test]
fn a_published_that_is_not_a_date_is_refused() {
    for published in ["yesterday", "2015-02-30", "01/08/2015"] {
        let body = json!([{"id": "ok", "body": "نص"}, {"id": "bad", "body": "نص", "published": published}]).to_string();
        let r = khabar_serve::parse_documents("application/json", body.as_bytes());
        let e = r.map(|d| d.len()).unwrap_err();
        assert_eq!(e.status, 400, "{published}");
        assert!(e.message.contains("document 2") && e.message.contains(published), "{}", e.message);
    }
    for published in ["", "2015-08-01", "2015-08-01 12:34:00", "2015-08-01T12:34:00+03:00"] {
        let body = json!({"id": "ok", "body": "نص", "published": published}).to_string();
        assert_eq!(khabar_serve::parse_documents("application/json", body.as_bytes()).map(|d| d.len()).map_err(|e| e.message), Ok(1));
    }
}

/// Query strings: percent-encoded bytes that are not UTF-8 (a query sent in
/// Windows-1256) were replaced by U+FFFD, so `بوتين 2015` in that encoding
/// silently searched for `2015` alone (200, other articles). Now a 400.
#[test]
fn a_query_string_that_is_not_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    ingest(&mut c, &article("p1", "2015-08-01", &format!("{PUTIN} 2015")));
    for path in [
        "/v1/search?q=%C8%E6%CA%ED%E4+2015",
        "/v1/search?q=%C8%E6%CA%ED%E4",
        "/v1/search?q=2015&entity=PER:%C8%E6%CA%ED%E4",
        "/v1/entities?type=PER&from=%FF",
        "/v1/stories?day=%FF",
        "/v1/entities/%D8%A8/timeline?type=%FF",
        "/v1/search?%FF=1&q=2015",
    ] {
        let r = c.get(path).unwrap();
        assert_error(&r, 400, "bad_request");
        assert!(json_of(&r)["error"]["message"].as_str().unwrap().contains("UTF-8"), "{path}: {}", r.text());
    }
    // UTF-8 percent-encoding, `+` for a space, and a `%` that encodes nothing still work.
    let s = json_of(&c.get("/v1/search?q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86+2015").unwrap());
    assert_eq!(s["total"], 1, "{s}");
    assert_eq!(c.get("/v1/search?q=2015+%25+%").unwrap().status, 200);
    assert_eq!(c.get("/v1/search?q=2015&limit=").unwrap().status, 200);
}

/// `q=a&q=b` searched one of the two (the last) without a word; every single-valued parameter
/// given twice, on every endpoint that reads the query string, is now a 400 naming it, while
/// `entity=`, which is meant to repeat, still does.
#[test]
fn a_repeated_single_valued_parameter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    ingest(&mut c, &json!([article("p1", "2015-08-01", PUTIN), article("r1", "2015-08-02", RIYADH)]));
    for (path, name) in [
        ("/v1/search?q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86&q=2015", "q"),
        ("/v1/search?q=a&q=", "q"),
        ("/v1/search?q=a&limit=1&limit=2", "limit"),
        ("/v1/search?q=a&offset=0&offset=0", "offset"),
        ("/v1/search?q=a&facets=1&facets=2", "facets"),
        ("/v1/search?q=a&from=2015-08-01&from=2015-08-02", "from"),
        ("/v1/search?q=a&to=2015-08-01&to=2015-08-02", "to"),
        ("/v1/search?q=a&collapse=true&collapse=false", "collapse"),
        ("/v1/entities?type=PER&type=LOC", "type"),
        ("/v1/entities?limit=1&limit=1", "limit"),
        ("/v1/entities?from=2015-08-01&from=2015-08-01", "from"),
        ("/v1/entities/%D8%A8/timeline?type=PER&type=LOC", "type"),
        ("/v1/entities/%D8%A8/timeline?to=2015-08-01&to=2015-08-02", "to"),
        ("/v1/stories?day=latest&day=2015-08-01", "day"),
        ("/v1/stories?limit=1&limit=2", "limit"),
        ("/v1/stories?min_articles=1&min_articles=2", "min_articles"),
        ("/v1/stories?from=2015-08-01&from=2015-08-02", "from"),
    ] {
        let r = c.get(path).unwrap();
        assert_error(&r, 400, "bad_request");
        let message = json_of(&r)["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with(&format!("{name}= is given 2 times")), "{path}: {message}");
    }
    // entity= repeats (all must match), and unknown parameters are not read at all.
    let two = json_of(&c.get("/v1/search?q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86&entity=PER:%D8%A8%D9%88%D8%AA%D9%8A%D9%86&entity=LOC:%D9%85%D9%88%D8%B3%D9%83%D9%88").unwrap());
    assert_eq!(two["total"], 1, "{two}");
    assert_eq!(c.get("/v1/stories?utm=1&utm=2").unwrap().status, 200);
}

/// A story whose id (its first article's id) has spaces around it was listed by
/// `/v1/stories` but `/v1/stories/{id}` trimmed the id and answered 404, so the
/// page's link to it showed an error.
#[test]
fn a_story_id_with_spaces_around_it_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    ingest(&mut c, &article(" s1 ", "2015-08-01", PUTIN));
    let listed = json_of(&c.get("/v1/stories").unwrap());
    assert_eq!(listed["stories"][0]["id"], " s1 ", "{listed}");
    let s = c.get("/v1/stories/%20s1%20").unwrap();
    assert_eq!(s.status, 200, "{}", s.text());
    assert_eq!(json_of(&s)["articles"], json!([" s1 "]));
}

/// `limit=0` is "all" on both lists (docs/serve.md): `/v1/stories` always said so,
/// `/v1/entities` answered an empty list.
#[test]
fn limit_zero_lists_all_entities_and_stories() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    ingest(&mut c, &json!([article("p1", "2015-08-01", PUTIN), article("p2", "2015-08-01", PUTIN), article("r1", "2015-08-02", RIYADH)]));
    let all = json_of(&c.get("/v1/entities?limit=1000").unwrap());
    assert!(all["entities"].as_array().is_some_and(|e| e.len() > 1), "{all}");
    assert_eq!(json_of(&c.get("/v1/entities?limit=0").unwrap()), all);
    let per = json_of(&c.get("/v1/entities?limit=0&type=PER").unwrap());
    assert!(per["entities"].as_array().is_some_and(|e| !e.is_empty() && e.iter().all(|x| x["type"] == "PER")), "{per}");
    let stories = json_of(&c.get("/v1/stories").unwrap());
    assert_eq!(stories["stories"].as_array().map(Vec::len), Some(2), "{stories}");
    assert_eq!(json_of(&c.get("/v1/stories?limit=0").unwrap()), stories);
}

/// Every operation can time out (the timeout layer wraps every route), so the
/// OpenAPI document lists the 408 on each, and the 413 on each that takes a body.
#[test]
fn openapi_lists_the_timeout_and_the_body_limit() {
    let o = khabar_serve::openapi();
    let mut operations = 0;
    for (path, item) in o["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = &op["responses"];
            assert!(responses["408"].is_object(), "{method} {path}: no 408 in {responses}");
            assert_eq!(responses["408"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
            if op.get("requestBody").is_some() {
                assert!(responses["413"].is_object(), "{method} {path}: takes a body, no 413 in {responses}");
            }
            // A path parameter that is not UTF-8 once percent-decoded is a 400 (GET
            // /v1/documents/%FF); the documents and stories operations did not list it.
            if path.contains('{') {
                assert!(responses["400"].is_object(), "{method} {path}: a path parameter, no 400 in {responses}");
            }
        }
    }
    assert!(operations >= 10, "{operations} operations");
}

/// A POST with headers declaring `n` bytes and a body of `n` bytes written in full before
/// the answer is read (as urllib, requests and this crate's client do, without
/// `Expect: 100-continue`); `chunked` sends it in chunks with no length.
fn post_in_full(addr: SocketAddr, path: &str, n: usize, chunked: bool) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    let length = if chunked { "transfer-encoding: chunked".to_owned() } else { format!("content-length: {n}") };
    // connection: close, so that the answer ends with the connection (read_to_string).
    s.write_all(
        format!("POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\n{length}\r\nconnection: close\r\n\r\n").as_bytes(),
    )?;
    let block = vec![b'a'; 64 * 1024];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len());
        if chunked {
            s.write_all(format!("{k:x}\r\n").as_bytes())?;
        }
        s.write_all(&block[..k])?;
        if chunked {
            s.write_all(b"\r\n")?;
        }
        left -= k;
    }
    if chunked {
        s.write_all(b"0\r\n\r\n")?;
    }
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

/// A body over the limit sent in full without `Expect: 100-continue` got a reset
/// connection (the server answered 413 and closed with the body unread); now the
/// server reads the rest (up to a bound) and the client reads the JSON 413.
#[test]
fn a_client_that_sends_a_large_body_in_full_reads_the_413() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServeOptions { body_limit: 4096, ..ServeOptions::default() };
    let server = Server::start(dir.path(), options);
    for chunked in [false, true] {
        for path in ["/v1/analyze", "/v1/documents"] {
            // 24 MB: far more than the socket buffers hold.
            let answer =
                post_in_full(server.addr, path, 24 << 20, chunked).unwrap_or_else(|e| panic!("POST {path} (chunked {chunked}): {e}"));
            assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
            assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");
        }
    }
    // Within the limit, a chunked body is analysed as before.
    let answer = post_in_full(server.addr, "/v1/analyze", 1000, true).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A write without the key and with a large body (within the limit) sent in full got a reset
/// connection too (the 401 was answered with the body unread); now the body is read first.
#[test]
fn a_client_that_sends_a_large_body_without_the_key_reads_the_401() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), ServeOptions { api_key: Some("s3cret".into()), ..ServeOptions::default() });
    for chunked in [false, true] {
        // 9 MB: within the default 10 MB limit, far more than the socket buffers hold.
        let answer = post_in_full(server.addr, "/v1/documents", 9 << 20, chunked).unwrap_or_else(|e| panic!("chunked {chunked}: {e}"));
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(answer.contains(r#""code":"unauthorized""#), "{answer}");
    }
}

/// Poll `/v1/health` until it counts `n` documents (at most 20 s).
fn wait_for_documents(c: &mut Client, n: u64) -> Value {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let h = json_of(&c.get("/v1/health").unwrap());
        if h["documents"].as_u64() == Some(n) || std::time::Instant::now() > until {
            return h;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn an_index_whose_writer_another_process_holds_is_served_read_only() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = Server::start(dir.path(), ServeOptions::default());
        ingest(&mut server.client(), &article("p1", "2015-08-01", PUTIN));
    }
    // Another process holds the index's writer, as `khabar index` does while it runs (here
    // this test: the writer lock is a file lock, refused to a second holder).
    let idx = khabar_index::SearchIndex::open(dir.path()).unwrap();
    let mut writer = idx.writer(1, 15_000_000).unwrap();
    let server = Server::start(dir.path(), ServeOptions::default());
    let mut c = server.client();
    let h = json_of(&c.get("/v1/health").unwrap());
    assert_eq!((h["documents"].as_u64(), h["read_only"].as_bool()), (Some(1), Some(true)), "{h}");
    // Every read works.
    let found = json_of(&c.get(&format!("/v1/search?q={}", encode("بوتين"))).unwrap());
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(c.get("/v1/documents/p1").unwrap().status, 200);
    assert_eq!(json_of(&c.get("/v1/stories").unwrap())["stories"][0]["id"], "p1");
    assert_eq!(c.get("/v1/stories/p1").unwrap().status, 200);
    // A write is refused with a JSON error that says why.
    let refused = c.post("/v1/documents", "application/json", article("r1", "2015-08-02", RIYADH).to_string().as_bytes()).unwrap();
    assert_error(&refused, 403, "read_only");
    assert!(
        json_of(&refused)["error"]["message"].as_str().unwrap().contains("another process holds the index's writer"),
        "{}",
        refused.text()
    );
    // The other process's commits are served without a restart.
    let mut state = khabar_index::stories::StoryState::open(&idx, Some(dir.path()), Default::default()).unwrap();
    let doc = Document { id: Some("r1".into()), body: RIYADH.into(), published: Some("2015-08-02".into()), ..Document::default() };
    let analysis = Analyzer::default().analyze_document(&doc);
    idx.ingest(&writer, &mut state, &[(doc, analysis, None)]);
    state.commit(&mut writer).unwrap();
    assert_eq!(wait_for_documents(&mut c, 2)["documents"], 2);
    let found = json_of(&c.get(&format!("/v1/search?q={}", encode("مستشفى"))).unwrap());
    assert_eq!(found["hits"][0]["id"], "r1", "{found}");
}

#[test]
fn a_read_only_server_takes_no_writer_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let read_only = || ServeOptions { read_only: true, ..ServeOptions::default() };
    // No index there: refused, and nothing is created.
    let missing = dir.path().join("none");
    assert!(matches!(AppState::open(&missing, read_only()), Err(khabar_index::Error::NoIndex(_))));
    assert!(!missing.exists());
    {
        let server = Server::start(dir.path(), ServeOptions::default());
        ingest(&mut server.client(), &article("p1", "2015-08-01", PUTIN));
    }
    let server = Server::start(dir.path(), read_only());
    let mut c = server.client();
    assert_eq!(json_of(&c.get("/v1/health").unwrap())["read_only"], true);
    let refused = c.post("/v1/documents", "application/json", article("r1", "2015-08-02", RIYADH).to_string().as_bytes()).unwrap();
    assert_error(&refused, 403, "read_only");
    assert!(refused.text().contains("--read-only"), "{}", refused.text());
    // It holds no writer: `khabar index` can write the folder while it serves.
    let idx = khabar_index::SearchIndex::open(dir.path()).unwrap();
    assert!(idx.writer(1, 15_000_000).is_ok());
    assert_eq!(json_of(&c.get(&format!("/v1/search?q={}", encode("بوتين"))).unwrap())["total"], 1);
    // A writing server says so.
    drop(server);
    drop(idx);
    let server = Server::start(dir.path(), ServeOptions::default());
    assert_eq!(json_of(&server.client().get("/v1/health").unwrap())["read_only"], false);
}
