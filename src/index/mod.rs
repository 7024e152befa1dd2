//! The on-disk index: a tantivy index in a folder (default `.onset/`),
//! its schema, the manifest kept in its commits, and search.
//!
//! Layout of the folder: tantivy's own files (`meta.json` — whose
//! `payload` is our [`Manifest`] — and one set of segment files per
//! segment), the cached analysis (`incident.json`, see
//! [`crate::incident::cache`]) and the user's annotations
//! (`annotations.json`). Deleting the folder forgets everything.

pub mod directory;
pub mod document;
pub mod lookup;
pub mod manifest;
pub mod scan;
pub mod schema;
pub mod search;
pub mod signals;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

pub use directory::IndexDirectory;
pub use directory::WriteFailure;
pub use document::{Decoder, StoredEvent};
pub use manifest::{FileEntry, Manifest, SourceEntry};
pub use schema::Fields;
pub use writer::{BatchFeeder, IndexDoc};

/// Where the index lives unless `--index` or `ONSET_INDEX` says otherwise.
pub const DEFAULT_DIR: &str = ".onset";

/// Memory the tantivy writer may use for its in-memory segments, in total.
/// The process's peak is about 2.5 times this (parsed batches in flight,
/// segment serialization, allocator slack); larger budgets made the ingest
/// no faster (BENCHMARKS.md).
pub const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// An open index.
pub struct Store {
    /// The tantivy index.
    pub index: Index,
    /// Field handles.
    pub fields: Fields,
    /// Its folder.
    pub dir: PathBuf,
    /// The first failed write to the folder, if any.
    pub failure: WriteFailure,
    /// The folder, for the files beside the index (see [`signals`]).
    pub directory: IndexDirectory,
    /// Reads stored documents back, made on first use.
    decoder: OnceLock<Decoder>,
}

impl Store {
    /// Opens the index in `dir`, creating the folder and an empty index if needed.
    pub fn open_or_create(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the index folder {}", dir.display()))?;
        let directory = IndexDirectory::open(dir)
            .with_context(|| format!("cannot open the index folder {}", dir.display()))?;
        if Index::exists(&directory)? {
            return Store::open(dir);
        }
        let (schema, fields) = schema::build();
        let failure = directory.failure();
        let folder = directory.clone();
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())
            .map_err(|e| explain(e, dir))
            .with_context(|| format!("cannot create an index in {}", dir.display()))?;
        schema::register_tokenizers(&index);
        Ok(Store {
            index,
            fields,
            dir: dir.to_path_buf(),
            failure,
            directory: folder,
            decoder: OnceLock::new(),
        })
    }

    /// Opens an existing index; a clear error if there is none.
    pub fn open(dir: &Path) -> Result<Store> {
        let exists = dir.join("meta.json").is_file();
        if !exists {
            bail!(
                "no onset index in {} (run `onset ingest PATH…` first, or pass --index DIR)",
                dir.display()
            );
        }
        let directory = IndexDirectory::open(dir)
            .with_context(|| format!("cannot open the index folder {}", dir.display()))?;
        let failure = directory.failure();
        let folder = directory.clone();
        let index = Index::open(directory)
            .map_err(|e| explain(e, dir))
            .with_context(|| format!("cannot open the index in {}", dir.display()))?;
        schema::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema()).with_context(|| {
            format!(
                "the index in {} was written by another version of onset: delete the folder and ingest again",
                dir.display()
            )
        })?;
        let store = Store {
            index,
            fields,
            dir: dir.to_path_buf(),
            failure,
            directory: folder,
            decoder: OnceLock::new(),
        };
        let manifest = store.manifest()?;
        if manifest.schema_version != schema::SCHEMA_VERSION {
            bail!(
                "the index in {} has schema version {} but this onset writes version {}: delete the folder and ingest again",
                dir.display(),
                manifest.schema_version,
                schema::SCHEMA_VERSION
            );
        }
        Ok(store)
    }

    /// The manifest of the last commit.
    pub fn manifest(&self) -> Result<Manifest> {
        let metas = self.index.load_metas()?;
        Manifest::from_payload(metas.payload.as_deref()).with_context(|| {
            format!(
                "the manifest of the index in {} is unreadable",
                self.dir.display()
            )
        })
    }

    /// Reads a stored document back into an event.
    pub fn event(&self, doc: &tantivy::TantivyDocument) -> Result<StoredEvent> {
        let decoder = match self.decoder.get() {
            Some(d) => d,
            None => {
                let d = Decoder::new(&self.manifest()?);
                self.decoder.get_or_init(|| d)
            }
        };
        Ok(decoder.event(&self.fields, doc))
    }

    /// A writer (one per process; tantivy locks the folder).
    pub fn writer(&self, threads: usize) -> Result<IndexWriter<IndexDoc>> {
        let threads = threads.clamp(1, 8);
        let budget = WRITER_MEMORY.max(threads * 16 * 1024 * 1024);
        let writer = self
            .index
            .writer_with_num_threads(threads, budget)
            .map_err(|e| explain(e, &self.dir))?;
        // Merging segments during an ingest rebuilds their term dictionaries
        // again and again; an incident index is written once and read many
        // times, and searches over a few dozen segments stay fast.
        if std::env::var_os("ONSET_MERGE").is_none() {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        }
        Ok(writer)
    }

    /// A reader that sees the last commit.
    pub fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| explain(e, &self.dir))
    }
}

/// Commits what the writer holds together with `manifest`, atomically.
/// `dir` names the index in errors.
pub fn commit(writer: &mut IndexWriter<IndexDoc>, manifest: &Manifest, dir: &Path) -> Result<()> {
    let payload = manifest
        .to_payload()
        .context("the manifest could not be written")?;
    let mut prepared = writer.prepare_commit().map_err(|e| explain(e, dir))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| explain(e, dir))?;
    Ok(())
}

/// A tantivy error said in the user's terms: what happened to the index in
/// `dir`, and what to do.
pub fn explain(e: TantivyError, dir: &Path) -> anyhow::Error {
    let said = match &e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Some(format!(
            "the index in {} is being written by another `onset ingest` (or `analyze PATH`): \
             wait for it to end",
            dir.display()
        )),
        TantivyError::LockFailure(LockError::IoError(io), _) | TantivyError::IoError(io) => {
            explain_io(io.kind(), &io.to_string(), dir)
        }
        TantivyError::OpenWriteError(tantivy::directory::error::OpenWriteError::IoError {
            io_error,
            ..
        }) => explain_io(io_error.kind(), &io_error.to_string(), dir),
        _ => None,
    };
    match said {
        Some(s) => anyhow::anyhow!(s),
        None => anyhow::Error::new(e).context(format!("the index in {}", dir.display())),
    }
}

/// What a failed write of kind `kind` to the index in `dir` means, and what
/// to do; `None` for an error without such advice.
pub fn explain_io(kind: std::io::ErrorKind, message: &str, dir: &Path) -> Option<String> {
    use std::io::ErrorKind::*;
    let dir = dir.display();
    match kind {
        StorageFull | QuotaExceeded | FileTooLarge => Some(format!(
            "the disk holding the index in {dir} is full ({message}): free some space and run \
             again; the index keeps what its last commit holds"
        )),
        PermissionDenied | ReadOnlyFilesystem => Some(format!(
            "cannot write to the index in {dir} ({message}): it is read-only for you; searching \
             it works, ingesting needs a folder you can write (--index DIR)"
        )),
        _ => None,
    }
}
