//! Greedy left-to-right averaged-perceptron UPOS tagger over syntactic words.

use crate::conllu::Sentence;
use crate::norm::{key, prefix, shape, strip_marks, suffix};
use crate::seg::{shuffle, stem_index};
use crate::util::{quantise, Avg, Bloom, HashMap, StrMap, H, R, W};
use crate::{Result, Upos};

const POS_BITS: u32 = 20;
const NT: usize = Upos::ALL.len();

/// Per-word context for tagging.
pub struct WCtx {
    /// normalised form
    pub k: String,
    /// 0 single-word token, 1 proclitic, 2 stem of a multi-word token, 3 enclitic
    pub role: u8,
    /// index of the token this word belongs to
    pub tok: usize,
}

/// Build word contexts from per-token (words, stem index) lists; `toks` are clean surface tokens.
pub fn contexts(seg: &[(Vec<String>, usize)]) -> Vec<WCtx> {
    let mut v = Vec::new();
    for (ti, (ws, stem)) in seg.iter().enumerate() {
        for (i, w) in ws.iter().enumerate() {
            let role = if ws.len() == 1 {
                0
            } else if i < *stem {
                1
            } else if i == *stem {
                2
            } else {
                3
            };
            v.push(WCtx { k: key(w), role, tok: ti });
        }
    }
    v
}

/// A word's tag mask and most frequent tag (as in `dict`) and its classes (as in `clusters`).
type WordEntry = ((u32, u8), Option<(u16, u16)>);

pub struct Tagger {
    /// scale of the first (left-to-right) pass's quantised weights
    pub s: f32,
    /// scale of the second pass, which also sees the first pass's tags of the following words
    pub s2: f32,
    /// word key -> (mask of tags seen in training, most frequent tag)
    pub dict: HashMap<String, (u32, u8)>,
    /// word key -> distributional classes (coarse, fine) from unlabeled text (may be empty)
    pub clusters: HashMap<String, (u16, u16)>,
    /// `dict` and `clusters` in one table keyed by the word key's hash (`WH::k`), for tagging:
    /// one lookup per word, no string compared (see [`StrMap`])
    words: StrMap<WordEntry>,
    /// the two passes' weights without their all-zero rows (see [`Packed`]; the second may be empty)
    packed: Packed,
    packed2: Packed,
}

/// A hashed weight table with its all-zero rows left out.
///
/// The tagger's table has 2^20 rows of `NT` weights (35 MB as i16), of which about a fifth are
/// non-zero; every feature of every word reads one row at a hash-random place, so tagging waits
/// on memory. Packed, the non-zero rows take about 8 MB and the row directory (one bit per row,
/// with a running count every 64 rows) 256 KB, small enough to stay in cache; a feature whose
/// row is zero is skipped without touching the rows. Scores are summed as integers: the same
/// sums as the f32 sums of the i16 weights (they are exact in f32), so tags are identical.
#[derive(Default)]
struct Packed {
    /// per 64 rows: which rows are non-zero, and how many non-zero rows come before them
    dir: Vec<(u64, u32)>,
    rows: Vec<i16>,
}

impl Packed {
    fn new(w: &[i16]) -> Packed {
        if w.len() != (1 << POS_BITS) * NT {
            return Packed::default();
        }
        let mut dir = Vec::with_capacity((1 << POS_BITS) / 64);
        let mut rows = Vec::new();
        for block in w.chunks(64 * NT) {
            let (mut bits, before) = (0u64, (rows.len() / NT) as u32);
            for (i, row) in block.chunks(NT).enumerate() {
                if row.iter().any(|&x| x != 0) {
                    bits |= 1 << i;
                    rows.extend_from_slice(row);
                }
            }
            dir.push((bits, before));
        }
        Packed { dir, rows }
    }

    fn is_empty(&self) -> bool {
        self.dir.is_empty()
    }

