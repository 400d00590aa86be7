//! Clitic segmentation: candidate analyses from mined patterns + memory, ranked by an averaged perceptron.

use crate::conllu::Sentence;
use crate::norm::{bucket, key, prefix, strip_marks, suffix};
use crate::util::{quantise, Avg, Bloom, HashMap, StrMap, H, R, W};
use crate::Result;

/// Number of jackknife folds used for memory/vocabulary features at training time.
pub const FOLDS: usize = 5;
/// Per-key counts: index 0 is the total, index k+1 the share of fold k.
pub type Counts = [u32; FOLDS + 1];

#[inline]
fn get(c: &Counts, fold: Option<usize>) -> u32 {
    match fold {
        None => c[0],
        Some(k) => c[0] - c[k + 1],
    }
}

fn bump(m: &mut HashMap<String, Counts>, k: &str, fold: usize) {
    let e = m.entry(k.to_string()).or_insert([0; FOLDS + 1]);
    e[0] += 1;
    e[fold + 1] += 1;
}

/// Proclitic word forms that can precede the stem word.
pub const PREFIXES: &[&str] = &["و", "ف", "ب", "ل", "ك", "س"];

/// Index of the stem word among a token's words: the first word that is not a proclitic.
pub fn stem_index(words: &[String]) -> usize {
    let mut si = 0;
    let is_prefix = |w: &str| PREFIXES.contains(&w) || (w.chars().any(crate::norm::is_mark) && PREFIXES.contains(&strip_marks(w).as_str()));
    while si + 1 < words.len() && is_prefix(&words[si]) {
        si += 1;
    }
    si
}

/// A segmentation pattern mined from training pairs (surface token -> words).
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Pattern {
    pub p_surf: String,
    pub pw: Vec<String>,
    pub s_surf: String,
    pub sw: Vec<String>,
    pub front_add: String,
    pub front_cond: String,
    pub back_strip: String,
    pub back_add: String,
}

/// Mine the pattern of one multi-word token; `None` when it does not fit the prefix+stem+suffix scheme.
pub fn mine(surface: &str, words: &[String]) -> Option<Pattern> {
    if words.len() < 2 {
        return None;
    }
    let sc: Vec<char> = surface.chars().collect();
    let skey: Vec<char> = key(surface).chars().collect();
    if sc.len() != skey.len() {
        return None;
    }
    let si = stem_index(words);
    let mut pos = 0;
    for w in &words[..si] {
        let wk: Vec<char> = key(w).chars().collect();
        if skey.len() < pos + wk.len() || skey[pos..pos + wk.len()] != wk[..] {
            return None;
        }
        pos += wk.len();
    }
    let sw: Vec<String> = words[si + 1..].to_vec();
    let swk: Vec<char> = sw.iter().map(|w| key(w)).collect::<String>().chars().collect();
    if skey.len() < pos + swk.len() + 1 {
        return None;
    }
    let end = skey.len() - swk.len();
    if skey[end..] != swk[..] {
        return None;
    }
    let stem_k = &skey[pos..end];
    let form_k: Vec<char> = key(&words[si]).chars().collect();
    let mut best: Option<(usize, &str, usize)> = None; // cost, front_add, lcp
    for fa in ["", "ا"] {
        let f: &[char] = if fa.is_empty() {
            &form_k
        } else if form_k.first() == Some(&'ا') {
            &form_k[1..]
        } else {
            continue;
        };
        let lcp = stem_k.iter().zip(f).take_while(|(a, b)| a == b).count();
        let strip = stem_k.len() - lcp;
        let add = f.len() - lcp;
        if strip > 2 || add > 2 || lcp == 0 {
            continue;
        }
        let cost = strip + add + fa.chars().count();
        if best.is_none_or(|b| cost < b.0) {
            best = Some((cost, fa, lcp));
        }
    }
    let (_, fa, lcp) = best?;
    let f: &[char] = if fa.is_empty() { &form_k } else { &form_k[1..] };
    Some(Pattern {
        p_surf: sc[..pos].iter().collect(),
        pw: words[..si].to_vec(),
        s_surf: sc[end..].iter().collect(),
        sw,
        front_add: fa.to_string(),
        front_cond: if fa.is_empty() { String::new() } else { sc[pos].to_string() },
        back_strip: sc[pos + lcp..end].iter().collect(),
        back_add: f[lcp..].iter().collect(),
    })
}

