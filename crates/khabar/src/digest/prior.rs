//! How headline-worthy a word is: the share of the news articles whose body has an
//! evaluation token that also have it in their headline (the "keyphraseness" of KEA and
//! Wikify), counted over the training part of the news corpus and embedded in the binary
//! (`models/digest-head.bin`, built by `khabar train head-rate`; see docs/digest.md).
//!
//! For a token t, `body_df(t)` counts the articles whose body contains t and `head_df(t)`
//! those of them whose headline contains it too; the rate is smoothed towards the global
//! rate p0 = Σ head_df / Σ body_df: `h(t) = (head_df + a·p0) / (body_df + a)`, a chosen by the
//! builder on held-out articles (leave-one-out likelihood). Tokens in fewer than `min_df`
//! bodies are left out and get p0.
//!
//! File format: the 8-byte header `KHHR0001`, then one deflate stream of UTF-8 text: a first
//! line `articles<TAB>N<TAB>p0<TAB>a<TAB>min_df`, then one `token<TAB>body_df<TAB>head_df` line
//! per token, sorted by token.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::{Read, Write};
use std::sync::LazyLock;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use crate::error::{Error, Result};
use crate::eval::digest::eval_tokens;

const MAGIC: &[u8; 8] = b"KHHR0001";

static EMBEDDED_BYTES: &[u8] = include_bytes!(env!("KHABAR_DIGEST_HEAD"));

static EMBEDDED: LazyLock<HeadRate> = LazyLock::new(|| HeadRate::from_bytes(EMBEDDED_BYTES).unwrap_or_else(|_| HeadRate::empty()));

/// Smoothed headline rates of evaluation tokens.
#[derive(Clone, Debug)]
pub struct HeadRate {
    articles: u64,
    p0: f32,
    a: f32,
    min_df: u32,
    counts: HashMap<String, (u32, u32)>,
}

impl Default for HeadRate {
    fn default() -> Self {
        HeadRate { articles: 0, p0: 0.1, a: 1.0, min_df: 1, counts: HashMap::default() }
    }
}

/// One article's own tokens, to be left out of the counts when the article itself is
/// scored (leave-one-out: a training article must not see its own headline).
#[derive(Clone, Debug, Default)]
pub struct Excluded {
    body: HashSet<String>,
    head: HashSet<String>,
}

impl Excluded {
    /// The tokens an article with this body and headline added to the table.
    pub fn of(body: &str, headline: &str) -> Excluded {
        Excluded { body: eval_tokens(body).into_iter().collect(), head: eval_tokens(headline).into_iter().collect() }
    }
}

