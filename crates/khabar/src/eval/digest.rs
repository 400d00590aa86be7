//! Scoring keyphrases and summaries against headlines (`khabar eval digest`).
//!
//! * **The article set** is fixed by the article id alone: an article is in it
//!   when the 64-bit FNV-1a hash of its id is divisible by [`SET_MODULUS`]; it
//!   is in the dev part when `hash / SET_MODULUS` is even, else in the test part.
//!   These articles are left out of the embedded idf table. Articles whose title
//!   has fewer than three content words or whose body is shorter than 300 bytes
//!   or longer than 30,000 are not scored.
//! * **Tokens** are search-normalised (diacritics and tatweel removed, alef, yeh
//!   and teh marbuta folded, digits made ASCII), stopwords dropped, and
//!   light10-stemmed (which strips ال, وال, بال, كال, فال, لل, و and common
//!   suffixes). The same function is applied to every system and the headline.
//! * **ROUGE-n F** (n = 1, 2) between a system sentence and the headline: clipped
//!   n-gram overlap over the token sequences, P = overlap / system n-grams,
//!   R = overlap / headline n-grams, F = 2PR / (P + R), averaged over articles
//!   (0 for an article without a sentence).
//! * **Keyphrase recall@10**: the share of distinct headline tokens that occur
//!   among the tokens of the first 10 keyphrases, averaged over articles.

use std::collections::HashMap;

use khabar_text::{is_stopword, light_stem, normalize_into, tokenize, Profile, TokenKind};

/// An article is in the set when the hash of its id is divisible by this.
pub const SET_MODULUS: u64 = 50;

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The parts of the evaluation set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Tuned on.
    Dev,
    /// Reported.
    Test,
}

/// Which part of the evaluation set an article id belongs to, if any.
pub fn part_of(id: &str) -> Option<Part> {
    let h = fnv1a(id.as_bytes());
    if h % SET_MODULUS != 0 {
        return None;
    }
    Some(if (h / SET_MODULUS) % 2 == 0 { Part::Dev } else { Part::Test })
}

/// Whether an article of the set is scored (title and body sizes).
pub fn usable(title: &str, body: &str) -> bool {
    (300..=30_000).contains(&body.len()) && eval_tokens(title).len() >= 3
}

/// The evaluation tokens of a text: normalised, stopwords dropped, light10-stemmed.
pub fn eval_tokens(text: &str) -> Vec<String> {
    let mut buf = String::new();
    let mut out = Vec::new();
    for t in tokenize(text) {
        if !matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word | TokenKind::Number | TokenKind::Hashtag) {
            continue;
        }
        buf.clear();
        normalize_into(t.text(text), Profile::Search, &mut buf);
        if buf.is_empty() || is_stopword(&buf) {
            continue;
        }
        let stem = light_stem(&buf);
        if !stem.is_empty() {
            out.push(stem.to_lowercase());
        }
    }
    out
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m = HashMap::new();
    if n > 0 && tokens.len() >= n {
        for w in tokens.windows(n) {
            *m.entry(w).or_insert(0) += 1;
        }
    }
    m
}

/// ROUGE-n F1 of `system` against `reference` (token sequences from [`eval_tokens`]).
pub fn rouge_n(system: &[String], reference: &[String], n: usize) -> f64 {
    let s = ngrams(system, n);
    let r = ngrams(reference, n);
    let total_s: usize = s.values().sum();
    let total_r: usize = r.values().sum();
    if total_s == 0 || total_r == 0 {
        return 0.0;
    }
    let overlap: usize = s.iter().map(|(g, &c)| c.min(r.get(g).copied().unwrap_or(0))).sum();
    if overlap == 0 {
        return 0.0;
    }
    let p = overlap as f64 / total_s as f64;
    let rc = overlap as f64 / total_r as f64;
    2.0 * p * rc / (p + rc)
}

/// Share of the distinct headline tokens found among the keyphrases' tokens (the first `k` keyphrases).
pub fn keyphrase_recall<S: AsRef<str>>(keyphrases: &[S], headline: &[String], k: usize) -> f64 {
    let mut want: Vec<&String> = headline.iter().collect();
    want.sort_unstable();
    want.dedup();
    if want.is_empty() {
        return 0.0;
    }
    let have: std::collections::HashSet<String> = keyphrases.iter().take(k).flat_map(|p| eval_tokens(p.as_ref())).collect();
    want.iter().filter(|w| have.contains(w.as_str())).count() as f64 / want.len() as f64
}

/// Running means of one system's scores.
#[derive(Clone, Debug, Default)]
pub struct SystemScores {
    /// Articles with a summary scored.
    pub summaries: usize,
    /// Sum of ROUGE-1 F.
    pub rouge1: f64,
    /// Sum of ROUGE-2 F.
    pub rouge2: f64,
    /// Articles with keyphrases scored.
    pub keyphrase_articles: usize,
    /// Sum of keyphrase recall@10.
    pub recall: f64,
}

impl SystemScores {
    /// Score one article's first summary sentence.
    pub fn add_summary(&mut self, sentence: &str, headline: &[String]) {
        let s = eval_tokens(sentence);
        self.summaries += 1;
        self.rouge1 += rouge_n(&s, headline, 1);
        self.rouge2 += rouge_n(&s, headline, 2);
    }

    /// Score one article's keyphrases.
    pub fn add_keyphrases<S: AsRef<str>>(&mut self, keyphrases: &[S], headline: &[String]) {
        self.keyphrase_articles += 1;
        self.recall += keyphrase_recall(keyphrases, headline, 10);
    }

    /// Mean ROUGE-1 F, if any summary was scored.
    pub fn mean_rouge1(&self) -> Option<f64> {
        (self.summaries > 0).then(|| self.rouge1 / self.summaries as f64)
    }

    /// Mean ROUGE-2 F, if any summary was scored.
    pub fn mean_rouge2(&self) -> Option<f64> {
        (self.summaries > 0).then(|| self.rouge2 / self.summaries as f64)
    }

    /// Mean keyphrase recall@10, if any article's keyphrases were scored.
    pub fn mean_recall(&self) -> Option<f64> {
        (self.keyphrase_articles > 0).then(|| self.recall / self.keyphrase_articles as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn rouge_by_hand() {
        // 3 of 4 system unigrams in the 5-token reference: P 3/4, R 3/5, F = 2/3.
        let f = rouge_n(&toks("a b c x"), &toks("a b c d e"), 1);
        assert!((f - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        // bigrams: ab, bc of 3 system vs 4 reference: P 2/3, R 2/4.
        let f2 = rouge_n(&toks("a b c x"), &toks("a b c d e"), 2);
        assert!((f2 - 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5)).abs() < 1e-12);
        // clipping: a repeated unigram counts as often as in the reference.
        assert!((rouge_n(&toks("a a a a"), &toks("a b"), 1) - 2.0 * 0.25 * 0.5 / 0.75).abs() < 1e-12);
        assert_eq!(rouge_n(&[], &toks("a"), 1), 0.0);
    }

    #[test]
    fn tokens_fold_clitics_and_stopwords() {
        assert_eq!(eval_tokens("والمفاوضات في الرياض"), eval_tokens("مفاوضات رياض"));
        assert_eq!(keyphrase_recall(&["الرياض"], &eval_tokens("مفاوضات في الرياض"), 10), 0.5);
    }

    #[test]
    fn set_membership_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let n = (0..10_000).filter(|i| part_of(&format!("{i:016x}")).is_some()).count();
        assert!((100..300).contains(&n), "{n}");
    }
}
