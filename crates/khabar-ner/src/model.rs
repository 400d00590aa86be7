//! The weights: hashed emission table + BIO transition matrix, Viterbi decoding,
//! averaged structured-perceptron updates, and the binary format.

use std::io::{Read, Write};

use crate::{Error, Result};

/// Labels: O, then B/I for PER, LOC, ORG, MISC.
pub const NL: usize = 9;
pub const O: usize = 0;

/// Type index (0 PER, 1 LOC, 2 ORG, 3 MISC) of a non-O label.
#[inline]
pub fn label_type(l: usize) -> usize {
    (l - 1) / 2
}
#[inline]
pub fn is_b(l: usize) -> bool {
    l != O && (l - 1) % 2 == 0
}
#[inline]
pub fn b_of(t: usize) -> usize {
    1 + 2 * t
}
#[inline]
pub fn i_of(t: usize) -> usize {
    2 + 2 * t
}

/// Whether label `b` may follow label `a` (`a = None` at sentence start).
#[inline]
pub fn allowed(a: Option<usize>, b: usize) -> bool {
    if b == O || is_b(b) {
        return true;
    }
    match a {
        None => false,
        Some(a) => a != O && label_type(a) == label_type(b),
    }
}

/// The non-zero rows of a decoded (quantised) hashed table, packed.
///
/// Only about a tenth of the 2^20 rows of a trained table are non-zero (the
/// rest are hash slots no training feature reached), so the table keeps those
/// rows, in row order, and a bitmap over all rows with the number of present
/// rows before each 64-row block: a present row's place is that count plus
/// the set bits before it in its block. A feature whose row is absent adds
/// nothing and reads no row memory; the present rows of the shipped model take
/// 4.8 MB instead of 36 MB (both passes), so more of them stay in cache. The sums are
/// the same as over the full table.
#[derive(Clone, Debug, Default)]
pub struct Packed {
    /// One entry per 64 rows: which rows are present, and how many present
    /// rows come before the block.
    dir: Vec<(u64, u32)>,
    /// `width` weights per present row.
    vals: Vec<i16>,
    width: usize,
    /// Unique per packed table (0: empty), so that sums cached from one
    /// table are never read with another (see [`Packed::id`]).
    id: u64,
}

/// Ids of packed tables.
static PACKED_IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Packed {
    /// Pack rows of `width` weights given in increasing row order (a row given
    /// twice keeps its last values; rows must be below `rows`).
    fn from_sorted<'a>(rows: usize, width: usize, it: impl Iterator<Item = (usize, &'a [i16])>) -> Packed {
        let mut dir = vec![(0u64, 0u32); rows.div_ceil(64)];
        let mut vals: Vec<i16> = Vec::new();
        let mut last: Option<usize> = None;
        for (r, v) in it {
            if last == Some(r) {
                let k = vals.len() - width;
                vals[k..].copy_from_slice(&v[..width]);
                continue;
            }
            let Some(d) = dir.get_mut(r >> 6) else { continue };
            last = Some(r);
            d.0 |= 1 << (r & 63);
            vals.extend_from_slice(&v[..width]);
        }
        Packed::assemble(dir, vals, width)
    }

    /// A table from its blocks' presence bits (`dir[k].0`; the counts `dir[k].1` are filled in
    /// here) and the present rows' weights in row order, with a new [`Packed::id`].
    fn assemble(mut dir: Vec<(u64, u32)>, vals: Vec<i16>, width: usize) -> Packed {
        let mut before = 0u32;
        for d in &mut dir {
            d.1 = before;
            before += d.0.count_ones();
        }
        Packed { dir, vals, width, id: PACKED_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) }
    }

    /// This table's id: different for every table built in this process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether this holds a decoded table at all.
    pub fn is_empty(&self) -> bool {
        self.dir.is_empty()
    }

    /// Weights per row (NL, or 2·NL when two tables are fused; 0 when empty).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The weights of row `r`, if present.
    #[inline]
    pub fn get(&self, r: usize) -> Option<&[i16]> {
        let &(bits, before) = self.dir.get(r >> 6)?;
        let bit = 1u64 << (r & 63);
        if bits & bit == 0 {
            return None;
        }
        let k = (before + (bits & (bit - 1)).count_ones()) as usize * self.width;
        self.vals.get(k..k + self.width)
    }
}

