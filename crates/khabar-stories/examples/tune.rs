//! Tuning harness for the story engine (docs/stories.md, "How the defaults were
//! chosen"): runs the engine over a features cache written by `khabar eval
//! stories --features-cache` and scores it against the labels, on all labelled
//! articles and on halves of them (the articles of sabq + okaz vs alweeam +
//! 3alyoum; the stories whose label hashes even vs odd) to see whether a
//! setting that helps one half helps the other.
//!
//! ```sh
//! cargo run --release -p khabar-stories --example tune -- FEATURES.json GOLD.jsonl SOURCES.tsv \
//!     [NAME=VALUE ...] [explain] [pairs] [assign] [assign-all] [sweep NAME v1,v2,... ...]
//! ```
//!
//! SOURCES.tsv: `id<TAB>source` per article. `explain` lists the labelled pairs
//! got wrong; `pairs` prints the similarity components of every labelled pair; `assign`
//! each labelled article's gold story, story and group; `assign-all` every article's story,
//! group, the article it copies and the groups it merged; each `sweep` adds a dimension to a
//! grid of settings. A value may be `@FILE` to read it (JSON) from a file.

use std::collections::HashMap;

use khabar_stories::{eval, Features, Options, StoryEngine};

fn score(
    gold: &[(String, String, String)],
    sys: &HashMap<String, (String, String)>,
    keep: &dyn Fn(&(String, String, String)) -> bool,
) -> (eval::Prf, eval::Prf) {
    let mut s = Vec::new();
    let mut d = Vec::new();
    for g in gold.iter().filter(|g| keep(g)) {
        let (st, dg) = &sys[&g.0];
        s.push((g.1.clone(), st.clone()));
        d.push((g.2.clone(), dg.clone()));
    }
    (eval::pairwise(&s).0, eval::pairwise(&d).0)
}

