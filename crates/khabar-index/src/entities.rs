//! Entity aggregates over a whole index: the most mentioned entities
//! ([`top_entities`]) and one entity's mentions per day ([`timeline`]).
//!
//! Both read only columnar data, never the document store: the facet field
//! `entity_count` holds `/TYPE/canonical/N` for each entity of a document,
//! N being its mentions in that document, and `published` is a fast field.
//! Per segment, documents are counted per facet ordinal, and the ordinals are
//! resolved to names once, in one sorted pass over the facet dictionary.
//! On an index built before `entity_count` existed, the `entity` facet is
//! used instead and a document counts as one mention.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocId, DocSet, SegmentReader, Term, TERMINATED};

use crate::{format_date, Result, SearchIndex, ENTITY_TYPES};

/// The facet field with per-document mention counts.
pub const ENTITY_COUNT_FIELD: &str = "entity_count";

/// Which documents an aggregate looks at.
#[derive(Clone, Debug, Default)]
pub struct EntityFilter {
    /// Only this entity type (`PER`, `LOC`, `ORG`, `MISC`); `None`: all.
    pub kind: Option<String>,
    /// Only documents published at or after this time (seconds since the epoch).
    pub from: Option<i64>,
    /// Only documents published before this time (seconds since the epoch).
    pub to: Option<i64>,
}

impl EntityFilter {
    fn dated(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    fn admits(&self, secs: Option<i64>) -> bool {
        if !self.dated() {
            return true;
        }
        match secs {
            None => false,
            Some(s) => self.from.is_none_or(|f| s >= f) && self.to.is_none_or(|t| s < t),
        }
    }
}

/// One entity with its counts.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EntityCount {
    /// `PER`, `LOC`, `ORG` or `MISC`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// Mentions over all the documents counted.
    pub mentions: u64,
    /// Documents that mention it.
    pub documents: u64,
}

/// One day of a [`Timeline`].
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Mentions that day.
    pub mentions: u64,
    /// Documents that day that mention the entity.
    pub documents: u64,
}

/// Mentions of one entity per day.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Timeline {
    /// The canonical name asked for.
    pub name: String,
    /// The types it was counted under (all types the name has, unless one was asked for).
    pub types: Vec<String>,
    /// Mentions over all counted documents (dated or not).
    pub mentions: u64,
    /// Documents that mention it.
    pub documents: u64,
    /// Of those, documents without a publication date (not in `days`).
    pub undated_documents: u64,
    /// Days with at least one mention, in date order.
    pub days: Vec<Day>,
}

/// The field to aggregate and whether its facets carry a count as third level.
fn count_field(index: &SearchIndex) -> (&'static str, bool) {
    if index.index().schema().get_field(ENTITY_COUNT_FIELD).is_ok() {
        (ENTITY_COUNT_FIELD, true)
    } else {
        ("entity", false)
    }
}

/// `(type, name, mentions per document)` of an encoded facet.
fn parse_facet(bytes: &[u8], counted: bool) -> Option<(String, String, u64)> {
    let facet = Facet::from_encoded(bytes.to_vec()).ok()?;
    match (&facet.to_path()[..], counted) {
        (&[kind, name, n], true) => Some((kind.to_owned(), name.to_owned(), n.parse().ok()?)),
        (&[kind, name], false) => Some((kind.to_owned(), name.to_owned(), 1)),
        _ => None,
    }
}

fn published(segment: &SegmentReader) -> Option<tantivy::columnar::Column<tantivy::DateTime>> {
    segment.fast_fields().date("published").ok()
}

