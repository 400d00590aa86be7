//! Evaluation on gold surface tokens (segmentation, words P/R/F1, UPOS) and with gold words (UPOS).

use crate::conllu::Sentence;
use crate::norm::strip_marks;
use crate::{MorphModel, Upos};

/// Counts from [`evaluate`]. Words inside a token are matched by FORM (longest common subsequence,
/// as the CoNLL 2018 scorer does inside multi-word tokens); single-word tokens match by position.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub tokens: usize,
    /// tokens whose predicted word forms equal the gold ones
    pub seg_correct: usize,
    /// tokens whose number of words is right (split decision)
    pub split_correct: usize,
    pub gold_words: usize,
    pub pred_words: usize,
    pub matched_words: usize,
    /// matched words with the right UPOS
    pub matched_upos: usize,
    /// UPOS with gold tokenisation (gold words given to the tagger)
    pub gold_tok_words: usize,
    pub gold_tok_upos: usize,
    /// lemma accuracy on matched words, only where the gold file has lemmas
    pub lemma_words: usize,
    pub lemma_correct: usize,
    /// wall time of analysis (segment+tag+lemma) in seconds
    pub seconds: f64,
}

fn f1(m: usize, p: usize, g: usize) -> (f64, f64, f64) {
    let pr = m as f64 / p.max(1) as f64;
    let rc = m as f64 / g.max(1) as f64;
    let f = if pr + rc > 0.0 { 2.0 * pr * rc / (pr + rc) } else { 0.0 };
    (100.0 * pr, 100.0 * rc, 100.0 * f)
}

impl Scores {
    pub fn seg_accuracy(&self) -> f64 {
        100.0 * self.seg_correct as f64 / self.tokens.max(1) as f64
    }
    /// (precision, recall, F1) of words.
    pub fn words(&self) -> (f64, f64, f64) {
        f1(self.matched_words, self.pred_words, self.gold_words)
    }
    /// (precision, recall, F1) of words with the right UPOS.
    pub fn upos(&self) -> (f64, f64, f64) {
        f1(self.matched_upos, self.pred_words, self.gold_words)
    }
    /// UPOS accuracy with gold tokenisation.
    pub fn gold_tok_upos_accuracy(&self) -> f64 {
        100.0 * self.gold_tok_upos as f64 / self.gold_tok_words.max(1) as f64
    }
    pub fn lemma_accuracy(&self) -> Option<f64> {
        (self.lemma_words > 0).then(|| 100.0 * self.lemma_correct as f64 / self.lemma_words as f64)
    }
    /// Analysed words per second.
    pub fn words_per_second(&self) -> f64 {
        self.pred_words as f64 / self.seconds.max(1e-9)
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (wp, wr, wf) = self.words();
        let (_, _, uf) = self.upos();
        write!(
            f,
            "tokens {} | segmentation acc {:.2}% | words P {:.2} R {:.2} F1 {:.2} | UPOS F1 {:.2} | UPOS (gold tok) {:.2}%",
            self.tokens,
            self.seg_accuracy(),
            wp,
            wr,
            wf,
            uf,
            self.gold_tok_upos_accuracy()
        )?;
        if let Some(l) = self.lemma_accuracy() {
            write!(f, " | lemma {l:.2}%")?;
        }
        write!(f, " | {:.0} words/s", self.words_per_second())
    }
}

/// LCS alignment of two form sequences: pairs of indices.
fn lcs(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Evaluate a model on gold sentences, analysing their gold surface tokens.
pub fn evaluate(model: &MorphModel, sents: &[Sentence]) -> Scores {
    let mut sc = Scores::default();
    let t0 = std::time::Instant::now();
    let preds: Vec<_> = sents
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(|t| t.surface.as_str()).collect();
            model.analyze_sentence(&toks)
        })
        .collect();
    sc.seconds = t0.elapsed().as_secs_f64();
    for (s, pred) in sents.iter().zip(&preds) {
        for (t, p) in s.tokens.iter().zip(pred) {
            sc.tokens += 1;
            sc.gold_words += t.words.len();
            sc.pred_words += p.len();
            let g: Vec<String> = t.words.iter().map(|w| strip_marks(&w.form)).collect();
            let pf: Vec<String> = p.iter().map(|w| strip_marks(&w.form)).collect();
            if g == pf {
                sc.seg_correct += 1;
            }
            if g.len() == pf.len() {
                sc.split_correct += 1;
            }
            let pairs = if g.len() == 1 && pf.len() == 1 {
                vec![(0, 0)]
            } else {
                let gr: Vec<&str> = g.iter().map(String::as_str).collect();
                let pr: Vec<&str> = pf.iter().map(String::as_str).collect();
                lcs(&gr, &pr)
            };
            for (i, j) in pairs {
                sc.matched_words += 1;
                if t.words[i].upos == p[j].upos {
                    sc.matched_upos += 1;
                }
                let gl = strip_marks(&t.words[i].lemma);
                if !gl.is_empty() && gl != "_" {
                    sc.lemma_words += 1;
                    if strip_marks(&p[j].lemma) == gl {
                        sc.lemma_correct += 1;
                    }
                }
            }
        }
        let tags = model.tag_gold(s);
        let gold: Vec<Upos> = s.tokens.iter().flat_map(|t| t.words.iter().map(|w| w.upos)).collect();
        sc.gold_tok_words += gold.len();
        sc.gold_tok_upos += tags.iter().zip(&gold).filter(|(a, b)| a == b).count();
    }
    sc
}
