//! `khabar analyze` keyphrases/summary and `khabar eval digest` end to end.

mod common;

use std::process::Command;

fn khabar() -> Command {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
}

#[test]
fn analyze_json_lines_keep_order_ids_and_digest() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news-sample.jsonl");
    let out = khabar()
        .args(["analyze", "--json", "--input-format", "jsonl", "--summary-sentences", "2", "--keyphrases", "5", sample])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let input = std::fs::read_to_string(sample).unwrap();
    let want: Vec<String> = input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    let got: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(got.iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>(), want);
    for a in &got {
        assert!(a["keyphrases"].as_array().unwrap().len() <= 5);
        assert!(!a["keyphrases"].as_array().unwrap().is_empty());
        assert!((1..=2).contains(&a["summary"].as_array().unwrap().len()));
    }
}

#[test]
fn readable_output_starts_with_keyphrases_and_summary() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pyongyang-aurus.txt");
    let out = khabar().args(["analyze", sample]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("keyphrases: ") && lines[1].contains("بوتين"), "{text}");
    assert_eq!(lines[2], "summary:");
}

#[test]
fn eval_digest_prints_khabar_and_lead_rows() {
    let Some(data) = common::shared_data() else { return };
    let news = data.join("news/saudinewsnet.jsonl.gz");
    let out = khabar().args(["eval", "digest", "--part", "test", "--limit", "15", "--news"]).arg(&news).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("| khabar | 15 |") && text.contains("| lead-1 | 15 |"), "{text}");
    assert!(text.contains("summary ROUGE-1 vs lead-1"), "{text}");
}

/// `--dump-keyphrases`: a header naming the features, then one line per article with every
/// candidate's features (as many as named) and evaluation tokens, and the headline's tokens.
#[test]
fn eval_digest_dumps_keyphrase_candidates() {
    let Some(data) = common::shared_data() else { return };
    let news = data.join("news/saudinewsnet.jsonl.gz");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kp.jsonl");
    let out = khabar()
        .args(["eval", "digest", "--part", "dev", "--limit", "3", "--news"])
        .arg(&news)
        .arg("--dump-keyphrases")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    let n = lines[0]["features"].as_array().unwrap().len();
    assert_eq!(n, khabar::digest::KP_FEATURES.len());
    for a in &lines[1..] {
        assert!(!a["head"].as_array().unwrap().is_empty());
        let cands = a["cands"].as_array().unwrap();
        assert!(!cands.is_empty());
        assert!(cands.iter().all(|c| c["f"].as_array().unwrap().len() == n && c["w"].as_array().is_some()));
        assert!(a["top"].as_array().unwrap().len() <= 10);
    }
}

#[test]
fn eval_digest_reports_a_missing_corpus() {
    let out = khabar().args(["eval", "digest", "--news", "/nonexistent/news.jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}
