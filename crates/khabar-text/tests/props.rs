//! Property tests for the text core (STYLE.md §7): offsets, ordering,
//! sentence cover, idempotent normalisation, the alignment map, tashkeel
//! invariance of the tokeniser and the stemmer's subslice guarantee.
//!
//! Inputs mix arbitrary `String`s with strings built from an Arabic-heavy
//! alphabet (letters, tashkeel, tatweel, presentation forms, bidi controls,
//! joiners, both digit sets, number separators, Arabic and Latin punctuation,
//! spaces, NBSP, line breaks, Latin letters, `@`, `#`, `http://`).

use khabar_text::{is_tashkeel, light_stem, normalize, normalize_aligned, split_sentences, tokenize, Profile, Sentence, Token};
use proptest::prelude::*;

// ---------------------------------------------------------------- strategies

/// One piece of Arabic-heavy text: a char from one of the interesting classes,
/// or a short string that triggers a tokeniser rule.
fn piece() -> impl Strategy<Value = String> {
    use proptest::char::range;
    let c = prop_oneof![
        8 => range('\u{0621}', '\u{064A}'),                    // letters
        3 => range('\u{064B}', '\u{065F}'),                    // tashkeel and other marks
        1 => Just('\u{0670}'),                                 // superscript alef
        1 => Just('\u{0640}'),                                 // tatweel
        1 => range('\u{0671}', '\u{06FF}'),                    // extended letters, Persian digits, ۔
        1 => range('\u{FB50}', '\u{FDFF}'),                    // presentation forms A
        1 => range('\u{FE70}', '\u{FEFF}'),                    // presentation forms B, BOM
        1 => prop::sample::select(vec![
            '\u{200B}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}',
            '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2060}',
        ]),                                                    // bidi and zero-width controls
        1 => prop::sample::select(vec!['\u{200C}', '\u{200D}']), // ZWNJ, ZWJ
        2 => range('\u{0660}', '\u{0669}'),                    // Arabic-Indic digits
        2 => range('0', '9'),
        2 => prop::sample::select(vec!['\u{066B}', '\u{066C}', '.', ',']),
        3 => prop::sample::select(vec![
            '،', '؛', '؟', '«', '»', '"', '(', ')', '!', '?', '-', '…', '\'', '“', '”', ':',
        ]),
        4 => Just(' '),
        1 => prop::sample::select(vec!['\u{00A0}', '\u{202F}', '\t', '\u{2028}', '\u{0085}']),
        2 => prop::sample::select(vec!['\n', '\r']),
        3 => range('a', 'z'),
        1 => range('A', 'Z'),
        1 => prop::sample::select(vec!['@', '#', '_', '/', '%', '$', '\u{1F600}', '\u{0301}']),
    ];
    prop_oneof![
        20 => c.prop_map(String::from),
        1 => prop::sample::select(vec!["http://", "https://", "www.", "a@b.com", "Mr.", "د."])
            .prop_map(String::from),
    ]
}

fn arabic_heavy() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..80).prop_map(|v| v.concat())
}

/// Arbitrary strings and Arabic-heavy ones.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![1 => any::<String>(), 3 => arabic_heavy()]
}

/// Arabic words whose every tashkeel mark follows a letter or another mark,
/// separated by spaces, line breaks and punctuation.
///
/// The tashkeel-invariance property does NOT hold for arbitrary text, because
/// a mark that is not attached to a letter changes token boundaries:
/// a lone mark is a token of its own (" ً "), a mark between two stops keeps
/// them apart ("..ً.." is `..`, `ً`, `..`; without it `....` is one token), a
/// mark after a digit or a Latin letter ends the number or word ("1ً2"), a mark
/// after ZWNJ keeps the joiner in the word, and "http://ً" is a URL while
/// "http://" is not. Real text puts tashkeel on letters, so the strategy does.
fn vocalised_arabic() -> impl Strategy<Value = String> {
    use proptest::char::range;
    let letter = prop_oneof![range('\u{0621}', '\u{063A}'), range('\u{0641}', '\u{064A}')];
    let mark = prop_oneof![range('\u{064B}', '\u{065F}'), Just('\u{0670}')];
    let unit = (letter, prop::collection::vec(mark, 0..3)).prop_map(|(l, ms)| {
        let mut s = String::from(l);
        s.extend(ms);
        s
    });
    let word = prop::collection::vec(unit, 1..7).prop_map(|v| v.concat());
    let sep = prop::sample::select(vec![" ", " ", " ", "\n", "، ", "؛ ", "؟ ", ". ", "! ", "«", "» ", "\"", " (", ") ", "...", ".", "،"]);
    prop::collection::vec((word, sep), 0..20).prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect::<String>())
}

