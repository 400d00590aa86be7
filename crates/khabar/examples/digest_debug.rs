//! Print the keyphrases of a file with all candidate groups (for tuning): `cargo run -p khabar --example digest_debug FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: digest_debug FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let mut o = khabar::AnalyzerOptions::default();
    o.keyphrases = 40;
    let a = khabar::Analyzer::new(o).analyze(&text);
    for k in &a.keyphrases {
        println!("{:8.3} {} | {} | {}", k.score, k.text, k.lemma, k.spans.len());
    }
    for s in &a.summary {
        println!("SUM {:.3} {}", s.score, s.text);
    }
    for e in &a.entities {
        println!("ENT {} {} {} {}..{}", e.kind, e.text, e.canonical, e.start, e.end);
    }
}
