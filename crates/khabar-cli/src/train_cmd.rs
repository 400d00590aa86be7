//! `khabar train morph`: train the morphology model (clitic segmentation, UPOS, lemmas).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use khabar::morph::{evaluate, read_conllu, train, MorphModel, TrainOptions};

use crate::input::InputError;

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
    let named = [Some(&args.train), args.dev.as_ref(), args.lexicon.as_ref(), args.unlabeled.as_ref()];
    crate::input::require_files(named.into_iter().flatten().chain(&args.lemma).map(|p| p.as_path()))?;
    crate::input::require_out_dir(&args.out)?;
    let opts = TrainOptions {
        seg_epochs: args.seg_epochs,
        pos_epochs: args.pos_epochs,
        lexicon: args.lexicon,
        unlabeled: args.unlabeled,
        two_pass: args.two_pass,
        verbose: true,
    };
    let t0 = Instant::now();
    let model = train(&args.train, None, &args.lemma, &opts).map_err(|e| match e {
        // Unusable data is the user's to fix (exit 2), as with the other train commands.
        e @ (khabar::morph::Error::NoData(_) | khabar::morph::Error::Parse { .. }) => {
            anyhow::Error::new(InputError(format!("training the morphology model: {e}")))
        }
        e => anyhow::Error::new(e).context("training the morphology model"),
    })?;
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

/// Arguments of `khabar train ner`.
#[derive(clap::Args)]
#[command(after_help = "Example (the command that made models/ner.bin, see models/NER.md):\n  \
D=../shared/data\n  \
khabar train ner --train $D/ner/anercorp/ANERCorp_CamelLab_train.txt --gazetteers $D/gazetteers \\\n    \
--corpus $D/news/saudinewsnet.jsonl.gz --test $D/ner/anercorp/ANERCorp_CamelLab_test.txt --out models/ner.bin")]
pub struct TrainNerArgs {
    /// Training files (`token tag` BIO, blank line between sentences); the last `--dev-fraction` of their sentences is the dev set. Repeatable.
    #[arg(long, required = true)]
    pub train: Vec<PathBuf>,
    /// Extra training data: BIO files or folders of them (e.g. AQMAR); every 7th file is held out for a cross-domain figure.
    #[arg(long)]
    pub extra: Vec<PathBuf>,
    /// A separate dev file instead of holding out part of the training files.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Share of training sentences held out as dev.
    #[arg(long, default_value_t = 0.1)]
    pub dev_fraction: f64,
    /// Gazetteer folder (anergazet/, iso_codes_ar/, cldr_ar_localenames/, world_countries/).
    #[arg(long)]
    pub gazetteers: Option<PathBuf>,
    /// Unlabelled news (JSON lines, optionally .gz) for corpus word statistics.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Maximum epochs (the best on dev is kept).
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// A test file scored after training, for the report only (never used for any choice).
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, default_value = "models/ner.bin")]
    pub out: PathBuf,
}

pub fn train_ner(args: TrainNerArgs, out: &mut dyn Write) -> Result<()> {
    use khabar::ner::{train_with_report, NerModel, TrainOptions as NerOptions};
    let named = [args.dev.as_ref(), args.gazetteers.as_ref(), args.corpus.as_ref(), args.test.as_ref()];
    crate::input::require_files(args.train.iter().chain(&args.extra).chain(named.into_iter().flatten()).map(|p| p.as_path()))?;
    crate::input::require_out_dir(&args.out)?;
    let opts = NerOptions {
        train: args.train,
        extra: args.extra,
        dev: args.dev,
        dev_fraction: args.dev_fraction,
        gazetteers: args.gazetteers,
        corpus: args.corpus,
        epochs: args.epochs,
        test: args.test,
        verbose: true,
        ..NerOptions::default()
    };
    let t0 = Instant::now();
    let (model, report) = train_with_report(&opts).map_err(|e| match e {
        // Unusable data (no sentences, a bad file) is the user's to fix: exit 2.
        khabar::ner::Error::Data(m) => anyhow::Error::new(InputError(format!("training the NER model: {m}"))),
        e => anyhow::Error::new(e).context("training the NER model"),
    })?;
    let secs = t0.elapsed().as_secs_f64();
    let bytes = model.to_bytes();
    NerModel::from_bytes(&bytes).context("the written model must decode")?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("{}: cannot write", args.out.display()))?;
    writeln!(
        out,
        "trained in {secs:.1} s (best epoch {}); wrote {} ({:.2} MB)",
        report.best_epoch,
        args.out.display(),
        bytes.len() as f64 / 1e6
    )?;
    writeln!(out, "\ndev:\n{}", report.dev)?;
    if let Some(x) = &report.extra_heldout {
        writeln!(out, "held-out extra files (cross-domain):\n{x}")?;
    }
    if let Some(t) = &report.test {
        writeln!(out, "test (report only):\n{t}")?;
    }
    Ok(())
}