/// One candidate analysis of a token.
#[derive(Clone, Debug)]
pub struct Cand {
    pub words: Vec<String>,
    pub pid: u32,
    pub stem: usize,
    pub restored: u8,
    pub mem: u32,
}

const MEM: u32 = u32::MAX;
const SEG_BITS: u32 = 20;

/// The segmentation model.
pub struct Seg {
    pub patterns: Vec<Pattern>,
    index: HashMap<u64, Vec<u32>>,
    pub memory: HashMap<String, Vec<(Vec<String>, Counts)>>,
    pub words: HashMap<String, Counts>,
    pub toks: HashMap<String, Counts>,
    /// restoration of stem forms seen in training: key -> forms, best first
    pub restore: HashMap<String, Vec<String>>,
    /// restoration known only from the lexicon: key -> form
    pub restore_lex: HashMap<String, String>,
    pub lex: Bloom,
    pub w: Vec<i16>,
    pub scale: f32,
    /// `words` and `toks` totals keyed by hash, for segmenting (filled when a model is read;
    /// a model trained in this process looks its strings up in the maps above, with the same
    /// results; see [`StrMap`])
    words_h: StrMap<u32>,
    toks_h: StrMap<u32>,
}

fn idx_key(p: &str, s: &str) -> u64 {
    H::new(5).s(p).s(s).fin()
}

impl Seg {
    fn build_index(&mut self) {
        self.index.clear();
        for (i, p) in self.patterns.iter().enumerate().skip(1) {
            self.index.entry(idx_key(&p.p_surf, &p.s_surf)).or_default().push(i as u32);
        }
    }

    /// Empty model: never splits.
    pub fn empty() -> Seg {
        Seg {
            patterns: vec![none_pattern()],
            index: HashMap::default(),
            memory: HashMap::default(),
            words: HashMap::default(),
            toks: HashMap::default(),
            restore: HashMap::default(),
            restore_lex: HashMap::default(),
            lex: Bloom { bits: Vec::new() },
            w: vec![0; 1 << SEG_BITS],
            scale: 1.0,
            words_h: StrMap::default(),
            toks_h: StrMap::default(),
        }
    }

    /// Candidate analyses of a clean surface token.
    pub fn candidates(&self, s: &str, fold: Option<usize>) -> Vec<Cand> {
        let mut v = vec![Cand { words: vec![s.to_string()], pid: 0, stem: 0, restored: 0, mem: 0 }];
        if let Some(m) = self.memory.get(s) {
            for (ws, c) in m {
                let c = get(c, fold);
                if c == 0 {
                    continue;
                }
                if let Some(x) = v.iter_mut().find(|x| &x.words == ws) {
                    x.mem = c;
                } else {
                    v.push(Cand { words: ws.clone(), pid: MEM, stem: stem_index(ws), restored: 0, mem: c });
                }
            }
        }
        let sc: Vec<char> = s.chars().collect();
        let n = sc.len();
        if n < 2 {
            return v;
        }
        // byte offset of each char boundary
        let offs: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect();
        for pl in 0..=3.min(n - 1) {
            let pbuf = &s[..offs[pl]];
            for sl in 0..=4.min(n - 1 - pl) {
                if pl + sl == 0 {
                    continue;
                }
                let sfx = &s[offs[n - sl]..];
                let Some(ids) = self.index.get(&idx_key(pbuf, sfx)) else {
                    continue;
                };
                let stem = &sc[pl..n - sl];
                for &pid in ids {
                    let p = &self.patterns[pid as usize];
                    if p.p_surf != pbuf || p.s_surf != sfx {
                        continue;
                    }
                    let bs: Vec<char> = p.back_strip.chars().collect();
                    if stem.len() <= bs.len() || stem[stem.len() - bs.len()..] != bs[..] {
                        continue;
                    }
                    if !p.front_cond.is_empty() && !p.front_cond.starts_with(stem[0]) {
                        continue;
                    }
                    let mut form = p.front_add.clone();
                    form.extend(&stem[..stem.len() - bs.len()]);
                    form.push_str(&p.back_add);
                    let alts = self.restorations(form);
                    for (f, r) in alts {
                        let mut words = p.pw.clone();
                        words.push(f);
                        words.extend(p.sw.iter().cloned());
                        if let Some(x) = v.iter_mut().find(|x| x.words == words) {
                            if x.pid == MEM {
                                x.pid = pid;
                                x.restored = r;
                            }
                        } else {
                            v.push(Cand { words, pid, stem: p.pw.len(), restored: r, mem: 0 });
                        }
                    }
                }
            }
        }
        v
    }

