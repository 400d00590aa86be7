//! Sentence splitting for news text.
//!
//! A sentence ends
//! * at a line break (a sentence never crosses a line or paragraph break), or
//! * after a stop: `.` `!` `?` `؟` `…` or a run of them (the tokeniser keeps
//!   `3.5` and `٣٫٥` whole, so decimal points never reach here), together with
//!   the closing quotes and brackets that follow it (`».` `."` `.)`);
//!
//! except that a `.` does not end a sentence after a known abbreviation
//! (`Mr.`, `Dr.`, `Inc.`, …), after a single letter written right before it
//! (`د.` for doctor, `م.` for the year, `U.S.`), or after a list number that
//! opens the line (`1.`).

use crate::chars::{is_arabic_mark, is_line_break, TATWEEL};
use crate::span::Span;
use crate::tokenize::{Token, TokenKind};
use core::ops::Range;

/// A sentence: its span in the original input and the range of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// From the start of its first token to the end of its last.
    pub span: Span,
    /// Indexes into the token slice it was split from.
    pub tokens: Range<usize>,
}

/// Latin abbreviations that take a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Col", "Lt", "Sgt", "Capt", "Gov", "Sen", "Rep", "Pres", "Inc", "Ltd",
    "Co", "Corp", "Bros", "vs", "etc", "No", "Vol", "Fig", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "approx",
    "est", "dept", "univ",
];

fn is_stop(tok: &str) -> bool {
    !tok.is_empty() && tok.chars().all(|c| matches!(c, '.' | '!' | '?' | '\u{061F}' | '\u{2026}' | '\u{06D4}'))
}

fn is_closing(tok: &str) -> bool {
    matches!(tok, "»" | ")" | "]" | "}" | "”" | "’" | "›" | "﴿")
}

fn is_straight_quote(tok: &str) -> bool {
    matches!(tok, "\"" | "'")
}

fn has_line_break(gap: &str) -> bool {
    gap.chars().any(is_line_break)
}

/// Split `tokens` of `text` (as produced by [`crate::tokenize`]) into sentences.
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut quotes = 0usize;
    let gap = |a: usize, b: usize| text.get(tokens[a].span.end()..tokens[b].span.start()).unwrap_or("");
    let push = |out: &mut Vec<Sentence>, from: usize, to: usize| {
        if from < to {
            let span = Span::new_unchecked(tokens[from].span.start(), tokens[to - 1].span.end());
            out.push(Sentence { span, tokens: from..to });
        }
    };
    let mut i = 0usize;
    while i < tokens.len() {
        if i > start && has_line_break(gap(i - 1, i)) {
            push(&mut out, start, i);
            start = i;
            quotes = 0;
        }
        let t = tokens[i].text(text);
        if tokens[i].kind == TokenKind::Punct && is_straight_quote(t) {
            quotes += 1;
        }
        if tokens[i].kind == TokenKind::Punct && is_stop(t) && !is_abbreviation_stop(text, tokens, start, i) {
            let mut j = i + 1;
            while j < tokens.len() && !has_line_break(gap(j - 1, j)) {
                let n = tokens[j].text(text);
                let attached = gap(j - 1, j).is_empty();
                if is_closing(n) || is_stop(n) || (is_straight_quote(n) && (attached || quotes % 2 == 1)) {
                    if is_straight_quote(n) {
                        quotes += 1;
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            push(&mut out, start, j);
            start = j;
            quotes = 0;
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut out, start, tokens.len());
    out
}

/// Whether the `.` at token `i` belongs to an abbreviation or a list number.
fn is_abbreviation_stop(text: &str, tokens: &[Token], sent_start: usize, i: usize) -> bool {
    if tokens[i].text(text) != "." || i == 0 || i == sent_start {
        return false;
    }
    let prev = &tokens[i - 1];
    if prev.span.end() != tokens[i].span.start() {
        return false;
    }
    let p = prev.text(text);
    match prev.kind {
        TokenKind::Number => i - 1 == sent_start,
        TokenKind::Arabic | TokenKind::Latin | TokenKind::Word => {
            // One letter (its marks and tatweel aside) and nothing else:
            // `د.`, `دُ.`, `U.`; not `G20.`.
            let base = p.chars().filter(|&c| !is_arabic_mark(c) && c != TATWEEL).count();
            base == 1 || ABBREVIATIONS.contains(&p)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize;

    fn sents(text: &str) -> Vec<&str> {
        let toks: Vec<_> = tokenize(text).collect();
        split_sentences(text, &toks).iter().map(|s| &text[s.span.range()]).collect()
    }

    #[test]
    fn stops_and_questions() {
        assert_eq!(sents("ذهب الرئيس. هل عاد؟ نعم! حسنا"), vec!["ذهب الرئيس.", "هل عاد؟", "نعم!", "حسنا"]);
    }

    #[test]
    fn decimal_numbers_do_not_split() {
        assert_eq!(sents("نما الاقتصاد 3.5 بالمئة و٣٫٥ أيضا."), vec!["نما الاقتصاد 3.5 بالمئة و٣٫٥ أيضا."]);
    }

    #[test]
    fn closing_quotes_and_brackets_stay() {
        assert_eq!(sents("قال «انتهى الأمر.» ثم غادر."), vec!["قال «انتهى الأمر.»", "ثم غادر."]);
        assert_eq!(sents("قال \"انتهى.\" ثم غادر."), vec!["قال \"انتهى.\"", "ثم غادر."]);
        assert_eq!(sents("(وصل الوفد.) وبدأت المحادثات."), vec!["(وصل الوفد.)", "وبدأت المحادثات."]);
    }

    #[test]
    fn line_breaks_end_sentences() {
        assert_eq!(sents("سطر أول بلا نقطة\nسطر ثان\n\nفقرة"), vec!["سطر أول بلا نقطة", "سطر ثان", "فقرة"]);
        assert_eq!(sents("قال \"نعم\nلا\""), vec!["قال \"نعم", "لا\""]);
    }

    #[test]
    fn abbreviations() {
        assert_eq!(sents("التقى د. محمد بالوفد. ثم عاد."), vec!["التقى د. محمد بالوفد.", "ثم عاد."]);
        assert_eq!(sents("Mr. Smith met the U.S. envoy. He left."), vec!["Mr. Smith met the U.S. envoy.", "He left."]);
        assert_eq!(sents("1. البند الأول"), vec!["1. البند الأول"]);
    }

    #[test]
    fn ellipsis_and_runs() {
        assert_eq!(sents("انتظر... ماذا؟! لا أعرف"), vec!["انتظر...", "ماذا؟!", "لا أعرف"]);
    }

    #[test]
    fn empty() {
        assert!(sents("").is_empty());
        assert!(sents("  \n\n ").is_empty());
    }
}
