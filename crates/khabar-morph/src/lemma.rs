//! Lemmatiser: (form, UPOS) tables plus suffix-edit rules for unseen forms.

use crate::norm::{key, lkey, strip_marks, suffix};
use crate::util::{HashMap, StrMap, H, R, W};
use crate::{Result, Upos};

const ANY: u8 = 255;

/// A suffix edit: optionally drop a leading "ال", drop `strip` chars, append `add`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Rule {
    al: bool,
    strip: u32,
    add: String,
}

#[derive(Default)]
pub struct Lemmatizer {
    table: HashMap<String, Vec<(u8, String)>>,
    rules: Vec<Rule>,
    sfx: HashMap<String, (u32, u32)>,
    /// `table` and `sfx` keyed by hash, for lemmatising (filled when a model is read; a model
    /// built in this process looks its strings up in the maps above, with the same results)
    table_h: StrMap<Vec<(u8, String)>>,
    sfx_h: StrMap<(u32, u32)>,
}

/// One lemma training example (marks are stripped internally).
#[derive(Clone, Debug)]
pub struct LemmaPair {
    pub form: String,
    pub upos: Upos,
    pub lemma: String,
}

fn rule_of(form: &str, lemma: &str) -> Rule {
    let mut f = form;
    let mut al = false;
    if (f.starts_with("ال") && f.chars().count() > 3) && !key(lemma).starts_with("ال") {
        f = &f["ال".len()..];
        al = true;
    }
    let fk: Vec<char> = key(f).chars().collect();
    let lk: Vec<char> = key(lemma).chars().collect();
    let lc: Vec<char> = lemma.chars().collect();
    let lcp = fk.iter().zip(&lk).take_while(|(a, b)| a == b).count();
    let add: String = if lc.len() == lk.len() { lc[lcp..].iter().collect() } else { lk[lcp..].iter().collect() };
    Rule { al, strip: (fk.len() - lcp) as u32, add }
}

fn apply(r: &Rule, form: &str) -> Option<String> {
    let mut f = form;
    if r.al {
        f = f.strip_prefix("ال")?;
    }
    let c: Vec<char> = f.chars().collect();
    let n = c.len().checked_sub(r.strip as usize)?;
    if n == 0 {
        return None;
    }
    let mut s: String = c[..n].iter().collect();
    s.push_str(&r.add);
    Some(s)
}

/// The hash of [`sfx_key`]'s string, computed without building it.
fn sfx_hash(upos: u8, k: usize, sfx: &str) -> u64 {
    H::new(0x5346_5848).u(u64::from(upos)).u(k as u64).s(sfx).fin()
}

fn sfx_key(upos: u8, f: &str, k: usize) -> String {
    let mut s = String::new();
    s.push(char::from(b'A' + upos));
    s.push(char::from(b'0' + k as u8));
    s.push_str(suffix(f, k));
    s
}

