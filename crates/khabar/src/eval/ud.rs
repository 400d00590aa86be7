//! CoNLL 2018 shared-task scoring of tokens, sentences, words, UPOS and
//! lemmas, written here to agree with the official `conll18_ud_eval.py`
//! (version 1.2) on every count:
//!
//! * both files are reduced to the sequence of their FORM characters (Unicode
//!   `Zs` spaces removed); tokens and sentences are spans over it and score
//!   by exact span match;
//! * words outside multi-word tokens align by span; inside a region covered by
//!   multi-word tokens of either side they align by the longest common
//!   subsequence of lowercased FORMs;
//! * UPOS and LEMMA are compared on aligned words; a gold LEMMA of `_` counts
//!   any system lemma as correct.
//!
//! Dependency columns are ignored (HEAD is not read), so files without trees
//! score too. [`LemmaCompare::IgnoreDiacritics`] removes tashkeel and tatweel
//! from both sides' lemmas first, as khabar's EVALUATION.md asks.

use core::fmt;

use khabar_text::is_arabic_mark;

/// One word of a CoNLL-U file.
#[derive(Clone, Debug)]
struct Word {
    start: usize,
    end: usize,
    multiword: bool,
    form_lower: String,
    upos: String,
    lemma: String,
}

/// A CoNLL-U file reduced to what the scorer needs.
#[derive(Clone, Debug, Default)]
pub struct UdFile {
    chars: Vec<char>,
    tokens: Vec<(usize, usize)>,
    sentences: Vec<(usize, usize)>,
    words: Vec<Word>,
}

/// How to compare lemmas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LemmaCompare {
    /// As the official script: exact strings.
    Exact,
    /// Tashkeel and tatweel removed on both sides (khabar's EVALUATION.md).
    #[default]
    IgnoreDiacritics,
}

fn strip_diacritics(s: &str) -> String {
    s.chars().filter(|&c| !is_arabic_mark(c) && c != '\u{0640}').collect()
}

/// Unicode general category Zs.
fn is_zs(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

impl UdFile {
    /// Parse CoNLL-U text. Errors name the line.
    pub fn parse(text: &str, lemmas: LemmaCompare) -> Result<UdFile, String> {
        let mut ud = UdFile::default();
        let mut index = 0usize;
        let mut sentence_open = false;
        let mut lines = text.lines().enumerate();
        while let Some((no, raw)) = lines.next() {
            let line = raw.trim_end_matches(['\r', '\n']);
            if !sentence_open {
                if line.starts_with('#') {
                    continue;
                }
                ud.sentences.push((index, index));
                sentence_open = true;
            }
            if line.is_empty() {
                if let Some(last) = ud.sentences.last_mut() {
                    last.1 = index;
                }
                sentence_open = false;
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 10 {
                return Err(format!("line {}: not 10 tab-separated columns", no + 1));
            }
            if cols[0].contains('.') {
                continue;
            }
            let form: String = cols[1].chars().filter(|&c| !is_zs(c)).collect();
            if form.is_empty() {
                return Err(format!("line {}: empty FORM", no + 1));
            }
            let start = index;
            let n = form.chars().count();
            ud.chars.extend(form.chars());
            index += n;
            ud.tokens.push((start, index));
            let mut push_word = |cols: &[&str], multiword: bool| {
                let lemma = match lemmas {
                    LemmaCompare::Exact => cols[2].to_owned(),
                    LemmaCompare::IgnoreDiacritics if cols[2] == "_" => "_".to_owned(),
                    LemmaCompare::IgnoreDiacritics => strip_diacritics(cols[2]),
                };
                ud.words.push(Word { start, end: index, multiword, form_lower: cols[1].to_lowercase(), upos: cols[3].to_owned(), lemma });
            };
            if let Some((a, b)) = cols[0].split_once('-') {
                let (a, b): (usize, usize) = match (a.parse(), b.parse()) {
                    (Ok(a), Ok(b)) if b >= a => (a, b),
                    _ => return Err(format!("line {}: bad multi-word token id {:?}", no + 1, cols[0])),
                };
                for _ in a..=b {
                    let Some((wno, wline)) = lines.next() else {
                        return Err(format!("line {}: multi-word token without its words", no + 1));
                    };
                    let wcols: Vec<&str> = wline.trim_end_matches('\r').split('\t').collect();
                    if wcols.len() != 10 {
                        return Err(format!("line {}: not 10 tab-separated columns", wno + 1));
                    }
                    push_word(&wcols, true);
                }
            } else {
                push_word(&cols, false);
            }
        }
        if sentence_open {
            return Err("the file does not end with an empty line".into());
        }
        Ok(ud)
    }
}

/// Precision, recall and F1 of one metric, with the raw counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Score {
    /// Correct items.
    pub correct: usize,
    /// Items in the gold file.
    pub gold: usize,
    /// Items in the system file.
    pub system: usize,
    /// Aligned words (for word-level attributes), when it applies.
    pub aligned: Option<usize>,
}

impl Score {
    /// correct / system.
    pub fn precision(&self) -> f64 {
        if self.system == 0 {
            0.0
        } else {
            self.correct as f64 / self.system as f64
        }
    }
    /// correct / gold.
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
    /// 2·correct / (gold + system).
    pub fn f1(&self) -> f64 {
        if self.gold + self.system == 0 {
            0.0
        } else {
            2.0 * self.correct as f64 / (self.gold + self.system) as f64
        }
    }
    /// correct / aligned.
    pub fn aligned_accuracy(&self) -> Option<f64> {
        self.aligned.filter(|&a| a > 0).map(|a| self.correct as f64 / a as f64)
    }
}

/// The five CoNLL 2018 metrics khabar reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UdScores {
    /// Token spans.
    pub tokens: Score,
    /// Sentence spans.
    pub sentences: Score,
    /// Aligned words.
    pub words: Score,
    /// UPOS of aligned words.
    pub upos: Score,
    /// LEMMA of aligned words.
    pub lemmas: Score,
}