impl HeadRate {
    /// The table embedded in khabar (the training part of SaudiNewsNet).
    pub fn embedded() -> &'static HeadRate {
        &EMBEDDED
    }

    /// A table that knows nothing: every token gets the same rate.
    pub fn empty() -> HeadRate {
        HeadRate::default()
    }

    /// Articles counted.
    pub fn articles(&self) -> u64 {
        self.articles
    }

    /// Tokens in the table.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether the table has no tokens.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The global rate p0 (what a token outside the table gets).
    pub fn p0(&self) -> f32 {
        self.p0
    }

    /// `(body_df, head_df)` of a token (0, 0 when not in the table).
    pub fn counts(&self, token: &str) -> (u32, u32) {
        self.counts.get(token).copied().unwrap_or((0, 0))
    }

    /// The smoothed rate `h(t)` of an evaluation token, with `exclude`'s article left out
    /// of the counts.
    pub fn rate(&self, token: &str, exclude: Option<&Excluded>) -> f32 {
        let Some(&(mut b, mut h)) = self.counts.get(token) else {
            return self.p0;
        };
        if let Some(x) = exclude {
            if x.body.contains(token) {
                b = b.saturating_sub(1);
                if x.head.contains(token) {
                    h = h.saturating_sub(1);
                }
            }
        }
        if b < self.min_df {
            return self.p0;
        }
        smoothed(h, b, self.a, self.p0)
    }

    /// Read a table written by [`HeadRateBuilder::write`].
    pub fn from_bytes(bytes: &[u8]) -> Result<HeadRate> {
        let bad = |m: &str| Error::Model(format!("head-rate table: {m}"));
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("wrong header"))?;
        let mut text = String::new();
        DeflateDecoder::new(body).read_to_string(&mut text).map_err(|e| bad(&e.to_string()))?;
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let [tag, n, p0, a, min_df] = head[..] else {
            return Err(bad("no header line"));
        };
        if tag != "articles" {
            return Err(bad("no header line"));
        }
        let num = |s: &str| s.parse::<f64>().map_err(|_| bad("bad number"));
        let (articles, p0, a, min_df) = (num(n)? as u64, num(p0)? as f32, num(a)? as f32, num(min_df)? as u32);
        // `a` finite too: `inf` (or 1e39, infinite as f32) made every rate NaN.
        if !(p0 > 0.0 && p0 < 1.0 && a > 0.0 && a.is_finite()) {
            return Err(bad("p0 outside (0, 1) or a not positive and finite"));
        }
        let mut counts = HashMap::default();
        for line in lines {
            let mut f = line.split('\t');
            let (Some(t), Some(b), Some(h)) = (f.next(), f.next(), f.next()) else {
                return Err(bad("line without three fields"));
            };
            let b: u32 = b.parse().map_err(|_| bad("bad count"))?;
            let h: u32 = h.parse().map_err(|_| bad("bad count"))?;
            if h > b {
                return Err(bad("head_df above body_df"));
            }
            counts.insert(t.to_owned(), (b, h));
        }
        Ok(HeadRate { articles, p0, a, min_df: min_df.max(1), counts })
    }
}

fn smoothed(h: u32, b: u32, a: f32, p0: f32) -> f32 {
    (h as f32 + a * p0) / (b as f32 + a)
}

/// Counts body and headline document frequencies; see [`HeadRate`].
#[derive(Clone, Debug, Default)]
pub struct HeadRateBuilder {
    articles: u64,
    counts: HashMap<String, (u32, u32)>,
}

impl HeadRateBuilder {
    /// Count one article.
    pub fn add_article(&mut self, body: &str, headline: &str) {
        let x = Excluded::of(body, headline);
        self.articles += 1;
        for t in x.body {
            let head = x.head.contains(&t);
            let c = self.counts.entry(t).or_insert((0, 0));
            c.0 += 1;
            c.1 += u32::from(head);
        }
    }

    /// Merge counts from another builder (for counting in parallel).
    pub fn merge(&mut self, other: HeadRateBuilder) {
        self.articles += other.articles;
        for (t, (b, h)) in other.counts {
            let c = self.counts.entry(t).or_insert((0, 0));
            c.0 += b;
            c.1 += h;
        }
    }

    /// Articles counted so far.
    pub fn articles(&self) -> u64 {
        self.articles
    }

    /// The global rate: Σ head_df / Σ body_df over every token.
    pub fn p0(&self) -> f64 {
        let (b, h) = self.counts.values().fold((0u64, 0u64), |s, c| (s.0 + c.0 as u64, s.1 + c.1 as u64));
        if b == 0 {
            0.1
        } else {
            (h as f64 / b as f64).clamp(1e-6, 1.0 - 1e-6)
        }
    }

    /// Mean leave-one-out log-likelihood, per (token, article) pair of the tokens kept
    /// (body_df ≥ `min_df`), of "the headline has the token" with smoothing `a`: each article's
    /// pair predicted from the counts without it.
    pub fn loo_log_likelihood(&self, min_df: u32, a: f64) -> f64 {
        let p0 = self.p0();
        let (mut ll, mut n) = (0.0f64, 0u64);
        for &(b, h) in self.counts.values() {
            if b < min_df.max(2) {
                continue;
            }
            let (b, h) = (b as f64, h as f64);
            if h > 0.0 {
                ll += h * ((h - 1.0 + a * p0) / (b - 1.0 + a)).ln();
            }
            if b > h {
                ll += (b - h) * (1.0 - (h + a * p0) / (b - 1.0 + a)).ln();
            }
            n += b as u64;
        }
        if n == 0 {
            0.0
        } else {
            ll / n as f64
        }
    }

