//! Hierarchical word classes from an unlabelled news corpus (training time).
//!
//! Every core seen often enough gets a vector of the words around it (left
//! and right neighbours at distance 1 and 2, each position its own
//! dimensions), weighted by positive pointwise mutual information (PPMI,
//! context distribution smoothed with exponent 0.75), reduced to a few dense
//! dimensions by a randomised truncated SVD, and clustered top-down by
//! spherical k-means: `branch` classes, each split again into `branch`, for
//! `levels` levels. The class code is `1 << 4·levels | path` (4 bits of path
//! per level), so every coarser class is a right shift of it
//! ([`crate::features::fine_prefix`]). Deterministic: fixed seeds, and every
//! parallel sum is taken in a fixed order.

use khabar_text::{tokenize, Token, TokenKind};
use rayon::prelude::*;

use crate::features::{analyse_tokens, CorpusLex, Gazetteer, HashMap};
use crate::trigger_map;

/// How to build the hierarchical classes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FineClasses {
    /// Corpus frequency bucket (the low 3 bits of the lexicon code, see
    /// [`crate::features::corpus_code`]) a core needs: 2 = seen 5 times or
    /// more, 3 = 20 or more.
    pub min_bucket: u64,
    /// Cores in buckets from this one up to below `min_bucket` get vectors
    /// too, and the class whose centroid is nearest at each level (they do
    /// not move the centroids); `min_bucket` or more (the default, 7): none.
    pub assign_bucket: u64,
    /// Context words: the most frequent normalised words (plus one slot for
    /// sentence edges and non-Arabic tokens).
    pub ctx: usize,
    /// Neighbours on each side (1 or 2).
    pub window: usize,
    /// Dimensions kept by the SVD.
    pub dim: usize,
    /// Levels of the hierarchy (1..=7).
    pub levels: u32,
    /// Classes per split (2..=16).
    pub branch: usize,
}

impl Default for FineClasses {
    fn default() -> Self {
        FineClasses { min_bucket: 2, assign_bucket: 7, ctx: 2000, window: 2, dim: 100, levels: 3, branch: 16 }
    }
}

