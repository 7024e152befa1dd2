//! Discovery: turn the paths a user gave (files, folders, globs, `-`) into
//! sources — named log streams — each an ordered list of files, oldest first.
//!
//! A rotated set (`access.log.2.gz`, `access.log.1`, `access.log`, or
//! `app-20261120.log`, `app-20261121.log`) is one source, read in time order.
//! The default source name is the file name without its rotation,
//! compression and `.log` suffixes (`access.log.2.gz` → `access`).
//!
//! Folders are walked as ripgrep walks them (the `ignore` crate): hidden
//! files and folders skipped, symbolic links followed with loops detected
//! (a loop is named, not followed), every file taken once however many
//! paths lead to it. `.gitignore` files are not obeyed: logs are often
//! kept out of version control, not out of an investigation.
//!
//! Names that are not UTF-8 are kept apart: their invalid bytes are written
//! `\xHH` ([`display_name`]), in source names and in the paths the index records.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// One input file of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path (or `-` for standard input).
    pub path: PathBuf,
    /// Rotation rank for ordering: higher is older (`.2` before `.1` before none).
    rotation: i64,
    /// A date found in the name (`20261121`), for date-rotated sets.
    date: Option<u64>,
}

impl InputFile {
    /// Whether this input is standard input.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// A source to ingest: its name and its files in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePlan {
    /// Source name.
    pub name: String,
    /// Files, oldest first.
    pub files: Vec<InputFile>,
}

/// A path that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path as given or found.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
    /// Whether it is an error (missing, unreadable) rather than a file that
    /// is legitimately not a log (binary, empty).
    pub error: bool,
}

/// Strips compression, rotation and `.log` suffixes from a file name and
/// returns (stem, rotation rank, date).
pub fn split_name(file_name: &str) -> (String, i64, Option<u64>) {
    let mut name = file_name;
    for ext in [".gz", ".zst", ".zstd"] {
        if let Some(s) = name.strip_suffix(ext) {
            name = s;
            break;
        }
    }
    let mut rotation = 0i64;
    if let Some((stem, n)) = name.rsplit_once('.') {
        if !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()) {
            rotation = n.parse().unwrap_or(0);
            name = stem;
        }
    }
    let mut date = None;
    // logrotate `dateext` and dated names: access.log-20261121, app-2026-11-21.log,
    // postgresql-2026-11-21_000000.log
    for candidate in [name.strip_suffix(".log").unwrap_or(name), name] {
        if let Some((stem, d)) = split_date_suffix(candidate) {
            date = Some(d);
            name = stem;
            break;
        }
    }
    let name = name.strip_suffix(".log").unwrap_or(name);
    let name = if name.is_empty() { file_name } else { name };
    (name.to_string(), rotation, date)
}

/// Splits a trailing `-YYYYMMDD[...]`, `-YYYY-MM-DD[_HHMMSS]` or `.YYYYMMDD` suffix.
fn split_date_suffix(name: &str) -> Option<(&str, u64)> {
    let bytes = name.as_bytes();
    // Find the last separator followed by a year 19xx/20xx.
    for (i, &b) in bytes.iter().enumerate().rev() {
        if !matches!(b, b'-' | b'_' | b'.') || i == 0 {
            continue;
        }
        let tail = &name[i + 1..];
        let digits: String = tail.chars().filter(char::is_ascii_digit).collect();
        let all_date_chars = tail
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '_' | 'T'));
        if all_date_chars
            && digits.len() >= 8
            && (digits.starts_with("19") || digits.starts_with("20"))
        {
            return Some((&name[..i], digits.parse().ok()?));
        }
    }
    None
}

/// Expands the given paths: folders recursively (hidden files and the index
/// folder skipped), globs, `-` for standard input. Paths that match nothing
/// are reported.
pub fn expand(paths: &[String], index_dir: &Path) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let index_dir = index_dir.canonicalize().ok();
    for p in paths {
        if p == "-" {
            files.push(PathBuf::from("-"));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            walk(path, &mut files, &mut skipped, index_dir.as_deref());
        } else if path.exists() {
            files.push(path.to_path_buf());
        } else if p.contains(['*', '?', '[']) {
            match glob::glob(p) {
                Ok(matches) => {
                    let before = files.len();
                    for m in matches.flatten() {
                        if m.is_dir() {
                            walk(&m, &mut files, &mut skipped, index_dir.as_deref());
                        } else {
                            files.push(m);
                        }
                    }
                    if files.len() == before {
                        skipped.push(Skipped {
                            path: p.clone(),
                            reason: "the pattern matches no file".into(),
                            error: true,
                        });
                    }
                }
                Err(e) => skipped.push(Skipped {
                    path: p.clone(),
                    reason: format!("invalid pattern: {e}"),
                    error: true,
                }),
            }
        } else {
            skipped.push(Skipped {
                path: p.clone(),
                reason: "no such file or folder".into(),
                error: true,
            });
        }
    }
    // One file reached by two paths (a folder and a file in it, a link) is read once.
    let mut seen = HashSet::new();
    files.retain(|f| f.as_os_str() == "-" || seen.insert(f.canonicalize().unwrap_or(f.clone())));
    (files, skipped)
}

/// A file or folder name as text: UTF-8 as it is, any other byte as `\xHH`,
/// so that two names that differ only in such bytes stay different.
pub fn display_name(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for piece in name.as_bytes().utf8_chunks() {
            out.push_str(piece.valid());
            for b in piece.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// A path as text, with [`display_name`]'s escapes.
pub fn display_path(path: &Path) -> String {
    display_name(path.as_os_str())
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
    index_dir: Option<&Path>,
) {
    let index_dir = index_dir.map(Path::to_path_buf);
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let is_index = index_dir.as_deref().is_some_and(|index| {
                e.file_type().is_some_and(|t| t.is_dir())
                    && e.path().canonicalize().ok().as_deref() == Some(index)
            });
            !is_index
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => skipped.push(walk_error(dir, &e)),
        }
    }
}

