//! User queries and filters (CLI arguments, `GET /v1/search?q=…&from=…&to=…&entity=…`)
//! against a small index: any text gets results or an input error (exit status 2 /
//! HTTP 400), never a panic or an internal failure; hits respect the limit.
#![no_main]

use std::sync::OnceLock;

use khabar_index::{date_bound, SearchIndex, SearchRequest};
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
    req.limit = (flags & 7) as usize;
    req.offset = ((flags >> 3) & 3) as usize;
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
    }
    match index().search(&req) {
        Ok(r) => {
            assert!(r.hits.len() <= req.limit);
            assert!(r.total >= r.hits.len());
        }
        Err(e) => assert!(e.is_input(), "{q:?}: {e}"),
    }
});
