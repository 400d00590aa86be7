//! `khabar serve` as a process: SIGKILL during ingest loses no acknowledged
//! document; SIGTERM stops it cleanly; `khabar timeline` reads the same index.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khabar_serve::client::{encode, Client};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_khabar");

/// Start `khabar serve` on a free port; its address from its first line.
fn start(index: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .args(["serve", "--index", index.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start khabar serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|s| s.trim().trim_end_matches('/').parse().ok());
    let addr = addr.unwrap_or_else(|| panic!("no address in {line:?}"));
    (child, addr)
}

const BODIES: [&str; 3] = [
    "التقى الرئيس الروسي فلاديمير بوتين في موسكو بوفد من الأمم المتحدة.",
    "أعلنت وزارة الصحة في الرياض عن افتتاح مستشفى جديد.",
    "استؤنفت المفاوضات في جنيف بين الأطراف اليمنية يوم الاثنين.",
];

#[test]
fn sigkill_during_ingest_loses_no_acknowledged_document() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let (mut child, addr) = start(&index);
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    // Two writers, batches of 3, until the server dies under them.
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let docs: Vec<_> = (0..3)
                        .map(|j| json!({"id": format!("w{w}-{i}-{j}"), "body": BODIES[j], "published": format!("2015-08-0{}", j + 1)}))
                        .collect();
                    match c.post("/v1/documents", "application/json", serde_json::Value::from(docs).to_string().as_bytes()) {
                        Ok(r) if r.status == 200 => {
                            let v = r.json().unwrap();
                            acked.lock().unwrap().extend(v["ids"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()));
                        }
                        Ok(r) => panic!("ingest answered {}: {}", r.status, r.text()),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acked.lock().unwrap().len() < 6 {
        assert!(started.elapsed() < Duration::from_secs(300), "ingest too slow");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Kill in the middle of the next commits.
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 6);

    let (mut child, addr) = start(&index);
    let mut c = Client::new(addr);
    for id in &acked {
        let r = c.get(&format!("/v1/documents/{}", encode(id))).unwrap();
        assert_eq!(r.status, 200, "acknowledged document {id} lost after SIGKILL");
    }
    let docs = c.get("/v1/health").unwrap().json().unwrap()["documents"].as_u64().unwrap();
    assert!(docs as usize >= acked.len(), "{docs} documents, {} acknowledged", acked.len());

    // SIGTERM: a clean exit.
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "SIGTERM should stop the server cleanly: {exit:?}");

    // The CLI reads the index the server wrote.
    let out = Command::new(BIN).args(["timeline", "--json", "--index", index.to_str().unwrap(), "PER:فلاديمير بوتين"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["days"][0]["date"], "2015-08-01", "{t}");
    assert!(t["documents"].as_u64().unwrap() as usize >= acked.len() / 3, "{t}");
    let out = Command::new(BIN).args(["timeline", "--index", index.to_str().unwrap(), "لا أحد"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Documents ingested over HTTP get the duplicate groups and stories `khabar
/// index` would give them, and `GET /v1/stories` / `GET /v1/stories/{id}` answer
/// what `khabar stories --json` / `khabar story ID --json` print.
#[test]
fn stories_over_http_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let (mut child, addr) = start(&index);
    let mut c = Client::new(addr);
    let docs: Vec<_> = [("a", 0, "2015-08-01"), ("b", 1, "2015-08-01"), ("a2", 0, "2015-08-02"), ("c", 2, "2015-08-02")]
        .iter()
        .map(|(id, b, day)| json!({"id": id, "title": format!("عنوان {id}"), "source": "src", "body": BODIES[*b], "published": day}))
        .collect();
    let r = c.post("/v1/documents", "application/json", serde_json::Value::from(docs).to_string().as_bytes()).unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json().unwrap();
    assert_eq!((&v["documents"][2]["dup_group"], &v["documents"][2]["story"]), (&json!("a"), &json!("a")), "{v}");
    let served = c.get("/v1/stories?limit=0").unwrap().json().unwrap();
    let one = c.get("/v1/stories/a").unwrap().json().unwrap();
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());

    let cli = |args: &[&str]| -> serde_json::Value {
        let out = Command::new(BIN).args(args).args(["--json", "--index", index.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(served, cli(&["stories", "--min-articles", "1"]));
    assert_eq!(served["stories"][0]["articles"], json!(["a", "a2"]), "{served}");
    assert_eq!(one, cli(&["story", "a"]));
    assert_eq!(cli(&["dups"])["groups"], json!([["a", "a2"]]));
}