/// The `limit` entities with the most mentions in the documents `filter` admits
/// (ties: more documents first, then by name).
pub fn top_entities(index: &SearchIndex, filter: &EntityFilter, limit: usize) -> Result<Vec<EntityCount>> {
    let (field, counted) = count_field(index);
    let searcher = index.reader().searcher();
    let mut totals: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for segment in searcher.segment_readers() {
        let facets = segment.facet_reader(field)?;
        let dates = if filter.dated() { published(segment) } else { None };
        let mut per_ord = vec![0u64; facets.num_facets()];
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if filter.dated() && !filter.admits(dates.as_ref().and_then(|c| c.first(doc)).map(|d| d.into_timestamp_secs())) {
                continue;
            }
            for ord in facets.facet_ords(doc) {
                if let Some(slot) = per_ord.get_mut(ord as usize) {
                    *slot += 1;
                }
            }
        }
        let ords: Vec<u64> = per_ord.iter().enumerate().filter(|(_, &n)| n > 0).map(|(ord, _)| ord as u64).collect();
        let mut names = Vec::with_capacity(ords.len());
        facets.facet_dict().sorted_ords_to_term_cb(&ords, |bytes| names.push(parse_facet(bytes, counted)))?;
        for (ord, name) in ords.into_iter().zip(names) {
            let Some((kind, name, n)) = name else { continue };
            if filter.kind.as_deref().is_some_and(|k| k != kind) {
                continue;
            }
            let docs = per_ord[ord as usize];
            let entry = totals.entry((kind, name)).or_default();
            entry.0 += n * docs;
            entry.1 += docs;
        }
    }
    let mut out: Vec<EntityCount> =
        totals.into_iter().map(|((kind, name), (mentions, documents))| EntityCount { kind, name, mentions, documents }).collect();
    out.sort_by(|a, b| {
        b.mentions.cmp(&a.mentions).then(b.documents.cmp(&a.documents)).then_with(|| a.name.cmp(&b.name)).then_with(|| a.kind.cmp(&b.kind))
    });
    out.truncate(limit);
    Ok(out)
}

/// Documents (live or replaced since the last merge) holding the entity facet `/kind/name`.
fn entity_docs(index: &SearchIndex, kind: &str, name: &str) -> Result<u64> {
    let term = Term::from_facet(index.fields().entity, &Facet::from_path([kind, name]));
    let mut n = 0u64;
    for segment in index.reader().searcher().segment_readers() {
        n += u64::from(segment.inverted_index(index.fields().entity)?.doc_freq(&term)?);
    }
    Ok(n)
}

/// The canonical name under which the index holds the entity a user wrote as `name`, of
/// one of the types `kinds`, or `None` when no document has it:
///
/// 1. `name` itself, when a document has that canonical name;
/// 2. the canonical a text naming only `name` gets (rules of the entity layer,
///    docs/entities.md): a person's surname takes the full name of the model's list
///    (`بوتين` → `فلاديمير بوتين`), marks and extra spaces are dropped;
/// 3. the index's canonical names with the same matching key (alef and hamza forms, yeh,
///    teh marbuta, spaces, hyphens, a leading article: `اوباما` → `أوباما`,
///    `بيونغيانغ` → `بيونغ يانغ`): the one in most documents;
/// 4. for a one-word person name, the only full name in the index that ends with it,
///    failing that the only one that starts with it (`كيم` → `كيم جونغ أون`).
pub fn resolve_entity(index: &SearchIndex, kinds: &[String], name: &str) -> Result<Option<String>> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let docs_of = |n: &str| -> Result<u64> {
        let mut total = 0;
        for k in kinds {
            total += entity_docs(index, k, n)?;
        }
        Ok(total)
    };
    if docs_of(name)? > 0 {
        return Ok(Some(name.to_owned()));
    }
    let per = kinds.iter().any(|k| k == "PER");
    let ner = khabar::ner::NerModel::embedded();
    let lone = ner.lone_canonical(name, per);
    if lone != name && docs_of(&lone)? > 0 {
        return Ok(Some(lone));
    }
    let key = khabar::ner::canonical_key(&lone);
    if key.is_empty() {
        return Ok(None);
    }
    // Every canonical name of these types in the index: (same key, last word, first word).
    let mut same_key = std::collections::BTreeSet::new();
    let (mut ends, mut starts) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    let one_word_person = per && !lone.contains(' ');
    for segment in index.reader().searcher().segment_readers() {
        let facets = segment.facet_reader("entity")?;
        let mut stream = facets.facet_dict().stream()?;
        while stream.advance() {
            let Some((kind, found, _)) = parse_facet(stream.key(), false) else { continue };
            if !kinds.contains(&kind) {
                continue;
            }
            if khabar::ner::canonical_key(&found) == key {
                same_key.insert(found);
            } else if one_word_person && kind == "PER" && found.contains(' ') {
                let word_key = |w: Option<&str>| w.map(khabar::ner::canonical_key);
                if word_key(found.rsplit(' ').next()).as_deref() == Some(key.as_str()) {
                    ends.insert(found);
                } else if word_key(found.split(' ').next()).as_deref() == Some(key.as_str()) {
                    starts.insert(found);
                }
            }
        }
    }
    // The one in most documents; on a tie the first in name order (the set's order).
    let mut best: Option<(u64, String)> = None;
    for found in same_key {
        let docs = docs_of(&found)?;
        if best.as_ref().is_none_or(|(most, _)| docs > *most) {
            best = Some((docs, found));
        }
    }
    if let Some((_, found)) = best {
        return Ok(Some(found));
    }
    for set in [ends, starts] {
        if set.len() == 1 {
            return Ok(set.into_iter().next());
        }
    }
    Ok(None)
}

