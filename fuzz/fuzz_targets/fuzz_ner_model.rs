//! Bytes → `NerModel::from_bytes` (the parser behind `khabar eval ner --model
//! FILE`): it must return an error or a model, never panic; a model that
//! decodes must tag a sentence without panicking, with spans that slice the
//! text to exactly their `text`.
#![no_main]

use khabar::ner::NerModel;
use libfuzzer_sys::fuzz_target;

const TEXT: &str = "التقى الرئيس فلاديمير بوتين لكيم جونغ أون في بيونغ يانغ.";

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = NerModel::from_bytes(data) {
        for e in m.entities(TEXT) {
            assert_eq!(&TEXT[e.start..e.end], e.text);
        }
        // a model that decodes must encode again
        let _ = m.to_bytes();
    }
});
