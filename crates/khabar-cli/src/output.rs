//! Writers for `khabar analyze`: readable text, JSON lines and CoNLL-U.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use khabar::Analysis;
use khabar_text::TokenKind;

/// CoNLL-U for one analysed text. `sent_id` numbers sentences across the run.
pub fn write_conllu(out: &mut impl Write, name: &str, a: &Analysis, sent_id: &mut usize) -> io::Result<()> {
    writeln!(out, "# newdoc id = {}", one_line(a.id.as_deref().unwrap_or(name)))?;
    for (si, s) in a.sentences.iter().enumerate() {
        *sent_id += 1;
        writeln!(out, "# sent_id = {sent_id}")?;
        writeln!(out, "# text = {}", one_line(&s.text))?;
        let next_sentence_start = a.sentences.get(si + 1).map(|n| n.start);
        for (i, ti) in (s.token_start..s.token_end).enumerate() {
            let t = &a.tokens[ti];
            let next_start = a.tokens.get(ti + 1).map(|n| n.start).filter(|_| ti + 1 < s.token_end).or(next_sentence_start);
            let no_space = next_start == Some(t.end);
            let (head, deprel) = if i == 0 { (0, "root") } else { (1, "dep") };
            let misc = if no_space { "SpaceAfter=No" } else { "_" };
            writeln!(out, "{}\t{}\t_\t_\t_\t_\t{head}\t{deprel}\t_\t{misc}", i + 1, t.text)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Comment lines cannot hold line breaks or tabs.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect()
}

/// The readable summary for a person.
pub fn write_pretty(out: &mut impl Write, name: &str, a: &Analysis) -> io::Result<()> {
    let title = a.id.as_deref().unwrap_or(name);
    writeln!(out, "══ {title} ══")?;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &a.tokens {
        *kinds.entry(t.kind.name()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "{} bytes · {} sentences · {} tokens ({})", a.length, a.sentences.len(), a.tokens.len(), kinds.join(" · "))?;

    // The most frequent content words, counted by light stem and shown in
    // their most frequent surface form.
    let mut stems: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
    for t in a.tokens.iter().filter(|t| t.kind == TokenKind::Arabic && !t.stopword) {
        if let Some(stem) = t.stem.as_deref().filter(|s| s.chars().count() > 2) {
            let e = stems.entry(stem).or_default();
            e.0 += 1;
            *e.1.entry(t.text.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<(usize, &str)> = stems
        .into_values()
        .filter(|(n, _)| *n > 1)
        .map(|(n, forms)| (n, forms.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map_or("", |f| f.0)))
        .collect();
    top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    if !top.is_empty() {
        let words: Vec<String> = top.iter().take(12).map(|(n, form)| format!("{form} ×{n}")).collect();
        writeln!(out, "frequent words: {}", words.join("، "))?;
    }
    writeln!(out)?;
    let width = a.sentences.len().to_string().len();
    for (i, s) in a.sentences.iter().enumerate() {
        writeln!(out, "{:>width$}  {}", i + 1, one_line(&s.text))?;
    }
    writeln!(out)?;
    Ok(())
}
