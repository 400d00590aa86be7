//! Entity-level scoring, as in the project's EVALUATION.md.
//!
//! The gold sentences are joined with single spaces, one sentence per line,
//! and the whole is analysed as ONE text. A system entity maps to the gold
//! tokens its byte span overlaps; it is correct when that token range and its
//! coarse type equal a gold entity's. The main figure is micro P/R/F1 over
//! PER/LOC/ORG; a system PER/LOC/ORG entity that matches nothing but overlaps a
//! gold entity of another class (MISC, or any class outside the four) is not
//! counted as a false positive. The all-four figure (MISC included) is
//! CoNLL-2003 exact match with no such exemption.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use crate::data::{read_gold_bio, GoldSentence};
use crate::{Entity, NerModel, Result};

/// Counts and precision/recall/F1.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Prf {
    /// Precision.
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    /// Recall.
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// The scores of one evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvalReport {
    /// PER, LOC, ORG, MISC (MISC by exact match).
    pub per_type: [Prf; 4],
    /// Micro over PER/LOC/ORG (the main figure).
    pub micro: Prf,
    /// Micro over all four types, CoNLL exact match.
    pub all_four: Prf,
    /// Gold sentences and tokens scored.
    pub sentences: usize,
    /// Gold tokens.
    pub tokens: usize,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} sentences, {} tokens", self.sentences, self.tokens)?;
        writeln!(f, "{:<18} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}", "type", "tp", "fp", "fn", "P", "R", "F1")?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, p: &Prf| {
            writeln!(f, "{:<18} {:>6} {:>6} {:>6} {:>7.4} {:>7.4} {:>7.4}", name, p.tp, p.fp, p.fn_, p.precision(), p.recall(), p.f1())
        };
        for (i, n) in ["PER", "LOC", "ORG", "MISC (exact)"].iter().enumerate() {
            row(f, n, &self.per_type[i])?;
        }
        row(f, "micro PER/LOC/ORG", &self.micro)?;
        row(f, "all four (CoNLL)", &self.all_four)
    }
}

/// The evaluation text of gold sentences and the byte range of every gold token.
pub fn gold_text(gold: &[GoldSentence]) -> (String, Vec<Range<usize>>) {
    let mut text = String::new();
    let mut ranges = Vec::new();
    for (si, s) in gold.iter().enumerate() {
        if si > 0 {
            text.push('\n');
        }
        for (ti, t) in s.tokens.iter().enumerate() {
            if ti > 0 {
                text.push(' ');
            }
            let a = text.len();
            text.push_str(t);
            ranges.push(a..text.len());
        }
    }
    (text, ranges)
}

/// Gold entities: (first token, last token exclusive, type) over the flat token list.
fn gold_entities(gold: &[GoldSentence]) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    let mut base = 0;
    for s in gold {
        let mut i = 0;
        while i < s.tags.len() {
            if let Some((_, ty)) = s.tags[i] {
                let mut j = i + 1;
                while j < s.tags.len() && s.tags[j] == Some((false, ty)) {
                    j += 1;
                }
                out.push((base + i, base + j, ty));
                i = j;
            } else {
                i += 1;
            }
        }
        base += s.tokens.len();
    }
    out
}

/// Score system entities (found in the text built by [`gold_text`]) against the gold.
pub fn score_entities(gold: &[GoldSentence], ents: &[Entity]) -> EvalReport {
    let (_, ranges) = gold_text(gold);
    let gents = gold_entities(gold);
    let gset: HashSet<(usize, usize, u8)> = gents.iter().copied().collect();
    // token index → gold entity of class outside PER/LOC/ORG covering it
    let mut other_cover = vec![false; ranges.len()];
    for &(a, b, ty) in &gents {
        if ty >= 3 {
            for c in &mut other_cover[a..b] {
                *c = true;
            }
        }
    }
    let mut sys: HashSet<(usize, usize, u8)> = HashSet::new();
    for e in ents {
        // first gold token whose range overlaps [start, end)
        let first = ranges.partition_point(|r| r.end <= e.start);
        let mut last = first;
        while last < ranges.len() && ranges[last].start < e.end {
            last += 1;
        }
        if first >= last {
            continue;
        }
        let ty = e.kind as u8;
        sys.insert((first, last, ty));
    }
    let mut rep = EvalReport { sentences: gold.len(), tokens: ranges.len(), ..Default::default() };
    for &(a, b, ty) in &sys {
        let t = ty as usize;
        if gset.contains(&(a, b, ty)) {
            rep.per_type[t].tp += 1;
            rep.all_four.tp += 1;
        } else {
            rep.all_four.fp += 1;
            if t < 3 && other_cover[a..b].iter().any(|&c| c) {
                continue;
            }
            rep.per_type[t].fp += 1;
        }
    }
    for &(a, b, ty) in &gents {
        if ty > 3 {
            continue;
        }
        if !sys.contains(&(a, b, ty)) {
            rep.per_type[ty as usize].fn_ += 1;
            rep.all_four.fn_ += 1;
        }
    }
    for t in 0..3 {
        let p = rep.per_type[t];
        rep.micro.add(&p);
    }
    rep
}

