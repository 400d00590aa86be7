//! Criterion benches of the text core on the bundled example articles.
//!
//! Run: `cargo bench -p khabar-text`. Results go to BENCHMARKS.md with the machine.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use khabar_text::{light_stem, normalize, normalize_aligned, split_sentences, tokenize, Profile, TokenKind};

fn corpus() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut text = String::new();
    for p in paths {
        text.push_str(&std::fs::read_to_string(&p).expect("example is UTF-8"));
        text.push_str("\n\n");
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let n_tokens = tokenize(&text).count();
    assert!(n_tokens > 1000, "the example corpus should have over 1000 tokens, has {n_tokens}");
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("tokenize", |b| b.iter(|| assert_eq!(tokenize(black_box(&text)).count(), n_tokens)));
    g.bench_function("normalize_search", |b| b.iter(|| normalize(black_box(&text), Profile::Search)));
    g.bench_function("normalize_aligned_search", |b| b.iter(|| normalize_aligned(black_box(&text), Profile::Search).normalized().len()));
    g.bench_function("normalize+tokenize+sentences+stems", |b| {
        b.iter(|| {
            let toks: Vec<_> = tokenize(black_box(&text)).collect();
            let sents = split_sentences(&text, &toks);
            let mut buf = String::new();
            let mut stems = 0usize;
            for t in &toks {
                if t.kind == TokenKind::Arabic {
                    buf.clear();
                    khabar_text::normalize_into(t.text(&text), Profile::Search, &mut buf);
                    stems += light_stem(&buf).len();
                }
            }
            (sents.len(), stems)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
