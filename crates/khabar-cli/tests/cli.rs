//! End-to-end tests of the `khabar` binary.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pyongyang-aurus.txt");
const JSONL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news-sample.jsonl");

fn khabar() -> Command {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = khabar().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn analyze_json_spans_slice_the_original() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let o = run(&["analyze", "--json", SAMPLE], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "one JSON document per input");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let tokens = v["tokens"].as_array().unwrap();
    assert!(tokens.len() > 300);
    for t in tokens {
        let (s, e) = (t["start"].as_u64().unwrap() as usize, t["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[s..e], t["text"].as_str().unwrap());
        assert!(t["kind"].is_string());
    }
    let sentences = v["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), text.lines().filter(|l| !l.trim().is_empty()).count());
    for s in sentences {
        let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[a..b], s["text"].as_str().unwrap());
    }
}

#[test]
fn analyze_conllu_is_well_formed() {
    let o = run(&["analyze", "--conllu", SAMPLE], b"");
    assert!(o.status.success());
    let out = stdout(&o);
    let mut sentences = 0;
    let mut saw_cnn_no_space = false;
    for line in out.lines() {
        if line.starts_with("# sent_id = ") {
            sentences += 1;
        } else if !line.is_empty() && !line.starts_with('#') {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 10, "{line}");
            assert!(!cols[1].is_empty() && !cols[1].contains(' '));
            if cols[1] == "CNN" {
                saw_cnn_no_space = cols[9] == "SpaceAfter=No";
            }
        }
    }
    assert_eq!(sentences, 14);
    assert!(saw_cnn_no_space, "`(CNN)--` has no space after CNN");
    assert!(out.ends_with("\n\n"), "CoNLL-U ends with an empty line");
}

#[test]
fn analyze_pretty_summarises() {
    let o = run(&["analyze", SAMPLE], b"");
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("14 sentences"), "{out}");
    assert!(out.contains("بوتين ×"), "{out}");
}

#[test]
fn invalid_utf8_is_an_input_error_naming_file_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"\xd8\xa8\xd9\x88\xff\xd8\xaa").unwrap();
    let o = run(&["analyze", "--json", bad.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing printed as if valid");
    let err = stderr(&o);
    assert!(err.contains("bad.txt") && err.contains("invalid UTF-8 at byte 4"), "{err}");

    let o = run(&["analyze", "--json", "--lossy", bad.to_str().unwrap()], b"");
    assert!(o.status.success());
    assert!(stdout(&o).contains('\u{FFFD}'));
}

#[test]
fn empty_input_gives_valid_empty_output() {
    let o = run(&["analyze", "--json", "-"], b"");
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["tokens"].as_array().unwrap().len(), 0);
    let o = run(&["analyze", "--conllu"], b"");
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().filter(|l| !l.starts_with('#')).count(), 0);
    let o = run(&["tokens"], b"");
    assert!(o.status.success() && o.stdout.is_empty());
    let o = run(&["normalize"], b"");
    assert!(o.status.success() && o.stdout.is_empty());
}

#[test]
fn normalize_reads_stdin() {
    let o = run(&["normalize"], "أَحْمَدُ ﻻ ٢٠١٨ فاطمة\n".as_bytes());
    assert!(o.status.success());
    assert_eq!(stdout(&o), "احمد لا 2018 فاطمه\n");
    let o = run(&["normalize", "--profile", "display"], "\u{200F}أَحْمَدُ ﻻ\n".as_bytes());
    assert_eq!(stdout(&o), "أَحْمَدُ لا\n");
    let o = run(&["normalize"], b"ok\n\xffno\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid UTF-8 at byte 3"), "{}", stderr(&o));
}

#[test]
fn tokens_one_per_line() {
    let o = run(&["tokens"], "في تصريحات قبل المحادثات بين الاثنين،عن \"دعمه\"".as_bytes());
    assert!(o.status.success());
    assert_eq!(stdout(&o), "في\nتصريحات\nقبل\nالمحادثات\nبين\nالاثنين\n،\nعن\n\"\nدعمه\n\"\n");
    let o = run(&["tokens", "--offsets"], "كيم 24".as_bytes());
    assert_eq!(stdout(&o), "0\t6\tarabic\tكيم\n7\t9\tnumber\t24\n");
}

