//! The body reader of `POST /v1/analyze` (text, or a JSON object with `text`/`body`) on
//! any bytes under a JSON or a text content type: never panics; a text body is taken
//! byte for byte (the analysis' offsets point into the bytes sent); a JSON body gives
//! the string it names.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TYPES: [&str; 4] = ["application/json", "text/plain; charset=utf-8", "", "application/x-ndjson"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else { return };
    let ct = TYPES[first as usize % TYPES.len()];
    match khabar_serve::parse_analyze_body(ct, body) {
        Ok(doc) if ct.contains("json") => {
            let v: serde_json::Value =
                serde_json::from_slice(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)).expect("accepted JSON parses");
            let named = v.get("text").or_else(|| v.get("body")).and_then(|t| t.as_str()).expect("a string text");
            assert_eq!(doc.body, named);
        }
        Ok(doc) => assert_eq!(doc.body.as_bytes(), body),
        Err(e) => assert!(e.status.is_client_error(), "{}", e.message),
    }
});
