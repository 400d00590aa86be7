//! Scoring a clustering against labels read by people: pairwise and B-cubed
//! precision, recall and F1 (docs/stories.md).

use std::collections::HashMap;

use serde::Serialize;

use crate::{Aliases, Features, Options, StoryEngine};

/// Assign `features` in order with a fresh engine and return, per article id,
/// (story, duplicate group), stories and groups resolved as the index lists them: the
/// articles of a merged story (group) under the surviving one.
pub fn assign_all(features: &[Features], options: &Options) -> HashMap<String, (String, String)> {
    let mut engine = StoryEngine::new(options.clone());
    let mut aliases = Aliases::default();
    let mut groups = Aliases::default();
    let mut out: HashMap<String, (String, String)> = features
        .iter()
        .map(|f| {
            let a = engine.assign(f.clone());
            for m in &a.merged {
                aliases.add(m, &a.story);
            }
            for m in &a.merged_groups {
                groups.add(m, &a.dup_group);
            }
            (a.id, (a.story, a.dup_group))
        })
        .collect();
    for v in out.values_mut() {
        v.0 = aliases.resolve(&v.0);
        v.1 = groups.resolve(&v.1);
    }
    out
}

/// Precision, recall, F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Prf { precision, recall, f1 }
    }
}

fn pairs(n: usize) -> u64 {
    (n as u64) * (n as u64).saturating_sub(1) / 2
}

/// Pairwise scores: over the pairs of items put in one cluster, by the system
/// and by the gold labels. `items`: (gold cluster, system cluster) per item.
/// With no pair on a side, its precision (or recall) is 1.
pub fn pairwise<G: std::hash::Hash + Eq, S: std::hash::Hash + Eq>(items: &[(G, S)]) -> (Prf, PairCounts) {
    let mut gold: HashMap<&G, usize> = HashMap::new();
    let mut sys: HashMap<&S, usize> = HashMap::new();
    let mut both: HashMap<(&G, &S), usize> = HashMap::new();
    for (g, s) in items {
        *gold.entry(g).or_default() += 1;
        *sys.entry(s).or_default() += 1;
        *both.entry((g, s)).or_default() += 1;
    }
    let counts = PairCounts {
        gold: gold.values().map(|&n| pairs(n)).sum(),
        system: sys.values().map(|&n| pairs(n)).sum(),
        both: both.values().map(|&n| pairs(n)).sum(),
    };
    let p = if counts.system == 0 { 1.0 } else { counts.both as f64 / counts.system as f64 };
    let r = if counts.gold == 0 { 1.0 } else { counts.both as f64 / counts.gold as f64 };
    (Prf::new(p, r), counts)
}

/// Pair counts behind [`pairwise`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PairCounts {
    /// Pairs in one gold cluster.
    pub gold: u64,
    /// Pairs in one system cluster.
    pub system: u64,
    /// Pairs in both.
    pub both: u64,
}

/// B-cubed scores: per item, the share of its system cluster in its gold
/// cluster (precision) and of its gold cluster in its system cluster (recall), averaged.
pub fn bcubed<G: std::hash::Hash + Eq, S: std::hash::Hash + Eq>(items: &[(G, S)]) -> Prf {
    if items.is_empty() {
        return Prf::new(1.0, 1.0);
    }
    let mut gold: HashMap<&G, usize> = HashMap::new();
    let mut sys: HashMap<&S, usize> = HashMap::new();
    let mut both: HashMap<(&G, &S), usize> = HashMap::new();
    for (g, s) in items {
        *gold.entry(g).or_default() += 1;
        *sys.entry(s).or_default() += 1;
        *both.entry((g, s)).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for (g, s) in items {
        let b = both[&(g, s)] as f64;
        p += b / sys[s] as f64;
        r += b / gold[g] as f64;
    }
    let n = items.len() as f64;
    Prf::new(p / n, r / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_split() {
        let items = [("a", 1), ("a", 1), ("a", 1), ("b", 2)];
        assert_eq!(pairwise(&items).0.f1, 1.0);
        assert_eq!(bcubed(&items).f1, 1.0);
        // Gold {1,2,3}, system {1,2}{3}: 1 of 3 gold pairs found, precision 1.
        let split = [("a", 1), ("a", 1), ("a", 2), ("b", 3)];
        let (prf, counts) = pairwise(&split);
        assert_eq!(counts, PairCounts { gold: 3, system: 1, both: 1 });
        assert_eq!(prf.precision, 1.0);
        assert!((prf.recall - 1.0 / 3.0).abs() < 1e-12);
        let b = bcubed(&split);
        assert_eq!(b.precision, 1.0);
        // Recall per item: 2/3, 2/3, 1/3 (the one split off), 1.
        assert!((b.recall - (2.0 / 3.0 + 2.0 / 3.0 + 1.0 / 3.0 + 1.0) / 4.0).abs() < 1e-12);
    }

    #[test]
    fn everything_merged() {
        let items = [("a", 0), ("a", 0), ("b", 0), ("b", 0)];
        let (prf, counts) = pairwise(&items);
        assert_eq!(counts, PairCounts { gold: 2, system: 6, both: 2 });
        assert!((prf.precision - 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(prf.recall, 1.0);
    }
}
