//! `MorphModel::from_bytes` (the parser behind `khabar-morph-train --model FILE`).
//! Random bytes rarely survive the deflate layer, so the fuzzer's bytes are the
//! decompressed payload, wrapped here in the header and a deflate stream: the
//! tables' own reader is what gets exercised. It must refuse or decode, never
//! panic, and a model that decodes must analyse a sentence and encode again.
#![no_main]

use std::io::Write;

use khabar::morph::MorphModel;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"KHMORPH1".to_vec();
    let mut enc = flate2::write::DeflateEncoder::new(&mut bytes, flate2::Compression::fast());
    enc.write_all(data).expect("writing into a Vec");
    enc.finish().expect("writing into a Vec");
    if let Ok(m) = MorphModel::from_bytes(&bytes) {
        let _ = m.analyze_sentence(&["وقال", "الرئيس", "لبوتين", "."]);
        let _ = m.to_bytes();
    }
});
