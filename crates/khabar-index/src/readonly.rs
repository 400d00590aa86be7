//! Reading an index from a folder this process may not write.
//!
//! tantivy's reader takes the meta lock (`.tantivy-meta.lock`, created in the index
//! folder) while it opens the segments, so that a writer's garbage collection cannot
//! delete them meanwhile. In a folder the process may not write (a read-only mount, an
//! archive that belongs to another user) creating or opening that file for writing fails,
//! and every read (`khabar search`, `stories`, `dups`, `timeline`, `khabar serve`'s
//! reads) failed with `Failed to acquire Lockfile: … Permission denied`.
//! [`ReadOnlyTolerant`] wraps the folder's directory: when the meta lock cannot be taken
//! *because the folder is not writable*, the reader goes on without it. A process that
//! cannot write the folder cannot run a writer there either, so the only writer such a
//! reader could race is another user's; a segment deleted by its merge while the reader
//! opens the index makes that open fail with an error (never wrong results), and opening
//! again succeeds. The writer lock (`.tantivy-writer.lock`) is never bypassed: writing a
//! read-only folder still fails, with the permission error.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{Directory, DirectoryLock, FileHandle, Lock, WatchCallback, WatchHandle, WritePtr, META_LOCK};

/// A directory whose meta lock is skipped when the folder refuses it for lack of write access.
#[derive(Clone, Debug)]
pub(crate) struct ReadOnlyTolerant<D: Directory + Clone>(pub(crate) D);

/// Whether `e` says that the lock file cannot be written (rather than that it is busy).
pub(crate) fn not_writable(e: &LockError) -> bool {
    matches!(e, LockError::IoError(io) if matches!(io.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem))
}

impl<D: Directory + Clone> Directory for ReadOnlyTolerant<D> {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(e) if lock.filepath == META_LOCK.filepath && not_writable(&e) => Ok(DirectoryLock::from(Box::new(()))),
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::RamDirectory;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, TantivyError};

    /// A folder whose locks fail: `busy`, held by another process; else not writable (a
    /// read-only mount).
    #[derive(Clone, Debug)]
    struct Refusing {
        ram: RamDirectory,
        busy: bool,
    }

    impl Directory for Refusing {
        fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
            self.ram.get_file_handle(path)
        }
        fn delete(&self, path: &Path) -> Result<(), DeleteError> {
            self.ram.delete(path)
        }
        fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
            self.ram.exists(path)
        }
        fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
            self.ram.open_write(path)
        }
        fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
            self.ram.atomic_read(path)
        }
        fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
            self.ram.atomic_write(path, data)
        }
        fn sync_directory(&self) -> io::Result<()> {
            self.ram.sync_directory()
        }
        fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
            Err(if self.busy { LockError::LockBusy } else { LockError::wrap_io_error(io::Error::from(io::ErrorKind::PermissionDenied)) })
        }
        fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
            self.ram.watch(watch_callback)
        }
    }

    fn index_with_one_document() -> RamDirectory {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let ram = RamDirectory::create();
        let index = Index::create(ram.clone(), schema.build(), Default::default()).unwrap();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.add_document(doc!(id => "a")).unwrap();
        w.commit().unwrap();
        ram
    }

    #[test]
    fn a_folder_that_refuses_the_meta_lock_is_read_but_not_written() {
        let ram = index_with_one_document();
        // tantivy alone: the reader needs the meta lock, so the read-only folder cannot be read.
        let plain = Index::open(Refusing { ram: ram.clone(), busy: false }).unwrap();
        assert!(matches!(plain.reader(), Err(TantivyError::LockFailure(..))));
        // Wrapped: it is read; writing still fails on the writer lock.
        let index = Index::open(ReadOnlyTolerant(Refusing { ram, busy: false })).unwrap();
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 1);
        assert!(matches!(index.writer::<tantivy::TantivyDocument>(15_000_000), Err(TantivyError::LockFailure(..))));
    }

    #[test]
    fn a_search_index_in_a_read_only_folder_searches_and_says_why_it_cannot_write() {
        let ram = RamDirectory::create();
        let (schema, fields) = crate::schema();
        Index::create(ram.clone(), schema, crate::settings()).unwrap();
        let index = Index::open(ReadOnlyTolerant(Refusing { ram, busy: false })).unwrap();
        let idx = crate::SearchIndex::wrap(index, fields, &crate::token_analyzer(), true).unwrap();
        assert_eq!(idx.search(&crate::SearchRequest::new("بوتين")).unwrap().total, 0);
        let e = idx.writer(1, 15_000_000).err().unwrap();
        assert!(matches!(e, crate::Error::NotWritable(_)), "{e}");
        assert!(e.to_string().starts_with("the folder is not writable (permission denied)"), "{e}");
    }

    #[test]
    fn a_busy_lock_is_not_bypassed() {
        let index = Index::open(ReadOnlyTolerant(Refusing { ram: index_with_one_document(), busy: true })).unwrap();
        assert!(matches!(index.reader(), Err(TantivyError::LockFailure(LockError::LockBusy, _))));
    }
}
