//! The folder the index lives in: tantivy's [`MmapDirectory`], with two
//! things added.
//!
//! - **Readers need no write access.** tantivy takes a lock file while it
//!   opens a searcher, so that a writer's clean-up cannot delete segment
//!   files under it. A folder the user cannot write (a read-only mount,
//!   another user's index) cannot hold that file; then the searcher opens
//!   without it, as nothing can be writing there.
//! - **A failed write is remembered** ([`WriteFailure`]): when the disk is
//!   full, tantivy's indexing threads stop, and the ingest — which may be
//!   waiting for them — learns it, with its cause, instead of waiting forever.
//!
//! For the tests, `ONSET_TEST_WRITE_LIMIT=BYTES` makes every write past that
//! many bytes fail as on a full disk.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr, META_LOCK,
};

/// The first error a write to the index folder met, shared by every writer.
#[derive(Debug, Clone, Default)]
pub struct WriteFailure(Arc<Mutex<Option<(io::ErrorKind, String)>>>);

impl WriteFailure {
    fn record(&self, e: &io::Error) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert_with(|| (e.kind(), e.to_string()));
        }
    }

    /// The first failed write, if any: its kind and message.
    pub fn get(&self) -> Option<(io::ErrorKind, String)> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}

/// The index folder (see the module documentation).
#[derive(Debug, Clone)]
pub struct IndexDirectory {
    inner: MmapDirectory,
    failure: WriteFailure,
    /// Bytes that may still be written (`ONSET_TEST_WRITE_LIMIT`).
    budget: Option<Arc<AtomicU64>>,
}

impl IndexDirectory {
    /// Opens the folder `dir` (which must exist).
    pub fn open(
        dir: &Path,
    ) -> Result<IndexDirectory, tantivy::directory::error::OpenDirectoryError> {
        let budget = std::env::var("ONSET_TEST_WRITE_LIMIT")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(|n| Arc::new(AtomicU64::new(n)));
        Ok(IndexDirectory {
            inner: MmapDirectory::open(dir)?,
            failure: WriteFailure::default(),
            budget,
        })
    }

    /// The record of failed writes.
    pub fn failure(&self) -> WriteFailure {
        self.failure.clone()
    }

    /// Takes `n` bytes from the test budget; the error of a full disk if
    /// there are not that many left.
    fn spend(&self, n: usize) -> io::Result<()> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let n = n as u64;
        budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(n)
            })
            .map(|_| ())
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::StorageFull,
                    "No space left on device (ONSET_TEST_WRITE_LIMIT)",
                )
            })
    }

    fn watched<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            self.failure.record(e);
        }
        result
    }
}

/// A file being written: each error is remembered before it is returned.
struct Watched {
    inner: WritePtr,
    dir: IndexDirectory,
}

impl Write for Watched {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self
            .dir
            .spend(buf.len())
            .and_then(|()| self.inner.write(buf));
        self.dir.watched(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.dir.watched(result)
    }
}

impl TerminatingWrite for Watched {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        let result = self.inner.terminate_ref(token);
        self.dir.watched(result)
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.inner.open_write(path)?;
        Ok(io::BufWriter::new(Box::new(Watched {
            inner,
            dir: self.clone(),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let result = self
            .spend(data.len())
            .and_then(|()| self.inner.atomic_write(path, data));
        self.watched(result)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // The folder cannot hold the readers' lock file: nothing can be
            // writing there either, so the searcher needs no lock.
            Err(LockError::IoError(_)) if lock.filepath == META_LOCK.filepath => {
                Ok(DirectoryLock::from(Box::new(NoLock)))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// The lock of a folder nobody can write.
struct NoLock;