/// SplitMix64 step: a small deterministic generator.
fn splitmix(s: &mut u64) -> u64 {
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in (0, 1).
fn unit(s: &mut u64) -> f64 {
    ((splitmix(s) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Sparse rows (compressed): row `i` is `cols[start[i]..start[i + 1]]`.
struct Csr {
    start: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f64>,
    ncols: usize,
}

impl Csr {
    fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
    fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.start[i], self.start[i + 1]);
        self.cols[a..b].iter().zip(&self.vals[a..b]).map(|(&c, &v)| (c as usize, v))
    }
    /// `self · m` for a dense `ncols × k` row-major `m`.
    fn mul(&self, m: &[f64], k: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.rows() * k];
        out.par_chunks_mut(k).enumerate().for_each(|(i, o)| {
            for (c, v) in self.row(i) {
                for (x, y) in o.iter_mut().zip(&m[c * k..(c + 1) * k]) {
                    *x += v * y;
                }
            }
        });
        out
    }
    /// `selfᵀ · m` for a dense `rows × k` row-major `m` (sums in a fixed order).
    fn tmul(&self, m: &[f64], k: usize) -> Vec<f64> {
        const CH: usize = 4096;
        let n = self.rows();
        let parts: Vec<Vec<f64>> = (0..n.div_ceil(CH))
            .into_par_iter()
            .map(|p| {
                let mut acc = vec![0.0; self.ncols * k];
                for i in p * CH..((p + 1) * CH).min(n) {
                    let mi = &m[i * k..(i + 1) * k];
                    for (c, v) in self.row(i) {
                        for (x, y) in acc[c * k..(c + 1) * k].iter_mut().zip(mi) {
                            *x += v * y;
                        }
                    }
                }
                acc
            })
            .collect();
        let mut out = vec![0.0; self.ncols * k];
        for p in parts {
            for (x, y) in out.iter_mut().zip(p) {
                *x += y;
            }
        }
        out
    }
}

/// `mᵀ m` of a dense `n × k` row-major matrix (fixed summation order).
fn gram(m: &[f64], k: usize) -> Vec<f64> {
    const CH: usize = 4096;
    let n = m.len() / k.max(1);
    let parts: Vec<Vec<f64>> = (0..n.div_ceil(CH))
        .into_par_iter()
        .map(|p| {
            let mut g = vec![0.0; k * k];
            for r in m[p * CH * k..((p + 1) * CH).min(n) * k].chunks(k) {
                for a in 0..k {
                    let ra = r[a];
                    if ra == 0.0 {
                        continue;
                    }
                    for b in a..k {
                        g[a * k + b] += ra * r[b];
                    }
                }
            }
            g
        })
        .collect();
    let mut g = vec![0.0; k * k];
    for p in parts {
        for (x, y) in g.iter_mut().zip(p) {
            *x += y;
        }
    }
    for a in 0..k {
        for b in 0..a {
            g[a * k + b] = g[b * k + a];
        }
    }
    g
}

/// Orthonormalise the columns of a dense `n × k` matrix in place (Cholesky
/// QR, done twice for accuracy). A column that is (numerically) dependent on
/// the ones before it becomes zero.
fn orthonormalise(m: &mut [f64], k: usize) {
    for _ in 0..2 {
        let g = gram(m, k);
        // Cholesky G = Rᵀ R (R upper triangular)
        let mut r = vec![0.0; k * k];
        let scale = (0..k).map(|i| g[i * k + i]).fold(0.0f64, f64::max).max(1e-300);
        for i in 0..k {
            for j in i..k {
                let mut s = g[i * k + j];
                for p in 0..i {
                    s -= r[p * k + i] * r[p * k + j];
                }
                if i == j {
                    r[i * k + i] = if s > 1e-12 * scale { s.sqrt() } else { 0.0 };
                } else {
                    r[i * k + j] = if r[i * k + i] > 0.0 { s / r[i * k + i] } else { 0.0 };
                }
            }
        }
        // rows: x ← x R⁻¹ (forward substitution per row)
        m.par_chunks_mut(k).for_each(|row| {
            for j in 0..k {
                let d = r[j * k + j];
                if d <= 0.0 {
                    row[j] = 0.0;
                    continue;
                }
                let mut s = row[j];
                for p in 0..j {
                    s -= row[p] * r[p * k + j];
                }
                row[j] = s / d;
            }
        });
    }
}

/// Eigenvalues and eigenvectors (columns of the returned `k × k` row-major
/// matrix) of a symmetric `k × k` matrix, by cyclic Jacobi rotations.
fn sym_eigen(a: &[f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..60 {
        let off: f64 = (0..k).flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| a[i * k + j].powi(2)).sum();
        let diag: f64 = (0..k).map(|i| a[i * k + i].powi(2)).sum();
        if off <= 1e-22 * diag.max(1e-300) {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (x, y) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * x - s * y;
                    a[r * k + q] = s * x + c * y;
                }
                for r in 0..k {
                    let (x, y) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * x - s * y;
                    a[q * k + r] = s * x + c * y;
                }
                for r in 0..k {
                    let (x, y) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * x - s * y;
                    v[r * k + q] = s * x + c * y;
                }
            }
        }
    }
    ((0..k).map(|i| a[i * k + i]).collect(), v)
}

/// Rank-`dim` left singular vectors of `a`, each scaled by the square root
/// of its singular value (randomised SVD: 10 extra columns, two power
/// iterations). Rows of `n × dim`, row-major.
fn svd_vectors(a: &Csr, dim: usize) -> Vec<f64> {
    let k = (dim + 10).min(a.ncols.max(1));
    let mut seed = 0x6b68_6162_6172u64;
    // Gaussian test matrix (Box–Muller)
    let omega: Vec<f64> = (0..a.ncols * k)
        .map(|_| {
            let (u1, u2) = (unit(&mut seed), unit(&mut seed));
            (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        })
        .collect();
    let mut y = a.mul(&omega, k);
    orthonormalise(&mut y, k);
    for _ in 0..2 {
        let mut z = a.tmul(&y, k);
        orthonormalise(&mut z, k);
        y = a.mul(&z, k);
        orthonormalise(&mut y, k);
    }
    // B = Qᵀ A = Zᵀ with Z = Aᵀ Q; B Bᵀ = Zᵀ Z
    let z = a.tmul(&y, k);
    let (vals, vecs) = sym_eigen(&gram(&z, k), k);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| vals[j].total_cmp(&vals[i]).then(i.cmp(&j)));
    order.truncate(dim.min(k));
    let d = order.len();
    // U = Q V, scaled by σ^½ = λ^¼
    let w: Vec<f64> = order.iter().map(|&j| vals[j].max(0.0).powf(0.25)).collect();
    let mut out = vec![0.0; y.len() / k * d];
    out.par_chunks_mut(d).zip(y.par_chunks(k)).for_each(|(o, q)| {
        for (c, &j) in order.iter().enumerate() {
            let s: f64 = (0..k).map(|p| q[p] * vecs[p * k + j]).sum();
            o[c] = s * w[c];
        }
    });
    out
}

