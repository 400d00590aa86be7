//! User queries and filters (CLI arguments, `GET /v1/search?q=…&from=…&to=…&entity=…`)
//! against a small index: any text gets results or an input error (exit status 2 /
//! HTTP 400), never a panic or an internal failure; hits respect the limit, also the largest
//! limits and offsets; the entity name, as a timeline asks for it, resolves or not, never fails.
#![no_main]

use std::sync::OnceLock;

use khabar_index::{date_bound, resolve_entity, timeline, EntityFilter, SearchIndex, SearchRequest};
use libfuzzer_sys::fuzz_target;

/// The three-article index the query property test (crates/khabar-index/tests/query_props.rs) also searches.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::sample().expect("the sample index"))
}

fuzz_target!(|data: &[u8]| {
    // flags byte, then up to five fields separated by 0x00: query, from, to, entity type, entity name
    let Some((&flags, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let q = parts.next().unwrap_or_default();
    let mut req = SearchRequest::new(q);
    // 7 and 3 stand for the largest values a command line or Python can give.
    req.limit = match flags & 7 {
        7 => usize::MAX,
        n => n as usize,
    };
    req.offset = match (flags >> 3) & 3 {
        3 => usize::MAX,
        n => n as usize,
    };
    req.collapse = flags & 0x20 != 0;
    req.snippets = flags & 0x40 != 0;
    req.facets = if flags & 0x80 != 0 { 3 } else { 0 };
    let (from, to) = (parts.next(), parts.next());
    if let Some(f) = from {
        req.from = date_bound(f, false);
    }
    if let Some(t) = to {
        req.to = date_bound(t, true);
    }
    if let (Some(kind), Some(name)) = (parts.next(), parts.next()) {
        req.entities.push((kind.to_owned(), name.to_owned()));
        // The same name as a timeline asks for it (`khabar timeline NAME`, the API's path): found
        // under a canonical name the index has, or not at all.
        let filter = EntityFilter { kind: (!kind.is_empty()).then(|| kind.to_owned()), from: req.from, to: req.to };
        let t = timeline(index(), name, &filter).expect("a timeline reads only the index");
        assert!(t.documents <= 3 && t.days.len() <= 3, "{name:?}: {t:?}");
        if let Some(found) = resolve_entity(index(), &[kind.to_owned()], name).expect("resolving reads only the index") {
            assert!(!found.trim().is_empty(), "{name:?}");
        }
    }
    match index().search(&req) {
        Ok(r) => {
            assert!(r.hits.len() <= req.limit);
            assert!(r.total >= r.hits.len());
        }
        Err(e) => assert!(e.is_input(), "{q:?}: {e}"),
    }
});