impl Lemmatizer {
    /// Build from examples (lemma data) and optional lower-priority verb pairs.
    pub fn build(pairs: &[LemmaPair], extra_verbs: &[(String, String)]) -> Lemmatizer {
        let mut counts: HashMap<(String, u8), HashMap<String, u32>> = HashMap::default();
        let mut rc: HashMap<String, HashMap<Rule, u32>> = HashMap::default();
        for p in pairs {
            let f = strip_marks(&p.form);
            let l = strip_marks(&p.lemma);
            if f.is_empty() || l.is_empty() || l == "_" {
                continue;
            }
            let u = p.upos.index() as u8;
            let lk = lkey(&f);
            *counts.entry((lk.clone(), u)).or_default().entry(l.clone()).or_default() += 1;
            *counts.entry((lk, ANY)).or_default().entry(l.clone()).or_default() += 1;
            let r = rule_of(&f, &l);
            let base = if r.al { &f["ال".len()..] } else { f.as_str() };
            for k in 0..=4 {
                if k > base.chars().count() {
                    break;
                }
                *rc.entry(sfx_key(u, base, k)).or_default().entry(r.clone()).or_default() += 1;
            }
        }
        let vu = Upos::VERB.index() as u8;
        for (f, l) in extra_verbs {
            let f = strip_marks(f);
            let l = strip_marks(l);
            let lk = lkey(&f);
            counts.entry((lk, vu)).or_default().entry(l).or_insert(0);
        }
        let mut lm = Lemmatizer::default();
        for ((k, u), m) in counts {
            let mut v: Vec<(String, u32)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            lm.table.entry(k).or_default().push((u, v[0].0.clone()));
        }
        for v in lm.table.values_mut() {
            v.sort();
        }
        let mut ids: HashMap<Rule, u32> = HashMap::default();
        for (k, m) in rc {
            let mut v: Vec<(Rule, u32)> = m.into_iter().filter(|x| x.1 > 0).collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.strip.cmp(&b.0.strip)).then(a.0.add.cmp(&b.0.add)));
            let (r, c) = v.swap_remove(0);
            let n = ids.len() as u32;
            let id = *ids.entry(r.clone()).or_insert_with(|| {
                lm.rules.push(r);
                n
            });
            lm.sfx.insert(k, (id, c));
        }
        lm
    }

    /// Lemma of a word.
    pub fn lemma(&self, form: &str, upos: Upos) -> String {
        let f = strip_marks(form);
        if f.is_empty() {
            return f;
        }
        let u = upos.index() as u8;
        let lk = lkey(&f);
        let v = if self.table_h.is_empty() { self.table.get(&lk) } else { self.table_h.get(&lk) };
        if let Some(v) = v {
            if let Some((_, l)) = v.iter().find(|x| x.0 == u) {
                return l.clone();
            }
            if matches!(upos, Upos::NOUN | Upos::ADJ | Upos::PROPN | Upos::X | Upos::VERB) {
                if let Some((_, l)) = v.iter().find(|x| x.0 == ANY) {
                    return l.clone();
                }
            }
        }
        if matches!(upos, Upos::PUNCT | Upos::NUM | Upos::SYM) {
            return f;
        }
        for al in [true, false] {
            let base = if al {
                match f.strip_prefix("ال") {
                    Some(b) if b.chars().count() > 1 => b,
                    _ => continue,
                }
            } else {
                f.as_str()
            };
            let n = base.chars().count();
            for k in (0..=4.min(n)).rev() {
                let hit = if self.sfx_h.is_empty() {
                    self.sfx.get(&sfx_key(u, base, k))
                } else {
                    self.sfx_h.get_key(sfx_hash(u, k, suffix(base, k)))
                };
                if let Some(&(id, c)) = hit {
                    if c < 2 && k > 0 {
                        continue;
                    }
                    let r = &self.rules[id as usize];
                    if r.al != al {
                        continue;
                    }
                    if let Some(l) = apply(r, &f) {
                        // A content word's lemma has no definite article.
                        if !al && matches!(upos, Upos::NOUN | Upos::ADJ | Upos::PROPN | Upos::X) {
                            if let Some(b) = l.strip_prefix("ال").filter(|b| b.chars().count() > 2) {
                                return b.to_owned();
                            }
                        }
                        return l;
                    }
                }
            }
        }
        // No rule fits: a content word keeps no definite article in its lemma.
        if matches!(upos, Upos::NOUN | Upos::ADJ | Upos::PROPN | Upos::X) {
            if let Some(b) = f.strip_prefix("ال").filter(|b| b.chars().count() > 2) {
                return b.to_owned();
            }
        }
        f
    }

    pub fn write(&self, w: &mut W) {
        let mut t: Vec<_> = self.table.iter().collect();
        t.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(t.len() as u32);
        for (k, v) in t {
            w.str(k);
            w.u32(v.len() as u32);
            for (u, l) in v {
                w.u32(u32::from(*u));
                w.str(l);
            }
        }
        w.u32(self.rules.len() as u32);
        for r in &self.rules {
            w.u32(u32::from(r.al));
            w.u32(r.strip);
            w.str(&r.add);
        }
        let mut s: Vec<_> = self.sfx.iter().collect();
        s.sort_by(|a, b| a.0.cmp(b.0));
        w.u32(s.len() as u32);
        for (k, (id, c)) in s {
            w.str(k);
            w.u32(*id);
            w.u32(*c);
        }
    }

    pub fn read(r: &mut R) -> Result<Lemmatizer> {
        let mut lm = Lemmatizer::default();
        let n = r.len()?;
        for _ in 0..n {
            let k = r.str()?;
            let m = r.len()?;
            let mut v = Vec::with_capacity(m);
            for _ in 0..m {
                let u = r.u32()? as u8;
                v.push((u, r.str()?));
            }
            lm.table.insert(k, v);
        }
        let n = r.len()?;
        for _ in 0..n {
            lm.rules.push(Rule { al: r.u32()? != 0, strip: r.u32()?, add: r.str()? });
        }
        let n = r.len()?;
        for _ in 0..n {
            let k = r.str()?;
            let id = r.u32()?;
            let c = r.u32()?;
            if id as usize >= lm.rules.len() {
                return Err(crate::Error::Model("bad lemma rule id".into()));
            }
            lm.sfx.insert(k, (id, c));
        }
        lm.table_h = lm.table.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        for (k, &v) in &lm.sfx {
            // sfx_key's layout: one letter for the UPOS, one digit for the length, the suffix
            let b = k.as_bytes();
            if b.len() >= 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() {
                lm.sfx_h.insert_key(sfx_hash(b[0] - b'A', usize::from(b[1] - b'0'), &k[2..]), v);
            } else {
                // not a key this crate writes: look every key up by its string instead
                lm.sfx_h = StrMap::default();
                break;
            }
        }
        Ok(lm)
    }
}