/// The best path ending in the best last label (the first of equals), read
/// back through `back` (one row of back-pointers per position).
fn backtrack(last: &[f32; NL], back: &[[u8; NL]], out: &mut Vec<usize>) {
    let mut y = 0;
    let mut best = f32::NEG_INFINITY;
    for (k, &d) in last.iter().enumerate() {
        if d > best {
            best = d;
            y = k;
        }
    }
    out.clear();
    out.resize(back.len(), 0);
    let Some(l) = out.last_mut() else { return };
    *l = y;
    for i in (1..back.len()).rev() {
        y = back[i][y] as usize;
        out[i - 1] = y;
    }
}

#[derive(Clone, Debug)]
pub struct Weights {
    pub bits: u32,
    /// rows × NL emission weights.
    pub w: Vec<f32>,
    /// (NL+1) × NL transitions; row NL is the start state.
    pub trans: Vec<f32>,
    /// Quantised emission weights of a decoded model (then `w` is empty):
    /// weight = q × scale, only the non-zero rows kept ([`Packed`]). Row r is
    /// `q.get(r)[off..][..NL]`; two passes' tables may share one
    /// interleaved table (see [`Weights::fuse`]).
    pub q: std::sync::Arc<Packed>,
    /// Offset of this table's weights inside a row of `q`.
    pub off: usize,
    /// Scale of `q`.
    pub scale: f32,
}

impl Weights {
    pub fn new(bits: u32) -> Self {
        Weights { bits, w: vec![0.0; (1usize << bits) * NL], trans: vec![0.0; (NL + 1) * NL], q: Default::default(), off: 0, scale: 0.0 }
    }

    #[inline]
    pub fn row(&self, h: u64) -> usize {
        (h >> (64 - self.bits)) as usize
    }

    /// Emission scores for one token's features.
    #[inline]
    pub fn emit(&self, feats: &[u64], out: &mut [f32; NL]) {
        if !self.q.is_empty() {
            let mut acc = [0i32; NL];
            self.add_packed(feats, &mut acc);
            self.scale_packed(&acc, out);
            return;
        }
        *out = [0.0; NL];
        for &f in feats {
            let r = self.row(f) * NL;
            let row = &self.w[r..r + NL];
            for k in 0..NL {
                out[k] += row[k];
            }
        }
    }

    /// Whether the weights are the packed integer table (decoded models),
    /// which [`Weights::add_packed`] reads.
    pub fn is_packed(&self) -> bool {
        !self.q.is_empty()
    }

    /// Add the packed integer rows of `feats` to `acc` (nothing when the
    /// table is not packed). Integer sums: the order does not matter.
    #[inline]
    pub fn add_packed(&self, feats: &[u64], acc: &mut [i32; NL]) {
        for &f in feats {
            // a fixed-size row lets the compiler vectorise the sum
            if let Some(Ok::<&[i16; NL], _>(row)) =
                self.q.get(self.row(f)).and_then(|r| r.get(self.off..self.off + NL)).map(TryInto::try_into)
            {
                for k in 0..NL {
                    acc[k] += row[k] as i32;
                }
            }
        }
    }

    /// Emission scores from packed sums ([`Weights::add_packed`]).
    #[inline]
    pub fn scale_packed(&self, acc: &[i32; NL], out: &mut [f32; NL]) {
        for k in 0..NL {
            out[k] = acc[k] as f32 * self.scale;
        }
    }

    /// Interleave two decoded tables of the same size into one, so that
    /// [`Weights::emit_pair`] reads both rows of a feature with one memory
    /// access (the two passes use the same base features). No-op otherwise.
    pub fn fuse(a: &mut Weights, b: &mut Weights) {
        if a.q.is_empty() || b.q.is_empty() || a.bits != b.bits || a.q.width() != NL || b.q.width() != NL {
            return;
        }
        // walk the present rows of both, block by block (no pass over every
        // row of the table, no list of pairs before packing)
        let (x, y) = (&a.q, &b.q);
        let blocks = (1usize << a.bits).div_ceil(64);
        let union = |k: usize| x.dir.get(k).map_or(0, |d| d.0) | y.dir.get(k).map_or(0, |d| d.0);
        let total: usize = (0..blocks).map(|k| union(k).count_ones() as usize).sum();
        let mut dir = Vec::with_capacity(blocks);
        let mut vals = Vec::with_capacity(total * 2 * NL);
        for k in 0..blocks {
            let bits = union(k);
            dir.push((bits, 0));
            let mut m = bits;
            while m != 0 {
                let r = k * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                vals.extend_from_slice(x.get(r).unwrap_or(&[0; NL]));
                vals.extend_from_slice(y.get(r).unwrap_or(&[0; NL]));
            }
        }
        let j = std::sync::Arc::new(Packed::assemble(dir, vals, 2 * NL));
        a.q = j.clone();
        b.q = j;
        a.off = 0;
        b.off = NL;
    }

