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

/// Read a BIO file, or every `*.txt` file of a directory (sorted by name).
pub fn read_bio(path: &Path) -> Result<Vec<GoldSentence>> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| Error::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.file_name().is_some_and(|n| n != "SOURCE.txt"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            out.extend(read_bio(&f)?);
        }
        return Ok(out);
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_bio(&text))
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

fn read(p: &Path) -> Result<String> {
    std::fs::read_to_string(p).map_err(|e| Error::io(p, e))
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
    fn parses_bio_and_repairs() {
        let s =
            parse_bio("فلاديمير B-PERS\nبوتين I-PERS\nفي O\nموسكو I-LOC\n\n\nابن B-PER\nخلدون I-PER\r\nالقاهرة B-MIS2`\nتاس I--ORG\nx OO\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, vec!["فلاديمير", "بوتين", "في", "موسكو"]);
        assert_eq!(s[0].tags, vec![Some((true, 0)), Some((false, 0)), None, Some((true, 1))]);
        assert_eq!(s[1].tags, vec![Some((true, 0)), Some((false, 0)), Some((true, 3)), Some((true, 2)), None]);
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
