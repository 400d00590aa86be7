//! End-to-end tests of `khabar index` and `khabar search` (no data outside the repository).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const JSONL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news-sample.jsonl");

fn khabar() -> Command {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
}

fn run(args: &[&str]) -> Output {
    khabar().args(args).stdin(Stdio::null()).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write_jsonl(dir: &Path, name: &str, docs: &[serde_json::Value]) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    for d in docs {
        writeln!(f, "{d}").unwrap();
    }
    p
}

fn index(dir: &Path, inputs: &[&Path]) -> Output {
    let idx = dir.join("idx");
    let mut args = vec!["index".to_owned(), "--index".to_owned(), idx.display().to_string(), "--threads".to_owned(), "2".to_owned()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    khabar().args(&args).stdin(Stdio::null()).output().unwrap()
}

fn search_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let idx = dir.join("idx").display().to_string();
    let mut args = vec!["search", "--index", idx.as_str(), "--json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "search {extra:?} failed: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_owned()).collect()
}

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        serde_json::json!({"id": "a", "title": "زيارة", "body": "وصل بوتين إلى موسكو أمس.", "published": "2015-08-01 07:51:13", "source": "sabq"}),
        serde_json::json!({"id": "b", "title": "رسالة", "body": "بعث أوباما رسالة لبوتين عن المفاوضات.", "published": "2015-07-21T02:51:32Z", "source": "aawsat"}),
        serde_json::json!({"id": "c", "body": "استؤنفت والمفاوضات في جنيف بين الوفدين."}),
        serde_json::json!({"id": "d", "title": "طقس", "body": "أمطار غزيرة على الرياض & جدة <اليوم>.", "published": "2015-08-03"}),
    ];
    let p = write_jsonl(dir.path(), "docs.jsonl", &docs);
    let o = index(dir.path(), &[&p]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("indexed 4 documents (0 replaced, 0 skipped)"), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("indexed 4 documents (0 replaced)"), "{}", text(&o.stderr));
    (dir, p)
}

#[test]
fn json_output_has_the_documented_shape() {
    let (dir, _) = fixture();
    let v = search_json(dir.path(), &["بوتين"]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["facets", "hits", "total"]);
    assert_eq!(v["total"], 2);
    for h in v["hits"].as_array().unwrap() {
        let mut k: Vec<&String> = h.as_object().unwrap().keys().collect();
        k.sort();
        // dup_group and story: added by near-duplicates and stories (docs/stories.md).
        assert_eq!(k, ["dup_group", "id", "published", "score", "snippet", "source", "story", "title"]);
    }
    // The exact form ranks above the form with a clitic.
    assert_eq!(ids(&v), ["a", "b"]);
    assert_eq!(v["hits"][0]["published"], "2015-08-01T07:51:13Z");
    assert_eq!(v["hits"][0]["source"], "sabq");
}

#[test]
fn morphological_match_finds_the_cliticised_form() {
    let (dir, _) = fixture();
    let v = search_json(dir.path(), &["مفاوضات"]);
    let mut got = ids(&v);
    got.sort();
    assert_eq!(got, ["b", "c"]);
    let c = v["hits"].as_array().unwrap().iter().find(|h| h["id"] == "c").unwrap();
    // The whole surface token is highlighted, clitics included.
    assert!(c["snippet"].as_str().unwrap().contains("<mark>والمفاوضات</mark>"), "{}", c["snippet"]);
}

#[test]
fn quoted_single_form_matches_only_that_form() {
    let (dir, _) = fixture();
    let v = search_json(dir.path(), &["\"لبوتين\""]);
    assert_eq!(ids(&v), ["b"]);
    assert_eq!(v["hits"][0]["snippet"], "بعث أوباما رسالة <mark>لبوتين</mark> عن المفاوضات.");
    let v = search_json(dir.path(), &["\"بوتين\""]);
    assert_eq!(ids(&v), ["a"]);
    let v = search_json(dir.path(), &["\"مفاوضات\""]);
    assert_eq!(v["total"], 0);
}