    /// Emission scores of two tables for the same features (one pass over
    /// the rows when the tables are fused).
    #[inline]
    pub fn emit_pair(a: &Weights, b: &Weights, feats: &[u64], ea: &mut [f32; NL], eb: &mut [f32; NL]) {
        if !Weights::fused(a, b) {
            a.emit(feats, ea);
            b.emit(feats, eb);
            return;
        }
        let mut acc = [0i32; 2 * NL];
        a.add_fused(feats, &mut acc);
        Weights::scale_pair(a, b, &acc, ea, eb);
    }

    /// Whether `a` and `b` read one fused table ([`Weights::fuse`]).
    pub fn fused(a: &Weights, b: &Weights) -> bool {
        std::sync::Arc::ptr_eq(&a.q, &b.q) && a.q.width() == 2 * NL && a.off == 0 && b.off == NL && a.bits == b.bits && !a.q.is_empty()
    }

    /// Add the fused rows (both passes' weights, unscaled) of `feats` to
    /// `acc`. Integer sums: the order of the features does not matter.
    #[inline]
    pub fn add_fused(&self, feats: &[u64], acc: &mut [i32; 2 * NL]) {
        for &f in feats {
            if let Some(Ok::<&[i16; 2 * NL], _>(row)) = self.q.get(self.row(f)).map(TryInto::try_into) {
                for k in 0..2 * NL {
                    acc[k] += row[k] as i32;
                }
            }
        }
    }

    /// The emission scores of both passes from fused sums.
    #[inline]
    pub fn scale_pair(a: &Weights, b: &Weights, acc: &[i32; 2 * NL], ea: &mut [f32; NL], eb: &mut [f32; NL]) {
        for k in 0..NL {
            ea[k] = acc[k] as f32 * a.scale;
            eb[k] = acc[NL + k] as f32 * b.scale;
        }
    }

    /// Add `entity[t]` to every transition into B-t (from each label and
    /// the start) and `token[t]` to every transition into B-t or I-t: a path
    /// scores `entity[t]` more per entity of type t and `token[t]` more per
    /// token inside one (see [`crate::NerModel::with_label_bias`]).
    pub fn add_label_bias(&mut self, entity: [f32; 4], token: [f32; 4]) {
        for t in 0..4 {
            for p in 0..=NL {
                for (y, d) in [(b_of(t), entity[t] + token[t]), (i_of(t), token[t])] {
                    if let Some(x) = self.trans.get_mut(p * NL + y) {
                        *x += d;
                    }
                }
            }
        }
    }

