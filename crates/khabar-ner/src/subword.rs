//! Spelling → word class (session 16, issue 5; off by default, see
//! models/NER.md): a linear classifier over hashed character n-grams of a
//! core that predicts the coarse distributional class ([`crate::train`]'s
//! `cluster_codes`) of the frequent cores, applied to the cores without a
//! class (seen fewer than 20 times in the corpus, or never), so that a rare
//! or unseen word gets the class its spelling suggests.

use crate::features::fnv;

/// Shortest and longest character n-gram (over the core with a boundary
/// mark at each end).
const N_MIN: usize = 2;
const N_MAX: usize = 5;
/// Epochs of stochastic gradient descent.
const EPOCHS: usize = 8;

/// The classifier: `2^bits` hashed n-gram rows of `classes` quantised
/// weights (row-major); an empty one predicts nothing.
#[derive(Clone, Debug, Default)]
pub struct Subword {
    bits: u32,
    classes: usize,
    /// Weight of one quantisation step.
    scale: f32,
    w: Vec<i8>,
    /// Highest corpus frequency bucket of a core that gets a prediction
    /// (bits 0..3 of its lexicon code: 0 = not in the lexicon, 1 = seen 3–4
    /// times, 2 = 5–19; cores seen more often have a word class).
    pub max_bucket: u8,
    /// Lowest confidence bucket of a prediction that is kept (0: all).
    pub min_conf: u8,
}

/// A classifier that predicts nothing (for callers without a model).
pub static NO_SUBWORD: Subword = Subword { bits: 0, classes: 0, scale: 0.0, w: Vec::new(), max_bucket: 0, min_conf: 0 };

/// The n-gram hashes of `core` (with `^` and `$` marks) in `out`.
fn grams(core: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut s = String::with_capacity(core.len() + 2);
    s.push('^');
    s.push_str(core);
    s.push('$');
    let cuts: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect();
    let nch = cuts.len() - 1;
    for n in N_MIN..=N_MAX {
        for a in 0..(nch + 1).saturating_sub(n) {
            out.push(fnv(&s.as_bytes()[cuts[a]..cuts[a + n]]));
        }
    }
}

/// Confidence bucket (0..=3) of a top-class probability (the held-out
/// frequent cores' top probabilities have quartiles of about 0.24, 0.32, 0.43).
fn conf_bucket(p: f32) -> u8 {
    if p < 0.25 {
        0
    } else if p < 0.35 {
        1
    } else if p < 0.5 {
        2
    } else {
        3
    }
}

impl Subword {
    /// Whether it predicts nothing.
    pub fn is_empty(&self) -> bool {
        self.w.is_empty() || self.classes == 0
    }

    fn mask(&self) -> usize {
        (1usize << self.bits) - 1
    }

    /// Learn the classifier from `(core, class)` pairs (class in
    /// `0..classes`), in the given order after a fixed shuffle: softmax
    /// regression, stochastic gradient descent, weights quantised to 8 bits.
    pub fn train(words: &[(String, u8)], classes: usize, bits: u32) -> Subword {
        let bits = bits.clamp(8, 22);
        let rows = 1usize << bits;
        let mask = rows - 1;
        let classes = classes.clamp(1, 15);
        let mut w = vec![0f32; rows * classes];
        let feats: Vec<Vec<usize>> = words
            .iter()
            .map(|(c, _)| {
                let mut g = Vec::new();
                grams(c, &mut g);
                g.into_iter().map(|h| (h as usize) & mask).collect()
            })
            .collect();
        // fixed shuffle (xorshift), the same for every NER seed
        let mut order: Vec<usize> = (0..words.len()).collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut p = vec![0f32; classes];
        for e in 0..EPOCHS {
            let lr = 0.2 / (1.0 + e as f32);
            for &i in &order {
                let y = words[i].1 as usize;
                if y >= classes {
                    continue;
                }
                let f = &feats[i];
                if f.is_empty() {
                    continue;
                }
                p.iter_mut().for_each(|v| *v = 0.0);
                for &r in f {
                    for (c, v) in p.iter_mut().enumerate() {
                        *v += w[r * classes + c];
                    }
                }
                softmax(&mut p);
                let step = lr / (f.len() as f32).sqrt();
                for &r in f {
                    for (c, v) in p.iter().enumerate() {
                        let g = v - if c == y { 1.0 } else { 0.0 };
                        w[r * classes + c] -= step * g;
                    }
                }
            }
        }
        let max = w.iter().fold(0f32, |a, v| a.max(v.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let w = w.iter().map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8).collect();
        Subword { bits, classes, scale, w, max_bucket: 2, min_conf: 0 }
    }

    /// The class scores of `core` as probabilities (empty when nothing is predicted).
    fn probs(&self, core: &str, g: &mut Vec<u64>) -> Vec<f32> {
        if self.is_empty() || core.chars().count() < 2 {
            return Vec::new();
        }
        grams(core, g);
        let mask = self.mask();
        let mut acc = vec![0i32; self.classes];
        for &h in g.iter() {
            let r = (h as usize) & mask;
            if let Some(row) = self.w.get(r * self.classes..(r + 1) * self.classes) {
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += v as i32;
                }
            }
        }
        let mut p: Vec<f32> = acc.iter().map(|&a| a as f32 * self.scale).collect();
        softmax(&mut p);
        p
    }

