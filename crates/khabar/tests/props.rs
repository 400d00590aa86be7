//! Property tests for the Analysis record: the offsets invariant holds for
//! any input, and the record round-trips through serde_json.

use khabar::text::{normalize, Profile, TokenKind};
use khabar::{Analysis, Analyzer};
use proptest::prelude::*;

/// Arbitrary strings mixed with Arabic-heavy ones (letters, marks, tatweel,
/// presentation forms, format and C0/C1 controls, joiners, digits, punctuation, spaces, breaks,
/// Latin, `@`, `#`, URLs).
fn text() -> impl Strategy<Value = String> {
    use proptest::char::range;
    let c = prop_oneof![
        8 => range('\u{0621}', '\u{064A}'),
        3 => range('\u{064B}', '\u{065F}'),
        1 => Just('\u{0640}'),
        1 => range('\u{0670}', '\u{06FF}'),
        1 => range('\u{FB50}', '\u{FDFF}'),
        1 => range('\u{FE70}', '\u{FEFF}'),
        1 => prop::sample::select(vec![
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{202B}',
            '\u{202C}', '\u{2067}', '\u{2069}',
        ]),
        2 => range('\u{0660}', '\u{0669}'),
        2 => range('0', '9'),
        3 => prop::sample::select(vec![
            '،', '؛', '؟', '«', '»', '"', '(', ')', '.', ',', '\u{066B}', '\u{066C}', '!', '-',
        ]),
        4 => prop::sample::select(vec![' ', ' ', '\u{00A0}', '\n', '\r', '\t']),
        3 => range('a', 'z'),
        1 => prop::sample::select(vec!['@', '#', 'A', 'Z', '_', '\u{1F600}']),
        1 => prop::sample::select(vec!['\u{0}', '\u{7}', '\u{1A}', '\u{1B}', '\u{7F}', '\u{85}', '\u{9B}']),
    ];
    let pieces = prop::collection::vec(
        prop_oneof![
            20 => c.prop_map(String::from),
            1 => prop::sample::select(vec!["http://", "www.", "a@b.com"]).prop_map(String::from),
        ],
        0..80,
    )
    .prop_map(|v| v.concat());
    prop_oneof![1 => any::<String>(), 3 => pieces]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn analysis_offsets_hold(x in text()) {
        let a = Analyzer::default().analyze(&x);
        if let Err(e) = a.check_offsets(&x) {
            return Err(TestCaseError::fail(format!("{e} for {x:?}")));
        }
        for t in &a.tokens {
            prop_assert!(!t.text.chars().any(char::is_control), "control character in token {:?}", t.text);
            prop_assert_eq!(&t.norm, &normalize(&t.text, Profile::Search));
            prop_assert_eq!(t.stem.is_some(), t.kind == TokenKind::Arabic);
            if let Some(stem) = &t.stem {
                prop_assert!(t.norm.contains(stem.as_str()), "stem {:?} not in {:?}", stem, t.norm);
            }
        }
        // A different text of another length is refused.
        let longer = format!("{x} ");
        prop_assert!(a.check_offsets(&longer).is_err());
    }

    #[test]
    fn analysis_round_trips_through_json(x in text()) {
        let a = Analyzer::default().analyze(&x);
        let json = serde_json::to_string(&a).unwrap();
        let back: Analysis = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &a);
        back.check_offsets(&x).map_err(TestCaseError::fail)?;
        // Pretty JSON and a value round trip too.
        let v = serde_json::to_value(&a).unwrap();
        let back: Analysis = serde_json::from_value(v).unwrap();
        prop_assert_eq!(back, a);
    }
}

/// A digest table's payload (what `fuzz_digest_tables` feeds the readers): a header line
/// with odd numbers, then `key<TAB>count<TAB>count` lines, some broken.
fn table_payload() -> impl Strategy<Value = String> {
    let pick = |v: Vec<&'static str>| prop::sample::select(v);
    let header = (
        pick(vec!["articles", "documents", "other"]),
        pick(vec!["0", "3", "18446744073709551616", "x"]),
        pick(vec!["0.1", "0.5", "0", "1", "NaN"]),
        pick(vec!["2", "inf", "1e39", "NaN", "-1", "0", "1e-45"]),
        pick(vec!["0", "1", "3", "inf", ""]),
    )
        .prop_map(|(t, a, b, c, d)| format!("{t}\t{a}\t{b}\t{c}\t{d}"));
    let count = pick(vec!["0", "1", "3", "5", "4294967295", "x", "-1"]);
    let line = (pick(vec!["كلمة", "و", "", "a b"]), count.clone(), count).prop_map(|(k, b, h)| format!("{k}\t{b}\t{h}"));
    (header, prop::collection::vec(line, 0..4)).prop_map(|(h, l)| format!("{h}\n{}", l.join("\n")))
}

fn wrap(magic: &[u8], payload: &str) -> Vec<u8> {
    use std::io::Write;
    let mut bytes = magic.to_vec();
    let mut enc = flate2::write::DeflateEncoder::new(&mut bytes, flate2::Compression::fast());
    enc.write_all(payload.as_bytes()).unwrap();
    enc.finish().unwrap();
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The body of `fuzz/fuzz_targets/fuzz_digest_tables.rs` on stable: a table is refused or
    /// read, and a table that is read gives head rates in [0, 1] and finite idfs.
    #[test]
    fn digest_tables_read_or_refuse(payload in table_payload()) {
        let keys: Vec<&str> = payload.lines().skip(1).filter_map(|l| l.split('\t').next()).chain(["غيرموجود"]).collect();
        if let Ok(t) = khabar::digest::HeadRate::from_bytes(&wrap(b"KHHR0001", &payload)) {
            for k in &keys {
                let r = t.rate(k, None);
                prop_assert!((0.0..=1.0).contains(&r), "rate {} for {:?} in {:?}", r, k, payload);
            }
        }
        // The idf header is `documents<TAB>N`: keep the header's first number.
        let (head, rest) = payload.split_once('\n').unwrap_or((&payload, ""));
        let n = head.split('\t').nth(1).unwrap_or("");
        let rest: Vec<String> = rest.lines().map(|l| l.splitn(3, '\t').take(2).collect::<Vec<_>>().join("\t")).collect();
        let idf_payload = format!("documents\t{n}\n{}", rest.join("\n"));
        if let Ok(t) = khabar::digest::Idf::from_bytes(&wrap(b"KHIDF001", &idf_payload)) {
            for k in &keys {
                prop_assert!(t.idf(k).is_finite(), "idf of {:?} in {:?}", k, idf_payload);
            }
        }
    }
}