    /// Viterbi under BIO constraints.
    ///
    /// O and B-x may follow any label; I-x only B-x or I-x, so an I-x state
    /// compares two predecessors instead of nine. Predecessors are visited in
    /// label order and ties keep the first, as a full 9×9 search would (the
    /// test `viterbi_equals_the_full_search` checks this).
    pub fn viterbi(&self, em: &[[f32; NL]], out: &mut Vec<usize>) {
        out.clear();
        let n = em.len();
        if n == 0 {
            return;
        }
        let neg = f32::NEG_INFINITY;
        // the transitions as a fixed-size table (no bounds checks in the loops);
        // by column: tc[y][p] is p → y
        let mut tc = [[neg; NL]; NL];
        let mut start = [neg; NL];
        for y in 0..NL {
            for p in 0..NL {
                tc[y][p] = self.trans.get(p * NL + y).copied().unwrap_or(neg);
            }
            start[y] = self.trans.get(NL * NL + y).copied().unwrap_or(neg);
        }
        let mut back = vec![[0u8; NL]; n];
        let mut prev = [neg; NL];
        for y in 0..NL {
            if allowed(None, y) {
                prev[y] = em[0][y] + start[y];
            }
        }
        for i in 1..n {
            let mut cur = [neg; NL];
            let e = &em[i];
            let bk = &mut back[i];
            // O and the B labels: any predecessor
            for y in [O, 1, 3, 5, 7] {
                debug_assert!(y == O || is_b(y));
                let mut best = neg;
                let mut arg = 0u8;
                for (p, (&d, &t)) in prev.iter().zip(&tc[y]).enumerate() {
                    let s = d + t;
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
                if best > neg {
                    cur[y] = best + e[y];
                    bk[y] = arg;
                }
            }
            // I-x: B-x (= I-x − 1) or I-x
            for y in (2..NL).step_by(2) {
                let (sb, si) = (prev[y - 1] + tc[y][y - 1], prev[y] + tc[y][y]);
                let (best, arg) = if si > sb { (si, y) } else { (sb, y - 1) };
                if best > neg {
                    cur[y] = best + e[y];
                    bk[y] = arg as u8;
                }
            }
            prev = cur;
        }
        backtrack(&prev, &back, out);
    }

    /// Append the raw (uncompressed) encoding.
    pub fn write_raw(&self, raw: &mut Vec<u8>) {
        raw.extend_from_slice(&self.bits.to_le_bytes());
        for t in &self.trans {
            raw.extend_from_slice(&t.to_le_bytes());
        }
        let quantised = !self.q.is_empty();
        let scale = if quantised { self.scale } else { self.w.iter().fold(0f32, |m, &x| m.max(x.abs())).max(1e-9) / 32767.0 };
        raw.extend_from_slice(&scale.to_le_bytes());
        let rows = 1usize << self.bits;
        let mut nz = Vec::new();
        for r in 0..rows {
            let q: Vec<i16> = if quantised {
                self.q.get(r).map_or(vec![0; NL], |row| row[self.off..self.off + NL].to_vec())
            } else {
                self.w[r * NL..r * NL + NL].iter().map(|&x| (x / scale).round() as i16).collect()
            };
            if q.iter().any(|&v| v != 0) {
                nz.push((r, q));
            }
        }
        raw.extend_from_slice(&(nz.len() as u64).to_le_bytes());
        let mut prev = 0usize;
        for (r, _) in &nz {
            let mut d = (r - prev) as u64;
            prev = *r;
            loop {
                let b = (d & 0x7f) as u8;
                d >>= 7;
                if d == 0 {
                    raw.push(b);
                    break;
                }
                raw.push(b | 0x80);
            }
        }
        // weights column-wise for better compression
        for k in 0..NL {
            for (_, q) in &nz {
                raw.extend_from_slice(&q[k].to_le_bytes());
            }
        }
    }

    /// Read what [`Weights::write_raw`] wrote.
    pub fn read_raw(r: &mut Reader<'_>) -> Result<Self> {
        let bits = r.u32()?;
        if !(8..=22).contains(&bits) {
            return Err(Error::Model(format!("bad table size 2^{bits}")));
        }
        let mut w = Weights { bits, w: Vec::new(), trans: vec![0.0; (NL + 1) * NL], q: Default::default(), off: 0, scale: 0.0 };
        for k in 0..w.trans.len() {
            w.trans[k] = r.f32()?;
        }
        let scale = r.f32()?;
        if !scale.is_finite() {
            return Err(Error::Model("bad scale".into()));
        }
        w.scale = scale;
        let n = r.u64()? as usize;
        let rows = 1usize << bits;
        if n > rows {
            return Err(Error::Model("too many rows".into()));
        }
        let mut idx = Vec::with_capacity(n);
        let mut prev = 0usize;
        for _ in 0..n {
            let mut d = 0u64;
            let mut shift = 0;
            loop {
                let byte = r.take(1)?[0];
                if shift > 63 {
                    return Err(Error::Model("bad varint".into()));
                }
                d |= ((byte & 0x7f) as u64) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            prev = prev.checked_add(d as usize).filter(|&x| x < rows).ok_or_else(|| Error::Model("row out of range".into()))?;
            idx.push(prev);
        }
        let mut q = vec![0i16; n * NL];
        for k in 0..NL {
            let bytes = r.take(2 * n)?;
            for j in 0..n {
                q[j * NL + k] = i16::from_le_bytes([bytes[2 * j], bytes[2 * j + 1]]);
            }
        }
        w.q = std::sync::Arc::new(Packed::from_sorted(rows, NL, idx.iter().zip(q.chunks_exact(NL)).map(|(&r, v)| (r, v))));
        Ok(w)
    }
}

/// The lines of `text` as [`str::lines`] gives them, each with its halves
/// at the first tab (as `split_once('\t')` gives them), found in one pass
/// over the bytes (a model's text section has about 190,000 short lines).
pub fn lines_with_tab(text: &str) -> impl Iterator<Item = (&str, Option<(&str, &str)>)> {
    let b = text.as_bytes();
    let mut a = 0;
    std::iter::from_fn(move || {
        if a >= b.len() {
            return None;
        }
        let mut e = a;
        let mut tab = None;
        while e < b.len() && b[e] != b'\n' {
            if b[e] == b'\t' && tab.is_none() {
                tab = Some(e);
            }
            e += 1;
        }
        // "\r\n" ends a line as "\n" does (a lone "\r" at the very end stays)
        let end = if e < b.len() && e > a && b[e - 1] == b'\r' { e - 1 } else { e };
        let start = a;
        a = e + 1;
        // '\n', '\r' and '\t' are ASCII, so these are character boundaries
        let line = text.get(start..end)?;
        let halves = match tab {
            Some(t) if t < end => Some((text.get(start..t)?, text.get(t + 1..end)?)),
            _ => None,
        };
        Some((line, halves))
    })
}

/// Gzip-compress.
pub fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(raw);
    enc.finish().unwrap_or_default()
}

/// Gunzip if gzip, else copy.
pub fn gunzip(b: &[u8]) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    if b.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(b).read_to_end(&mut raw).map_err(|e| Error::Model(format!("gzip: {e}")))?;
    } else {
        raw.extend_from_slice(b);
    }
    Ok(raw)
}

