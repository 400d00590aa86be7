//! Arabic normalisation with an exact map back to the original bytes.
//!
//! Two profiles:
//!
//! * [`Profile::Search`] folds everything that spelling, typing habits and
//!   fonts vary on, so that a query matches the forms people actually write:
//!
//!   | rule | what it changes | Lucene `ArabicNormalizer` |
//!   |---|---|---|
//!   | controls | removes ZWSP/ZWNJ/ZWJ/LRM/RLM U+200B–U+200F, ALM U+061C, embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069, word joiner U+2060, BOM U+FEFF | not handled (the tokenizer drops some) |
//!   | presentation forms | U+FB50–U+FDFF and U+FE70–U+FEFE (including the lam-alef ligatures ﻻ ﻷ ﻹ ﻵ) → their base letters by NFKC; the isolated/medial forms of the marks (U+FE70–U+FE7F) lose the space NFKC puts before them | not handled (ICU folding does it in other Lucene chains) |
//!   | tashkeel | removes fathatan … sukun U+064B–U+0652 (as Lucene), and also maddah/hamza marks and the rest of U+0653–U+065F, superscript alef U+0670, honorific signs U+0610–U+061A and Quranic marks U+06D6–U+06ED, U+08D3–U+08FF | Lucene removes only U+064B–U+0652 and leaves superscript alef, which then breaks words like هٰذا |
//!   | combining hamza | U+0654 after و or ي/ى composes to ؤ / ئ (the precomposed letters are kept, so decomposed input gives the same result); after alef it is dropped like the alef fold | not handled |
//!   | tatweel | removes U+0640 | same |
//!   | alef | أ إ آ ٱ (and wavy-hamza ٲ ٳ) → ا | Lucene folds أ إ آ, not the wasla ٱ |
//!   | yeh | ى (alef maksura) and Farsi ی → ي | Lucene folds ى; ی is in its Persian normaliser |
//!   | teh marbuta / heh | ة, ۀ, ھ, ہ, ۂ, ۃ → ه | Lucene folds ة; the others are in its Persian normaliser or not handled |
//!   | kaf | Persian/Urdu ک and swash ڪ → ك | Persian normaliser |
//!   | digits | Arabic-Indic ٠–٩ and extended (Persian) ۰–۹ → 0–9; decimal ٫ → `.`, thousands ٬ → `,` | `DecimalDigitFilter` does the digits in `ArabicAnalyzer`; separators not handled |
//!   | spaces | NBSP, U+2000–U+200A, U+202F, U+205F, U+3000, U+1680 → ASCII space (tabs and line breaks are kept) | not handled |
//!   | case | letters lowercased (`char::to_lowercase`) | `LowerCaseFilter` in `ArabicAnalyzer` |
//!
//!   Hamza on waw and yeh (ؤ ئ) and the bare hamza ء are kept, as in Lucene:
//!   they distinguish words (مسؤول/مسئول is a spelling variant handled by the
//!   stemmer and morphology, not here).
//!
//! * [`Profile::Display`] only removes the format controls and decomposes
//!   presentation forms; letters, marks and digits are left as written, so
//!   the text looks the same on screen and copies cleanly.
//!
//! Both profiles are idempotent: `normalize(normalize(x)) == normalize(x)`.

mod aligned;

use aligned::Builder;
pub use aligned::NormalizedText;
use unicode_normalization::UnicodeNormalization;

use crate::chars::{digit_value, is_arabic_mark, is_format_control, is_other_space, is_presentation_form, TATWEEL};

/// Which normalisation to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Fold for matching (see the module docs).
    #[default]
    Search,
    /// Clean for display: only controls removed and presentation forms decomposed.
    Display,
}

impl Profile {
    /// The profile's name as used on the command line (`search`, `display`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Search => "search",
            Profile::Display => "display",
        }
    }
}

impl core::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "search" => Ok(Profile::Search),
            "display" => Ok(Profile::Display),
            other => Err(format!("unknown normalisation profile {other:?} (expected `search` or `display`)")),
        }
    }
}

