//! Byte ranges into the original input.

use core::fmt;
use core::ops::Range;

/// A half-open byte range `start..end` into the ORIGINAL input text.
///
/// Invariant: `start <= end`. A `Span` produced by this crate for an input
/// `text` always lies on `char` boundaries of that `text`, so
/// `&text[span.start()..span.end()]` never panics and gives exactly the
/// surface form of the thing it marks. Filters downstream may change a
/// token's *text*, never its span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    start: usize,
    end: usize,
}

/// Why a byte range cannot be a [`Span`] of a given text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpanError {
    /// `start > end`.
    Reversed {
        /// The start offset.
        start: usize,
        /// The end offset.
        end: usize,
    },
    /// `end` is past the end of the text.
    OutOfBounds {
        /// The end offset.
        end: usize,
        /// The length of the text in bytes.
        len: usize,
    },
    /// An offset falls inside a UTF-8 sequence.
    NotCharBoundary {
        /// The offending offset.
        offset: usize,
    },
}

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpanError::Reversed { start, end } => {
                write!(f, "span start {start} is after its end {end}")
            }
            SpanError::OutOfBounds { end, len } => {
                write!(f, "span end {end} is past the text's {len} bytes")
            }
            SpanError::NotCharBoundary { offset } => {
                write!(f, "byte offset {offset} is inside a UTF-8 character")
            }
        }
    }
}

impl std::error::Error for SpanError {}

impl Span {
    /// A span `start..end`; `None` when `start > end`.
    #[inline]
    pub const fn new(start: usize, end: usize) -> Option<Span> {
        if start <= end {
            Some(Span { start, end })
        } else {
            None
        }
    }

    /// A span `start..end` checked against `text`: ordered, in bounds, on char boundaries.
    pub fn checked(text: &str, start: usize, end: usize) -> Result<Span, SpanError> {
        if start > end {
            return Err(SpanError::Reversed { start, end });
        }
        if end > text.len() {
            return Err(SpanError::OutOfBounds { end, len: text.len() });
        }
        for offset in [start, end] {
            if !text.is_char_boundary(offset) {
                return Err(SpanError::NotCharBoundary { offset });
            }
        }
        Ok(Span { start, end })
    }

    /// An empty span at `offset`.
    #[inline]
    pub const fn empty(offset: usize) -> Span {
        Span { start: offset, end: offset }
    }

    /// Crate-internal constructor for ranges the caller has already proven valid.
    #[inline]
    pub(crate) const fn new_unchecked(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// First byte of the span.
    #[inline]
    pub const fn start(&self) -> usize {
        self.start
    }

    /// One past the last byte of the span.
    #[inline]
    pub const fn end(&self) -> usize {
        self.end
    }

    /// Length in bytes.
    #[inline]
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The range `start..end`.
    #[inline]
    pub const fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    #[inline]
    pub fn cover(&self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The text this span marks, or `None` if it does not fit `text`.
    #[inline]
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }
}

impl From<Span> for Range<usize> {
    fn from(s: Span) -> Range<usize> {
        s.range()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_rejects_bad_ranges() {
        let t = "سلام";
        assert!(Span::checked(t, 0, 2).is_ok());
        assert_eq!(Span::checked(t, 0, 1), Err(SpanError::NotCharBoundary { offset: 1 }));
        assert_eq!(Span::checked(t, 3, 2), Err(SpanError::Reversed { start: 3, end: 2 }));
        assert_eq!(Span::checked(t, 0, 9), Err(SpanError::OutOfBounds { end: 9, len: 8 }));
        assert_eq!(Span::new(2, 1), None);
    }

    #[test]
    fn slice_and_cover() {
        let t = "كيم جونغ";
        let a = Span::checked(t, 0, 6).unwrap();
        let b = Span::checked(t, 7, t.len()).unwrap();
        assert_eq!(a.slice(t), Some("كيم"));
        assert_eq!(a.cover(b).slice(t), Some(t));
    }
}