/// What a folder walk could not enter, and why: a symbolic-link loop is
/// not an error (what it leads to is read once, elsewhere in the walk).
fn walk_error(dir: &Path, e: &ignore::Error) -> Skipped {
    fn innermost<'e>(
        e: &'e ignore::Error,
        path: Option<&'e Path>,
    ) -> (&'e ignore::Error, Option<&'e Path>) {
        match e {
            ignore::Error::WithPath { path, err } => innermost(err, Some(path)),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                innermost(err, path)
            }
            other => (other, path),
        }
    }
    let (inner, path) = innermost(e, None);
    match inner {
        ignore::Error::Loop { ancestor, child } => Skipped {
            path: display_path(child),
            reason: format!(
                "a symbolic link loop (back to {}): not followed",
                display_path(ancestor)
            ),
            error: false,
        },
        other => Skipped {
            path: display_path(path.unwrap_or(dir)),
            reason: match other.io_error() {
                Some(io) => format!("cannot read folder: {io}"),
                None => format!("cannot read folder: {other}"),
            },
            error: true,
        },
    }
}

/// Groups files into sources. `names` maps explicit paths to source names
/// (`--source NAME=PATH`); other files get their derived name, qualified by
/// their folder when two folders would give the same name.
pub fn plan(files: Vec<PathBuf>, names: &[(String, PathBuf)]) -> Vec<SourcePlan> {
    // (derived name, folder) -> files
    let mut groups: BTreeMap<(String, PathBuf), Vec<InputFile>> = BTreeMap::new();
    for path in files {
        let explicit = names
            .iter()
            .find(|(_, p)| p == &path || (p.is_dir() && path.starts_with(p)))
            .map(|(n, _)| n.clone());
        let file_name = path
            .file_name()
            .map_or_else(|| "stdin".to_string(), display_name);
        let (stem, rotation, date) = split_name(&file_name);
        let (name, folder) = match explicit {
            Some(n) => (n, PathBuf::new()),
            None if path.as_os_str() == "-" => ("stdin".to_string(), PathBuf::new()),
            None => (
                stem,
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
        };
        groups.entry((name, folder)).or_default().push(InputFile {
            path,
            rotation,
            date,
        });
    }
    let mut name_count: BTreeMap<String, usize> = BTreeMap::new();
    for (name, _) in groups.keys() {
        *name_count.entry(name.clone()).or_default() += 1;
    }
    groups
        .into_iter()
        .map(|((name, folder), mut files)| {
            files.sort_by(|a, b| {
                // Oldest first: by date, then higher rotation number first.
                a.date
                    .cmp(&b.date)
                    .then(b.rotation.cmp(&a.rotation))
                    .then(a.path.cmp(&b.path))
            });
            let name = if name_count.get(&name).copied().unwrap_or(0) > 1 {
                let parent = folder.file_name().map(display_name).unwrap_or_default();
                if parent.is_empty() {
                    name
                } else {
                    format!("{parent}/{name}")
                }
            } else {
                name
            };
            SourcePlan { name, files }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_rotation_compression_and_dates() {
        assert_eq!(split_name("access.log"), ("access".into(), 0, None));
        assert_eq!(split_name("access.log.1"), ("access".into(), 1, None));
        assert_eq!(split_name("access.log.2.gz"), ("access".into(), 2, None));
        assert_eq!(split_name("error.log.10.zst"), ("error".into(), 10, None));
        assert_eq!(
            split_name("access.log-20261121"),
            ("access".into(), 0, Some(20261121))
        );
        assert_eq!(
            split_name("postgresql-2026-11-21_000000.log"),
            ("postgresql".into(), 0, Some(20261121000000))
        );
        assert_eq!(split_name("app.log.gz"), ("app".into(), 0, None));
        assert_eq!(split_name("syslog"), ("syslog".into(), 0, None));
        assert_eq!(split_name("mysql-slow.log"), ("mysql-slow".into(), 0, None));
        assert_eq!(split_name(".log"), (".log".into(), 0, None));
    }

    #[test]
    fn rotated_sets_become_one_source_oldest_first() {
        let files = vec![
            PathBuf::from("logs/access.log"),
            PathBuf::from("logs/access.log.1"),
            PathBuf::from("logs/access.log.2.gz"),
            PathBuf::from("logs/app.log"),
        ];
        let plans = plan(files, &[]);
        assert_eq!(plans.len(), 2);
        let access = plans
            .iter()
            .find(|p| p.name == "access")
            .expect("access source");
        let order: Vec<_> = access
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(
            order,
            [
                "logs/access.log.2.gz",
                "logs/access.log.1",
                "logs/access.log"
            ]
        );
    }

    #[test]
    fn same_name_in_two_folders_is_qualified_and_explicit_names_win() {
        let files = vec![
            PathBuf::from("nginx/access.log"),
            PathBuf::from("haproxy/access.log"),
            PathBuf::from("db/pg.log"),
        ];
        let plans = plan(files, &[("postgres".into(), PathBuf::from("db/pg.log"))]);
        let names: Vec<_> = plans.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"nginx/access"), "{names:?}");
        assert!(names.contains(&"haproxy/access"), "{names:?}");
        assert!(names.contains(&"postgres"), "{names:?}");
    }
}