fn strip_tashkeel(s: &str) -> String {
    s.chars().filter(|&c| !is_tashkeel(c)).collect()
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

// ---------------------------------------------------------------- checks

fn check_tokens(x: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
    let mut prev_end = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        let slice = x.get(t.span.range());
        prop_assert!(slice.is_some(), "token {i} span {:?} does not slice the input on char boundaries", t.span);
        let slice = slice.unwrap();
        prop_assert_eq!(slice, t.text(x));
        prop_assert!(!slice.is_empty(), "token {} is empty", i);
        prop_assert!(t.span.start() >= prev_end, "token {} starts at {} before the previous end {}", i, t.span.start(), prev_end);
        prop_assert!(!slice.contains(char::is_whitespace), "token {i} {slice:?} ({:?}) contains whitespace", t.kind);
        prev_end = t.span.end();
    }
    Ok(())
}

fn check_sentences(x: &str, tokens: &[Token], sents: &[Sentence]) -> Result<(), TestCaseError> {
    if tokens.is_empty() {
        prop_assert!(sents.is_empty());
        return Ok(());
    }
    let mut next = 0usize;
    let mut prev_end = 0usize;
    for (i, s) in sents.iter().enumerate() {
        prop_assert_eq!(s.tokens.start, next, "sentence {} does not start where the last ended", i);
        prop_assert!(s.tokens.start < s.tokens.end, "sentence {} has no token", i);
        prop_assert!(s.tokens.end <= tokens.len());
        prop_assert_eq!(s.span.start(), tokens[s.tokens.start].span.start());
        prop_assert_eq!(s.span.end(), tokens[s.tokens.end - 1].span.end());
        prop_assert!(s.span.start() >= prev_end, "sentence {} overlaps the one before", i);
        let text = x.get(s.span.range());
        prop_assert!(text.is_some(), "sentence {} span does not slice the input", i);
        let text = text.unwrap();
        prop_assert!(!text.contains(is_line_break), "sentence {i} {text:?} crosses a line break");
        next = s.tokens.end;
        prev_end = s.span.end();
    }
    prop_assert_eq!(next, tokens.len(), "sentences do not cover all tokens");
    Ok(())
}

fn check_normalize(x: &str, p: Profile) -> Result<(), TestCaseError> {
    let once = normalize(x, p);
    let twice = normalize(&once, p);
    prop_assert_eq!(&twice, &once, "{:?} not idempotent on {:?}", p, x);

    let aligned = normalize_aligned(x, p);
    prop_assert_eq!(aligned.normalized(), once.as_str(), "{:?}: aligned != plain", p);
    prop_assert_eq!(aligned.original(), x);

    let n = aligned.normalized();
    let bounds: Vec<usize> = n.char_indices().map(|(i, _)| i).chain(std::iter::once(n.len())).collect();
    let mut prev_start = 0usize;
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let span = aligned.to_original(a, b);
        prop_assert!(span.is_some(), "{:?}: to_original({}, {}) is None", p, a, b);
        let span = span.unwrap();
        prop_assert!(
            x.get(span.range()).is_some(),
            "{p:?}: char {:?} at {a}..{b} maps to {:?}, which does not slice {x:?}",
            &n[a..b],
            span
        );
        prop_assert!(!span.is_empty(), "{:?}: char at {}..{} maps to nothing", p, a, b);
        prop_assert!(span.start() >= prev_start, "{:?}: alignment goes backwards at {}", p, a);
        prev_start = span.start();
    }
    // Wider ranges: the whole text, and every run of three chars.
    for (a, b) in std::iter::once((0, n.len())).chain(bounds.windows(4).map(|w| (w[0], w[3]))) {
        let span = aligned.to_original(a, b).unwrap();
        prop_assert!(x.get(span.range()).is_some(), "{:?}: {}..{} -> {:?}", p, a, b, span);
    }
    // Ranges not on char boundaries are refused, not mis-mapped.
    for (i, c) in n.char_indices() {
        if c.len_utf8() > 1 {
            prop_assert!(aligned.to_original(i + 1, n.len()).is_none());
        }
    }
    Ok(())
}

