//! The manifest: what the index holds, file by file and source by source.
//!
//! It is stored as the payload of every tantivy commit, so the manifest and
//! the documents it describes are published by one atomic step: after a
//! crash the index and its manifest always agree, and the next ingest
//! resumes each file at the offset the last commit recorded — no duplicate,
//! no loss.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;

/// How many bytes of a file's (decompressed) head identify it.
pub const FINGERPRINT_LEN: usize = 4096;

/// Files shorter than this are matched by path too, since a short head says little.
pub const MIN_FINGERPRINT_LEN: usize = 256;

/// How many bytes before a file's offset are checked before resuming there
/// ([`FileEntry::tail_hash`]).
pub const TAIL_LEN: usize = 1024;

/// The whole manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// [`SCHEMA_VERSION`] of the index.
    pub schema_version: u32,
    /// Every file ever ingested, in ingest order.
    pub files: Vec<FileEntry>,
    /// Per-source descriptions, by source name.
    pub sources: BTreeMap<String, SourceEntry>,
    /// The definitions of the user formats records were read with, by
    /// format name, so that they can be read again for display without the
    /// `--formats-dir` they came from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_formats: BTreeMap<String, String>,
    /// The fine signals of the commit (see [`super::signals`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<super::signals::SignalsRef>,
}

impl Manifest {
    /// Events the index holds, in all.
    pub fn events(&self) -> u64 {
        self.sources.values().map(|s| s.events).sum()
    }
}

/// One ingested file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Path as given (or `-` for standard input).
    pub path: String,
    /// Source it belongs to.
    pub source: String,
    /// Compression (`gzip`, `zstd`) or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// Text encoding it was decoded from (`utf-16le`, `utf-16be`), or none for UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Length of the fingerprinted head (≤ [`FINGERPRINT_LEN`]).
    pub fp_len: usize,
    /// xxh3 of the first `fp_len` decompressed bytes.
    pub fp_hash: u64,
    /// Size on disk when last read (compressed size for compressed files).
    pub size: u64,
    /// Decompressed bytes consumed: every record before this offset is in the index.
    pub offset: u64,
    /// Number of the next line to read.
    pub next_line: u64,
    /// Events indexed from this file.
    pub events: u64,
    /// Of which unparsed records.
    pub unparsed: u64,
    /// Blank lines skipped.
    #[serde(default)]
    pub blank_lines: u64,
    /// NUL bytes skipped (runs of them are what a crash leaves in a file).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nul_bytes: u64,
    /// Length of the stretch of (decompressed) bytes that ends at `offset`
    /// and whose hash is `tail_hash` (0: not known). A file whose head is
    /// that of an ingested one is resumed at its offset only if these bytes
    /// match too: otherwise it is another file that starts the same way.
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub tail_len: usize,
    /// xxh3 of the `tail_len` bytes before `offset`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tail_hash: u64,
    /// Last event time (µs since the epoch), inherited by a resumed file's first
    /// records if they have no time of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ts: Option<i64>,
    /// The file was read to its end (for compressed files: nothing more can come).
    pub complete: bool,
}

/// One source: a log stream made of one or more (rotated) files.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceEntry {
    /// Format name.
    pub format: String,
    /// Kind (`load-balancer`, `app`, `database`, `system`).
    pub kind: String,
    /// Zone of zone-less timestamps (IANA name).
    pub zone: String,
    /// Detection confidence in [0, 1] (1 when the format was given).
    pub confidence: f64,
    /// Events indexed.
    pub events: u64,
    /// Of which unparsed.
    pub unparsed: u64,
    /// Events whose time was flagged (zone assumed, DST, year inferred, inherited).
    #[serde(default)]
    pub flagged_times: u64,
    /// First event time (µs since the epoch, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_ts: Option<i64>,
    /// Last event time (µs since the epoch, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ts: Option<i64>,
}

impl Manifest {
    /// An empty manifest for a new index.
    pub fn new() -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            ..Manifest::default()
        }
    }

    /// Reads a commit payload (`None` for an index with no commit yet).
    pub fn from_payload(payload: Option<&str>) -> anyhow::Result<Manifest> {
        match payload {
            None | Some("") => Ok(Manifest::new()),
            Some(p) => Ok(serde_json::from_str(p)?),
        }
    }

    /// The commit payload. An error (never expected) must stop the commit:
    /// an empty payload would forget every file.
    pub fn to_payload(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    /// The entry of a file already seen, found by content fingerprint: the
    /// same head bytes mean the same file, whatever it is called now (a
    /// rotated `access.log` that became `access.log.1` or `access.log.2.gz`).
    /// `head` is the file's first (up to [`FINGERPRINT_LEN`]) decompressed bytes.
    /// The head is hashed once per fingerprint length (almost always one),
    /// not once per entry.
    pub fn find(&self, path: &str, head: &[u8]) -> Option<usize> {
        let mut hashes: Vec<(usize, u64)> = Vec::with_capacity(2);
        let mut hash_of = |len: usize| match hashes.iter().find(|(l, _)| *l == len) {
            Some(&(_, h)) => h,
            None => {
                let h = fingerprint(&head[..len]);
                hashes.push((len, h));
                h
            }
        };
        let mut by_content = None;
        for (i, f) in self.files.iter().enumerate() {
            if f.fp_len > head.len() || hash_of(f.fp_len) != f.fp_hash {
                continue;
            }
            if f.path == path {
                return Some(i);
            }
            if f.fp_len >= MIN_FINGERPRINT_LEN && by_content.is_none() {
                by_content = Some(i);
            }
        }
        by_content
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_len(n: &usize) -> bool {
    *n == 0
}

/// The fingerprint of a file head.
pub fn fingerprint(head: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(head)
}
