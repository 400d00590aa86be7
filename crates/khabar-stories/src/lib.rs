//! # khabar-stories
//!
//! Near-duplicates and stories for a stream of analysed articles.
//!
//! * **Exact duplicates**: a hash of the normalised body (its words,
//!   search-normalised, one space apart: spacing, punctuation, diacritics and
//!   hamza spellings do not count).
//! * **Near-duplicates**: MinHash signatures over word shingles of the
//!   normalised body, LSH banding to find candidates, confirmed on the exact
//!   shingle sets by Jaccard similarity ([`Options::dup_threshold`]), containment,
//!   or sentence by sentence for a copy rewritten word by word ([`Options::dup_align`]),
//!   unless the shared text starts later in one article than in the other
//!   ([`Options::dup_offset`]: a release appended after other news is not a copy).
//!   An article that copies articles of two groups merges them when it copies
//!   each as a whole ([`Options::dup_merge`], [`Assignment::merged_groups`]).
//! * **Stories**: an article joins the story whose articles inside the time
//!   window (default 3 days) are most similar to it on average (for a story of
//!   more than [`Options::average_cap`] articles, the mean of its best links), when
//!   that score reaches [`Options::join_threshold`]; the similarity is the lemma
//!   TF-IDF cosine of the bodies plus, in proportion to it, the IDF-weighted
//!   overlap of headline lemmas, of canonical entities and of keyphrases.
//!   Otherwise it starts a story. Near-duplicates join their original's story.
//!   Two stories of the window merge when the average similarity over their
//!   pairs of articles reaches [`Options::merge_average`].
//!
//! Assignment is incremental: a group or a story changes only by merging into
//! an older one ([`Assignment::merged_groups`], [`Assignment::merged`], [`Aliases`]), and the state
//! holds only the window (older articles and stories are dropped), so memory
//! does not grow with the archive. [`StoryEngine::to_bytes`] /
//! [`StoryEngine::from_bytes`] persist it between runs.
//!
//! ```
//! use khabar::{Analyzer, Document};
//! use khabar_stories::{Features, Options, StoryEngine};
//! let analyzer = Analyzer::default();
//! let options = Options::default();
//! let mut engine = StoryEngine::new(options.clone());
//! let body = "أعلنت وزارة الصحة السعودية اليوم تسجيل حالات جديدة بفيروس كورونا في الرياض وجدة";
//! for id in ["a", "b"] {
//!     let doc = Document { id: Some(id.into()), body: body.into(), ..Document::default() };
//!     let f = Features::extract(&doc, &analyzer.analyze_document(&doc), None, &options).with_time(Some(1_438_387_200));
//!     let a = engine.assign(f);
//!     assert_eq!(a.dup_group, "a");
//!     assert_eq!(a.story, "a");
//! }
//! ```
#![deny(missing_docs)]

mod codec;
mod engine;
pub mod eval;
mod features;
mod hash;
mod minhash;

pub use crate::engine::{ActiveStory, Aliases, Assignment, EngineStats, Options, StoryEngine, DEFAULT_WINDOW, STATE_VERSION};
pub use crate::features::Features;
pub use crate::hash::hash_str;
pub use crate::minhash::{band_keys, estimate, signature};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A state file that cannot be read back.
    #[error("story state: {0}")]
    Corrupt(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
