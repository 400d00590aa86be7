//! Bytes → lossy UTF-8 → tokenize + split_sentences + Analyzer::analyze, with
//! the property-test invariants: every span slices the input on char
//! boundaries to exactly its text; tokens are non-empty, ordered, disjoint and
//! hold no whitespace; sentences cover the tokens in order and never cross a
//! line break; light stems are subslices; `check_offsets` accepts the Analysis.
#![no_main]

use khabar::Analyzer;
use khabar_text::{light_stem, split_sentences, tokenize, Token};
use libfuzzer_sys::fuzz_target;

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

fuzz_target!(|data: &[u8]| {
    let x = String::from_utf8_lossy(data);
    let x: &str = &x;

    let tokens: Vec<Token> = tokenize(x).collect();
    let mut prev_end = 0;
    for (i, t) in tokens.iter().enumerate() {
        let s = x
            .get(t.span.range())
            .unwrap_or_else(|| panic!("token {i} {:?} does not slice {x:?}", t.span));
        assert_eq!(s, t.text(x));
        assert!(!s.is_empty(), "token {i} empty in {x:?}");
        assert!(t.span.start() >= prev_end, "token {i} overlaps in {x:?}");
        assert!(
            !s.contains(char::is_whitespace),
            "token {i} {s:?} has whitespace"
        );
        let stem = light_stem(s);
        let (o, p) = (s.as_ptr() as usize, stem.as_ptr() as usize);
        assert!(
            p >= o && p + stem.len() <= o + s.len(),
            "stem not a subslice of {s:?}"
        );
        prev_end = t.span.end();
    }

    let sentences = split_sentences(x, &tokens);
    let mut next = 0;
    for (i, s) in sentences.iter().enumerate() {
        assert_eq!(s.tokens.start, next, "sentence {i} leaves a gap in {x:?}");
        assert!(s.tokens.start < s.tokens.end && s.tokens.end <= tokens.len());
        assert_eq!(s.span.start(), tokens[s.tokens.start].span.start());
        assert_eq!(s.span.end(), tokens[s.tokens.end - 1].span.end());
        let text = x
            .get(s.span.range())
            .expect("sentence span slices the input");
        assert!(
            !text.contains(is_line_break),
            "sentence {i} {text:?} crosses a line break"
        );
        next = s.tokens.end;
    }
    assert_eq!(
        next,
        tokens.len(),
        "sentences do not cover all tokens of {x:?}"
    );

    let a = Analyzer::default().analyze(x);
    if let Err(e) = a.check_offsets(x) {
        panic!("check_offsets: {e} on {x:?}");
    }
    assert_eq!(a.tokens.len(), tokens.len());
    assert_eq!(a.sentences.len(), sentences.len());
});