pub struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, p: 0 }
    }
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.p.checked_add(n).filter(|&e| e <= self.b.len()).ok_or_else(|| Error::Model("truncated model".into()))?;
        let s = &self.b[self.p..end];
        self.p = end;
        Ok(s)
    }
    pub fn u32(&mut self) -> Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    pub fn u64(&mut self) -> Result<u64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    pub fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_bits(self.u32()?))
    }
}

/// Averaged perceptron trainer state.
pub struct Trainer {
    pub cur: Weights,
    acc_w: Vec<f32>,
    acc_t: Vec<f32>,
    pub c: f32,
}

impl Trainer {
    pub fn new(bits: u32) -> Self {
        let cur = Weights::new(bits);
        let acc_w = vec![0.0; cur.w.len()];
        let acc_t = vec![0.0; cur.trans.len()];
        Trainer { cur, acc_w, acc_t, c: 1.0 }
    }

    fn upd_feat(&mut self, feats: &[u64], y: usize, d: f32) {
        for &f in feats {
            let k = self.cur.row(f) * NL + y;
            self.cur.w[k] += d;
            self.acc_w[k] += self.c * d;
        }
    }

    fn upd_trans(&mut self, k: usize, d: f32) {
        self.cur.trans[k] += d;
        self.acc_t[k] += self.c * d;
    }

    /// One sentence: decode, update on mistakes. Returns whether it erred.
    pub fn step(&mut self, feats: &[Vec<u64>], gold: &[usize], em: &mut Vec<[f32; NL]>, pred: &mut Vec<usize>) -> bool {
        em.clear();
        for f in feats {
            let mut e = [0f32; NL];
            self.cur.emit(f, &mut e);
            em.push(e);
        }
        self.cur.viterbi(em, pred);
        let mut err = false;
        for i in 0..gold.len() {
            let (g, p) = (gold[i], pred[i]);
            if g != p {
                err = true;
                self.upd_feat(&feats[i], g, 1.0);
                self.upd_feat(&feats[i], p, -1.0);
            }
            let gp = if i == 0 { NL } else { gold[i - 1] };
            let pp = if i == 0 { NL } else { pred[i - 1] };
            if gp != pp || g != p {
                self.upd_trans(gp * NL + g, 1.0);
                self.upd_trans(pp * NL + p, -1.0);
            }
        }
        self.c += 1.0;
        err
    }

