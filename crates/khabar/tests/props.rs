//! Property tests for the Analysis record: the offsets invariant holds for
//! any input, and the record round-trips through serde_json.

use khabar::text::{normalize, Profile, TokenKind};
use khabar::{Analysis, Analyzer};
use proptest::prelude::*;

/// Arbitrary strings mixed with Arabic-heavy ones (letters, marks, tatweel,
/// presentation forms, controls, joiners, digits, punctuation, spaces, breaks,
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
