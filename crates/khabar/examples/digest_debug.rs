//! Print the keyphrases of a file with all candidate groups (for tuning):
//! `cargo run -p khabar --example digest_debug FILE [name=value,...]` (names: position_boost,
//! entity_boost, quote_boost, length_power, tf_power, redundancy).
fn main() {
    let path = std::env::args().nth(1).expect("usage: digest_debug FILE [weights]");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let mut d = khabar::DigestOptions::default();
    d.keyphrases = 40;
    for kv in std::env::args().nth(2).unwrap_or_default().split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').expect("name=value");
        let v: f32 = v.parse().expect("a number");
        match k {
            "position_boost" => d.position_boost = v,
            "entity_boost" => d.entity_boost = v,
            "quote_boost" => d.quote_boost = v,
            "length_power" => d.length_power = v,
            "tf_power" => d.tf_power = v,
            "redundancy" => d.redundancy = v,
            "term_boost" => d.term_boost = v,
            "term_as_lede" => d.term_as_lede = v != 0.0,
            _ => panic!("unknown weight {k}"),
        }
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