    /// PADT spelling candidates of a stem form (hamza, superscript alef...), with a source code.
    fn restorations(&self, form: String) -> Vec<(String, u8)> {
        let k = key(&form);
        if let Some(r) = self.restore.get(&k) {
            if !r.is_empty() {
                return r.iter().take(2).enumerate().map(|(i, f)| (f.clone(), i as u8 + 1)).collect();
            }
        }
        if let Some(rest) = form.strip_prefix("ال") {
            if rest.chars().count() >= 2 {
                let rk = key(rest);
                if let Some(f) = self.restore.get(&rk).and_then(|r| r.first()).or_else(|| self.restore_lex.get(&rk)) {
                    return vec![(format!("ال{f}"), 3)];
                }
                return vec![(form, 0)];
            }
        }
        if let Some(f) = self.restore_lex.get(&k) {
            return vec![(f.clone(), 4)];
        }
        vec![(form, 0)]
    }

    #[allow(clippy::too_many_arguments)]
    fn feats(&self, s: &str, prev: &str, next: &str, c: &Cand, mem_total: u32, fold: Option<usize>, out: &mut Vec<u64>) {
        out.clear();
        let sig = if c.pid == MEM {
            let mut h = H::new(1);
            for w in &c.words {
                h = h.s(w);
            }
            h.fin()
        } else {
            H::new(2).u(u64::from(c.pid)).fin()
        };
        let mut wh = H::new(3);
        for w in &c.words {
            wh = wh.s(w);
        }
        let wsig = wh.fin();
        let sk = key(&c.words[c.stem.min(c.words.len() - 1)]);
        let split = u64::from(c.words.len() > 1);
        out.push(H::new(10).u(sig).fin());
        out.push(H::new(11).u(sig).s(s).fin());
        out.push(H::new(12).u(sig).s(&sk).fin());
        for k in 1..=3u32 {
            out.push(H::new(13 + k).u(sig).s(suffix(&sk, k as usize)).fin());
        }
        for k in 1..=2u32 {
            out.push(H::new(17 + k).u(sig).s(prefix(&sk, k as usize)).fin());
        }
        out.push(H::new(20).u(sig).u(sk.chars().count().min(8) as u64).fin());
        let wc = self.word_count(&sk, fold);
        let inlex = u64::from(self.lex.contains(&sk));
        out.push(H::new(21).u(sig).u(bucket(wc)).fin());
        out.push(H::new(22).u(sig).u(inlex).fin());
        out.push(H::new(23).u(sig).u(inlex).u(bucket(wc)).fin());
        let tc = match fold {
            None if !self.toks_h.is_empty() => self.toks_h.get(s).copied().unwrap_or(0),
            _ => self.toks.get(s).map_or(0, |c| get(c, fold)),
        };
        out.push(H::new(24).u(sig).u(bucket(tc)).fin());
        let frac = (c.mem * 4).checked_div(mem_total).map_or(9, u64::from);
        out.push(H::new(25).u(sig).u(bucket(c.mem)).u(frac).fin());
        out.push(H::new(26).u(split).u(bucket(c.mem)).u(frac).fin());
        out.push(H::new(27).u(sig).s(prev).fin());
        out.push(H::new(28).u(sig).s(next).fin());
        out.push(H::new(29).u(sig).s(suffix(prev, 2)).fin());
        out.push(H::new(30).u(wsig).fin());
        out.push(H::new(31).u(wsig).s(prev).fin());
        out.push(H::new(32).u(wsig).s(next).fin());
        out.push(H::new(33).u(sig).u(u64::from(c.restored)).fin());
        let tk = key(s);
        out.push(H::new(34).u(sig).u(u64::from(self.lex.contains(&tk))).fin());
        out.push(H::new(35).u(sig).u(bucket(self.word_count(&tk, fold))).fin());
        out.push(H::new(36).u(split).u(inlex).u(bucket(wc)).fin());
    }

    /// Training count of a word key (without fold `fold`).
    fn word_count(&self, k: &str, fold: Option<usize>) -> u32 {
        match fold {
            None if !self.words_h.is_empty() => self.words_h.get(k).copied().unwrap_or(0),
            _ => self.words.get(k).map_or(0, |c| get(c, fold)),
        }
    }

