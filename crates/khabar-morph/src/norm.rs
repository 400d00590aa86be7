//! Character-level normalisation helpers used for keys and features.

/// Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef), Quranic marks and tatweel.
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// Remove diacritics and tatweel.
pub fn strip_marks(s: &str) -> String {
    s.chars().filter(|&c| !is_mark(c)).collect()
}

/// Key used for dictionaries: marks removed, alef variants folded to bare alef, ASCII lowercased.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_mark(c) {
            continue;
        }
        out.push(match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
            c => c,
        });
    }
    out
}

/// Looser key for lemma tables: like [`key`], and alef maqsura folded to ya.
pub fn lkey(s: &str) -> String {
    key(s).chars().map(|c| if c == 'ى' { 'ي' } else { c }).collect()
}

/// Coarse shape class of a token.
pub fn shape(s: &str) -> u8 {
    let mut ar = false;
    let mut dig = false;
    let mut lat = false;
    let mut other = false;
    for c in s.chars() {
        if c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) || ('\u{06F0}'..='\u{06F9}').contains(&c) {
            dig = true;
        } else if ('\u{0621}'..='\u{064A}').contains(&c) || ('\u{0671}'..='\u{06D3}').contains(&c) || is_mark(c) {
            ar = true;
        } else if c.is_alphabetic() {
            lat = true;
        } else {
            other = true;
        }
    }
    match (ar, dig, lat, other) {
        (false, false, false, false) => 0,
        (true, false, false, false) => 1,
        (false, true, false, _) => 2,
        (false, false, true, false) => 3,
        (false, false, false, true) => 4,
        (true, true, _, _) => 5,
        _ => 6,
    }
}

/// Last `n` chars of `s` (whole string if shorter).
pub fn suffix(s: &str, n: usize) -> &str {
    let mut it = s.char_indices().rev();
    let mut start = s.len();
    for _ in 0..n {
        match it.next() {
            Some((i, _)) => start = i,
            None => break,
        }
    }
    &s[start..]
}

/// First `n` chars of `s`.
pub fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Bucket a count into a small integer.
pub fn bucket(c: u32) -> u64 {
    match c {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        4..=10 => 3,
        11..=50 => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn keys() {
        assert_eq!(key("أَوضَحَ"), "اوضح");
        assert_eq!(key("ذٰلك"), "ذلك");
        assert_eq!(lkey("على"), "علي");
        assert_eq!(suffix("عددها", 2), "ها");
        assert_eq!(prefix("عددها", 2), "عد");
        assert_eq!(suffix("ab", 5), "ab");
        assert_eq!(shape("123"), 2);
        assert_eq!(shape("كتب"), 1);
        assert_eq!(shape("،"), 4);
    }
}