/// k-fold cross-validated lemma accuracy over sentences of lemma pairs (gold form and UPOS given);
/// returns (correct, total). Folds are by sentence index modulo `folds`.
pub fn cross_validate(sents: &[Vec<LemmaPair>], folds: usize, extra_verbs: &[(String, String)]) -> (usize, usize) {
    let folds = folds.max(2);
    let (mut ok, mut n) = (0, 0);
    for k in 0..folds {
        let train: Vec<LemmaPair> = sents.iter().enumerate().filter(|(i, _)| i % folds != k).flat_map(|(_, s)| s.iter().cloned()).collect();
        let lm = Lemmatizer::build(&train, extra_verbs);
        for (_, s) in sents.iter().enumerate().filter(|(i, _)| i % folds == k) {
            for p in s {
                let gold = strip_marks(&p.lemma);
                if gold.is_empty() || gold == "_" {
                    continue;
                }
                n += 1;
                if lm.lemma(&p.form, p.upos) == gold {
                    ok += 1;
                }
            }
        }
    }
    (ok, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn p(f: &str, u: Upos, l: &str) -> LemmaPair {
        LemmaPair { form: f.into(), upos: u, lemma: l.into() }
    }
    #[test]
    fn table_and_rules() {
        let data = vec![
            p("الكتب", Upos::NOUN, "كتاب"),
            p("مدرسة", Upos::NOUN, "مدرسة"),
            p("المدرسين", Upos::NOUN, "مدرس"),
            p("اللاعبين", Upos::NOUN, "لاعب"),
            p("الفاعلين", Upos::NOUN, "فاعل"),
            p("تَزُورُ", Upos::VERB, "زَار"),
        ];
        let lm = Lemmatizer::build(&data, &[]);
        assert_eq!(lm.lemma("الكتب", Upos::NOUN), "كتاب");
        assert_eq!(lm.lemma("تزور", Upos::VERB), "زار");
        assert_eq!(lm.lemma("الراكبين", Upos::NOUN), "راكب");
        assert_eq!(lm.lemma("،", Upos::PUNCT), "،");
    }
}
