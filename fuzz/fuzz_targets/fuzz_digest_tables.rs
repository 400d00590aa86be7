//! The digest tables' readers: `HeadRate::from_bytes` (`khabar eval digest --head-rate FILE`)
//! and `Idf::from_bytes` (`models/digest-idf.bin`, rebuilt by `khabar train idf`). As in
//! `fuzz_morph_model`, the fuzzer's bytes are the decompressed payload, wrapped here in the
//! header and a deflate stream. A table is refused or read; a table that is read gives, for
//! every key it lists (and an unknown one), a head rate in [0, 1] and a finite idf.
#![no_main]

use std::io::Write;

use khabar::digest::{HeadRate, Idf};
use libfuzzer_sys::fuzz_target;

fn wrap(magic: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    let mut enc = flate2::write::DeflateEncoder::new(&mut bytes, flate2::Compression::fast());
    enc.write_all(payload).expect("writing into a Vec");
    enc.finish().expect("writing into a Vec");
    bytes
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, payload)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(payload);
    let keys = text.lines().skip(1).filter_map(|l| l.split('\t').next()).chain(["غيرموجود"]);
    if which % 2 == 0 {
        if let Ok(t) = HeadRate::from_bytes(&wrap(b"KHHR0001", payload)) {
            for k in keys {
                let r = t.rate(k, None);
                assert!((0.0..=1.0).contains(&r), "rate {r} for {k:?}");
            }
        }
    } else if let Ok(t) = Idf::from_bytes(&wrap(b"KHIDF001", payload)) {
        for k in keys {
            assert!(t.idf(k).is_finite(), "idf of {k:?}");
        }
    }
});