fn set(o: &mut Options, kv: &str) {
    let (k, v) = kv.split_once('=').unwrap();
    let file;
    let v = match v.strip_prefix('@') {
        Some(path) => {
            file = std::fs::read_to_string(path).unwrap();
            file.as_str()
        }
        None => v,
    };
    let mut j = serde_json::to_value(&*o).unwrap();
    let m = j.as_object_mut().unwrap();
    assert!(m.contains_key(k), "no option {k}");
    m.insert(k.into(), serde_json::from_str(v).unwrap());
    *o = serde_json::from_value(j).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let features: Vec<Features> = serde_json::from_slice(&std::fs::read(&args[0]).unwrap()).unwrap();
    let gold: Vec<(String, String, String)> = std::fs::read_to_string(&args[1])
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = v["id"].as_str().unwrap().to_owned();
            let dup = v.get("dup").and_then(|d| d.as_str()).map(str::to_owned).unwrap_or_else(|| format!("\u{0}{id}"));
            (id, v["story"].as_str().unwrap().to_owned(), dup)
        })
        .collect();
    let sources: HashMap<String, String> = std::fs::read_to_string(&args[2])
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
    let mut o = Options::default();
    let mut explain = false;
    let mut sweeps: Vec<(String, Vec<String>)> = Vec::new();
    let mut i = 3;
    while i < args.len() {
        match args[i].as_str() {
            "explain" => explain = true,
            "pairs" => {
                let mut e = StoryEngine::new(o.clone());
                for f in &features {
                    e.assign(f.clone());
                }
                for (i, a) in gold.iter().enumerate() {
                    for b in &gold[i + 1..] {
                        let c = e.components(&a.0, &b.0).unwrap();
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            a.0,
                            b.0,
                            u8::from(a.1 == b.1),
                            u8::from(a.2 == b.2),
                            c[0],
                            c[1],
                            c[2],
                            c[3],
                            c[4],
                            sources[&a.0] == sources[&b.0]
                        );
                    }
                }
                return;
            }
            "assign" => {
                // Each labelled article's gold story and the story and group it was put in.
                let sys = eval::assign_all(&features, &o);
                for g in &gold {
                    let (st, dg) = &sys[&g.0];
                    println!("{}\t{}\t{}\t{}", g.0, g.1, st, dg);
                }
                return;
            }
            "assign-all" => {
                // Every article of the features (labelled or not) in arrival order: id, story, group
                // and, for a copy, the article it copies (for following a group through unlabelled articles).
                let mut e = StoryEngine::new(o.clone());
                for f in &features {
                    let a = e.assign(f.clone());
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        a.id,
                        a.story,
                        a.dup_group,
                        a.duplicate_of.as_deref().unwrap_or("-"),
                        a.merged_groups.join(",")
                    );
                }
                return;
            }
            "sweep" => {
                sweeps.push((args[i + 1].clone(), args[i + 2].split(',').map(str::to_owned).collect()));
                i += 2;
            }
            kv => set(&mut o, kv),
        }
        i += 1;
    }
    let half_a = |g: &(String, String, String)| matches!(sources[&g.0].as_str(), "sabq" | "okaz");
    let half_b = |g: &(String, String, String)| !half_a(g);
    let story_even = |g: &(String, String, String)| khabar_stories::hash_str(&g.1) % 2 == 0;
    let story_odd = |g: &(String, String, String)| !story_even(g);
    let all = |_: &(String, String, String)| true;
    let report = |o: &Options, label: &str| {
        let t = std::time::Instant::now();
        let sys = eval::assign_all(&features, o);
        let secs = t.elapsed().as_secs_f64();
        let (s, d) = score(&gold, &sys, &all);
        let parts: Vec<String> = [&half_a as &dyn Fn(&_) -> bool, &half_b, &story_even, &story_odd]
            .iter()
            .map(|k| format!("{:.3}", score(&gold, &sys, *k).0.f1))
            .collect();
        println!(
            "{label:40} story P {:.3} R {:.3} F1 {:.3} | dup F1 {:.3} | src-halves {} {} story-halves {} {} | {secs:.2}s",
            s.precision, s.recall, s.f1, d.f1, parts[0], parts[1], parts[2], parts[3]
        );
        sys
    };
    if sweeps.is_empty() {
        let sys = report(&o, "");
        if explain {
            // Near-duplicate pairs got wrong, with their evidence (a second engine run
            // keeps the window's articles for it).
            let mut e = StoryEngine::new(o.clone());
            for f in &features {
                e.assign(f.clone());
            }
            for (a_i, a) in gold.iter().enumerate() {
                for b in &gold[a_i + 1..] {
                    let sg = a.2 == b.2;
                    let ss = sys[&a.0].1 == sys[&b.0].1;
                    if sg != ss {
                        let c = e.dup_components(&a.0, &b.0).unwrap_or_default();
                        println!(
                            "dup {} {} {} [{}] [{}] ({} / {}) jaccard {:.2} containment {:.2} shorter {} aligned {:.2} offset {:.2} same-story-label {}",
                            if sg { "missed" } else { "spurious" },
                            a.0,
                            b.0,
                            a.2,
                            b.2,
                            sources[&a.0],
                            sources[&b.0],
                            c[0],
                            c[1],
                            c[2],
                            c[3],
                            c[4],
                            a.1 == b.1
                        );
                    }
                }
            }
            for (a_i, a) in gold.iter().enumerate() {
                for b in &gold[a_i + 1..] {
                    let sg = a.1 == b.1;
                    let ss = sys[&a.0].0 == sys[&b.0].0;
                    if sg != ss {
                        println!(
                            "story {} {} {} [{}] [{}] ({} / {})",
                            if sg { "missed" } else { "spurious" },
                            a.0,
                            b.0,
                            a.1,
                            b.1,
                            sources[&a.0],
                            sources[&b.0]
                        );
                    }
                }
            }
        }
        return;
    }
    // Cartesian product of sweeps.
    let mut grid: Vec<Vec<(String, String)>> = vec![vec![]];
    for (k, vs) in &sweeps {
        grid = grid
            .into_iter()
            .flat_map(|g| {
                vs.iter().map(move |v| {
                    let mut g = g.clone();
                    g.push((k.clone(), v.clone()));
                    g
                })
            })
            .collect();
    }
    for g in grid {
        let mut oo = o.clone();
        let label: Vec<String> = g
            .iter()
            .map(|(k, v)| {
                set(&mut oo, &format!("{k}={v}"));
                format!("{k}={v}")
            })
            .collect();
        report(&oo, &label.join(" "));
    }
}
