//! User queries and date filters come from outside (CLI arguments, HTTP query strings):
//! whatever the text, `search` answers with results or an input error, never a panic
//! and never an internal failure; a date either parses or is refused.

use std::sync::OnceLock;

use khabar_index::{date_bound, format_date, parse_date, SearchIndex, SearchRequest};
use proptest::prelude::*;

/// The shared three-article index (`SearchIndex::sample`, also the fuzz target's).
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::sample().unwrap())
}

/// Pieces a hostile or careless query is made of: words in both scripts, tantivy's
/// operators and field syntax, quotes, slops, boosts, ranges, wildcards, odd spaces.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("بوتين".to_string()),
        Just("لبوتين".to_string()),
        Just("المفاوضات".to_string()),
        Just("Putin".to_string()),
        Just("2015".to_string()),
        Just("AND".to_string()),
        Just("OR".to_string()),
        Just("NOT".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just("\"".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("~".to_string()),
        Just("~99999999999999999999".to_string()),
        Just("^".to_string()),
        Just("^1e40".to_string()),
        Just(":".to_string()),
        Just("title_exact:".to_string()),
        Just("body_morph:".to_string()),
        Just("id:".to_string()),
        Just("published:".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(" TO ".to_string()),
        Just("*".to_string()),
        Just("?".to_string()),
        Just("\\".to_string()),
        Just("/".to_string()),
        Just("\u{200f}".to_string()),
        Just("\u{0640}".to_string()),
        Just("\u{064e}".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_query_gets_results_or_an_input_error(
        q in query(),
        offset in 0usize..5,
        limit in 0usize..5,
        collapse in any::<bool>(),
        entity in prop::option::of((query(), query())),
    ) {
        let mut req = SearchRequest::new(&q);
        req.offset = offset;
        req.limit = limit;
        req.collapse = collapse;
        if let Some(e) = entity {
            req.entities.push(e);
        }
        match index().search(&req) {
            Ok(r) => {
                prop_assert!(r.hits.len() <= limit, "{} hits for limit {limit}", r.hits.len());
                prop_assert!(r.total >= r.hits.len());
            }
            Err(e) => prop_assert!(e.is_input(), "query {q:?}: not an input error: {e}"),
        }
    }

    #[test]
    fn any_text_is_a_date_or_refused(s in "\\PC{0,24}", digits in "[0-9/:T -]{0,24}") {
        for text in [s.as_str(), digits.as_str()] {
            if let Some((secs, has_time)) = parse_date(text) {
                let (start, end) = (date_bound(text, false).unwrap(), date_bound(text, true).unwrap());
                prop_assert!(start < end);
                prop_assert_eq!(start, secs);
                if !has_time {
                    // a date alone is a whole day, and it reads back as itself
                    prop_assert_eq!(end - start, 86_400);
                    prop_assert_eq!(parse_date(&format_date(secs)).map(|d| d.0), Some(secs));
                }
            }
        }
    }
}

/// Found by the property above: tantivy parses ` TO :*` as "has a field named TO",
/// which fails only when run; it now runs as plain words like any other query tantivy
/// cannot use.
#[test]
fn a_query_naming_no_field_runs_as_plain_words() {
    for q in [" TO :*", "بوتين TO:*"] {
        let r = index().search(&SearchRequest::new(q)).unwrap();
        assert!(r.fell_back, "{q}");
    }
    let r = index().search(&SearchRequest::new("بوتين TO:*")).unwrap();
    assert_eq!(r.total, 0, "TO is a word of the query, found in no article");
}