/// Spherical k-means over the unit rows `idx` of `x` (`d` columns): the
/// class (0..k) of each, seeded by k-means++ from a fixed seed, 12 iterations.
fn kmeans(x: &[f32], d: usize, idx: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let k = k.min(idx.len()).max(1);
    let row = |i: usize| &x[i * d..(i + 1) * d];
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let mut s = seed;
    let mut cent: Vec<f32> = Vec::with_capacity(k * d);
    cent.extend_from_slice(row(idx[0]));
    let mut dist: Vec<f32> = idx.iter().map(|&i| (1.0 - dot(row(i), &cent[..d])).max(0.0)).collect();
    for _ in 1..k {
        let total: f64 = dist.iter().map(|&v| v as f64).sum();
        let pick = if total <= 0.0 {
            0
        } else {
            let mut t = unit(&mut s) * total;
            let mut p = dist.len() - 1;
            for (j, &v) in dist.iter().enumerate() {
                t -= v as f64;
                if t <= 0.0 {
                    p = j;
                    break;
                }
            }
            p
        };
        let c = cent.len();
        cent.extend_from_slice(row(idx[pick]));
        for (dv, &i) in dist.iter_mut().zip(idx) {
            *dv = dv.min((1.0 - dot(row(i), &cent[c..c + d])).max(0.0));
        }
    }
    let mut assign = vec![0usize; idx.len()];
    for _ in 0..12 {
        assign = idx
            .par_iter()
            .map(|&i| {
                let r = row(i);
                let mut best = (0, f32::MIN);
                for (c, cr) in cent.chunks(d).enumerate() {
                    let v = dot(r, cr);
                    if v > best.1 {
                        best = (c, v);
                    }
                }
                best.0
            })
            .collect();
        let mut sum = vec![0f32; k * d];
        for (&i, &a) in idx.iter().zip(&assign) {
            for (x, y) in sum[a * d..(a + 1) * d].iter_mut().zip(row(i)) {
                *x += y;
            }
        }
        for (c, sr) in sum.chunks(d).enumerate() {
            let n = sr.iter().map(|v| v * v).sum::<f32>().sqrt();
            if n > 0.0 {
                for (x, y) in cent[c * d..(c + 1) * d].iter_mut().zip(sr) {
                    *x = y / n;
                }
            }
        }
    }
    assign
}

