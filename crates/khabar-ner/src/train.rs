//! Training: ANERCorp train (minus a dev tail) + optional extra data (AQMAR).

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use khabar_text::{tokenize, Token, TokenKind};
use rayon::prelude::*;

use crate::canonical::FullNames;
use crate::data::{bio_files, load_gazetteers, read_bio, GoldSentence};
use crate::eval::{evaluate_sentences, EvalReport};
use crate::features::{
    analyse_tokens, corpus_code, doc_features, label_stats, stack_features, token_features, CorpusLex, Gazetteer, TokInfo, G_COMMON, G_PER,
};
use crate::model::{b_of, i_of, Trainer, Weights, NL, O};
use crate::{trigger_map, Error, NerModel, Result};

/// What to train on and how.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Main training files (BIO). The dev part is held out from their end.
    pub train: Vec<PathBuf>,
    /// Extra training data: BIO files or directories of them (e.g. AQMAR articles).
    pub extra: Vec<PathBuf>,
    /// Hold out every k-th file of the extra directories (sorted by name) for
    /// a cross-domain figure (0: hold out nothing).
    pub extra_holdout_every: usize,
    /// Extra training data in Wojood's nested format (SinaLab/ArabicNER sample
    /// files), flattened by [`crate::data::read_wojood`]; each file is split
    /// into documents of `doc_sentences` sentences. Never held out: it is not
    /// the dev or test data.
    pub wojood: Vec<PathBuf>,
    /// What becomes of Wojood's countries tagged ORG.
    pub wojood_gpe_org: crate::data::WojoodGpeOrg,
    /// Adapt Wojood's spans to ANERCorp's head-noun convention: leading
    /// words of a span that ANERCorp's training part tags O in at least 90%
    /// of at least 5 occurrences (وزارة، صحيفة) are dropped from the span.
    pub wojood_o_heads: bool,
    /// Dev file; if `None`, the last `dev_fraction` of the train sentences.
    pub dev: Option<PathBuf>,
    /// Fraction of train sentences held out as dev when `dev` is `None`.
    pub dev_fraction: f64,
    /// Which block of `dev_fraction` of the train sentences is dev, counted
    /// from the end (0: the last block, the documented dev set; 1: the block
    /// before it …): other blocks give a k-fold check of a choice made on dev.
    pub dev_block: usize,
    /// Maximum epochs (the epoch with the best dev F1 is kept).
    pub epochs: usize,
    /// Gazetteer directory (layout of /work/shared/data/gazetteers); `None`: no gazetteers.
    pub gazetteers: Option<PathBuf>,
    /// log2 of the feature table rows (8–22; models with more cannot be loaded).
    pub bits: u32,
    /// Document-level features.
    pub doc_features: bool,
    /// Sentences per pseudo-document in training (the evaluation text is one document).
    pub doc_sentences: usize,
    /// Shuffling seed.
    pub seed: u64,
    /// Unlabelled news (JSON lines, gzip, with a `body` field) for corpus word statistics.
    pub corpus: Option<PathBuf>,
    /// Minimum corpus count of a word kept in the lexicon.
    pub corpus_min: u32,
    /// After choosing epochs on dev, train again on train + dev with those epochs.
    pub refit_with_dev: bool,
    /// Add distributional SimHash codes of words (from the corpus) as features.
    /// Off by default: on dev it did not help (0.766 vs 0.784).
    pub simhash: bool,
    /// Add distributional word classes of cores (two-level spherical k-means
    /// over left/right neighbour counts in the corpus, see [`cluster_codes`])
    /// as features; replaces `simhash`.
    pub clusters: bool,
    /// Shuffling seeds whose weight tables are averaged (1: a single model).
    pub seeds: usize,
    /// Stack a second pass on jackknifed first-pass labels and document label statistics.
    pub two_pass: bool,
    /// Gazetteer cleaning: a one-word person entry seen at least
    /// `gaz_clean_min` times in the unlabelled corpus that stands next to
    /// another person entry in under `gaz_clean_share` of its occurrences is
    /// an ordinary word (من، اليوم، الاولي …) and is marked
    /// [`crate::features::G_COMMON`] (0.0: no marks). Needs `corpus`.
    pub gaz_clean_share: f64,
    /// See `gaz_clean_share`.
    pub gaz_clean_min: u32,
    /// UPOS and lemma features from the embedded morphology tagger
    /// (`khabar_morph::MorphModel::embedded`), run over each training sentence.
    /// On by default: dev micro F1 0.799 / 0.812 (seeds 42 / 7) against 0.773 /
    /// 0.784 without (models/NER.md).
    pub morph: bool,
    /// Context feature templates left out (training and the model's run
    /// time, see [`crate::features::omit`]); default: none.
    pub omit: crate::features::Omit,
    /// Decoding bias of the final pass, per type (PER, LOC, ORG, MISC): added
    /// to the score of every entity (`.0`) and of every token inside one
    /// (`.1`), see [`NerModel::with_label_bias`]. Applied after training (to
    /// the dev figure reported and to the refit model); the weights are
    /// trained without it. Default: ORG +10 / +5, chosen on dev (three dev
    /// blocks × two seeds, models/NER.md, session s19): ORG recall is the
    /// lowest of the three types.
    pub label_bias: ([f32; 4], [f32; 4]),
    /// Print progress to stderr.
    pub verbose: bool,
    /// Optional test file scored after training (report only, never used for choices).
    pub test: Option<PathBuf>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        let d = PathBuf::from("/work/shared/data");
        TrainOptions {
            train: vec![d.join("ner/anercorp/ANERCorp_CamelLab_train.txt")],
            extra: Vec::new(),
            extra_holdout_every: 7,
            wojood: Vec::new(),
            wojood_gpe_org: crate::data::WojoodGpeOrg::default(),
            wojood_o_heads: false,
            dev: None,
            dev_fraction: 0.1,
            dev_block: 0,
            epochs: 12,
            gazetteers: Some(d.join("gazetteers")),
            bits: 20,
            doc_features: true,
            doc_sentences: 1000,
            seed: 42,
            two_pass: true,
            seeds: 1,
            simhash: false,
            clusters: true,
            refit_with_dev: true,
            corpus: Some(d.join("news/saudinewsnet.jsonl.gz")),
            corpus_min: 3,
            gaz_clean_share: 0.25,
            label_bias: ([0.0, 0.0, 10.0, 0.0], [0.0, 0.0, 5.0, 0.0]),
            gaz_clean_min: 500,
            morph: true,
            omit: crate::features::Omit::default(),
            verbose: false,
            test: Some(d.join("ner/anercorp/ANERCorp_CamelLab_test.txt")),
        }
    }
}

