//! `khabar eval ud` must print the same figures as the official CoNLL 2018
//! script (conll18_ud_eval.py 1.2, MPL 2.0) on the same files. `.ci/run`
//! extracts the script from the `trankit` wheel on PyPI and points
//! `KHABAR_CONLL18_EVAL` at it; under `CI=true` a missing script or missing
//! data fails the test.

mod common;

use std::path::Path;
use std::process::Command;

fn script() -> Option<String> {
    match std::env::var("KHABAR_CONLL18_EVAL") {
        Ok(p) if Path::new(&p).exists() => Some(p),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true but KHABAR_CONLL18_EVAL does not name conll18_ud_eval.py"),
        _ => {
            eprintln!("skipped: set KHABAR_CONLL18_EVAL to conll18_ud_eval.py to compare with the official scorer");
            None
        }
    }
}

/// The official script needs integer heads; the PADT files here have `_`.
/// Give every sentence a flat tree (heads are ignored by the metrics compared).
fn fill_heads(conllu: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    for line in conllu.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if line.is_empty() {
            first = true;
        }
        if cols.len() == 10 && !cols[0].contains('-') && !cols[0].contains('.') {
            let (head, rel) = if first { ("0", "root") } else { ("1", "dep") };
            first = false;
            let mut c = cols.clone();
            c[6] = head;
            c[7] = rel;
            out.push_str(&c.join("\t"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn metric_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| ["Tokens ", "Sentences ", "Words ", "UPOS ", "Lemmas "].iter().any(|m| l.starts_with(m)))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn khabar_eval_ud_equals_the_official_script_on_padt_test() {
    let Some(script) = script() else { return };
    let Some(data) = common::shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.conllu");
    let sys = dir.path().join("system.conllu");
    std::fs::write(&gold, fill_heads(&std::fs::read_to_string(data.join("ud-padt/ar_padt-ud-test.conllu")).unwrap())).unwrap();

    let ours = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["eval", "ud", "--lemma-exact", "--write-system"])
        .arg(&sys)
        .arg(&gold)
        .output()
        .unwrap();
    assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
    let official = Command::new("python3").arg(&script).arg("-v").arg(&gold).arg(&sys).output().unwrap();
    assert!(official.status.success(), "{}", String::from_utf8_lossy(&official.stderr));
    let ours = metric_lines(&String::from_utf8_lossy(&ours.stdout));
    let theirs = metric_lines(&String::from_utf8_lossy(&official.stdout));
    assert_eq!(ours.len(), 5);
    assert_eq!(ours, theirs);
}
