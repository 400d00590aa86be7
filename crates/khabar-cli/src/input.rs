//! Reading inputs: files, folders, standard input; plain text or JSON lines;
//! gzip-compressed or not; strict UTF-8 (or lossy on request).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;
use khabar::Document;

/// How to read the contents of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// `.jsonl`, `.ndjson` (optionally `.gz`) are JSON lines, and standard input whose first
    /// character is `{`; `.json` (optionally `.gz`) is one document object, an array of them, or
    /// JSON lines; the rest plain text.
    Auto,
    /// The whole input is one text.
    Text,
    /// One JSON document per line: `{"id", "title", "body", "published", "source", ...}`.
    Jsonl,
}

/// Where a document comes from.
#[derive(Clone, Debug)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// How the source is named in ids and messages: `<stdin>`, or the file's path as
    /// [`path_name`] writes it (the same however the path was typed).
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_owned(),
            Source::File(p) => path_name(p),
        }
    }

    /// A `.json` (or `.json.gz`) file: a document, an array of them, or JSON lines.
    fn looks_json(&self) -> bool {
        let Source::File(p) = self else { return false };
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        name.strip_suffix(".gz").unwrap_or(&name).ends_with(".json")
    }

    fn is_gz(&self) -> bool {
        matches!(self, Source::File(p) if p.extension().is_some_and(|e| e == "gz"))
    }

    fn looks_jsonl(&self) -> bool {
        let Source::File(p) = self else { return false };
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        name.ends_with(".jsonl") || name.ends_with(".ndjson")
    }

    /// Size on disk, if known (for progress bars).
    pub fn len(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }

    pub fn open(&self) -> Result<Box<dyn BufRead + Send>> {
        let raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::File(p) => Box::new(File::open(p).with_context(|| format!("{}: cannot open", p.display()))?),
        };
        let raw: Box<dyn Read + Send> = if self.is_gz() { Box::new(MultiGzDecoder::new(raw)) } else { raw };
        Ok(Box::new(BufReader::with_capacity(1 << 20, raw)))
    }

    pub fn is_jsonl(&self, format: InputFormat) -> bool {
        match format {
            InputFormat::Auto => self.looks_jsonl(),
            InputFormat::Text => false,
            InputFormat::Jsonl => true,
        }
    }
}

/// Whether the buffered start of `reader` (nothing consumed) is a JSON object after any byte
/// order mark and white space: standard input has no file name to tell JSON lines by, and an
/// article does not start with `{` (`--input-format text` reads it as text anyway).
fn starts_like_json(reader: &mut Box<dyn BufRead + Send>) -> bool {
    starts_like(reader, b'{')
}

/// Whether the buffered start of `reader` (nothing consumed) is `first` after any byte order
/// mark and white space.
fn starts_like(reader: &mut Box<dyn BufRead + Send>, first: u8) -> bool {
    match reader.fill_buf() {
        Ok(buf) => khabar::strip_bom(buf).iter().find(|b| !b.is_ascii_whitespace()) == Some(&first),
        Err(_) => false,
    }
}

/// The file names a folder is read for (each also with `.gz` after it); a file named on the
/// command line is read whatever its name.
pub const FOLDER_INPUTS: &str = ".txt, .json, .jsonl or .ndjson (each optionally .gz)";

/// Whether a file found in a folder is an input: [`FOLDER_INPUTS`], letter case aside. An
/// editor backup (`a.txt~`), a PDF or a model file is not.
fn is_input_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".txt", ".json", ".jsonl", ".ndjson"].iter().any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// Skipped files of a folder reported one by one, up to this many (then a count).
const SKIPPED_SHOWN: usize = 20;

