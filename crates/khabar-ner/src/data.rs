//! Reading BIO files and gazetteer sources.

use std::path::Path;

use crate::features::{Gazetteer, G_COUNTRY, G_LOC, G_ORG, G_PER};
use crate::{Error, Result};

/// A gold tag: `None` for O, else (begins?, coarse type). Types: 0 PER, 1 LOC,
/// 2 ORG, 3 MISC, 4 another class (not scored).
pub type Tag = Option<(bool, u8)>;

/// A gold sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldSentence {
    /// Tokens as in the file.
    pub tokens: Vec<String>,
    /// Their tags (BIO repaired: an I- after O or another type becomes B-).
    pub tags: Vec<Tag>,
}

/// Parse one tag (tolerates the AQMAR/ANERCorp typos: `B-MIS1\``, `I--ORG`, `OO`, `IO`).
pub fn parse_tag(tag: &str) -> Tag {
    let t = tag.trim().trim_end_matches('`');
    let (b, rest) = if let Some(r) = t.strip_prefix("B-") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("I-") {
        (false, r)
    } else {
        return None;
    };
    let rest = rest.trim_start_matches('-').to_ascii_uppercase();
    let ty = match rest.as_str() {
        "PER" | "PERS" | "PERSON" => 0,
        "LOC" | "GPE" => 1,
        "ORG" => 2,
        r if r.starts_with("MIS") => 3,
        "" => return None,
        _ => 4,
    };
    Some((b, ty))
}

/// Parse BIO text: `token tag` per line, blank lines between sentences.
pub fn parse_bio(text: &str) -> Vec<GoldSentence> {
    let mut out = Vec::new();
    let mut cur = GoldSentence::default();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(tok) = parts.next() else { continue };
        let tag = parts.next().map(parse_tag).unwrap_or(None);
        cur.tokens.push(tok.to_string());
        cur.tags.push(tag);
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    for s in &mut out {
        repair(&mut s.tags);
    }
    out
}

/// I-X after O or after another type becomes B-X.
pub fn repair(tags: &mut [Tag]) {
    let mut prev: Tag = None;
    for t in tags.iter_mut() {
        if let Some((false, ty)) = *t {
            match prev {
                Some((_, p)) if p == ty => {}
                _ => *t = Some((true, ty)),
            }
        }
        prev = *t;
    }
}

/// Read a BIO file, or every `*.txt` file of a directory (sorted by name), for training or
/// scoring: every line is checked as [`parse_bio_strict`] checks it, so a line that is not
/// `token tag` is an [`Error::Data`] naming the file and line (the few tag typos of the real
/// sets are read as [`parse_tag`] reads them). A file without sentences is left to the caller.
pub fn read_bio(path: &Path) -> Result<Vec<GoldSentence>> {
    if path.is_dir() {
        let mut out = Vec::new();
        for f in bio_files(path)? {
            out.extend(read_bio(&f)?);
        }
        return Ok(out);
    }
    let text = read(path)?;
    parse_bio_strict(&text).map_err(|(line, msg)| Error::Data(format!("{}:{line}: {msg}", path.display())))
}

/// Read a gold BIO file (or every `*.txt` file of a directory) to score against: as
/// [`read_bio`], and a file without sentences is an [`Error::Data`] too. A plain text file, a
/// CoNLL-U file or tags of another scheme would otherwise get a meaningless score.
pub fn read_gold_bio(path: &Path) -> Result<Vec<GoldSentence>> {
    let gold = read_bio(path)?;
    if gold.is_empty() {
        return Err(Error::Data(format!(
            "{}: no sentences: expected `token tag` lines (BIO tags), a blank line between sentences",
            path.display()
        )));
    }
    Ok(gold)
}

