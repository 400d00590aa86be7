//! Distributional word classes from unlabeled text: spherical k-means over left/right neighbour
//! counts, used as tagger features (helps unknown words).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rayon::prelude::*;

use crate::norm::{is_mark, key};
use crate::seg::Seg;
use crate::util::HashMap;
use crate::{Error, Result};

/// Split raw text into rough tokens (letter/digit runs; other symbols alone), marks removed.
fn raw_tokens(text: &str, out: &mut Vec<String>) {
    out.clear();
    let mut cur = String::new();
    for c in text.chars() {
        if is_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

/// Tokens of a paragraph as word keys; with a segmenter, clitics are split off first.
fn tokens(text: &str, seg: Option<&Seg>, raw: &mut Vec<String>, out: &mut Vec<String>) {
    raw_tokens(text, raw);
    out.clear();
    for i in 0..raw.len() {
        match seg {
            Some(sg) => {
                let prev = if i > 0 { raw[i - 1].as_str() } else { "<s>" };
                let next = raw.get(i + 1).map_or("</s>", String::as_str);
                match sg.segment(&raw[i], prev, next) {
                    Some((ws, _)) => out.extend(ws.iter().map(|w| key(w))),
                    None => out.push(key(&raw[i])),
                }
            }
            None => out.push(key(&raw[i])),
        }
    }
}

/// Read a corpus: plain text, or JSON lines with a "body"/"content"/"text" field; `.gz` is gunzipped.
pub fn for_each_text(path: &Path, max_lines: usize, mut f: impl FnMut(&str)) -> Result<()> {
    let io = |e| Error::Io { path: path.display().to_string(), source: e };
    let file = std::fs::File::open(path).map_err(io)?;
    let r: Box<dyn Read> =
        if path.to_string_lossy().ends_with(".gz") { Box::new(flate2::read::MultiGzDecoder::new(file)) } else { Box::new(file) };
    for (i, line) in BufReader::new(r).lines().enumerate() {
        if i >= max_lines {
            break;
        }
        let line = line.map_err(io)?;
        if line.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                for k in ["title", "body", "content", "text"] {
                    if let Some(s) = v.get(k).and_then(|x| x.as_str()) {
                        for para in s.split('\n') {
                            f(para);
                        }
                    }
                }
            }
        } else {
            f(&line);
        }
    }
    Ok(())
}

/// Word -> (coarse class, fine class).
pub fn build(path: &Path, seg: Option<&Seg>, ks: (usize, usize), log: &dyn Fn(&str)) -> Result<HashMap<String, (u16, u16)>> {
    const VOCAB: usize = 120_000;
    const CTX: usize = 1000;
    let mut freq: HashMap<String, u32> = HashMap::default();
    let mut sents: Vec<Vec<u32>> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut buf = Vec::new();
    let mut raw = Vec::new();
    for_each_text(path, usize::MAX, |t| {
        tokens(t, seg, &mut raw, &mut buf);
        let mut s = Vec::with_capacity(buf.len());
        for w in buf.drain(..) {
            let n = ids.len() as u32;
            let id = *ids.entry(w.clone()).or_insert_with(|| {
                names.push(w.clone());
                n
            });
            *freq.entry(w).or_default() += 1;
            s.push(id);
        }
        if !s.is_empty() {
            sents.push(s);
        }
    })?;
    let total: usize = sents.iter().map(Vec::len).sum();
    log(&format!("clusters: {} tokens, {} types", total, names.len()));
    let mut by_freq: Vec<u32> = (0..names.len() as u32).collect();
    by_freq.sort_by(|&a, &b| freq[&names[b as usize]].cmp(&freq[&names[a as usize]]).then(a.cmp(&b)));
    let mut vrank = vec![u32::MAX; names.len()];
    for (r, &id) in by_freq.iter().enumerate() {
        if r < VOCAB && freq[&names[id as usize]] >= 3 {
            vrank[id as usize] = r as u32;
        }
    }
    let nv = vrank.iter().filter(|&&r| r != u32::MAX).count();
    // context counts
    let mut ctx: Vec<HashMap<u32, f32>> = vec![HashMap::default(); nv];
    for s in &sents {
        for i in 0..s.len() {
            let r = vrank[s[i] as usize];
            if r == u32::MAX {
                continue;
            }
            // rank CTX-1 stands for the sentence boundary; rarer neighbours are ignored
            let clip = |r: u32| {
                if (r as usize) < CTX - 1 {
                    Some(r)
                } else {
                    None
                }
            };
            let left = if i > 0 { clip(vrank[s[i - 1] as usize]) } else { Some(CTX as u32 - 1) };
            let right = s.get(i + 1).map_or(Some(CTX as u32 - 1), |&x| clip(vrank[x as usize]));
            let m = &mut ctx[r as usize];
            if let Some(l) = left {
                *m.entry(l).or_default() += 1.0;
            }
            if let Some(r) = right {
                *m.entry(CTX as u32 + r).or_default() += 1.0;
            }
        }
    }
    drop(sents);
    let vecs: Vec<Vec<(u32, f32)>> = ctx.into_iter().map(unit_sqrt_vector).collect();
    let vecs: Vec<&[(u32, f32)]> = vecs.iter().map(Vec::as_slice).collect();
    let dims = 2 * CTX;
    let kmeans = |k: usize| -> Vec<u16> {
        let progress = |k: usize, it: usize| log(&format!("clusters: k-means k={k} iteration {it}"));
        spherical_kmeans(&vecs, k, dims, &progress).into_iter().map(|c| c as u16).collect()
    };
    let a1 = kmeans(ks.0);
    let a2 = kmeans(ks.1);
    let mut out = HashMap::with_capacity_and_hasher(nv, Default::default());
    for (id, &r) in vrank.iter().enumerate() {
        if r != u32::MAX {
            out.insert(names[id].clone(), (a1[r as usize], a2[r as usize]));
        }
    }
    Ok(out)
}

