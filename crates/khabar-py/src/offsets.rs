//! Code-point offsets next to byte offsets, in a JSON text.
//!
//! khabar's offsets are bytes into UTF-8 text; Python slices `str` by code
//! point. [`add_char_offsets`] rewrites a JSON text (as `serde_json` writes an
//! Analysis) so that every object with integer `start` and `end` members also
//! has `char_start` and `char_end`, inserted right after `end`. It knows no
//! schema: spans of layers added later (keyphrase spans, summary sentences)
//! get their char offsets too.

/// Byte offset → code-point offset for one text, in O(1) per query after an O(n) pass.
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// Code points before byte `k * STEP`.
    checkpoints: Vec<usize>,
}

const STEP: usize = 64;

fn is_char_start(b: u8) -> bool {
    // Not a UTF-8 continuation byte (0b10xx_xxxx).
    (b & 0xC0) != 0x80
}

impl<'a> CharIndex<'a> {
    /// Index `text`.
    pub fn new(text: &'a str) -> CharIndex<'a> {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STEP + 1);
        let mut count = 0usize;
        for chunk in bytes.chunks(STEP) {
            checkpoints.push(count);
            count += chunk.iter().filter(|&&b| is_char_start(b)).count();
        }
        checkpoints.push(count);
        CharIndex { bytes, checkpoints }
    }

    /// The number of code points that start before byte `offset` (clamped to the text):
    /// for an offset on a char boundary, the code-point offset Python uses.
    pub fn char_at(&self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        let k = offset / STEP;
        self.checkpoints[k] + self.bytes[k * STEP..offset].iter().filter(|&&b| is_char_start(b)).count()
    }
}

/// What the rewriter is inside of.
enum Frame {
    Array,
    Object {
        /// The key whose value comes next (when it is `start` or `end`).
        key: Key,
        /// The value of `start`, once seen.
        start: Option<usize>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Other,
    Start,
    End,
}

/// Insert `"char_start":…,"char_end":…` after the `end` member of every JSON object
/// whose `start` (coming first) and `end` are non-negative integers. Input that is not
/// JSON is copied unchanged as far as it goes; nothing panics.
pub fn add_char_offsets(json: &str, chars: &CharIndex<'_>) -> String {
    let b = json.as_bytes();
    let mut out = String::with_capacity(json.len() + json.len() / 4);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut copied = 0; // json[copied..i] is still to be copied
    while i < b.len() {
        match b[i] {
            b'{' => {
                stack.push(Frame::Object { key: Key::Other, start: None });
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                    *key = Key::Other;
                }
                i += 1;
            }
            b'"' => {
                let begin = i + 1;
                let mut j = begin;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                i = (j + 1).min(b.len());
                // A string followed by ':' is a key.
                let mut k = i;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if k < b.len() && b[k] == b':' {
                    if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                        *key = match &json[begin..end] {
                            "start" => Key::Start,
                            "end" => Key::End,
                            _ => Key::Other,
                        };
                    }
                    i = k + 1;
                }
            }
            c if c == b'-' || c.is_ascii_alphanumeric() => {
                let begin = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'-' | b'+' | b'.')) {
                    i += 1;
                }
                let value: Option<usize> = json[begin..i].parse().ok();
                if let (Some(Frame::Object { key, start }), Some(v)) = (stack.last_mut(), value) {
                    match *key {
                        Key::Start => *start = Some(v),
                        Key::End => {
                            if let Some(s) = *start {
                                out.push_str(&json[copied..i]);
                                copied = i;
                                out.push_str(",\"char_start\":");
                                out.push_str(&chars.char_at(s).to_string());
                                out.push_str(",\"char_end\":");
                                out.push_str(&chars.char_at(v).to_string());
                            }
                        }
                        Key::Other => {}
                    }
                    *key = Key::Other;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&json[copied.min(json.len())..]);
    out
}

/// The members of the top-level JSON object: (key as written, raw value text).
/// Malformed input gives what could be read; nothing panics.
pub fn top_level_members(json: &str) -> Vec<(&str, &str)> {
    let b = json.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut key: Option<(usize, usize)> = None;
    let mut value_start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let s = i + 1;
                let mut j = s;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && key.is_none() && value_start.is_none() {
                    key = Some((s, j.min(b.len())));
                }
                i = (j + 1).min(b.len());
                continue;
            }
            b':' if depth == 1 && value_start.is_none() => value_start = Some(i + 1),
            b'{' | b'[' => depth += 1,
            b'}' | b']' | b',' => {
                if depth == 1 {
                    if let (Some((ks, ke)), Some(vs)) = (key, value_start) {
                        out.push((&json[ks..ke], json[vs..i].trim()));
                    }
                    key = None;
                    value_start = None;
                }
                if b[i] != b',' {
                    depth = depth.saturating_sub(1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_code_points() {
        let text = "aبc😀د".repeat(40);
        let idx = CharIndex::new(&text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(idx.char_at(bi), ci);
        }
        assert_eq!(idx.char_at(text.len()), text.chars().count());
        assert_eq!(idx.char_at(text.len() + 10), text.chars().count());
        assert_eq!(CharIndex::new("").char_at(3), 0);
    }

    #[test]
    fn inserts_after_end_at_any_depth() {
        let text = "بوتين في موسكو";
        let json = r#"{"length":3,"tokens":[{"text":"بوتين","start":0,"end":10,"kind":"arabic"}],"x":{"spans":[{"start":11,"end":14}]},"s":{"token_start":0,"token_end":1}}"#;
        let got = add_char_offsets(json, &CharIndex::new(text));
        assert_eq!(
            got,
            r#"{"length":3,"tokens":[{"text":"بوتين","start":0,"end":10,"char_start":0,"char_end":5,"kind":"arabic"}],"x":{"spans":[{"start":11,"end":14,"char_start":6,"char_end":8}]},"s":{"token_start":0,"token_end":1}}"#
        );
    }

    #[test]
    fn strings_that_look_like_keys_are_left_alone() {
        let json = r#"{"text":"\"start\":1,\"end\":2","start":1,"end":2}"#;
        let got = add_char_offsets(json, &CharIndex::new("abc"));
        assert_eq!(got, r#"{"text":"\"start\":1,\"end\":2","start":1,"end":2,"char_start":1,"char_end":2}"#);
        // end before start, or non-integer values: nothing added.
        for j in [r#"{"end":2,"start":1}"#, r#"{"start":"1","end":2}"#, r#"{"start":1.5,"end":2}"#, r#"{"start":1,"end":-2}"#] {
            assert_eq!(add_char_offsets(j, &CharIndex::new("abc")), j);
        }
    }

    #[test]
    fn top_level_members_are_raw_slices() {
        let json = r#"{"id":"a,b","length":3,"tokens":[{"start":0,"end":1}],"x":{"y":[1,2]},"s":"\"q\""}"#;
        assert_eq!(
            top_level_members(json),
            vec![("id", r#""a,b""#), ("length", "3"), ("tokens", r#"[{"start":0,"end":1}]"#), ("x", r#"{"y":[1,2]}"#), ("s", r#""\"q\"""#)]
        );
        for j in ["", "{", "{\"a\"", "{\"a\":", "[1,{\"a\":2}]", "}}{"] {
            let _ = top_level_members(j);
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        for j in ["", "{", "\"", "\"\\", "{\"start\":1,\"end\":", "{\"start\":1,\"end\":9}", "]]}}", "{\"start\"", "é\"€"] {
            let _ = add_char_offsets(j, &CharIndex::new("é"));
        }
    }
}
