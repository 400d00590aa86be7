//! Group commit: the one `IndexWriter`, shared by concurrent ingest requests.
//!
//! A request adds its documents under the writer lock and takes a ticket
//! (the number of batches added so far). It then waits until a commit covers
//! its ticket. The first waiter to find no commit running becomes the leader
//! and commits everything added so far, so many concurrent requests share one
//! fsync; a request is answered only after a commit covering it returned.

use std::sync::{Condvar, Mutex, MutexGuard};

use khabar_index::SearchIndex;

struct Added {
    writer: tantivy::IndexWriter,
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
    committed: Mutex<Committed>,
    done: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl GroupWriter {
    pub(crate) fn new(writer: tantivy::IndexWriter) -> GroupWriter {
        GroupWriter { added: Mutex::new(Added { writer, batches: 0 }), committed: Mutex::default(), done: Condvar::new() }
    }

    /// Upsert `docs` (id, document) and return once they are durably committed
    /// and visible; the number of ids already present (replaced).
    pub(crate) fn upsert_durably(&self, index: &SearchIndex, docs: Vec<(String, tantivy::TantivyDocument)>) -> Result<usize, String> {
        let mut replaced = 0;
        let ticket = {
            let mut a = lock(&self.added);
            let mut seen = std::collections::HashSet::new();
            for (id, doc) in docs {
                // Seen in this batch, or in the last commit (a batch of another
                // request not committed yet is not counted: a detail of the count only).
                if !seen.insert(id.clone()) || index.contains_id(&id).unwrap_or(false) {
                    replaced += 1;
                }
                index.upsert_prepared(&a.writer, &id, doc);
            }
            a.batches += 1;
            a.batches
        };
        let mut c = lock(&self.committed);
        loop {
            if let Some(&(from, to)) = c.failed.iter().find(|(from, to)| *from < ticket && ticket <= *to) {
                return Err(format!("the commit of batches {}..={to} failed", from + 1));
            }
            if c.upto >= ticket {
                return Ok(replaced);
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
                let to = a.batches;
                let r = a.writer.commit().map(|_| ()).map_err(|e| e.to_string());
                if r.is_err() {
                    let _ = a.writer.rollback();
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