#[test]
fn jsonl_input_keeps_order_ids_and_reports_bad_lines() {
    let good = std::fs::read_to_string(JSONL).unwrap();
    let first_two: Vec<&str> = good.lines().take(2).collect();
    let input = format!("{}\n{{\"id\": \"broken\"\n{}\n", first_two[0], first_two[1]);
    let o = run(&["analyze", "--json", "--input-format", "jsonl", "-"], input.as_bytes());
    assert_eq!(o.status.code(), Some(2), "a skipped line makes the exit status 2");
    assert!(stderr(&o).contains("<stdin>:2"), "{}", stderr(&o));
    let ids: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone()).collect();
    let want: Vec<serde_json::Value> =
        first_two.iter().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone()).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        ids.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or(v.to_string())).collect::<Vec<_>>(),
        want.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or(v.to_string())).collect::<Vec<_>>()
    );
}

#[test]
fn folders_and_many_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "بوتين في بيونغ يانغ.").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.txt"), "كيم في موسكو.").unwrap();
    std::fs::write(dir.path().join(".hidden"), "x").unwrap();
    let o = run(&["analyze", "--json", dir.path().to_str().unwrap()], b"");
    assert!(o.status.success());
    let ids: Vec<String> =
        stdout(&o).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids[0].ends_with("a.txt") && ids[1].ends_with("b.txt"), "{ids:?}");
    let o = run(&["analyze", "no/such/file.txt"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.txt"));
}

/// A file named on the command line that does not exist is the user's input error (exit 2, the
/// README's rule), for the evaluation and training commands too, and a training run checks its
/// files before it starts.
#[test]
fn missing_named_files_exit_2() {
    for args in [
        &["eval", "ud", "no/such/gold.conllu"][..],
        &["eval", "ud", "no/such/gold.conllu", "--model", "no/such/model.bin"][..],
        &["eval", "ner", "no/such/gold.txt", "--model", "no/such/model.bin"][..],
        &["train", "morph", "--train", "no/such/train.conllu", "--out", "no/such/out.bin"][..],
        &["train", "morph", "--train", "Cargo.toml", "--dev", "no/such/dev.conllu", "--out", "no/such/out.bin"][..],
    ] {
        let o = run(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("no/such/"), "{args:?}: {}", stderr(&o));
    }
    // An output folder that does not exist is found before the training, not after it.
    for args in [
        &["train", "morph", "--train", "Cargo.toml", "--out", "no/such/out.bin"][..],
        &["train", "idf", "--out", "no/such/idf.bin"][..],
        &["train", "ner", "--train", "Cargo.toml", "--out", "no/such/ner.bin"][..],
    ] {
        let t = std::time::Instant::now();
        let o = run(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("no/such/"), "{args:?}: {}", stderr(&o));
        assert!(t.elapsed().as_secs() < 30, "{args:?} ran before checking its output folder");
    }
}

/// When standard error is a pipe nobody reads (its reader has exited), an error message cannot be
/// written: khabar still exits with the error's status (2 for a missing input); it does not panic
/// (101).
#[test]
fn unread_stderr_keeps_the_exit_status() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = khabar().args(["analyze", "no/such/file.txt"]).stdout(Stdio::null()).stderr(writer).status().unwrap();
    assert_eq!(o.code(), Some(2), "{o:?}");
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    let o = run(&["analyze", "--no-such-flag"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--help"], b"");
    assert!(o.status.success());
    assert!(stdout(&o).contains("Examples:"));
}

#[test]
fn broken_pipe_is_not_an_error() {
    let big = "كلمة ".repeat(2_000_000);
    let mut child = khabar().arg("tokens").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(big.as_bytes());
    });
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "exit {status:?}, stderr {err}");
    assert!(err.is_empty(), "{err}");
}