impl fmt::Display for UdScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Metric     | Precision |    Recall |  F1 Score | AligndAcc")?;
        writeln!(f, "-----------+-----------+-----------+-----------+-----------")?;
        for (name, s) in [
            ("Tokens", &self.tokens),
            ("Sentences", &self.sentences),
            ("Words", &self.words),
            ("UPOS", &self.upos),
            ("Lemmas", &self.lemmas),
        ] {
            let acc = s.aligned_accuracy().map(|a| format!("{:10.2}", 100.0 * a)).unwrap_or_default();
            writeln!(f, "{:11}|{:10.2} |{:10.2} |{:10.2} |{}", name, 100.0 * s.precision(), 100.0 * s.recall(), 100.0 * s.f1(), acc)?;
        }
        Ok(())
    }
}

fn spans_score(gold: &[(usize, usize)], system: &[(usize, usize)]) -> Score {
    let (mut correct, mut g, mut s) = (0, 0, 0);
    while g < gold.len() && s < system.len() {
        if system[s].0 < gold[g].0 {
            s += 1;
        } else if gold[g].0 < system[s].0 {
            g += 1;
        } else {
            correct += usize::from(gold[g].1 == system[s].1);
            g += 1;
            s += 1;
        }
    }
    Score { correct, gold: gold.len(), system: system.len(), aligned: None }
}

fn beyond_end(words: &[Word], i: usize, end: usize) -> bool {
    match words.get(i) {
        None => true,
        Some(w) if w.multiword => w.start >= end,
        Some(w) => w.end > end,
    }
}

fn extend_end(w: &Word, end: usize) -> usize {
    if w.multiword && w.end > end {
        w.end
    } else {
        end
    }
}

/// Aligned (gold index, system index) pairs.
fn align(gold: &[Word], system: &[Word]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut gi, mut si) = (0, 0);
    while gi < gold.len() && si < system.len() {
        if gold[gi].multiword || system[si].multiword {
            // The minimal region covered by multi-word tokens of either side.
            let mut end;
            if gold[gi].multiword {
                end = gold[gi].end;
                if !system[si].multiword && system[si].start < gold[gi].start {
                    si += 1;
                }
            } else {
                end = system[si].end;
                if !gold[gi].multiword && gold[gi].start < system[si].start {
                    gi += 1;
                }
            }
            let (gs, ss) = (gi, si);
            while !beyond_end(gold, gi, end) || !beyond_end(system, si, end) {
                if gi < gold.len() && (si >= system.len() || gold[gi].start <= system[si].start) {
                    end = extend_end(&gold[gi], end);
                    gi += 1;
                } else {
                    end = extend_end(&system[si], end);
                    si += 1;
                }
            }
            let (ng, ns) = (gi - gs, si - ss);
            if ng > 0 && ns > 0 {
                // lcs[g][s] over gold[gs+g..gi] and system[ss+s..si].
                let mut lcs = vec![vec![0usize; ns + 1]; ng + 1];
                for g in (0..ng).rev() {
                    for s in (0..ns).rev() {
                        let mut v = if gold[gs + g].form_lower == system[ss + s].form_lower { 1 + lcs[g + 1][s + 1] } else { 0 };
                        v = v.max(lcs[g + 1][s]).max(lcs[g][s + 1]);
                        lcs[g][s] = v;
                    }
                }
                let (mut g, mut s) = (0, 0);
                while g < ng && s < ns {
                    if gold[gs + g].form_lower == system[ss + s].form_lower {
                        pairs.push((gs + g, ss + s));
                        g += 1;
                        s += 1;
                    } else if lcs[g][s] == lcs[g + 1][s] {
                        g += 1;
                    } else {
                        s += 1;
                    }
                }
            }
        } else if (gold[gi].start, gold[gi].end) == (system[si].start, system[si].end) {
            pairs.push((gi, si));
            gi += 1;
            si += 1;
        } else if gold[gi].start <= system[si].start {
            gi += 1;
        } else {
            si += 1;
        }
    }
    pairs
}