/// Normalise `text` with `profile`, keeping the alignment to the original.
pub fn normalize_aligned(text: &str, profile: Profile) -> NormalizedText<'_> {
    let mut b = Builder::new(text);
    run(text, profile, &mut b);
    b.finish()
}

/// Normalise `text` with `profile`, returning only the normalised string.
pub fn normalize(text: &str, profile: Profile) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, profile, &mut out);
    out
}

/// Append the normalisation of `text` to `out` (no alignment; reuses `out`'s buffer).
pub fn normalize_into(text: &str, profile: Profile, out: &mut String) {
    let mut sink = StringSink { out };
    run(text, profile, &mut sink);
}

/// What the Arabic block U+0600–U+06FF does under a profile: keep the
/// character, drop it, replace it, or take the general (slow) path.
const KEEP: u32 = 0;
const DROP: u32 = 1;
const SLOW: u32 = 2;

const fn arabic_block_table(profile: Profile) -> [u32; 256] {
    let mut t = [KEEP; 256];
    let mut i = 0;
    while i < 256 {
        let cp = 0x0600 + i as u32;
        t[i] = match profile {
            Profile::Display => {
                if cp == 0x061C {
                    DROP
                } else {
                    KEEP
                }
            }
            Profile::Search => match cp {
                0x061C => DROP,
                0x0654 => SLOW,
                0x064B..=0x0653 | 0x0655..=0x065F | 0x0670 | 0x0640 => DROP,
                0x0610..=0x061A | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED => DROP,
                0x0622 | 0x0623 | 0x0625 | 0x0671 | 0x0672 | 0x0673 => 0x0627,
                0x0649 | 0x06CC => 0x064A,
                0x0629 | 0x06C0 | 0x06BE | 0x06C1 | 0x06C2 | 0x06C3 => 0x0647,
                0x06A9 | 0x06AA => 0x0643,
                0x0660..=0x0669 => '0' as u32 + (cp - 0x0660),
                0x06F0..=0x06F9 => '0' as u32 + (cp - 0x06F0),
                0x066B => '.' as u32,
                0x066C => ',' as u32,
                _ => KEEP,
            },
        };
        i += 1;
    }
    t
}

static SEARCH_TABLE: [u32; 256] = arabic_block_table(Profile::Search);
static DISPLAY_TABLE: [u32; 256] = arabic_block_table(Profile::Display);

/// The one normalisation loop. Unchanged runs (ASCII that needs no case
/// folding, Arabic letters that need no folding) are copied in bulk; the
/// Arabic block goes through a lookup table; everything else takes the
/// general per-character path ([`apply`]).
fn run<S: Sink>(text: &str, profile: Profile, out: &mut S) {
    let bytes = text.as_bytes();
    let table = match profile {
        Profile::Search => &SEARCH_TABLE,
        Profile::Display => &DISPLAY_TABLE,
    };
    let search = profile == Profile::Search;
    let mut i = 0;
    let mut run_start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if search && b.is_ascii_uppercase() {
                out.push_run(run_start, &text[run_start..i]);
                out.begin(i);
                out.push(char::from(b.to_ascii_lowercase()));
                run_start = i + 1;
            }
            i += 1;
            continue;
        }
        if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
            let cp = (((b & 0x1F) as u32) << 6) | (bytes[i + 1] & 0x3F) as u32;
            match table[(cp - 0x0600) as usize] {
                KEEP => {
                    i += 2;
                    continue;
                }
                DROP => {
                    out.push_run(run_start, &text[run_start..i]);
                    i += 2;
                    run_start = i;
                    continue;
                }
                SLOW => {}
                rep => {
                    out.push_run(run_start, &text[run_start..i]);
                    out.begin(i);
                    out.push(char::from_u32(rep).unwrap_or('\u{FFFD}'));
                    i += 2;
                    run_start = i;
                    continue;
                }
            }
        }
        // General path for one character.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        out.push_run(run_start, &text[run_start..i]);
        out.begin(i);
        apply(out, c, profile);
        i += c.len_utf8();
        run_start = i;
    }
    out.push_run(run_start, &text[run_start..]);
}

