//! Writers for `khabar analyze`: readable text, JSON lines and CoNLL-U.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use khabar::Analysis;
use khabar_text::TokenKind;

/// CoNLL-U for one analysed text. `sent_id` numbers sentences across the run.
/// A text without tokens (empty, white space) writes nothing: a `# newdoc`
/// comment must belong to a sentence, and it would otherwise join the next one.
pub fn write_conllu(out: &mut impl Write, name: &str, a: &Analysis, sent_id: &mut usize) -> io::Result<()> {
    if a.sentences.is_empty() {
        return Ok(());
    }
    write_newdoc(out, a.id.as_deref().unwrap_or(name))?;
    write_conllu_sentences(out, a, sent_id)
}

/// The `# newdoc id = …` line that opens a document in CoNLL-U.
pub fn write_newdoc(out: &mut impl Write, id: &str) -> io::Result<()> {
    writeln!(out, "# newdoc id = {}", one_line(id))
}

/// The sentence blocks of [`write_conllu`] without the `# newdoc` line (for
/// the later pieces of a long document).
pub fn write_conllu_sentences(out: &mut impl Write, a: &Analysis, sent_id: &mut usize) -> io::Result<()> {
    let mut ent_cursor = 0usize;
    for (si, s) in a.sentences.iter().enumerate() {
        *sent_id += 1;
        writeln!(out, "# sent_id = {sent_id}")?;
        writeln!(out, "# text = {}", sentence_text(a, s))?;
        let next_sentence_start = a.sentences.get(si + 1).map(|n| n.start);
        let mut id = 0usize;
        for ti in s.token_start..s.token_end {
            let t = &a.tokens[ti];
            let no_space = match a.tokens.get(ti + 1).filter(|_| ti + 1 < s.token_end) {
                // Inside the sentence: no space when nothing but format controls (a bidi mark,
                // a zero-width space) separates the tokens, as `# text` shows them.
                Some(n) => !space_between(s, t, n),
                None => next_sentence_start == Some(t.end),
            };
            let ne = entity_tag(a, ti, &mut ent_cursor);
            let misc = match (no_space, ne) {
                (true, Some(tag)) => format!("NE={tag}|SpaceAfter=No"),
                (false, Some(tag)) => format!("NE={tag}"),
                (true, None) => "SpaceAfter=No".to_owned(),
                (false, None) => "_".to_owned(),
            };
            let misc = misc.as_str();
            let word_line = |out: &mut dyn Write, id: &mut usize, form: &str, lemma: &str, upos: &str, misc: &str| -> io::Result<()> {
                *id += 1;
                let (head, deprel) = if *id == 1 { (0, "root") } else { (1, "dep") };
                writeln!(
                    out,
                    "{id}\t{}\t{}\t{}\t_\t_\t{head}\t{deprel}\t_\t{misc}",
                    field(form, &t.text),
                    field(lemma, "_"),
                    field(upos, "_")
                )
            };
            match t.words.as_slice() {
                [] => word_line(out, &mut id, &t.text, "_", "_", misc)?,
                [w] => word_line(out, &mut id, &t.text, &w.lemma, &w.upos, misc)?,
                words => {
                    writeln!(out, "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{misc}", id + 1, id + words.len(), field(&t.text, "_"))?;
                    for w in words {
                        word_line(out, &mut id, &w.form, &w.lemma, &w.upos, "_")?;
                    }
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The BIO tag of token `ti` (`B-PER`, `I-LOC`, …): `B` on the first token an
/// entity overlaps, `I` on the following ones. `cursor` walks the entities in order.
fn entity_tag(a: &Analysis, ti: usize, cursor: &mut usize) -> Option<String> {
    let t = &a.tokens[ti];
    while *cursor < a.entities.len() && a.entities[*cursor].end <= t.start {
        *cursor += 1;
    }
    let e = a.entities.get(*cursor)?;
    if e.start >= t.end {
        return None;
    }
    let first = ti == 0 || a.tokens[ti - 1].end <= e.start;
    Some(format!("{}-{}", if first { "B" } else { "I" }, e.kind))
}

/// A CoNLL-U column: no tabs, line breaks or spaces, never empty.
fn field<'a>(value: &'a str, fallback: &'a str) -> std::borrow::Cow<'a, str> {
    if value.is_empty() {
        return fallback.into();
    }
    if value.chars().any(char::is_whitespace) {
        let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        return if v.is_empty() { fallback.to_owned().into() } else { v.into() };
    }
    value.into()
}

/// Whether the text of sentence `s` between its tokens `t` and `n` reads as a space: white
/// space or a control character (format controls alone do not).
fn space_between(s: &khabar::SentenceRecord, t: &khabar::TokenRecord, n: &khabar::TokenRecord) -> bool {
    let gap = s.text.get(t.end.saturating_sub(s.start)..n.start.saturating_sub(s.start)).unwrap_or(" ");
    gap.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The `# text` of a sentence: its tokens as written, one space where white space or control
/// characters separate two of them, nothing where only format controls do (U+200F between
/// two words), so that the FORMs joined by `SpaceAfter` give `# text` back, as UD requires.
fn sentence_text(a: &Analysis, s: &khabar::SentenceRecord) -> String {
    let mut text = String::with_capacity(s.text.len());
    let tokens = a.tokens.get(s.token_start..s.token_end).unwrap_or_default();
    for (i, t) in tokens.iter().enumerate() {
        text.push_str(&one_line(&t.text));
        if let Some(n) = tokens.get(i + 1) {
            if space_between(s, t, n) {
                text.push(' ');
            }
        }
    }
    text
}

/// Comment lines cannot hold line breaks or tabs, and text shown on a
/// terminal must not carry control characters (an ESC from the input would
/// drive the terminal): both are shown as spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_whitespace() || c.is_control() { ' ' } else { c }).collect()
}

/// The readable summary for a person.
/// Keyphrases and summary, shown first in the readable output.
fn write_digest(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    if !a.keyphrases.is_empty() {
        let list: Vec<String> = a
            .keyphrases
            .iter()
            .map(|k| if k.spans.len() > 1 { format!("{} ×{}", one_line(&k.text), k.spans.len()) } else { one_line(&k.text) })
            .collect();
        writeln!(out, "keyphrases: {}", list.join("، "))?;
    }
    if !a.summary.is_empty() {
        writeln!(out, "summary:")?;
        for s in &a.summary {
            writeln!(out, "  • {}", one_line(&s.text))?;
        }
    }
    if !a.keyphrases.is_empty() || !a.summary.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

pub fn write_pretty(out: &mut impl Write, name: &str, a: &Analysis) -> io::Result<()> {
    let title = one_line(a.id.as_deref().unwrap_or(name));
    writeln!(out, "══ {title} ══")?;
    write_digest(out, a)?;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &a.tokens {
        *kinds.entry(t.kind.name()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let kinds = if kinds.is_empty() { String::new() } else { format!(" ({})", kinds.join(" · ")) };
    writeln!(out, "{} bytes · {} sentences · {} tokens{kinds}", a.length, a.sentences.len(), a.tokens.len())?;

    // Entities grouped by type, each canonical name with its mention count.
    if !a.entities.is_empty() {
        let mut by_type: BTreeMap<&str, HashMap<&str, usize>> = BTreeMap::new();
        for e in &a.entities {
            *by_type.entry(e.kind.as_str()).or_default().entry(e.canonical.as_str()).or_default() += 1;
        }
        for kind in ["PER", "LOC", "ORG", "MISC"] {
            let Some(names) = by_type.get(kind) else { continue };
            let mut names: Vec<_> = names.iter().collect();
            names.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let label = match kind {
                "PER" => "people",
                "LOC" => "places",
                "ORG" => "organisations",
                _ => "other names",
            };
            let list: Vec<String> = names.iter().map(|(n, c)| if **c > 1 { format!("{n} ×{c}") } else { (**n).to_owned() }).collect();
            writeln!(out, "{label} ({kind}): {}", list.join("، "))?;
        }
    }

    // Parts of speech of the syntactic words, when morphology ran.
    let mut upos: BTreeMap<&str, usize> = BTreeMap::new();
    let mut n_words = 0;
    for w in a.tokens.iter().flat_map(|t| &t.words) {
        *upos.entry(w.upos.as_str()).or_default() += 1;
        n_words += 1;
    }
    if n_words > 0 {
        let mut by_count: Vec<_> = upos.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let tags: Vec<String> = by_count.iter().map(|(t, n)| format!("{t} {n}")).collect();
        writeln!(out, "{n_words} words after clitic splitting: {}", tags.join(" · "))?;
    }

    // The most frequent content words, shown in their most frequent form
    // (without morphology: counted by light stem).
    // With morphology: content words (clitics split off) counted by lemma.
    let mut stems: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
    for t in a.tokens.iter().filter(|t| t.kind == TokenKind::Arabic && !t.stopword) {
        if t.words.is_empty() {
            if let Some(stem) = t.stem.as_deref().filter(|s| s.chars().count() > 2) {
                let e = stems.entry(stem).or_default();
                e.0 += 1;
                *e.1.entry(t.text.as_str()).or_default() += 1;
            }
            continue;
        }
        for w in
            t.words.iter().filter(|w| matches!(w.upos.as_str(), "NOUN" | "PROPN" | "ADJ" | "VERB" | "X") && w.lemma.chars().count() > 2)
        {
            let e = stems.entry(w.lemma.as_str()).or_default();
            e.0 += 1;
            *e.1.entry(w.form.as_str()).or_default() += 1;
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
