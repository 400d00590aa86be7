//! Group commit: the one `IndexWriter`, shared by concurrent ingest requests.
//!
//! A request adds its documents under the writer lock and takes a ticket
//! (the number of batches added so far). It then waits until a commit covers
//! its ticket. The first waiter to find no commit running becomes the leader
//! and commits everything added so far, so many concurrent requests share one
//! fsync; a request is answered only after a commit covering it returned.

use std::sync::{Condvar, Mutex, MutexGuard};

use khabar::{Analysis, Document};
use khabar_index::stories::{Assignment, StoryState};
use khabar_index::SearchIndex;

struct Added {
    writer: tantivy::IndexWriter,
    /// The story engine, advanced in the order documents are added; committed
    /// with the index by [`StoryState::commit`].
    stories: StoryState,
    /// Batches added since the writer opened.
    batches: u64,
}

#[derive(Default)]
struct Committed {
    /// Every batch up to this one is durable.
    upto: u64,
    /// A leader is committing.
    running: bool,
    /// Batch ranges (from, to] whose commit failed (rolled back).
    failed: Vec<(u64, u64)>,
}

/// The writer and the commit state.
pub(crate) struct GroupWriter {
    added: Mutex<Added>,
    /// The index folder (`None` in memory), to reload the story state after a failed commit.
    dir: Option<std::path::PathBuf>,
    committed: Mutex<Committed>,
    done: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl GroupWriter {
    pub(crate) fn new(writer: tantivy::IndexWriter, stories: StoryState, dir: Option<std::path::PathBuf>) -> GroupWriter {
        GroupWriter { added: Mutex::new(Added { writer, stories, batches: 0 }), dir, committed: Mutex::default(), done: Condvar::new() }
    }

    /// Ingest `docs` (document, body analysis, headline analysis) as `khabar
    /// index` does ([`SearchIndex::ingest`]: duplicate group and story, upsert
    /// by id) and return once they are durably committed with the story state
    /// and visible: their assignments and the number of ids already present (replaced).
    pub(crate) fn ingest_durably(
        &self,
        index: &SearchIndex,
        docs: &[(Document, Analysis, Option<Analysis>)],
    ) -> Result<(Vec<Assignment>, usize), String> {
        let mut replaced = 0;
        let (assigned, ticket) = {
            let mut a = lock(&self.added);
            let mut seen = std::collections::HashSet::new();
            for (doc, _, _) in docs {
                let id = doc.id.as_deref().unwrap_or("");
                // Seen in this batch, or in the last commit (a batch of another
                // request not committed yet is not counted: a detail of the count only).
                if !seen.insert(id) || index.contains_id(id).unwrap_or(false) {
                    replaced += 1;
                }
            }
            let a = &mut *a;
            let assigned = index.ingest(&a.writer, &mut a.stories, docs);
            a.batches += 1;
            (assigned, a.batches)
        };
        let mut c = lock(&self.committed);
        loop {
            if let Some(&(from, to)) = c.failed.iter().find(|(from, to)| *from < ticket && ticket <= *to) {
                return Err(format!("the commit of batches {}..={to} failed", from + 1));
            }
            if c.upto >= ticket {
                return Ok((assigned, replaced));
            }
            if c.running {
                c = self.done.wait(c).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            c.running = true;
            let from = c.upto;
            drop(c);
            let (to, result) = {
                let mut a = lock(&self.added);
                let a = &mut *a;
                let to = a.batches;
                // Story state first, then the index commit naming it (docs/stories.md, durability).
                let r = a.stories.commit(&mut a.writer).map(|_| ()).map_err(|e| e.to_string());
                if r.is_err() {
                    let _ = a.writer.rollback();
                    // Forget the assignments of the rolled-back documents: back to the committed state.
                    let options = a.stories.engine().options().clone();
                    match StoryState::open(index, self.dir.as_deref(), options) {
                        Ok(s) => a.stories = s,
                        Err(e) => tracing::error!("cannot reload the story state after a failed commit: {e}"),
                    }
                }
                (to, r)
            };
            let result = result.and_then(|()| index.reload().map_err(|e| e.to_string()));
            c = lock(&self.committed);
            c.running = false;
            match &result {
                Ok(()) => c.upto = to,
                Err(e) => {
                    tracing::error!("commit failed: {e}");
                    c.upto = to;
                    c.failed.push((from, to));
                    if c.failed.len() > 1000 {
                        c.failed.remove(0);
                    }
                }
            }
            self.done.notify_all();
        }
    }

    /// The writer, to close it.
    pub(crate) fn into_writer(self) -> tantivy::IndexWriter {
        self.added.into_inner().unwrap_or_else(|p| p.into_inner()).writer
    }
}