    /// Write the table, keeping tokens in at least `min_df` bodies; returns the tokens written.
    pub fn write(&self, min_df: u32, a: f64, out: impl Write) -> std::io::Result<usize> {
        let mut keys: Vec<(&String, &(u32, u32))> = self.counts.iter().filter(|(_, c)| c.0 >= min_df).collect();
        keys.sort_unstable();
        let mut out = out;
        out.write_all(MAGIC)?;
        let mut enc = DeflateEncoder::new(out, Compression::best());
        writeln!(enc, "articles\t{}\t{:.6}\t{a}\t{min_df}", self.articles, self.p0())?;
        for (t, (b, h)) in &keys {
            writeln!(enc, "{t}\t{b}\t{h}")?;
        }
        enc.finish()?;
        Ok(keys.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_leave_one_out() {
        let mut b = HeadRateBuilder::default();
        b.add_article("وقعت الحكومة اتفاقية تعاون مع الشركة", "الحكومة توقع اتفاقية تعاون");
        b.add_article("قالت الشركة إن الاتفاقية مهمة", "تصريحات الشركة اليوم");
        b.add_article("الشركة تعلن أرباحها", "أرباح قياسية للشركة");
        let mut bytes = Vec::new();
        b.write(1, 2.0, &mut bytes).unwrap();
        let t = HeadRate::from_bytes(&bytes).unwrap();
        assert_eq!(t.articles(), 3);
        let company = eval_tokens("الشركة").remove(0);
        // In three bodies, in two headlines (the first headline does not name the company).
        assert_eq!(t.counts(&company), (3, 2));
        let p0 = t.p0();
        assert!((t.rate(&company, None) - (2.0 + 2.0 * p0) / 5.0).abs() < 1e-6);
        let x = Excluded::of("الشركة تعلن أرباحها", "أرباح قياسية للشركة");
        assert!((t.rate(&company, Some(&x)) - (1.0 + 2.0 * p0) / 4.0).abs() < 1e-6);
        let y = Excluded::of("وقعت الحكومة اتفاقية تعاون مع الشركة", "الحكومة توقع اتفاقية تعاون");
        assert!((t.rate(&company, Some(&y)) - (2.0 + 2.0 * p0) / 4.0).abs() < 1e-6);
        assert_eq!(t.rate("غيرموجود", None), p0);
        assert!(b.loo_log_likelihood(1, 2.0).is_finite());
    }

    fn table(text: &str) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        let mut enc = DeflateEncoder::new(&mut bytes, Compression::fast());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
        bytes
    }

    #[test]
    fn a_table_that_reads_gives_rates_in_0_1() {
        // Before: `a` = inf (or 1e39, infinite as f32) was read, and every rate was NaN.
        for a in ["inf", "1e39", "NaN", "-1", "0"] {
            let t = HeadRate::from_bytes(&table(&format!("articles\t10\t0.1\t{a}\t1\nكلمة\t5\t1\n")));
            assert!(t.is_err(), "a = {a}");
        }
        let t = HeadRate::from_bytes(&table("articles\t10\t0.1\t2\t1\nكلمة\t5\t1\n")).unwrap();
        let r = t.rate("كلمة", None);
        assert!(r > 0.0 && r < 1.0, "{r}");
    }

    #[test]
    fn bad_bytes_are_errors() {
        assert!(HeadRate::from_bytes(b"").is_err());
        assert!(HeadRate::from_bytes(b"KHHR0001garbage").is_err());
        assert!(!HeadRate::embedded().is_empty());
    }
}
