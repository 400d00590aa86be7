//! Inverse document frequencies of lemmas, counted over a news corpus and
//! embedded in the binary (`models/digest-idf.bin`, built by `khabar train idf`).
//!
//! File format: the 8-byte header `KHIDF001`, then one deflate stream of UTF-8
//! text: a first line `documents<TAB>N`, then one `key<TAB>df` line per key,
//! sorted by key. Keys are [`word_key`]s of content words; keys seen in fewer
//! than a handful of documents are left out (they get the idf of a key seen once).

use rustc_hash::FxHashMap as HashMap;
use std::io::{Read, Write};
use std::sync::LazyLock;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use khabar_text::{is_stopword, normalize_into, Profile};

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"KHIDF001";

static EMBEDDED_BYTES: &[u8] = include_bytes!(env!("KHABAR_DIGEST_IDF"));

static EMBEDDED: LazyLock<Idf> = LazyLock::new(|| Idf::from_bytes(EMBEDDED_BYTES).unwrap_or_else(|_| Idf::empty()));

/// Document frequencies of word keys over a corpus.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    documents: u64,
    df: HashMap<String, u32>,
}

impl Idf {
    /// The table embedded in khabar (SaudiNewsNet without the `khabar eval digest` articles).
    pub fn embedded() -> &'static Idf {
        &EMBEDDED
    }

    /// A table that knows no corpus: every key gets the same weight.
    pub fn empty() -> Idf {
        Idf::default()
    }

    /// Number of documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Number of keys in the table.
    pub fn len(&self) -> usize {
        self.df.len()
    }

    /// Whether the table has no keys.
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }

    /// Documents that contain `key` (0 when not in the table).
    pub fn df(&self, key: &str) -> u32 {
        self.df.get(key).copied().unwrap_or(0)
    }

    /// Every key of the table with its document frequency (in no set order).
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.df.iter().map(|(k, &d)| (k.as_str(), d))
    }

    /// `ln((N + 1) / (df + 1)) + 1`, with a key missing from the table counted
    /// as seen in one document. An empty table gives 1 for every key.
    pub fn idf(&self, key: &str) -> f32 {
        if self.documents == 0 {
            return 1.0;
        }
        let df = self.df(key).max(1) as f64;
        (((self.documents as f64 + 1.0) / (df + 1.0)).ln() + 1.0) as f32
    }

    /// Start counting a new table.
    pub fn builder() -> IdfBuilder {
        IdfBuilder::default()
    }

    /// Read a table written by [`IdfBuilder::write`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Idf> {
        let bad = |m: &str| Error::Model(format!("idf table: {m}"));
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("wrong header"))?;
        let mut text = String::new();
        DeflateDecoder::new(body).read_to_string(&mut text).map_err(|e| bad(&e.to_string()))?;
        let mut lines = text.lines();
        let documents = lines
            .next()
            .and_then(|l| l.strip_prefix("documents\t"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad("no documents line"))?;
        let mut df = HashMap::default();
        for line in lines {
            let (k, n) = line.split_once('\t').ok_or_else(|| bad("line without a tab"))?;
            df.insert(k.to_owned(), n.parse().map_err(|_| bad("bad count"))?);
        }
        Ok(Idf { documents, df })
    }
}

/// Counts document frequencies; see [`Idf::builder`].
#[derive(Clone, Debug, Default)]
pub struct IdfBuilder {
    documents: u64,
    df: HashMap<String, u32>,
}

impl IdfBuilder {
    /// Count one document given the keys of its words (repeats are counted once).
    pub fn add_document<'a>(&mut self, keys: impl IntoIterator<Item = &'a str>) {
        self.documents += 1;
        let mut seen: Vec<&str> = keys.into_iter().collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            if let Some(n) = self.df.get_mut(k) {
                *n += 1;
            } else {
                self.df.insert(k.to_owned(), 1);
            }
        }
    }

    /// Merge counts from another builder (for counting in parallel).
    pub fn merge(&mut self, other: IdfBuilder) {
        self.documents += other.documents;
        for (k, n) in other.df {
            *self.df.entry(k).or_insert(0) += n;
        }
    }

    /// Number of documents counted so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Write the table, keeping keys seen in at least `min_df` documents.
    pub fn write(&self, min_df: u32, out: impl Write) -> std::io::Result<usize> {
        let mut keys: Vec<(&String, &u32)> = self.df.iter().filter(|(_, &n)| n >= min_df).collect();
        keys.sort_unstable();
        let mut out = out;
        out.write_all(MAGIC)?;
        let mut enc = DeflateEncoder::new(out, Compression::best());
        writeln!(enc, "documents\t{}", self.documents)?;
        for (k, n) in &keys {
            writeln!(enc, "{k}\t{n}")?;
        }
        enc.finish()?;
        Ok(keys.len())
    }

    /// The finished table, keeping keys seen in at least `min_df` documents.
    pub fn build(&self, min_df: u32) -> Idf {
        Idf { documents: self.documents, df: self.df.iter().filter(|(_, &n)| n >= min_df).map(|(k, &n)| (k.clone(), n)).collect() }
    }
}

/// The key a word is counted and grouped under: its lemma (or, without
/// morphology, its form) search-normalised, with a leading ال removed from
/// words of more than three letters. Empty when nothing is left.
pub fn word_key(lemma: &str, out: &mut String) {
    out.clear();
    normalize_into(lemma, Profile::Search, out);
    if out.starts_with("ال") && out.chars().count() > 4 {
        out.drain(..4);
    }
}

/// Whether a word key is a function word (never a keyphrase word).
pub fn is_function_key(key: &str) -> bool {
    key.is_empty() || is_stopword(key) || key.chars().count() < 2
}
