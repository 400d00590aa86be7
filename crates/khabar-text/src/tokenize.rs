//! The tokeniser: words, numbers, punctuation, URLs, e-mails, @mentions and
//! #hashtags, each with its kind and its byte span in the original input.
//!
//! It reads the original text directly (no normalisation first), so a token's
//! surface keeps its diacritics, tatweel and presentation forms, and its span
//! needs no mapping. Rules, in the order they are tried at a token start:
//!
//! 1. whitespace, format controls (bidi marks, zero-width characters) and
//!    control characters (NUL, ESC, SUB, DEL, C1) separate tokens and belong to none;
//! 2. `http://`, `https://` or `www.` starts a URL, which runs to the next
//!    whitespace, quote or bracket; trailing punctuation is left out;
//! 3. a run of e-mail characters followed by `@` and a dotted domain is an e-mail;
//! 4. `@` followed by a word character (Latin, Arabic, digit, `_`) is a mention,
//!    `#` followed by one is a hashtag (Arabic hashtags included, `_` joins words);
//! 5. Arabic letters, their marks, tatweel, and ZWNJ/ZWJ between letters make an
//!    Arabic word;
//! 6. digits of any of the three sets make a number, with `.` `,` `٫` `٬` kept
//!    inside when a digit follows (`1,000.5`, `٣٫٥`);
//! 7. other letters (with ASCII digits, combining marks and an inner apostrophe)
//!    make a Latin word (or a word of another script);
//! 8. everything else is one punctuation or symbol token per character, except
//!    that a run of the same `.` `!` `?` `؟` `-` is one token (`...`, `--`).

use crate::chars::{is_arabic_letter, is_arabic_mark, is_digit, is_format_control, is_joiner, is_number_separator, is_separator, TATWEEL};
use crate::span::Span;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum TokenKind {
    /// A word in Arabic script (diacritics and tatweel kept in its surface).
    Arabic,
    /// A word in Latin script (may contain ASCII digits: `G20`, `COVID19`).
    Latin,
    /// A word in another script (Cyrillic, Greek, CJK, …).
    Word,
    /// A number in ASCII, Arabic-Indic or extended Arabic-Indic digits.
    Number,
    /// A punctuation mark (or a run of the same stop: `...`).
    Punct,
    /// Any other symbol: currency, maths, emoji.
    Symbol,
    /// A URL (`http://`, `https://`, `www.`).
    Url,
    /// An e-mail address.
    Email,
    /// A `@mention`.
    Mention,
    /// A `#hashtag` (Arabic too).
    Hashtag,
}

impl TokenKind {
    /// The lowercase name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Arabic => "arabic",
            TokenKind::Latin => "latin",
            TokenKind::Word => "word",
            TokenKind::Number => "number",
            TokenKind::Punct => "punct",
            TokenKind::Symbol => "symbol",
            TokenKind::Url => "url",
            TokenKind::Email => "email",
            TokenKind::Mention => "mention",
            TokenKind::Hashtag => "hashtag",
        }
    }

    /// Whether tokens of this kind are words (carry lexical content).
    pub fn is_word(self) -> bool {
        matches!(self, TokenKind::Arabic | TokenKind::Latin | TokenKind::Word)
    }
}

/// A token: its kind and its span in the original input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte range in the original input.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
}

impl Token {
    /// The token's surface text: exactly the original bytes of its span.
    ///
    /// Returns `""` if `input` is not the text the token came from and the
    /// span does not fit it.
    #[inline]
    pub fn text<'t>(&self, input: &'t str) -> &'t str {
        self.span.slice(input).unwrap_or("")
    }
}

/// Which characters of the Arabic block U+0600–U+06FF continue an Arabic word.
static ARABIC_WORD_PART: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = match char::from_u32(0x0600 + i as u32) {
            Some(c) => c,
            None => '\0',
        };
        t[i] = is_arabic_letter(c) || is_arabic_mark(c) || c as u32 == TATWEEL as u32;
        i += 1;
    }
    t
};

/// Iterator over the tokens of a text, in order. Created by [`tokenize`].
#[derive(Clone, Debug)]
pub struct Tokens<'t> {
    text: &'t str,
    pos: usize,
}

