//! Canonical names: one name per entity within a document, stable across
//! documents.
//!
//! Rule (it depends only on the mention strings, never on document order):
//!
//! 1. Each mention gets a *display form*: its text with diacritics, tatweel
//!    and format controls removed, whitespace collapsed to one space, and
//!    the article put back when it was elided after ل (للعراق → العراق).
//!    Attached proclitics are already outside the entity span.
//! 2. Its *key* is the display form search-normalised (alef/hamza, yeh,
//!    teh marbuta folded), with spaces, hyphens and a leading article
//!    removed: بيونغ يانغ, بيونغيانغ and بيونغ-يانغ share the key بيونغيانغ.
//! 3. Mentions of one type with one key form a group. A one-word PER group
//!    whose key equals the key of the last word of a multi-word PER group of
//!    the same document joins it (بوتين → فلاديمير بوتين); if several
//!    multi-word groups qualify, the one with most mentions, then the longest
//!    key, then the smallest key wins. Failing that, a one-word PER group equal
//!    to the first word of exactly one multi-word PER group joins it
//!    (كيم → كيم جونغ أون); a first name shared by two full names stays apart.
//! 4. A group's canonical is the display form of its members with the most
//!    words, then the most frequent, then the smallest string (byte order),
//!    so the same set of mention strings always gives the same canonical.
//! 5. Across documents: the model carries a full-name list learned at
//!    training time from the gold PER entities of the training data (see
//!    `train::full_names`: surname → the full name it ends in at least 60% of
//!    its full-name uses, seen at least twice). A PER group made only of
//!    one-word mentions whose key is a listed surname takes that full name as
//!    canonical (بوتين alone → فلاديمير بوتين, as in a document that names him
//!    in full); a PER group whose canonical has the key of a listed full name
//!    takes the list's spelling (one form for spelling variants). A full name
//!    in the document always wins over the list (rule 3 runs first), so a
//!    document about another person with the same surname keeps its own name.
//! 6. Written form: the words عبد ال… of a canonical are written as one
//!    word (عبد العزيز → عبدالعزيز, عبد الله → عبدالله), the spelling Saudi
//!    news uses most (21,912 joined against 5,742 spaced in SaudiNewsNet), so
//!    that documents writing the name either way give one canonical
//!    (سلمان بن عبد العزيز and سلمان بن عبدالعزيز). The key is unchanged (it
//!    drops spaces), and so are rules 3 and 4, which see the mentions as
//!    written.

use std::collections::BTreeMap;

use khabar_text::{is_arabic_mark, is_format_control, normalize, Profile};

use crate::post::majority_type;
use crate::{Entity, EntityType};

/// Surname key → full display name (rule 5); ordered so models serialise deterministically.
pub type FullNames = BTreeMap<String, String>;

