//! Print the articles whose top 10 keyphrases differ between two weight settings:
//! `cargo run --release -p khabar --example digest_diff SET.jsonl WEIGHTS_A WEIGHTS_B`
//! (SET from `khabar eval digest --write-set`; weights as in `khabar eval digest --weights`),
//! with the headline, the phrases only A shows and those only B shows, and the headline
//! recall@10 of each.
use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, set, wa, wb] = &args[..] else { panic!("usage: digest_diff SET.jsonl WEIGHTS_A WEIGHTS_B") };
    let opts = |w: &str| {
        let mut d = khabar::DigestOptions::default();
        d.set_weights(w).expect("weights");
        d
    };
    let (da, db) = (opts(wa), opts(wb));
    let analyzer = khabar::Analyzer::default();
    let (mut changed, mut better, mut worse) = (0, 0, 0);
    for line in std::io::BufReader::new(std::fs::File::open(set).expect("set")).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
        let (body, title) = (v["body"].as_str().unwrap_or(""), v["title"].as_str().unwrap_or(""));
        let a = analyzer.analyze(body);
        let top = |d: &khabar::DigestOptions| -> Vec<String> {
            khabar::digest::digest(&a, body, d).keyphrases.into_iter().take(10).map(|k| k.text).collect()
        };
        let (ka, kb) = (top(&da), top(&db));
        if ka == kb {
            continue;
        }
        changed += 1;
        let head = khabar::eval::digest::eval_tokens(title);
        let (ra, rb) = (khabar::eval::digest::keyphrase_recall(&ka, &head, 10), khabar::eval::digest::keyphrase_recall(&kb, &head, 10));
        better += usize::from(rb > ra);
        worse += usize::from(rb < ra);
        println!("== {} | {title}", v["id"].as_str().unwrap_or(""));
        println!("  A only: {:?}", ka.iter().filter(|k| !kb.contains(k)).collect::<Vec<_>>());
        println!("  B only: {:?}", kb.iter().filter(|k| !ka.contains(k)).collect::<Vec<_>>());
        println!("  recall@10 A {:.3} B {:.3}", ra, rb);
    }
    println!("{changed} lists differ; B better in {better}, worse in {worse}");
}
