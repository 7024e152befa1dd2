//! The fine signals ([`FineSignals`]) kept beside the index.
//!
//! They are gathered while the ingest parses, and written at every commit
//! to a file named by its content hash (`signals-<hash>.bin`, written
//! atomically: a temporary file, synced, then renamed); the manifest in the commit's
//! payload names that file, its length and hash, and the events it counts.
//! So the signals and the index are published by the same atomic step: a
//! killed ingest leaves the previous commit naming the previous file (the
//! newer file, if written, is an orphan the next commit removes). A file
//! that is missing, damaged or disagrees with the manifest is never used:
//! the signals are rebuilt from the index's columns instead
//! ([`rebuild`]), so they can only be late, never wrong.

use std::collections::HashMap;
use std::path::Path;

use tantivy::directory::Directory;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use super::Store;
use crate::analysis::fine::FineSignals;

/// The layout of the signals file; a file of another layout is not read
/// (the signals are rebuilt from the columns).
pub const SIGNALS_VERSION: u32 = 4;

/// What the manifest says of the signals file of its commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalsRef {
    /// [`SIGNALS_VERSION`] of the file.
    #[serde(default)]
    pub version: u32,
    /// File name, in the index folder.
    pub file: String,
    /// Length, bytes.
    pub len: u64,
    /// xxh3 of the bytes.
    pub hash: u64,
    /// Events the signals count (the manifest's too).
    pub events: u64,
}

const PREFIX: &str = "signals-";
const SUFFIX: &str = ".bin";

/// The signals the manifest names, if the file is there, whole, and counts
/// what the manifest counts.
pub fn load(dir: &Path, manifest: &Manifest) -> Option<FineSignals> {
    let r = manifest.signals.as_ref()?;
    if r.version != SIGNALS_VERSION || r.events != manifest.events() || r.file.contains(['/', '\\'])
    {
        return None;
    }
    let bytes = std::fs::read(dir.join(&r.file)).ok()?;
    if bytes.len() as u64 != r.len || xxhash_rust::xxh3::xxh3_64(&bytes) != r.hash {
        return None;
    }
    let fine: FineSignals = postcard::from_bytes(&bytes).ok()?;
    (fine.events() == r.events).then_some(fine)
}

/// Whether the manifest names signals of this layout, counting its events,
/// in a file of the right length (a cheap check: the file is not read).
pub fn named(dir: &Path, manifest: &Manifest) -> bool {
    manifest.signals.as_ref().is_some_and(|r| {
        r.version == SIGNALS_VERSION
            && r.events == manifest.events()
            && !r.file.contains(['/', '\\'])
            && std::fs::metadata(dir.join(&r.file)).is_ok_and(|m| m.len() == r.len)
    })
}

/// The signals of the index: those its manifest names, or, where they are
/// missing or do not agree with it, rebuilt from its columns.
pub fn open(store: &Store, manifest: &Manifest) -> Result<FineSignals> {
    if let Some(fine) = load(&store.dir, manifest) {
        return Ok(fine);
    }
    rebuild(store, manifest)
}

/// The signals made again from the index's columns.
pub fn rebuild(store: &Store, manifest: &Manifest) -> Result<FineSignals> {
    let mut fine = FineSignals::default();
    let index_of: HashMap<String, usize> = manifest
        .sources
        .keys()
        .map(|name| (name.clone(), fine.source(name)))
        .collect();
    super::scan::scan(store, &mut fine, &index_of)?;
    Ok(fine)
}

/// Writes the signals to their file in the index folder (atomically and
/// durably, through the index's directory so a full disk is said as such)
/// and returns what the manifest of the coming commit must say of them.
pub fn save(store: &Store, fine: &FineSignals) -> Result<SignalsRef> {
    let dir = &store.dir;
    let bytes = postcard::to_stdvec(fine).context("the signals could not be encoded")?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let r = SignalsRef {
        version: SIGNALS_VERSION,
        file: format!("{PREFIX}{hash:016x}{SUFFIX}"),
        len: bytes.len() as u64,
        hash,
        events: fine.events(),
    };
    let path = dir.join(&r.file);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == r.len) {
        return Ok(r);
    }
    store
        .directory
        .atomic_write(Path::new(&r.file), &bytes)
        .map_err(|e| match super::explain_io(e.kind(), &e.to_string(), dir) {
            Some(s) => anyhow::anyhow!(s),
            None => {
                anyhow::Error::new(e).context(format!("writing the signals to {}", path.display()))
            }
        })?;
    Ok(r)
}

/// Removes the signals files of earlier commits (and temporary ones); only
/// `keep`, which the last commit names, stays.
pub fn prune(dir: &Path, keep: &SignalsRef) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(PREFIX) && name != keep.file {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
