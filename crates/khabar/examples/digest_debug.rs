//! Print the keyphrases of a file with all candidate groups (for tuning):
//! `cargo run -p khabar --example digest_debug FILE [name=value,...]` (names as in
//! `khabar eval digest --weights`: `DigestOptions::set_weight`).
fn main() {
    let path = std::env::args().nth(1).expect("usage: digest_debug FILE [weights]");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let mut d = khabar::DigestOptions::default();
    d.keyphrases = 40;
    if let Err(e) = d.set_weights(&std::env::args().nth(2).unwrap_or_default()) {
        panic!("weights: {e}");
    }
    let mut o = khabar::AnalyzerOptions::default();
    o.keyphrases = 40;
    let a = khabar::Analyzer::new(o).with_digest_options(d).analyze(&text);
    for (i, k) in a.keyphrases.iter().enumerate() {
        println!("{:2} {:8.3} {} | {} | {}", i + 1, k.score, k.text, k.lemma, k.spans.len());
    }
    for s in &a.summary {
        println!("SUM {:.3} {}", s.score, s.text);
    }
    for e in &a.entities {
        println!("ENT {} {} {} {}..{}", e.kind, e.text, e.canonical, e.start, e.end);
    }
}