/// Expand the command-line inputs: `-` is standard input, a file is read whatever its name, a
/// folder is every non-hidden file under it (sorted) named [`FOLDER_INPUTS`]; the others are
/// reported on standard error and skipped, and a folder with no such file is an [`InputError`].
/// No input at all is standard input.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    if inputs.is_empty() {
        return Ok(vec![Source::Stdin]);
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files).with_context(|| format!("{}: cannot read folder", p.display()))?;
            files.sort();
            let (read, skipped): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| is_input_name(f));
            for f in skipped.iter().take(SKIPPED_SHOWN) {
                report!("khabar: {}: skipped: a folder is read for {FOLDER_INPUTS} files; name the file to read it", path_name(f));
            }
            if skipped.len() > SKIPPED_SHOWN {
                report!("khabar: {}: {} more files skipped", p.display(), skipped.len() - SKIPPED_SHOWN);
            }
            if read.is_empty() {
                let others = match skipped.len() {
                    0 => String::new(),
                    n => format!(" ({n} other file{} skipped)", if n == 1 { "" } else { "s" }),
                };
                anyhow::bail!(InputError(format!("{}: no {FOLDER_INPUTS} file in this folder{others}", p.display())));
            }
            out.extend(read.into_iter().map(Source::File));
        } else if p.exists() {
            out.push(Source::File(p.clone()));
        } else {
            anyhow::bail!(InputError(format!("{}: no such file or folder", p.display())));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file() || (ft.is_symlink() && path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

/// A file's path as ids (`FILE`, `FILE:LINE`) and messages name it: relative to the current
/// folder, lexically normalised (`./a/../x.jsonl`, `x.jsonl` and `$PWD/x.jsonl` are all
/// `x.jsonl`; `/elsewhere/x.jsonl` seen from `/work/dir` is `../../elsewhere/x.jsonl`), with `/`
/// between the parts. Runs from the same folder give the same ids however the paths are typed.
/// Lexical: a symbolic link is not followed (`link/../x` is `x`).
pub fn path_name(path: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else { return join(&lexical(path)) };
    // The shell's $PWD, when it is this folder by another (symbolic link) path: `$PWD/x.jsonl`
    // is then under it, not under the physical folder.
    let logical =
        std::env::var_os("PWD").map(PathBuf::from).filter(|d| d.is_absolute() && d.canonicalize().ok() == cwd.canonicalize().ok());
    let full = lexical(&cwd.join(path));
    let bases: Vec<Vec<String>> = logical.iter().chain([&cwd]).map(|d| lexical(d)).collect();
    if let Some(rest) = bases.iter().find_map(|b| full.strip_prefix(b.as_slice())) {
        return join(rest);
    }
    let base = &bases[bases.len() - 1];
    let common = full.iter().zip(base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    parts.extend_from_slice(&full[common..]);
    join(&parts)
}

/// The parts of a path with `.` dropped and `a/..` removed; an absolute path starts with `""`.
fn lexical(path: &Path) -> Vec<String> {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::RootDir => parts.push(String::new()),
            Component::CurDir => {}
            Component::ParentDir => match parts.last().map(String::as_str) {
                // Above the root is the root; a leading `..` of a relative path stays.
                Some("") => {}
                Some(last) if last != ".." => {
                    parts.pop();
                }
                _ => parts.push("..".to_owned()),
            },
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
        }
    }
    parts
}

fn join(parts: &[String]) -> String {
    match parts {
        [] => ".".to_owned(),
        [root] if root.is_empty() => "/".to_owned(),
        _ => parts.join("/"),
    }
}

/// Reads a file the user named (an input, a model, a gold file): a file that cannot be read is
/// the user's input error (exit code 2), not a failure of khabar.
pub fn read_input(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| InputError(format!("{}: cannot read: {e}", path.display())))
}

/// Checks before a long run that the files it will read exist (an [`InputError`] otherwise), so
/// that a misspelt path fails at once instead of after minutes of work.
pub fn require_files<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<(), InputError> {
    for p in paths {
        if !p.exists() {
            return Err(InputError(format!("{}: no such file", p.display())));
        }
    }
    Ok(())
}

/// Checks before a long run that the folder an output file goes to exists (an [`InputError`]
/// otherwise), so that a misspelt `--out` fails at once instead of after the training.
pub fn require_out_dir(path: &Path) -> Result<(), InputError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Err(InputError(format!("{}: no folder {} to write into", path.display(), dir.display())))
        }
        _ => Ok(()),
    }
}

/// An error in the user's input (exit code 2), as opposed to a failure of khabar.
#[derive(Debug)]
pub struct InputError(pub String);

/// `--from` and `--to` as seconds (`--to` covering its whole day when no time is given), by
/// [`khabar_index::date_range`], the check the API and Python use too: an [`InputError`] when
/// either is not a date or when `--from` is after `--to`.
pub fn date_range(from: Option<&str>, to: Option<&str>) -> Result<(Option<i64>, Option<i64>)> {
    khabar_index::date_range(from, to).map_err(|e| InputError(e.to_string()).into())
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Decode bytes as UTF-8, or explain where they are not (for commands that have `--lossy`, which
/// replaces invalid sequences instead; the error suggests it).
pub fn decode(bytes: Vec<u8>, what: &str, lossy: bool) -> Result<String, InputError> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => {
            Err(InputError(format!("{what}: {}; use --lossy to replace invalid sequences with U+FFFD", khabar_text::Utf8Problem::of(&e))))
        }
    }
}