/// Parse BIO text as [`parse_bio`] does, but refuse what is not `token tag` BIO: every non-blank
/// line must be exactly two fields (separated by white space), and the tags `O`, or `B-`/`I-`
/// followed by a type that is scored (PER/PERS/PERSON, LOC/GPE, ORG, MISC/MIS…). Real gold sets
/// hold a few typos (AQMAR has `IO`, `OO`, `I--ORG` among 74,000 tokens), read as [`parse_bio`]
/// reads them: other tags are refused only when they are more than 1% of the tagged lines, which
/// a file of another tag scheme is. The error is the 1-based line number and what is wrong with
/// it (for tags, the first line with one).
pub fn parse_bio_strict(text: &str) -> std::result::Result<Vec<GoldSentence>, (usize, String)> {
    let mut tagged = 0usize;
    let mut odd_tags = 0usize;
    let mut first_odd: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let shown = || {
            let short: String = line.chars().take(60).collect();
            if short.len() < line.len() {
                format!("{short:?}…")
            } else {
                format!("{short:?}")
            }
        };
        match fields[..] {
            [] => {}
            [_, tag] => {
                tagged += 1;
                if tag != "O" && parse_tag(tag).is_none_or(|(_, ty)| ty > 3) {
                    odd_tags += 1;
                    first_odd.get_or_insert_with(|| {
                        (
                            i + 1,
                            format!("{tag:?} is not a BIO tag khabar scores: expected O, or B- or I- followed by PER, LOC, ORG or MISC"),
                        )
                    });
                }
            }
            _ => {
                let hint = if line.split('\t').count() == 10 { " (this looks like CoNLL-U: `khabar eval ud` scores that)" } else { "" };
                return Err((i + 1, format!("expected `token tag`, found {} fields: {}{hint}", fields.len(), shown())));
            }
        }
    }
    if let Some(first) = first_odd.filter(|_| odd_tags * 100 > tagged) {
        return Err(first);
    }
    Ok(parse_bio(text))
}

/// The `*.txt` files of a directory, sorted (one per article).
pub fn bio_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.file_name().is_some_and(|n| n != "SOURCE.txt"))
        .collect();
    files.sort();
    Ok(files)
}

/// What becomes of a Wojood ORG span whose words are tagged GPE elsewhere in
/// the Wojood files read together (روسيا, الولايات المتحدة acting politically):
/// ANERCorp tags such countries and cities LOC wherever they occur.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WojoodGpeOrg {
    /// Keep the span as ORG.
    Keep,
    /// Tag it LOC (ANERCorp's convention).
    #[default]
    Loc,
    /// Leave the whole sentence out of training.
    Drop,
}

/// Our coarse type of a Wojood entity class (ANERCorp's conventions, checked
/// in its train file): people PER; GPE and LOC LOC; ORG ORG; events,
/// facilities, products and currencies MISC (ANERCorp tags بطولة، الحرب
/// العالمية، المسجد الأقصى، البيت الأبيض، دولار as MISC); nationalities and
/// groups (NORP: ANERCorp leaves العرب، الفلسطينيين، الإسرائيلي untagged),
/// occupations and titles, numbers, dates, laws, languages and web sites O.
pub fn wojood_type(class: &str) -> Option<u8> {
    match class {
        "PERS" => Some(0),
        "GPE" | "LOC" => Some(1),
        "ORG" => Some(2),
        "EVENT" | "FAC" | "PRODUCT" | "CURR" => Some(3),
        _ => None,
    }
}

