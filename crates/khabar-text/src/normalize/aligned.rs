//! [`NormalizedText`]: a normalised string that remembers where every one of
//! its characters came from in the original input.

use crate::span::Span;

/// A normalised copy of an original `&str` with an alignment back to it.
///
/// No normaliser does offset arithmetic itself: every edit goes through the
/// [`Builder`] primitives (emit one or more characters for each original one, emit none to delete it, or replace the last emitted letter by a composed one), which keep
/// the alignment up to date, and [`NormalizedText::to_original`] maps any
/// range of the normalised text back to a [`Span`] of the original.
///
/// The alignment is stored as *anchors*: `(normalized_offset, original_offset)`
/// pairs recorded only where the two texts stop advancing in step (a deleted
/// mark, a 2-byte digit that became 1 byte, a ligature that became two
/// letters). Between anchors the offsets advance together, so text that needs
/// no edits costs no alignment memory at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizedText<'a> {
    original: &'a str,
    normalized: String,
    anchors: Vec<(usize, usize)>,
}

impl<'a> NormalizedText<'a> {
    /// The identity normalisation of `original`.
    pub fn identity(original: &'a str) -> Self {
        NormalizedText { original, normalized: original.to_owned(), anchors: vec![(original.len(), original.len())] }
    }

    /// The input text.
    #[inline]
    pub fn original(&self) -> &'a str {
        self.original
    }

    /// The normalised text.
    #[inline]
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Take the normalised string, dropping the alignment.
    #[inline]
    pub fn into_normalized(self) -> String {
        self.normalized
    }

    /// Original byte offset of the character that starts at normalised
    /// offset `n` (or of the end of the input for `n == normalized().len()`).
    fn original_start(&self, n: usize) -> usize {
        // Last anchor with norm <= n; the implicit first anchor is (0, 0).
        let idx = self.anchors.partition_point(|&(norm, _)| norm <= n);
        let (norm, orig) = if idx == 0 { (0, 0) } else { self.anchors[idx - 1] };
        orig + (n - norm)
    }

    /// Map a byte range of the normalised text back to the span of the
    /// original text its characters came from.
    ///
    /// Returns `None` if the range is reversed, out of bounds or not on
    /// `char` boundaries of the normalised text. Characters deleted by the
    /// normalisation (marks, controls) at the edges of the range are not
    /// included; those between its characters are.
    pub fn to_original(&self, start: usize, end: usize) -> Option<Span> {
        let norm = self.normalized.as_str();
        if start > end || norm.get(start..end).is_none() {
            return None;
        }
        let orig_start = self.original_start(start);
        if start == end {
            return Some(Span::new_unchecked(orig_start, orig_start));
        }
        // The last normalised char of the range, and the original char it came from.
        let last = norm[..end].char_indices().next_back().map(|(i, _)| i).unwrap_or(start);
        let last_orig = self.original_start(last);
        let last_len = self.original[last_orig..].chars().next().map_or(0, char::len_utf8);
        Some(Span::new_unchecked(orig_start, last_orig + last_len))
    }
}

/// Builds a [`NormalizedText`] one original character at a time.
///
/// Call [`Builder::next_char`] before emitting the output for each original
/// character, then any number of `push` calls (none deletes it).
pub(crate) struct Builder<'a> {
    original: &'a str,
    out: String,
    anchors: Vec<(usize, usize)>,
    cur_start: usize,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(original: &'a str) -> Self {
        Builder { original, out: String::with_capacity(original.len()), anchors: Vec::new(), cur_start: 0 }
    }

    /// Start the output of the original character `c` at byte `start`.
    #[inline]
    pub(crate) fn next_char(&mut self, start: usize) {
        self.cur_start = start;
    }

    #[inline]
    fn predicted(&self, n: usize) -> usize {
        match self.anchors.last() {
            Some(&(norm, orig)) => orig + (n - norm),
            None => n,
        }
    }

    /// Emit one output character for the current original character.
    #[inline]
    pub(crate) fn push(&mut self, ch: char) {
        let n = self.out.len();
        // Every output char of one original char maps to that char's start.
        if self.predicted(n) != self.cur_start {
            match self.anchors.last_mut() {
                Some(last) if last.0 == n => last.1 = self.cur_start,
                _ => self.anchors.push((n, self.cur_start)),
            }
        }
        self.out.push(ch);
    }

    /// Emit `s`, an unchanged copy of the original text starting at `orig_start`.
    #[inline]
    pub(crate) fn push_run(&mut self, orig_start: usize, s: &str) {
        if s.is_empty() {
            return;
        }
        let n = self.out.len();
        if self.predicted(n) != orig_start {
            match self.anchors.last_mut() {
                Some(last) if last.0 == n => last.1 = orig_start,
                _ => self.anchors.push((n, orig_start)),
            }
        }
        self.out.push_str(s);
    }

    /// The last character emitted so far, if any.
    #[inline]
    pub(crate) fn last_out(&self) -> Option<char> {
        self.out.chars().next_back()
    }

    /// Replace the last emitted character by `ch` of the same UTF-8 length
    /// (used to compose a base letter with a following combining hamza). The
    /// alignment is unchanged: the composed letter maps to its base letter.
    pub(crate) fn replace_last_same_len(&mut self, ch: char) -> bool {
        replace_last_same_len(&mut self.out, ch)
    }

    pub(crate) fn finish(mut self) -> NormalizedText<'a> {
        let n = self.out.len();
        let end = self.original.len();
        if self.predicted(n) != end {
            match self.anchors.last_mut() {
                Some(last) if last.0 == n => last.1 = end,
                _ => self.anchors.push((n, end)),
            }
        }
        NormalizedText { original: self.original, normalized: self.out, anchors: self.anchors }
    }
}

/// Replace the last character of `out` by `ch` when both have the same UTF-8
/// length (so no offset moves); `false` and no change otherwise.
pub(crate) fn replace_last_same_len(out: &mut String, ch: char) -> bool {
    match out.chars().next_back() {
        Some(prev) if prev.len_utf8() == ch.len_utf8() => {
            out.truncate(out.len() - prev.len_utf8());
            out.push(ch);
            true
        }
        _ => false,
    }
}
