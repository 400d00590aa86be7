//! `khabar train morph`: train the morphology model (clitic segmentation, UPOS, lemmas).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use khabar::morph::{evaluate, read_conllu, train, MorphModel, TrainOptions};

/// Arguments of `khabar train morph`.
#[derive(clap::Args)]
#[command(after_help = "Example (the command that made models/khabar-morph.bin, see models/MODELS.md):\n  \
D=../shared/data\n  \
khabar train morph --train $D/ud-padt/ar_padt-ud-train.conllu --dev $D/ud-padt/ar_padt-ud-dev.conllu \\\n    \
--lexicon $D/lexicon/hunspell_ar/ar.dic --unlabeled $D/news/saudinewsnet.jsonl.gz \\\n    \
--lemma $D/ud-padt-v1/ar-ud-dev.conllu --lemma $D/lexicon/unimorph_ara_verbs/ara_conj_test.csv \\\n    \
--out models/khabar-morph.bin")]
pub struct TrainMorphArgs {
    /// Training treebank (CoNLL-U with multi-word tokens, UD Arabic-PADT style).
    #[arg(long)]
    pub train: PathBuf,
    /// Development treebank: scores are printed after training (never trained on).
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Lemma-annotated CoNLL-U files (or UniMorph TSV) for the lemmatiser; repeatable.
    #[arg(long)]
    pub lemma: Vec<PathBuf>,
    /// A hunspell `.dic` word list for lexicon features.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Unlabelled Arabic text (plain or JSON lines, optionally .gz) for word classes.
    #[arg(long)]
    pub unlabeled: Option<PathBuf>,
    /// Perceptron epochs of the segmenter.
    #[arg(long, default_value_t = TrainOptions::default().seg_epochs)]
    pub seg_epochs: usize,
    /// Perceptron epochs of the tagger.
    #[arg(long, default_value_t = TrainOptions::default().pos_epochs)]
    pub pos_epochs: usize,
    /// Train a second tagger pass that sees the first pass's tags of the following words.
    #[arg(long)]
    pub two_pass: bool,
    /// Where to write the model.
    #[arg(long, default_value = "models/khabar-morph.bin")]
    pub out: PathBuf,
}

pub fn train_morph(args: TrainMorphArgs, out: &mut dyn Write) -> Result<()> {
    let opts = TrainOptions {
        seg_epochs: args.seg_epochs,
        pos_epochs: args.pos_epochs,
        lexicon: args.lexicon,
        unlabeled: args.unlabeled,
        two_pass: args.two_pass,
        verbose: true,
    };
    let t0 = Instant::now();
    let model = train(&args.train, None, &args.lemma, &opts).context("training the morphology model")?;
    let secs = t0.elapsed().as_secs_f64();
    let bytes = model.to_bytes();
    MorphModel::from_bytes(&bytes).context("the written model must decode")?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("{}: cannot write", args.out.display()))?;
    writeln!(out, "trained in {secs:.1} s; wrote {} ({:.2} MB)", args.out.display(), bytes.len() as f64 / 1e6)?;
    if let Some(dev) = &args.dev {
        let sents = read_conllu(dev).with_context(|| format!("{}: cannot read", dev.display()))?;
        writeln!(out, "dev ({}): {}", dev.display(), evaluate(&model, &sents))?;
    }
    Ok(())
}
