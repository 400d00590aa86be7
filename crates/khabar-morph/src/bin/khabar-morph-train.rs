//! Train the khabar-morph model on UD Arabic-PADT and report scores.
//!
//! ```text
//! khabar-morph-train --train TRAIN.conllu [--dev DEV.conllu] [--test TEST.conllu]
//!     [--lemma FILE]... [--lemma-cv FILE]... [--lexicon ar.dic] [--out models/khabar-morph.bin]
//!     [--seg-epochs N] [--pos-epochs N] [--eval-only]
//! ```
use std::path::PathBuf;
use std::time::Instant;

use khabar_morph::{evaluate, read_conllu, read_lemma_data, train, MorphModel, TrainOptions};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut tr, mut dev, mut test, mut out) = (None, None, None, None::<PathBuf>);
    let mut lemma = Vec::new();
    let mut lemma_cv = Vec::new();
    let mut opts = TrainOptions::default();
    let mut eval_only = None::<PathBuf>;
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("missing value for {a}"));
        match a.as_str() {
            "--train" => tr = Some(PathBuf::from(val()?)),
            "--dev" => dev = Some(PathBuf::from(val()?)),
            "--test" => test = Some(PathBuf::from(val()?)),
            "--out" => out = Some(PathBuf::from(val()?)),
            "--lemma" => lemma.push(PathBuf::from(val()?)),
            "--lemma-cv" => lemma_cv.push(PathBuf::from(val()?)),
            "--lexicon" => opts.lexicon = Some(PathBuf::from(val()?)),
            "--seg-epochs" => opts.seg_epochs = val()?.parse()?,
            "--pos-epochs" => opts.pos_epochs = val()?.parse()?,
            "--unlabeled" => opts.unlabeled = Some(PathBuf::from(val()?)),
            "--two-pass" => opts.two_pass = true,
            "--eval-only" => eval_only = Some(PathBuf::from(val()?)),
            "-h" | "--help" => {
                eprintln!("usage: khabar-morph-train --train F [--dev F] [--test F] [--lemma F]... [--lemma-cv F]... [--lexicon F] [--out F] [--seg-epochs N] [--pos-epochs N] | --eval-only MODEL --dev F --test F");
                return Ok(());
            }
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let model = if let Some(m) = eval_only {
        MorphModel::from_bytes(&std::fs::read(&m)?)?
    } else {
        let tr = tr.ok_or("--train is required")?;
        let t0 = Instant::now();
        let model = train(&tr, None, &lemma, &opts)?;
        let secs = t0.elapsed().as_secs_f64();
        eprintln!("training time: {secs:.1} s");
        if let Some(o) = &out {
            let b = model.to_bytes();
            std::fs::write(o, &b)?;
            eprintln!("wrote {} ({} bytes, {:.2} MB)", o.display(), b.len(), b.len() as f64 / 1e6);
            // check the written model decodes to the same analyses
            let _ = MorphModel::from_bytes(&b)?;
        }
        model
    };
    for (name, p) in [("dev", dev), ("test", test)] {
        if let Some(p) = p {
            let s = read_conllu(&p)?;
            let sc = evaluate(&model, &s);
            println!("{name}: {sc}");
        }
    }
    if !lemma_cv.is_empty() {
        let (sents, verbs) = read_lemma_data(&lemma_cv)?;
        let verbs_extra: Vec<_> = {
            let (_, v) = read_lemma_data(&lemma.iter().filter(|p| !p.to_string_lossy().ends_with(".conllu")).cloned().collect::<Vec<_>>())?;
            v.into_iter().chain(verbs).collect()
        };
        let (ok, n) = khabar_morph::lemma::cross_validate(&sents, 10, &verbs_extra);
        println!("lemma 10-fold CV over {} sentences: {}/{} = {:.2}%", sents.len(), ok, n, 100.0 * ok as f64 / n.max(1) as f64);
    }
    Ok(())
}
