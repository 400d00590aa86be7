//! Normalisation, both profiles: idempotent, the aligned result equals the
//! plain one, and `to_original` of every normalised char (and of wider
//! ranges) gives a non-empty span that slices the input, in order.
#![no_main]

use khabar_text::{normalize, normalize_aligned, Profile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let x = String::from_utf8_lossy(data);
    let x: &str = &x;
    for p in [Profile::Search, Profile::Display] {
        let once = normalize(x, p);
        let twice = normalize(&once, p);
        assert_eq!(twice, once, "{p:?} is not idempotent on {x:?}");

        let aligned = normalize_aligned(x, p);
        assert_eq!(
            aligned.normalized(),
            once,
            "{p:?}: aligned != plain on {x:?}"
        );

        let n = aligned.normalized();
        let bounds: Vec<usize> = n
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(n.len()))
            .collect();
        let mut prev = 0;
        for w in bounds.windows(2) {
            let span = aligned
                .to_original(w[0], w[1])
                .unwrap_or_else(|| panic!("{p:?}: to_original({}, {}) is None", w[0], w[1]));
            assert!(
                x.get(span.range()).is_some(),
                "{p:?}: {}..{} maps to {span:?}, not a slice of {x:?}",
                w[0],
                w[1]
            );
            assert!(!span.is_empty(), "{p:?}: char at {} maps to nothing", w[0]);
            assert!(
                span.start() >= prev,
                "{p:?}: alignment goes backwards at {}",
                w[0]
            );
            prev = span.start();
        }
        let whole = aligned.to_original(0, n.len()).unwrap();
        assert!(x.get(whole.range()).is_some());
        for w in bounds.windows(5) {
            let span = aligned.to_original(w[0], w[4]).unwrap();
            assert!(
                x.get(span.range()).is_some(),
                "{p:?}: {}..{} -> {span:?}",
                w[0],
                w[4]
            );
        }
    }
});