    /// The whole table again, zero rows included (empty when the table is).
    fn unpack(&self) -> Vec<i16> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut w = vec![0i16; (1 << POS_BITS) * NT];
        let mut rows = self.rows.chunks(NT);
        for (block, &(bits, _)) in self.dir.iter().enumerate() {
            for i in 0..64 {
                if bits & (1 << i) != 0 {
                    let at = (block * 64 + i) * NT;
                    if let (Some(row), Some(dst)) = (rows.next(), w.get_mut(at..at + NT)) {
                        dst.copy_from_slice(row);
                    }
                }
            }
        }
        w
    }

    /// Sums of the rows of features `f` (integers, exact in f32).
    fn scores(&self, f: &[u64], sc: &mut [f32; NT]) {
        let mask = (1usize << POS_BITS) - 1;
        let mut acc = [0i32; NT];
        for &h in f {
            let r = h as usize & mask;
            let Some(&(bits, before)) = self.dir.get(r / 64) else { continue };
            let bit = 1u64 << (r % 64);
            if bits & bit == 0 {
                continue;
            }
            let at = (before + (bits & (bit - 1)).count_ones()) as usize * NT;
            if let Some(row) = self.rows.get(at..at + NT) {
                for (s, &x) in acc.iter_mut().zip(row) {
                    *s += i32::from(x);
                }
            }
        }
        for (s, a) in sc.iter_mut().zip(acc) {
            *s = a as f32;
        }
    }
}

fn class_of(c: &[u32; NT]) -> (u32, u8) {
    let mut m = 0u32;
    let mut top = 0usize;
    for (t, &n) in c.iter().enumerate() {
        if n > 0 {
            m |= 1 << t;
        }
        if n > c[top] {
            top = t;
        }
    }
    if m == 0 {
        (0, NT as u8)
    } else {
        (m, top as u8)
    }
}

const BOS: &str = "<s>";
const EOS: &str = "</s>";

/// Per-word hashes computed once per sentence.
#[derive(Clone, Copy)]
pub struct WH {
    k: u64,
    sfx: [u64; 5],
    pfx: [u64; 4],
    tok: u64,
    role: u64,
    inlex: u64,
    shape: u64,
    len: u64,
    c1: u64,
    c2: u64,
    /// hashes of inner character trigrams (used for unknown words), `ntri` of them
    tri: [u64; 10],
    ntri: u8,
}

impl WH {
    fn boundary(k: &str) -> WH {
        let h = H::new(0).s(k).fin();
        WH { k: h, sfx: [h; 5], pfx: [h; 4], tok: h, role: 9, inlex: 2, shape: 9, len: 0, c1: 70000, c2: 70000, tri: [0; 10], ntri: 0 }
    }
}

/// Hash the words of a sentence once.
pub fn word_hashes(ws: &[WCtx], toks: &[String], lex: &Bloom, cl: &HashMap<String, (u16, u16)>) -> Vec<WH> {
    word_hashes_with(ws, toks, lex, |k, _| if cl.is_empty() { None } else { cl.get(k).copied() })
}

/// [`word_hashes`] with the word classes from `classes(word key, WH key hash)`.
fn word_hashes_with(ws: &[WCtx], toks: &[String], lex: &Bloom, mut classes: impl FnMut(&str, u64) -> Option<(u16, u16)>) -> Vec<WH> {
    ws.iter()
        .map(|w| {
            let k = w.k.as_str();
            let kh = H::new(0).s(k).fin();
            let c = classes(k, kh);
            let mut tri = [0u64; 10];
            let mut ntri = 0u8;
            // char boundaries: the trigrams read at most the first 13 of them
            let mut offs = [0usize; 13];
            let mut nc = 0;
            for (i, _) in k.char_indices() {
                if nc < offs.len() {
                    offs[nc] = i;
                }
                nc += 1;
            }
            if nc < offs.len() {
                offs[nc] = k.len();
            }
            let mut j = 0;
            while j + 3 <= nc && (ntri as usize) < tri.len() {
                tri[ntri as usize] = H::new(6).s(&k[offs[j]..offs[j + 3]]).fin();
                ntri += 1;
                j += 1;
            }
            let mut sfx = [0; 5];
            for (n, x) in sfx.iter_mut().enumerate() {
                *x = H::new(1).s(suffix(k, n + 1)).fin();
            }
            let mut pfx = [0; 4];
            for (n, x) in pfx.iter_mut().enumerate() {
                *x = H::new(2).s(prefix(k, n + 1)).fin();
            }
            WH {
                k: kh,
                sfx,
                pfx,
                tok: H::new(3).s(toks.get(w.tok).map_or("", String::as_str)).fin(),
                role: u64::from(w.role),
                inlex: u64::from(lex.contains(k)),
                shape: u64::from(shape(k)),
                len: nc.min(10) as u64,
                c1: c.map_or(65535, |c| u64::from(c.0)),
                c2: c.map_or(65535, |c| u64::from(c.1)),
                tri,
                ntri,
            }
        })
        .collect()
}

