//! `khabar index`, `khabar search` and `khabar eval search`: Arabic search on
//! tantivy with khabar's analysis behind every field and query (crate
//! `khabar-index`; design in docs/search.md).

use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use khabar::{Analysis, Analyzer};
use khabar_index::{SearchIndex, SearchRequest, SearchResults};
use rayon::prelude::*;
use tantivy::TantivyDocument;

use crate::input::{date_range, expand, Documents, InputError, InputFormat, Item};

/// Arguments of `khabar index`.
#[derive(clap::Args)]
#[command(
    after_help = concat!("Examples:\n  khabar index --index news.idx ../shared/data/news/saudinewsnet.jsonl.gz\n  khabar index --index news.idx folder/ more.jsonl\n\n",
inputs_help!(), "\n\n\
A document whose id is already in the index replaces it (upsert). A document is reported\n\
indexed only once its commit is durable. Exit status 2 when some input was skipped.")
)]
pub struct IndexArgs {
    /// The index folder (created if missing).
    #[arg(long)]
    pub index: PathBuf,
    /// How to read inputs.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormat,
    /// Replace invalid UTF-8 with U+FFFD instead of reporting an error.
    #[arg(long)]
    pub lossy: bool,
    /// Commit (make durable and report) every N documents.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: u64,
    /// Threads for analysis and indexing (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Story window in days: articles join a story (or duplicate group) only within this time of each other.
    #[arg(long, value_name = "DAYS", default_value_t = 3.0, value_parser = crate::stories_cmd::parse_days)]
    pub story_window: f64,
    /// Keyphrases computed per article for the story layer (0: none; stories then match and list without them).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub keyphrases: usize,
    /// Files, folders (their .txt, .json, .jsonl, .ndjson files, optionally .gz), or - for standard input.
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `khabar search`.
#[derive(clap::Args)]
#[command(
    override_usage = "khabar search --index <INDEX> [OPTIONS] <QUERY>...",
    after_help = "Query syntax: words (all required), OR, AND, NOT or -word, (groups), \"a phrase\";\n\
a quoted single word (\"لبوتين\") matches only that exact form. Unquoted words also match\n\
other forms of the word (والمفاوضات, بالمفاوضات for مفاوضات); exact forms rank first.\n\n\
Examples:\n  khabar search --index news.idx مفاوضات\n  khabar search --index news.idx --json --from 2015-08-01 --to 2015-08-31 'الحوثي -اليمن'\n  khabar search --index news.idx --entity PER:بوتين روسيا"
)]
pub struct SearchArgs {
    // Required, but checked by `search`: in `khabar search QUERY --index DIR` the query takes
    // `--index` as a word, and the answer is then the command to run, not clap's "missing".
    /// The index folder (required).
    #[arg(long, value_name = "INDEX")]
    pub index: Option<PathBuf>,
    /// Print one JSON object: {"total", "hits": [...], "facets": {...}} (docs/search.md).
    #[arg(long)]
    pub json: bool,
    /// Hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only documents mentioning this entity, e.g. PER:بوتين (repeatable; all must match).
    #[arg(long = "entity", value_name = "TYPE:NAME")]
    pub entities: Vec<String>,
    /// Only documents published on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents published on or before this date (a whole day when no time is given).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Top entities per type to count in the results (0: no facets).
    #[arg(long, default_value_t = 10)]
    pub facets: usize,
    /// Collapse near-duplicates into one hit with "N similar" (docs/stories.md).
    #[arg(long)]
    pub collapse: bool,
    /// Benchmark: run every line of FILE as a query (with snippets and facets) and print latency percentiles.
    #[arg(long, value_name = "FILE", hide = true)]
    pub bench_queries: Option<PathBuf>,
    /// The query (several arguments are joined with spaces).
    #[arg(allow_hyphen_values = true)]
    pub query: Vec<String>,
}

