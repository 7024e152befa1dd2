//! The user's annotations of an incident: a moment or a record marked as
//! detection, escalation, misleading path, root cause, mitigation,
//! resolution or a note, with a comment. The TUI makes them, the story and
//! the lanes show them, the export reads them.
//!
//! They are kept in `annotations.json` in the index folder, apart from the
//! computed model (a re-analysis never touches them), and every save is
//! atomic ([`super::cache::write_atomic`]): a crash while saving loses
//! nothing that was saved before.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::Record;

/// The file's name in the index folder.
pub const FILE: &str = "annotations.json";

/// What a mark says about its moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// When someone noticed.
    Detection,
    /// When more people were called in.
    Escalation,
    /// A lead that turned out wrong (a red herring).
    MisleadingPath,
    /// What caused it.
    RootCause,
    /// What limited the harm.
    Mitigation,
    /// What ended it.
    Resolution,
    /// Anything else.
    Note,
}

impl Mark {
    /// Every mark, in the order the TUI offers them.
    pub const ALL: [Mark; 7] = [
        Mark::Detection,
        Mark::Escalation,
        Mark::MisleadingPath,
        Mark::RootCause,
        Mark::Mitigation,
        Mark::Resolution,
        Mark::Note,
    ];

    /// How the views name it.
    pub fn label(self) -> &'static str {
        match self {
            Mark::Detection => "detection",
            Mark::Escalation => "escalation",
            Mark::MisleadingPath => "misleading path",
            Mark::RootCause => "root cause",
            Mark::Mitigation => "mitigation",
            Mark::Resolution => "resolution",
            Mark::Note => "note",
        }
    }
}

/// One annotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// The moment, µs (the record's time when a record is marked).
    pub ts: i64,
    /// What it marks.
    pub mark: Mark,
    /// The user's words.
    pub comment: String,
    /// The record marked, if one was selected.
    pub record: Option<Record>,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    annotations: Vec<Annotation>,
}

/// The annotations saved in the index folder `dir`, in time order (none if
/// there is no file yet).
pub fn load(dir: &Path) -> Result<Vec<Annotation>> {
    let path = dir.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let file: File = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not an annotations file", path.display()))?;
    let mut list = file.annotations;
    list.sort_by_key(|a| a.ts);
    Ok(list)
}

/// Saves `list` as the annotations of the index folder `dir`, atomically.
pub fn save(dir: &Path, list: &[Annotation]) -> Result<()> {
    let file = File {
        version: 1,
        annotations: list.to_vec(),
    };
    let bytes = serde_json::to_vec_pretty(&file).context("serializing the annotations")?;
    super::cache::write_atomic(&dir.join(FILE), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_round_trip_in_time_order() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let a = |ts, mark, comment: &str| Annotation {
            ts,
            mark,
            comment: comment.into(),
            record: None,
        };
        let list = vec![
            a(20, Mark::Resolution, "rolled back"),
            a(10, Mark::Detection, "pager"),
        ];
        save(dir.path(), &list).unwrap();
        let back = load(dir.path()).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].mark, Mark::Detection);
        assert_eq!(back[1].comment, "rolled back");
    }

    #[test]
    fn a_damaged_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        let e = load(dir.path()).unwrap_err();
        assert!(format!("{e:#}").contains(FILE), "{e:#}");
    }
}