/// What training measured.
#[derive(Clone, Debug, Default)]
pub struct TrainReport {
    /// Dev scores of the kept epoch.
    pub dev: EvalReport,
    /// Kept epoch (1-based).
    pub best_epoch: usize,
    /// Scores on the held-out extra files (cross-domain), if any.
    pub extra_heldout: Option<EvalReport>,
    /// Test scores, if a test file was given.
    pub test: Option<EvalReport>,
    /// Training sentences and tokens.
    pub train_sentences: usize,
    /// Training tokens.
    pub train_tokens: usize,
    /// Seconds spent training (features + epochs).
    pub seconds: f64,
}

struct DocData {
    infos: Vec<Vec<TokInfo>>,
    gold: Vec<Vec<usize>>,
    /// Jackknife fold of each sentence.
    fold: Vec<usize>,
}

/// Features of every token of every sentence of a document.
type DocFeats = Vec<Vec<Vec<u64>>>;

/// Khabar tokens of a gold sentence joined with spaces, and their projected labels.
fn project(s: &GoldSentence) -> (String, Vec<Token>, Vec<usize>) {
    let text = s.tokens.join(" ");
    let toks: Vec<Token> = tokenize(&text).collect();
    let mut starts = Vec::with_capacity(s.tokens.len());
    let mut p = 0;
    for t in &s.tokens {
        starts.push(p);
        p += t.len() + 1;
    }
    let mut labels = Vec::with_capacity(toks.len());
    let mut last_g = usize::MAX;
    for t in &toks {
        let g = starts.partition_point(|&x| x <= t.span.start()).saturating_sub(1);
        let tag = s.tags.get(g).copied().flatten();
        let l = match tag {
            None => O,
            Some((b, ty)) => {
                let ty = (ty as usize).min(3);
                if g == last_g {
                    i_of(ty)
                } else if b {
                    b_of(ty)
                } else {
                    i_of(ty)
                }
            }
        };
        labels.push(l);
        last_g = g;
    }
    // repair: an I- must follow its B-/I-
    for i in 0..labels.len() {
        let l = labels[i];
        if l != O && !crate::model::is_b(l) {
            let ok = i > 0 && labels[i - 1] != O && crate::model::label_type(labels[i - 1]) == crate::model::label_type(l);
            if !ok {
                labels[i] = b_of(crate::model::label_type(l));
            }
        }
    }
    (text, toks, labels)
}

const FOLDS: usize = 4;
const FOLD_BLOCK: usize = 50;

fn build_docs(docs: &[Vec<GoldSentence>], gaz: &Gazetteer, lex: &CorpusLex, morph: bool) -> Vec<DocData> {
    let trig = trigger_map();
    let mut base = vec![0usize; docs.len()];
    let mut acc = 0;
    for (i, d) in docs.iter().enumerate() {
        base[i] = acc;
        acc += d.len();
    }
    docs.par_iter()
        .zip(base.par_iter())
        .map(|(doc, &b)| {
            let mut infos = Vec::with_capacity(doc.len());
            let mut gold = Vec::with_capacity(doc.len());
            let mut fold = Vec::with_capacity(doc.len());
            for (k, s) in doc.iter().enumerate() {
                let (text, toks, labels) = project(s);
                let mut v = Vec::new();
                analyse_tokens(&text, &toks, gaz, &trig, lex, &mut v);
                if morph {
                    let surfaces: Vec<&str> = toks.iter().map(|t| t.text(&text)).collect();
                    crate::features::add_morph(&mut v, &khabar_morph::MorphModel::embedded().analyze_sentence(&surfaces));
                }
                infos.push(v);
                gold.push(labels);
                fold.push(((b + k) / FOLD_BLOCK) % FOLDS);
            }
            DocData { infos, gold, fold }
        })
        .collect()
}

