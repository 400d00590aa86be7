//! Train the NER model, print dev / held-out / test scores and write models/ner.bin.
//!
//! Usage: khabar-ner-train [--out models/ner.bin] [--epochs N] [--bits B] [--no-doc]
//!        [--seed S] [--seeds N] [--one-pass] [--no-refit] [--simhash] [--no-clusters] [--no-morph] [--no-corpus] [--with-aqmar] [--with-wojood] [--wojood-all] [--wojood-gpe-org loc|keep|drop] [--wojood-o-heads] [--dev-block K] [--no-gazetteers] [--no-test] [--omit GROUP,GROUP…] [--bias E --token-bias T | --no-bias]
//!        [--data /work/shared/data] [--speed FILE]
//!        khabar-ner-train --model FILE --eval GOLD [--eval GOLD …] [--omit GROUP,…]   (score a model, no training;
//!        --omit here runs it without those groups too, an ablation without retraining;
//!        --bias / --token-bias "PER,LOC,ORG,MISC" add a decoding bias to it)
//!        khabar-ner-train --model FILE --show TEXT   (print the entities of a text: type, text, canonical, score, start, end)

use std::path::PathBuf;
use std::time::Instant;

use khabar_ner::{train_with_report, NerModel, TrainOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("models/ner.bin");
    let mut opts = TrainOptions { verbose: true, ..TrainOptions::default() };
    let mut data = PathBuf::from("/work/shared/data");
    let mut no_extra = true;
    let mut no_gaz = false;
    let mut speed: Option<PathBuf> = None;
    let mut eval_model: Option<PathBuf> = None;
    // --bias / --token-bias: the decoding bias (PER,LOC,ORG,MISC) of the model trained, or
    // added to the one scored with --model
    let (mut bias, mut token_bias): (Option<[f32; 4]>, Option<[f32; 4]>) = (None, None);
    let mut eval_files: Vec<PathBuf> = Vec::new();
    let mut show_files: Vec<PathBuf> = Vec::new();
    let mut no_test = false;
    // Wojood sample files used as extra training data (none by default)
    let mut wojood: Vec<&str> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            "--epochs" => opts.epochs = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.epochs),
            "--bits" => opts.bits = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.bits),
            "--doc-sentences" => opts.doc_sentences = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.doc_sentences),
            "--no-doc" => opts.doc_features = false,
            "--morph" => opts.morph = true,
            "--no-morph" => opts.morph = false,
            "--one-pass" => opts.two_pass = false,
            "--no-refit" => opts.refit_with_dev = false,
            "--simhash" => {
                opts.simhash = true;
                opts.clusters = false;
            }
            "--clusters" => opts.clusters = true,
            "--no-clusters" => opts.clusters = false,
            "--seed" => opts.seed = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.seed),
            "--seeds" => opts.seeds = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.seeds),
            "--no-corpus" => opts.corpus = None,
            "--corpus-min" => opts.corpus_min = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.corpus_min),
            "--no-extra" => no_extra = true,
            "--with-aqmar" => no_extra = false,
            "--with-wojood" => wojood = vec!["train.txt"],
            "--wojood-all" => wojood = vec!["train.txt", "val.txt", "test.txt"],
            "--wojood-o-heads" => opts.wojood_o_heads = true,
            "--dev-block" => opts.dev_block = args.next().and_then(|x| x.parse().ok()).unwrap_or(0),
            "--wojood-gpe-org" => {
                opts.wojood_gpe_org = match args.next().as_deref() {
                    Some("keep") => khabar_ner::WojoodGpeOrg::Keep,
                    Some("drop") => khabar_ner::WojoodGpeOrg::Drop,
                    _ => khabar_ner::WojoodGpeOrg::Loc,
                }
            }
            "--no-gazetteers" => no_gaz = true,
            "--no-test" => no_test = true,
            "--omit" => {
                let list = args.next().unwrap_or_default();
                opts.omit = match khabar_ner::Omit::parse(&list) {
                    Some(o) => o,
                    None => {
                        let names: Vec<&str> = khabar_ner::omit::NAMES.iter().map(|(n, _)| *n).collect();
                        eprintln!("unknown template group in --omit {list} (groups: {})", names.join(", "));
                        std::process::exit(2);
                    }
                }
            }
            "--gaz-clean-share" => opts.gaz_clean_share = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.gaz_clean_share),
            "--gaz-clean-min" => opts.gaz_clean_min = args.next().and_then(|x| x.parse().ok()).unwrap_or(opts.gaz_clean_min),
            "--data" => data = args.next().map(PathBuf::from).unwrap_or(data),
            "--speed" => speed = args.next().map(PathBuf::from),
            "--model" => eval_model = args.next().map(PathBuf::from),
            "--bias" => bias = args.next().map(|x| four(&x)),
            "--token-bias" => token_bias = args.next().map(|x| four(&x)),
            "--no-bias" => opts.label_bias = ([0.0; 4], [0.0; 4]),
            "--eval" => eval_files.extend(args.next().map(PathBuf::from)),
            "--show" => show_files.extend(args.next().map(PathBuf::from)),
            _ => {
                eprintln!("unknown argument {a}");
                std::process::exit(2);
            }
        }
    }
    if let Some(mp) = eval_model {
        // score an existing model on gold files (no training)
        let m = match std::fs::read(&mp).map_err(|e| e.to_string()).and_then(|b| NerModel::from_bytes(&b).map_err(|e| e.to_string())) {
            Ok(m) => m.with_omitted(opts.omit).with_label_bias(bias.unwrap_or_default(), token_bias.unwrap_or_default()),
            Err(e) => {
                eprintln!("error: {}: {e}", mp.display());
                std::process::exit(1);
            }
        };
        for f in &eval_files {
            match khabar_ner::evaluate(&m, f) {
                Ok(r) => println!("== {}\n{r}", f.display()),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
        }
        if let Some(p) = &speed {
            speed_run(&m, p);
        }
        for f in &show_files {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            for e in m.entities(&text) {
                println!("{}\t{}\t{}\t{:.2}\t{}\t{}", e.kind, e.text, e.canonical, e.score, e.start, e.end);
            }
        }
        return;
    }
    opts.label_bias = (bias.unwrap_or(opts.label_bias.0), token_bias.unwrap_or(opts.label_bias.1));
    opts.train = vec![data.join("ner/anercorp/ANERCorp_CamelLab_train.txt")];
    opts.extra = if no_extra { vec![] } else { vec![data.join("ner/aqmar/articles")] };
    opts.wojood = wojood.iter().map(|f| data.join("ner/wojood_sample").join(f)).collect();
    opts.gazetteers = if no_gaz { None } else { Some(data.join("gazetteers")) };
    // --no-test: experiments choose on dev only and never see the test figure
    opts.test = if no_test { None } else { Some(data.join("ner/anercorp/ANERCorp_CamelLab_test.txt")) };
    if opts.corpus.is_some() {
        opts.corpus = Some(data.join("news/saudinewsnet.jsonl.gz"));
    }
    let (model, rep) = match train_with_report(&opts) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "training: {} sentences, {} tokens, best epoch {}, {:.1}s",
        rep.train_sentences, rep.train_tokens, rep.best_epoch, rep.seconds
    );
    if opts.dev_block == 0 {
        println!("== dev (last 10% of ANERCorp train)\n{}", rep.dev);
    } else {
        println!("== dev (block {} of 10% of ANERCorp train, counted from the end)\n{}", opts.dev_block, rep.dev);
    }
    if let Some(h) = &rep.extra_heldout {
        println!("== AQMAR held-out articles (every 7th file, cross-domain)\n{h}");
    } else if let Ok(h) = khabar_ner::evaluate(&model, &data.join("ner/aqmar/articles")) {
        println!("== AQMAR, all 28 articles (not trained on; cross-domain: Wikipedia)\n{h}");
    }
    if let Some(t) = &rep.test {
        println!("== ANERCorp test\n{t}");
    }
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(&out, &bytes) {
        eprintln!("error: {}: {e}", out.display());
        std::process::exit(1);
    }
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    // round trip + speed
    let m2 = match NerModel::from_bytes(&bytes) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: reload: {e}");
            std::process::exit(1);
        }
    };
    if let Some(t) = opts.test.as_ref().and_then(|p| khabar_ner::evaluate(&m2, p).ok()) {
        println!("reloaded (quantised) model, ANERCorp test micro F1 {:.4}, all-four F1 {:.4}", t.micro.f1(), t.all_four.f1());
    }
    if let Some(p) = speed {
        speed_run(&m2, &p);
    }
}