/// Debug switch for experiments.
pub static NO_CLUSTERS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn feats(hs: &[WH], amb: &[(u32, u8)], right: Option<&[u8]>, i: usize, t1: u8, t2: u8, out: &mut Vec<u64>) {
    static BOS_H: std::sync::LazyLock<WH> = std::sync::LazyLock::new(|| WH::boundary(BOS));
    static EOS_H: std::sync::LazyLock<WH> = std::sync::LazyLock::new(|| WH::boundary(EOS));
    out.clear();
    let w = &hs[i];
    let p1 = if i > 0 { &hs[i - 1] } else { &*BOS_H };
    let p2 = if i > 1 { &hs[i - 2] } else { &*BOS_H };
    let n1 = hs.get(i + 1).unwrap_or(&*EOS_H);
    let n2 = hs.get(i + 2).unwrap_or(&*EOS_H);
    let (t1, t2) = (u64::from(t1), u64::from(t2));
    let k = w.k;
    let role = w.role;
    out.push(H::new(40).fin());
    out.push(H::new(41).u(k).fin());
    for n in 0..4 {
        out.push(H::new(42 + n as u32).u(w.sfx[n]).fin());
    }
    for n in 0..3 {
        out.push(H::new(46 + n as u32).u(w.pfx[n]).fin());
    }
    out.push(H::new(49).u(role).fin());
    out.push(H::new(50).u(role).u(k).fin());
    if role != 0 {
        out.push(H::new(51).u(w.tok).u(role).fin());
    }
    out.push(H::new(53).u(p1.k).fin());
    out.push(H::new(54).u(p2.k).fin());
    out.push(H::new(55).u(n1.k).fin());
    out.push(H::new(56).u(n2.k).fin());
    out.push(H::new(57).u(t1).fin());
    out.push(H::new(58).u(t1).u(t2).fin());
    out.push(H::new(59).u(t1).u(k).fin());
    out.push(H::new(60).u(w.shape).fin());
    out.push(H::new(61).u(w.len).fin());
    out.push(H::new(62).u(p1.sfx[1]).fin());
    out.push(H::new(63).u(n1.sfx[1]).fin());
    out.push(H::new(64).u(n1.pfx[1]).fin());
    out.push(H::new(65).u(k).u(n1.k).fin());
    out.push(H::new(66).u(p1.k).u(k).fin());
    out.push(H::new(67).u(n1.role).u(role).fin());
    out.push(H::new(68).u(t1).u(w.sfx[1]).fin());
    out.push(H::new(69).u(w.pfx[1]).u(w.sfx[1]).fin());
    out.push(H::new(70).u(t1).u(n1.k).fin());
    let inlex = w.inlex;
    out.push(H::new(71).u(inlex).fin());
    out.push(H::new(72).u(inlex).u(w.sfx[1]).fin());
    out.push(H::new(73).u(inlex).u(w.pfx[1]).u(role).fin());
    out.push(H::new(74).u(k).u(n1.pfx[0]).fin());
    out.push(H::new(75).u(w.sfx[4]).fin());
    out.push(H::new(76).u(w.pfx[3]).fin());
    out.push(H::new(77).u(t1).u(t2).u(w.sfx[0]).fin());
    out.push(H::new(78).u(p1.sfx[0]).u(w.sfx[1]).fin());
    out.push(H::new(79).u(inlex).u(n1.inlex).u(t1).fin());
    out.push(H::new(80).u(p1.pfx[1]).u(w.pfx[1]).u(t1).fin());
    out.push(H::new(81).u(w.pfx[1]).u(n1.pfx[1]).u(w.sfx[0]).u(n1.sfx[0]).fin());
    out.push(H::new(82).u(w.sfx[2]).u(t1).fin());
    out.push(H::new(83).u(w.sfx[1]).u(n1.k).fin());
    let (m, top) = amb[i];
    let nm = amb.get(i + 1).map_or(1 << 20, |x| x.0);
    out.push(H::new(84).u(u64::from(m)).fin());
    out.push(H::new(85).u(u64::from(m)).u(u64::from(top)).fin());
    out.push(H::new(86).u(u64::from(m)).u(t1).fin());
    out.push(H::new(87).u(u64::from(nm)).fin());
    out.push(H::new(88).u(u64::from(m)).u(u64::from(nm)).fin());
    if m == 0 {
        out.push(H::new(89).u(w.sfx[1]).u(role).fin());
        for &t in &w.tri[..usize::from(w.ntri)] {
            out.push(H::new(110).u(t).fin());
        }
    }
    if w.c1 != 70000 && !NO_CLUSTERS.load(std::sync::atomic::Ordering::Relaxed) {
        out.push(H::new(100).u(w.c2).fin());
        out.push(H::new(101).u(w.c1).u(w.sfx[1]).fin());
        out.push(H::new(102).u(w.c2).u(t1).fin());
        out.push(H::new(103).u(n1.c1).fin());
        out.push(H::new(104).u(p1.c1).u(w.c1).fin());
        out.push(H::new(105).u(w.c2).u(role).fin());
        out.push(H::new(106).u(n1.c2).u(w.c1).fin());
    }
    if let Some(r) = right {
        let r0 = u64::from(r[i]);
        let r1 = r.get(i + 1).map_or(99, |&x| u64::from(x));
        let r2 = r.get(i + 2).map_or(99, |&x| u64::from(x));
        out.push(H::new(90).u(r1).fin());
        out.push(H::new(91).u(r1).u(r2).fin());
        out.push(H::new(92).u(r0).fin());
        out.push(H::new(93).u(r1).u(w.sfx[1]).fin());
        out.push(H::new(94).u(t1).u(r1).fin());
        out.push(H::new(95).u(r0).u(r1).u(k).fin());
    }
}