/// Where a rule writes its output: a plain `String` or an aligned [`Builder`].
trait Sink {
    /// Start the output of the original character at byte `orig_start`.
    fn begin(&mut self, orig_start: usize);
    /// Emit one character for the current original character.
    fn push(&mut self, c: char);
    /// Emit `s`, an unchanged copy of the original text starting at `orig_start`.
    fn push_run(&mut self, orig_start: usize, s: &str);
    fn last_out(&self) -> Option<char>;
    fn replace_last_same_len(&mut self, c: char) -> bool;
}

struct StringSink<'s> {
    out: &'s mut String,
}

impl Sink for StringSink<'_> {
    #[inline]
    fn begin(&mut self, _: usize) {}
    #[inline]
    fn push(&mut self, c: char) {
        self.out.push(c);
    }
    #[inline]
    fn push_run(&mut self, _: usize, s: &str) {
        self.out.push_str(s);
    }
    #[inline]
    fn last_out(&self) -> Option<char> {
        self.out.chars().next_back()
    }
    fn replace_last_same_len(&mut self, ch: char) -> bool {
        aligned::replace_last_same_len(self.out, ch)
    }
}

impl Sink for Builder<'_> {
    #[inline]
    fn begin(&mut self, orig_start: usize) {
        self.next_char(orig_start);
    }
    #[inline]
    fn push(&mut self, c: char) {
        Builder::push(self, c);
    }
    #[inline]
    fn push_run(&mut self, orig_start: usize, s: &str) {
        Builder::push_run(self, orig_start, s);
    }
    #[inline]
    fn last_out(&self) -> Option<char> {
        Builder::last_out(self)
    }
    fn replace_last_same_len(&mut self, c: char) -> bool {
        Builder::replace_last_same_len(self, c)
    }
}

#[inline]
fn apply<S: Sink>(out: &mut S, c: char, profile: Profile) {
    // ASCII fast path: only case folding can apply.
    if c.is_ascii() {
        match profile {
            Profile::Search => out.push(c.to_ascii_lowercase()),
            Profile::Display => out.push(c),
        }
        return;
    }
    if is_format_control(c) {
        return;
    }
    if is_presentation_form(c) {
        // NFKC gives the base letters (and marks); the isolated and medial
        // forms of the marks decompose to SPACE + mark, whose space we drop so
        // a word is not split.
        let mark_form = matches!(c, '\u{FE70}'..='\u{FE7F}');
        for d in core::iter::once(c).nfkc() {
            if mark_form && d == ' ' {
                continue;
            }
            match profile {
                Profile::Search => fold_search(out, d),
                Profile::Display => out.push(d),
            }
        }
        return;
    }
    match profile {
        Profile::Search => fold_search(out, c),
        Profile::Display => out.push(c),
    }
}

/// The search folding of one (non-presentation-form, non-control) character.
#[inline]
fn fold_search<S: Sink>(out: &mut S, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Some(v) = digit_value(c) {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    match c {
        // Combining hamza above: compose with a preceding waw or yeh.
        '\u{0654}' => match out.last_out() {
            Some('\u{0648}') => {
                out.replace_last_same_len('\u{0624}');
            }
            Some('\u{064A}') => {
                out.replace_last_same_len('\u{0626}');
            }
            _ => {}
        },
        _ if is_arabic_mark(c) || c == TATWEEL => {}
        // Alef with hamza above/below, madda, wasla, wavy hamza.
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => out.push('\u{0627}'),
        // Alef maksura and Farsi yeh.
        '\u{0649}' | '\u{06CC}' => out.push('\u{064A}'),
        // Teh marbuta, heh with yeh above, heh doachashmee, heh goal (+hamza), teh marbuta goal.
        '\u{0629}' | '\u{06C0}' | '\u{06BE}' | '\u{06C1}' | '\u{06C2}' | '\u{06C3}' => out.push('\u{0647}'),
        // Keheh (Persian kaf) and swash kaf.
        '\u{06A9}' | '\u{06AA}' => out.push('\u{0643}'),
        '\u{066B}' => out.push('.'),
        '\u{066C}' => out.push(','),
        _ if is_other_space(c) => out.push(' '),
        _ => {
            if c.is_uppercase() {
                for l in c.to_lowercase() {
                    out.push(l);
                }
            } else {
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests;
