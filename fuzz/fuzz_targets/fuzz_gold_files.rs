//! The readers of files users hand to `khabar eval` and `khabar analyze`: BIO entity
//! files (`eval ner`), CoNLL-U treebanks (`eval morph`, `eval ud`), PADT-style
//! search gold, JSON lines documents (`--input-format jsonl`) and dates. Any bytes:
//! an answer or an error, never a panic; what is read keeps its invariants.
#![no_main]

use khabar::eval::ud::{LemmaCompare, UdFile};
use khabar::morph::parse_conllu;
use khabar::ner::{parse_bio, parse_bio_strict};
use khabar::Document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    match which % 6 {
        0 => {
            let sentences = parse_bio(&text);
            for s in &sentences {
                assert_eq!(s.tokens.len(), s.tags.len());
                assert!(!s.tokens.is_empty());
            }
            // The strict reader of `eval ner` accepts a subset, read the same way; a refusal names a line.
            match parse_bio_strict(&text) {
                Ok(strict) => assert_eq!(strict, sentences),
                Err((line, _)) => assert!(line >= 1 && line <= text.lines().count()),
            }
        }
        1 => {
            let _ = parse_conllu(&text);
        }
        2 => {
            let _ = UdFile::parse(&text, LemmaCompare::Exact);
            let _ = UdFile::parse(&text, LemmaCompare::IgnoreDiacritics);
        }
        3 => {
            let _ = khabar_index::eval::parse_padt(&text);
        }
        4 => {
            for line in text.lines() {
                if let Ok(d) = Document::from_json(line) {
                    // what was read writes out and reads back as the same document
                    let again = Document::from_json(&serde_json::to_string(&d).expect("a document serialises"))
                        .expect("a written document reads back");
                    assert_eq!((again.id, again.title, again.body), (d.id, d.title, d.body));
                }
            }
        }
        _ => {
            if let Some((secs, _)) = khabar_index::parse_date(&text) {
                let (start, end) = (khabar_index::date_bound(&text, false), khabar_index::date_bound(&text, true));
                assert_eq!(start, Some(secs));
                assert!(end > start);
            }
        }
    }
});