fn scores<T: Copy + Into<f32>>(w: &[T], f: &[u64], sc: &mut [f32; NT]) {
    let mask = (1usize << POS_BITS) - 1;
    *sc = [0.0; NT];
    for &h in f {
        let row = (h as usize & mask) * NT;
        for (s, &x) in sc.iter_mut().zip(&w[row..row + NT]) {
            *s += x.into();
        }
    }
}

/// Greedy decoding with one weight vector.
fn decode<T: Copy + Into<f32>>(w: &[T], hs: &[WH], amb: &[(u32, u8)], right: Option<&[u8]>) -> Vec<u8> {
    decode_with(hs, amb, right, |f, sc| scores(w, f, sc))
}

/// Greedy decoding, left to right, with `score` summing the weights of a word's features.
fn decode_with(hs: &[WH], amb: &[(u32, u8)], right: Option<&[u8]>, score: impl Fn(&[u64], &mut [f32; NT])) -> Vec<u8> {
    let mut out = Vec::with_capacity(hs.len());
    let mut f = Vec::with_capacity(64);
    let mut sc = [0f32; NT];
    let (mut t1, mut t2) = (NT as u8, NT as u8);
    for i in 0..hs.len() {
        feats(hs, amb, right, i, t1, t2, &mut f);
        score(&f, &mut sc);
        let best = argmax(&sc) as u8;
        out.push(best);
        t2 = t1;
        t1 = best;
    }
    out
}

impl Tagger {
    pub fn empty() -> Tagger {
        Tagger::new(vec![0; (1 << POS_BITS) * NT], 1.0, Vec::new(), 1.0, HashMap::default(), HashMap::default())
    }

    /// A tagger from its weights (quantised, with their scales), word dictionary and classes.
    pub fn new(
        w: Vec<i16>,
        s: f32,
        w2: Vec<i16>,
        s2: f32,
        dict: HashMap<String, (u32, u8)>,
        clusters: HashMap<String, (u16, u16)>,
    ) -> Tagger {
        let (packed, packed2) = (Packed::new(&w), Packed::new(&w2));
        let mut words = StrMap::with_capacity(dict.len().max(clusters.len()));
        for k in dict.keys().chain(clusters.keys()) {
            let amb = dict.get(k).copied().unwrap_or((0, NT as u8));
            words.insert_key(H::new(0).s(k).fin(), (amb, clusters.get(k).copied()));
        }
        Tagger { s, s2, dict, clusters, words, packed, packed2 }
    }