    fn score(&self, f: &[u64]) -> i32 {
        let mask = (1usize << SEG_BITS) - 1;
        f.iter().map(|&h| i32::from(self.w[h as usize & mask])).sum()
    }

    /// Segment one clean token given clean neighbours; returns (words, stem index), or `None`
    /// when the token is one word.
    pub fn segment(&self, s: &str, prev: &str, next: &str) -> Option<(Vec<String>, usize)> {
        if s.is_empty() {
            return None;
        }
        if let Some(m) = self.memory.get(s) {
            if m.len() == 1 && m[0].1[0] >= 3 {
                return (m[0].0.len() > 1).then(|| (m[0].0.clone(), stem_index(&m[0].0)));
            }
        }
        let cands = self.candidates(s, None);
        if cands.len() == 1 {
            return None;
        }
        let mem_total: u32 = cands.iter().map(|c| c.mem).sum();
        let mut f = Vec::with_capacity(40);
        let mut best = 0;
        let mut bs = i32::MIN;
        for (i, c) in cands.iter().enumerate() {
            self.feats(s, prev, next, c, mem_total, None, &mut f);
            let sc = self.score(&f);
            if sc > bs {
                bs = sc;
                best = i;
            }
        }
        let c = cands.into_iter().nth(best)?;
        if c.words.len() < 2 {
            return None;
        }
        let stem = c.stem.min(c.words.len() - 1);
        Some((c.words, stem))
    }

    pub fn write(&self, w: &mut W) {
        w.u32(self.patterns.len() as u32);
        for p in &self.patterns {
            w.str(&p.p_surf);
            w.strs(&p.pw);
            w.str(&p.s_surf);
            w.strs(&p.sw);
            w.str(&p.front_add);
            w.str(&p.front_cond);
            w.str(&p.back_strip);
            w.str(&p.back_add);
        }
        let mut mem: Vec<_> = self.memory.iter().collect();
        mem.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(mem.len() as u32);
        for (k, v) in mem {
            w.str(k);
            w.u32(v.len() as u32);
            for (ws, c) in v {
                w.strs(ws);
                w.u32(c[0]);
            }
        }
        for m in [&self.words, &self.toks] {
            let mut v: Vec<_> = m.iter().collect();
            v.sort_by(|a, b| a.0.cmp(b.0));
            w.u32(v.len() as u32);
            for (k, c) in v {
                w.str(k);
                w.u32(c[0]);
            }
        }
        let mut r: Vec<_> = self.restore.iter().collect();
        r.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(r.len() as u32);
        for (k, v) in r {
            w.str(k);
            w.strs(v);
        }
        let mut r: Vec<_> = self.restore_lex.iter().collect();
        r.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(r.len() as u32);
        for (k, v) in r {
            w.str(k);
            w.str(v);
        }
        w.u32(self.lex.bits.len() as u32);
        for &b in &self.lex.bits {
            w.u64(b);
        }
        w.weights_q(&self.w, self.scale);
    }

    pub fn read(r: &mut R) -> Result<Seg> {
        let n = r.len()?;
        let mut patterns = Vec::with_capacity(n);
        for _ in 0..n {
            patterns.push(Pattern {
                p_surf: r.str()?,
                pw: r.strs()?,
                s_surf: r.str()?,
                sw: r.strs()?,
                front_add: r.str()?,
                front_cond: r.str()?,
                back_strip: r.str()?,
                back_add: r.str()?,
            });
        }
        let full = |c: u32| {
            let mut a = [0; FOLDS + 1];
            a[0] = c;
            a
        };
        let n = r.len()?;
        let mut memory = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            let m = r.len()?;
            let mut v = Vec::with_capacity(m);
            for _ in 0..m {
                let ws = r.strs()?;
                if ws.is_empty() {
                    return Err(crate::Error::Model("empty analysis".into()));
                }
                v.push((ws, full(r.u32()?)));
            }
            memory.insert(k, v);
        }
        let mut maps = Vec::new();
        for _ in 0..2 {
            let n = r.len()?;
            let mut m = HashMap::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                let k = r.str()?;
                m.insert(k, full(r.u32()?));
            }
            maps.push(m);
        }
        let toks = maps.pop().unwrap_or_default();
        let words = maps.pop().unwrap_or_default();
        let n = r.len()?;
        let mut restore = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            restore.insert(k, r.strs()?);
        }
        let n = r.len()?;
        let mut restore_lex = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            restore_lex.insert(k, r.str()?);
        }
        let n = r.len()?;
        let mut bits = Vec::with_capacity(n);
        for _ in 0..n {
            bits.push(r.u64()?);
        }
        if !bits.is_empty() && bits.len() != Bloom::BITS / 64 {
            return Err(crate::Error::Model("bad lexicon filter size".into()));
        }
        let (w, scale) = r.weights_q()?;
        if w.len() != 1 << SEG_BITS || patterns.is_empty() {
            return Err(crate::Error::Model("bad segmenter weights".into()));
        }
        let words_h = words.iter().map(|(k, c)| (k.as_str(), c[0])).collect();
        let toks_h = toks.iter().map(|(k, c)| (k.as_str(), c[0])).collect();
        let mut s = Seg {
            patterns,
            index: HashMap::default(),
            memory,
            words,
            toks,
            restore,
            restore_lex,
            lex: Bloom { bits },
            w,
            scale,
            words_h,
            toks_h,
        };
        s.build_index();
        Ok(s)
    }
}