/// A whole file as UTF-8, for commands without `--lossy` (gold files, query lists: a replaced
/// byte would change what is scored or searched): an [`InputError`] naming the file, the byte
/// offset and line of the first bad byte.
pub fn read_utf8(path: &Path) -> Result<String, InputError> {
    String::from_utf8(read_input(path)?).map_err(|e| InputError(format!("{}: {}", path.display(), khabar_text::Utf8Problem::of(&e))))
}

/// One unit of work: a document, or an input error to report in order.
pub enum Item {
    Doc { name: String, doc: Document },
    Bad(InputError),
}

/// The JSON lines being read: the source's name, the reader, the last line number, and
/// whether it is standard input (whose documents without an id get [`khabar_index::derived_id`]).
struct Lines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line_no: u64,
    stdin: bool,
    /// Standard input that starts with `{`, its first line not read yet: JSON lines when that
    /// line is a whole JSON value, else (pretty-printed JSON) read whole as a `.json` file is.
    sniff: bool,
}

/// The documents of one JSON value read whole: an object, or each object of an array. Ids of
/// documents without one: `NAME` (an object), `NAME:N` (array element N, from 1); from standard
/// input the content id ([`default_id`]).
fn whole_items(name: &str, value: serde_json::Value, stdin: bool) -> Vec<Item> {
    let doc_of = |v: &serde_json::Value, at: Option<u64>| {
        Document::from_json(&v.to_string()).map(|mut doc| {
            if doc.id.is_none() {
                doc.id = Some(default_id(&doc, name, at, stdin));
            }
            doc
        })
    };
    match value {
        serde_json::Value::Array(values) => values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let what = format!("{name}:{}", i + 1);
                match doc_of(v, Some(i as u64 + 1)) {
                    Ok(doc) => Item::Doc { name: what, doc },
                    Err(e) => Item::Bad(InputError(format!("{what}: skipped: document {} of the array: {e}", i + 1))),
                }
            })
            .collect(),
        v => vec![match doc_of(&v, None) {
            Ok(doc) => Item::Doc { name: name.to_owned(), doc },
            Err(e) => Item::Bad(InputError(format!("{name}: skipped: {e}"))),
        }],
    }
}

/// The id of a document that has none: `FILE:N` (`at` = Some(N)) or `FILE` for a file, its
/// content id for standard input (no name to tell one run's documents from the next's).
fn default_id(doc: &Document, name: &str, at: Option<u64>, stdin: bool) -> String {
    match at {
        _ if stdin => khabar_index::derived_id(doc),
        Some(n) => format!("{name}:{n}"),
        None => name.to_owned(),
    }
}

/// How a `.json` file holds its documents.
enum JsonShape {
    /// JSON lines (the first line is a whole JSON value), or a file a whole-file parse fails on
    /// (read as JSON lines, each bad line reported and skipped, as a `.jsonl` file is).
    Lines,
    /// One JSON value over the whole file: an object, or an array of objects.
    Whole(serde_json::Value),
    /// Not JSON at all (the first character is neither `{` nor `[`).
    NotJson,
    /// Nothing but white space.
    Empty,
}

fn json_shape(text: &str) -> JsonShape {
    let body = khabar::strip_bom(text).trim_start();
    match body.as_bytes().first() {
        None => JsonShape::Empty,
        Some(b'[') => match serde_json::from_str::<serde_json::Value>(body) {
            Ok(v) => JsonShape::Whole(v),
            Err(_) => JsonShape::Lines,
        },
        Some(b'{') => {
            let first = body.split('\n').next().unwrap_or("");
            if serde_json::from_str::<serde_json::Value>(first).is_ok() {
                return JsonShape::Lines;
            }
            match serde_json::from_str::<serde_json::Value>(body) {
                Ok(v) => JsonShape::Whole(v),
                Err(_) => JsonShape::Lines,
            }
        }
        Some(_) => JsonShape::NotJson,
    }
}

/// Streams the documents of all sources in order.
pub struct Documents {
    sources: std::vec::IntoIter<Source>,
    format: InputFormat,
    lossy: bool,
    current: Option<Lines>,
    pending: std::collections::VecDeque<Item>,
    /// Bytes read so far (compressed sizes are not tracked; this counts decoded bytes).
    pub bytes_read: u64,
}