#[test]
fn boolean_operators() {
    let (dir, _) = fixture();
    assert_eq!(ids(&search_json(dir.path(), &["بوتين", "-موسكو"])), ["b"]);
    assert_eq!(ids(&search_json(dir.path(), &["بوتين AND NOT أوباما"])), ["a"]);
    let mut got = ids(&search_json(dir.path(), &["موسكو OR جنيف"]));
    got.sort();
    assert_eq!(got, ["a", "c"]);
    assert_eq!(ids(&search_json(dir.path(), &["\"رسالة لبوتين\""])), ["b"]);
    assert_eq!(search_json(dir.path(), &["\"لبوتين رسالة\""])["total"], 0);
}

#[test]
fn snippets_escape_html_and_highlight_the_original() {
    let (dir, _) = fixture();
    let v = search_json(dir.path(), &["الرياض"]);
    assert_eq!(v["hits"][0]["snippet"], "أمطار غزيرة على <mark>الرياض</mark> &amp; جدة &lt;اليوم&gt;.");
}

#[test]
fn date_filters() {
    let (dir, _) = fixture();
    let all = ["بوتين OR جنيف OR الرياض"];
    assert_eq!(search_json(dir.path(), &all)["total"], 4);
    let mut got = ids(&search_json(dir.path(), &["--from", "2015-08-01", all[0]]));
    got.sort();
    assert_eq!(got, ["a", "d"]);
    assert_eq!(ids(&search_json(dir.path(), &["--to", "2015-07-31", all[0]])), ["b"]);
    assert_eq!(ids(&search_json(dir.path(), &["--from", "2015-08-01", "--to", "2015-08-01", all[0]])), ["a"]);
    assert_eq!(ids(&search_json(dir.path(), &["--from", "2015-08-01T08:00:00+03:00", "--to", "2015-08-01T08:00:00Z", all[0]])), ["a"]);
    let idx = dir.path().join("idx").display().to_string();
    let o = run(&["search", "--index", &idx, "--from", "yesterday", "بوتين"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn upsert_replaces_by_id() {
    let (dir, _) = fixture();
    let again = write_jsonl(dir.path(), "again.jsonl", &[serde_json::json!({"id": "a", "body": "غادر بوتين سوتشي."})]);
    let o = index(dir.path(), &[&again]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("indexed 1 documents (1 replaced, 0 skipped)"), "{}", text(&o.stdout));
    assert!(text(&o.stdout).lines().next().unwrap_or("").ends_with("holds 4 documents"), "{}", text(&o.stdout));
    assert_eq!(search_json(dir.path(), &["موسكو"])["total"], 0);
    assert_eq!(ids(&search_json(dir.path(), &["سوتشي"])), ["a"]);
    // The same id twice in one run: one document.
    let twice = write_jsonl(
        dir.path(),
        "twice.jsonl",
        &[serde_json::json!({"id": "z", "body": "نص أول"}), serde_json::json!({"id": "z", "body": "نص ثان"})],
    );
    let o = index(dir.path(), &[&twice]);
    assert!(text(&o.stdout).starts_with("indexed 2 documents (1 replaced, 0 skipped)"), "{}", text(&o.stdout));
    assert_eq!(ids(&search_json(dir.path(), &["نص"])), ["z"]);
    assert_eq!(search_json(dir.path(), &["أول"])["total"], 0);
}

#[test]
fn malformed_json_line_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.jsonl");
    std::fs::write(&p, "{\"id\": \"1\", \"body\": \"الأول\"}\n{\"id\": \"2\", \"body\": \n{\"id\": \"3\", \"body\": \"الثالث\"}\n").unwrap();
    let o = index(dir.path(), &[&p]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("bad.jsonl:2"), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("indexed 2 documents (0 replaced, 1 skipped)"), "{}", text(&o.stdout));
    assert_eq!(search_json(dir.path(), &["الأول OR الثالث"])["total"], 2);
}

#[test]
fn documents_without_text_or_with_a_blank_id_are_reported_and_skipped() {
    // An empty or blank body, or an id of only spaces, was indexed (a document nobody can find,
    // or one replaced by every other blank id); the HTTP API refuses them. Now each is reported
    // with its line and skipped, the other lines indexed, exit 2, as a malformed line.
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        serde_json::json!({"id": "1", "body": "الأول"}),
        serde_json::json!({"id": "2", "body": ""}),
        serde_json::json!({"id": "3", "body": " \n\t"}),
        serde_json::json!({"id": "  ", "body": "الرابع"}),
        serde_json::json!({"id": "5", "body": "الخامس"}),
    ];
    let p = write_jsonl(dir.path(), "blank.jsonl", &docs);
    let o = index(dir.path(), &[&p]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for want in ["blank.jsonl:2: skipped: empty \"body\"", "blank.jsonl:3: skipped: empty \"body\"", "blank.jsonl:4: skipped: blank \"id\""]
    {
        assert!(err.contains(want), "{want}: {err}");
    }
    assert!(text(&o.stdout).starts_with("indexed 2 documents (0 replaced, 3 skipped)"), "{}", text(&o.stdout));
    assert_eq!(search_json(dir.path(), &["الأول OR الخامس OR الرابع"])["total"], 2);
}

#[test]
fn rejected_syntax_falls_back_to_plain_words() {
    let (dir, _) = fixture();
    // `رسالة:` reads as a field name tantivy does not know, `(` is unbalanced.
    for q in ["رسالة: لبوتين", "بوتين AND (", "زيارة:بوتين"] {
        let idx = dir.path().join("idx").display().to_string();
        let o = run(&["search", "--index", &idx, "--json", q]);
        assert!(o.status.success(), "{q}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["total"].as_u64().unwrap() >= 1, "{q}: {v}");
    }
}

#[test]
fn empty_and_huge_queries_are_errors() {
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    for q in ["", "   ", "، .", &"كلمة ".repeat(300), &"x".repeat(5000), "NOT بوتين", "-بوتين"] {
        let o = run(&["search", "--index", &idx, q]);
        assert_eq!(o.status.code(), Some(2), "{q:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("query"), "{}", text(&o.stderr));
    }
    let o = run(&["search", "--index", &dir.path().join("nothing").display().to_string(), "بوتين"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn options_after_the_query_are_not_read_as_query_words() {
    // `khabar search --index DIR بوتين --json` searched for «بوتين --json» (a fallback note
    // and readable output, not JSON): the query's words take leading hyphens (-word is NOT),
    // so an option written after the query was swallowed. Now it is a usage error naming it.
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    for extra in [&["--json"][..], &["--limit", "1"], &["--from=2015-08-01"], &["--collapse"]] {
        let mut args = vec!["search", "--index", idx.as_str(), "بوتين"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", text(&o.stdout));
        assert!(o.stdout.is_empty(), "{extra:?}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(err.contains(extra[0].split('=').next().unwrap()) && err.contains("before the query"), "{err}");
    }
    // The hint is the command to run: the options (with their values) moved before the query,
    // quoted for a shell where needed, the options already before it kept.
    let o =
        run(&["search", "--index", &idx, "--json", "بوتين", "موسكو", "--limit", "1", "--from=2015-08-01", "--entity", "LOC:بيونغ يانغ"]);
    let err = text(&o.stderr);
    let hint = format!("(khabar search --index {idx} --json --limit 1 --from=2015-08-01 --entity 'LOC:بيونغ يانغ' بوتين موسكو)");
    assert!(err.contains(&hint), "{err}\nwanted {hint}");
    // A leading hyphen on a word is still the NOT operator, an option before the query still works.
    assert_eq!(ids(&search_json(dir.path(), &["بوتين", "-موسكو"])), ["b"]);
    assert_eq!(ids(&search_json(dir.path(), &["--limit", "1", "بوتين"])), ["a"]);
}

#[test]
fn a_from_date_after_the_to_date_is_an_error() {
    // `--from 2015-08-03 --to 2015-08-01` answered "0 documents" (stories: {"stories":[]},
    // timeline: 0 mentions), as if nothing had happened in a range no date can be in.
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    let swapped = ["--from", "2015-08-03", "--to", "2015-08-01"];
    let cmds: [Vec<&str>; 3] =
        [vec!["search", "--index", &idx], vec!["stories", "--index", &idx, "--json"], vec!["timeline", "--index", &idx, "--json"]];
    for (cmd, last) in cmds.into_iter().zip(["بوتين", "", "LOC:موسكو"]) {
        let mut args = cmd.clone();
        args.extend_from_slice(&swapped);
        if !last.is_empty() {
            args.push(last);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains("from 2015-08-03 is after to 2015-08-01: no date is in that range"), "{}", text(&o.stderr));
    }
    // One day given as both ends is that day; a time on the same day after `from` too.
    assert_eq!(search_json(dir.path(), &["--from", "2015-08-01", "--to", "2015-08-01", "بوتين"])["total"], 1);
    assert_eq!(search_json(dir.path(), &["--from", "2015-08-01T07:00:00Z", "--to", "2015-08-01T07:51:13Z", "بوتين"])["total"], 1);
}

#[test]
fn an_unknown_entity_is_not_found_in_both_timeline_outputs() {
    // `khabar timeline NAME --json` for a name no document holds printed an empty series and
    // exited 0, while the readable output exited 2 (as `khabar story UNKNOWN`; the API: 404).
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    for json in [true, false] {
        let mut args = vec!["timeline", "--index", idx.as_str(), "PER:لا أحد"];
        if json {
            args.push("--json");
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
        assert!(text(&o.stderr).contains("mentions an entity named \"لا أحد\""), "{}", text(&o.stderr));
    }
    let o = run(&["story", "--index", &idx, "nope"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // A known name with no mention in the dates asked is an answer: no days, exit 0.
    let o = run(&["timeline", "--index", &idx, "--json", "--from", "2016-01-01", "LOC:موسكو"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((&t["documents"], &t["days"]), (&serde_json::json!(0), &serde_json::json!([])), "{t}");
}

#[test]
fn readable_output() {
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    let o = run(&["search", "--index", &idx, "بوتين"]);
    assert!(o.status.success());
    let out = text(&o.stdout);
    assert!(out.starts_with("2 documents match «بوتين» (showing 1–2)"), "{out}");
    assert!(out.contains("وصل [بوتين] إلى موسكو"), "{out}");
}

#[test]
fn sample_articles_are_indexed_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let o = index(dir.path(), &[Path::new(JSONL)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("indexed 20 documents"), "{}", text(&o.stdout));
    let v = search_json(dir.path(), &["--limit", "3", "السعودية"]);
    assert!(v["total"].as_u64().unwrap() >= 3);
    for h in v["hits"].as_array().unwrap() {
        assert!(h["snippet"].as_str().unwrap().contains("<mark>"), "{h}");
    }
}

/// SIGKILL at any moment leaves an index that opens and holds every document reported indexed.
#[test]
fn sigkill_keeps_every_reported_document() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(JSONL).unwrap();
    let big = dir.path().join("big.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for round in 0..150 {
        for (i, line) in sample.lines().enumerate() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["id"] = format!("r{round}-{i}").into();
            v["title"] = format!("نشرة اختبارية {round}").into();
            writeln!(f, "{v}").unwrap();
        }
    }
    drop(f);
    let idx = dir.path().join("idx");
    let mut child = khabar()
        .args(["index", "--index", &idx.display().to_string(), "--commit-every", "100", &big.display().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reported = 0u64;
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("khabar: indexed ") {
            reported = rest.split(' ').next().unwrap().parse().unwrap();
            // Let it run a little into the next batch, then kill it mid-work.
            if reported >= 200 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(reported >= 100, "no commit was reported before the kill");
    let v = search_json(dir.path(), &["--limit", "0", "اختبارية"]);
    let total = v["total"].as_u64().unwrap();
    assert!(total >= reported, "index holds {total} documents, {reported} were reported indexed");
    // The index can be written again after the kill.
    let o = index(dir.path(), &[Path::new(JSONL)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// The command a "comes after the query" error suggests.
fn hint_of(err: &str) -> &str {
    let start = err.find("(khabar search ").unwrap_or_else(|| panic!("no hint in {err}")) + 1;
    let end = err.trim_end().rfind(')').unwrap();
    &err[start..end]
}

/// `hint` run by a shell, the binary under test for `khabar`.
fn run_hint(hint: &str) -> Output {
    let bin = env!("CARGO_BIN_EXE_khabar");
    let line = format!("'{bin}' {}", hint.strip_prefix("khabar ").unwrap());
    Command::new("sh").args(["-c", &line]).stdin(Stdio::null()).output().unwrap()
}

#[test]
fn the_hint_for_options_after_the_query_is_a_command_that_runs() {
    // `khabar search QUERY --index DIR` was clap's "--index not provided" (the query had taken
    // `--index` as a word); `khabar search --index DIR QUERY --index DIR` suggested a command with
    // `--index DIR` twice, which clap refuses. Now both suggest one command that runs.
    let (dir, _) = fixture();
    let idx = dir.path().join("idx").display().to_string();
    let expected = search_json(dir.path(), &["--limit", "1", "بوتين"]);
    let index_eq = format!("--index={idx}");
    let cases: [Vec<&str>; 4] = [
        vec!["search", "بوتين", "--index", &idx, "--json", "--limit", "1"],
        vec!["search", "بوتين", "--json", &index_eq, "--limit=1"],
        vec!["search", "--index", &idx, "بوتين", "--index", &idx, "--json", "--limit", "1"],
        vec!["search", "--index", "/nonexistent", "--json", "--limit", "5", "بوتين", "--limit", "1", "--index", &idx],
    ];
    for args in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        let hint = hint_of(&err);
        assert!(err.contains("comes after the query") && hint.matches("--index").count() == 1, "{args:?}: {err}");
        let o = run_hint(hint);
        assert!(o.status.success(), "{args:?}: the hint failed: {}\n{err}", text(&o.stderr));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(got, expected, "{args:?}: {err}");
    }
    // No --index anywhere: a usage error naming it (exit 2), as clap's was.
    let o = run(&["search", "بوتين"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--index"), "{}", text(&o.stderr));
}

/// `zcat news.jsonl.gz | khabar index --index DIR -`: standard input has no file name ending in
/// `.jsonl`, so until session 19 the lines were indexed as ONE plain-text document with the id
/// `<stdin>` (the JSON as its body). Now standard input starting with `{` is JSON lines; text
/// stays text.
#[test]
fn json_lines_on_standard_input_are_documents() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx").display().to_string();
    let lines = std::fs::read(JSONL).unwrap();
    let want = String::from_utf8_lossy(&lines).lines().filter(|l| !l.trim().is_empty()).count();
    assert!(want > 1);
    let pipe = |input: &[u8], extra: &[&str]| {
        let mut args = vec!["index", "--index", idx.as_str(), "--threads", "2"];
        args.extend_from_slice(extra);
        args.push("-");
        let mut child = khabar().args(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let mut with_bom_and_space = b"\xEF\xBB\xBF \n".to_vec();
    with_bom_and_space.extend_from_slice(&lines);
    let out = pipe(&with_bom_and_space, &[]);
    assert!(out.contains(&format!("holds {want} documents")), "{out}");
    let first: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&lines).lines().next().unwrap()).unwrap();
    let got = run(&["search", "--index", &idx, "--json", &format!("id:{}", first["id"].as_str().unwrap())]);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&got.stdout).unwrap()["total"], 1, "{}", text(&got.stderr));
    // Plain text stays one document; --input-format text keeps JSON-looking input as text, another
    // document (until session 20 every text on standard input was `<stdin>`, and it replaced the first).
    let out = pipe("وصل بوتين إلى موسكو".as_bytes(), &[]);
    assert!(out.contains(&format!("holds {} documents", want + 1)), "{out}");
    let out = pipe(b"{\"id\": \"x\", \"body\": \"text\"}\n", &["--input-format", "text"]);
    assert!(out.contains(&format!("holds {} documents", want + 2)), "{out}");
}

/// `khabar index --index I DIR` in `dir`, from `dir` (the paths as typed): (exit code, stdout, stderr).
fn index_from(dir: &Path, inputs: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    let mut args = vec!["index", "--index", "idx", "--threads", "2"];
    args.extend_from_slice(inputs);
    let mut child =
        khabar().args(&args).current_dir(dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let o = child.wait_with_output().unwrap();
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// Documents without an `id` are `FILE:LINE`, and FILE was the path as typed: indexing
/// `./x.jsonl`, then `x.jsonl`, then its absolute path indexed every article three times.
#[test]
fn ids_do_not_depend_on_how_the_path_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_jsonl(d, "x.jsonl", &[serde_json::json!({"body": "وصل بوتين إلى موسكو"}), serde_json::json!({"body": "أعلنت الرياض"})]);
    std::fs::create_dir(d.join("sub")).unwrap();
    let absolute = d.join("x.jsonl").display().to_string();
    for typed in ["./x.jsonl", "x.jsonl", absolute.as_str(), "sub/../x.jsonl", "./sub/.././x.jsonl"] {
        let (code, out, err) = index_from(d, &[typed], b"");
        assert_eq!(code, Some(0), "{typed}: {err}");
        assert!(out.contains("holds 2 documents"), "{typed}: {out}");
    }
    let got = search_json(d, &["بوتين"]);
    assert_eq!(got["hits"][0]["id"], "x.jsonl:1", "{got}");
}

/// `khabar index --index I DIR` read every file in DIR as documents: an editor backup, a PDF,
/// a model file. A folder is now read for .txt, .json, .jsonl and .ndjson files (optionally
/// .gz); the others are reported and skipped; a file named on the command line is read anyway.
#[test]
fn a_folder_is_read_for_news_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("news")).unwrap();
    let doc = serde_json::json!({"id": "a1", "body": "وصل بوتين إلى موسكو"});
    write_jsonl(&d.join("news"), "a.jsonl", std::slice::from_ref(&doc));
    std::fs::write(d.join("news/a.jsonl~"), format!("{doc}\n")).unwrap();
    std::fs::write(d.join("news/report.pdf"), b"%PDF-1.4 \x00\x01 stream").unwrap();
    std::fs::write(d.join("news/ner.bin"), [0u8, 159, 146, 150]).unwrap();
    std::fs::write(d.join("news/b.txt"), "أعلنت الرياض عن مشروع جديد").unwrap();
    let (code, out, err) = index_from(d, &["news"], b"");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("holds 2 documents"), "{out}\n{err}");
    for skipped in ["news/a.jsonl~", "news/report.pdf", "news/ner.bin"] {
        assert!(err.contains(&format!("{skipped}: skipped")), "{skipped}: {err}");
    }
    // Named on the command line, a file is read whatever its name.
    let (code, out, err) = index_from(d, &["news/report.pdf", "--lossy"], b"");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("holds 3 documents"), "{out}\n{err}");
    // A folder with nothing to read: exit 2 and why.
    std::fs::create_dir(d.join("models")).unwrap();
    std::fs::write(d.join("models/ner.bin"), [0u8, 1]).unwrap();
    let (code, _, err) = index_from(d, &["models"], b"");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("models: no .txt, .json, .jsonl or .ndjson"), "{err}");
}

/// Every plain text on standard input was the document `<stdin>`: a second replaced the first.
/// A text (or JSON line) without an id on standard input is now named by its content, as
/// `POST /v1/documents` names one: another text is another document, the same text replaces itself.
#[test]
fn texts_on_standard_input_are_named_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let texts: [&[u8]; 5] = [
        "وصل بوتين إلى موسكو".as_bytes(),
        "أعلنت الرياض عن مشروع جديد".as_bytes(),
        "وصل بوتين إلى موسكو".as_bytes(),
        "{\"body\": \"افتتح مستشفى في جدة\"}\n".as_bytes(),
        "{\"body\": \"افتتح مستشفى في مكة\"}\n{\"body\": \"افتتح مستشفى في جدة\"}\n".as_bytes(),
    ];
    for (text, holds) in texts.iter().zip([1, 2, 2, 3, 4]) {
        let (code, out, err) = index_from(d, &["-"], text);
        assert_eq!(code, Some(0), "{err}");
        assert!(out.contains(&format!("holds {holds} documents")), "{out}");
    }
    let got = search_json(d, &["بوتين"]);
    let id = got["hits"][0]["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.len() == 17 && id.starts_with('h'), "{got}");
}
