//! Dump gold-tokenisation tagging and segmentation errors for error analysis.
use khabar_morph::{read_conllu, MorphModel};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let m = MorphModel::from_bytes(&std::fs::read(&a[1]).unwrap()).unwrap();
    let s = read_conllu(std::path::Path::new(&a[2])).unwrap();
    for s in &s {
        let tags = m.tag_gold(s);
        let toks: Vec<&str> = s.tokens.iter().map(|t| t.surface.as_str()).collect();
        let pred = m.analyze_sentence(&toks);
        let mut k = 0;
        for (t, p) in s.tokens.iter().zip(&pred) {
            let g: Vec<&str> = t.words.iter().map(|w| w.form.as_str()).collect();
            let pf: Vec<&str> = p.iter().map(|w| w.form.as_str()).collect();
            if g != pf {
                println!("SEG\t{}\t{}\t{}", t.surface, g.join("+"), pf.join("+"));
            }
            for w in &t.words {
                println!("POS\t{}\t{}\t{}\t{}", w.form, t.surface, w.upos, tags[k]);
                k += 1;
            }
        }
    }
}
