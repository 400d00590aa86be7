//! `khabar`: reads Arabic news from the command line.

/// `eprintln!` that does not panic when standard error is closed (`khabar … 2>&-`): the message is
/// lost, the exit status still tells.
macro_rules! report {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// How commands read their inputs, for `--help` (`khabar analyze`, `khabar index`); README, "Inputs".
macro_rules! inputs_help {
    () => {
        "Inputs are files, folders, or - for standard input (the default). A folder is read for its\n\
.txt, .json, .jsonl and .ndjson files (each optionally .gz), subfolders too; its other files are\n\
listed as skipped. A file named on the command line is read whatever its name.\n\
.jsonl and .ndjson files are JSON lines, {\"id\", \"title\", \"body\", \"published\", \"source\"}\n\
per line, as is standard input starting with {. A .json file holds one such object, an array\n\
of them, or JSON lines. Other files are plain text. --input-format overrides.\n\
A document without an id gets FILE (a text file, a .json file's one object), FILE:LINE (a JSON\n\
line) or FILE:N (the Nth of a .json array), FILE being the path relative to the current folder\n\
however it is typed (./x.jsonl, x.jsonl and $PWD/x.jsonl are x.jsonl); from standard input,\n\
h and a hash of its title and body (the same text keeps its id). Offsets are into `body`."
    };
}

mod bench;
mod digest_cmd;
mod input;
mod output;
mod peers;
mod search_cmd;
mod serve_cmd;
mod stories_cmd;
mod train_cmd;

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use khabar::{Analysis, Analyzer};
use khabar_text::{normalize_into, tokenize, Profile};
use rayon::prelude::*;

use crate::input::{expand, Documents, InputError, InputFormat, Item, Source};

/// mimalloc instead of the system allocator: analysis makes many small, short-lived allocations
/// on every thread, and glibc's malloc spent about 14% of `khabar index` in malloc/free
/// (BENCHMARKS.md, "Indexing").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  khabar analyze examples/pyongyang-aurus.txt          readable summary
  khabar analyze --json article.txt                    one JSON Analysis per input
  khabar analyze --conllu article.txt > article.conllu
  khabar analyze --json news.jsonl.gz                  JSON lines in, JSON lines out
  echo 'أَحْمَدُ ﻻ ٢٠١٨' | khabar normalize              → احمد لا 2018
  khabar tokens article.txt | sort | uniq -c | sort -rn | head
  khabar bench                                         throughput next to charabia and tantivy";

#[derive(Parser)]
#[command(name = "khabar", version, about = "Reads Arabic news: normalise, tokenise, split sentences, stem — with exact byte offsets.", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse articles: tokens, sentences, normalised forms and stems.
    #[command(after_help = concat!(inputs_help!(), "\n\n\
Exit status: 0 on success, 2 if any input was unreadable (bad UTF-8, bad JSON line), 1 on other errors."))]
    Analyze {
        /// Print one JSON Analysis per input (JSON lines); schema in docs/analysis-json.md.
        #[arg(long, conflicts_with = "conllu")]
        json: bool,
        /// Print CoNLL-U (one token per line, `# sent_id`, `# text`, SpaceAfter=No).
        #[arg(long)]
        conllu: bool,
        /// Skip clitic segmentation, parts of speech and lemmas.
        #[arg(long)]
        no_morphology: bool,
        /// Skip named entities.
        #[arg(long)]
        no_entities: bool,
        /// Number of keyphrases (0: none).
        #[arg(long, default_value_t = 10)]
        keyphrases: usize,
        /// Number of summary sentences (0: no summary).
        #[arg(long, default_value_t = 3)]
        summary_sentences: usize,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Normalise text from standard input (or files) and print it.
    Normalize {
        /// `search` folds letters, digits and marks for matching; `display` only removes controls and decomposes presentation forms.
        #[arg(long, value_enum, default_value = "search")]
        profile: ProfileArg,
        /// Replace invalid UTF-8 with U+FFFD instead of failing.
        #[arg(long)]
        lossy: bool,
        /// Files to read (default: standard input).
        inputs: Vec<PathBuf>,
    },
    /// Print one token per line (fast path, no JSON).
    Tokens {
        /// Print `start<TAB>end<TAB>kind<TAB>text` (byte offsets into each input's text).
        #[arg(long)]
        offsets: bool,
        /// Tokeniser to use; the others are there to compare with.
        #[arg(long, value_enum, default_value = "khabar")]
        engine: peers::Engine,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Index articles for Arabic-aware search (tantivy, on disk).
    Index(search_cmd::IndexArgs),
    /// Search an index built by `khabar index`.
    Search(search_cmd::SearchArgs),
    /// Serve the HTTP API and the web page over an index (axum; 127.0.0.1:8080 by default).
    Serve(serve_cmd::ServeArgs),
    /// Mentions of an entity per day, from an index.
    Timeline(serve_cmd::TimelineArgs),
    /// List near-duplicate groups recorded by `khabar index`.
    Dups(stories_cmd::DupsArgs),
    /// List stories (articles about the same event) recorded by `khabar index`, biggest first.
    Stories(stories_cmd::StoriesArgs),
    /// Show one story and its articles.
    Story(stories_cmd::StoryArgs),
    /// Time the story engine alone over a corpus (analysed once), replayed N times with new ids.
    #[command(name = "bench-stories")]
    BenchStories(stories_cmd::BenchStoriesArgs),
    /// Train a model from annotated data (writes a model file to embed or load).
    #[command(subcommand)]
    Train(TrainCommand),
    /// Score khabar against gold data with the field's standard metrics.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Measure throughput of the text core next to charabia and tantivy on a corpus.
    Bench {
        /// Corpus: a file or folder, text or JSON lines (default: the SaudiNewsNet corpus in ../shared/data/news when present, else examples/).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Use at most this many MB of text.
        #[arg(long, default_value_t = 1024)]
        max_mb: usize,
        /// Repetitions per measurement (at least 1); the best is reported.
        #[arg(long, default_value_t = 3, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        runs: usize,
        /// Also write the corpus bodies as one plain-text file (for whole-process timings of `khabar tokens`).
        #[arg(long)]
        write_corpus: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TrainCommand {
    /// Clitic segmentation, UPOS tagging and lemmatisation (averaged perceptrons), from UD Arabic-PADT.
    Morph(train_cmd::TrainMorphArgs),
    /// Named entities (PER, LOC, ORG, MISC): two-pass averaged perceptron with gazetteers and corpus statistics.
    Ner(train_cmd::TrainNerArgs),
    /// Lemma document frequencies for keyphrases and summaries, from a news corpus (eval digest articles left out).
    Idf(digest_cmd::TrainIdfArgs),
    /// Headline rates of words (how often a body word is in the headline), from the training part of a news corpus.
    HeadRate(digest_cmd::TrainHeadRateArgs),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// CoNLL 2018 metrics (Tokens, Sentences, Words, UPOS, Lemmas) against a gold CoNLL-U file.
    ///
    /// By default the raw text is taken from the gold `# text` lines (one sentence per line) and run
    /// through the whole pipeline; `--system FILE` scores an existing CoNLL-U file instead. Scoring
    /// agrees with the official conll18_ud_eval.py (heads ignored).
    #[command(after_help = "Example:\n  khabar eval ud ../shared/data/ud-padt/ar_padt-ud-test.conllu")]
    Ud {
        /// The gold CoNLL-U file.
        gold: PathBuf,
        /// Score this CoNLL-U file instead of running khabar.
        #[arg(long)]
        system: Option<PathBuf>,
        /// Compare lemmas exactly, as the official script does (default: tashkeel and tatweel removed on both sides).
        #[arg(long)]
        lemma_exact: bool,
        /// Also write khabar's CoNLL-U output to this file.
        #[arg(long)]
        write_system: Option<PathBuf>,
        /// Use the gold tokens (surface tokens of the gold file) instead of khabar's tokeniser and sentence splitter.
        #[arg(long, conflicts_with = "system")]
        gold_tokenization: bool,
        /// A morphology model file (from `khabar train morph`) instead of the embedded one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Entity-level precision, recall and F1 on a `token tag` BIO file (CoNLL-2003 rules: exact span and type).
    ///
    /// Sentences are joined with single spaces and analysed as one text; an entity maps to the gold
    /// tokens its span overlaps (بوتين inside لبوتين maps to that token). Prints per-type figures,
    /// micro-averages over PER/LOC/ORG, and over all four types (MISC included).
    #[command(after_help = "Example:\n  khabar eval ner ../shared/data/ner/anercorp/ANERCorp_CamelLab_test.txt")]
    Ner {
        /// The gold BIO file (`token tag` per line, blank line between sentences).
        gold: PathBuf,
        /// An NER model file (from `khabar train ner`) instead of the embedded one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Morphological search quality (recall, precision, F1, MAP) of khabar next to tantivy's default tokenizer and light10.
    Search(search_cmd::EvalSearchArgs),
    /// Summary (ROUGE-1/2 F of the first sentence) and keyphrases (headline-word recall@10) against headlines, with lead-1.
    Digest(digest_cmd::EvalDigestArgs),
    /// Stories (pairwise and B-cubed P/R/F1) and near-duplicates (pairwise P/R/F1) against labels read by people.
    Stories(stories_cmd::EvalStoriesArgs),
}

#[derive(clap::Args)]
struct InputArgs {
    /// How to read inputs.
    #[arg(long, value_enum, default_value = "auto")]
    input_format: InputFormat,
    /// Replace invalid UTF-8 with U+FFFD instead of reporting an error.
    #[arg(long)]
    lossy: bool,
    /// Files, folders (their .txt, .json, .jsonl, .ndjson files, optionally .gz), or - for standard input (default).
    inputs: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Search,
    Display,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Search => Profile::Search,
            ProfileArg::Display => Profile::Display,
        }
    }
}

/// How a run ended, when it did not fail outright.
#[derive(PartialEq, Eq)]
enum Status {
    Ok,
    /// Some input was reported and skipped.
    InputErrors,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::InputErrors) => ExitCode::from(2),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            report!("khabar: error: {}", error_text(&e));
            if e.downcast_ref::<InputError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// An error and its causes, `a: b: c` as `{:#}` writes them, but each cause once: a
/// message that already ends with its cause's text (an error written `"{path}: {source}"`,
/// or `"{0}"` over an io::Error) does not get it again — `cannot serve: File exists (os
/// error 17): File exists (os error 17)` was the message of `khabar serve --index /dev/null`.
pub(crate) fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.is_empty() && out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    // serde_json's error (JSON written straight to standard output) holds the
    // io::Error without naming it as its source: ask it for the kind.
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().map(io::Error::kind).or_else(|| c.downcast_ref::<serde_json::Error>()?.io_error_kind())
            == Some(io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<Status> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let status = match cli.command {
        Command::Analyze { json, conllu, no_morphology, no_entities, keyphrases, summary_sentences, input } => {
            let format = if json {
                Format::Json
            } else if conllu {
                Format::Conllu
            } else {
                Format::Pretty
            };
            let mut options = khabar::AnalyzerOptions::default();
            options.morphology = !no_morphology;
            options.entities = !no_entities;
            options.keyphrases = keyphrases;
            options.summary_sentences = summary_sentences;
            analyze(format, Analyzer::new(options), &input, &mut out)?
        }
        Command::Normalize { profile, lossy, inputs } => normalize_cmd(profile.into(), lossy, &inputs, &mut out)?,
        Command::Tokens { offsets, engine, input } => tokens_cmd(offsets, engine, &input, &mut out)?,
        Command::Train(TrainCommand::Morph(args)) => {
            train_cmd::train_morph(args, &mut out)?;
            Status::Ok
        }
        Command::Train(TrainCommand::Idf(args)) => {
            digest_cmd::train_idf(args, &mut out)?;
            Status::Ok
        }
        Command::Train(TrainCommand::HeadRate(args)) => {
            digest_cmd::train_head_rate(args, &mut out)?;
            Status::Ok
        }
        Command::Eval(EvalCommand::Digest(args)) => {
            digest_cmd::eval_digest(args, &mut out)?;
            Status::Ok
        }
        Command::Train(TrainCommand::Ner(args)) => {
            train_cmd::train_ner(args, &mut out)?;
            Status::Ok
        }
        Command::Index(args) => {
            if search_cmd::index(args, &mut out)? {
                Status::InputErrors
            } else {
                Status::Ok
            }
        }
        Command::Search(args) => {
            search_cmd::search(args, &mut out)?;
            Status::Ok
        }
        Command::Serve(args) => {
            serve_cmd::serve(args, &mut out)?;
            Status::Ok
        }
        Command::Timeline(args) => {
            serve_cmd::timeline(args, &mut out)?;
            Status::Ok
        }
        Command::Dups(args) => {
            stories_cmd::dups(args, &mut out)?;
            Status::Ok
        }
        Command::Stories(args) => {
            stories_cmd::stories(args, &mut out)?;
            Status::Ok
        }
        Command::Story(args) => {
            stories_cmd::story(args, &mut out)?;
            Status::Ok
        }
        Command::BenchStories(args) => {
            stories_cmd::bench_stories(args, &mut out)?;
            Status::Ok
        }
        Command::Eval(EvalCommand::Stories(args)) => {
            stories_cmd::eval_stories(args, &mut out)?;
            Status::Ok
        }
        Command::Eval(EvalCommand::Ner { gold, model }) => {
            let model = match model {
                Some(p) => {
                    let bytes = input::read_input(&p)?;
                    khabar::ner::NerModel::from_bytes(&bytes).with_context(|| format!("{}: not an NER model", p.display()))?
                }
                None => khabar::ner::NerModel::embedded().clone(),
            };
            input::require_files([gold.as_path()])?;
            let report = khabar::ner::evaluate(&model, &gold).map_err(|e| match e {
                // Not `token tag` BIO, not UTF-8, no sentences: the user's file to fix (exit 2).
                khabar::ner::Error::Data(m) => anyhow::Error::new(InputError(format!("cannot score: {m}"))),
                e => anyhow::Error::new(e).context(format!("{}: cannot score", gold.display())),
            })?;
            writeln!(out, "gold: {}\n\n{report}", gold.display())?;
            Status::Ok
        }
        Command::Eval(EvalCommand::Search(args)) => {
            search_cmd::eval_search(args, &mut out)?;
            Status::Ok
        }
        Command::Eval(EvalCommand::Ud { gold, system, lemma_exact, write_system, gold_tokenization, model }) => {
            let analyzer = match model {
                Some(p) => {
                    let bytes = input::read_input(&p)?;
                    Analyzer::default().with_morph_model(
                        khabar::morph::MorphModel::from_bytes(&bytes)
                            .with_context(|| format!("{}: not a morphology model", p.display()))?,
                    )
                }
                None => Analyzer::default(),
            };
            let mode = match (system, gold_tokenization) {
                (Some(p), _) => UdSystem::File(p),
                (None, true) => UdSystem::GoldTokens,
                (None, false) => UdSystem::Raw,
            };
            eval_ud(&gold, mode, &analyzer, lemma_exact, write_system.as_deref(), &mut out)?;
            Status::Ok
        }
        Command::Bench { corpus, max_mb, runs, write_corpus } => {
            bench::run(bench::BenchArgs { corpus, max_mb, runs, write_corpus }, &mut out)?;
            Status::Ok
        }
    };
    out.flush()?;
    Ok(status)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Pretty,
    Json,
    Conllu,
}

/// A progress bar on stderr when it is a terminal and the input is large.
fn progress(sources: &[Source]) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = sources.iter().filter_map(Source::len).sum();
    if total < 4 << 20 && sources.len() < 200 {
        return None;
    }
    let pb = ProgressBar::new(sources.len() as u64);
    pb.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {pos} documents ({per_sec}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    Some(pb)
}

fn report(e: &InputError) {
    report!("khabar: {e}");
}

/// One analysed document, ready to write.
struct Analysed {
    name: String,
    analysis: Analysis,
    /// The JSON line, when writing JSON (serialised on the worker thread).
    json: Vec<u8>,
}

/// Documents analysed together, layer by layer, by one task of `khabar
/// analyze` (BENCHMARKS.md, "Session 11": less CPU than one document per
/// task, because each model's tables stay in the processor's cache longer);
/// `khabar index` too.
pub(crate) const DOCS_PER_TASK: usize = 16;

/// `items` cut into runs of [`DOCS_PER_TASK`], in order: one rayon task each.
pub(crate) fn in_tasks<T>(items: Vec<T>) -> Vec<Vec<T>> {
    let mut groups: Vec<Vec<T>> = Vec::new();
    for item in items {
        match groups.last_mut() {
            Some(g) if g.len() < DOCS_PER_TASK => g.push(item),
            _ => groups.push(vec![item]),
        }
    }
    groups
}

fn analyze(format: Format, analyzer: Analyzer, args: &InputArgs, out: &mut impl Write) -> Result<Status> {
    let sources = expand(&args.inputs)?;
    let pb = progress(&sources);
    let mut docs = Documents::new(sources, args.input_format, args.lossy);
    let mut status = Status::Ok;
    let mut sent_id = 0usize;
    loop {
        let batch = docs.batch(256, 16 << 20);
        if batch.is_empty() {
            break;
        }
        let n = batch.len() as u64;
        // Long plain-text documents in CoNLL-U: analyse them piece by piece on
        // all cores and stream the pieces out, instead of holding one huge Analysis.
        let (long, batch): (Vec<Item>, Vec<Item>) = if format == Format::Conllu {
            batch.into_iter().partition(|i| matches!(i, Item::Doc { doc, .. } if doc.body.len() > 4 * khabar::PIECE_BYTES))
        } else {
            (Vec::new(), batch)
        };
        for item in long {
            if let Item::Doc { name, doc } = item {
                let pieces = khabar::split_at_line_breaks(&doc.body, khabar::PIECE_BYTES);
                // `# newdoc` goes with the first sentence (none for a text of white space).
                let mut newdoc = Some(doc.id.as_deref().unwrap_or(&name));
                for group in pieces.chunks(4 * rayon::current_num_threads().max(1)) {
                    let parts: Vec<Analysis> = group.par_iter().map(|r| analyzer.analyze(&doc.body[r.clone()])).collect();
                    for a in &parts {
                        if let Some(id) = newdoc.filter(|_| !a.sentences.is_empty()) {
                            output::write_newdoc(out, id)?;
                            newdoc = None;
                        }
                        output::write_conllu_sentences(out, a, &mut sent_id)?;
                    }
                }
            }
        }
        // Analyse (and serialise JSON) in parallel, a few documents per task
        // (layer by layer, see Analyzer::analyze_documents); write in input order.
        let results: Vec<Result<Analysed, InputError>> = in_tasks(batch)
            .into_par_iter()
            .flat_map_iter(|items| {
                let docs: Vec<&khabar::Document> =
                    items.iter().filter_map(|i| if let Item::Doc { doc, .. } = i { Some(doc) } else { None }).collect();
                let mut analyses = analyzer.analyze_documents(&docs).into_iter();
                items
                    .into_iter()
                    .map(|item| match item {
                        Item::Bad(e) => Err(e),
                        Item::Doc { name, doc } => {
                            let a = analyses.next().unwrap_or_else(|| analyzer.analyze_document(&doc));
                            let mut bytes = Vec::new();
                            if format == Format::Json {
                                serde_json::to_writer(&mut bytes, &a).expect("an Analysis always serialises");
                                bytes.push(b'\n');
                            }
                            Ok(Analysed { name, analysis: a, json: bytes })
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for r in results {
            match r {
                Err(e) => {
                    report(&e);
                    status = Status::InputErrors;
                }
                Ok(Analysed { name, analysis: a, json }) => match format {
                    Format::Json => out.write_all(&json)?,
                    Format::Conllu => output::write_conllu(out, &name, &a, &mut sent_id)?,
                    Format::Pretty => output::write_pretty(out, &name, &a)?,
                },
            }
        }
        if let Some(pb) = &pb {
            pb.inc(n);
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    Ok(status)
}

/// What `khabar eval ud` scores.
enum UdSystem {
    /// khabar from the raw `# text` lines.
    Raw,
    /// khabar's morphology on the gold surface tokens.
    GoldTokens,
    /// An existing CoNLL-U file.
    File(PathBuf),
}

/// The surface tokens of each sentence of a CoNLL-U file (multi-word token
/// lines and the words outside them).
fn gold_sentence_tokens(conllu: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut covered_to = 0usize;
    for line in conllu.lines() {
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            covered_to = 0;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 || cols[0].contains('.') {
            continue;
        }
        if let Some((_, b)) = cols[0].split_once('-') {
            covered_to = b.parse().unwrap_or(0);
            cur.push(cols[1].to_owned());
        } else if cols[0].parse::<usize>().is_ok_and(|id| id > covered_to) {
            cur.push(cols[1].to_owned());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn eval_ud(
    gold_path: &std::path::Path,
    mode: UdSystem,
    analyzer: &Analyzer,
    lemma_exact: bool,
    write_system: Option<&std::path::Path>,
    out: &mut impl Write,
) -> Result<()> {
    use khabar::eval::ud::{evaluate, raw_text, LemmaCompare, UdFile};
    let lemmas = if lemma_exact { LemmaCompare::Exact } else { LemmaCompare::IgnoreDiacritics };
    let gold_text = input::read_utf8(gold_path)?;
    let gold = UdFile::parse(&gold_text, lemmas).map_err(|e| InputError(format!("{}: {e}", gold_path.display())))?;
    let system_is_file = matches!(mode, UdSystem::File(_));
    let (system_text, name) = match mode {
        UdSystem::File(p) => (input::read_utf8(&p)?, p.display().to_string()),
        UdSystem::Raw => {
            let analysis = analyzer.analyze_parallel(&raw_text(&gold_text));
            let mut buf = Vec::new();
            output::write_conllu(&mut buf, "raw", &analysis, &mut 0)?;
            (String::from_utf8(buf).context("CoNLL-U output is UTF-8")?, "khabar (raw text from # text lines)".to_owned())
        }
        UdSystem::GoldTokens => {
            // One sentence per line, tokens separated by single spaces: khabar's
            // tokeniser is bypassed by analysing each gold sentence's tokens directly.
            let sentences = gold_sentence_tokens(&gold_text);
            let analyses: Vec<Analysis> = sentences.par_iter().map(|toks| analyzer.analyze_tokens(toks)).collect();
            let mut buf = Vec::new();
            let mut sent_id = 0;
            for a in &analyses {
                output::write_conllu_sentences(&mut buf, a, &mut sent_id)?;
            }
            (String::from_utf8(buf).context("CoNLL-U output is UTF-8")?, "khabar (gold tokenisation)".to_owned())
        }
    };
    if let Some(p) = write_system {
        std::fs::write(p, &system_text).with_context(|| format!("{}: cannot write", p.display()))?;
    }
    // A malformed --system file is bad input (exit 2) like a malformed gold file;
    // khabar's own output failing to parse would be a bug (exit 1).
    let sys = UdFile::parse(&system_text, lemmas).map_err(|e| {
        if system_is_file {
            anyhow::Error::from(InputError(format!("{name}: {e}")))
        } else {
            anyhow::anyhow!("{name}: {e}")
        }
    })?;
    let scores = evaluate(&gold, &sys).map_err(|e| InputError(format!("{}: {e}", gold_path.display())))?;
    writeln!(
        out,
        "gold: {}\nsystem: {name}\nlemmas: {}\n",
        gold_path.display(),
        if lemma_exact { "exact" } else { "tashkeel and tatweel removed" }
    )?;
    write!(out, "{scores}")?;
    Ok(())
}

fn normalize_cmd(profile: Profile, lossy: bool, inputs: &[PathBuf], out: &mut impl Write) -> Result<Status> {
    let mut status = Status::Ok;
    let mut buf = String::new();
    for source in expand(inputs)? {
        let name = source.name();
        let mut reader = match source.open() {
            Ok(r) => r,
            Err(e) => {
                report!("khabar: {}", error_text(&e));
                status = Status::InputErrors;
                continue;
            }
        };
        // Line by line: no rule looks across a line break, so this equals normalising the whole text.
        let mut line = Vec::new();
        let mut offset = 0usize;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            let text = match std::str::from_utf8(&line) {
                Ok(t) => t,
                Err(e) if !lossy => {
                    report(&InputError(format!(
                        "{name}: invalid UTF-8 at byte {}; use --lossy to replace invalid sequences",
                        offset + e.valid_up_to()
                    )));
                    status = Status::InputErrors;
                    break;
                }
                Err(_) => {
                    buf.clear();
                    let fixed = String::from_utf8_lossy(&line).into_owned();
                    normalize_into(&fixed, profile, &mut buf);
                    out.write_all(buf.as_bytes())?;
                    offset += n;
                    continue;
                }
            };
            buf.clear();
            normalize_into(text, profile, &mut buf);
            out.write_all(buf.as_bytes())?;
            offset += n;
        }
    }
    Ok(status)
}

fn tokens_cmd(offsets: bool, engine: peers::Engine, args: &InputArgs, out: &mut impl Write) -> Result<Status> {
    let sources = expand(&args.inputs)?;
    let mut status = Status::Ok;
    let mut docs = Documents::new(sources, args.input_format, args.lossy);
    loop {
        let batch = docs.batch(1024, 64 << 20);
        if batch.is_empty() {
            break;
        }
        for item in batch {
            let text = match item {
                Item::Bad(e) => {
                    report(&e);
                    status = Status::InputErrors;
                    continue;
                }
                Item::Doc { doc, .. } => doc.body,
            };
            if engine != peers::Engine::Khabar {
                peers::print_tokens(engine, &text, out)?;
                continue;
            }
            for t in tokenize(&text) {
                if offsets {
                    write!(out, "{}\t{}\t{}\t", t.span.start(), t.span.end(), t.kind.name())?;
                }
                out.write_all(t.text(&text).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader is gone.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// `khabar dups --json | head` and `khabar stories --json | head` exited 1
    /// with "Broken pipe": serde_json's error does not list the io::Error as its
    /// source, so the closed pipe was not recognised.
    #[test]
    fn a_closed_pipe_under_json_output_is_not_an_error() {
        let e = serde_json::to_writer(ClosedPipe, &vec!["كلمة"; 10]).unwrap_err();
        assert!(is_broken_pipe(&anyhow::Error::from(e)));
        let e = ClosedPipe.write_all(b"x").unwrap_err();
        assert!(is_broken_pipe(&anyhow::Error::from(e)));
        let other = serde_json::from_str::<u32>("x").unwrap_err();
        assert!(!is_broken_pipe(&anyhow::Error::from(other)));
    }

    /// `--story-window 0` was refused with "expected a number of days between 0 and 3650".
    #[test]
    fn the_story_window_message_says_what_is_accepted() {
        for bad in ["0", "-1", "3651", "x"] {
            let e = stories_cmd::parse_days(bad).unwrap_err();
            assert!(e.contains("above 0 and at most 3650"), "{e}");
        }
        assert_eq!(stories_cmd::parse_days("1.5"), Ok(1.5));
    }
}
