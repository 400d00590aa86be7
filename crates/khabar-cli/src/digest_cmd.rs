//! `khabar train idf` (the corpus statistics of keyphrases and summaries) and
//! `khabar eval digest` (summary and keyphrases against headlines).

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use khabar::digest::{
    content_keys, digest_with_prior, keyphrase_features_with, lede_features, trimmed_sentence, Excluded, HeadRate, HeadRateBuilder, Idf,
    IdfBuilder, KP_FEATURES, LEDE_FEATURES,
};
use khabar::eval::digest::{eval_tokens, part_of, rouge_n, usable, Part, SystemScores};
use khabar::{Analyzer, AnalyzerOptions, DigestOptions, Document};
use rayon::prelude::*;

use crate::input::{expand, Documents, InputError, InputFormat, Item};

const NEWS: &str = "../shared/data/news/saudinewsnet.jsonl.gz";

/// Arguments of `khabar train idf`.
#[derive(clap::Args)]
#[command(after_help = "Example (the command that made models/digest-idf.bin, see models/MODELS.md):\n  \
khabar train idf --news ../shared/data/news/saudinewsnet.jsonl.gz --out models/digest-idf.bin")]
pub struct TrainIdfArgs {
    /// News articles (JSON lines with id and body, optionally .gz).
    #[arg(long, default_value = NEWS)]
    pub news: PathBuf,
    /// Keep lemmas seen in at least this many articles.
    #[arg(long, default_value_t = 3)]
    pub min_df: u32,
    /// Where to write the table.
    #[arg(long)]
    pub out: PathBuf,
}

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    pb.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} {{elapsed_precise}} {{pos}}/{{len}} {what} ({{per_sec}})"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb
}

/// Read every document of a JSON lines file, reporting bad lines on stderr.
fn for_each_batch(path: &Path, mut f: impl FnMut(Vec<Document>) -> Result<()>) -> Result<()> {
    if !path.exists() {
        return Err(InputError(format!("{}: no such file (the news corpus; see SOURCES.md)", path.display())).into());
    }
    let sources = expand(&[path.to_path_buf()])?;
    let mut docs = Documents::new(sources, InputFormat::Jsonl, false);
    loop {
        let batch = docs.batch(512, 32 << 20);
        if batch.is_empty() {
            return Ok(());
        }
        let mut good = Vec::with_capacity(batch.len());
        for item in batch {
            match item {
                Item::Doc { doc, .. } => good.push(doc),
                Item::Bad(e) => report!("khabar: {e}"),
            }
        }
        f(good)?;
    }
}