    /// Tag words; `toks` are the clean surface tokens.
    pub fn tag(&self, ws: &[WCtx], toks: &[String], lex: &Bloom) -> Vec<Upos> {
        let mut amb: Vec<(u32, u8)> = Vec::with_capacity(ws.len());
        let hs = word_hashes_with(ws, toks, lex, |_, kh| {
            let e = self.words.get_key(kh);
            amb.push(e.map_or((0, NT as u8), |e| e.0));
            e.and_then(|e| e.1)
        });
        let mut t = decode_with(&hs, &amb, None, |f, sc| self.packed.scores(f, sc));
        if !self.packed2.is_empty() {
            t = decode_with(&hs, &amb, Some(&t), |f, sc| self.packed2.scores(f, sc));
        }
        t.into_iter().map(|x| Upos::ALL[usize::from(x).min(NT - 1)]).collect()
    }

    pub fn write(&self, w: &mut W) {
        w.weights_q(&self.packed.unpack(), self.s);
        w.weights_q(&self.packed2.unpack(), self.s2);
        let mut d: Vec<_> = self.dict.iter().collect();
        d.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(d.len() as u32);
        for (k, (m, t)) in d {
            w.str(k);
            w.u32(*m);
            w.u32(u32::from(*t));
        }
        let mut c: Vec<_> = self.clusters.iter().collect();
        c.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(c.len() as u32);
        for (k, (a, b)) in c {
            w.str(k);
            w.u32(u32::from(*a) << 16 | u32::from(*b));
        }
    }
    pub fn read(r: &mut R) -> Result<Tagger> {
        let (w, s) = r.weights_q()?;
        let (w2, s2) = r.weights_q()?;
        if w.len() != (1 << POS_BITS) * NT || !(w2.is_empty() || w2.len() == w.len()) {
            return Err(crate::Error::Model("bad tagger weights".into()));
        }
        let n = r.len()?;
        let mut dict = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            let m = r.u32()?;
            let t = r.u32()?.min(NT as u32) as u8;
            dict.insert(k, (m, t));
        }
        let n = r.len()?;
        let mut clusters = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            let x = r.u32()?;
            clusters.insert(k, ((x >> 16) as u16, (x & 0xffff) as u16));
        }
        Ok(Tagger::new(w, s, w2, s2, dict, clusters))
    }
}

fn argmax(sc: &[f32]) -> usize {
    let mut b = 0;
    for i in 1..sc.len() {
        if sc[i] > sc[b] {
            b = i;
        }
    }
    b
}

/// Gold word contexts, gold tags and clean tokens of a sentence.
pub fn gold_contexts(s: &Sentence) -> (Vec<WCtx>, Vec<Upos>, Vec<String>) {
    let seg: Vec<(Vec<String>, usize)> = s
        .tokens
        .iter()
        .map(|t| {
            let ws: Vec<String> = t.words.iter().map(|w| w.form.clone()).collect();
            let si = stem_index(&ws);
            (ws, si)
        })
        .collect();
    let toks = s.tokens.iter().map(|t| strip_marks(&t.surface)).collect();
    let tags = s.tokens.iter().flat_map(|t| t.words.iter().map(|w| w.upos)).collect();
    (contexts(&seg), tags, toks)
}