fn features(docs: &[DocData], use_doc: bool, omit: crate::features::Omit, first: Option<&Vec<Vec<Vec<usize>>>>) -> Vec<DocFeats> {
    docs.par_iter()
        .enumerate()
        .map(|(di, d)| {
            let dm = if use_doc { Some(doc_features(&d.infos)) } else { None };
            let stats = first.map(|f| label_stats(&d.infos, &f[di]));
            d.infos
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    (0..s.len())
                        .map(|i| {
                            let mut f = Vec::with_capacity(80);
                            token_features(s, i, dm.as_ref(), omit, &mut f);
                            if let (Some(st), Some(fl)) = (&stats, first) {
                                stack_features(s, &fl[di][si], i, st, omit, &mut f);
                            }
                            f
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Train weights on the (doc, sentence) pairs selected by `keep`; with `dev`,
/// keep the epoch with the best dev score (stopping after 3 epochs without gain).
fn fit(
    docs: &[DocData],
    feats: &[DocFeats],
    keep: &dyn Fn(usize, usize) -> bool,
    opts: &TrainOptions,
    epochs: usize,
    dev: Option<&dyn Fn(&Weights) -> EvalReport>,
    label: &str,
) -> (Weights, usize, Option<EvalReport>) {
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (di, d) in docs.iter().enumerate() {
        for si in 0..d.infos.len() {
            if !d.infos[si].is_empty() && keep(di, si) {
                order.push((di, si));
            }
        }
    }
    let mut tr = Trainer::new(opts.bits);
    let mut rng = opts.seed | 1;
    let mut em: Vec<[f32; NL]> = Vec::new();
    let mut pred = Vec::new();
    let mut best: Option<(f64, usize, Weights, EvalReport)> = None;
    let mut since_best = 0;
    for epoch in 1..=epochs.max(1) {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut errs = 0;
        for &(di, si) in &order {
            if tr.step(&feats[di][si], &docs[di].gold[si], &mut em, &mut pred) {
                errs += 1;
            }
        }
        if let Some(dev) = dev {
            let w = tr.averaged();
            let rep = dev(&w);
            let f = rep.micro.f1();
            if opts.verbose {
                eprintln!(
                    "{label} epoch {epoch}: {errs} sentences wrong; dev micro P/R/F1 {:.4}/{:.4}/{:.4}",
                    rep.micro.precision(),
                    rep.micro.recall(),
                    f
                );
            }
            if best.as_ref().is_none_or(|b| f > b.0) {
                best = Some((f, epoch, w, rep));
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= 3 {
                    break;
                }
            }
        }
    }
    match best {
        Some((_, e, w, rep)) => (w, e, Some(rep)),
        None => (tr.averaged(), epochs.max(1), None),
    }
}

/// [`fit`] with `opts.seeds` shuffling seeds, the weight tables averaged.
/// `epochs` gives each seed's epoch count (with `dev`: the maximum, each seed
/// stopping on its own). Returns the averaged weights and each seed's epochs.
#[allow(clippy::too_many_arguments)]
fn fit_ens(
    docs: &[DocData],
    feats: &[DocFeats],
    keep: &dyn Fn(usize, usize) -> bool,
    opts: &TrainOptions,
    epochs: &[usize],
    dev: Option<&dyn Fn(&Weights) -> EvalReport>,
    label: &str,
) -> (Weights, Vec<usize>) {
    let n = opts.seeds.max(1);
    let mut sum: Option<Weights> = None;
    let mut used = Vec::with_capacity(n);
    for k in 0..n {
        let o = TrainOptions { seed: opts.seed.wrapping_add(k as u64 * 7919), ..opts.clone() };
        let e = epochs.get(k).copied().unwrap_or(epochs.last().copied().unwrap_or(1));
        let (w, ek, _) = fit(docs, feats, keep, &o, e, dev, label);
        used.push(ek);
        match &mut sum {
            None => sum = Some(w),
            Some(acc) => {
                for (a, b) in acc.w.iter_mut().zip(&w.w) {
                    *a += b;
                }
                for (a, b) in acc.trans.iter_mut().zip(&w.trans) {
                    *a += b;
                }
            }
        }
    }
    let mut w = sum.unwrap_or_else(|| Weights::new(opts.bits));
    let inv = 1.0 / n as f32;
    w.w.iter_mut().for_each(|x| *x *= inv);
    w.trans.iter_mut().for_each(|x| *x *= inv);
    (w, used)
}

/// Known names: normalised entity words of the training data, keeping a
/// clitic-bearing form out when its stripped form is itself a known name.
fn known_words(sents: &[GoldSentence]) -> HashSet<String> {
    let mut all = HashSet::new();
    for s in sents {
        let (text, toks, labels) = project(s);
        for (t, &l) in toks.iter().zip(&labels) {
            if l != O && t.kind == TokenKind::Arabic {
                all.insert(khabar_text::normalize(t.text(&text), khabar_text::Profile::Search));
            }
        }
    }
    let mut known = HashSet::new();
    for w in &all {
        let c = crate::clitic::analyse(w);
        let mut stripped_known = false;
        for off in [c.prep, c.conj] {
            if off > 0 && all.contains(&w[off..]) {
                stripped_known = true;
            }
        }
        if !stripped_known {
            known.insert(w.clone());
        }
    }
    known
}

/// Search-normalised words seen at least `min` times in `sents` and tagged O
/// in at least `share` of them.
fn o_words(sents: &[GoldSentence], min: u32, share: f64) -> HashSet<String> {
    let mut n: crate::features::HashMap<String, (u32, u32)> = Default::default();
    for s in sents {
        for (t, g) in s.tokens.iter().zip(&s.tags) {
            let e = n.entry(khabar_text::normalize(t, khabar_text::Profile::Search)).or_default();
            e.0 += 1;
            e.1 += g.is_none() as u32;
        }
    }
    n.into_iter().filter(|(_, (all, o))| *all >= min && f64::from(*o) >= share * f64::from(*all)).map(|(w, _)| w).collect()
}

/// Take `k` items out of `train` as dev: the `block`-th block of `k` counted
/// from the end (0: the last `k`; a block past the start gives the first `k`).
/// The rest keeps its order.
fn split_dev<T>(train: &mut Vec<T>, k: usize, block: usize) -> Vec<T> {
    let k = k.min(train.len());
    let end = train.len() - k.saturating_mul(block).min(train.len() - k);
    let rest = train.split_off(end);
    let dev = train.split_off(end - k);
    train.extend(rest);
    dev
}

/// Train a model; see [`TrainOptions`].
pub fn train(opts: &TrainOptions) -> Result<NerModel> {
    train_with_report(opts).map(|x| x.0)
}

/// Train a model and report dev / held-out / test scores.
pub fn train_with_report(opts: &TrainOptions) -> Result<(NerModel, TrainReport)> {
    let t0 = Instant::now();
    let mut train = Vec::new();
    for p in &opts.train {
        train.extend(read_bio(p)?);
    }
    if train.is_empty() {
        let files: Vec<String> = opts.train.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Data(format!(
            "no training sentences in {}: expected `token tag` lines (BIO tags), a blank line between sentences",
            if files.is_empty() { "no file (give one or more training files)".to_owned() } else { files.join(", ") }
        )));
    }
    let dev = match &opts.dev {
        Some(p) => read_bio(p)?,
        None => {
            let k = ((train.len() as f64) * opts.dev_fraction.clamp(0.0, 0.9)).round() as usize;
            split_dev(&mut train, k, opts.dev_block)
        }
    };
    let mut docs: Vec<Vec<GoldSentence>> = train.chunks(opts.doc_sentences.max(1)).map(|c| c.to_vec()).collect();
    let mut heldout: Vec<GoldSentence> = Vec::new();
    let mut all_train: Vec<GoldSentence> = train.clone();
    for p in &opts.extra {
        let files = if p.is_dir() { bio_files(p)? } else { vec![p.clone()] };
        for (i, f) in files.iter().enumerate() {
            let s = read_bio(f)?;
            if opts.extra_holdout_every > 0 && i % opts.extra_holdout_every == opts.extra_holdout_every - 1 {
                heldout.extend(s);
            } else {
                all_train.extend(s.iter().cloned());
                docs.push(s);
            }
        }
    }
    if !opts.wojood.is_empty() {
        let heads = if opts.wojood_o_heads { o_words(&train, 5, 0.9) } else { HashSet::new() };
        for f in crate::data::read_wojood(&opts.wojood, opts.wojood_gpe_org, &heads)? {
            if opts.verbose {
                let mut n = [0usize; 5];
                let toks: usize = f.iter().map(|s| s.tokens.len()).sum();
                for t in f.iter().flat_map(|s| &s.tags).flatten() {
                    if t.0 {
                        n[(t.1 as usize).min(4)] += 1;
                    }
                }
                eprintln!("wojood: {} sentences, {toks} tokens; entities PER {} LOC {} ORG {} MISC {}", f.len(), n[0], n[1], n[2], n[3]);
            }
            for c in f.chunks(opts.doc_sentences.max(1)) {
                all_train.extend(c.iter().cloned());
                docs.push(c.to_vec());
            }
        }
    }
    let mut gaz = match &opts.gazetteers {
        Some(d) => load_gazetteers(d)?,
        None => Gazetteer::default(),
    };
    if opts.verbose {
        eprintln!(
            "train: {} sentences in {} documents; dev {} sentences; extra held out {}; gazetteer {} entries",
            all_train.len(),
            docs.len(),
            dev.len(),
            heldout.len(),
            gaz.map.len()
        );
    }
    let known = known_words(&all_train);
    let (mut lex, forms, sim) = match &opts.corpus {
        Some(p) => {
            let clean = (opts.gaz_clean_share > 0.0).then_some((opts.gaz_clean_min, opts.gaz_clean_share));
            let r = corpus_lex(p, opts.corpus_min, &mut gaz, opts.simhash as u8 | (opts.clusters as u8) << 1, clean)?;
            if opts.verbose && clean.is_some() {
                let n = gaz.map.values().filter(|b| **b & crate::features::G_COMMON != 0).count();
                eprintln!("gazetteer: {n} person entries marked as ordinary words");
            }
            r
        }
        None => (CorpusLex::default(), CorpusLex::default(), CorpusLex::default()),
    };
    // distributional codes ride in the high bits of the lexicon code
    for (w, c) in &sim {
        if let Some(x) = lex.get_mut(w) {
            *x |= c << 24;
        }
    }
    if opts.verbose {
        eprintln!("corpus lexicon: {} words ({:.1}s)", lex.len(), t0.elapsed().as_secs_f64());
    }
    let data = build_docs(&docs, &gaz, &lex, opts.morph);
    let ntok: usize = data.iter().flat_map(|d| d.gold.iter()).map(|g| g.len()).sum();
    let nsent: usize = data.iter().map(|d| d.gold.len()).sum();
    let f1 = features(&data, opts.doc_features, opts.omit, None);
    if opts.verbose {
        eprintln!("features built: {} tokens in {:.1}s", ntok, t0.elapsed().as_secs_f64());
    }
    let mut model = NerModel {
        w: Weights::new(8),
        w2: None,
        gaz,
        known,
        use_doc: opts.doc_features,
        trig: trigger_map(),
        lex,
        forms,
        full: full_names(&all_train),
        morph: opts.morph,
        omit: opts.omit,
    };
    let all = |_: usize, _: usize| true;
    let (w1, e1, rep1) = {
        let dev_eval = |w: &Weights| {
            let m = NerModel { w: w.clone(), w2: None, ..model.clone_light() };
            evaluate_sentences(&m, &dev)
        };
        let (w, es) = fit_ens(&data, &f1, &all, opts, &[opts.epochs], Some(&dev_eval), "pass 1");
        let rep = dev_eval(&w);
        if opts.verbose {
            eprintln!("pass 1 ({} seeds, epochs {es:?}): dev micro F1 {:.4}", opts.seeds.max(1), rep.micro.f1());
        }
        (w, es, Some(rep))
    };
    model.w = w1;
    let mut best_epoch = e1[0];
    let mut e2_used: Vec<usize> = Vec::new();
    let mut dev_rep = rep1.unwrap_or_default();
    if opts.two_pass {
        let first = jackknife(&data, &f1, opts, e1[0], t0);
        drop(f1);
        let f2 = features(&data, opts.doc_features, opts.omit, Some(&first));
        let dev_eval = |w: &Weights| {
            let m = NerModel { w: model.w.clone(), w2: Some(w.clone()), ..model.clone_light() };
            evaluate_sentences(&m, &dev)
        };
        let (w2, e2) = fit_ens(&data, &f2, &all, opts, &[opts.epochs], Some(&dev_eval), "pass 2");
        let rep2 = dev_eval(&w2);
        if opts.verbose {
            eprintln!("pass 2 ({} seeds, epochs {e2:?}): dev micro F1 {:.4}", opts.seeds.max(1), rep2.micro.f1());
        }
        if rep2.micro.f1() > dev_rep.micro.f1() {
            model.w2 = Some(w2);
            best_epoch = e2[0];
            e2_used = e2;
            dev_rep = rep2;
        } else if opts.verbose {
            eprintln!("pass 2 did not beat pass 1 on dev; keeping one pass");
        }
    }
    let (entity_bias, token_bias) = opts.label_bias;
    if opts.label_bias != ([0.0; 4], [0.0; 4]) {
        model = model.with_label_bias(entity_bias, token_bias);
        let rep = evaluate_sentences(&model, &dev);
        if opts.verbose {
            eprintln!(
                "decoding bias {entity_bias:?} per entity, {token_bias:?} per token: dev micro F1 {:.4} (without: {:.4})",
                rep.micro.f1(),
                dev_rep.micro.f1()
            );
        }
        dev_rep = rep;
    }
    let (mut ntok, mut nsent) = (ntok, nsent);
    if opts.refit_with_dev && !dev.is_empty() {
        // same settings, dev sentences added (as one more document)
        let mut docs = docs;
        docs.push(dev.clone());
        let mut all_train = all_train;
        all_train.extend(dev.iter().cloned());
        model.known = known_words(&all_train);
        model.full = full_names(&all_train);
        let data = build_docs(&docs, &model.gaz, &model.lex, opts.morph);
        ntok = data.iter().flat_map(|d| d.gold.iter()).map(|g| g.len()).sum();
        nsent = data.iter().map(|d| d.gold.len()).sum();
        let f1 = features(&data, opts.doc_features, opts.omit, None);
        let (w1, _) = fit_ens(&data, &f1, &all, opts, &e1, None, "refit pass 1");
        if model.w2.is_some() {
            let first = jackknife(&data, &f1, opts, e1[0], t0);
            drop(f1);
            let f2 = features(&data, opts.doc_features, opts.omit, Some(&first));
            let (w2, _) = fit_ens(&data, &f2, &all, opts, &e2_used, None, "refit pass 2");
            model.w2 = Some(w2);
        }
        model.w = w1;
        model = model.with_label_bias(entity_bias, token_bias);
        if opts.verbose {
            eprintln!("refit on train + dev: {} sentences ({:.1}s)", nsent, t0.elapsed().as_secs_f64());
        }
    }
    let seconds = t0.elapsed().as_secs_f64();
    let extra_heldout = if heldout.is_empty() { None } else { Some(evaluate_sentences(&model, &heldout)) };
    let test = match &opts.test {
        Some(p) => Some(crate::eval::evaluate(&model, p)?),
        None => None,
    };
    let report = TrainReport { dev: dev_rep, best_epoch, extra_heldout, test, train_sentences: nsent, train_tokens: ntok, seconds };
    Ok((model, report))
}

/// First-pass labels of every training sentence from a model trained without
/// its fold (contiguous blocks of sentences), so the second pass learns from
/// labels as noisy as the ones it will see.
fn jackknife(data: &[DocData], f1: &[DocFeats], opts: &TrainOptions, epochs: usize, t0: Instant) -> Vec<Vec<Vec<usize>>> {
    let mut first: Vec<Vec<Vec<usize>>> = data.iter().map(|d| vec![Vec::new(); d.infos.len()]).collect();
    for k in 0..FOLDS {
        let keep = |di: usize, si: usize| data[di].fold[si] != k;
        let (wk, _, _) = fit(data, f1, &keep, opts, epochs, None, "fold");
        let labs: Vec<Vec<(Vec<usize>, Vec<f32>)>> =
            data.par_iter().map(|d| crate::tag_pass(&wk, &d.infos, opts.doc_features, opts.omit, None)).collect();
        for (di, d) in data.iter().enumerate() {
            for si in 0..d.infos.len() {
                if d.fold[si] == k {
                    first[di][si] = labs[di][si].0.clone();
                }
            }
        }
        if opts.verbose {
            eprintln!("fold {k} tagged ({:.1}s)", t0.elapsed().as_secs_f64());
        }
    }
    first
}

/// Word statistics of an unlabelled news corpus: for each normalised core
/// (proclitics and article removed), how often it occurs, with the article,
/// after a person / place / organisation trigger word, with another proclitic.
/// Also returns the counts of whole normalised words (count ≥ `min`), used to
/// decide whether a name starts after a proclitic-looking letter.
/// With `codes` 1, also distributional codes (see [`simhash_codes`]); with
/// `codes` 2, word classes (see [`cluster_codes`]).
///
/// With `clean = Some((min_count, share))`, first removes the person bit of
/// the one-word person entries of `gaz` that are ordinary words, see
/// [`clean_person_gazetteer`].
pub fn corpus_lex(
    path: &std::path::Path,
    min: u32,
    gaz: &mut Gazetteer,
    codes: u8,
    clean: Option<(u32, f64)>,
) -> Result<(CorpusLex, CorpusLex, CorpusLex)> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let rd = std::io::BufReader::new(flate2::read::GzDecoder::new(f));
    let mut bodies = Vec::new();
    for line in rd.lines() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            if let Some(b) = v.get("body").and_then(|b| b.as_str()) {
                bodies.push(b.to_string());
            }
        }
    }
    if let Some((cmin, share)) = clean {
        clean_person_gazetteer(&bodies, gaz, cmin, share);
    }
    let gaz: &Gazetteer = gaz;
    let counts = count_over_bodies::<8>(&bodies, gaz, |v, i, m| {
        let t = &v[i];
        if t.kind_code != 0 {
            return;
        }
        if t.clit.pattern != 0 {
            let mut k = String::with_capacity(t.norm.len() + 1);
            k.push('=');
            k.push_str(&t.norm);
            m.entry(k).or_insert([0; 8])[0] += 1;
        }
        let e = m.entry(t.core.to_string()).or_insert([0; 8]);
        e[0] += 1;
        if t.clit.pattern & 4 != 0 {
            e[1] += 1;
        } else if t.clit.pattern != 0 {
            e[5] += 1;
        }
        let near_per = (i > 0 && v[i - 1].gaz1 & G_PER != 0) || (i + 1 < v.len() && v[i + 1].gaz1 & G_PER != 0);
        if near_per {
            e[6] += 1;
        }
        if i > 0 && matches!(v[i - 1].norm.as_str(), "في" | "الي" | "من" | "بين" | "نحو" | "داخل" | "شمال" | "جنوب" | "شرق" | "غرب")
        {
            e[7] += 1;
        }
        if i > 0 {
            match v[i - 1].trigger {
                1 => e[2] += 1,
                2 => e[3] += 1,
                3 => e[4] += 1,
                _ => {}
            }
        }
    });
    let (lex, forms) = lex_and_forms(counts, min);
    let sim = match codes {
        2 | 3 => cluster_codes(&bodies, gaz, &lex),
        1 => simhash_codes(&bodies, gaz, &lex),
        _ => CorpusLex::default(),
    };
    Ok((lex, forms, sim))
}

/// The corpus lexicon (cores seen at least `min` times, with their [`corpus_code`]) and the
/// whole-word counts of `corpus_lex`'s counters. A normalised word occurs with proclitics (its
/// `=form` entry) and without them (its bare entry's count minus the clitic-bearing uses of
/// that core); the two parts are summed, so the result does not depend on the order of
/// `counts`, and a word is kept when the sum reaches `min`. (Before session s18 the `=form`
/// entry replaced the count, so a bare part seen before it was lost.)
fn lex_and_forms(counts: impl IntoIterator<Item = (String, [u32; 8])>, min: u32) -> (CorpusLex, CorpusLex) {
    let mut lex = CorpusLex::default();
    let mut forms = CorpusLex::default();
    for (k, c) in counts {
        if let Some(f) = k.strip_prefix('=') {
            *forms.entry(f.to_string()).or_insert(0) += c[0];
            continue;
        }
        let bare = c[0].saturating_sub(c[1] + c[5]);
        if bare > 0 {
            *forms.entry(k.clone()).or_insert(0) += bare;
        }
        if c[0] >= min {
            lex.insert(k, corpus_code(&c));
        }
    }
    forms.retain(|_, n| *n >= min);
    (lex, forms)
}

/// Per-word counters over a news corpus: every body is tokenised and analysed
/// as the tagger sees it (without corpus lexicons), `count(tokens, i, counters)`
/// is called for each token `i`, and the counters of all bodies are summed
/// (in parallel, 256 bodies per task).
fn count_over_bodies<const N: usize>(
    bodies: &[String],
    gaz: &Gazetteer,
    count: impl Fn(&[TokInfo], usize, &mut crate::features::StableMap<String, [u32; N]>) + Sync,
) -> crate::features::StableMap<String, [u32; N]> {
    fold_over_bodies(bodies, gaz, [0; N], count, |e, c| {
        for (x, y) in e.iter_mut().zip(c) {
            *x += y;
        }
    })
}

/// Per-word values over a news corpus: every body is tokenised and analysed as
/// the tagger sees it (without corpus lexicons), `visit(tokens, i, values)` is
/// called for each token `i` (in parallel, 256 bodies per task), and the values
/// of the tasks are merged word by word with `add(value, other)`, a word new to
/// the first task's map starting from `zero`.
fn fold_over_bodies<V: Clone + Send + Sync>(
    bodies: &[String],
    gaz: &Gazetteer,
    zero: V,
    visit: impl Fn(&[TokInfo], usize, &mut crate::features::StableMap<String, V>) + Sync,
    add: impl Fn(&mut V, V) + Sync,
) -> crate::features::StableMap<String, V> {
    let trig = trigger_map();
    let none = CorpusLex::default();
    bodies
        .par_chunks(256)
        .map(|chunk| {
            let mut m: crate::features::StableMap<String, V> = Default::default();
            let mut v = Vec::new();
            for b in chunk {
                let toks: Vec<Token> = tokenize(b).collect();
                analyse_tokens(b, &toks, gaz, &trig, &none, &mut v);
                for i in 0..v.len() {
                    visit(&v, i, &mut m);
                }
            }
            m
        })
        .reduce(crate::features::StableMap::default, |mut a, b| {
            for (k, c) in b {
                add(a.entry(k).or_insert_with(|| zero.clone()), c);
            }
            a
        })
}

/// Gazetteer cleaning by corpus evidence. ANERGazet's person list holds
/// frequent ordinary words (من، كان، اليوم، الاولي، الماضي …). A one-word
/// person entry that occurs at least `min_count` times in `bodies` (as the
/// whole word, or after proclitics) and has a person entry as left or right
/// neighbour in under `share` of those occurrences is used mostly as an
/// ordinary word: it is marked [`G_COMMON`]. Real first and family names
/// stand next to other names (محمد 79%، بن 97%، الغامدي 66% in
/// SaudiNewsNet). The mark changes no feature (features read the four type
/// bits only); the post-Viterbi corrections read it (see `post.rs`). Returns
/// the number of entries marked.
pub fn clean_person_gazetteer(bodies: &[String], gaz: &mut Gazetteer, min_count: u32, share: f64) -> usize {
    let g: &Gazetteer = gaz;
    let per1 = |w: &str| !w.contains(' ') && g.map.get(w).is_some_and(|b| b & G_PER != 0);
    let counts = count_over_bodies::<2>(bodies, g, |v, i, m| {
        let t = &v[i];
        if t.kind_code != 0 || t.gaz1 & G_PER == 0 {
            return;
        }
        let Some(w) = [&t.norm, &t.prep, &t.core].into_iter().find(|w| per1(w)) else { return };
        let near = (i > 0 && v[i - 1].gaz1 & G_PER != 0) || (i + 1 < v.len() && v[i + 1].gaz1 & G_PER != 0);
        let e = m.entry(w.to_string()).or_insert([0; 2]);
        e[0] += 1;
        e[1] += near as u32;
    });
    let mut changed = 0;
    for (w, c) in counts {
        if c[0] >= min_count && (c[1] as f64) < share * c[0] as f64 {
            if let Some(b) = gaz.map.get_mut(&w) {
                *b |= G_COMMON;
                changed += 1;
            }
        }
    }
    changed
}

/// Sparse vector: (dimension, value), sorted by dimension.
type SparseVec = Vec<(u32, f32)>;

/// Coarse classes of [`cluster_codes`] (1..=15; 0 means "no class").
const COARSE: usize = 15;
/// Fine classes inside each coarse class.
const FINE: usize = 16;
/// Context words (the most frequent normalised words) of [`cluster_codes`].
const CTX: usize = 1000;

/// How often each search-normalised Arabic word occurs in `bodies` (in parallel).
fn arabic_word_counts(bodies: &[String]) -> crate::features::HashMap<String, u32> {
    bodies
        .par_chunks(256)
        .map(|chunk| {
            let mut m: crate::features::HashMap<String, u32> = Default::default();
            for b in chunk {
                for t in tokenize(b) {
                    if t.kind == TokenKind::Arabic {
                        *m.entry(khabar_text::normalize(t.text(b), khabar_text::Profile::Search)).or_insert(0) += 1;
                    }
                }
            }
            m
        })
        .reduce(crate::features::HashMap::default, |mut a, b| {
            for (k, c) in b {
                *a.entry(k).or_insert(0) += c;
            }
            a
        })
}

/// Distributional word classes: every core seen at least 20 times gets a
/// vector of its left and right neighbours (the [`CTX`] most frequent
/// normalised words, sentence edges included; square-root counts,
/// L2-normalised); spherical k-means puts the vectors in [`COARSE`] classes,
/// and each class again in up to [`FINE`] classes. Code: `coarse << 4 | fine`
/// with coarse in 1..=15, stored in bits 24..31 of the lexicon code (where
/// the features read it). Brown-cluster-like: words used in the same contexts
/// (names after the same verbs, places after the same prepositions) share a class.
pub fn cluster_codes(bodies: &[String], gaz: &Gazetteer, lex: &CorpusLex) -> CorpusLex {
    let freq = arabic_word_counts(bodies);
    let mut byf: Vec<(&String, &u32)> = freq.iter().collect();
    byf.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    // index CTX-1: sentence edge or a non-Arabic token
    let ctx: crate::features::HashMap<&str, u32> = byf.iter().take(CTX - 1).enumerate().map(|(i, (w, _))| (w.as_str(), i as u32)).collect();
    let visit = |v: &[TokInfo], i: usize, m: &mut crate::features::StableMap<String, crate::features::HashMap<u32, f32>>| {
        if v[i].kind_code != 0 || (lex.get(v[i].core.as_str()).copied().unwrap_or(0) & 7) < 3 {
            return;
        }
        let c = |j: Option<usize>| -> Option<u32> {
            match j.and_then(|j| v.get(j)) {
                None => Some(CTX as u32 - 1),
                Some(t) if t.kind_code != 0 => Some(CTX as u32 - 1),
                Some(t) => ctx.get(t.norm.as_str()).copied(),
            }
        };
        let l = c(i.checked_sub(1));
        let r = c(Some(i + 1));
        let e = m.entry(v[i].core.to_string()).or_default();
        if let Some(l) = l {
            *e.entry(l).or_insert(0.0) += 1.0;
        }
        if let Some(r) = r {
            *e.entry(CTX as u32 + r).or_insert(0.0) += 1.0;
        }
    };
    let acc = fold_over_bodies(bodies, gaz, crate::features::HashMap::default(), visit, |e, c| {
        for (d, x) in c {
            *e.entry(d).or_insert(0.0) += x;
        }
    });
    // words by corpus frequency (deterministic order: the first k seed k-means)
    let mut words: Vec<(u32, String, SparseVec)> =
        acc.into_iter().map(|(w, m)| (freq.get(&w).copied().unwrap_or(0), w, khabar_morph::unit_sqrt_vector(m))).collect();
    words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let dims = 2 * CTX;
    let all: Vec<&[(u32, f32)]> = words.iter().map(|x| x.2.as_slice()).collect();
    // the morphology's word-class k-means (deterministic: the first k vectors seed it)
    let coarse = khabar_morph::spherical_kmeans(&all, COARSE, dims, &|_, _| {});
    let mut code = vec![0u32; words.len()];
    for c in 0..COARSE {
        let members: Vec<usize> = (0..words.len()).filter(|&i| coarse[i] == c).collect();
        let vs: Vec<&[(u32, f32)]> = members.iter().map(|&i| words[i].2.as_slice()).collect();
        let fine = khabar_morph::spherical_kmeans(&vs, FINE, dims, &|_, _| {});
        for (&i, f) in members.iter().zip(fine) {
            code[i] = ((c as u32 + 1) << 4) | f as u32;
        }
    }
    words.into_iter().zip(code).map(|((_, w, _), c)| (w, c)).collect()
}

/// Distributional codes: for every core seen at least 20 times, a 7-bit
/// SimHash of its left and right neighbours (normalised words ranked 20–2000
/// by frequency, one weight per occurrence), so that words used in similar
/// contexts (names after the same verbs, places after the same prepositions)
/// share code prefixes — a cheap stand-in for Brown clusters.
fn simhash_codes(bodies: &[String], gaz: &Gazetteer, lex: &CorpusLex) -> CorpusLex {
    const BITS: usize = 7;
    // context vocabulary
    let freq = arabic_word_counts(bodies);
    let mut byf: Vec<(&String, &u32)> = freq.iter().collect();
    byf.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let ctx: crate::features::HashMap<&str, u64> =
        byf.iter().skip(20).take(2000).map(|(w, _)| (w.as_str(), crate::features::fnv(w.as_bytes()))).collect();
    let visit = |v: &[TokInfo], i: usize, m: &mut crate::features::StableMap<String, [f32; BITS]>| {
        if v[i].kind_code != 0 || (lex.get(v[i].core.as_str()).copied().unwrap_or(0) & 7) < 3 {
            return;
        }
        let mut add = [0f32; BITS];
        let mut any = false;
        for (j, side) in [(i.wrapping_sub(1), 0x5151u64), (i + 1, 0xA2A2u64)] {
            if let Some(h) = v.get(j).and_then(|t| ctx.get(t.norm.as_str())) {
                let r = crate::features::mix(side, *h);
                for (k, a) in add.iter_mut().enumerate() {
                    *a += if r >> k & 1 == 1 { 1.0 } else { -1.0 };
                }
                any = true;
            }
        }
        if any {
            let e = m.entry(v[i].core.to_string()).or_insert([0.0; BITS]);
            for k in 0..BITS {
                e[k] += add[k];
            }
        }
    };
    let acc = fold_over_bodies(bodies, gaz, [0.0; BITS], visit, |e, c| {
        for j in 0..BITS {
            e[j] += c[j];
        }
    });
    acc.into_iter()
        .map(|(w, a)| {
            let mut code = 1u32 << BITS; // presence bit
            for (k, &x) in a.iter().enumerate() {
                if x > 0.0 {
                    code |= 1 << k;
                }
            }
            (w, code)
        })
        .collect()
}

/// Full person names of the training data, for canonical names that are
/// stable across documents: for every surname (the last word of a gold PER
/// entity of two or more words), the full name it most often ends. Kept when
/// that full name occurs at least [`FULL_MIN`] times and makes up at least
/// [`FULL_SHARE`] of the surname's full-name uses; the value is the full
/// name's most frequent spelling (display form: diacritics removed). Map key:
/// the canonical key ([`crate::canonical_key`]) of the surname.
fn full_names(sents: &[GoldSentence]) -> FullNames {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    for s in sents {
        let mut i = 0;
        while i < s.tokens.len() {
            let Some((true, 0)) = s.tags[i] else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < s.tokens.len() && s.tags[j] == Some((false, 0)) {
                j += 1;
            }
            if j - i >= 2 {
                let disp = crate::canonical::display_form(&s.tokens[i..j].join(" "), false);
                if let Some(last) = disp.rsplit(' ').next() {
                    let lk = crate::canonical::key(last);
                    if lk.chars().count() >= 3 && !khabar_text::is_stopword(&lk) {
                        *counts.entry((lk, disp.clone())).or_insert(0) += 1;
                    }
                }
            }
            i = j;
        }
    }
    // per surname: per full name (by key) its count and spellings
    let mut by_last: BTreeMap<String, BTreeMap<String, Vec<(u32, String)>>> = BTreeMap::new();
    for ((last, disp), n) in counts {
        by_last.entry(last).or_default().entry(crate::canonical::key(&disp)).or_default().push((n, disp));
    }
    let mut out = FullNames::default();
    for (last, fulls) in by_last {
        let total: u32 = fulls.values().flatten().map(|x| x.0).sum();
        let best = fulls.values().map(|v| (v.iter().map(|x| x.0).sum::<u32>(), v)).max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        if let Some((n, spellings)) = best {
            if n >= FULL_MIN && n as f64 >= FULL_SHARE * total as f64 {
                // most frequent spelling, ties to the smallest string
                if let Some(sp) = spellings.iter().max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1))) {
                    out.insert(last, sp.1.clone());
                }
            }
        }
    }
    out
}

