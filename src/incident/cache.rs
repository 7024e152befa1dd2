//! The computed [`Incident`] kept in the index folder, so that reopening an
//! index (the TUI, an export, `analyze` again) does not analyse it again.
//!
//! The file is keyed by [`Key`]: the index's last commit, the analysis
//! options, the model's and onset's versions. A cache whose key differs
//! is ignored and replaced; an unreadable one is ignored. Writing is
//! atomic (a temporary file renamed over the old one), and a folder that
//! cannot be written (a read-only index) only costs the speed-up.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Incident, Key};

/// The cache file's name in the index folder.
pub const FILE: &str = "incident.json";

/// The cached incident of `dir` if it was computed for `key`.
pub fn load(dir: &Path, key: &Key) -> Option<Incident> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let incident: Incident = serde_json::from_slice(&bytes).ok()?;
    (incident.key == *key).then_some(incident)
}

/// Stores `incident` in `dir`, replacing what was there.
pub fn store(dir: &Path, incident: &Incident) -> Result<()> {
    let bytes = serde_json::to_vec(incident).context("serializing the incident")?;
    write_atomic(&dir.join(FILE), &bytes)
}

/// Writes `bytes` to `path` so that a reader (or a crash) sees either the
/// old file or the new one, never a part: a temporary file beside it,
/// flushed to disk, renamed over it, and the folder flushed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        // The rename itself is durable once the folder is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_write_into_a_missing_folder_fails_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("a.json");
        let e = write_atomic(&path, b"x").unwrap_err();
        assert!(format!("{e:#}").contains("a.json"), "{e:#}");
    }
}