/// Tokenise `text`. Tokens come in order, never overlap, and each one's span
/// slices `text` on char boundaries. Time is linear in the input.
///
/// ```
/// use khabar_text::{tokenize, TokenKind};
/// let text = "قال الاثنين،عن 1,000.5 دولار";
/// let toks: Vec<_> = tokenize(text).map(|t| (t.text(text), t.kind)).collect();
/// assert_eq!(toks[1], ("الاثنين", TokenKind::Arabic));
/// assert_eq!(toks[2], ("،", TokenKind::Punct));
/// assert_eq!(toks[4], ("1,000.5", TokenKind::Number));
/// ```
pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

/// A character that can continue a mention, hashtag or e-mail-like word.
#[inline]
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || is_arabic_mark(c) || c == TATWEEL
}

/// Combining marks of non-Arabic scripts that stay inside a word.
#[inline]
fn is_other_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[inline]
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}')
            && c.is_alphabetic()
}

/// Punctuation (as opposed to other symbols).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(
        c,
        '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
            | '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061D}'..='\u{061F}' | '\u{066A}' | '\u{066D}' | '\u{06D4}'
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{2E00}'..='\u{2E4F}'
            | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
            | '\u{FD3E}' | '\u{FD3F}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}' | '\u{FE50}'..='\u{FE6B}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF3F}' | '\u{FF5B}'..='\u{FF65}'
    )
}

/// Punctuation whose runs form one token.
#[inline]
fn is_run_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{061F}' | '-')
}

