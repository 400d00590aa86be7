//! News documents as they arrive (JSON lines as in SaudiNewsNet, or plain text).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One news article. All fields but the text are optional; `text` is
/// accepted as another name for `body`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// A stable identifier (file name for plain-text input).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_id")]
    pub id: Option<String>,
    /// The headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The article text; every offset of its analysis points into this string.
    #[serde(default, alias = "text")]
    pub body: String,
    /// The publication (newspaper, agency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication date or date-time, as given (ISO 8601 expected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Author, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// Accept string or number ids.
fn de_id<'de, D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// The UTF-8 byte order mark (U+FEFF), which Windows tools write before a file's text and
/// `cat` keeps before each file's.
pub const BOM: &str = "\u{FEFF}";

/// `text` without a leading [`BOM`]: the one rule the CLI (JSON lines, stripped from the raw
/// bytes of each line before decoding) and `khabar serve` (JSON bodies and their lines) share.
/// Works on `&str` and on `&[u8]`; anything else is returned as it is, and a BOM further in is
/// kept. Plain-text bodies keep theirs: their analysis' offsets point into the bytes as given.
///
/// ```
/// assert_eq!(khabar::strip_bom("\u{FEFF}{}"), "{}");
/// assert_eq!(khabar::strip_bom(&b"\xEF\xBB\xBF{}"[..]), b"{}");
/// assert_eq!(khabar::strip_bom("{}\u{FEFF}"), "{}\u{FEFF}");
/// ```
pub fn strip_bom<T: MaybeBom + ?Sized>(text: &T) -> &T {
    text.without_bom()
}

/// Text that may start with a [`BOM`]: `str` and `[u8]` (see [`strip_bom`]).
pub trait MaybeBom {
    /// `self` without a leading [`BOM`].
    fn without_bom(&self) -> &Self;
}

impl MaybeBom for str {
    fn without_bom(&self) -> &str {
        self.strip_prefix(BOM).unwrap_or(self)
    }
}

impl MaybeBom for [u8] {
    fn without_bom(&self) -> &[u8] {
        self.strip_prefix(BOM.as_bytes()).unwrap_or(self)
    }
}

impl Document {
    /// A document with only a body.
    pub fn from_text(id: Option<String>, body: impl Into<String>) -> Document {
        Document { id, body: body.into(), ..Document::default() }
    }

    /// Parse one JSON object (one line of a JSON-lines file).
    ///
    /// A document must have a `body` (or `text`) field; it may be empty.
    pub fn from_json(line: &str) -> Result<Document> {
        let value: serde_json::Value = serde_json::from_str(line)?;
        if !value.is_object() {
            let found = match value {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            };
            return Err(Error::Json(serde::de::Error::custom(format!("expected a JSON object, found {found}"))));
        }
        let has_text = value.get("body").or_else(|| value.get("text")).is_some_and(|b| b.is_string());
        let doc: Document = serde_json::from_value(value)?;
        if !has_text {
            return Err(Error::NoText { id: doc.id });
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_bom_removes_one_leading_mark_of_text_or_bytes() {
        for (text, want) in
            [("\u{FEFF}نص", "نص"), ("نص", "نص"), ("", ""), ("\u{FEFF}", ""), ("\u{FEFF}\u{FEFF}x", "\u{FEFF}x"), ("x\u{FEFF}", "x\u{FEFF}")]
        {
            assert_eq!(strip_bom(text), want);
            assert_eq!(strip_bom(text.as_bytes()), want.as_bytes());
        }
        // Bytes that only start like a BOM, or are not UTF-8 at all, are kept.
        for bytes in [&b"\xEF\xBB"[..], b"\xEF\xBBx", b"\xFF\xFE{}"] {
            assert_eq!(strip_bom(bytes), bytes);
        }
        assert_eq!(strip_bom(&b"\xEF\xBB\xBF\xFF"[..]), b"\xFF");
    }

    #[test]
    fn reads_saudinewsnet_lines() {
        let d = Document::from_json(r#"{"id": 7, "source": "aawsat", "title": "عنوان", "body": "نص", "published": "2015-08-01"}"#).unwrap();
        assert_eq!(d.id.as_deref(), Some("7"));
        assert_eq!(d.body, "نص");
        assert_eq!(d.title.as_deref(), Some("عنوان"));
        let t = Document::from_json(r#"{"text": "نص"}"#).unwrap();
        assert_eq!(t.body, "نص");
    }

    #[test]
    fn rejects_bad_lines() {
        assert!(matches!(Document::from_json("{\"id\": 1"), Err(Error::Json(_))));
        assert!(matches!(Document::from_json("{\"id\": \"x\"}"), Err(Error::NoText { id: Some(_) })));
        assert!(Document::from_json("[1]").is_err());
    }

    #[test]
    fn errors_read_as_sentences() {
        // Before: `document Some("x") has no ...`, `document None has no ...`, and for an
        // array `invalid type: integer `2`, expected a string` (serde read it as a tuple).
        assert_eq!(Document::from_json("{\"id\": \"x\"}").unwrap_err().to_string(), "document \"x\" has no `body` or `text` field");
        assert_eq!(Document::from_json("{\"title\": \"t\"}").unwrap_err().to_string(), "document has no `body` or `text` field");
        for line in ["[1, 2]", "[\"a\", \"b\", \"c\"]", "\"نص\"", "7", "null"] {
            let e = Document::from_json(line).unwrap_err().to_string();
            assert!(e.contains("expected a JSON object"), "{line}: {e}");
        }
    }
}