/// Files a command reads whole, without `--lossy` (gold files, a query list): an invalid byte is
/// an error naming the file, the byte offset and line, and it does not suggest `--lossy` (which
/// these commands do not have; `khabar search --bench-queries` said only "not UTF-8").
#[test]
fn invalid_utf8_names_file_and_byte_and_suggests_lossy_only_where_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"a O\nb \xff\xfeO\n").unwrap();
    let b = bad.to_str().unwrap();
    let idx = dir.path().join("idx");
    let docs = dir.path().join("docs.jsonl");
    std::fs::write(&docs, "{\"id\": \"1\", \"body\": \"وصل بوتين إلى موسكو.\"}\n").unwrap();
    let o = run(&["index", "--index", idx.to_str().unwrap(), docs.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("ner.bin");
    for args in [
        &["eval", "ner", b][..],
        &["eval", "ud", b],
        &["eval", "stories", b, "--index", idx.to_str().unwrap()],
        &["search", "--index", idx.to_str().unwrap(), "--bench-queries", b],
        &["train", "ner", "--train", b, "--out", out.to_str().unwrap()],
    ] {
        let o = run(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("{b}: invalid UTF-8 at byte 6 (line 2, bytes 0xff)")), "{args:?}: {err}");
        assert!(!err.contains("--lossy"), "{args:?}: {err}");
    }
    // Where `--lossy` exists, the error says so.
    let o = run(&["analyze", b], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid UTF-8 at byte 6 (line 2, bytes 0xff); use --lossy"), "{}", stderr(&o));
}

/// `khabar eval ner` scored any file: a plain text or CoNLL-U file read as tokens tagged O, an
/// unknown tag as an unscored class. Now it is an error naming the file and line (exit 2).
#[test]
fn eval_ner_refuses_files_that_are_not_bio() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 4] = [
        ("text.txt", "وصل بوتين إلى موسكو أمس.\n", ":1: expected `token tag`, found 5 fields"),
        ("ud.conllu", "1\tوصل\tوصل\tVERB\t_\t_\t0\troot\t_\t_\n", ":1: expected `token tag`, found 10 fields"),
        ("foo.txt", "بوتين B-PER\n\nموسكو B-FOO\n", ":3: \"B-FOO\" is not a BIO tag"),
        ("empty.txt", "\n\n", ": no sentences"),
    ];
    for (name, content, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let o = run(&["eval", "ner", p.to_str().unwrap()], b"");
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains(&format!("{name}{want}")), "{name}: {}", stderr(&o));
    }
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "وصل O\nبوتين B-PER\nإلى O\nموسكو B-LOC\n").unwrap();
    let o = run(&["eval", "ner", good.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 sentences, 4 tokens"), "{}", stdout(&o));
}

/// `khabar train ner` on a file without sentences exited 1 with "bad data: no training
/// sentences"; it is the user's data error (exit 2, as `train morph`), naming the file.
#[test]
fn train_on_a_file_without_sentences_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.bio");
    std::fs::write(&empty, "\n  \n").unwrap();
    let e = empty.to_str().unwrap();
    let out = dir.path().join("m.bin");
    let o = run(&["train", "ner", "--train", e, "--out", out.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("no training sentences in {e}")), "{}", stderr(&o));
    let o = run(&["train", "morph", "--train", e, "--out", out.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(e), "{}", stderr(&o));
    assert!(!out.exists());
    // A line that is not `token tag` was read as a token tagged O (`eval ner` refuses it): now
    // the same data error, naming the file and line, and no model is written.
    let odd = dir.path().join("odd.bio");
    std::fs::write(&odd, "وصل O\nبوتين\nموسكو B-LOC\n").unwrap();
    let d = odd.to_str().unwrap();
    let o = run(&["train", "ner", "--train", d, "--out", out.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{d}:2: expected `token tag`, found 1 fields")), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn an_error_names_its_cause_once() {
    // `khabar serve --index FILE` said "FILE: cannot serve: File exists (os error 17): File exists
    // (os error 17)" and `khabar index --index FILE/sub` the same of "Not a directory": the index's
    // I/O error writes its cause in its own message and names it as its source too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(&input, "قال بوتين في موسكو.").unwrap();
    let (file_s, sub_s, input_s) = (file.display().to_string(), file.join("sub").display().to_string(), input.display().to_string());
    // Since session 21 an index path that is a file is refused as such, before any I/O error.
    let o = run(&["serve", "--index", &file_s, "--addr", "127.0.0.1:0"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{file_s} is a file, not a folder")) && !stderr(&o).contains("os error"), "{}", stderr(&o));
    let cases: [Vec<&str>; 1] = [vec!["index", "--index", &sub_s, &input_s]];
    for args in cases {
        let o = run(&args, b"");
        assert!(!o.status.success(), "{args:?}");
        let err = stderr(&o);
        let cause = err.find("(os error").map(|i| &err[..i]).and_then(|head| head.rsplit(": ").next()).unwrap_or_else(|| panic!("{err}"));
        assert_eq!(err.matches(cause).count(), 1, "{args:?}: {cause:?} more than once in {err}");
    }
}

/// A `.json` file was analysed as one plain text (the JSON itself), while the Spark job read it
/// as JSON lines. Now a `.json` file holds one document object (pretty-printed or not), an array
/// of them, or JSON lines, as the Spark job reads it too.
#[test]
fn a_json_file_is_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("one.json"), "{\n  \"title\": \"خبر\",\n  \"body\": \"وصل بوتين إلى موسكو\"\n}\n").unwrap();
    std::fs::write(d.join("many.json"), "[{\"id\": \"a\", \"body\": \"وصل بوتين\"},\n {\"text\": \"أعلنت الرياض\"}]").unwrap();
    std::fs::write(d.join("lines.json"), "{\"body\": \"وصل بوتين\"}\n{\"body\": \"أعلنت الرياض\"}\n").unwrap();
    for (file, ids) in
        [("one.json", vec!["one.json"]), ("many.json", vec!["a", "many.json:2"]), ("lines.json", vec!["lines.json:1", "lines.json:2"])]
    {
        let o = khabar().args(["analyze", "--json", file]).current_dir(d).output().unwrap();
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let got: Vec<String> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(got, ids, "{file}");
    }
    // The body is analysed, not the JSON around it.
    let o = khabar().args(["analyze", "--json", "one.json"]).current_dir(d).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["length"], "وصل بوتين إلى موسكو".len(), "{v}");
}

/// Standard input read as a `.json` file is: pretty-printed JSON (`jq . doc.json | khabar analyze
/// -`) and a JSON array (`jq -s`) are documents. Until session 21 a pretty-printed object was read
/// as JSON lines (every line reported as bad JSON, nothing analysed) and an array as plain text.
#[test]
fn pretty_printed_json_and_arrays_on_standard_input_are_documents() {
    let ids = |o: &Output| -> Vec<String> {
        stdout(o).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned()).collect()
    };
    let o = run(&["analyze", "--json", "-"], "{\n  \"id\": \"p1\",\n  \"body\": \"التقى بوتين في موسكو\"\n}\n".as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(ids(&o), ["p1"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["length"], "التقى بوتين في موسكو".len());
    // An array, pretty or on one line; an element without id gets the content id stdin gives.
    for input in [
        "[\n {\"id\": \"a\", \"body\": \"نص أول\"},\n {\"body\": \"نص ثان\"}\n]\n",
        "\u{feff}[{\"id\": \"a\", \"body\": \"نص أول\"}, {\"body\": \"نص ثان\"}]",
    ] {
        let o = run(&["analyze", "--json", "-"], input.as_bytes());
        assert!(o.status.success(), "{input:?}: {}", stderr(&o));
        let got = ids(&o);
        assert_eq!(got.len(), 2, "{input:?}");
        assert_eq!(got[0], "a");
        assert!(got[1].starts_with('h') && got[1].len() == 17, "{got:?}");
    }
    // A bad element is reported and skipped, the others analysed.
    let o = run(&["analyze", "--json", "-"], b"[\n {\"id\": \"a\", \"body\": \"x\"},\n 5\n]\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(ids(&o), ["a"]);
    assert!(stderr(&o).contains("<stdin>:2: skipped: document 2 of the array"), "{}", stderr(&o));
    // Text that starts with `[` is still text; JSON lines still stream, a broken line reported.
    let o = run(&["analyze", "--json", "-"], "[تحديث] وصل بوتين".as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    let o = run(&["analyze", "--json", "-"], b"{\"id\": \"j1\", \"body\":\n{\"id\": \"j2\", \"body\": \"x\"}\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(ids(&o), ["j2"]);
    assert!(stderr(&o).contains("<stdin>:1: skipped"), "{}", stderr(&o));
}

/// Every `# newdoc`/`# sent_id`/`# text` comment is followed by a sentence, token lines have ten
/// non-empty columns without spaces or control characters in FORM/LEMMA.
fn assert_conllu_blocks(out: &str) {
    let mut comments = 0usize;
    for line in out.lines() {
        if line.starts_with('#') {
            comments += 1;
            assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
        } else if line.is_empty() {
            assert_eq!(comments, 0, "a blank line ends a sentence, not comments");
        } else {
            comments = 0;
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 10, "{line:?}");
            assert!(cols.iter().all(|c| !c.is_empty()), "{line:?}");
            assert!(!cols[1].chars().chain(cols[2].chars()).any(|c| c.is_whitespace() || c.is_control()), "{line:?}");
        }
    }
    assert_eq!(comments, 0, "comments at the end of the file belong to no sentence: {out:?}");
}

#[test]
fn conllu_of_empty_documents_has_no_dangling_newdoc() {
    // Before: `# newdoc id = a` with no sentence, then `# newdoc id = b` on b's first sentence,
    // and a lone `# newdoc id = c` at the end of the file.
    let input = "{\"id\":\"a\",\"body\":\"\"}\n{\"id\":\"b\",\"body\":\"قال الرئيس.\"}\n{\"id\":\"c\",\"body\":\" \\n\\t \"}\n";
    let o = run(&["analyze", "--conllu", "--input-format", "jsonl"], input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_conllu_blocks(&out);
    assert_eq!(out.matches("# newdoc id = ").collect::<Vec<_>>().len(), 1, "{out}");
    assert!(out.starts_with("# newdoc id = b\n# sent_id = 1\n"), "{out}");
}

#[test]
fn control_characters_stay_out_of_tokens_conllu_and_the_terminal() {
    // SUB stands in for pictures in SaudiNewsNet; ESC would drive the terminal.
    let text = "الوطن. \u{1a}\u{1a}من احتفالات \u{1b}[31mالأهالي\u{0}اليوم.";
    let o = run(&["analyze", "--json", "--input-format", "text"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    for t in v["tokens"].as_array().unwrap() {
        assert!(!t["text"].as_str().unwrap().chars().any(|c| c.is_control()), "{t}");
    }
    for s in v["sentences"].as_array().unwrap().iter().chain(v["summary"].as_array().unwrap()) {
        assert!(!s["text"].as_str().unwrap().starts_with('\u{1a}'), "{s}");
    }
    let o = run(&["analyze", "--conllu", "--input-format", "text"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_conllu_blocks(&stdout(&o));
    let o = run(&["analyze", "--input-format", "text"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).chars().any(|c| c.is_control() && c != '\n'), "{:?}", stdout(&o));
}

#[test]
fn readable_output_of_an_empty_text_has_no_empty_brackets() {
    let o = run(&["analyze", "--input-format", "text"], b"  \n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 sentences · 0 tokens\n"), "{}", stdout(&o));
}

#[test]
fn eval_ud_refuses_an_empty_gold_and_a_malformed_system_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.conllu");
    std::fs::write(&empty, "").unwrap();
    // Before: every score 0.00 and exit status 0.
    let o = run(&["eval", "ud", empty.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("no words to score against"), "{}", stderr(&o));
    let gold = dir.path().join("gold.conllu");
    std::fs::write(&gold, "# text = قال\n1\tقال\tقال\tVERB\t_\t_\t0\troot\t_\t_\n\n").unwrap();
    let bad = dir.path().join("bad.conllu");
    std::fs::write(&bad, "1\tقال\n").unwrap();
    // Before: exit status 1, the status of an internal error.
    let o = run(&["eval", "ud", gold.to_str().unwrap(), "--system", bad.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.conllu"), "{}", stderr(&o));
}

#[test]
fn train_idf_and_head_rate_without_articles_keep_the_old_table() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "not json\n").unwrap();
    for cmd in ["idf", "head-rate"] {
        let table = dir.path().join(format!("{cmd}.bin"));
        std::fs::write(&table, b"a good table").unwrap();
        // Before: exit status 0 and an empty table written over the old one.
        let o = run(&["train", cmd, "--news", empty.to_str().unwrap(), "--out", table.to_str().unwrap()], b"");
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stdout(&o));
        assert!(stderr(&o).contains("not written"), "{cmd}: {}", stderr(&o));
        assert_eq!(std::fs::read(&table).unwrap(), b"a good table", "{cmd}");
    }
}

#[test]
fn bench_refuses_zero_runs() {
    // Before: one run measured and reported as "best of 0 runs".
    let o = run(&["bench", "--runs", "0", "--corpus", SAMPLE], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("--runs"), "{}", stderr(&o));
}

#[test]
fn conllu_text_is_the_forms_joined_by_space_after() {
    // Before: `# text = قال\u{200f}الرئيس` over FORMs قال and الرئيس without SpaceAfter=No (68 of
    // 25,358 sentences of the first 1,500 SaudiNewsNet articles), which UD's validator rejects.
    let text = "قال\u{200f}الرئيس \u{202b}محمد\u{202c}  بن سلمان\u{200e} إن\u{2066} الرياض\u{2069}، محمد\u{200d}علي \u{200b}وزير.";
    let o = run(&["analyze", "--conllu", "--input-format", "text"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_conllu_blocks(&out);
    let (mut comment, mut joined, mut inside_until) = (String::new(), String::new(), 0usize);
    for line in out.lines() {
        if let Some(t) = line.strip_prefix("# text = ") {
            comment = t.to_owned();
        } else if !line.is_empty() && !line.starts_with('#') {
            let cols: Vec<&str> = line.split('\t').collect();
            if let Some((_, b)) = cols[0].split_once('-') {
                inside_until = b.parse().unwrap();
            } else if cols[0].parse::<usize>().unwrap() <= inside_until {
                continue;
            }
            joined.push_str(cols[1]);
            if !cols[9].contains("SpaceAfter=No") {
                joined.push(' ');
            }
        }
    }
    assert_eq!(joined.trim_end(), comment);
    assert!(comment.starts_with("قالالرئيس محمد بن سلمان إن الرياض، محمد\u{200d}علي وزير."), "{comment:?}");
}
