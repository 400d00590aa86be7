//! MinHash signatures and LSH banding.

use crate::hash::{combine, mix};

/// The MinHash signature of a set of shingle hashes: for each of `perms`
/// hash functions, the smallest value over the set (low 32 bits kept).
/// An empty set has an empty signature (it matches nothing).
pub fn signature(shingles: &[u64], perms: usize) -> Vec<u32> {
    if shingles.is_empty() {
        return Vec::new();
    }
    let seeds: Vec<u64> = (0..perms as u64).map(|i| mix(i.wrapping_add(0x51_7cc1_b727_220a))).collect();
    let mut mins = vec![u64::MAX; perms];
    for &s in shingles {
        for (m, &seed) in mins.iter_mut().zip(&seeds) {
            let h = mix(s ^ seed);
            if h < *m {
                *m = h;
            }
        }
    }
    mins.into_iter().map(|m| m as u32).collect()
}

/// Estimated Jaccard similarity of two sets from their signatures: the share of equal positions.
pub fn estimate(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / a.len() as f32
}

/// The LSH keys of a signature: one per band of `rows` values (band number mixed in).
pub fn band_keys(sig: &[u32], rows: usize) -> impl Iterator<Item = u64> + '_ {
    sig.chunks_exact(rows.max(1))
        .enumerate()
        .map(|(band, values)| values.iter().fold(band as u64 + 1, |acc, &v| combine(acc, u64::from(v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_sets_match_and_disjoint_sets_do_not() {
        let a: Vec<u64> = (0..200).collect();
        let b: Vec<u64> = (1000..1200).collect();
        let sa = signature(&a, 64);
        assert_eq!(estimate(&sa, &signature(&a, 64)), 1.0);
        assert!(estimate(&sa, &signature(&b, 64)) < 0.1);
    }

    #[test]
    fn estimate_tracks_jaccard() {
        // 150 shared of 250 in the union: J = 0.6.
        let a: Vec<u64> = (0..200).map(|i| i * 7919).collect();
        let b: Vec<u64> = (50..250).map(|i| i * 7919).collect();
        let j = estimate(&signature(&a, 256), &signature(&b, 256));
        assert!((j - 0.6).abs() < 0.1, "{j}");
    }

    #[test]
    fn empty_matches_nothing() {
        assert!(signature(&[], 64).is_empty());
        assert_eq!(estimate(&[], &[]), 0.0);
        assert_eq!(band_keys(&[], 4).count(), 0);
    }
}
