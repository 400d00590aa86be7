//! `khabar bench`: throughput of khabar's text core next to its peers, in one run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use khabar_text::{light_stem, normalize_aligned, normalize_into, split_sentences, tokenize, Profile, TokenKind};

use crate::input::{expand, Documents, InputFormat, Item};
use crate::peers;

/// Where the news corpus usually is, relative to the working directory.
pub const NEWS_CANDIDATES: &[&str] = &["../shared/data/news/saudinewsnet.jsonl.gz", "shared/data/news/saudinewsnet.jsonl.gz"];

pub fn default_corpus() -> PathBuf {
    if let Some(dir) = std::env::var_os("KHABAR_DATA") {
        let p = Path::new(&dir).join("news/saudinewsnet.jsonl.gz");
        if p.exists() {
            return p;
        }
    }
    NEWS_CANDIDATES.iter().map(PathBuf::from).find(|p| p.exists()).unwrap_or_else(|| PathBuf::from("examples"))
}

pub struct BenchArgs {
    pub corpus: Option<PathBuf>,
    pub max_mb: usize,
    pub runs: usize,
    pub write_corpus: Option<PathBuf>,
}

struct Row {
    name: &'static str,
    what: &'static str,
    best: Duration,
    tokens: usize,
}

fn best_of<F: FnMut() -> usize>(runs: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut n = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        n = std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    (best, n)
}

pub fn run(args: BenchArgs, out: &mut impl Write) -> Result<()> {
    let corpus = args.corpus.clone().unwrap_or_else(default_corpus);
    let sources = expand(std::slice::from_ref(&corpus))?;
    let mut docs = Documents::new(sources, InputFormat::Auto, true);
    let limit = args.max_mb.saturating_mul(1 << 20);
    let mut texts: Vec<String> = Vec::new();
    let mut total = 0usize;
    while total < limit {
        let batch = docs.batch(1024, usize::MAX);
        if batch.is_empty() {
            break;
        }
        for item in batch {
            if let Item::Doc { doc, .. } = item {
                total += doc.body.len();
                texts.push(doc.body);
            }
        }
    }
    if total == 0 {
        bail!("{}: no text to measure", corpus.display());
    }
    if let Some(path) = &args.write_corpus {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("{}: cannot create", path.display()))?);
        for t in &texts {
            f.write_all(t.as_bytes())?;
            f.write_all(b"\n\n")?;
        }
        f.flush()?;
        writeln!(out, "wrote {} documents ({:.1} MB) to {}", texts.len(), total as f64 / 1e6, path.display())?;
    }
    writeln!(
        out,
        "corpus: {} — {} documents, {:.1} MB; best of {} runs, one thread",
        corpus.display(),
        texts.len(),
        total as f64 / 1e6,
        args.runs
    )?;

    let mut rows = Vec::new();
    let (best, tokens) = best_of(args.runs, || texts.iter().map(|t| tokenize(t).count()).sum());
    rows.push(Row { name: "khabar", what: "tokenise", best, tokens });

    let (best, tokens) = best_of(args.runs, || {
        let mut buf = String::new();
        let mut n = 0;
        for t in &texts {
            for tok in tokenize(t) {
                buf.clear();
                normalize_into(tok.text(t), Profile::Search, &mut buf);
                n += 1;
            }
        }
        n
    });
    rows.push(Row { name: "khabar", what: "tokenise + normalise tokens", best, tokens });

    let (best, tokens) = best_of(args.runs, || {
        texts
            .iter()
            .map(|t| {
                let n = normalize_aligned(t, Profile::Search);
                std::hint::black_box(n.normalized().len());
                tokenize(t).count()
            })
            .sum()
    });
    rows.push(Row { name: "khabar", what: "normalise text (aligned) + tokenise", best, tokens });

    let (best, tokens) = best_of(args.runs, || {
        let mut buf = String::new();
        let mut n = 0;
        let mut toks = Vec::new();
        for t in &texts {
            toks.clear();
            toks.extend(tokenize(t));
            let sents = split_sentences(t, &toks);
            std::hint::black_box(sents.len());
            for tok in &toks {
                buf.clear();
                normalize_into(tok.text(t), Profile::Search, &mut buf);
                if tok.kind == TokenKind::Arabic {
                    std::hint::black_box(light_stem(&buf));
                }
            }
            n += toks.len();
        }
        n
    });
    rows.push(Row { name: "khabar", what: "normalise + tokenise + sentences + stems", best, tokens });

    let (best, tokens) = best_of(args.runs, || texts.iter().map(|t| peers::charabia_count(t)).sum());
    rows.push(Row { name: "charabia 0.10", what: "tokenize (normalise + segment)", best, tokens });

    let mut analyzer = peers::tantivy_default();
    let (best, tokens) = best_of(args.runs, || texts.iter().map(|t| peers::tantivy_count(&mut analyzer, t)).sum());
    rows.push(Row { name: "tantivy 0.27", what: "default tokenizer (simple + lowercase)", best, tokens });

    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Arabic);
    let (best, _) = best_of(args.runs, || texts.iter().map(|t| peers::tantivy_stem_count(&mut analyzer, &stemmer, t)).sum());
    let tokens = rows.last().map_or(0, |r| r.tokens);
    rows.push(Row { name: "tantivy + rust-stemmers", what: "default tokenizer + Snowball Arabic", best, tokens });

    writeln!(out)?;
    writeln!(out, "{:<24} {:<42} {:>10} {:>14} {:>12}", "engine", "work", "MB/s", "tokens/s", "tokens")?;
    for r in &rows {
        let secs = r.best.as_secs_f64().max(1e-9);
        writeln!(
            out,
            "{:<24} {:<42} {:>10.1} {:>14.0} {:>12}",
            r.name,
            r.what,
            total as f64 / 1e6 / secs,
            r.tokens as f64 / secs,
            r.tokens
        )?;
    }
    Ok(())
}