    /// The averaged weights.
    pub fn averaged(&self) -> Weights {
        let mut w = self.cur.clone();
        let c = self.c;
        for (x, a) in w.w.iter_mut().zip(&self.acc_w) {
            *x -= a / c;
        }
        for (x, a) in w.trans.iter_mut().zip(&self.acc_t) {
            *x -= a / c;
        }
        w
    }
}

#[cfg(test)]
mod viterbi_tests {
    use super::*;
    use proptest::prelude::*;

    /// A bias on a type's entities changes only paths through that type: a
    /// token whose ORG score is just below O becomes B-ORG with a larger
    /// bias, and the same bias leaves a PER-vs-O choice alone.
    #[test]
    fn label_bias_moves_only_its_type() {
        // O scores 0; every other label far below, except:
        let mut em = [[-100f32; NL]; 2];
        em[0][O] = 0.0;
        em[1][O] = 0.0;
        em[0][b_of(2)] = -3.0; // ORG 3 below O
        em[1][b_of(0)] = -3.0; // PER 3 below O
        let mut w = Weights::new(8);
        w.trans.iter_mut().for_each(|t| *t = 0.0);
        let mut out = Vec::new();
        w.viterbi(&em, &mut out);
        assert_eq!(out, vec![O, O]);
        w.add_label_bias([0.0, 0.0, 2.0, 0.0], [0.0; 4]);
        w.viterbi(&em, &mut out);
        assert_eq!(out, vec![O, O], "a bias of 2 does not pass a margin of 3");
        w.add_label_bias([0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 1.0, 0.0]);
        w.viterbi(&em, &mut out);
        assert_eq!(out, vec![b_of(2), O], "3.5 over a margin of 3 tags ORG; PER is untouched");
    }

    /// The full 9×9 search, as the tagger decoded before the structured one.
    fn viterbi_full(w: &Weights, em: &[[f32; NL]], out: &mut Vec<usize>) {
        out.clear();
        let n = em.len();
        if n == 0 {
            return;
        }
        let neg = f32::NEG_INFINITY;
        let mut delta = vec![[neg; NL]; n];
        let mut back = vec![[0u8; NL]; n];
        for y in 0..NL {
            if allowed(None, y) {
                delta[0][y] = em[0][y] + w.trans[NL * NL + y];
            }
        }
        for i in 1..n {
            for y in 0..NL {
                let mut best = neg;
                let mut arg = 0u8;
                for p in 0..NL {
                    if !allowed(Some(p), y) || delta[i - 1][p] == neg {
                        continue;
                    }
                    let s = delta[i - 1][p] + w.trans[p * NL + y];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
                if best > neg {
                    delta[i][y] = best + em[i][y];
                    back[i][y] = arg;
                }
            }
        }
        backtrack(&delta[n - 1], &back, out);
    }

    proptest! {
        #[test]
        fn lines_with_tab_are_lines_and_split_once(text in "[ab\\t\\n\\r\u{0628}]{0,40}") {
            let want: Vec<(&str, Option<(&str, &str)>)> = text.lines().map(|l| (l, l.split_once('\t'))).collect();
            let got: Vec<_> = lines_with_tab(&text).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn packed_rows_read_as_the_full_table(rows in proptest::collection::btree_map(0usize..1000, proptest::collection::vec(-3i16..3, 2), 0..200), probe in proptest::collection::vec(0usize..1100, 50)) {
            // rows given once each, in order; the full table has zeros elsewhere
            let p = Packed::from_sorted(1000, 2, rows.iter().map(|(&r, v)| (r, &v[..])));
            for r in probe {
                let full = rows.get(&r).map(|v| v.as_slice());
                prop_assert_eq!(p.get(r), full);
            }
        }

        #[test]
        fn viterbi_equals_the_full_search(
            trans in proptest::collection::vec(-4i8..4, (NL + 1) * NL),
            em in proptest::collection::vec(proptest::collection::vec(-6i8..6, NL), 0..12),
        ) {
            // small integer scores so that ties between paths are common
            let mut w = Weights::new(1);
            w.trans = trans.iter().map(|&x| x as f32).collect();
            let em: Vec<[f32; NL]> = em.iter().map(|r| std::array::from_fn(|k| r[k] as f32)).collect();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            w.viterbi(&em, &mut a);
            viterbi_full(&w, &em, &mut b);
            prop_assert_eq!(a, b);
        }
    }
}