/// Counts over dimensions as a sparse unit vector: (dimension, √count), sorted by dimension,
/// scaled to length 1 (a vector of zeros stays zero). The words' context vectors of
/// [`build`] and of the NER trainer's word classes.
pub fn unit_sqrt_vector(counts: impl IntoIterator<Item = (u32, f32)>) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = counts.into_iter().map(|(k, c)| (k, c.sqrt())).collect();
    v.sort_by_key(|x| x.0);
    let n = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt().max(1e-9);
    for x in &mut v {
        x.1 /= n;
    }
    v
}

/// Spherical k-means over sparse unit vectors (see [`unit_sqrt_vector`]) of `dims` dimensions:
/// each vector's class in `0..k`. Deterministic: the first `k` vectors seed the centroids and
/// it runs 10 iterations (`progress(k, iteration)` after each, iterations counted from 1).
/// `k` is at most the number of vectors and at least 1; dimensions from `dims` on are ignored.
pub fn spherical_kmeans(vecs: &[&[(u32, f32)]], k: usize, dims: usize, progress: &dyn Fn(usize, usize)) -> Vec<usize> {
    let k = k.min(vecs.len()).max(1);
    let mut cent = vec![0f32; k * dims];
    for (c, v) in vecs.iter().take(k).enumerate() {
        for &(d, x) in v.iter().filter(|x| (x.0 as usize) < dims) {
            cent[c * dims + d as usize] = x;
        }
    }
    let mut assign = vec![0usize; vecs.len()];
    for it in 0..10 {
        assign = vecs
            .par_iter()
            .map(|v| {
                let mut best = (0, f32::MIN);
                for c in 0..k {
                    let row = &cent[c * dims..(c + 1) * dims];
                    let s: f32 = v.iter().filter_map(|&(d, x)| row.get(d as usize).map(|r| r * x)).sum();
                    if s > best.1 {
                        best = (c, s);
                    }
                }
                best.0
            })
            .collect();
        cent.iter_mut().for_each(|x| *x = 0.0);
        for (v, &a) in vecs.iter().zip(&assign) {
            for &(d, x) in v.iter().filter(|x| (x.0 as usize) < dims) {
                cent[a * dims + d as usize] += x;
            }
        }
        for c in 0..k {
            let row = &mut cent[c * dims..(c + 1) * dims];
            let n = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            if n > 0.0 {
                row.iter_mut().for_each(|x| *x /= n);
            }
        }
        progress(k, it + 1);
    }
    assign
}