/// Arguments of `khabar eval search`.
#[derive(clap::Args)]
#[command(after_help = "Documents are the sentences of the UD Arabic PADT v1 dev and test files; queries are\n\
content words as users type them (with clitics, and bare); a sentence is relevant when it\n\
holds a word with the query's lemma. Scores khabar next to tantivy's default tokenizer and\n\
a Lucene-style light10 analyser, in the same run.")]
pub struct EvalSearchArgs {
    /// The UD Arabic PADT v1 folder (ar-ud-dev.conllu, ar-ud-test.conllu).
    #[arg(long, default_value = "../shared/data/ud-padt-v1")]
    pub data: PathBuf,
    /// Use at most this many queries (a deterministic sample).
    #[arg(long, default_value_t = 1000)]
    pub max_queries: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn input_error(e: khabar_index::Error) -> anyhow::Error {
    if e.is_input() {
        anyhow::Error::new(InputError(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

/// Run `khabar index`; `Ok(true)` when some input was reported and skipped.
pub fn index(args: IndexArgs, out: &mut dyn Write) -> Result<bool> {
    let started = Instant::now();
    let sources = expand(&args.inputs)?;
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().context("cannot start worker threads")?;
    let idx = SearchIndex::open_or_create(&args.index)
        .map_err(input_error)
        .with_context(|| format!("{}: cannot open the index", args.index.display()))?;
    let mut writer =
        idx.writer(threads, 96_000_000 * threads).with_context(|| format!("{}: cannot write the index", args.index.display()))?;
    let story_options = khabar_index::stories::Options { window: (args.story_window * 86_400.0) as i64, ..Default::default() };
    let mut stories = khabar_index::stories::StoryState::open(&idx, Some(&args.index), story_options)
        .with_context(|| format!("{}: cannot open the story state", args.index.display()))?;
    if let Some(note) = stories.stale_note() {
        report!("khabar: note: {note}");
    }
    // An existing state keeps the options it was built with (all but the window): extract the
    // new articles' features with those, as the server does, not with this command's defaults.
    let story_options = stories.engine().options().clone();
    let story_cpu = std::sync::atomic::AtomicU64::new(0);
    let mut story_seq = std::time::Duration::ZERO;
    // The index keeps no summary (the API and page re-analyse one article when
    // they show it); keyphrases feed the story layer.
    let analyzer = {
        let mut options = khabar::AnalyzerOptions::default();
        options.summary_sentences = 0;
        options.keyphrases = args.keyphrases;
        Analyzer::new(options)
    };
    let title_analyzer = khabar_index::token_analyzer();
    let mut docs = Documents::new(sources, args.input_format, args.lossy);
    let pb = io::stderr().is_terminal().then(|| {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} {pos} articles ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    });
    let say = |msg: String| match &pb {
        Some(pb) => pb.println(msg),
        None => report!("{msg}"),
    };
    let batch_size = (args.commit_every as usize).clamp(1, 512);
    let (mut indexed, mut replaced, mut skipped) = (0u64, 0u64, 0u64);
    let (mut pending, mut pending_replaced) = (0u64, 0u64);
    let mut pending_ids: HashSet<String> = HashSet::new();
    let mut story_commit = std::time::Duration::ZERO;
    let mut commit = |writer: &mut tantivy::IndexWriter,
                      stories: &mut khabar_index::stories::StoryState,
                      pending: &mut u64,
                      pending_replaced: &mut u64,
                      ids: &mut HashSet<String>|
     -> Result<()> {
        // Story state first, then the index commit naming it (docs/stories.md, durability).
        stories.commit(writer).with_context(|| format!("{}: commit failed", args.index.display()))?;
        idx.reload()?;
        indexed += *pending;
        replaced += *pending_replaced;
        *pending = 0;
        *pending_replaced = 0;
        ids.clear();
        say(format!("khabar: indexed {indexed} documents ({replaced} replaced)"));
        Ok(())
    };
    // Two stages: a reader thread reads the next batch and has the worker pool analyse it while
    // this thread assigns the previous batch to duplicate groups and stories (sequential: each
    // article sees the ones before it), hands it to the index writer and commits.
    type Prepared = Vec<Result<(String, TantivyDocument, khabar_index::stories::Features), InputError>>;
    // A few documents per task, analysed layer by layer (Analyzer::analyze_documents, as
    // `khabar analyze` does: the same analyses, less CPU).
    let analyse = |batch: Vec<Item>| -> Prepared {
        let items: Vec<Result<(String, khabar::Document), InputError>> = batch
            .into_iter()
            .map(|item| match item {
                Item::Bad(e) => Err(e),
                Item::Doc { name, mut doc } => {
                    // Refused as the API and Python refuse them; reported with its line, skipped.
                    khabar_index::check_document(&doc).map_err(|e| InputError(format!("{name}: skipped: {e}")))?;
                    let id = doc.id.clone().unwrap_or(name);
                    doc.id = Some(id.clone());
                    Ok((id, doc))
                }
            })
            .collect();
        pool.install(|| {
            crate::in_tasks(items)
                .into_par_iter()
                .flat_map_iter(|items| {
                    let docs: Vec<&khabar::Document> = items.iter().filter_map(|i| i.as_ref().ok().map(|(_, d)| d)).collect();
                    let mut analyses = analyzer.analyze_documents(&docs).into_iter();
                    items
                        .into_iter()
                        .map(|item| {
                            let (id, doc) = item?;
                            let analysis = analyses.next().unwrap_or_else(|| analyzer.analyze_document(&doc));
                            let title: Option<Analysis> = doc.title.as_deref().map(|t| title_analyzer.analyze(t));
                            let t = Instant::now();
                            let features = khabar_index::stories::features(&doc, &analysis, title.as_ref(), &story_options);
                            story_cpu.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
                            Ok((id, idx.make_document(&doc, &analysis, title.as_ref()), features))
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        })
    };
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(u64, Prepared)>(1);
        let analyse = &analyse;
        scope.spawn(move || loop {
            let batch = docs.batch(batch_size, 64 << 20);
            if batch.is_empty() {
                break;
            }
            let n = batch.len() as u64;
            // A closed channel means the writing side stopped (an error): stop reading.
            if tx.send((n, analyse(batch))).is_err() {
                break;
            }
        });
        // The loop owns `rx`: on an error it is dropped as this closure returns, before the scope
        // joins the reader, whose next send then fails, so it never waits on a channel nobody reads.
        for (n, prepared) in rx {
            for p in prepared {
                match p {
                    Err(e) => {
                        say(format!("khabar: {e}"));
                        skipped += 1;
                    }
                    Ok((id, mut doc, features)) => {
                        if pending_ids.contains(&id) || idx.contains_id(&id)? {
                            pending_replaced += 1;
                        }
                        let t = Instant::now();
                        let assignment = stories.assign(features);
                        story_seq += t.elapsed();
                        idx.stamp(&mut doc, &assignment);
                        idx.upsert_prepared(&writer, &id, doc);
                        pending_ids.insert(id);
                        pending += 1;
                        if pending >= args.commit_every {
                            let t = Instant::now();
                            commit(&mut writer, &mut stories, &mut pending, &mut pending_replaced, &mut pending_ids)?;
                            story_commit += t.elapsed();
                        }
                    }
                }
            }
            if let Some(pb) = &pb {
                pb.inc(n);
            }
        }
        Ok(())
    })?;
    if pending > 0 {
        let t = Instant::now();
        commit(&mut writer, &mut stories, &mut pending, &mut pending_replaced, &mut pending_ids)?;
        story_commit += t.elapsed();
    }
    writer.wait_merging_threads().context("merging segments failed")?;
    idx.reload()?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "indexed {indexed} documents ({replaced} replaced, {skipped} skipped) in {secs:.1} s ({:.0} articles/s); {} holds {} documents",
        indexed as f64 / secs.max(1e-9),
        args.index.display(),
        idx.num_docs()
    )?;
    let stats = stories.engine().stats();
    writeln!(
        out,
        "duplicates and stories: features {:.2} s CPU (on the worker threads), assignment {:.2} s; {} articles and {} stories in the {}-day window; commits (index + story state) {:.1} s",
        story_cpu.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
        story_seq.as_secs_f64(),
        stats.articles,
        stats.stories,
        args.story_window,
        story_commit.as_secs_f64(),
    )?;
    Ok(skipped > 0)
}

fn request(args: &SearchArgs, query: &str) -> Result<SearchRequest> {
    let mut req = SearchRequest::new(query);
    req.limit = args.limit;
    req.offset = args.offset;
    req.facets = args.facets;
    req.collapse = args.collapse;
    for e in &args.entities {
        let Some((kind, name)) = e.split_once(':').filter(|(k, n)| !k.trim().is_empty() && !n.trim().is_empty()) else {
            anyhow::bail!(InputError(format!("--entity {e:?}: expected TYPE:NAME, e.g. PER:بوتين")));
        };
        req.entities.push((kind.trim().to_uppercase(), name.trim().to_owned()));
    }
    (req.from, req.to) = date_range(args.from.as_deref(), args.to.as_deref())?;
    Ok(req)
}

/// Whether a query argument is one of `khabar search`'s own long options (`--json`,
/// `--limit=5`): the query takes words with leading hyphens (`-word` is NOT), so an option
/// written after the query reaches it as a word. No query syntax starts with `--`.
fn is_search_option(word: &str) -> bool {
    let Some(name) = word.strip_prefix("--") else { return false };
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    let cmd = <SearchArgs as clap::Args>::augment_args(clap::Command::new("search"));
    name == "help" || cmd.get_arguments().any(|a| a.get_long() == Some(name))
}

/// The command line of `args` with the options written after the query (and their values)
/// moved before it, quoted for a POSIX shell: the command the user meant, to run as it is.
/// An option given both before and after the query is written once, with the value written
/// last (`--entity` adds up, as it does before the query).
fn options_first(args: &SearchArgs) -> String {
    let cmd = <SearchArgs as clap::Args>::augment_args(clap::Command::new("search"));
    let takes_value = |word: &str| {
        let name = word.trim_start_matches('-');
        !name.contains('=') && cmd.get_arguments().any(|a| a.get_long() == Some(name) && a.get_action().takes_values())
    };
    // (option name, its words) in order.
    let mut options: Vec<(String, Vec<String>)> = Vec::new();
    let defaults = SearchArgs::parse_defaults();
    if let Some(index) = &args.index {
        options.push(("index".to_owned(), vec!["--index".to_owned(), index.display().to_string()]));
    }
    for (name, on) in [("json", args.json), ("collapse", args.collapse)] {
        if on {
            options.push((name.to_owned(), vec![format!("--{name}")]));
        }
    }
    for (name, value, default) in
        [("limit", args.limit, defaults.0), ("offset", args.offset, defaults.1), ("facets", args.facets, defaults.2)]
    {
        if value != default {
            options.push((name.to_owned(), vec![format!("--{name}"), value.to_string()]));
        }
    }
    for e in &args.entities {
        options.push(("entity".to_owned(), vec!["--entity".to_owned(), e.clone()]));
    }
    for (name, value) in [("from", &args.from), ("to", &args.to)] {
        if let Some(v) = value {
            options.push((name.to_owned(), vec![format!("--{name}"), v.clone()]));
        }
    }
    let mut query = Vec::new();
    let mut rest = args.query.iter();
    while let Some(w) = rest.next() {
        if is_search_option(w) {
            let name = w.trim_start_matches('-').split('=').next().unwrap_or("").to_owned();
            let mut written = vec![w.clone()];
            if takes_value(w) {
                written.extend(rest.next().cloned());
            }
            if name != "entity" {
                options.retain(|(n, _)| *n != name);
            }
            options.push((name, written));
        } else {
            query.push(w.clone());
        }
    }
    let mut words = vec!["khabar".to_owned(), "search".to_owned()];
    words.extend(options.into_iter().flat_map(|(_, w)| w));
    words.extend(query);
    words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ")
}

impl SearchArgs {
    /// The defaults of `--limit`, `--offset` and `--facets`, as clap has them.
    fn parse_defaults() -> (usize, usize, usize) {
        use clap::FromArgMatches;
        let cmd = <SearchArgs as clap::Args>::augment_args(clap::Command::new("search"));
        let parsed = cmd.try_get_matches_from(["search", "--index", "."]).ok().and_then(|m| SearchArgs::from_arg_matches(&m).ok());
        parsed.map_or((10, 0, 10), |a| (a.limit, a.offset, a.facets))
    }
}

/// `word` as one word of a POSIX shell command: as it is when it holds only letters, digits
/// (any script) and `-_./:=,+@%`, else in single quotes.
fn shell_quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || "-_./:=,+@%".contains(c)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Run `khabar search`.
pub fn search(args: SearchArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(word) = args.query.iter().find(|w| is_search_option(w)) {
        anyhow::bail!(InputError(format!(
            "{word:?} comes after the query, where it would be read as a query word: give options before the query \
             ({})",
            options_first(&args)
        )));
    }
    let Some(index) = &args.index else {
        anyhow::bail!(InputError("the index is missing: khabar search --index DIR QUERY (see khabar search --help)".to_owned()));
    };
    let idx = SearchIndex::open(index).map_err(input_error)?;
    if let Some(file) = &args.bench_queries {
        return bench_queries(&idx, &args, file, out);
    }
    let query = args.query.join(" ");
    let req = request(&args, &query)?;
    let results = idx.search(&req).map_err(input_error)?;
    if results.fell_back {
        report!("khabar: note: the query is not valid query syntax; searched for its words instead");
    }
    if args.json {
        serde_json::to_writer(&mut *out, &results)?;
        writeln!(out)?;
    } else {
        write_pretty(out, &query, &req, &results)?;
    }
    Ok(())
}

/// The snippet's HTML as terminal text: matches in [brackets], entities decoded.
fn snippet_text(html: &str) -> String {
    html.replace("<mark>", "[")
        .replace("</mark>", "]")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn write_pretty(out: &mut dyn Write, query: &str, req: &SearchRequest, r: &SearchResults) -> Result<()> {
    let shown = r.hits.len();
    if shown == 0 {
        writeln!(out, "{} documents match «{query}»", r.total)?;
    } else {
        writeln!(out, "{} documents match «{query}» (showing {}–{})", r.total, req.offset + 1, req.offset + shown)?;
    }
    for (i, h) in r.hits.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "{:>3}. {}", req.offset + i + 1, h.title.as_deref().unwrap_or("(no title)"))?;
        let mut meta = vec![format!("id {}", h.id)];
        if let Some(s) = &h.source {
            meta.push(s.clone());
        }
        if let Some(p) = &h.published {
            meta.push(p.clone());
        }
        meta.push(format!("score {:.2}", h.score));
        if h.similar > 0 {
            meta.push(format!("{} similar", h.similar));
        }
        writeln!(out, "     {}", meta.join(" · "))?;
        if !h.snippet.is_empty() {
            writeln!(out, "     {}", snippet_text(&h.snippet))?;
        }
    }
    if !r.facets.is_empty() {
        writeln!(out, "\nentities in the results:")?;
        for (kind, list) in &r.facets {
            let items: Vec<String> = list.iter().map(|f| format!("{} ({})", f.name, f.count)).collect();
            writeln!(out, "  {kind}: {}", items.join(", "))?;
        }
    }
    Ok(())
}

fn bench_queries(idx: &SearchIndex, args: &SearchArgs, file: &std::path::Path, out: &mut dyn Write) -> Result<()> {
    let text = crate::input::read_utf8(file)?;
    let mut times = Vec::new();
    let mut fell_back = 0;
    let mut hits = 0usize;
    for line in text.lines().filter(|l| khabar_index::check_query(l).is_ok()) {
        let req = request(args, line)?;
        let t = Instant::now();
        let r = idx.search(&req).map_err(input_error)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        fell_back += usize::from(r.fell_back);
        hits += r.total;
    }
    anyhow::ensure!(!times.is_empty(), InputError(format!("{}: no queries", file.display())));
    let n = times.len();
    let mean = times.iter().sum::<f64>() / n as f64;
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    writeln!(
        out,
        "{n} queries over {} documents (limit {}, snippets, {}): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean {mean:.2} ms; {fell_back} fell back to plain words; mean total hits {:.0}",
        idx.num_docs(),
        args.limit,
        if args.facets > 0 { format!("top {} facets per type", args.facets) } else { "no facets".to_owned() },
        pct(0.5),
        pct(0.9),
        pct(0.99),
        times[n - 1],
        hits as f64 / n as f64
    )?;
    Ok(())
}

/// Run `khabar eval search`.
pub fn eval_search(args: EvalSearchArgs, out: &mut dyn Write) -> Result<()> {
    let report = khabar_index::eval::run(&args.data, args.max_queries).map_err(|e| match e {
        khabar_index::eval::EvalError::Data(m) => anyhow::Error::new(InputError(m)),
        other => anyhow::Error::new(other),
    })?;
    if args.json {
        serde_json::to_writer(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{report}")?;
    }
    Ok(())
}