/// Score `system` against `gold`. Fails, as the official script does, when
/// the two files do not spell the same characters.
pub fn evaluate(gold: &UdFile, system: &UdFile) -> Result<UdScores, String> {
    if gold.words.is_empty() {
        // Nothing to score against: all-zero scores would read as a result.
        return Err("no words to score against (an empty gold file, or one of comments only)".to_owned());
    }
    if gold.chars != system.chars {
        let i = gold.chars.iter().zip(&system.chars).take_while(|(a, b)| a == b).count();
        let g: String = gold.chars.iter().skip(i).take(20).collect();
        let s: String = system.chars.iter().skip(i).take(20).collect();
        return Err(format!("the concatenation of tokens in gold and system differ at character {i}: gold {g:?}, system {s:?}"));
    }
    let pairs = align(&gold.words, &system.words);
    let (ng, ns, na) = (gold.words.len(), system.words.len(), pairs.len());
    let upos = pairs.iter().filter(|&&(g, s)| gold.words[g].upos == system.words[s].upos).count();
    let lemmas = pairs.iter().filter(|&&(g, s)| gold.words[g].lemma == "_" || gold.words[g].lemma == system.words[s].lemma).count();
    Ok(UdScores {
        tokens: spans_score(&gold.tokens, &system.tokens),
        sentences: spans_score(&gold.sentences, &system.sentences),
        words: Score { correct: na, gold: ng, system: ns, aligned: None },
        upos: Score { correct: upos, gold: ng, system: ns, aligned: Some(na) },
        lemmas: Score { correct: lemmas, gold: ng, system: ns, aligned: Some(na) },
    })
}

/// The raw text of a gold file: its `# text` lines, one sentence per line.
pub fn raw_text(conllu: &str) -> String {
    let mut out = String::new();
    for line in conllu.lines() {
        if let Some(t) = line.strip_prefix("# text = ") {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLD: &str = "# text = وبالمفاوضات قال\n1-3\tوبالمفاوضات\t_\t_\t_\t_\t_\t_\t_\t_\n1\tو\tوَ\tCCONJ\t_\t_\t0\troot\t_\t_\n2\tب\tبِ\tADP\t_\t_\t1\tdep\t_\t_\n3\tالمفاوضات\tمُفاوَضَة\tNOUN\t_\t_\t1\tdep\t_\t_\n4\tقال\tقَال\tVERB\t_\t_\t1\tdep\t_\t_\n\n";

    #[test]
    fn an_empty_gold_file_is_an_error_not_zero_scores() {
        for empty in ["", "\n\n", "# sent_id = 1\n# text = x\n\n"] {
            let g = UdFile::parse(empty, LemmaCompare::Exact).unwrap();
            assert!(evaluate(&g, &g).unwrap_err().contains("no words"), "{empty:?}");
        }
    }

    #[test]
    fn identical_files_score_100() {
        let g = UdFile::parse(GOLD, LemmaCompare::Exact).unwrap();
        let s = evaluate(&g, &g).unwrap();
        assert_eq!(s.tokens, Score { correct: 2, gold: 2, system: 2, aligned: None });
        assert_eq!(s.words.correct, 4);
        assert_eq!(s.upos.correct, 4);
        assert_eq!(s.lemmas.f1(), 1.0);
    }

    #[test]
    fn unsegmented_system_aligns_by_lcs() {
        let g = UdFile::parse(GOLD, LemmaCompare::IgnoreDiacritics).unwrap();
        let sys = "1\tوبالمفاوضات\tمفاوضة\tNOUN\t_\t_\t0\troot\t_\t_\n2\tقال\tقال\tVERB\t_\t_\t1\tdep\t_\t_\n\n";
        let s = UdFile::parse(sys, LemmaCompare::IgnoreDiacritics).unwrap();
        let r = evaluate(&g, &s).unwrap();
        assert_eq!(r.tokens.correct, 2);
        // Only قال aligns: the unsegmented token's FORM matches no gold word.
        assert_eq!((r.words.correct, r.words.gold, r.words.system), (1, 4, 2));
        assert_eq!(r.upos.correct, 1);
        assert_eq!(r.lemmas.correct, 1, "diacritics ignored: قَال = قال");
    }

    #[test]
    fn different_text_is_an_error() {
        let g = UdFile::parse(GOLD, LemmaCompare::Exact).unwrap();
        let s = UdFile::parse("1\tقال\t_\t_\t_\t_\t0\troot\t_\t_\n\n", LemmaCompare::Exact).unwrap();
        assert!(evaluate(&g, &s).is_err());
        assert!(UdFile::parse("1\tx\n\n", LemmaCompare::Exact).is_err());
        assert!(UdFile::parse("1\tx\t_\t_\t_\t_\t0\troot\t_\t_\n", LemmaCompare::Exact).is_err());
    }

    #[test]
    fn raw_text_from_comments() {
        assert_eq!(raw_text(GOLD), "وبالمفاوضات قال\n");
    }
}
