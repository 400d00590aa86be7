//! Regression tests for bugs found by the property tests and the fuzzers.
//! Each was found failing, then fixed in the library.

use khabar_text::{split_sentences, tokenize};

fn sentences(text: &str) -> Vec<&str> {
    let tokens: Vec<_> = tokenize(text).collect();
    split_sentences(text, &tokens).iter().map(|s| &text[s.span.range()]).collect()
}

/// Found by `props::tashkeel_does_not_move_sentence_boundaries`
/// (minimal input `"ء\u{64b}. ء "`): `is_abbreviation_stop` counted tashkeel
/// as letters (`char::is_alphabetic` is true for U+064B–U+065F, U+0670 and
/// tatweel). Fixed in c218976.
#[test]
fn voweled_single_letter_abbreviation_does_not_end_the_sentence() {
    // Without the damma this is one sentence (the `abbreviations` unit test).
    assert_eq!(sentences("التقى د. محمد بالوفد. ثم عاد."), vec!["التقى د. محمد بالوفد.", "ثم عاد."]);
    assert_eq!(sentences("التقى دُ. محمد بالوفد. ثم عاد."), vec!["التقى دُ. محمد بالوفد.", "ثم عاد."]);
}

/// Same cause as above, with a tatweel: `دـ.` is a single letter stretched.
#[test]
fn stretched_single_letter_abbreviation_does_not_end_the_sentence() {
    assert_eq!(sentences("التقى دـ. محمد بالوفد. ثم عاد."), vec!["التقى دـ. محمد بالوفد.", "ثم عاد."]);
}

/// A Latin word with one letter and digits (`G20`, `G7`, `F1`) is not a
/// single-letter abbreviation.
#[test]
fn letter_digit_word_before_a_stop_ends_the_sentence() {
    assert_eq!(sentences("عقدت قمة G20. وحضر الرئيس."), vec!["عقدت قمة G20.", "وحضر الرئيس."]);
    assert_eq!(sentences("فاز في سباق F1. ثم اعتزل."), vec!["فاز في سباق F1.", "ثم اعتزل."]);
}

/// The Arabic honorific signs U+0610–U+061A (ؐ ؑ ؒ …, combining marks written
/// over a name) should stay in the word like tashkeel does.
#[test]
fn honorific_sign_stays_in_the_word() {
    let text = "محمدؐ رسول";
    let got: Vec<&str> = tokenize(text).map(|t| t.text(text)).collect();
    assert_eq!(got, ["محمدؐ", "رسول"]);
}
