//! Feature hashing, averaged perceptron weights and a tiny binary codec.

use crate::{Error, Result};

/// Fast non-cryptographic hasher for the model's lookup tables (FxHash-style). Lookups at run time
/// never insert, so hash flooding is not a concern.
///
/// It must stay bit-stable, so it is not replaced by `rustc_hash` (whose FxHasher hashes bytes
/// differently): the lemma trainer numbers its rules in the iteration order of a map with this
/// hasher (`Lemmatizer::build`, `for (k, m) in rc`) and the model file stores them in that order,
/// and the tagger's hashed word table keeps the first of two colliding keys in the order of
/// `dict.keys()`; with another hasher `khabar train morph` would write a different model file
/// from the same data.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut it = bytes.chunks_exact(8);
        for c in &mut it {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.add(u64::from_le_bytes(a));
        }
        let r = it.remainder();
        if !r.is_empty() {
            let mut a = [0u8; 8];
            a[..r.len()].copy_from_slice(r);
            self.add(u64::from_le_bytes(a) ^ ((r.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` with the fast hasher.
pub type HashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// Hasher for keys that are already well-mixed 64-bit hashes: the key is its own hash.
#[derive(Default, Clone, Copy)]
pub struct Ident(u64);

impl std::hash::Hasher for Ident {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // only u64 keys are hashed with it; anything else still gets a valid hash
        let mut fx = Fx(self.0);
        fx.write(bytes);
        self.0 = fx.0;
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A read-only lookup table from strings to values, keyed by a 64-bit hash of the string.
///
/// The run-time tables of the morphology model (word dictionaries, counts, classes) are looked
/// up for every word. Keyed by `String`, a lookup reads the table's control bytes, the bucket
/// and then the key's heap bytes to compare them: three cache misses, which profiles showed as
/// a large share of tagging. Keyed by the hash, the bucket holds the whole key and the value, and
/// nothing else is read. The string is not kept: a word absent from the table whose 64-bit hash
/// equals that of a word in it would be taken for that word (for a table of a million words,
/// about one lookup in 10^13); two words of the table with one hash keep the first inserted.
/// The string-keyed maps stay where the model is trained and written.
pub struct StrMap<V> {
    map: std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<Ident>>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap { map: Default::default() }
    }
}

impl<V> StrMap<V> {
    /// The key of a string: `H` of its bytes under a fixed template, finalised.
    #[inline]
    pub fn key(s: &str) -> u64 {
        H::new(0x5354_524d).s(s).fin()
    }
    pub fn with_capacity(n: usize) -> Self {
        StrMap { map: std::collections::HashMap::with_capacity_and_hasher(n, Default::default()) }
    }
    /// Insert under a precomputed key (see [`StrMap::key`]); an existing entry is kept.
    pub fn insert_key(&mut self, k: u64, v: V) {
        self.map.entry(k).or_insert(v);
    }
    pub fn insert(&mut self, s: &str, v: V) {
        self.insert_key(Self::key(s), v);
    }
    #[inline]
    pub fn get(&self, s: &str) -> Option<&V> {
        self.map.get(&Self::key(s))
    }
    #[inline]
    pub fn get_key(&self, k: u64) -> Option<&V> {
        self.map.get(&k)
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl<'a, V> FromIterator<(&'a str, V)> for StrMap<V> {
    fn from_iter<I: IntoIterator<Item = (&'a str, V)>>(it: I) -> Self {
        let it = it.into_iter();
        let mut m = StrMap::with_capacity(it.size_hint().0);
        for (k, v) in it {
            m.insert(k, v);
        }
        m
    }
}

/// Incremental 64-bit hasher for feature strings (no allocation).
#[derive(Clone, Copy)]
pub struct H(u64);

impl H {
    pub fn new(template: u32) -> H {
        H((u64::from(template) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    pub fn s(self, s: &str) -> H {
        let mut h = self.0;
        for b in s.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        H((h ^ 0xff).wrapping_mul(0x0000_0100_0000_01B3))
    }
    pub fn u(self, x: u64) -> H {
        H((self.0 ^ x.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29))
    }
    pub fn fin(self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^= x >> 33;
        x
    }
}

/// Averaged perceptron weight vector (training only).
pub struct Avg {
    pub w: Vec<f32>,
    acc: Vec<f32>,
    pub c: f32,
}

impl Avg {
    pub fn new(n: usize) -> Avg {
        Avg { w: vec![0.0; n], acc: vec![0.0; n], c: 1.0 }
    }
    #[inline]
    pub fn upd(&mut self, i: usize, d: f32) {
        self.w[i] += d;
        self.acc[i] += self.c * d;
    }
    pub fn tick(&mut self) {
        self.c += 1.0;
    }
    pub fn averaged(&self) -> Vec<f32> {
        self.w.iter().zip(&self.acc).map(|(w, a)| w - a / self.c).collect()
    }
}

/// Simple fixed-size bitset over hashed strings (approximate membership).
#[derive(Clone)]
pub struct Bloom {
    pub bits: Vec<u64>,
}

impl Bloom {
    pub const BITS: usize = 1 << 21;
    pub fn new() -> Bloom {
        Bloom { bits: vec![0; Self::BITS / 64] }
    }
    fn idx(s: &str) -> [usize; 2] {
        let h = H::new(777).s(s).fin();
        [(h as usize) % Self::BITS, ((h >> 32) as usize) % Self::BITS]
    }
    pub fn insert(&mut self, s: &str) {
        for i in Self::idx(s) {
            self.bits[i / 64] |= 1 << (i % 64);
        }
    }
    pub fn contains(&self, s: &str) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        Self::idx(s).iter().all(|&i| self.bits[i / 64] & (1 << (i % 64)) != 0)
    }
}

/// Quantise weights to i16 with one scale (max |w| maps to 32767).
pub fn quantise(w: &[f32]) -> (Vec<i16>, f32) {
    let max = w.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
    (w.iter().map(|x| (x / scale).round().clamp(-32767.0, 32767.0) as i16).collect(), scale)
}

/// Binary writer.
#[derive(Default)]
pub struct W(pub Vec<u8>);

impl W {
    pub fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    pub fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    pub fn f32(&mut self, x: f32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    pub fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.str(s);
        }
    }
    /// Already quantised weights.
    pub fn weights_q(&mut self, w: &[i16], scale: f32) {
        self.u32(w.len() as u32);
        self.f32(scale);
        for q in w {
            self.0.extend_from_slice(&q.to_le_bytes());
        }
    }
    /// Weights quantised to i16 with one scale; runs of zeros are cheap after deflate.
    pub fn weights(&mut self, w: &[f32]) {
        let max = w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        self.u32(w.len() as u32);
        self.f32(scale);
        for x in w {
            let q = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
            self.0.extend_from_slice(&q.to_le_bytes());
        }
    }
}

/// Binary reader.
pub struct R<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> R<'a> {
    pub fn new(b: &'a [u8]) -> R<'a> {
        R { b, p: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.p + n > self.b.len() {
            return Err(Error::Model("truncated model".into()));
        }
        let s = &self.b[self.p..self.p + n];
        self.p += n;
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
    pub fn len(&mut self) -> Result<usize> {
        let n = self.u32()? as usize;
        if n > self.b.len().saturating_sub(self.p).saturating_mul(8) + 64 {
            return Err(Error::Model("implausible length in model".into()));
        }
        Ok(n)
    }
    pub fn str(&mut self) -> Result<String> {
        let n = self.len()?;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| Error::Model("invalid utf-8 in model".into()))
    }
    pub fn strs(&mut self) -> Result<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }
    /// Quantised weights as stored (i16) and their scale.
    pub fn weights_q(&mut self) -> Result<(Vec<i16>, f32)> {
        let n = self.u32()? as usize;
        let scale = self.f32()?;
        let s = self.take(n.checked_mul(2).ok_or_else(|| Error::Model("bad weights".into()))?)?;
        Ok((s.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect(), scale))
    }
    pub fn weights(&mut self) -> Result<Vec<f32>> {
        let n = self.u32()? as usize;
        let scale = self.f32()?;
        let s = self.take(n.checked_mul(2).ok_or_else(|| Error::Model("bad weights".into()))?)?;
        Ok(s.chunks_exact(2).map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale).collect())
    }
}