/// The display form of a mention (rule 1).
pub fn display_form(text: &str, elided_article: bool) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    if elided_article {
        out.push_str("ال");
    }
    let mut space = false;
    for c in text.chars() {
        if is_arabic_mark(c) || c == '\u{0640}' || is_format_control(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Rule 6: every word عبد of `c` followed by a word ال… (at least two letters after the
/// article) joined to it.
pub fn joined_abd(c: &str) -> String {
    let words: Vec<&str> = c.split(' ').collect();
    let mut out = String::with_capacity(c.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 && !(words[i - 1] == "عبد" && w.starts_with("ال") && w.chars().count() >= 4) {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The matching key of a display form (rule 2).
pub fn key(display: &str) -> String {
    let n = normalize(display, Profile::Search);
    let k: String = n.chars().filter(|&c| !(c.is_whitespace() || c == '-' || c == '\u{2010}' || c == '_')).collect();
    match k.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 3 => rest.to_string(),
        _ => k,
    }
}

/// The canonical of a name met alone, as rules 1, 2 and 5 give it to a text that names it
/// only so (no other mention to join): a person's surname takes its full name from the
/// list (بوتين → فلاديمير بوتين), a person's full name the list's spelling of it; otherwise
/// the display form. For looking up a name as a user types it.
pub fn lone(text: &str, per: bool, full: &FullNames) -> String {
    let c = display_form(text, false);
    match per.then(|| listed_full_name(&c, &key(&c), full)).flatten() {
        Some(f) => joined_abd(f),
        None => joined_abd(&c),
    }
}

/// Rule 5: the model's list entry for a person whose canonical is `c` (its key `k`): a surname
/// alone takes its full name from the list (بوتين → فلاديمير بوتين); a full name takes the
/// list's spelling of itself, found under its last word. `None` when the list has neither.
fn listed_full_name<'a>(c: &str, k: &str, full: &'a FullNames) -> Option<&'a String> {
    if !c.contains(' ') {
        full.get(k)
    } else {
        c.rsplit(' ').next().and_then(|lw| full.get(&key(lw))).filter(|f| key(f) == k)
    }
}

/// One type per name, on the finished spans: mentions with one matching key
/// that were typed differently all take the type most of them have (on a tie,
/// the larger summed score). The tagger's own rule compares names before the
/// span builder strips a proclitic, so لبنما (ORG) and بنما (LOC) reach this
/// point as one name with two types.
fn one_type_per_key(ents: &mut [Entity], keys: &[String]) {
    let index = |t: EntityType| EntityType::ALL.iter().position(|&x| x == t).unwrap_or(0);
    let mut votes: BTreeMap<&str, [(u32, f32); 4]> = BTreeMap::new();
    for (e, k) in ents.iter().zip(keys) {
        let v = votes.entry(k.as_str()).or_insert([(0, 0.0); 4]);
        v[index(e.kind)].0 += 1;
        v[index(e.kind)].1 += e.score;
    }
    for (e, k) in ents.iter_mut().zip(keys) {
        if let Some(best) = votes.get(k.as_str()).and_then(majority_type) {
            e.kind = EntityType::ALL[best];
        }
    }
}

/// Fill `canonical` of every entity (`elided[i]` tells whether entity i lost an elided article).
pub fn assign(ents: &mut [Entity], elided: &[bool], full: &FullNames) {
    let n = ents.len();
    let disp: Vec<String> = (0..n).map(|i| display_form(&ents[i].text, elided.get(i).copied().unwrap_or(false))).collect();
    let keys: Vec<String> = disp.iter().map(|d| key(d)).collect();
    one_type_per_key(ents, &keys);
    // groups by (type, key)
    let mut groups: BTreeMap<(EntityType, String), Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        groups.entry((ents[i].kind, keys[i].clone())).or_default().push(i);
    }
    let canon_of = |members: &[usize]| -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for &m in members {
            *counts.entry(disp[m].as_str()).or_insert(0) += 1;
        }
        let mut best: Option<(&str, usize, usize)> = None;
        for (&d, &c) in &counts {
            let words = d.split(' ').count();
            let better = match best {
                None => true,
                Some((bd, bw, bc)) => (words, c) > (bw, bc) || ((words, c) == (bw, bc) && d < bd),
            };
            if better {
                best = Some((d, words, c));
            }
        }
        best.map(|b| b.0.to_string()).unwrap_or_default()
    };
    // PER short-name merging
    let mut last_word: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut first_word: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((t, k), members) in &groups {
        if *t != EntityType::Per {
            continue;
        }
        for &m in members {
            if let (Some(fw), Some(lw)) = (disp[m].split(' ').next(), disp[m].rsplit(' ').next()) {
                if disp[m].contains(' ') {
                    let (fk, lk) = (key(fw), key(lw));
                    let l = last_word.entry(lk).or_default();
                    if !l.contains(k) {
                        l.push(k.clone());
                    }
                    let f = first_word.entry(fk).or_default();
                    if !f.contains(k) {
                        f.push(k.clone());
                    }
                }
            }
        }
    }
    let pick = |cands: &Vec<String>, k: &String| -> Option<String> {
        cands
            .iter()
            .filter(|c| *c != k)
            .max_by(|a, b| {
                let ga = &groups[&(EntityType::Per, (*a).clone())];
                let gb = &groups[&(EntityType::Per, (*b).clone())];
                (ga.len(), a.len()).cmp(&(gb.len(), b.len())).then_with(|| b.cmp(a))
            })
            .cloned()
    };
    let mut target: BTreeMap<(EntityType, String), (EntityType, String)> = BTreeMap::new();
    for ((t, k), members) in &groups {
        if *t != EntityType::Per || members.iter().any(|&m| disp[m].contains(' ')) {
            continue;
        }
        // the last word of a full name (بوتين → فلاديمير بوتين); failing that, the
        // first word of exactly one full name (كيم → كيم جونغ أون)
        let best = match last_word.get(k).and_then(|c| pick(c, k)) {
            Some(b) => Some(b),
            None => first_word.get(k).filter(|c| c.len() == 1).and_then(|c| pick(c, k)),
        };
        if let Some(b) = best {
            target.insert((*t, k.clone()), (EntityType::Per, b));
        }
    }
    let mut merged: BTreeMap<(EntityType, String), Vec<usize>> = BTreeMap::new();
    for (g, members) in groups {
        let t = target.get(&g).cloned().unwrap_or(g);
        merged.entry(t).or_default().extend(members);
    }
    for ((t, k), members) in &merged {
        // the canonical comes from the full names (members with the most words)
        let mut c = canon_of(members);
        if *t == EntityType::Per && !full.is_empty() {
            // rule 5; a surname alone is its group's only form, so the group's key is its key
            let ck = if c.contains(' ') { key(&c) } else { k.clone() };
            if let Some(f) = listed_full_name(&c, &ck, full) {
                c = f.clone();
            }
        }
        let c = joined_abd(&c);
        for &m in members {
            ents[m].canonical = c.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(text: &str, kind: EntityType) -> Entity {
        Entity { start: 0, end: text.len(), text: text.to_string(), kind, canonical: String::new(), score: 1.0 }
    }

    /// Rule 6: two documents that write one name with and without the space
    /// give it one canonical; the key is the same either way.
    #[test]
    fn abd_names_are_written_one_way() {
        let mut a = vec![ent("سلمان بن عبدالعزيز", EntityType::Per), ent("جامعة الملك عبدالعزيز", EntityType::Org)];
        let mut b = vec![ent("سلمان بن عبد العزيز", EntityType::Per), ent("جامعة الملك عبد العزيز", EntityType::Org)];
        assign(&mut a, &[false; 2], &FullNames::new());
        assign(&mut b, &[false; 2], &FullNames::new());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.canonical, y.canonical);
            assert!(x.canonical.ends_with(" عبدالعزيز"), "{x:?}");
            assert_eq!(key(&x.text), key(&y.text));
        }
        assert_eq!(joined_abd("علي عبد الله صالح"), "علي عبدالله صالح");
        // not a compound: too short after the article, no article, or عبد last
        assert_eq!(joined_abd("عبد ال"), "عبد ال");
        assert_eq!(joined_abd("عبد ربه منصور"), "عبد ربه منصور");
        assert_eq!(joined_abd("محمد عبد"), "محمد عبد");
        assert_eq!(lone("عبد الرحمن", false, &FullNames::new()), "عبدالرحمن");
    }

    #[test]
    fn short_and_full_names_share_one_canonical() {
        // بوتين / فلاديمير بوتين / لبوتين (the span of لبوتين is بوتين: the clitic is outside)
        let mut e = vec![
            ent("بوتين", EntityType::Per),
            ent("فلاديمير بوتين", EntityType::Per),
            ent("بوتين", EntityType::Per),
            ent("بوتينُ", EntityType::Per),
        ];
        assign(&mut e, &[false; 4], &FullNames::new());
        for x in &e {
            assert_eq!(x.canonical, "فلاديمير بوتين");
        }
    }

    #[test]
    fn one_name_typed_two_ways_takes_the_majority_type() {
        let mut e = vec![
            ent("بنما", EntityType::Org),
            ent("بنما", EntityType::Loc),
            ent("بنما", EntityType::Org),
            ent("كيم", EntityType::Per),
            ent("أوروس", EntityType::Org),
            ent("أوروس", EntityType::Misc),
        ];
        e[5].score = 2.0;
        assign(&mut e, &[false; 6], &FullNames::new());
        let kinds: Vec<EntityType> = e.iter().map(|x| x.kind).collect();
        // the majority; an untouched single type; on a tie, the larger summed score
        assert_eq!(kinds[..3], [EntityType::Org; 3]);
        assert_eq!(kinds[3], EntityType::Per);
        assert_eq!(kinds[4..], [EntityType::Misc; 2]);
        assert_eq!(e[0].canonical, e[1].canonical);
    }

    #[test]
    fn transliteration_variants_share_one_canonical() {
        let mut e = vec![
            ent("بيونغ يانغ", EntityType::Loc),
            ent("بيونغيانغ", EntityType::Loc),
            ent("بيونغ-يانغ", EntityType::Loc),
            ent("بيونغ يانغ", EntityType::Loc),
        ];
        assign(&mut e, &[false; 4], &FullNames::new());
        for x in &e {
            assert_eq!(x.canonical, "بيونغ يانغ");
        }
    }

    #[test]
    fn spelling_variants_and_elided_article() {
        // أمريكا / امريكا share a key; للعراق (span عراق, article elided) joins العراق
        let mut e = vec![
            ent("أمريكا", EntityType::Loc),
            ent("امريكا", EntityType::Loc),
            ent("أمريكا", EntityType::Loc),
            ent("العراق", EntityType::Loc),
            ent("عراق", EntityType::Loc),
        ];
        assign(&mut e, &[false, false, false, false, true], &FullNames::new());
        assert_eq!(e[0].canonical, "أمريكا");
        assert_eq!(e[1].canonical, "أمريكا");
        assert_eq!(e[3].canonical, "العراق");
        assert_eq!(e[4].canonical, "العراق");
    }

    #[test]
    fn canonical_does_not_depend_on_order() {
        let names = ["كيم", "كيم جونغ أون", "جونغ أون"];
        let mut a: Vec<Entity> = names.iter().map(|n| ent(n, EntityType::Per)).collect();
        let mut b: Vec<Entity> = names.iter().rev().map(|n| ent(n, EntityType::Per)).collect();
        assign(&mut a, &[false; 3], &FullNames::new());
        assign(&mut b, &[false; 3], &FullNames::new());
        let ca: Vec<&str> = a.iter().map(|x| x.canonical.as_str()).collect();
        let mut cb: Vec<&str> = b.iter().map(|x| x.canonical.as_str()).collect();
        cb.reverse();
        assert_eq!(ca, cb);
        // كيم is the first word of exactly one full name: it joins it
        assert_eq!(a[0].canonical, "كيم جونغ أون");
        assert_eq!(a[1].canonical, "كيم جونغ أون");
        // جونغ أون is two words, not a one-word mention: it stays its own group
        assert_eq!(a[2].canonical, "جونغ أون");
    }

    #[test]
    fn types_are_kept_apart() {
        // the city is not folded into the person whose surname it shares
        let mut e = vec![ent("واشنطن", EntityType::Loc), ent("واشنطن", EntityType::Loc), ent("جورج واشنطن", EntityType::Per)];
        assign(&mut e, &[false; 3], &FullNames::new());
        assert_eq!(e[0].canonical, "واشنطن");
        assert_eq!(e[0].kind, EntityType::Loc);
        assert_eq!(e[2].canonical, "جورج واشنطن");
        // the surname alone as a person is
        let mut e = vec![ent("واشنطن", EntityType::Per), ent("جورج واشنطن", EntityType::Per)];
        assign(&mut e, &[false; 2], &FullNames::new());
        assert_eq!(e[0].canonical, "جورج واشنطن");
    }

    #[test]
    fn shared_first_name_stays_apart() {
        let mut e = vec![ent("محمد", EntityType::Per), ent("محمد مرسي", EntityType::Per), ent("محمد البرادعي", EntityType::Per)];
        assign(&mut e, &[false; 3], &FullNames::new());
        assert_eq!(e[0].canonical, "محمد");
    }

    #[test]
    fn surname_alone_takes_the_full_name_of_the_model_list() {
        let mut full = FullNames::new();
        full.insert(key("بوتين"), "فلاديمير بوتين".to_string());
        full.insert(key("أوباما"), "باراك أوباما".to_string());
        // document 1: only the surname; document 2: the full name; both one canonical
        let mut d1 = vec![ent("بوتين", EntityType::Per), ent("بوتين", EntityType::Per)];
        let mut d2 = vec![ent("فلاديمير بوتين", EntityType::Per), ent("بوتين", EntityType::Per)];
        assign(&mut d1, &[false; 2], &full);
        assign(&mut d2, &[false; 2], &full);
        assert!(d1.iter().chain(&d2).all(|e| e.canonical == "فلاديمير بوتين"), "{d1:?} {d2:?}");
        // a spelling variant of a listed full name takes the list's spelling
        let mut d3 = vec![ent("باراك اوباما", EntityType::Per), ent("اوباما", EntityType::Per)];
        assign(&mut d3, &[false; 2], &full);
        assert!(d3.iter().all(|e| e.canonical == "باراك أوباما"), "{d3:?}");
        // a full name in the document wins over the list (another person with the surname)
        let mut d4 = vec![ent("ألكسندر بوتين", EntityType::Per), ent("بوتين", EntityType::Per)];
        assign(&mut d4, &[false; 2], &full);
        assert!(d4.iter().all(|e| e.canonical == "ألكسندر بوتين"), "{d4:?}");
        // other types and unlisted names are untouched
        let mut d5 = vec![ent("بوتين", EntityType::Loc), ent("غوتيريش", EntityType::Per)];
        assign(&mut d5, &[false; 2], &full);
        assert_eq!(d5[0].canonical, "بوتين");
        assert_eq!(d5[1].canonical, "غوتيريش");
    }
}