/// `khabar train idf`.
pub fn train_idf(args: TrainIdfArgs, out: &mut impl Write) -> Result<()> {
    crate::input::require_out_dir(&args.out)?;
    let t0 = Instant::now();
    let mut options = AnalyzerOptions::default();
    options.entities = false;
    options.keyphrases = 0;
    options.summary_sentences = 0;
    let analyzer = Analyzer::new(options);
    let mut total = IdfBuilder::default();
    let mut held_out = 0usize;
    let pb = bar(None, "articles");
    for_each_batch(&args.news, |docs| {
        let n = docs.len() as u64;
        let kept: Vec<Document> = docs.into_iter().filter(|d| d.id.as_deref().and_then(part_of).is_none()).collect();
        held_out += n as usize - kept.len();
        let part = kept
            .par_iter()
            .fold(IdfBuilder::default, |mut b, d| {
                let a = analyzer.analyze(&d.body);
                let keys = content_keys(&a);
                b.add_document(keys.iter().map(String::as_str));
                b
            })
            .reduce(IdfBuilder::default, |mut a, b| {
                a.merge(b);
                a
            });
        total.merge(part);
        pb.inc(n);
        Ok(())
    })?;
    pb.finish_and_clear();
    if total.documents() == 0 {
        // An empty table would silently replace a good one (the default of --news is the corpus,
        // a wrong path or a file of bad lines must not wipe models/digest-idf.bin).
        return Err(InputError(format!("{}: no articles to count; {} not written", args.news.display(), args.out.display())).into());
    }
    let file = std::fs::File::create(&args.out).with_context(|| format!("{}: cannot create", args.out.display()))?;
    let keys = total.write(args.min_df, std::io::BufWriter::new(file)).with_context(|| format!("{}: cannot write", args.out.display()))?;
    writeln!(
        out,
        "counted {} articles ({held_out} of the eval digest set left out); wrote {keys} lemmas seen in >= {} articles to {} in {:.1} s",
        total.documents(),
        args.min_df,
        args.out.display(),
        t0.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// Arguments of `khabar train head-rate`.
#[derive(clap::Args)]
#[command(after_help = "Example (the command that made models/digest-head.bin, see docs/digest.md):\n  \
khabar train head-rate --out models/digest-head.bin")]
pub struct TrainHeadRateArgs {
    /// News articles with headlines (JSON lines with id, title and body, optionally .gz).
    #[arg(long, default_value = NEWS)]
    pub news: PathBuf,
    /// Keep tokens in at least this many article bodies.
    #[arg(long, default_value_t = 20)]
    pub min_df: u32,
    /// Smoothing strengths to choose among (leave-one-out likelihood on the training articles).
    #[arg(long, default_value = "1,2,5,10,20,50,100")]
    pub smoothing: String,
    /// Where to write the table.
    #[arg(long)]
    pub out: PathBuf,
}

/// `khabar train head-rate`: over the training part of the news corpus (the usable articles
/// outside the eval digest set, what `eval digest --part train` reads), for each evaluation
/// token the articles whose body has it and those of them whose headline has it too.
pub fn train_head_rate(args: TrainHeadRateArgs, out: &mut impl Write) -> Result<()> {
    crate::input::require_out_dir(&args.out)?;
    let t0 = Instant::now();
    let mut total = HeadRateBuilder::default();
    for_each_batch(&args.news, |docs| {
        let part = docs
            .par_iter()
            .filter(|d| d.id.is_some() && d.id.as_deref().and_then(part_of).is_none() && usable(d.title.as_deref().unwrap_or(""), &d.body))
            .fold(HeadRateBuilder::default, |mut b, d| {
                b.add_article(&d.body, d.title.as_deref().unwrap_or(""));
                b
            })
            .reduce(HeadRateBuilder::default, |mut a, b| {
                a.merge(b);
                a
            });
        total.merge(part);
        Ok(())
    })?;
    if total.articles() == 0 {
        // Refuse before writing: an empty table would silently replace a good one.
        return Err(InputError(format!(
            "{}: no training articles (JSON lines with id, title and body, outside the eval digest set); {} not written",
            args.news.display(),
            args.out.display()
        ))
        .into());
    }
    let mut best: Option<(f64, f64)> = None;
    for a in args.smoothing.split(',').filter(|s| !s.is_empty()) {
        let a: f64 = a.trim().parse().map_err(|_| anyhow::anyhow!("--smoothing: {a:?} is not a number"))?;
        if a <= 0.0 {
            bail!("--smoothing: {a} is not positive");
        }
        let ll = total.loo_log_likelihood(args.min_df, a);
        writeln!(out, "smoothing a = {a}: leave-one-out log-likelihood per (token, article) {ll:.6}")?;
        if best.is_none_or(|b| ll > b.1) {
            best = Some((a, ll));
        }
    }
    let Some((a, _)) = best else { bail!("--smoothing: no value") };
    let file = std::fs::File::create(&args.out).with_context(|| format!("{}: cannot create", args.out.display()))?;
    let n = total.write(args.min_df, a, std::io::BufWriter::new(file)).with_context(|| format!("{}: cannot write", args.out.display()))?;
    writeln!(
        out,
        "counted {} training articles (p0 {:.4}); chose a = {a}; wrote {n} tokens in >= {} bodies to {} in {:.1} s",
        total.articles(),
        total.p0(),
        args.min_df,
        args.out.display(),
        t0.elapsed().as_secs_f64()
    )?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PartArg {
    Dev,
    Test,
    All,
    /// Articles outside the set (for training the lede model; never scored in docs).
    Train,
}

/// Arguments of `khabar eval digest`.
#[derive(clap::Args)]
#[command(after_help = "The set: articles of the news file whose id hashes (FNV-1a 64) to a multiple of 50; dev when the\n\
quotient is even, test when odd (see docs/digest.md). The full table with LexRank, TextRank and YAKE:\n  \
python3 scripts/digest_baselines.py --part test")]
pub struct EvalDigestArgs {
    /// News articles with headlines (JSON lines with id, title, body; optionally .gz).
    #[arg(long, default_value = NEWS)]
    pub news: PathBuf,
    /// Which part of the set to score: dev (tuned on), test (reported) or all.
    #[arg(long, value_enum, default_value = "test")]
    pub part: PartArg,
    /// Score only the first N articles of the part (a quick check).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip the first N articles of the part (with `--part train`: score articles the lede model was not fitted on).
    #[arg(long, default_value_t = 0)]
    pub skip: usize,
    /// Summary sentences per article (the first one is scored).
    #[arg(long, default_value_t = 3)]
    pub summary_sentences: usize,
    /// Write the part's articles with khabar's sentences as JSON lines (for baseline scripts) and stop.
    #[arg(long)]
    pub write_set: Option<PathBuf>,
    /// Score other systems' outputs too: JSON lines {"id", "system", "summary": "first sentence", "keyphrases": [..]}.
    #[arg(long)]
    pub baselines: Vec<PathBuf>,
    /// Override digest weights for tuning on dev, e.g. `position_boost=1.5,w_position=2`
    /// (lede model weights as `lede.<feature>=w`).
    #[arg(long)]
    pub weights: Option<String>,
    /// Write each article's sentence features and the ROUGE-1/2 of each sentence against the
    /// headline as JSON lines (training data of the lede model) and stop.
    #[arg(long)]
    pub dump_features: Option<PathBuf>,
    /// Write each article's keyphrase candidates (features, evaluation tokens of the text a
    /// keyphrase would show) and the headline's evaluation tokens as JSON lines (training data
    /// of the learned keyphrase scorer, scripts/digest_keyphrases.py) and stop.
    #[arg(long)]
    pub dump_keyphrases: Option<PathBuf>,
    /// A headline-rate table (from `khabar train head-rate`) instead of the embedded one.
    #[arg(long)]
    pub head_rate: Option<PathBuf>,
}

/// The part's usable articles, in file order.
fn load_set(args: &EvalDigestArgs) -> Result<Vec<Document>> {
    let want = |p: Option<Part>| match args.part {
        PartArg::All => p.is_some(),
        PartArg::Dev => p == Some(Part::Dev),
        PartArg::Test => p == Some(Part::Test),
        PartArg::Train => p.is_none(),
    };
    let mut set = Vec::new();
    for_each_batch(&args.news, |docs| {
        if args.limit.is_some_and(|n| set.len() >= args.skip + n) {
            return Ok(());
        }
        set.extend(
            docs.into_iter()
                .filter(|d| d.id.is_some() && want(d.id.as_deref().and_then(part_of)) && usable(d.title.as_deref().unwrap_or(""), &d.body)),
        );
        Ok(())
    })?;
    if let Some(n) = args.limit {
        set.truncate(args.skip + n);
    }
    set.drain(..args.skip.min(set.len()));
    Ok(set)
}

/// `khabar eval digest`.
pub fn eval_digest(args: EvalDigestArgs, out: &mut impl Write) -> Result<()> {
    let t0 = Instant::now();
    let mut digest = DigestOptions::default();
    digest.summary_sentences = args.summary_sentences.max(1);
    if let Some(w) = &args.weights {
        digest.set_weights(w).map_err(|e| anyhow::anyhow!("--weights: {e}"))?;
    }
    let analyzer = Analyzer::default().with_digest_options(digest.clone());
    let own_table = match &args.head_rate {
        Some(p) => Some(HeadRate::from_bytes(&crate::input::read_input(p)?)?),
        None => None,
    };
    let table = own_table.as_ref().unwrap_or(HeadRate::embedded());
    // Training articles are in the headline-rate table: each is scored with its own tokens left out.
    let loo = args.part == PartArg::Train;
    let analyze = |d: &Document| {
        let mut a = analyzer.analyze(&d.body);
        if loo || own_table.is_some() {
            let ex = loo.then(|| Excluded::of(&d.body, d.title.as_deref().unwrap_or("")));
            let dg = digest_with_prior(&a, &d.body, &digest, Idf::embedded(), table, ex.as_ref());
            a.keyphrases = dg.keyphrases;
            a.summary = dg.summary;
        }
        a
    };
    let set = load_set(&args)?;
    if set.is_empty() {
        bail!("no articles of the set in {}", args.news.display());
    }
    if let Some(p) = &args.dump_keyphrases {
        let lines: Vec<String> = set
            .par_iter()
            .map(|d| {
                let a = analyze(d);
                let h = eval_tokens(d.title.as_deref().unwrap_or(""));
                let ex = loo.then(|| Excluded::of(&d.body, d.title.as_deref().unwrap_or("")));
                let cands: Vec<serde_json::Value> = keyphrase_features_with(&a, &d.body, &digest, table, ex.as_ref())
                    .into_iter()
                    .map(|c| {
                        let f: Vec<f64> = c.features.iter().map(|x| (f64::from(*x) * 1e4).round() / 1e4).collect();
                        let w: Vec<[&str; 2]> = c.words.iter().map(|(k, s)| [k.as_str(), s.as_str()]).collect();
                        serde_json::json!({"f": f, "t": eval_tokens(&c.text), "w": w, "name": c.name})
                    })
                    .collect();
                let top: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
                serde_json::json!({"id": d.id, "head": h, "top": top, "cands": cands}).to_string()
            })
            .collect();
        write_dump(p, &KP_FEATURES, &lines)?;
        writeln!(out, "wrote the keyphrase candidates of {} articles to {}", set.len(), p.display())?;
        return Ok(());
    }
    if let Some(p) = &args.dump_features {
        let lines: Vec<String> = set
            .par_iter()
            .map(|d| {
                let a = analyzer.analyze(&d.body);
                let h = eval_tokens(d.title.as_deref().unwrap_or(""));
                let sentences: Vec<serde_json::Value> = lede_features(&a, &d.body, &digest)
                    .into_iter()
                    .map(|(f, text, link)| {
                        let t = eval_tokens(&text);
                        let head: String = text.chars().take(60).collect();
                        serde_json::json!({"f": f.to_vec(), "r1": rouge_n(&t, &h, 1), "r2": rouge_n(&t, &h, 2), "link": link, "text": head})
                    })
                    .collect();
                let full = a.sentences.first().map(|s| rouge_n(&eval_tokens(&s.text), &h, 1)).unwrap_or(0.0);
                serde_json::json!({"id": d.id, "lead_r1": full, "sentences": sentences}).to_string()
            })
            .collect();
        write_dump(p, &LEDE_FEATURES, &lines)?;
        writeln!(out, "wrote the sentence features of {} articles to {}", set.len(), p.display())?;
        return Ok(());
    }
    let analyses: Vec<khabar::Analysis> = set.par_iter().map(analyze).collect();
    if let Some(p) = &args.write_set {
        let mut w = std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?);
        for (d, a) in set.iter().zip(&analyses) {
            let sentences: Vec<&str> = a.sentences.iter().map(|s| s.text.as_str()).collect();
            let line = serde_json::json!({"id": d.id, "title": d.title, "body": d.body, "sentences": sentences});
            writeln!(w, "{line}")?;
        }
        w.flush()?;
        writeln!(out, "wrote {} articles to {}", set.len(), p.display())?;
        return Ok(());
    }
    let headlines: HashMap<&str, Vec<String>> =
        set.iter().map(|d| (d.id.as_deref().unwrap_or(""), eval_tokens(d.title.as_deref().unwrap_or("")))).collect();
    let mut khabar = SystemScores::default();
    let mut lead = SystemScores::default();
    // lead-1 trimmed as khabar trims its summary sentences (dateline opener, appended clause):
    // how much of khabar's gain over lead-1 the trimming alone gives.
    let mut lead_trimmed = SystemScores::default();
    for (d, a) in set.iter().zip(&analyses) {
        let h = &headlines[d.id.as_deref().unwrap_or("")];
        khabar.add_summary(a.summary.first().map_or("", |s| s.text.as_str()), h);
        let kps: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
        khabar.add_keyphrases(&kps, h);
        lead.add_summary(a.sentences.first().map_or("", |s| s.text.as_str()), h);
        lead_trimmed.add_summary(trimmed_sentence(a, 0, &digest).map_or("", |(start, end)| &d.body[start..end]), h);
    }
    let trimming = digest.trim_datelines || digest.trim_clauses;
    let mut rows: Vec<(String, SystemScores)> = vec![("khabar".into(), khabar), ("lead-1".into(), lead)];
    if trimming {
        rows.push(("lead-1 trimmed".into(), lead_trimmed));
    }
    for path in &args.baselines {
        let file = std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| InputError(format!("{}:{}: {e}", path.display(), i + 1)))?;
            let (Some(id), Some(system)) = (v["id"].as_str(), v["system"].as_str()) else {
                return Err(InputError(format!("{}:{}: needs \"id\" and \"system\"", path.display(), i + 1)).into());
            };
            let Some(h) = headlines.get(id) else { continue };
            let idx = match rows.iter().position(|r| r.0 == system) {
                Some(i) => i,
                None => {
                    rows.push((system.to_owned(), SystemScores::default()));
                    rows.len() - 1
                }
            };
            if let Some(s) = v.get("summary").filter(|s| !s.is_null()) {
                rows[idx].1.add_summary(s.as_str().unwrap_or(""), h);
            }
            if let Some(k) = v.get("keyphrases").and_then(|k| k.as_array()) {
                let kps: Vec<&str> = k.iter().filter_map(|x| x.as_str()).collect();
                rows[idx].1.add_keyphrases(&kps, h);
            }
        }
    }
    let part = match args.part {
        PartArg::Dev => "dev",
        PartArg::Test => "test",
        PartArg::All => "dev+test",
        PartArg::Train => "train (outside the set)",
    };
    writeln!(
        out,
        "khabar eval digest: {} {part} articles of {} (FNV-1a(id) % 50 == 0), {} summary sentences, {:.1} s\n",
        set.len(),
        args.news.display(),
        args.summary_sentences.max(1),
        t0.elapsed().as_secs_f64()
    )?;
    writeln!(out, "| system | articles | ROUGE-1 F | ROUGE-2 F | keyphrase recall@10 |")?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    let fmt = |x: Option<f64>| x.map_or("—".to_owned(), |v| format!("{:.2}", 100.0 * v));
    for (name, s) in &rows {
        writeln!(
            out,
            "| {name} | {} | {} | {} | {} |",
            s.summaries.max(s.keyphrase_articles),
            fmt(s.mean_rouge1()),
            fmt(s.mean_rouge2()),
            fmt(s.mean_recall())
        )?;
    }
    let k = &rows[0].1;
    writeln!(out)?;
    if let (Some(a), Some(b)) = (k.mean_rouge1(), rows[1].1.mean_rouge1()) {
        let r = a / b;
        writeln!(out, "summary ROUGE-1 vs lead-1: {r:.3}x (target >= 1.05x: {})", if r >= 1.05 { "met" } else { "NOT met" })?;
        if let Some(t) = rows.iter().find(|r| r.0 == "lead-1 trimmed").and_then(|r| r.1.mean_rouge1()) {
            writeln!(out, "summary ROUGE-1 vs lead-1 trimmed alike: {:.3}x (the lede choice alone)", a / t)?;
        }
    }
    match (k.mean_recall(), rows.iter().find(|r| r.0 == "yake").and_then(|r| r.1.mean_recall())) {
        (Some(a), Some(y)) if y > 0.0 => {
            let r = a / y;
            writeln!(out, "keyphrase recall@10 vs YAKE: {r:.3}x (target >= 1.3x: {})", if r >= 1.3 { "met" } else { "NOT met" })?;
        }
        _ => writeln!(out, "keyphrase recall@10 vs YAKE: no YAKE row (run scripts/digest_baselines.py)")?,
    }
    Ok(())
}

/// Write a dump: a header line naming the feature columns, then one JSON
/// line per article.
fn write_dump(p: &std::path::Path, features: &[&str], lines: &[String]) -> Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?);
    writeln!(w, "{}", serde_json::json!({ "features": features }))?;
    for l in lines {
        writeln!(w, "{l}")?;
    }
    w.flush()?;
    Ok(())
}