/// Sentences of Wojood files (`token TAG [TAG …]`: nested entities, one
/// column per layer; SinaLab/ArabicNER sample), flattened to our four types,
/// one list per file. Spans are rebuilt per class over all columns (B-X then
/// I-X); classes mapped to O ([`wojood_type`]) are dropped first, then the
/// outermost remaining span wins, so an ORG or GPE inside an occupation
/// (سكرتير اللجنة القومية العربية في نابلس) is kept while a GPE inside an ORG
/// (بلدية نابلس) is not. The archive marker token `$#$` is left out.
///
/// `o_heads` (search-normalised words; empty: off) adapts Wojood's spans to
/// ANERCorp's convention of leaving head nouns out (ANERCorp tags وزارة،
/// صحيفة … O and only the name after them): the leading words of a span
/// that are in `o_heads` are dropped from it, and a span left empty is O.
pub fn read_wojood(
    paths: &[std::path::PathBuf],
    gpe_org: WojoodGpeOrg,
    o_heads: &std::collections::HashSet<String>,
) -> Result<Vec<Vec<GoldSentence>>> {
    let mut files = Vec::new();
    for p in paths {
        files.push(parse_wojood_spans(&read(p)?));
    }
    // forms tagged GPE anywhere: an ORG span with one of them is a country acting politically
    let key = |toks: &[String]| -> String {
        toks.iter().map(|t| khabar_text::normalize(t, khabar_text::Profile::Search)).collect::<Vec<_>>().join(" ")
    };
    let strip = |toks: &[String], a: usize, b: usize| -> usize {
        let mut a = a;
        while a < b && o_heads.contains(&khabar_text::normalize(&toks[a], khabar_text::Profile::Search)) {
            a += 1;
        }
        a
    };
    let mut gpe = std::collections::HashSet::new();
    for f in &files {
        for (toks, spans) in f {
            for &(a, b, ref c) in spans {
                let a = strip(toks, a, b);
                if c == "GPE" && a < b {
                    gpe.insert(key(&toks[a..b]));
                }
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        let mut sents = Vec::new();
        'sent: for (toks, spans) in f {
            let mut kept: Vec<(usize, usize, u8)> = Vec::new();
            for &(a, b, ref c) in &spans {
                let Some(mut ty) = wojood_type(c) else { continue };
                let a = strip(&toks, a, b);
                if a == b {
                    continue;
                }
                if ty == 2 && gpe.contains(&key(&toks[a..b])) {
                    match gpe_org {
                        WojoodGpeOrg::Keep => {}
                        WojoodGpeOrg::Loc => ty = 1,
                        WojoodGpeOrg::Drop => continue 'sent,
                    }
                }
                kept.push((a, b, ty));
            }
            // outermost first: longer spans before the spans they contain
            kept.sort_by_key(|&(a, b, _)| (a, std::cmp::Reverse(b)));
            let mut tags: Vec<Tag> = vec![None; toks.len()];
            for (a, b, ty) in kept {
                if tags[a..b].iter().any(|t| t.is_some()) {
                    continue;
                }
                for (k, t) in tags[a..b].iter_mut().enumerate() {
                    *t = Some((k == 0, ty));
                }
            }
            let mut s = GoldSentence::default();
            for (t, g) in toks.into_iter().zip(tags) {
                if t != "$#$" {
                    s.tokens.push(t);
                    s.tags.push(g);
                }
            }
            repair(&mut s.tags);
            if !s.tokens.is_empty() {
                sents.push(s);
            }
        }
        out.push(sents);
    }
    Ok(out)
}

/// Sentences of a Wojood file as tokens and (start, end, class) spans.
type WojoodSentence = (Vec<String>, Vec<(usize, usize, String)>);

fn parse_wojood_spans(text: &str) -> Vec<WojoodSentence> {
    let mut out = Vec::new();
    let mut toks: Vec<String> = Vec::new();
    let mut tags: Vec<Vec<String>> = Vec::new();
    let mut flush = |toks: &mut Vec<String>, tags: &mut Vec<Vec<String>>| {
        if toks.is_empty() {
            return;
        }
        let mut spans = Vec::new();
        for i in 0..toks.len() {
            for t in &tags[i] {
                if let Some(c) = t.strip_prefix("B-") {
                    let inside = format!("I-{c}");
                    let mut j = i + 1;
                    while j < toks.len() && tags[j].contains(&inside) {
                        j += 1;
                    }
                    spans.push((i, j, c.to_string()));
                }
            }
        }
        out.push((std::mem::take(toks), spans));
        tags.clear();
    };
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let Some(tok) = parts.next() else {
            flush(&mut toks, &mut tags);
            continue;
        };
        toks.push(tok.to_string());
        tags.push(parts.map(str::to_string).collect());
    }
    flush(&mut toks, &mut tags);
    out
}

/// A whole file as UTF-8: an [`Error::Data`] naming the file, the byte offset and line of the
/// first invalid byte when it is not.
fn read(p: &Path) -> Result<String> {
    let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
    String::from_utf8(bytes).map_err(|e| Error::Data(format!("{}: {}", p.display(), khabar_text::Utf8Problem::of(&e))))
}

