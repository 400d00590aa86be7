//! Write CoNLL-U predictions (segmentation, UPOS, lemma) for the gold surface tokens of a CoNLL-U
//! file, for scoring with the CoNLL 2018 script. HEAD is 0 for the first word and 1 otherwise
//! (no parser), DEPREL `dep`.
//! Usage: predict GOLD.conllu [MODEL] > pred.conllu
use khabar_morph::{read_conllu, MorphModel};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 2 {
        eprintln!("usage: predict GOLD.conllu [MODEL]");
        return;
    }
    let m: &MorphModel = if a.len() > 2 {
        Box::leak(Box::new(MorphModel::from_bytes(&std::fs::read(&a[2]).expect("read model")).expect("decode model")))
    } else {
        MorphModel::embedded()
    };
    let sents = read_conllu(std::path::Path::new(&a[1])).expect("read gold");
    for (si, s) in sents.iter().enumerate() {
        let toks: Vec<&str> = s.tokens.iter().map(|t| t.surface.as_str()).collect();
        println!("# sent_id = {}", si + 1);
        println!("# text = {}", s.text.clone().unwrap_or_else(|| toks.join(" ")));
        let mut id = 1;
        for (t, ws) in toks.iter().zip(m.analyze_sentence(&toks)) {
            if ws.len() > 1 {
                println!("{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t_", id, id + ws.len() - 1, t);
            }
            for w in ws {
                let head = usize::from(id != 1);
                let rel = if id == 1 { "root" } else { "dep" };
                println!("{}\t{}\t{}\t{}\t_\t_\t{}\t{}\t_\t_", id, w.form, w.lemma, w.upos, head, rel);
                id += 1;
            }
        }
        println!();
    }
}
