//! Helpers: a scratch folder, a command runner, fixture paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project's fixture folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// A scratch folder removed when dropped.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The index folder used by [`Scratch::onset`].
    pub fn index(&self) -> PathBuf {
        self.path("idx")
    }

    /// Copies a fixture folder's files into `rel`.
    pub fn copy_fixture(&self, fixture: &str, rel: &str) -> PathBuf {
        let to = self.path(rel);
        std::fs::create_dir_all(&to).expect("mkdir");
        for entry in std::fs::read_dir(fixtures().join(fixture)).expect("fixture") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
        to
    }

    /// Runs `onset ARGS… --index <scratch>/idx` (the index flag is added for
    /// every subcommand that takes one).
    pub fn onset(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_onset"));
        cmd.args(args)
            .env("ONSET_INDEX", self.index())
            .current_dir(self.dir.path());
        Run(cmd.output().expect("run onset"))
    }
}

/// A finished command.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code(),
            0,
            "onset failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok()).expect("JSON output")
    }
    /// Each stdout line parsed as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.ok()
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    }
}

/// The `sources --json` entry named `name`.
pub fn source<'a>(sources: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    sources
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no source {name} in {sources:#}"))
}
