//! Throughput of segment+tag+lemmatise on gold surface tokens of a CoNLL-U file
//! (single thread; reports wall time and on-CPU time from /proc/thread-self/schedstat).
use khabar_morph::{read_conllu, MorphModel};
use std::time::Instant;

fn cpu_ns() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 2 {
        eprintln!("usage: bench FILE.conllu [MODEL]");
        return;
    }
    let t0 = Instant::now();
    let m: &MorphModel = if a.len() > 2 {
        Box::leak(Box::new(MorphModel::from_bytes(&std::fs::read(&a[2]).unwrap()).unwrap()))
    } else {
        MorphModel::embedded()
    };
    let _ = m.analyze_sentence(&["x"]);
    println!("model load: {:.3} s", t0.elapsed().as_secs_f64());
    let s = read_conllu(std::path::Path::new(&a[1])).unwrap();
    let toks: Vec<Vec<&str>> = s.iter().map(|s| s.tokens.iter().map(|t| t.surface.as_str()).collect()).collect();
    let (mut best_wall, mut best_cpu) = (f64::MAX, f64::MAX);
    let mut words = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let c0 = cpu_ns();
        words = 0;
        for t in &toks {
            words += m.analyze_sentence(t).iter().map(Vec::len).sum::<usize>();
        }
        best_wall = best_wall.min(t0.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            best_cpu = best_cpu.min((b - a) / 1e9);
        }
    }
    println!(
        "{} words; best of 5: wall {:.3} s = {:.0} words/s; on-CPU {:.3} s = {:.0} words/s",
        words,
        best_wall,
        words as f64 / best_wall,
        best_cpu,
        words as f64 / best_cpu
    );
}