/// Emoji modifiers, variation selectors and keycap that stay with a symbol.
#[inline]
fn is_symbol_modifier(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

impl<'t> Tokens<'t> {
    /// End of a URL starting at `start`.
    fn scan_url(&self, start: usize) -> usize {
        let s = self.text;
        let mut end = start;
        let mut parens = 0i32;
        for (i, c) in s[start..].char_indices() {
            let stop = is_separator(c)
                || matches!(c, '"' | '<' | '>' | '«' | '»' | '“' | '”' | '\'' | '[' | ']' | '{' | '}' | '،' | '؛')
                || (c == ')' && parens == 0);
            if stop {
                break;
            }
            match c {
                '(' => parens += 1,
                ')' => parens -= 1,
                _ => {}
            }
            end = start + i + c.len_utf8();
        }
        // Trailing punctuation is the sentence's, not the URL's.
        while end > start {
            let Some(last) = s[..end].chars().next_back() else {
                break;
            };
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '؟' | '\'') {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        end
    }

    /// If an e-mail address starts at `start`, its end.
    fn scan_email(&self, start: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let local_ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
        let mut i = start;
        while i < b.len() && i - start < 64 && local_ok(b[i]) {
            i += 1;
        }
        if i == start || i >= b.len() || b[i] != b'@' || !b[start].is_ascii_alphanumeric() {
            return None;
        }
        let dom_start = i + 1;
        let mut j = dom_start;
        while j < b.len() && j - dom_start < 255 && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b'.') {
            j += 1;
        }
        // Trailing dots end the sentence.
        while j > dom_start && b[j - 1] == b'.' {
            j -= 1;
        }
        let dot = dom_start + b[dom_start..j].iter().rposition(|&c| c == b'.')?;
        let tld = &b[dot + 1..j];
        (dot > dom_start && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)).then_some(j)
    }

    /// End of the run of word characters after a `@` or `#` at `start`.
    fn scan_tag(&self, start: usize) -> usize {
        let mut end = start + 1;
        for (i, c) in self.text[start + 1..].char_indices() {
            if is_word_char(c) {
                end = start + 1 + i + c.len_utf8();
            } else {
                break;
            }
        }
        end
    }

    fn scan_arabic(&self, start: usize) -> usize {
        let s = self.text;
        let bytes = s.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            // Fast path: two-byte characters of the Arabic block U+0600–U+06FF.
            let b = bytes[i];
            if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
                let cp = (((b & 0x1F) as u32) << 6) | (bytes[i + 1] & 0x3F) as u32;
                if ARABIC_WORD_PART[(cp - 0x0600) as usize] {
                    i += 2;
                    continue;
                }
                break;
            }
            if b < 0x80 {
                break;
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            if is_arabic_letter(c) || is_arabic_mark(c) {
                i += c.len_utf8();
            } else if is_joiner(c) {
                // A joiner stays inside the word only between two Arabic characters.
                match s[i + c.len_utf8()..].chars().next() {
                    Some(n) if is_arabic_letter(n) || is_arabic_mark(n) || n == TATWEEL => i += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        i
    }

    fn scan_number(&self, start: usize) -> usize {
        let s = self.text;
        let mut end = start;
        let mut chars = s[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_digit(c) {
                end = start + i + c.len_utf8();
            } else if is_number_separator(c) {
                match chars.peek() {
                    Some(&(_, n)) if is_digit(n) => {}
                    _ => break,
                }
            } else {
                break;
            }
        }
        end
    }

    fn scan_word(&self, start: usize) -> usize {
        let s = self.text;
        let mut end = start;
        let mut chars = s[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let inside = (c.is_alphabetic() && !is_arabic_letter(c)) || c.is_ascii_digit() || is_other_mark(c);
            if inside {
                end = start + i + c.len_utf8();
            } else if matches!(c, '\'' | '\u{2019}') {
                match chars.peek() {
                    Some(&(_, n)) if n.is_alphabetic() && !is_arabic_letter(n) => {}
                    _ => break,
                }
            } else {
                break;
            }
        }
        end
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let s = self.text;
        loop {
            let start = self.pos;
            let c = char_at(s, start)?;
            if is_separator(c) {
                self.pos += c.len_utf8();
                continue;
            }
            let rest = &s[start..];
            let (end, kind) = if (c == 'h' || c == 'H' || c == 'w' || c == 'W')
                && (starts_with_ignore_ascii_case(rest, "http://")
                    || starts_with_ignore_ascii_case(rest, "https://")
                    || starts_with_ignore_ascii_case(rest, "www."))
                && rest.len() > 7
            {
                let end = self.scan_url(start);
                (end, TokenKind::Url)
            } else if let Some(end) = if c.is_ascii_alphanumeric() { self.scan_email(start) } else { None } {
                (end, TokenKind::Email)
            } else if (c == '@' || c == '#' || c == '\u{FF03}')
                && char_at(s, start + c.len_utf8()).is_some_and(is_word_char)
                && !s[..start].chars().next_back().is_some_and(is_word_char)
            {
                // scan_tag assumes a one-byte sigil; the full-width # is three.
                let end = if c == '\u{FF03}' { self.scan_tag(start + 2) } else { self.scan_tag(start) };
                (end, if c == '@' { TokenKind::Mention } else { TokenKind::Hashtag })
            } else if is_arabic_letter(c) || is_arabic_mark(c) || c == TATWEEL {
                (self.scan_arabic(start), TokenKind::Arabic)
            } else if is_digit(c) {
                (self.scan_number(start), TokenKind::Number)
            } else if c.is_alphabetic() {
                let kind = if is_latin_letter(c) { TokenKind::Latin } else { TokenKind::Word };
                (self.scan_word(start), kind)
            } else if is_punct(c) {
                let mut end = start + c.len_utf8();
                if is_run_punct(c) {
                    while char_at(s, end) == Some(c) {
                        end += c.len_utf8();
                    }
                }
                (end, TokenKind::Punct)
            } else {
                let mut end = start + c.len_utf8();
                loop {
                    match char_at(s, end) {
                        Some(m) if is_symbol_modifier(m) || is_other_mark(m) => end += m.len_utf8(),
                        Some('\u{200D}') => match char_at(s, end + 3) {
                            Some(n) if !n.is_alphanumeric() && !is_separator(n) && !is_punct(n) => end += 3 + n.len_utf8(),
                            _ => break,
                        },
                        _ => break,
                    }
                }
                (end, TokenKind::Symbol)
            };
            // Every branch consumes at least the first char; guard anyway.
            let end = end.max(start + c.len_utf8());
            self.pos = end;
            debug_assert!(!is_format_control(c));
            return Some(Token { span: Span::new_unchecked(start, end), kind });
        }
    }
}

#[cfg(test)]
mod tests;
