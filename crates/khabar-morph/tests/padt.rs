//! Score floors of the embedded model on UD Arabic-PADT dev, when the data is present.
//! The data is looked up in `$KHABAR_DATA` or `<repo>/../shared/data`. When it is absent the test
//! is skipped, unless `CI=true`, where it fails.

use std::path::PathBuf;

use khabar_morph::{evaluate, read_conllu, read_lemma_data, MorphModel};

fn data_dir() -> Option<PathBuf> {
    let d = std::env::var_os("KHABAR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if d.join("ud-padt/ar_padt-ud-dev.conllu").exists() {
        return Some(d);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but the shared data is missing at {}", d.display());
    }
    eprintln!("skipping: no shared data at {}", d.display());
    None
}

#[test]
fn dev_scores_above_floor() {
    let Some(d) = data_dir() else { return };
    let dev = read_conllu(&d.join("ud-padt/ar_padt-ud-dev.conllu")).unwrap();
    let sc = evaluate(MorphModel::embedded(), &dev);
    eprintln!("dev: {sc}");
    let (_, _, words_f1) = sc.words();
    let (_, _, upos_f1) = sc.upos();
    assert!(sc.seg_accuracy() >= 98.5, "segmentation accuracy {}", sc.seg_accuracy());
    assert!(words_f1 >= 98.3, "words F1 {words_f1}");
    assert!(upos_f1 >= 95.0, "UPOS F1 {upos_f1}");
    assert!(sc.gold_tok_upos_accuracy() >= 96.0, "gold-tokenisation UPOS {}", sc.gold_tok_upos_accuracy());
}

#[test]
fn lemma_cross_validation_above_floor() {
    let Some(d) = data_dir() else { return };
    let p = d.join("ud-padt-v1/ar-ud-dev.conllu");
    if !p.exists() {
        return;
    }
    let (sents, verbs) = read_lemma_data(&[p]).unwrap();
    let (ok, n) = khabar_morph::lemma::cross_validate(&sents, 5, &verbs);
    let acc = 100.0 * ok as f64 / n as f64;
    eprintln!("lemma 5-fold CV on UD 1.3 PADT dev: {acc:.2}%");
    assert!(acc >= 92.0, "lemma CV accuracy {acc}");
}