/// Mentions of the entity `name` per day, over the documents `filter` admits;
/// `filter.kind`: only under that type. `name` is the canonical name, or any
/// spelling [`resolve_entity`] finds it from (the answer names the canonical).
pub fn timeline(index: &SearchIndex, name: &str, filter: &EntityFilter) -> Result<Timeline> {
    let kinds: Vec<String> = match &filter.kind {
        Some(k) => vec![k.clone()],
        None => ENTITY_TYPES.iter().map(|k| (*k).to_owned()).collect(),
    };
    let resolved = resolve_entity(index, &kinds, name)?;
    let name = resolved.as_deref().unwrap_or(name);
    let (field, counted) = count_field(index);
    let entity_field = index.fields().entity;
    let searcher = index.reader().searcher();
    let mut days: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    let (mut mentions, mut documents, mut undated) = (0u64, 0u64, 0u64);
    let mut found_kinds = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let facets = segment.facet_reader(field)?;
        // Ordinal → mentions per document, for the facets /TYPE/name/N of this entity.
        let mut counts: HashMap<u64, u64> = HashMap::new();
        if counted {
            for kind in &kinds {
                let mut prefix = Facet::from_path([kind.as_str(), name]).encoded_str().as_bytes().to_vec();
                prefix.push(0);
                let mut stream = facets.facet_dict().prefix_range(&prefix).into_stream()?;
                while stream.advance() {
                    if let Some((_, _, n)) = parse_facet(stream.key(), true) {
                        counts.insert(stream.term_ord(), n);
                    }
                }
            }
        }
        let dates = published(segment);
        let inverted = segment.inverted_index(entity_field)?;
        let alive = segment.alive_bitset();
        let mut docs: Vec<DocId> = Vec::new();
        for kind in &kinds {
            let term = Term::from_facet(entity_field, &Facet::from_path([kind.as_str(), name]));
            if let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? {
                found_kinds.insert(kind.clone());
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    docs.push(doc);
                    doc = postings.advance();
                }
            }
        }
        docs.sort_unstable();
        docs.dedup();
        for doc in docs {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let secs = dates.as_ref().and_then(|c| c.first(doc)).map(|d| d.into_timestamp_secs());
            if !filter.admits(secs) {
                continue;
            }
            let n = if counted { facets.facet_ords(doc).filter_map(|ord| counts.get(&ord)).sum::<u64>().max(1) } else { 1 };
            mentions += n;
            documents += 1;
            match secs {
                Some(s) => {
                    let day = days.entry(s.div_euclid(86_400)).or_default();
                    day.0 += n;
                    day.1 += 1;
                }
                None => undated += 1,
            }
        }
    }
    let days = days
        .into_iter()
        .map(|(day, (mentions, documents))| {
            let mut date = format_date(day * 86_400);
            date.truncate(10);
            Day { date, mentions, documents }
        })
        .collect();
    Ok(Timeline { name: name.to_owned(), types: found_kinds.into_iter().collect(), mentions, documents, undated_documents: undated, days })
}

#[cfg(test)]
mod tests {
    use khabar::{Analysis, Document, EntityRecord};

