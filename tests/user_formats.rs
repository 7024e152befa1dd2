//! `--formats-dir`: formats described in TOML, read with no rebuild.

use std::path::{Path, PathBuf};

use crate::util::{source, Scratch};

/// The worked example: `shop-worker.toml` and a log in its format.
fn user_formats() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("user-formats")
}

#[test]
fn formats_lists_user_formats() {
    let s = Scratch::new();
    let dir = user_formats();
    let out = s
        .onset(&["formats", "--formats-dir", dir.to_str().unwrap()])
        .ok();
    let line = out
        .lines()
        .find(|l| l.starts_with("shop-worker "))
        .unwrap_or_else(|| panic!("shop-worker not listed:\n{out}"));
    assert!(line.contains("app"), "{line}");
}

#[test]
fn a_user_format_is_detected_and_read() {
    let s = Scratch::new();
    let dir = user_formats();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    std::fs::copy(dir.join("shop-worker.log"), s.path("logs/worker.log")).unwrap();
    s.onset(&[
        "ingest",
        "--formats-dir",
        dir.to_str().unwrap(),
        s.path("logs").to_str().unwrap(),
    ])
    .ok();
    let sources = s.onset(&["sources", "--json"]).json();
    let worker = source(&sources, "worker");
    assert_eq!(worker["format"], "shop-worker");
    assert_eq!(worker["kind"], "app");
    assert_eq!(worker["unparsed"], 0);
    // 39 lines, of which 12 are traceback lines joined to their record.
    assert_eq!(worker["events"], 27);
    // Berlin time in the file, UTC in the index.
    assert_eq!(worker["first"], "2026-11-21T05:52:58.104Z");
    // Shown with its message and fields, with no --formats-dir: the index
    // kept the format's definition.
    let hits = s
        .onset(&["search", "--json", "logger:shop.worker"])
        .json_lines();
    let log = std::fs::read_to_string(dir.join("shop-worker.log")).unwrap();
    let expected = log
        .lines()
        .filter(|l| l.contains("] shop.worker - "))
        .count();
    assert_eq!(hits.len(), expected);
    let first = &hits[0];
    assert_eq!(first["fields"]["logger"], "shop.worker");
    assert_eq!(first["level"], "info");
    assert!(
        first["raw"]
            .as_str()
            .unwrap()
            .ends_with(first["message"].as_str().unwrap()),
        "{first}"
    );
}

#[test]
fn a_bad_user_format_is_refused_with_its_file_named() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("formats")).unwrap();
    std::fs::write(
        s.path("formats/broken.toml"),
        "name = \"x\"\nkind = \"queue\"\nregex = '^x'\n",
    )
    .unwrap();
    let run = s.onset(&[
        "formats",
        "--formats-dir",
        s.path("formats").to_str().unwrap(),
    ]);
    assert_ne!(run.code(), 0);
    let err = run.stderr();
    assert!(
        err.contains("broken.toml") && err.contains("unknown kind `queue`"),
        "{err}"
    );
}