fn is_subslice(outer: &str, inner: &str) -> bool {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    i >= o && i + inner.len() <= o + outer.len()
}

fn check_stem(word: &str) -> Result<(), TestCaseError> {
    let stem = light_stem(word);
    prop_assert!(is_subslice(word, stem), "stem {:?} is not a subslice of {:?}", stem, word);
    prop_assert!(word.contains(stem));
    let (n, m) = (word.chars().count(), stem.chars().count());
    // Affixes are removed only when at least two letters remain.
    prop_assert!(m >= n.min(2), "stem {:?} of {:?} is too short", stem, word);
    Ok(())
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tokens_slice_the_input_in_order(x in text()) {
        let tokens: Vec<Token> = tokenize(&x).collect();
        check_tokens(&x, &tokens)?;
    }

    #[test]
    fn sentences_cover_the_tokens(x in text()) {
        let tokens: Vec<Token> = tokenize(&x).collect();
        let sents = split_sentences(&x, &tokens);
        check_sentences(&x, &tokens, &sents)?;
    }

    #[test]
    fn normalize_search_idempotent_aligned_and_mapped(x in text()) {
        check_normalize(&x, Profile::Search)?;
    }

    #[test]
    fn normalize_display_idempotent_aligned_and_mapped(x in text()) {
        check_normalize(&x, Profile::Display)?;
    }

    #[test]
    fn light_stem_is_a_subslice(x in text()) {
        check_stem(&x)?;
        for t in tokenize(&x) {
            check_stem(t.text(&x))?;
            let n = normalize(t.text(&x), Profile::Search);
            check_stem(&n)?;
        }
    }

    /// Tokenising `x` and `x` without its tashkeel gives the same token texts
    /// once each token of `x` loses its tashkeel (see `vocalised_arabic` for
    /// why the inputs are restricted).
    #[test]
    fn tashkeel_does_not_move_token_boundaries(x in vocalised_arabic()) {
        let bare = strip_tashkeel(&x);
        let with: Vec<String> = tokenize(&x).map(|t| strip_tashkeel(t.text(&x))).collect();
        let without: Vec<&str> = tokenize(&bare).map(|t| t.text(&bare)).collect();
        prop_assert_eq!(with, without);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Sentence boundaries do not depend on tashkeel either. This found the
    /// voweled-abbreviation bug (`"ء\u{64b}. ء "`, see `tests/regressions.rs`
    /// and `props.proptest-regressions`), fixed in c218976.
    #[test]
    fn tashkeel_does_not_move_sentence_boundaries(x in vocalised_arabic()) {
        let bare = strip_tashkeel(&x);
        let tw: Vec<Token> = tokenize(&x).collect();
        let tb: Vec<Token> = tokenize(&bare).collect();
        let sw: Vec<_> = split_sentences(&x, &tw).into_iter().map(|s| s.tokens).collect();
        let sb: Vec<_> = split_sentences(&bare, &tb).into_iter().map(|s| s.tokens).collect();
        prop_assert_eq!(sw, sb);
    }
}