    /// Predicted class of `core`: `(class + 1) | confidence << 4` (confidence
    /// bucket 0..=3 of the top probability); 0 when nothing is predicted
    /// (no classifier, or a core of fewer than two letters).
    pub fn predict(&self, core: &str) -> u8 {
        let mut g = Vec::new();
        let p = self.probs(core, &mut g);
        let Some((c, &top)) = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0))) else {
            return 0;
        };
        (c as u8 + 1) | conf_bucket(top) << 4
    }

    /// [`Subword::predict`] for a core with lexicon code `cstat` and no word
    /// class, within the limits `max_bucket` and `min_conf`.
    pub fn predict_rare(&self, core: &str, cstat: u32) -> u8 {
        if (cstat & 7) as u8 > self.max_bucket {
            return 0;
        }
        let p = self.predict(core);
        if p >> 4 < self.min_conf {
            0
        } else {
            p
        }
    }

    /// Share of `words` whose class is predicted right.
    pub fn accuracy(&self, words: &[(String, u8)]) -> f64 {
        let ok = words.iter().filter(|(w, c)| self.predict(w) & 15 == c + 1).count();
        ok as f64 / words.len().max(1) as f64
    }

    /// The model-file text: a header line `bits classes scale max_bucket min_conf`, then one line
    /// per non-zero row: `row<TAB>hex bytes`.
    pub fn write_text(&self, out: &mut String) {
        if self.is_empty() {
            return;
        }
        out.push_str(&format!("{} {} {:e} {} {}\n", self.bits, self.classes, self.scale, self.max_bucket, self.min_conf));
        for (r, row) in self.w.chunks(self.classes).enumerate() {
            if row.iter().all(|&v| v == 0) {
                continue;
            }
            out.push_str(&r.to_string());
            out.push('\t');
            for &v in row {
                out.push_str(&format!("{:02x}", v as u8));
            }
            out.push('\n');
        }
    }

    /// Read one line of [`Subword::write_text`]; malformed lines are skipped.
    pub fn read_line(&mut self, line: &str) {
        if let Some((r, hex)) = line.split_once('\t') {
            let (Ok(r), true) = (r.parse::<usize>(), self.classes > 0) else { return };
            if hex.len() != 2 * self.classes || !hex.is_ascii() {
                return;
            }
            let Some(row) = self.w.get_mut(r * self.classes..(r + 1) * self.classes) else { return };
            for (k, v) in row.iter_mut().enumerate() {
                if let Ok(b) = u8::from_str_radix(&hex[2 * k..2 * k + 2], 16) {
                    *v = b as i8;
                }
            }
        } else {
            let mut it = line.split(' ');
            let (Some(b), Some(c), Some(s)) = (it.next(), it.next(), it.next()) else { return };
            let (Ok(b), Ok(c), Ok(s)) = (b.parse::<u32>(), c.parse::<usize>(), s.parse::<f32>()) else { return };
            if !(8..=22).contains(&b) || !(1..=15).contains(&c) || !s.is_finite() {
                return;
            }
            let max_bucket = it.next().and_then(|x| x.parse().ok()).unwrap_or(2);
            let min_conf = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            *self = Subword { bits: b, classes: c, scale: s, w: vec![0; (1usize << b) * c], max_bucket, min_conf };
        }
    }
}

fn softmax(p: &mut [f32]) {
    let m = p.iter().fold(f32::MIN, |a, &v| a.max(v));
    let mut z = 0.0;
    for v in p.iter_mut() {
        *v = (*v - m).exp();
        z += *v;
    }
    if z > 0.0 {
        p.iter_mut().for_each(|v| *v /= z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_spelling_and_round_trips() {
        // two made-up classes told apart by their ending
        let mut words = Vec::new();
        for s in ["كتب", "درس", "لعب", "سمع", "فهم", "علم", "شرب", "قرا"] {
            words.push((format!("{s}يه"), 0u8));
            words.push((format!("{s}ون"), 1u8));
        }
        let m = Subword::train(&words, 2, 12);
        assert!(m.accuracy(&words) > 0.9);
        assert_eq!(m.predict("جمليه") & 15, 1);
        assert_eq!(m.predict("جملون") & 15, 2);
        assert_eq!(m.predict("ا"), 0);
        assert_eq!(NO_SUBWORD.predict("جمليه"), 0);
        // frequency and confidence limits
        let p = m.predict("جمليه");
        assert_eq!(m.predict_rare("جمليه", 2), p);
        assert_eq!(m.predict_rare("جمليه", 3), 0);
        let strict = Subword { min_conf: (p >> 4) + 1, ..m.clone() };
        assert_eq!(strict.predict_rare("جمليه", 0), 0);
        let mut t = String::new();
        m.write_text(&mut t);
        let mut back = Subword::default();
        for l in t.lines() {
            back.read_line(l);
        }
        for (w, _) in &words {
            assert_eq!(back.predict(w), m.predict(w));
        }
        // garbage never panics
        for l in ["", "\t", "99999999\tzz", "8 3 nan", "12 2 1e-3 x y", "12 2 1e-3", "5\t0g", "4095\tffff"] {
            back.read_line(l);
        }
    }
}