/// Minimum count of a full name in the training data for [`full_names`].
pub const FULL_MIN: u32 = 2;
/// Minimum share of the surname's full-name uses for [`full_names`].
pub const FULL_SHARE: f64 = 0.6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_blocks_count_from_the_end() {
        let mut v: Vec<u32> = (0..10).collect();
        assert_eq!(split_dev(&mut v, 3, 0), vec![7, 8, 9]);
        assert_eq!(v, (0..7).collect::<Vec<_>>());
        let mut v: Vec<u32> = (0..10).collect();
        assert_eq!(split_dev(&mut v, 3, 1), vec![4, 5, 6]);
        assert_eq!(v, vec![0, 1, 2, 3, 7, 8, 9]);
        let mut v: Vec<u32> = (0..10).collect();
        assert_eq!(split_dev(&mut v, 3, usize::MAX), vec![0, 1, 2]);
        assert_eq!(split_dev(&mut v, 30, 0).len(), 7);
    }

    #[test]
    fn whole_word_counts_do_not_depend_on_the_order() {
        // بوتين: 10 uses with proclitics (لبوتين … normalised to the whole word) and
        // 12 - 2 - 3 = 7 without; ليل: 2 + 2 = 4, kept only as a sum (min 3)
        let mut c = [0u32; 8];
        c[0] = 12;
        c[1] = 2;
        c[5] = 3;
        let mut x = [0u32; 8];
        x[0] = 10;
        let mut y = [0u32; 8];
        y[0] = 2;
        let z = y;
        let mut entries = vec![("=بوتين".to_string(), x), ("بوتين".to_string(), c), ("=ليل".to_string(), y), ("ليل".to_string(), z)];
        let (lex, forms) = lex_and_forms(entries.clone(), 3);
        assert_eq!(forms.get("بوتين"), Some(&17));
        assert_eq!(forms.get("ليل"), Some(&4));
        assert!(lex.contains_key("بوتين") && !lex.contains_key("ليل") && !lex.contains_key("=بوتين"));
        entries.reverse();
        let (lex2, forms2) = lex_and_forms(entries, 3);
        assert_eq!(forms2, forms);
        assert_eq!(lex2, lex);
    }

    #[test]
    fn person_entries_used_as_ordinary_words_are_marked() {
        let mut gaz = Gazetteer::default();
        for w in ["محمد", "عادل", "الأولى"] {
            gaz.insert(w, G_PER);
        }
        gaz.insert("مصر", crate::features::G_LOC | crate::features::G_COUNTRY);
        // محمد and عادل stand together; الأولى mostly stands alone (once next to a name)
        let mut bodies = vec!["قال محمد عادل إن المرة الأولى كانت في مصر.".to_string(); 8];
        bodies.push("وصل عادل الأولى".to_string());
        let marked = clean_person_gazetteer(&bodies, &mut gaz, 5, 0.25);
        assert_eq!(marked, 1);
        let get = |w: &str| gaz.map[&khabar_text::normalize(w, khabar_text::Profile::Search)];
        assert_eq!(get("الأولى"), G_PER | G_COMMON);
        assert_eq!(get("محمد"), G_PER);
        assert_eq!(get("عادل"), G_PER);
        // too rare to judge: nothing marked
        let mut g2 = Gazetteer::default();
        g2.insert("الأولى", G_PER);
        assert_eq!(clean_person_gazetteer(&bodies[..2], &mut g2, 5, 0.25), 0);
    }
}
