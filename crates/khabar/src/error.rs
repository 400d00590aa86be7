//! Errors of the analysis library.

/// What can go wrong outside of analysing a `&str` (which never fails).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A JSON document could not be read.
    #[error("invalid JSON document: {0}")]
    Json(#[from] serde_json::Error),
    /// A document has no usable text.
    #[error("document{} has no `body` or `text` field", id.as_deref().map(|id| format!(" {id:?}")).unwrap_or_default())]
    NoText {
        /// The document's id, if it has one.
        id: Option<String>,
    },
    /// A model or table file could not be read.
    #[error("{0}")]
    Model(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