/// Arabic exemplar city names of the Unicode CLDR time zones (419 names).
pub(crate) const CLDR_CITIES: &str = include_str!("../data/cldr_exemplar_cities_ar.txt");

/// The CLDR city names, search-normalised (words joined by one space); one-word
/// names of under 5 letters are left out (too often common words: ترك، سول، بلم).
pub(crate) fn city_names() -> &'static std::collections::HashSet<String> {
    static SET: std::sync::LazyLock<std::collections::HashSet<String>> = std::sync::LazyLock::new(|| {
        CLDR_CITIES
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter(|l| l.contains(' ') || l.chars().filter(|c| khabar_text::is_arabic_letter(*c)).count() >= 5)
            .map(|l| {
                let n = khabar_text::normalize(l, khabar_text::Profile::Search);
                n.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect()
    });
    &SET
}

/// Load the gazetteers of `dir` (the layout of /work/shared/data/gazetteers).
/// Missing sources are skipped.
pub fn load_gazetteers(dir: &Path) -> Result<Gazetteer> {
    let mut g = Gazetteer::default();
    let ag = dir.join("anergazet");
    for (file, bits) in [("AlignedPersGazetteer.txt", G_PER), ("AlignedLocGazetteer.txt", G_LOC), ("AlignedOrgGazetteer.txt", G_ORG)] {
        let p = ag.join(file);
        if p.exists() {
            for line in read(&p)?.lines() {
                let l = line.trim();
                if l.is_empty() || l.starts_with("===") || l.starts_with("***") {
                    continue;
                }
                g.insert(l, bits);
            }
        }
    }
    let iso = dir.join("iso_codes_ar/countries_ar.tsv");
    if iso.exists() {
        for line in read(&iso)?.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            for k in [3usize, 5] {
                if let Some(name) = f.get(k) {
                    if !name.trim().is_empty() {
                        g.insert(name, G_LOC | G_COUNTRY);
                    }
                }
            }
        }
    }
    let wc = dir.join("world_countries/countries.json");
    if wc.exists() {
        let v: serde_json::Value = serde_json::from_str(&read(&wc)?).map_err(|e| Error::Data(format!("{}: {e}", wc.display())))?;
        if let Some(arr) = v.as_array() {
            for c in arr {
                if let Some(ara) = c.pointer("/translations/ara") {
                    for k in ["common", "official"] {
                        if let Some(s) = ara.get(k).and_then(|x| x.as_str()) {
                            g.insert(s, G_LOC | G_COUNTRY);
                        }
                    }
                }
            }
        }
    }
    let cl = dir.join("cldr_ar_localenames/territories.json");
    if cl.exists() {
        let v: serde_json::Value = serde_json::from_str(&read(&cl)?).map_err(|e| Error::Data(format!("{}: {e}", cl.display())))?;
        if let Some(obj) = v.pointer("/main/ar/localeDisplayNames/territories").and_then(|x| x.as_object()) {
            for (code, name) in obj {
                if code.contains("-alt-") {
                    // alternative spellings are names too
                }
                if let Some(s) = name.as_str() {
                    g.insert(s, G_LOC | G_COUNTRY);
                }
            }
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_files_that_are_not_bio_are_refused_with_their_line() {
        // `khabar eval ner` scored such files (every token O, or an unknown type not counted).
        let good = "فلاديمير B-PER\nبوتين I-PERS\nفي O\n\nموسكو\tB-LOC\r\nو O\nالأمم B-ORG\nالكأس B-MISC\nكأس B-MIS1\n";
        assert_eq!(parse_bio_strict(good), Ok(parse_bio(good)));
        let conllu = "# text = وصل بوتين\n1\tوصل\tوصل\tVERB\t_\t_\t0\troot\t_\t_\n";
        let bad = [
            ("وصل بوتين إلى موسكو أمس.\n", 1, "found 5 fields"),
            (conllu, 1, "found 5 fields"),
            (&conllu[conllu.find('\n').unwrap() + 1..], 1, "looks like CoNLL-U"),
            ("a O\n\nb B-FOO\n", 3, "\"B-FOO\" is not a BIO tag"),
            ("a X\n", 1, "\"X\" is not a BIO tag"),
            ("a B-\n", 1, "\"B-\" is not a BIO tag"),
            ("a O\nb\n", 2, "found 1 fields"),
        ];
        for (text, line, msg) in bad {
            let e = parse_bio_strict(text).unwrap_err();
            assert_eq!(e.0, line, "{text:?}: {e:?}");
            assert!(e.1.contains(msg), "{text:?}: {e:?}");
        }
        // A gold set's rare typos (AQMAR: `IO`, `OO` among thousands of lines) are read as the
        // lenient reader reads them; past 1% of the tagged lines they are another scheme.
        let typo = format!("{}x IO\n", "w O\n".repeat(199));
        assert_eq!(parse_bio_strict(&typo), Ok(parse_bio(&typo)));
        let scheme = format!("{}x IO\ny OO\n", "w O\n".repeat(98));
        assert_eq!(parse_bio_strict(&scheme).unwrap_err().0, 99);
    }

    #[test]
    fn parses_bio_and_repairs() {
        let s =
            parse_bio("فلاديمير B-PERS\nبوتين I-PERS\nفي O\nموسكو I-LOC\n\n\nابن B-PER\nخلدون I-PER\r\nالقاهرة B-MIS2`\nتاس I--ORG\nx OO\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, vec!["فلاديمير", "بوتين", "في", "موسكو"]);
        assert_eq!(s[0].tags, vec![Some((true, 0)), Some((false, 0)), None, Some((true, 1))]);
        assert_eq!(s[1].tags, vec![Some((true, 0)), Some((false, 0)), Some((true, 3)), Some((true, 2)), None]);
    }

    #[test]
    fn wojood_is_flattened_to_the_outermost_kept_span() {
        let dir = std::env::temp_dir().join(format!("khabar-ner-wojood-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("w.txt");
        let text = "حرصت O\nروسيا B-ORG\nو O\nبلدية B-ORG\nنابلس I-ORG B-GPE\n$#$ O\n\n\
                    سكرتير B-OCC\nاللجنة I-OCC B-ORG\nالعربية I-OCC I-ORG\nفي I-OCC\nروسيا I-OCC B-GPE\nالعرب B-NORP\n";
        std::fs::write(&p, text).unwrap();
        let loc = read_wojood(std::slice::from_ref(&p), WojoodGpeOrg::Loc, &Default::default()).unwrap();
        assert_eq!(loc.len(), 1);
        let s = &loc[0];
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens.len(), 5, "the $#$ marker is left out");
        assert_eq!(s[0].tags, vec![None, Some((true, 1)), None, Some((true, 2)), Some((false, 2))]);
        assert_eq!(s[1].tags, vec![None, Some((true, 2)), Some((false, 2)), None, Some((true, 1)), None]);
        let keep = read_wojood(std::slice::from_ref(&p), WojoodGpeOrg::Keep, &Default::default()).unwrap();
        assert_eq!(keep[0][0].tags[1], Some((true, 2)));
        let drop = read_wojood(std::slice::from_ref(&p), WojoodGpeOrg::Drop, &Default::default()).unwrap();
        assert_eq!(drop[0].len(), 1);
        let heads: std::collections::HashSet<String> = ["بلديه".to_string()].into_iter().collect();
        let h = read_wojood(std::slice::from_ref(&p), WojoodGpeOrg::Loc, &heads).unwrap();
        assert_eq!(h[0][0].tags[3..], [None, Some((true, 1))], "بلدية dropped, نابلس left: a GPE elsewhere");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn tag_names() {
        assert_eq!(parse_tag("B-GPE"), Some((true, 1)));
        assert_eq!(parse_tag("I-PERSON"), Some((false, 0)));
        assert_eq!(parse_tag("B-FAC"), Some((true, 4)));
        assert_eq!(parse_tag("O"), None);
        assert_eq!(parse_tag("IO"), None);
    }
}