impl Documents {
    pub fn new(sources: Vec<Source>, format: InputFormat, lossy: bool) -> Documents {
        Documents { sources: sources.into_iter(), format, lossy, current: None, pending: Default::default(), bytes_read: 0 }
    }

    /// The documents of a `.json` file read whole (`text`): queued, or its lines to read.
    fn read_json_file(&mut self, name: String, text: String) {
        let shape = json_shape(&text);
        if !matches!(shape, JsonShape::Lines) {
            // (JSON lines are counted as they are read.)
            self.bytes_read += text.len() as u64;
        }
        let items = match shape {
            JsonShape::Empty => Vec::new(),
            JsonShape::Lines => {
                let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(text.into_bytes()));
                self.current = Some(Lines { name, reader, line_no: 0, stdin: false, sniff: false });
                return;
            }
            JsonShape::NotJson => vec![Item::Bad(InputError(format!(
                "{name}: skipped: not JSON (a .json file holds a document object, an array of them, or JSON lines; \
                 --input-format text reads it as text)"
            )))],
            JsonShape::Whole(v) => whole_items(&name, v, false),
        };
        self.pending.extend(items);
    }

    fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Some(p);
            }
            if let Some(Lines { name, reader, line_no, stdin, sniff }) = self.current.as_mut() {
                let mut buf = Vec::new();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => {
                        self.current = None;
                        continue;
                    }
                    Ok(n) => {
                        self.bytes_read += n as u64;
                        *line_no += 1;
                        while matches!(buf.last(), Some(b'\n' | b'\r')) {
                            buf.pop();
                        }
                        // A UTF-8 byte order mark (Windows tools write one before the first line;
                        // `cat` keeps each file's) is not part of the JSON.
                        let bom = buf.len() - khabar::strip_bom(buf.as_slice()).len();
                        buf.drain(..bom);
                        if buf.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        if std::mem::take(sniff) && serde_json::from_slice::<serde_json::Value>(&buf).is_err() {
                            // Standard input whose first line is not a whole JSON value:
                            // pretty-printed JSON (`jq . doc.json | khabar analyze -`), read
                            // whole as a .json file is; else JSON lines as before, the bad
                            // lines reported one by one.
                            let (name, stdin, first_line) = (name.clone(), *stdin, *line_no);
                            let mut rest = Vec::new();
                            if let Err(e) = reader.read_to_end(&mut rest) {
                                self.current = None;
                                return Some(Item::Bad(InputError(format!("{name}: read error: {e}"))));
                            }
                            buf.push(b'\n');
                            buf.extend_from_slice(&rest);
                            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&buf) {
                                self.bytes_read += rest.len() as u64;
                                self.current = None;
                                self.pending.extend(whole_items(&name, value, stdin));
                            } else {
                                self.bytes_read -= n as u64;
                                let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(buf));
                                self.current = Some(Lines { name, reader, line_no: first_line - 1, stdin, sniff: false });
                            }
                            continue;
                        }
                        let what = format!("{name}:{line_no}");
                        let line = match decode(buf, &what, self.lossy) {
                            Ok(l) => l,
                            Err(e) => return Some(Item::Bad(e)),
                        };
                        return Some(match Document::from_json(&line) {
                            Ok(mut doc) => {
                                if doc.id.is_none() {
                                    doc.id = Some(default_id(&doc, name, Some(*line_no), *stdin));
                                }
                                Item::Doc { name: what, doc }
                            }
                            Err(e) => Item::Bad(InputError(format!("{what}: skipped: {e}"))),
                        });
                    }
                    Err(e) => {
                        let msg = format!("{name}: read error: {e}");
                        self.current = None;
                        return Some(Item::Bad(InputError(msg)));
                    }
                }
            }
            let source = self.sources.next()?;
            let name = source.name();
            let mut reader = match source.open() {
                Ok(r) => r,
                Err(e) => return Some(Item::Bad(InputError(crate::error_text(&e)))),
            };
            let stdin = matches!(source, Source::Stdin);
            let jsonl = match (&source, self.format) {
                (Source::Stdin, InputFormat::Auto) => starts_like_json(&mut reader),
                _ => source.is_jsonl(self.format),
            };
            if jsonl {
                self.current = Some(Lines { name, reader, line_no: 0, stdin, sniff: stdin });
                continue;
            }
            let array = stdin && self.format == InputFormat::Auto && starts_like(&mut reader, b'[');
            let mut bytes = Vec::new();
            if let Err(e) = reader.read_to_end(&mut bytes) {
                return Some(Item::Bad(InputError(format!("{name}: read error: {e}"))));
            }
            let text = match decode(bytes, &name, self.lossy) {
                Ok(text) => text,
                Err(e) => return Some(Item::Bad(e)),
            };
            if self.format == InputFormat::Auto && source.looks_json() {
                self.read_json_file(name, text);
                continue;
            }
            // Standard input that is a JSON array of documents (`jq -s`), else text as before
            // (an article may start with `[`).
            if array {
                if let Ok(value @ serde_json::Value::Array(_)) = serde_json::from_str::<serde_json::Value>(khabar::strip_bom(text.as_str()))
                {
                    self.bytes_read += text.len() as u64;
                    self.pending.extend(whole_items(&name, value, true));
                    continue;
                }
            }
            self.bytes_read += text.len() as u64;
            let mut doc = Document::from_text(None, text);
            doc.id = Some(default_id(&doc, &name, None, stdin));
            return Some(Item::Doc { name, doc });
        }
    }

    /// Up to `n` items (fewer at the end).
    pub fn batch(&mut self, n: usize, max_bytes: usize) -> Vec<Item> {
        let mut out = Vec::new();
        let mut bytes = 0;
        while out.len() < n && bytes < max_bytes {
            match self.next_item() {
                Some(item) => {
                    if let Item::Doc { doc, .. } = &item {
                        bytes += doc.body.len();
                    }
                    out.push(item);
                }
                None => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_byte() {
        let e = decode(b"ab\xffcd".to_vec(), "x.txt", false).unwrap_err();
        assert!(e.0.contains("x.txt: invalid UTF-8 at byte 2"), "{}", e.0);
        assert_eq!(decode(b"ab\xffcd".to_vec(), "x.txt", true).unwrap(), "ab\u{FFFD}cd");
    }

    fn ids_and_errors(bytes: &[u8], name: &str) -> (Vec<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut docs = Documents::new(vec![Source::File(path)], InputFormat::Auto, false);
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        for item in docs.batch(100, usize::MAX) {
            match item {
                Item::Doc { doc, .. } => ids.push(doc.id.unwrap_or_default()),
                Item::Bad(e) => errors.push(e.0),
            }
        }
        (ids, errors)
    }

    /// A folder was read whole: an editor backup, a PDF, a model file became documents.
    #[test]
    fn a_folder_is_read_for_news_files_and_a_named_file_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        for f in ["a.txt", "b.jsonl", "c.json.gz", "sub/D.NDJSON", "notes.pdf", "a.txt~", ".DS_Store", "model.bin", "x.gz"] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        let names = |sources: Vec<Source>| -> Vec<String> {
            sources
                .iter()
                .map(|s| match s {
                    Source::File(p) => p.strip_prefix(d).unwrap().display().to_string(),
                    Source::Stdin => "-".to_owned(),
                })
                .collect()
        };
        assert_eq!(names(expand(&[d.to_path_buf()]).unwrap()), ["a.txt", "b.jsonl", "c.json.gz", "sub/D.NDJSON"]);
        // Named on the command line, any file is read.
        assert_eq!(names(expand(&[d.join("notes.pdf"), d.join("sub")]).unwrap()), ["notes.pdf", "sub/D.NDJSON"]);
        // A folder with nothing to read is an input error that says why.
        let only = tempfile::tempdir().unwrap();
        std::fs::write(only.path().join("model.bin"), b"x").unwrap();
        let e = expand(&[only.path().to_path_buf()]).unwrap_err();
        let msg = e.downcast_ref::<InputError>().expect("an input error").0.clone();
        assert!(msg.contains("no .txt, .json, .jsonl or .ndjson") && msg.contains("(1 other file skipped)"), "{msg}");
        let empty = tempfile::tempdir().unwrap();
        assert!(expand(&[empty.path().to_path_buf()]).unwrap_err().downcast_ref::<InputError>().is_some());
    }

    /// Ids were `FILE:LINE` with the path as typed: `./x.jsonl`, `x.jsonl` and `$PWD/x.jsonl`
    /// indexed every article three times.
    #[test]
    fn a_path_is_named_the_same_however_it_is_typed() {
        let cwd = std::env::current_dir().unwrap();
        for typed in [
            PathBuf::from("x.jsonl"),
            PathBuf::from("./x.jsonl"),
            PathBuf::from("a/./b/../../x.jsonl"),
            cwd.join("x.jsonl"),
            cwd.join("a/../x.jsonl"),
        ] {
            assert_eq!(path_name(&typed), "x.jsonl", "{}", typed.display());
        }
        assert_eq!(path_name(Path::new("data/x.jsonl")), "data/x.jsonl");
        assert_eq!(path_name(&cwd.join("data//x.jsonl")), "data/x.jsonl");
        if let Some(parent) = cwd.parent() {
            assert_eq!(path_name(&parent.join("shared/x.jsonl")), "../shared/x.jsonl");
            assert_eq!(path_name(Path::new("../shared/./x.jsonl")), "../shared/x.jsonl");
        }
        let depth = cwd.components().count() - 1;
        assert_eq!(path_name(Path::new("/x.jsonl")), format!("{}x.jsonl", "../".repeat(depth)));
    }

    /// A `.json` file was read as one plain-text document (its JSON as the body), while the
    /// Spark job read it as JSON lines: now it is a document object, an array of them, or JSON lines.
    #[test]
    fn a_json_file_holds_one_document_an_array_or_json_lines() {
        let one = "\u{FEFF}{\n  \"title\": \"عنوان\",\n  \"body\": \"نص أول\"\n}\n";
        let (ids, errors) = ids_and_errors(one.as_bytes(), "one.json");
        assert!(ids.len() == 1 && ids[0].ends_with("one.json") && errors.is_empty(), "{ids:?} {errors:?}");
        let array = "[\n {\"id\": \"a\", \"body\": \"نص\"},\n {\"body\": \"ثان\"},\n 7,\n {\"title\": \"بلا نص\"}\n]";
        let (ids, errors) = ids_and_errors(array.as_bytes(), "many.json");
        assert_eq!(ids.len(), 2, "{ids:?} {errors:?}");
        assert!(ids[0] == "a" && ids[1].ends_with("many.json:2"), "{ids:?}");
        assert!(
            errors.len() == 2 && errors[0].contains("many.json:3: skipped") && errors[1].contains("many.json:4: skipped"),
            "{errors:?}"
        );
        let lines = "{\"id\": \"a\", \"body\": \"نص\"}\n\nnot json\n{\"body\": \"ثان\"}\n";
        let (ids, errors) = ids_and_errors(lines.as_bytes(), "lines.json");
        assert!(ids.len() == 2 && ids[0] == "a" && ids[1].ends_with("lines.json:4"), "{ids:?} {errors:?}");
        assert!(errors.len() == 1 && errors[0].contains("lines.json:3"), "{errors:?}");
        // Not JSON: reported, not analysed as text; an empty file has no documents.
        let (ids, errors) = ids_and_errors("خبر عاجل".as_bytes(), "text.json");
        assert!(ids.is_empty() && errors.len() == 1 && errors[0].contains("not JSON"), "{ids:?} {errors:?}");
        assert_eq!(ids_and_errors(b" \n", "empty.json"), (Vec::new(), Vec::new()));
    }

    /// Plain text on standard input was always `<stdin>`, so a second text replaced the first
    /// in the index: now a text (or JSON line) without an id is named by its content.
    #[test]
    fn a_document_without_an_id_on_standard_input_is_named_by_its_content() {
        let a = Document::from_text(None, "نص أول");
        let b = Document::from_text(None, "نص ثان");
        let (ia, ib) = (default_id(&a, "<stdin>", None, true), default_id(&b, "<stdin>", Some(1), true));
        assert!(ia.starts_with('h') && ia.len() == 17 && ia != ib, "{ia} {ib}");
        assert_eq!(ia, default_id(&a.clone(), "<stdin>", Some(9), true));
        assert_eq!(default_id(&a, "x.txt", None, false), "x.txt");
        assert_eq!(default_id(&a, "x.jsonl", Some(3), false), "x.jsonl:3");
    }

    #[test]
    fn a_byte_order_mark_does_not_cost_a_jsonl_file_its_first_line() {
        // Windows tools write a UTF-8 BOM before the first line (and `cat` keeps the BOM of each file).
        let input = "\u{FEFF}{\"id\": \"a\", \"body\": \"نص\"}\r\n\u{FEFF}{\"id\": \"b\", \"body\": \"ثان\"}\r\n";
        let (ids, errors) = ids_and_errors(input.as_bytes(), "news.jsonl");
        assert_eq!(ids, ["a", "b"], "{errors:?}");
        assert!(errors.is_empty(), "{errors:?}");
    }
}