    use super::*;
    use crate::parse_date;

    fn entity(kind: &str, name: &str) -> EntityRecord {
        EntityRecord { text: name.into(), start: 0, end: name.len(), kind: kind.into(), canonical: name.into(), score: 1.0 }
    }

    fn add(index: &SearchIndex, writer: &tantivy::IndexWriter, id: &str, published: Option<&str>, entities: Vec<EntityRecord>) {
        let doc = Document { id: Some(id.into()), body: "نص".into(), published: published.map(str::to_owned), ..Document::default() };
        let analysis = Analysis { entities, ..Analysis::default() };
        index.upsert(writer, &doc, &analysis, None);
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::create_in_ram().unwrap();
        let mut w = index.writer(1, 15_000_000).unwrap();
        let putin = || entity("PER", "بوتين");
        add(&index, &w, "a", Some("2015-08-01 10:00:00"), vec![putin(), putin(), entity("LOC", "موسكو"), putin()]);
        add(&index, &w, "b", Some("2015-08-02"), vec![putin(), entity("LOC", "موسكو")]);
        w.commit().unwrap();
        // A second segment, and an undated document.
        add(&index, &w, "c", None, vec![putin(), entity("ORG", "الأمم المتحدة")]);
        add(&index, &w, "d", Some("2015-08-02"), vec![entity("LOC", "بوتين")]);
        w.commit().unwrap();
        index.reload().unwrap();
        index
    }

    fn secs(s: &str) -> i64 {
        parse_date(s).unwrap().0
    }

    #[test]
    fn top_entities_count_mentions_and_documents() {
        let index = index();
        let top = top_entities(&index, &EntityFilter::default(), 10).unwrap();
        assert_eq!(top[0], EntityCount { kind: "PER".into(), name: "بوتين".into(), mentions: 5, documents: 3 });
        assert_eq!(top[1], EntityCount { kind: "LOC".into(), name: "موسكو".into(), mentions: 2, documents: 2 });
        assert_eq!(top.len(), 4);
        let loc = top_entities(&index, &EntityFilter { kind: Some("LOC".into()), ..Default::default() }, 1).unwrap();
        assert_eq!(loc.len(), 1);
        assert_eq!(loc[0].name, "موسكو");
        // Dated filters leave out undated documents.
        let aug2 = EntityFilter { kind: None, from: Some(secs("2015-08-02")), to: Some(secs("2015-08-03")) };
        let top = top_entities(&index, &aug2, 10).unwrap();
        assert_eq!(top.iter().find(|e| e.kind == "PER").map(|e| e.mentions), Some(1));
        assert!(top.iter().all(|e| e.kind != "ORG"));
    }

    #[test]
    fn timeline_counts_per_day() {
        let index = index();
        let t = timeline(&index, "بوتين", &EntityFilter { kind: Some("PER".into()), ..Default::default() }).unwrap();
        assert_eq!((t.mentions, t.documents, t.undated_documents), (5, 3, 1));
        assert_eq!(
            t.days,
            vec![
                Day { date: "2015-08-01".into(), mentions: 3, documents: 1 },
                Day { date: "2015-08-02".into(), mentions: 1, documents: 1 }
            ]
        );
        // Without a type, every type the name has.
        let all = timeline(&index, "بوتين", &EntityFilter::default()).unwrap();
        assert_eq!(all.types, vec!["LOC".to_owned(), "PER".to_owned()]);
        assert_eq!(all.days[1].mentions, 2);
        let none = timeline(&index, "لا أحد", &EntityFilter::default()).unwrap();
        assert!(none.types.is_empty() && none.days.is_empty());
    }

    #[test]
    fn replaced_documents_are_not_counted_twice() {
        let index = index();
        let mut w = index.writer(1, 15_000_000).unwrap();
        add(&index, &w, "a", Some("2015-08-01"), vec![entity("PER", "بوتين")]);
        w.commit().unwrap();
        index.reload().unwrap();
        let t = timeline(&index, "بوتين", &EntityFilter { kind: Some("PER".into()), ..Default::default() }).unwrap();
        assert_eq!((t.mentions, t.documents), (3, 3));
    }
}