/// Four numbers "PER,LOC,ORG,MISC" (missing or unreadable ones are 0).
fn four(s: &str) -> [f32; 4] {
    let mut v = [0f32; 4];
    for (slot, x) in v.iter_mut().zip(s.split(',')) {
        *slot = x.trim().parse().unwrap_or(0.0);
    }
    v
}

/// Throughput of `entities_with` on a text file (tokens and sentences given),
/// best of 3; for a model that reads morphology, of `entities_with_morph`
/// with the embedded morphology model's analysis computed beforehand (as the
/// `khabar` pipeline does), and the morphology's own time for comparison.
fn speed_run(m: &NerModel, p: &std::path::Path) {
    if let Ok(text) = std::fs::read_to_string(p) {
        let toks: Vec<_> = khabar_text::tokenize(&text).collect();
        let sents = khabar_text::split_sentences(&text, &toks);
        let mut words: Vec<Vec<khabar_morph::Word>> = Vec::new();
        if m.uses_morphology() {
            let t = Instant::now();
            words.resize(toks.len(), Vec::new());
            for s in &sents {
                let surfaces: Vec<&str> = toks[s.tokens.clone()].iter().map(|t| t.text(&text)).collect();
                for (slot, w) in words[s.tokens.clone()].iter_mut().zip(khabar_morph::MorphModel::embedded().analyze_sentence(&surfaces)) {
                    *slot = w;
                }
            }
            let secs = t.elapsed().as_secs_f64();
            println!("speed: morphology (embedded model, analyze_sentence) {:.0} tokens/s (one run)", toks.len() as f64 / secs);
        }
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..3 {
            let t = Instant::now();
            n = if m.uses_morphology() {
                m.entities_with_morph(&text, &toks, &sents, &words).len()
            } else {
                m.entities_with(&text, &toks, &sents).len()
            };
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("speed: {} tokens, {} entities, {:.0} tokens/s (entities_with, best of 3)", toks.len(), n, toks.len() as f64 / best);
    }
}
