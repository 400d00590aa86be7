//! `khabar serve` (the HTTP API and web page of crate `khabar-serve`) and
//! `khabar timeline` (an entity's mentions per day, from `khabar_index::entities`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use khabar_index::{EntityFilter, SearchIndex};

use crate::input::{date_range, InputError};

/// Arguments of `khabar serve`.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  khabar index --index news.idx ../shared/data/news/saudinewsnet.jsonl.gz\n  khabar serve --index news.idx                 then open http://127.0.0.1:8080/\n  khabar serve --index news.idx --addr 0.0.0.0:8080 --api-key \"$KEY\"\n\n\
API reference: docs/serve.md (and GET /v1/openapi.json). Request logs go to standard error\n\
(RUST_LOG=debug for more). SIGTERM or Ctrl-C stops after the requests in flight."
)]
pub struct ServeArgs {
    /// The index folder (created if missing, unless --read-only).
    #[arg(long)]
    pub index: PathBuf,
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Require this key on write endpoints (POST /v1/documents): `Authorization: Bearer KEY`.
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = khabar_serve::DEFAULT_BODY_LIMIT)]
    pub max_body: usize,
    /// Longest time a request may take, in seconds (then 408).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Story window in days for documents added through the API (as `khabar index --story-window`).
    #[arg(long, value_name = "DAYS", default_value_t = 3.0, value_parser = crate::stories_cmd::parse_days)]
    pub story_window: f64,
    /// Serve reads only: the index must exist, no writer is taken (`khabar index` may write it
    /// meanwhile; its commits show within a second) and POST /v1/documents is answered 403.
    /// A folder the server may not write, or whose writer another process holds, is served so too.
    #[arg(long)]
    pub read_only: bool,
}

/// Run `khabar serve` until SIGTERM or Ctrl-C.
pub fn serve(args: ServeArgs, out: &mut dyn Write) -> Result<()> {
    if args.api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
        anyhow::bail!(InputError("--api-key: empty key".into()));
    }
    khabar_serve::init_logging();
    if !args.addr.ip().is_loopback() && args.api_key.is_none() && !args.read_only {
        tracing::warn!("listening on {} without --api-key: anyone who can reach it can add documents", args.addr);
    }
    let options = khabar_serve::ServeOptions {
        body_limit: args.max_body,
        timeout: Duration::from_secs(args.timeout),
        api_key: args.api_key.clone(),
        stories: khabar_index::stories::Options { window: (args.story_window * 86_400.0) as i64, ..Default::default() },
        read_only: args.read_only,
        ..Default::default()
    };
    let index = args.index.clone();
    khabar_serve::serve(&args.index, args.addr, options, |addr| {
        let _ = writeln!(out, "khabar: serving {} on http://{addr}/", index.display());
        let _ = out.flush();
    })
    .map_err(|e| match e {
        khabar_serve::ServeError::Index(e) if e.is_input() => anyhow::Error::new(InputError(e.to_string())),
        e => anyhow::Error::new(e),
    })
    .with_context(|| format!("{}: cannot serve", args.index.display()))?;
    Ok(())
}

/// Arguments of `khabar timeline`.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  khabar timeline بوتين --index news.idx\n  khabar timeline PER:بوتين --index news.idx --from 2015-08-01 --to 2015-08-31 --json\n\n\
Counts come from the entity facets stored at indexing time (no article is re-read)."
)]
pub struct TimelineArgs {
    /// The entity's canonical name or a spelling of it (بوتين, بيونغيانغ), optionally with its type: PER:بوتين.
    pub entity: String,
    /// The index folder.
    #[arg(long)]
    pub index: PathBuf,
    /// Print JSON: {"name", "types", "mentions", "documents", "undated_documents", "days": [{"date", "mentions", "documents"}]}.
    #[arg(long)]
    pub json: bool,
    /// Only documents published on or after this date.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents published on or before this date (a whole day when no time is given).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

/// Run `khabar timeline`.
pub fn timeline(args: TimelineArgs, out: &mut dyn Write) -> Result<()> {
    let (kind, name) = match args.entity.split_once(':').and_then(|(k, n)| Some((khabar_index::entity_type(k)?, n))) {
        Some((k, n)) => (Some(k.to_owned()), n.trim()),
        None => (None, args.entity.trim()),
    };
    if name.is_empty() {
        anyhow::bail!(InputError("empty entity name".into()));
    }
    let (from, to) = date_range(args.from.as_deref(), args.to.as_deref())?;
    let filter = EntityFilter { kind, from, to };
    let idx = SearchIndex::open(&args.index).map_err(|e| anyhow::Error::new(InputError(e.to_string())))?;
    let t = khabar_index::timeline(&idx, name, &filter)?;
    // A name no document holds is an error in both outputs (exit 2, nothing on standard output),
    // as `khabar story UNKNOWN` and the API's 404: a script tells "not found" from "no mention in
    // these dates" (a known name with an empty `days`, exit 0).
    if t.types.is_empty() {
        anyhow::bail!(InputError(format!("no document in {} mentions an entity named {name:?}", args.index.display())));
    }
    if args.json {
        serde_json::to_writer(&mut *out, &t)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} ({}): {} mentions in {} documents over {} days{}",
        t.name,
        t.types.join(", "),
        t.mentions,
        t.documents,
        t.days.len(),
        if t.undated_documents > 0 { format!(" ({} documents undated)", t.undated_documents) } else { String::new() }
    )?;
    let max = t.days.iter().map(|d| d.mentions).max().unwrap_or(1).max(1);
    for d in &t.days {
        let bar = ((d.mentions as f64 / max as f64) * 40.0).ceil() as usize;
        writeln!(out, "{}  {:>5}  {}", d.date, d.mentions, "█".repeat(bar.max(1)))?;
    }
    Ok(())
}
