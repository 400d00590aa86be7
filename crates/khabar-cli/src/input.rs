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
    /// character is `{`; the rest plain text.
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
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_owned(),
            Source::File(p) => p.display().to_string(),
        }
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
    match reader.fill_buf() {
        Ok(buf) => khabar::strip_bom(buf).iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
        Err(_) => false,
    }
}

/// Expand the command-line inputs: `-` is standard input, a folder is every
/// regular, non-hidden file under it (sorted), no input at all is standard input.
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
            out.extend(files.into_iter().map(Source::File));
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

/// Streams the documents of all sources in order.
pub struct Documents {
    sources: std::vec::IntoIter<Source>,
    format: InputFormat,
    lossy: bool,
    current: Option<(String, Box<dyn BufRead + Send>, u64)>,
    pending: Option<Item>,
    /// Bytes read so far (compressed sizes are not tracked; this counts decoded bytes).
    pub bytes_read: u64,
}

impl Documents {
    pub fn new(sources: Vec<Source>, format: InputFormat, lossy: bool) -> Documents {
        Documents { sources: sources.into_iter(), format, lossy, current: None, pending: None, bytes_read: 0 }
    }

    fn next_item(&mut self) -> Option<Item> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        loop {
            if let Some((name, reader, line_no)) = self.current.as_mut() {
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
                        let what = format!("{name}:{line_no}");
                        let line = match decode(buf, &what, self.lossy) {
                            Ok(l) => l,
                            Err(e) => return Some(Item::Bad(e)),
                        };
                        return Some(match Document::from_json(&line) {
                            Ok(mut doc) => {
                                if doc.id.is_none() {
                                    doc.id = Some(format!("{name}:{line_no}"));
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
            let jsonl = match (&source, self.format) {
                (Source::Stdin, InputFormat::Auto) => starts_like_json(&mut reader),
                _ => source.is_jsonl(self.format),
            };
            if jsonl {
                self.current = Some((name, reader, 0));
                continue;
            }
            let mut bytes = Vec::new();
            if let Err(e) = reader.read_to_end(&mut bytes) {
                return Some(Item::Bad(InputError(format!("{name}: read error: {e}"))));
            }
            self.bytes_read += bytes.len() as u64;
            return Some(match decode(bytes, &name, self.lossy) {
                Ok(text) => {
                    let id = match &source {
                        Source::Stdin => None,
                        Source::File(_) => Some(name.clone()),
                    };
                    Item::Doc { name, doc: Document::from_text(id, text) }
                }
                Err(e) => Item::Bad(e),
            });
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

    #[test]
    fn a_byte_order_mark_does_not_cost_a_jsonl_file_its_first_line() {
        // Windows tools write a UTF-8 BOM before the first line (and `cat` keeps the BOM of each file).
        let input = "\u{FEFF}{\"id\": \"a\", \"body\": \"نص\"}\r\n\u{FEFF}{\"id\": \"b\", \"body\": \"ثان\"}\r\n";
        let (ids, errors) = ids_and_errors(input.as_bytes(), "news.jsonl");
        assert_eq!(ids, ["a", "b"], "{errors:?}");
        assert!(errors.is_empty(), "{errors:?}");
    }
}
