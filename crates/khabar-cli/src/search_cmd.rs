//! `khabar index`, `khabar search` and `khabar eval search` (stub: being written).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};

/// Arguments of `khabar index`.
#[derive(clap::Args)]
pub struct IndexArgs {
    /// The index folder (created if missing).
    #[arg(long)]
    pub index: PathBuf,
    /// Files, folders, JSON lines, or - for standard input.
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `khabar search`.
#[derive(clap::Args)]
pub struct SearchArgs {
    /// The index folder.
    #[arg(long)]
    pub index: PathBuf,
    /// The query.
    pub query: String,
}

/// Arguments of `khabar eval search`.
#[derive(clap::Args)]
pub struct EvalSearchArgs {}

/// Run `khabar index`; `Ok(true)` when some input was reported and skipped.
pub fn index(_args: IndexArgs, _out: &mut dyn Write) -> Result<bool> {
    bail!("khabar index is not built yet")
}

/// Run `khabar search`.
pub fn search(_args: SearchArgs, _out: &mut dyn Write) -> Result<()> {
    bail!("khabar search is not built yet")
}

/// Run `khabar eval search`.
pub fn eval_search(_args: EvalSearchArgs, _out: &mut dyn Write) -> Result<()> {
    bail!("khabar eval search is not built yet")
}
