//! Print the keyphrases of a file with all candidate groups (for tuning):
//! `cargo run -p khabar --example digest_debug FILE [name=value,...] [HEAD_RATE_TABLE]` (names as in
//! `khabar eval digest --weights`: `DigestOptions::set_weight`; the table from `khabar train head-rate`
//! instead of the embedded one).
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
    let mut a = khabar::Analyzer::new(o).with_digest_options(d.clone()).analyze(&text);
    if let Some(table) = std::env::args().nth(3) {
        // A headline-rate table from `khabar train head-rate` instead of the embedded one.
        let bytes = std::fs::read(&table).expect("readable head-rate table");
        let prior = khabar::digest::HeadRate::from_bytes(&bytes).expect("a head-rate table");
        a.keyphrases = khabar::digest::digest_with_prior(&a, &text, &d, khabar::digest::Idf::embedded(), &prior, None).keyphrases;
    }
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
