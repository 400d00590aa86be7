//! # khabar
//!
//! Reads Arabic news. One [`Analyzer`] turns a text into one [`Analysis`]
//! record (tokens, sentences, normalised forms, light stems, morphology,
//! entities, keyphrases and an extractive summary), with
//! every offset pointing into the original bytes.
//!
//! ```
//! use khabar::Analyzer;
//! let text = "وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ.";
//! let a = Analyzer::default().analyze(text);
//! assert_eq!(a.sentences.len(), 1);
//! let t = &a.tokens[4];
//! assert_eq!((t.text.as_str(), &text[t.start..t.end]), ("بوتين", "بوتين"));
//! assert_eq!(a.tokens[5].norm, "الي");
//! a.check_offsets(text).unwrap();
//! ```
#![deny(missing_docs)]

mod analysis;
pub mod digest;
mod document;
mod error;
pub mod eval;
mod pipeline;

pub use crate::analysis::{Analysis, EntityRecord, SentenceRecord, TokenRecord, WordRecord};
pub use crate::digest::{DigestOptions, KeyphraseRecord, SpanRecord, SummarySentence};
pub use crate::document::{strip_bom, Document, MaybeBom, BOM};
pub use crate::error::{Error, Result};
pub use crate::pipeline::{split_at_line_breaks, Analyzer, AnalyzerOptions, PIECE_BYTES};
pub use khabar_morph as morph;
pub use khabar_ner as ner;
pub use khabar_text as text;