/// Train the tagger on gold segmentation.
pub fn train_pos(
    sents: &[Sentence],
    lex: &Bloom,
    clusters: HashMap<String, (u16, u16)>,
    epochs: usize,
    two_pass: bool,
    log: &dyn Fn(&str),
) -> Tagger {
    let data: Vec<_> = sents.iter().map(gold_contexts).collect();
    const F: usize = crate::seg::FOLDS;
    let mut counts: HashMap<String, Vec<[u32; NT]>> = HashMap::default();
    for (si, (ws, gold, _)) in data.iter().enumerate() {
        for (w, g) in ws.iter().zip(gold) {
            let e = counts.entry(w.k.clone()).or_insert_with(|| vec![[0; NT]; F + 1]);
            e[0][g.index()] += 1;
            e[si % F + 1][g.index()] += 1;
        }
    }
    let ambs: Vec<Vec<(u32, u8)>> = data
        .iter()
        .enumerate()
        .map(|(si, (ws, _, _))| {
            ws.iter()
                .map(|w| {
                    let e = &counts[&w.k];
                    let mut c = e[0];
                    for (x, y) in c.iter_mut().zip(&e[si % F + 1]) {
                        *x -= y;
                    }
                    class_of(&c)
                })
                .collect()
        })
        .collect();
    let dict: HashMap<String, (u32, u8)> = counts.iter().map(|(k, v)| (k.clone(), class_of(&v[0]))).collect();
    type Data = (Vec<WCtx>, Vec<Upos>, Vec<String>);
    let hss: Vec<Vec<WH>> = data.iter().map(|(ws, _, toks)| word_hashes(ws, toks, lex, &clusters)).collect();
    let fit = |idx: &[usize], right: Option<&Vec<Vec<u8>>>, name: &str| -> Vec<f32> {
        let mask = (1usize << POS_BITS) - 1;
        let mut avg = Avg::new((1 << POS_BITS) * NT);
        let mut order: Vec<usize> = idx.to_vec();
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut f = Vec::with_capacity(64);
        let mut sc = [0f32; NT];
        for ep in 0..epochs {
            shuffle(&mut order, &mut rng);
            let (mut err, mut n) = (0usize, 0usize);
            for &si in &order {
                let (ws, gold, _): &Data = &data[si];
                let hs = &hss[si];
                let amb = &ambs[si];
                let r = right.map(|r| r[si].as_slice());
                let (mut t1, mut t2) = (NT as u8, NT as u8);
                #[allow(clippy::needless_range_loop)]
                for i in 0..ws.len() {
                    feats(hs, amb, r, i, t1, t2, &mut f);
                    scores(&avg.w, &f, &mut sc);
                    let p = argmax(&sc);
                    let g = gold[i].index();
                    if p != g {
                        err += 1;
                        for &h in &f {
                            let row = (h as usize & mask) * NT;
                            avg.upd(row + g, 1.0);
                            avg.upd(row + p, -1.0);
                        }
                    }
                    avg.tick();
                    n += 1;
                    t2 = t1;
                    t1 = p as u8;
                }
            }
            if ep + 1 == epochs {
                log(&format!("tagger {name}: epoch {} train accuracy {:.2}%", ep + 1, 100.0 * (n - err) as f64 / n.max(1) as f64));
            }
        }
        avg.averaged()
    };
    let all: Vec<usize> = (0..data.len()).collect();
    let w = fit(&all, None, "pass 1");
    if !two_pass {
        let (w, s) = quantise(&w);
        return Tagger::new(w, s, Vec::new(), 1.0, dict, clusters);
    }
    // jackknifed first-pass tags for training the second pass
    let mut right: Vec<Vec<u8>> = vec![Vec::new(); data.len()];
    for k in 0..F {
        let idx: Vec<usize> = all.iter().copied().filter(|i| i % F != k).collect();
        let wk = fit(&idx, None, &format!("pass 1, fold {}", k + 1));
        for si in all.iter().copied().filter(|i| i % F == k) {
            let (ws, _, toks) = &data[si];
            let _ = (ws, toks);
            right[si] = decode(&wk, &hss[si], &ambs[si], None);
        }
    }
    let w2 = fit(&all, Some(&right), "pass 2");
    let (w, s) = quantise(&w);
    let (w2, s2) = quantise(&w2);
    Tagger::new(w, s, w2, s2, dict, clusters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_table_unpacks_to_the_same_weights() {
        let mut w = vec![0i16; (1 << POS_BITS) * NT];
        for r in [0usize, 1, 63, 64, 65, 4095, (1 << POS_BITS) - 1] {
            w[r * NT + r % NT] = (r % 1000) as i16 - 500;
            w[r * NT + NT - 1] = 7;
        }
        let p = Packed::new(&w);
        assert_eq!(p.rows.len(), 7 * NT);
        assert!(p.unpack() == w);
        assert!(Packed::new(&[]).unpack().is_empty());
    }
}