/// Hierarchical classes of the cores of `lex` (see the module docs): core →
/// code, to be stored in bits 32..63 of the lexicon code.
pub fn fine_codes(bodies: &[String], gaz: &Gazetteer, lex: &CorpusLex, fc: &FineClasses) -> CorpusLex {
    let levels = fc.levels.clamp(1, 7);
    let branch = fc.branch.clamp(2, 16);
    let window = fc.window.clamp(1, 2);
    // context vocabulary: the most frequent normalised Arabic words
    let freq: HashMap<String, u32> = bodies
        .par_chunks(256)
        .map(|chunk| {
            let mut m: HashMap<String, u32> = Default::default();
            for b in chunk {
                for t in tokenize(b) {
                    if t.kind == TokenKind::Arabic {
                        *m.entry(khabar_text::normalize(t.text(b), khabar_text::Profile::Search)).or_insert(0) += 1;
                    }
                }
            }
            m
        })
        .reduce(HashMap::default, |mut a, b| {
            for (k, c) in b {
                *a.entry(k).or_insert(0) += c;
            }
            a
        });
    let mut byf: Vec<(&String, &u32)> = freq.iter().collect();
    byf.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let nctx = fc.ctx.max(1) + 1; // last slot: edge or non-Arabic
    let ctx: HashMap<&str, u32> = byf.iter().take(nctx - 1).enumerate().map(|(i, (w, _))| (w.as_str(), i as u32)).collect();
    // the words to class, most frequent first
    let mut words: Vec<(&str, u32)> = lex
        .iter()
        .filter(|(_, c)| **c & 7 >= fc.min_bucket.min(fc.assign_bucket))
        .map(|(w, _)| (w.as_str(), freq.get(w).copied().unwrap_or(0)))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // the words that build the classes (the others are only assigned to them)
    let builders: Vec<usize> = (0..words.len()).filter(|&i| lex.get(words[i].0).is_some_and(|c| c & 7 >= fc.min_bucket)).collect();
    if words.is_empty() {
        return CorpusLex::default();
    }
    let wid: HashMap<&str, u32> = words.iter().enumerate().map(|(i, (w, _))| (*w, i as u32)).collect();
    let ncols = 2 * window * nctx;
    // co-occurrence counts, key word << 32 | column
    let trig = trigger_map();
    let none = CorpusLex::default();
    let counts: HashMap<u64, u32> = bodies
        .par_chunks(256)
        .map(|chunk| {
            let mut m: HashMap<u64, u32> = Default::default();
            let mut v = Vec::new();
            for b in chunk {
                let toks: Vec<Token> = tokenize(b).collect();
                analyse_tokens(b, &toks, gaz, &trig, &none, &mut v);
                for i in 0..v.len() {
                    if v[i].kind_code != 0 {
                        continue;
                    }
                    let Some(&w) = wid.get(v[i].core.as_str()) else { continue };
                    for d in 1..=window {
                        for (side, j) in [(0, i.checked_sub(d)), (1, Some(i + d))] {
                            let c = match j.and_then(|j| v.get(j)) {
                                Some(t) if t.kind_code == 0 => ctx.get(t.norm.as_str()).copied(),
                                _ => Some(nctx as u32 - 1),
                            };
                            if let Some(c) = c {
                                let col = ((d - 1) * 2 + side) * nctx + c as usize;
                                *m.entry((w as u64) << 32 | col as u64).or_insert(0) += 1;
                            }
                        }
                    }
                }
            }
            m
        })
        .reduce(HashMap::default, |mut a, b| {
            if a.len() < b.len() {
                return b.into_iter().fold(a, |mut acc, (k, c)| {
                    *acc.entry(k).or_insert(0) += c;
                    acc
                });
            }
            for (k, c) in b {
                *a.entry(k).or_insert(0) += c;
            }
            a
        });
    let mut cells: Vec<(u64, u32)> = counts.into_iter().collect();
    cells.sort_unstable_by_key(|x| x.0);
    // PPMI with context smoothing 0.75
    let n = words.len();
    let mut row_sum = vec![0f64; n];
    let mut col_sum = vec![0f64; ncols];
    for &(k, c) in &cells {
        row_sum[(k >> 32) as usize] += c as f64;
        col_sum[(k & 0xFFFF_FFFF) as usize] += c as f64;
    }
    let col_s: Vec<f64> = col_sum.iter().map(|c| c.powf(0.75)).collect();
    let col_total: f64 = col_s.iter().sum::<f64>().max(1e-300);
    let mut a = Csr { start: vec![0; n + 1], cols: Vec::new(), vals: Vec::new(), ncols };
    for &(k, c) in &cells {
        let (w, col) = ((k >> 32) as usize, (k & 0xFFFF_FFFF) as usize);
        let pmi = (c as f64 / (row_sum[w] * col_s[col] / col_total)).ln();
        if pmi > 0.0 {
            a.cols.push(col as u32);
            a.vals.push(pmi);
            a.start[w + 1] += 1;
        }
    }
    for i in 0..n {
        a.start[i + 1] += a.start[i];
    }
    drop(cells);
    let dim = fc.dim.clamp(2, 512);
    let vecs = svd_vectors(&a, dim);
    let d = vecs.len() / n;
    if d == 0 {
        return CorpusLex::default();
    }
    // unit rows (f32)
    let mut x: Vec<f32> = vecs.iter().map(|&v| v as f32).collect();
    x.par_chunks_mut(d).for_each(|r| {
        let s = r.iter().map(|v| v * v).sum::<f32>().sqrt();
        if s > 0.0 {
            r.iter_mut().for_each(|v| *v /= s);
        }
    });
    // top-down k-means: (members, path so far) per class of the current level
    let mut path = vec![0u64; n];
    let mut is_builder = vec![false; n];
    for &i in &builders {
        is_builder[i] = true;
    }
    let others: Vec<usize> = (0..n).filter(|&i| !is_builder[i]).collect();
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    // (builders, assigned words) per class of the current level
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = vec![(builders, others)];
    for level in 0..levels {
        let mut next = Vec::new();
        for (g, (members, assigned)) in groups.into_iter().enumerate() {
            let split = if members.len() >= 2 * branch {
                kmeans(&x, d, &members, branch, 0x5eed ^ ((level as u64) << 32 | g as u64))
            } else {
                vec![0; members.len()]
            };
            let mut sub: Vec<(Vec<usize>, Vec<usize>)> = vec![(Vec::new(), Vec::new()); branch];
            let mut cent = vec![0f32; branch * d];
            for (&i, &c) in members.iter().zip(&split) {
                path[i] = path[i] << 4 | c as u64;
                sub[c].0.push(i);
                for (a, b) in cent[c * d..(c + 1) * d].iter_mut().zip(&x[i * d..(i + 1) * d]) {
                    *a += b;
                }
            }
            // assigned words: the class with the nearest (unnormalised mean) direction
            let norms: Vec<f32> = cent.chunks(d).map(|c| c.iter().map(|v| v * v).sum::<f32>().sqrt()).collect();
            for &i in &assigned {
                let r = &x[i * d..(i + 1) * d];
                let mut best = (0, f32::MIN);
                for (c, cr) in cent.chunks(d).enumerate() {
                    if norms[c] > 0.0 {
                        let v = dot(r, cr) / norms[c];
                        if v > best.1 {
                            best = (c, v);
                        }
                    }
                }
                path[i] = path[i] << 4 | best.0 as u64;
                sub[best.0].1.push(i);
            }
            next.extend(sub.into_iter().filter(|s| !s.0.is_empty()));
        }
        groups = next;
    }
    words.iter().zip(path).map(|((w, _), p)| (w.to_string(), 1u64 << (4 * levels) | p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_of_a_small_symmetric_matrix() {
        let a = [2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 5.0];
        let (mut vals, _) = sym_eigen(&a, 3);
        vals.sort_by(f64::total_cmp);
        for (v, e) in vals.iter().zip([1.0, 3.0, 5.0]) {
            assert!((v - e).abs() < 1e-9, "{vals:?}");
        }
    }

    #[test]
    fn orthonormal_columns() {
        let mut s = 7u64;
        let mut m: Vec<f64> = (0..50 * 4).map(|_| unit(&mut s) - 0.5).collect();
        orthonormalise(&mut m, 4);
        let g = gram(&m, 4);
        for i in 0..4 {
            for j in 0..4 {
                let e = if i == j { 1.0 } else { 0.0 };
                assert!((g[i * 4 + j] - e).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn words_in_the_same_contexts_share_classes() {
        // two kinds of words: names after قال, places after في
        let mut bodies = Vec::new();
        let names = ["احمد", "محمود", "سامي", "حسن"];
        let places = ["دمشق", "طهران", "حلب", "مدريد"];
        for k in 0..40 {
            bodies.push(format!("قال {} ان الوفد وصل الي {} امس.", names[k % 4], places[(k / 4) % 4]));
        }
        let gaz = Gazetteer::default();
        let mut lex = CorpusLex::default();
        for w in names.iter().chain(&places) {
            lex.insert(w.to_string(), 3);
        }
        let fc = FineClasses { min_bucket: 2, assign_bucket: 2, ctx: 20, window: 2, dim: 4, levels: 2, branch: 2 };
        let codes = fine_codes(&bodies, &gaz, &lex, &fc);
        assert_eq!(codes.len(), 8);
        let top = |w: &str| crate::features::fine_prefix(codes[w], 1);
        assert_eq!(top("احمد"), top("حسن"));
        assert_eq!(top("دمشق"), top("مدريد"));
        assert_ne!(top("احمد"), top("دمشق"));
        assert!(codes.values().all(|&c| c >> 8 == 1));
        // deterministic
        assert_eq!(codes, fine_codes(&bodies, &gaz, &lex, &fc));
        // a rarer word assigned to the classes the others built
        lex.insert("حسن".to_string(), 2);
        let fc3 = FineClasses { min_bucket: 3, assign_bucket: 7, ..fc };
        assert_eq!(fine_codes(&bodies, &gaz, &lex, &fc3).len(), 7);
        let assigned = fine_codes(&bodies, &gaz, &lex, &FineClasses { assign_bucket: 2, ..fc3 });
        assert_eq!(assigned.len(), 8);
        let top = |w: &str| crate::features::fine_prefix(assigned[w], 1);
        assert_eq!(top("حسن"), top("احمد"));
        assert_ne!(top("حسن"), top("دمشق"));
    }
}