fn none_pattern() -> Pattern {
    Pattern {
        p_surf: String::new(),
        pw: vec![],
        s_surf: String::new(),
        sw: vec![],
        front_add: String::new(),
        front_cond: String::new(),
        back_strip: String::new(),
        back_add: String::new(),
    }
}

/// Train the segmenter.
pub fn train_seg(sents: &[Sentence], lex: Bloom, lex_words: &[String], epochs: usize, log: &dyn Fn(&str)) -> Seg {
    let mut seg = Seg::empty();
    seg.lex = lex;
    let mut pat_counts: HashMap<Pattern, u32> = HashMap::default();
    let mut mem: HashMap<String, HashMap<Vec<String>, Counts>> = HashMap::default();
    // restoration scores: key -> form -> score
    let mut rest: HashMap<String, HashMap<String, u64>> = HashMap::default();
    for (i, s) in sents.iter().enumerate() {
        let fold = i % FOLDS;
        for t in &s.tokens {
            let surf = strip_marks(&t.surface);
            let ws: Vec<String> = t.words.iter().map(|w| w.form.clone()).collect();
            let e = mem.entry(surf.clone()).or_default().entry(ws.clone()).or_insert([0; FOLDS + 1]);
            e[0] += 1;
            e[fold + 1] += 1;
            bump(&mut seg.toks, &surf, fold);
            for w in &ws {
                bump(&mut seg.words, &key(w), fold);
            }
            if ws.len() > 1 {
                if let Some(p) = mine(&surf, &ws) {
                    *pat_counts.entry(p).or_default() += 1;
                }
                let st = &ws[stem_index(&ws)];
                *rest.entry(key(st)).or_default().entry(st.clone()).or_default() += 1000;
            } else if ws[0] != key(&ws[0]) {
                *rest.entry(key(&ws[0])).or_default().entry(ws[0].clone()).or_default() += 10;
            }
        }
    }
    // lexicon: hamza forms compete with the bare form when the lexicon has it too
    let mut lexr: HashMap<String, Vec<String>> = HashMap::default();
    for w in lex_words {
        lexr.entry(key(w)).or_default().push(w.clone());
    }
    seg.restore_lex = lexr
        .into_iter()
        .filter_map(|(k, mut v)| {
            if v.contains(&k) || rest.contains_key(&k) {
                return None;
            }
            v.sort();
            v.dedup();
            (v.len() == 1).then(|| (k, v.swap_remove(0)))
        })
        .collect();
    seg.restore = rest
        .into_iter()
        .filter_map(|(k, m)| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            // keep the best, and a second one only when it was also seen as a stem in training
            let mut out = vec![v[0].0.clone()];
            if v.len() > 1 && v[1].1 >= 1000 {
                out.push(v[1].0.clone());
            }
            if out.len() == 1 && out[0] == k {
                None
            } else {
                Some((k, out))
            }
        })
        .collect();
    let mut pats: Vec<(Pattern, u32)> = pat_counts.into_iter().filter(|p| p.1 >= 2).collect();
    pats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    log(&format!(
        "segmenter: {} patterns (count>=2), {} memorised tokens, {} + {} restoration keys",
        pats.len(),
        mem.len(),
        seg.restore.len(),
        seg.restore_lex.len()
    ));
    seg.patterns.extend(pats.into_iter().map(|p| p.0));
    seg.build_index();
    seg.memory = mem
        .into_iter()
        .map(|(k, m)| {
            let mut v: Vec<(Vec<String>, Counts)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then(a.0.cmp(&b.0)));
            (k, v)
        })
        .collect();

    // precompute training instances (candidates + gold index) once
    struct Inst {
        feats: Vec<Vec<u64>>,
        gold: usize,
    }
    let mut insts: Vec<Inst> = Vec::new();
    let mut no_gold = 0usize;
    let mut f = Vec::new();
    for (i, s) in sents.iter().enumerate() {
        let fold = Some(i % FOLDS);
        let clean: Vec<String> = s.tokens.iter().map(|t| strip_marks(&t.surface)).collect();
        for (j, t) in s.tokens.iter().enumerate() {
            let cands = seg.candidates(&clean[j], fold);
            if cands.len() < 2 {
                continue;
            }
            let ws: Vec<&str> = t.words.iter().map(|w| w.form.as_str()).collect();
            let Some(gold) = cands.iter().position(|c| c.words.iter().map(String::as_str).eq(ws.iter().copied())) else {
                no_gold += 1;
                continue;
            };
            let prev = if j > 0 { clean[j - 1].as_str() } else { "<s>" };
            let next = clean.get(j + 1).map_or("</s>", String::as_str);
            let mem_total: u32 = cands.iter().map(|c| c.mem).sum();
            let mut feats = Vec::with_capacity(cands.len());
            for c in &cands {
                seg.feats(&clean[j], prev, next, c, mem_total, fold, &mut f);
                feats.push(f.clone());
            }
            insts.push(Inst { feats, gold });
        }
    }
    log(&format!("segmenter: {} ambiguous training tokens, {} without a reachable gold analysis", insts.len(), no_gold));
    let mask = (1usize << SEG_BITS) - 1;
    let mut avg = Avg::new(1 << SEG_BITS);
    let mut order: Vec<usize> = (0..insts.len()).collect();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    for ep in 0..epochs {
        shuffle(&mut order, &mut rng);
        let mut err = 0usize;
        for &k in &order {
            let inst = &insts[k];
            let mut best = 0;
            let mut bs = f32::MIN;
            for (ci, fs) in inst.feats.iter().enumerate() {
                let sc: f32 = fs.iter().map(|&h| avg.w[h as usize & mask]).sum();
                if sc > bs {
                    bs = sc;
                    best = ci;
                }
            }
            if best != inst.gold {
                err += 1;
                for &h in &inst.feats[inst.gold] {
                    avg.upd(h as usize & mask, 1.0);
                }
                for &h in &inst.feats[best] {
                    avg.upd(h as usize & mask, -1.0);
                }
            }
            avg.tick();
        }
        log(&format!("segmenter epoch {}: {} errors on {} ambiguous tokens", ep + 1, err, insts.len()));
    }
    (seg.w, seg.scale) = quantise(&avg.averaged());
    seg
}

/// Fisher-Yates shuffle with xorshift.
pub fn shuffle<T>(v: &mut [T], rng: &mut u64) {
    for i in (1..v.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        let j = (*rng % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn ws(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }
    #[test]
    fn mine_patterns() {
        let p = mine("للاسلحة", &ws(&["ل", "الأسلحة"])).unwrap();
        assert_eq!(p.p_surf, "ل");
        assert_eq!(p.front_add, "ا");
        assert_eq!(p.front_cond, "ل");
        let p = mine("عددها", &ws(&["عدد", "ها"])).unwrap();
        assert_eq!(p.s_surf, "ها");
        assert!(p.back_strip.is_empty());
        let p = mine("تجربته", &ws(&["تجربة", "ه"])).unwrap();
        assert_eq!(p.back_strip, "ت");
        assert_eq!(p.back_add, "ة");
        let p = mine("وبالمفاوضات", &ws(&["و", "ب", "المفاوضات"])).unwrap();
        assert_eq!(p.p_surf, "وب");
        let p = mine("القاها", &ws(&["ألقى", "ها"])).unwrap();
        assert_eq!(p.back_strip, "ا");
        assert_eq!(p.back_add, "ى");
    }
}
