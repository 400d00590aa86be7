//! End-to-end tests of `khabar index` with duplicates and stories, `khabar dups`,
//! `khabar stories`, `khabar story`, `khabar eval stories` and `khabar search --collapse`
//! (articles written for these tests; no data outside the repository).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const RAIN: &str = "هطلت أمطار غزيرة على محافظة أبها ومرتفعات عسير مساء اليوم، وسالت الأودية في السودة والنماص، \
وحذر الدفاع المدني في منطقة عسير المواطنين والمقيمين من الاقتراب من مجاري السيول، وأكد المتحدث الإعلامي \
أن فرق الإنقاذ باشرت عدداً من البلاغات دون تسجيل إصابات، وأن الأرصاد تتوقع استمرار الأمطار الرعدية حتى الغد.";
const FOOTBALL: &str = "تعاقد نادي الهلال مع لاعب الوسط البرازيلي لمدة ثلاثة مواسم بعد اجتيازه الفحص الطبي في معسكر الفريق \
بالنمسا، وقال رئيس النادي إن الصفقة تدعم الفريق قبل مباراة كأس السوبر أمام النصر في لندن.";

fn khabar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar")).args(args).stdin(Stdio::null()).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(dir: &Path, name: &str, lines: &[serde_json::Value]) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    p
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn index_dups_stories_story_eval_and_collapse() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let idx = idx.to_str().unwrap();
    let first = write(
        dir.path(),
        "a.jsonl",
        &[
            serde_json::json!({"id": "rain", "title": "أمطار غزيرة على عسير", "body": RAIN, "published": "2015-08-01 10:00:00", "source": "sabq"}),
            serde_json::json!({"id": "ball", "title": "الهلال يتعاقد مع برازيلي", "body": FOOTBALL, "published": "2015-08-01 11:00:00", "source": "okaz"}),
        ],
    );
    let o = khabar(&["index", "--index", idx, "--threads", "1", first.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("duplicates and stories:"), "{}", text(&o.stdout));
    // A second run continues from the saved state: the copy joins the first run's article.
    let second = write(
        dir.path(),
        "b.jsonl",
        &[
            serde_json::json!({"id": "rain-copy", "title": "سيول عسير", "body": format!("أبها - واس: {RAIN}"), "published": "2015-08-01 12:00:00", "source": "alweeam"}),
        ],
    );
    let o = khabar(&["index", "--index", idx, second.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let dups = json(&khabar(&["dups", "--index", idx, "--json"]));
    assert_eq!(dups, serde_json::json!({"groups": [["rain", "rain-copy"]]}));
    let stories = json(&khabar(&["stories", "--index", idx, "--json"]));
    let list = stories["stories"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{stories}");
    let s = &list[0];
    assert_eq!(s["id"], "rain");
    assert_eq!(s["articles"], serde_json::json!(["rain", "rain-copy"]));
    assert_eq!(s["count"], 2);
    assert_eq!(s["sources"], serde_json::json!(["alweeam", "sabq"]));
    for field in ["title", "entities", "first_seen", "last_seen", "keyphrases"] {
        assert!(s.get(field).is_some(), "{field} missing in {s}");
    }
    let all = json(&khabar(&["stories", "--index", idx, "--json", "--min-articles", "1", "--from", "2015-08-01", "--to", "2015-08-01"]));
    assert_eq!(all["stories"].as_array().unwrap().len(), 2);
    let none = json(&khabar(&["stories", "--index", idx, "--json", "--from", "2015-08-02"]));
    assert_eq!(none["stories"].as_array().unwrap().len(), 0);

    let o = khabar(&["story", "rain", "--index", idx]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("copy of rain"), "{}", text(&o.stdout));
    let o = khabar(&["story", "missing", "--index", idx]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));

    let hits = json(&khabar(&["search", "--index", idx, "--json", "--collapse", "أمطار"]));
    let hits = hits["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["similar"], 1);

    // Evaluation against labels: the system is right on these four pairs' worth of labels.
    let gold = write(
        dir.path(),
        "gold.jsonl",
        &[
            serde_json::json!({"id": "rain", "story": "r", "dup": "d"}),
            serde_json::json!({"id": "rain-copy", "story": "r", "dup": "d"}),
            serde_json::json!({"id": "ball", "story": "b"}),
            serde_json::json!({"id": "absent", "story": "x"}),
        ],
    );
    let r = json(&khabar(&["eval", "stories", gold.to_str().unwrap(), "--index", idx, "--json"]));
    assert_eq!(r["articles"], 3);
    assert_eq!(r["missing"], 1);
    assert_eq!(r["story_pairwise"]["f1"], 1.0);
    assert_eq!(r["dup_pairwise"]["f1"], 1.0);
    let bad = write(dir.path(), "bad.jsonl", &[serde_json::json!({"story": "x"})]);
    let o = khabar(&["eval", "stories", bad.to_str().unwrap(), "--index", idx]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // An article labelled twice (here in two stories) was scored twice; a null id was the id "null".
    let twice = write(
        dir.path(),
        "twice.jsonl",
        &[
            serde_json::json!({"id": "rain", "story": "r"}),
            serde_json::json!({"id": "ball", "story": "b"}),
            serde_json::json!({"id": "rain", "story": "b"}),
        ],
    );
    let o = khabar(&["eval", "stories", twice.to_str().unwrap(), "--index", idx]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("twice.jsonl:3: id \"rain\" is labelled again (first on line 1)"), "{}", text(&o.stderr));
    let null = write(dir.path(), "null.jsonl", &[serde_json::json!({"id": null, "story": "x"})]);
    let o = khabar(&["eval", "stories", null.to_str().unwrap(), "--index", idx]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("null.jsonl:1: `id` and `story` must not be null"), "{}", text(&o.stderr));
}

#[test]
fn commands_on_a_missing_index_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none");
    for cmd in [["dups", "--index"], ["stories", "--index"]] {
        let o = khabar(&[cmd[0], cmd[1], nowhere.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", text(&o.stderr));
    }
    let o = khabar(&["index", "--index", nowhere.to_str().unwrap(), "--story-window", "-1", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

/// `khabar index` analyses batches on a worker pool while a second thread assigns duplicate groups
/// and stories in input order; the library's `SearchIndex::ingest` (what `POST /v1/documents`
/// runs) does it one document at a time. Both must give the same groups and stories.
#[test]
fn batched_cli_ingest_equals_sequential_library_ingest() {
    let dir = tempfile::tempdir().unwrap();
    // The sample's articles (by date) with an agency copy of the first one right after it (a
    // duplicate group and a story of two articles, so the comparison below is not between empty
    // lists).
    let mut lines: Vec<serde_json::Value> =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news-sample.jsonl"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let mut copy = lines[0].clone();
    copy["id"] = "agency-copy".into();
    copy["source"] = "alweeam".into();
    copy["body"] = format!("الرياض - واس: {}", copy["body"].as_str().unwrap()).into();
    lines.insert(1, copy);
    let sample = write(dir.path(), "in.jsonl", &lines);
    let sample = sample.to_str().unwrap();
    let cli = dir.path().join("cli");
    let seq = dir.path().join("seq");
    let (cli, seq) = (cli.to_str().unwrap(), seq.to_str().unwrap());
    let o = khabar(&["index", "--index", cli, "--threads", "2", "--commit-every", "3", sample]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    // The same analysis options as `khabar index` (no summary, 10 keyphrases) and its default window.
    let mut options = khabar::AnalyzerOptions::default();
    options.summary_sentences = 0;
    options.keyphrases = 10;
    let analyzer = khabar::Analyzer::new(options);
    let idx = khabar_index::SearchIndex::open_or_create(Path::new(seq)).unwrap();
    let story_options = khabar_index::stories::Options { window: 3 * 86_400, ..Default::default() };
    let mut state = khabar_index::stories::StoryState::open(&idx, Some(Path::new(seq)), story_options).unwrap();
    let mut writer = idx.writer(1, 50_000_000).unwrap();
    let mut n = 0;
    for line in std::fs::read_to_string(sample).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let doc: khabar::Document = serde_json::from_str(line).unwrap();
        assert!(doc.id.is_some(), "the sample's articles carry ids");
        let analysis = analyzer.analyze_document(&doc);
        let title = doc.title.as_deref().map(|t| khabar_index::token_analyzer().analyze(t));
        idx.ingest(&writer, &mut state, &[(doc, analysis, title)]);
        state.commit(&mut writer).unwrap();
        n += 1;
    }
    assert!(n >= 10, "{n} articles");
    drop(writer);

    for args in [&["dups", "--json"][..], &["stories", "--json", "--min-articles", "1"][..]] {
        let a = json(&khabar(&[args, &["--index", cli]].concat()));
        let b = json(&khabar(&[args, &["--index", seq]].concat()));
        assert_eq!(a, b, "khabar {args:?}: the batched and the sequential index differ");
    }
    // Not vacuous: the copy made a duplicate group and a story of two articles.
    let dups = json(&khabar(&["dups", "--json", "--index", cli]));
    assert!(dups["groups"].as_array().is_some_and(|g| !g.is_empty()), "{dups}");
    let stories = json(&khabar(&["stories", "--json", "--index", cli]));
    assert!(stories["stories"].as_array().is_some_and(|s| !s.is_empty()), "{stories}");
}

#[test]
fn story_finds_an_id_with_spaces_around_it_and_names_a_blank_one() {
    // `khabar story " rain"` (a pasted id) was "no story" while GET /v1/stories/%20rain finds it;
    // `khabar story ""` said ": no story with this id".
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let idx = idx.to_str().unwrap();
    let input =
        write(dir.path(), "a.jsonl", &[serde_json::json!({"id": "rain", "title": "أمطار", "body": RAIN, "published": "2015-08-01"})]);
    let o = khabar(&["index", "--index", idx, "--threads", "1", input.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let exact = json(&khabar(&["story", "rain", "--index", idx, "--json"]));
    for id in [" rain", "rain ", "\train\n"] {
        assert_eq!(json(&khabar(&["story", id, "--index", idx, "--json"])), exact, "{id:?}");
    }
    for (id, named) in [("", "\"\": no story"), ("  ", "\"\": no story"), ("no such", "\"no such\": no story"), ("nope", "nope: no story")]
    {
        let o = khabar(&["story", id, "--index", idx]);
        assert_eq!(o.status.code(), Some(2), "{id:?}");
        assert!(text(&o.stderr).contains(named), "{id:?}: {}", text(&o.stderr));
    }
}