/// Run `model` on gold sentences (as one text) and score it.
pub fn evaluate_sentences(model: &NerModel, gold: &[GoldSentence]) -> EvalReport {
    let (text, _) = gold_text(gold);
    let ents = model.entities(&text);
    score_entities(gold, &ents)
}

/// Evaluate `model` on a gold BIO file (or a directory of them), read by [`read_gold_bio`]: a
/// file that is not `token tag` BIO is an error naming its line, not a score.
pub fn evaluate(model: &NerModel, gold_bio: &Path) -> Result<EvalReport> {
    let gold = read_gold_bio(gold_bio)?;
    Ok(evaluate_sentences(model, &gold))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse_bio;
    use crate::EntityType;

    const GOLD: &str =
        "التقى B-PERS\nلبوتين B-PERS\nفي O\nموسكو B-LOC\nأمس O\n\nوقالت O\nوكالة B-ORG\nتاس I-ORG\nإن O\nالروبل B-MISC\nهبط O\n";

    fn at(text: &str, needle: &str, kind: EntityType) -> Entity {
        let s = text.find(needle).unwrap();
        Entity { start: s, end: s + needle.len(), text: needle.to_string(), kind, canonical: String::new(), score: 1.0 }
    }

    #[test]
    fn text_is_joined_as_documented() {
        let g = parse_bio(GOLD);
        let (text, ranges) = gold_text(&g);
        assert_eq!(text, "التقى لبوتين في موسكو أمس\nوقالت وكالة تاس إن الروبل هبط");
        assert_eq!(&text[ranges[1].clone()], "لبوتين");
        assert_eq!(ranges.len(), 11);
    }

    #[test]
    fn scorer_maps_spans_to_gold_tokens() {
        let g = parse_bio(GOLD);
        let (text, _) = gold_text(&g);
        let ents = vec![
            // بوتين inside the gold token لبوتين: maps to that token, correct
            at(&text, "بوتين", EntityType::Per),
            // موسكو as ORG: wrong type
            at(&text, "موسكو", EntityType::Org),
            // وكالة تاس: correct
            at(&text, "وكالة تاس", EntityType::Org),
            // a PER over the gold MISC الروبل: not a false positive in the main figure
            at(&text, "الروبل", EntityType::Per),
        ];
        let r = score_entities(&g, &ents);
        // gold: PER التقى, PER لبوتين, LOC موسكو, ORG وكالة تاس, MISC الروبل
        assert_eq!(r.per_type[0], Prf { tp: 1, fp: 0, fn_: 1 });
        assert_eq!(r.per_type[1], Prf { tp: 0, fp: 0, fn_: 1 });
        assert_eq!(r.per_type[2], Prf { tp: 1, fp: 1, fn_: 0 });
        assert_eq!(r.per_type[3], Prf { tp: 0, fp: 0, fn_: 1 });
        assert_eq!(r.micro, Prf { tp: 2, fp: 1, fn_: 2 });
        assert!((r.micro.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.micro.f1() - 4.0 / 7.0).abs() < 1e-9);
        // all four, CoNLL exact match: the PER over الروبل counts as a false positive
        assert_eq!(r.all_four, Prf { tp: 2, fp: 2, fn_: 3 });
        let shown = r.to_string();
        assert!(shown.contains("micro PER/LOC/ORG"));
    }

    #[test]
    fn partial_span_is_wrong() {
        let g = parse_bio(GOLD);
        let (text, _) = gold_text(&g);
        let r = score_entities(&g, &[at(&text, "تاس", EntityType::Org)]);
        assert_eq!(r.per_type[2], Prf { tp: 0, fp: 1, fn_: 1 });
    }
}
