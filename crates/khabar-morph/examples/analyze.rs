//! Analyse whitespace-tokenised sentences from stdin (one per line) with the embedded model and
//! print CoNLL-U-like lines: `ID FORM LEMMA UPOS` with multi-word token ranges.
use std::io::BufRead;

use khabar_morph::MorphModel;

fn main() {
    let m = MorphModel::embedded();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let toks: Vec<&str> = line.split_whitespace().collect();
        println!("# text = {line}");
        let mut id = 1;
        for (t, ws) in toks.iter().zip(m.analyze_sentence(&toks)) {
            if ws.len() > 1 {
                println!("{}-{}\t{}", id, id + ws.len() - 1, t);
            }
            for w in ws {
                println!("{}\t{}\t{}\t{}", id, w.form, w.lemma, w.upos);
                id += 1;
            }
        }
        println!();
    }
}
