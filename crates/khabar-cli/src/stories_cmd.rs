//! `khabar dups`, `khabar stories`, `khabar story`, `khabar eval stories` and
//! `khabar bench-stories`: near-duplicates and stories recorded at ingest by
//! `khabar index` (crate `khabar-stories`; design in docs/stories.md).

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use khabar::{Analysis, Analyzer};
use khabar_index::stories::{self as st, eval, Features, Options, StoryEngine};
use khabar_index::{parse_date, SearchIndex};
use rayon::prelude::*;
use serde::Serialize;

use crate::input::{date_range, expand, Documents, InputError, InputFormat, Item};

/// A number of days (`3`, `1.5`), for `--story-window`.
pub fn parse_days(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('d').parse::<f64>() {
        Ok(d) if d.is_finite() && d > 0.0 && d <= 3650.0 => Ok(d),
        _ => Err(format!("{s:?}: expected a number of days above 0 and at most 3650, e.g. 3 or 1.5")),
    }
}

/// Arguments of `khabar dups`.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  khabar dups --index news.idx --json")]
pub struct DupsArgs {
    /// The index folder.
    #[arg(long)]
    pub index: PathBuf,
    /// Print {"groups": [[id, id, ...], ...]}.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `khabar stories`.
#[derive(clap::Args)]
#[command(after_help = "Stories with at least one article published in [--from, --to], biggest first;\n\
only those articles are listed.\n\nExamples:\n  khabar stories --index news.idx --from 2015-08-01 --to 2015-08-01\n  khabar stories --index news.idx --json --min-articles 1")]
pub struct StoriesArgs {
    /// The index folder.
    #[arg(long)]
    pub index: PathBuf,
    /// Print {"stories": [{"id", "title", "articles", "entities", "first_seen", "last_seen", "count", "sources", ...}]}.
    #[arg(long)]
    pub json: bool,
    /// Only articles published on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles published on or before this date (a whole day when no time is given).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only stories with at least this many articles (in the range).
    #[arg(long, default_value_t = 2)]
    pub min_articles: usize,
    /// Show at most this many stories (0: all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
}

/// Arguments of `khabar story`.
#[derive(clap::Args)]
pub struct StoryArgs {
    /// The story id (as `khabar stories` prints it).
    pub id: String,
    /// The index folder.
    #[arg(long)]
    pub index: PathBuf,
    /// Print the story as JSON (with "details": its articles).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `khabar eval stories`.
#[derive(clap::Args)]
#[command(after_help = "GOLD: JSON lines {\"id\", \"story\", \"dup\"?}: a story label per article, and for articles\n\
that copy one another a shared \"dup\" label. Labelled articles missing from the index are\n\
reported and left out.\n\nExamples:\n  khabar eval stories crates/khabar-stories/tests/data/stories-dev.jsonl --index news.idx\n  \
khabar eval stories GOLD.jsonl --corpus ../shared/data/news/saudinewsnet.jsonl.gz --from 2015-07-31 --to 2015-08-02 --sweep")]
pub struct EvalStoriesArgs {
    /// The labels (JSON lines).
    pub gold: PathBuf,
    /// The index built by `khabar index` (its recorded groups and stories are scored).
    #[arg(long, required_unless_present = "corpus")]
    pub index: Option<PathBuf>,
    /// Instead of an index: analyse this corpus (JSON lines) and run the engine in memory.
    #[arg(long, conflicts_with = "index")]
    pub corpus: Option<PathBuf>,
    /// With --corpus: only articles published on or after this date.
    #[arg(long, value_name = "DATE", requires = "corpus")]
    pub from: Option<String>,
    /// With --corpus: only articles published on or before this date.
    #[arg(long, value_name = "DATE", requires = "corpus")]
    pub to: Option<String>,
    /// With --corpus: engine options as NAME=VALUE (fields of khabar_stories::Options), repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", requires = "corpus")]
    pub set: Vec<String>,
    /// With --corpus: score a grid of join thresholds and weights (for tuning on the dev set; the
    /// merge threshold follows the join threshold).
    #[arg(long, requires = "corpus")]
    pub sweep: bool,
    /// With --corpus: keep the analysed features in this file (JSON) and reuse them on later runs.
    #[arg(long, value_name = "FILE", requires = "corpus")]
    pub features_cache: Option<PathBuf>,
    /// Print the labelled pairs the system got wrong (missed and spurious), by id.
    #[arg(long)]
    pub explain: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `khabar bench-stories`.
#[derive(clap::Args)]
pub struct BenchStoriesArgs {
    /// Corpus (JSON lines with published dates).
    pub corpus: PathBuf,
    /// Replay the corpus this many times, with new ids, each copy later than the last.
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
    /// Story window in days.
    #[arg(long, default_value_t = 3.0, value_parser = parse_days)]
    pub story_window: f64,
    /// Also time writing and reading the state after each copy.
    #[arg(long)]
    pub state: bool,
}

fn input_error(e: khabar_index::Error) -> anyhow::Error {
    if e.is_input() {
        anyhow::Error::new(InputError(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

/// Run `khabar dups`.
pub fn dups(args: DupsArgs, out: &mut dyn Write) -> Result<()> {
    let idx = SearchIndex::open(&args.index).map_err(input_error)?;
    let groups = st::list_dups(&idx)?;
    if args.json {
        #[derive(Serialize)]
        struct Groups<'a> {
            groups: &'a [Vec<String>],
        }
        serde_json::to_writer(&mut *out, &Groups { groups: &groups })?;
        writeln!(out)?;
        return Ok(());
    }
    let copies: usize = groups.iter().map(|g| g.len() - 1).sum();
    writeln!(out, "{} near-duplicate groups ({copies} copies) in {} documents", groups.len(), idx.num_docs())?;
    for g in &groups {
        writeln!(out, "{:>4}  {}", g.len(), g.join(" "))?;
    }
    Ok(())
}

/// Run `khabar stories`.
pub fn stories(args: StoriesArgs, out: &mut dyn Write) -> Result<()> {
    let idx = SearchIndex::open(&args.index).map_err(input_error)?;
    let (from, to) = date_range(args.from.as_deref(), args.to.as_deref())?;
    let mut list = st::list_stories(&idx, from, to)?;
    list.retain(|s| s.count >= args.min_articles);
    let found = list.len();
    if args.limit > 0 {
        list.truncate(args.limit);
    }
    if args.json {
        #[derive(Serialize)]
        struct Stories<'a> {
            stories: &'a [st::StorySummary],
        }
        serde_json::to_writer(&mut *out, &Stories { stories: &list })?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{found} stories with {} or more articles{}",
        args.min_articles,
        if found > list.len() { format!(" (showing {})", list.len()) } else { String::new() }
    )?;
    for s in &list {
        write_story(out, s)?;
    }
    Ok(())
}

fn write_story(out: &mut dyn Write, s: &st::StorySummary) -> Result<()> {
    writeln!(out)?;
    writeln!(out, "{}  ({} articles, {} sources)", s.title, s.count, s.sources.len())?;
    let span = match (&s.first_seen, &s.last_seen) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a.clone(),
        _ => "undated".to_owned(),
    };
    writeln!(out, "  story {} · {span}", s.id)?;
    if !s.sources.is_empty() {
        writeln!(out, "  sources: {}", s.sources.join(", "))?;
    }
    if !s.entities.is_empty() {
        let e: Vec<String> = s.entities.iter().map(|e| format!("{} ({})", e.name, e.articles)).collect();
        writeln!(out, "  entities: {}", e.join(", "))?;
    }
    if !s.keyphrases.is_empty() {
        writeln!(out, "  keyphrases: {}", s.keyphrases.join("، "))?;
    }
    Ok(())
}

/// Run `khabar story`.
pub fn story(args: StoryArgs, out: &mut dyn Write) -> Result<()> {
    let idx = SearchIndex::open(&args.index).map_err(input_error)?;
    // Found as given, else without the spaces around it (a pasted id), as the API finds it.
    let Some(s) = st::story(&idx, &args.id)? else {
        let id = args.id.trim();
        let id = if id.is_empty() || id.chars().any(char::is_whitespace) { format!("{id:?}") } else { id.to_owned() };
        anyhow::bail!(InputError(format!("{id}: no story with this id in {}", args.index.display())));
    };
    if args.json {
        serde_json::to_writer(&mut *out, &s)?;
        writeln!(out)?;
        return Ok(());
    }
    write_story(out, &s)?;
    writeln!(out)?;
    for a in &s.details {
        let mut meta = vec![a.id.clone()];
        meta.extend(a.source.clone());
        meta.extend(a.published.clone());
        if a.dup_group != a.id {
            meta.push(format!("copy of {}", a.dup_group));
        }
        writeln!(out, "  {}\n      {}", a.title.as_deref().unwrap_or("(no title)"), meta.join(" · "))?;
    }
    Ok(())
}

#[derive(Clone, Debug, serde::Deserialize)]
struct GoldLine {
    id: serde_json::Value,
    story: serde_json::Value,
    #[serde(default)]
    dup: Option<serde_json::Value>,
}

fn label(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Gold labels: (id, story, dup group).
fn read_gold(path: &Path) -> Result<Vec<(String, String, Option<String>)>> {
    let text = crate::input::read_utf8(path)?;
    let mut out = Vec::new();
    // The line each id was labelled on: an article labelled twice was counted twice (and could
    // sit in two gold stories at once).
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let g: GoldLine = serde_json::from_str(line)
            .map_err(|e| InputError(format!("{}:{}: expected {{\"id\", \"story\", \"dup\"?}}: {e}", path.display(), n + 1)))?;
        if g.id.is_null() || g.story.is_null() {
            return Err(InputError(format!("{}:{}: `id` and `story` must not be null", path.display(), n + 1)).into());
        }
        let id = label(&g.id);
        if let Some(first) = seen.insert(id.clone(), n + 1) {
            return Err(InputError(format!("{}:{}: id {id:?} is labelled again (first on line {first})", path.display(), n + 1)).into());
        }
        out.push((id, label(&g.story), g.dup.as_ref().map(label)));
    }
    anyhow::ensure!(!out.is_empty(), InputError(format!("{}: no labels", path.display())));
    Ok(out)
}

/// Scores of one clustering.
#[derive(Clone, Debug, Serialize)]
pub struct StoryScores {
    /// Labelled articles scored.
    pub articles: usize,
    /// Labelled articles not found.
    pub missing: usize,
    /// Stories: pairwise.
    pub story_pairwise: eval::Prf,
    /// Pair counts behind it.
    pub story_pairs: eval::PairCounts,
    /// Stories: B-cubed.
    pub story_bcubed: eval::Prf,
    /// Near-duplicates: pairwise.
    pub dup_pairwise: eval::Prf,
    /// Pair counts behind it.
    pub dup_pairs: eval::PairCounts,
}

fn score(gold: &[(String, String, Option<String>)], system: &HashMap<String, (String, String)>) -> StoryScores {
    let mut stories = Vec::new();
    let mut dups = Vec::new();
    let mut missing = 0;
    for (id, story, dup) in gold {
        let Some((s, d)) = system.get(id) else {
            missing += 1;
            continue;
        };
        stories.push((story.clone(), s.clone()));
        dups.push((dup.clone().unwrap_or_else(|| format!("\u{0}{id}")), d.clone()));
    }
    let (sp, sc) = eval::pairwise(&stories);
    let (dp, dc) = eval::pairwise(&dups);
    StoryScores {
        articles: stories.len(),
        missing,
        story_pairwise: sp,
        story_pairs: sc,
        story_bcubed: eval::bcubed(&stories),
        dup_pairwise: dp,
        dup_pairs: dc,
    }
}

fn write_scores(out: &mut dyn Write, s: &StoryScores) -> Result<()> {
    let p = |x: &eval::Prf| format!("P {:.3}  R {:.3}  F1 {:.3}", x.precision, x.recall, x.f1);
    writeln!(out, "articles scored: {} ({} labelled articles not found)", s.articles, s.missing)?;
    writeln!(
        out,
        "stories, pairwise:          {}   ({} gold pairs, {} system pairs, {} shared)",
        p(&s.story_pairwise),
        s.story_pairs.gold,
        s.story_pairs.system,
        s.story_pairs.both
    )?;
    writeln!(out, "stories, B-cubed:           {}", p(&s.story_bcubed))?;
    writeln!(
        out,
        "near-duplicates, pairwise:  {}   ({} gold pairs, {} system pairs, {} shared)",
        p(&s.dup_pairwise),
        s.dup_pairs.gold,
        s.dup_pairs.system,
        s.dup_pairs.both
    )?;
    Ok(())
}

fn explain(out: &mut dyn Write, gold: &[(String, String, Option<String>)], system: &HashMap<String, (String, String)>) -> Result<()> {
    let known: Vec<&(String, String, Option<String>)> = gold.iter().filter(|g| system.contains_key(&g.0)).collect();
    for (what, pick_gold, pick_sys) in [
        ("story", (|g: &(String, String, Option<String>)| g.1.clone()) as fn(&(String, String, Option<String>)) -> String, 0),
        ("dup", |g: &(String, String, Option<String>)| g.2.clone().unwrap_or_else(|| format!("\u{0}{}", g.0)), 1),
    ] {
        for (i, a) in known.iter().enumerate() {
            for b in &known[i + 1..] {
                let same_gold = pick_gold(a) == pick_gold(b);
                let (sa, sb) = (&system[&a.0], &system[&b.0]);
                let same_sys = if pick_sys == 0 { sa.0 == sb.0 } else { sa.1 == sb.1 };
                if same_gold != same_sys {
                    writeln!(out, "{what} {}: {} {}", if same_gold { "missed" } else { "spurious" }, a.0, b.0)?;
                }
            }
        }
    }
    Ok(())
}

fn set_option(o: &mut Options, kv: &str) -> Result<()> {
    let Some((k, v)) = kv.split_once('=') else {
        anyhow::bail!(InputError(format!("--set {kv:?}: expected NAME=VALUE")));
    };
    let mut json = serde_json::to_value(&*o)?;
    let map = json.as_object_mut().context("options")?;
    anyhow::ensure!(
        map.contains_key(k.trim()),
        InputError(format!("--set {k}: no such option (one of {:?})", map.keys().collect::<Vec<_>>()))
    );
    let value: serde_json::Value = serde_json::from_str(v.trim()).map_err(|_| InputError(format!("--set {kv:?}: not a number")))?;
    map.insert(k.trim().to_owned(), value);
    *o = serde_json::from_value(json).map_err(|e| InputError(format!("--set {kv:?}: {e}")))?;
    Ok(())
}

/// Analyse a corpus (articles in `[from, to)`) into story features, on all cores.
fn corpus_features(corpus: &Path, from: Option<i64>, to: Option<i64>, options: &Options) -> Result<Vec<Features>> {
    let sources = expand(&[corpus.to_path_buf()])?;
    let mut docs = Documents::new(sources, InputFormat::Jsonl, true);
    // As `khabar index` analyses (keyphrases for the story layer, no summary).
    let analyzer = {
        let mut o = khabar::AnalyzerOptions::default();
        o.summary_sentences = 0;
        Analyzer::new(o)
    };
    let title_analyzer = khabar_index::token_analyzer();
    let pb = io::stderr().is_terminal().then(|| {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} analysing {pos} articles ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    });
    let mut out = Vec::new();
    loop {
        let batch = docs.batch(512, 64 << 20);
        if batch.is_empty() {
            break;
        }
        let n = batch.len() as u64;
        let feats: Vec<Option<Features>> = batch
            .into_par_iter()
            .map(|item| match item {
                Item::Bad(_) => None,
                Item::Doc { name, mut doc } => {
                    let t = doc.published.as_deref().and_then(parse_date).map(|(s, _)| s);
                    if from.is_some_and(|f| t.is_none_or(|t| t < f)) || to.is_some_and(|e| t.is_none_or(|t| t >= e)) {
                        return None;
                    }
                    doc.id = Some(doc.id.clone().unwrap_or(name));
                    let analysis = analyzer.analyze_document(&doc);
                    let title: Option<Analysis> = doc.title.as_deref().map(|t| title_analyzer.analyze(t));
                    Some(st::features(&doc, &analysis, title.as_ref(), options))
                }
            })
            .collect();
        out.extend(feats.into_iter().flatten());
        if let Some(pb) = &pb {
            pb.inc(n);
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    Ok(out)
}

/// Run `khabar eval stories`.
pub fn eval_stories(args: EvalStoriesArgs, out: &mut dyn Write) -> Result<()> {
    let gold = read_gold(&args.gold)?;
    let (system, what) = if let Some(dir) = &args.index {
        let idx = SearchIndex::open(dir).map_err(input_error)?;
        (st::assignments(&idx)?, format!("index {}", dir.display()))
    } else {
        let corpus = args.corpus.as_ref().context("--index or --corpus")?;
        let mut options = Options::default();
        for kv in &args.set {
            set_option(&mut options, kv)?;
        }
        let (from, to) = date_range(args.from.as_deref(), args.to.as_deref())?;
        let features = match &args.features_cache {
            Some(p) if p.exists() => {
                let text = crate::input::read_input(p)?;
                serde_json::from_slice(&text).with_context(|| format!("{}: not a features cache", p.display()))?
            }
            cache => {
                let f = corpus_features(corpus, from, to, &options)?;
                if let Some(p) = cache {
                    std::fs::write(p, serde_json::to_vec(&f)?).with_context(|| format!("{}: cannot write", p.display()))?;
                }
                f
            }
        };
        if args.sweep {
            return sweep(&gold, &features, &options, out);
        }
        (eval::assign_all(&features, &options), format!("{} articles of {} (in memory)", features.len(), corpus.display()))
    };
    let scores = score(&gold, &system);
    if args.json {
        serde_json::to_writer(&mut *out, &scores)?;
        writeln!(out)?;
    } else {
        writeln!(out, "gold: {} ({} labels); system: {what}", args.gold.display(), gold.len())?;
        write_scores(out, &scores)?;
        if args.explain {
            explain(out, &gold, &system)?;
        }
    }
    Ok(())
}

fn sweep(gold: &[(String, String, Option<String>)], features: &[Features], base: &Options, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{:>6} {:>6} {:>6} {:>6} {:>5} | {:>6} {:>6} {:>6} | {:>6} | {:>6}",
        "body", "title", "ent", "join", "dup", "P", "R", "F1", "B3 F1", "dup F1"
    )?;
    let mut grid = Vec::new();
    for &(wb, wt, we) in
        &[(0.6f32, 0.2f32, 0.2f32), (0.5, 0.3, 0.2), (0.7, 0.15, 0.15), (0.5, 0.25, 0.25), (0.4, 0.3, 0.3), (1.0, 0.0, 0.0)]
    {
        for &join in &[0.1f32, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3] {
            grid.push((wb, wt, we, join, base.dup_threshold));
        }
    }
    for &dup in &[0.3f32, 0.4, 0.5, 0.6, 0.7, 0.8] {
        grid.push((base.weight_body, base.weight_title, base.weight_entities, base.join_threshold, dup));
    }
    let results: Vec<(f32, f32, f32, f32, f32, StoryScores)> = grid
        .into_par_iter()
        .map(|(wb, wt, we, join, dup)| {
            let o = Options {
                weight_body: wb,
                weight_title: wt,
                weight_entities: we,
                join_threshold: join,
                // One threshold for joining and merging (docs/stories.md), unless merges are off.
                merge_average: if base.merge_average > 0.0 { join } else { 0.0 },
                dup_threshold: dup,
                ..base.clone()
            };
            (wb, wt, we, join, dup, score(gold, &eval::assign_all(features, &o)))
        })
        .collect();
    for (wb, wt, we, join, dup, s) in results {
        writeln!(
            out,
            "{wb:>6.2} {wt:>6.2} {we:>6.2} {join:>6.2} {dup:>5.2} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} | {:>6.3}",
            s.story_pairwise.precision, s.story_pairwise.recall, s.story_pairwise.f1, s.story_bcubed.f1, s.dup_pairwise.f1
        )?;
    }
    Ok(())
}

fn rss_mb() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Run `khabar bench-stories`: analyse the corpus once, then time the story
/// engine alone over `--repeat` copies of it (new ids, each copy shifted past the last).
pub fn bench_stories(args: BenchStoriesArgs, out: &mut dyn Write) -> Result<()> {
    let options = Options { window: (args.story_window * 86_400.0) as i64, ..Options::default() };
    let t = Instant::now();
    let features = corpus_features(&args.corpus, None, None, &options)?;
    anyhow::ensure!(!features.is_empty(), InputError(format!("{}: no articles", args.corpus.display())));
    let analyse = t.elapsed().as_secs_f64();
    let times: Vec<i64> = features.iter().filter_map(|f| f.time).collect();
    let span = times.iter().max().copied().unwrap_or(0) - times.iter().min().copied().unwrap_or(0) + 86_400;
    writeln!(
        out,
        "{} articles analysed in {analyse:.1} s (features included); corpus spans {:.1} days",
        features.len(),
        span as f64 / 86_400.0
    )?;
    let mut engine = StoryEngine::new(options);
    let mut total = 0.0;
    for copy in 0..args.repeat.max(1) {
        let t = Instant::now();
        let (mut new_stories, mut dups) = (0usize, 0usize);
        for f in &features {
            let mut f = f.clone();
            if copy > 0 {
                f.id = format!("{}-x{copy}", f.id);
                f.time = f.time.map(|t| t + span * copy as i64);
            }
            let a = engine.assign(f);
            new_stories += usize::from(a.new_story);
            dups += usize::from(a.duplicate_of.is_some());
        }
        let secs = t.elapsed().as_secs_f64();
        total += secs;
        let stats = engine.stats();
        let (rss, hwm) = rss_mb().unwrap_or((0.0, 0.0));
        let mut line = format!(
            "copy {copy}: {} articles assigned in {secs:.2} s ({:.0}/s); {new_stories} new stories, {dups} duplicates; window holds {} articles, {} stories; RSS {rss:.0} MB (peak {hwm:.0} MB)",
            features.len(),
            features.len() as f64 / secs.max(1e-9),
            stats.articles,
            stats.stories
        );
        if args.state {
            let t = Instant::now();
            let bytes = engine.to_bytes();
            let w = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let back = StoryEngine::from_bytes(&bytes).context("state does not read back")?;
            line.push_str(&format!(
                "; state {:.1} MB, written in {w:.2} s, read in {:.2} s",
                bytes.len() as f64 / 1e6,
                t.elapsed().as_secs_f64()
            ));
            anyhow::ensure!(back.stats().articles == stats.articles, "state read back differs");
        }
        writeln!(out, "{line}")?;
    }
    writeln!(out, "total assignment time: {total:.2} s for {} articles", features.len() * args.repeat.max(1))?;
    Ok(())
}
