//! The body parser of `POST /v1/documents` (one JSON document, an array, JSON
//! lines) on any bytes under any of its content types: never panics, and every
//! document it accepts has a non-empty body and id.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TYPES: [&str; 4] = ["application/json", "application/x-ndjson", "", "text/plain"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else { return };
    let ct = TYPES[first as usize % TYPES.len()];
    if let Ok(docs) = khabar_serve::parse_documents(ct, body) {
        assert!(!docs.is_empty());
        for d in docs {
            assert!(!d.body.trim().is_empty());
            assert!(d.id.as_deref().is_some_and(|id| !id.trim().is_empty()));
        }
    }
});
