//! Character classes used by the normaliser and the tokeniser.
//!
//! Everything here is a pure function on `char`, written as range checks so
//! the hot loops stay branch-predictable and allocation-free.

/// Arabic harakat and tanween U+064B–U+0652 (fathatan … sukun), the other
/// combining marks of the Arabic block U+0653–U+065F (maddah, hamza above and
/// below, …), and the superscript (dagger) alef U+0670.
#[inline]
pub const fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Honorific and Quranic signs U+0610–U+061A (ؐ ؑ … small fatha/damma/kasra),
/// Quranic annotation marks U+06D6–U+06DC, U+06DF–U+06E4, U+06E7–U+06E8,
/// U+06EA–U+06ED and the Arabic small high/low marks U+08D3–U+08FF.
#[inline]
pub const fn is_quranic_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0610}'..='\u{061A}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{08D3}'..='\u{08FF}'
    )
}

/// Any combining mark that attaches to an Arabic letter (tashkeel or Quranic marks).
#[inline]
pub const fn is_arabic_mark(c: char) -> bool {
    is_tashkeel(c) || is_quranic_mark(c)
}

/// Tatweel (kashida) U+0640, used to stretch words.
pub const TATWEEL: char = '\u{0640}';

/// Bidi and zero-width format controls that carry no letters: ZWSP, ZWNJ, ZWJ,
/// LRM, RLM (U+200B–U+200F), the Arabic letter mark U+061C, embeddings and
/// overrides U+202A–U+202E, isolates U+2066–U+2069, word joiner U+2060 and the
/// BOM / zero-width no-break space U+FEFF.
#[inline]
pub fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2060}' | '\u{FEFF}')
}

/// ZWNJ and ZWJ: format controls that may sit inside a word (Persian, Urdu).
#[inline]
pub fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Arabic presentation forms A (U+FB50–U+FDFF) and B (U+FE70–U+FEFE).
#[inline]
pub fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}')
}

/// A letter of the Arabic script (base letters of the Arabic, Arabic
/// Supplement and Extended-A blocks, and presentation-form letters), not
/// digits, punctuation or marks.
#[inline]
pub const fn is_arabic_letter(c: char) -> bool {
    matches!(
        c,
        '\u{0620}'..='\u{063F}'
            | '\u{0641}'..='\u{064A}'
            | '\u{066E}'..='\u{066F}'
            | '\u{0671}'..='\u{06D3}'
            | '\u{06D5}'
            | '\u{06E5}'..='\u{06E6}'
            | '\u{06EE}'..='\u{06EF}'
            | '\u{06FA}'..='\u{06FC}'
            | '\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{0887}'
            | '\u{0889}'..='\u{088E}'
            | '\u{08A0}'..='\u{08C9}'
            | '\u{FB50}'..='\u{FBB1}'
            | '\u{FBD3}'..='\u{FD3D}'
            | '\u{FD50}'..='\u{FDC7}'
            | '\u{FDF0}'..='\u{FDFB}'
            | '\u{FE70}'..='\u{FE74}'
            | '\u{FE76}'..='\u{FEFC}'
    )
}

/// The numeric value of an ASCII, Arabic-Indic (U+0660–U+0669) or extended
/// Arabic-Indic (Persian, U+06F0–U+06F9) digit.
#[inline]
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// Whether `c` is a decimal digit in any of the three digit sets khabar reads.
#[inline]
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// Separators that may sit between two digits inside one number:
/// `.` `,` and the Arabic decimal (U+066B ٫) and thousands (U+066C ٬) separators.
#[inline]
pub fn is_number_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
}

/// Horizontal spaces other than the ASCII space and tab: NBSP, the
/// U+2000–U+200A spaces, narrow NBSP, medium mathematical space, the
/// ideographic space and the Ogham space mark.
#[inline]
pub fn is_other_space(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// Line and paragraph breaks: LF, VT, FF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
#[inline]
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Whitespace for the tokeniser: Unicode whitespace, the format controls
/// (bidi marks and zero-width characters never belong to a token, except a
/// joiner inside a word) and the other control characters (C0, DEL, C1: NUL,
/// ESC, the SUB that stands in for pictures in scraped news), which are not text.
#[inline]
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || is_format_control(c) || c.is_control()
}
