//! Minimal CoNLL-U reader: surface tokens (multi-word token ranges) with their syntactic words.

use std::path::Path;

use crate::{Error, Result, Upos};

/// One syntactic word of the gold data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldWord {
    pub form: String,
    pub upos: Upos,
    /// `_` when the file has no lemma.
    pub lemma: String,
}

/// One surface token with its syntactic words (one word when there is no multi-word range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldToken {
    pub surface: String,
    pub words: Vec<GoldWord>,
}

/// A sentence of the gold data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    pub text: Option<String>,
    pub tokens: Vec<GoldToken>,
}

/// Read a CoNLL-U file.
pub fn read_conllu(path: &Path) -> Result<Vec<Sentence>> {
    let s = crate::read_to_string(path)?;
    parse_conllu(&s).map_err(|e| match e {
        Error::Parse { line, msg, .. } => Error::Parse { file: path.display().to_string(), line, msg },
        e => e,
    })
}

/// Parse CoNLL-U text.
pub fn parse_conllu(text: &str) -> Result<Vec<Sentence>> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    // remaining words expected for the open multi-word token
    let mut open = 0usize;
    for (ln, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.text = None;
            open = 0;
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            if let Some(t) = rest.trim_start().strip_prefix("text =") {
                cur.text = Some(t.trim().to_string());
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            return Err(Error::Parse { file: String::new(), line: ln + 1, msg: "fewer than 4 columns".into() });
        }
        let id = cols[0];
        if id.contains('.') {
            continue; // empty node
        }
        if let Some((a, b)) = id.split_once('-') {
            let (a, b): (usize, usize) = match (a.parse(), b.parse()) {
                (Ok(a), Ok(b)) if b >= a => (a, b),
                _ => return Err(Error::Parse { file: String::new(), line: ln + 1, msg: format!("bad range {id}") }),
            };
            cur.tokens.push(GoldToken { surface: cols[1].to_string(), words: Vec::new() });
            open = b - a + 1;
            continue;
        }
        let w = GoldWord { form: cols[1].to_string(), upos: Upos::parse(cols[3]), lemma: cols[2].to_string() };
        if open > 0 {
            if let Some(t) = cur.tokens.last_mut() {
                t.words.push(w);
            }
            open -= 1;
        } else {
            cur.tokens.push(GoldToken { surface: w.form.clone(), words: vec![w] });
        }
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    // drop multi-word tokens that had no word lines
    for s in &mut out {
        s.tokens.retain(|t| !t.words.is_empty());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse_mwt() {
        let t = "# text = في عددها\n1\tفي\t_\tADP\t_\t_\t_\t_\t_\t_\n2-3\tعددها\t_\t_\t_\t_\t_\t_\t_\t_\n2\tعدد\t_\tNOUN\t_\t_\t_\t_\t_\t_\n3\tها\t_\tPRON\t_\t_\t_\t_\t_\t_\n\n";
        let s = parse_conllu(t).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].tokens.len(), 2);
        assert_eq!(s[0].tokens[1].surface, "عددها");
        assert_eq!(s[0].tokens[1].words.len(), 2);
        assert_eq!(s[0].tokens[1].words[1].upos, Upos::PRON);
        assert_eq!(s[0].text.as_deref(), Some("في عددها"));
    }
}
