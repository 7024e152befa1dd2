//! Ingest: from the paths a user gives to events in the index.
//!
//! [`discover`] finds the files and groups them into sources; [`input`]
//! opens them (decompressing); [`pipeline`] reads, parses in parallel and
//! writes; this module ties them together, decides formats and zones, and
//! reports what it did per source.

pub mod discover;
pub mod input;
pub mod pipeline;
pub mod preview;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono_tz::Tz;
use onset_parsers::format::DETECTION_SAMPLE;
use onset_parsers::{Format, Registry, TimeContext};

use crate::cli::UsageError;
use crate::index::{Manifest, SourceEntry, Store};
use discover::{Skipped, SourcePlan};
use input::{Compression, Input};
use pipeline::{FileContext, FileJob, Growth, Plan, Run, Workers};

/// What to ingest and how.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Index folder.
    pub index_dir: PathBuf,
    /// Files, folders, globs, `-`.
    pub paths: Vec<String>,
    /// Explicit source names: `--source NAME=PATH`.
    pub names: Vec<(String, PathBuf)>,
    /// Force a format for every file.
    pub format: Option<String>,
    /// Folder of user formats (TOML).
    pub formats_dir: Option<PathBuf>,
    /// Zone for zone-less timestamps of every source.
    pub zone: Option<Tz>,
    /// Zones per source name.
    pub zones: HashMap<String, Tz>,
    /// Show a progress bar.
    pub progress: bool,
    /// Parser threads (0 = one per core).
    pub threads: usize,
    /// Commit after this many input bytes (default [`pipeline::COMMIT_BYTES`]).
    pub commit_bytes: Option<u64>,
    /// Commit after the first this many input bytes, then after twice as
    /// many each time up to the usual size: `onset open` shows the log
    /// while the ingest goes on, from its first second.
    pub first_commit_bytes: Option<u64>,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Read (from an offset, if it had been read before); events added.
    Read {
        /// Events added from this file in this run.
        events: u64,
    },
    /// Already fully in the index.
    UpToDate,
}

/// Per-file result of a run.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path.
    pub path: String,
    /// Its source.
    pub source: String,
    /// What happened.
    pub outcome: FileOutcome,
    /// NUL bytes skipped in this run (holes a crash left).
    pub nul_bytes: u64,
    /// Its last record was held back: the file is still being written, the
    /// next ingest reads it.
    pub held: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    /// Files read or found up to date.
    pub files: Vec<FileReport>,
    /// Paths skipped, with reasons.
    pub skipped: Vec<Skipped>,
    /// Events added by this run.
    pub added: u64,
    /// Bytes read from disk.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The sources touched by this run (name → summary after the run).
    pub sources: Vec<(String, SourceEntry)>,
}

impl IngestReport {
    /// Whether an input could not be read (missing, unreadable, damaged).
    pub fn has_errors(&self) -> bool {
        self.skipped.iter().any(|s| s.error)
    }

    /// What this run skipped that `earlier` (a preview of the same logs)
    /// did not already report: a reason is said once.
    pub fn skipped_since(&self, earlier: &IngestReport) -> Vec<Skipped> {
        self.skipped
            .iter()
            .filter(|s| {
                !earlier
                    .skipped
                    .iter()
                    .any(|r| (&r.path, &r.reason) == (&s.path, &s.reason))
            })
            .cloned()
            .collect()
    }
}

/// The registry with the user formats of `dir` (every `*.toml` in it) added;
/// a user format named like a built-in one replaces it.
pub fn registry(formats_dir: Option<&Path>) -> Result<Registry> {
    let mut registry = Registry::default();
    if let Some(dir) = formats_dir {
        for format in onset_parsers::user::load_dir(dir)? {
            registry.add(Arc::new(format));
        }
    }
    Ok(registry)
}

/// Runs an ingest.
pub fn ingest(opts: &IngestOptions) -> Result<IngestReport> {
    Ok(run(opts, false)?.0)
}

/// Reads the logs as an ingest would, into the signals alone, and maps
/// where each record is: the analysis of a [`preview::Preview`] is that of
/// the index the same ingest makes, at the speed of the parse. Nothing is
/// written (the index folder is created if it is not there).
pub fn preview(opts: &IngestOptions) -> Result<(IngestReport, preview::Preview)> {
    let (report, preview) = run(opts, true)?;
    Ok((report, preview.expect("a preview run gives a preview")))
}

fn run(opts: &IngestOptions, preview: bool) -> Result<(IngestReport, Option<preview::Preview>)> {
    let started = Instant::now();
    let registry = registry(opts.formats_dir.as_deref())?;
    let forced: Option<Arc<dyn Format>> = match &opts.format {
        Some(name) => Some(registry.get(name).ok_or_else(|| {
            UsageError(format!(
                "unknown format `{name}` (see `onset formats` for the list)"
            ))
        })?),
        None => None,
    };
    let (files, mut skipped) = discover::expand(&opts.paths, &opts.index_dir);
    let plans = discover::plan(files, &opts.names);
    let store = Store::open_or_create(&opts.index_dir)?;
    let mut manifest = store.manifest()?;
    let zones = zones(opts, &plans, &manifest)?;
    let mut writer = if preview {
        None
    } else {
        Some(store.writer(2)?)
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    };
    let workers = Workers::start(threads, store.fields.clone(), !preview);
    let total_bytes: u64 = plans
        .iter()
        .flat_map(|p| &p.files)
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let bar = progress_bar(opts.progress, total_bytes);
    let mut report = IngestReport::default();
    let mut touched = Vec::new();
    let mut previewed = None;
    {
        let mut run = match writer.as_mut() {
            Some(writer) => Run::new(writer, &store, &mut manifest, &workers),
            None => Run::preview(&store, &mut manifest, &workers),
        };
        if let Some(b) = opts.commit_bytes {
            run.commit_bytes = b.max(1);
            run.commit_bytes_max = b.max(1);
        }
        if let Some(b) = opts.first_commit_bytes {
            run.commit_bytes = b.clamp(1, run.commit_bytes_max);
        }
        let progress = run.progress.clone();
        let ticker = bar.clone().map(|bar| {
            let progress = progress.clone();
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let stop2 = stop.clone();
            let handle = std::thread::spawn(move || {
                while !stop2.load(Ordering::Relaxed) {
                    bar.set_position(progress.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
            });
            (stop, handle)
        });
        for plan in &plans {
            ingest_source(
                zones.get(&plan.name).copied().unwrap_or(chrono_tz::UTC),
                &registry,
                forced.as_ref(),
                plan,
                &mut run,
                &mut report,
                &mut skipped,
            )?;
            touched.push(plan.name.clone());
        }
        run.commit()?;
        if let Some(map) = run.map.take() {
            previewed = Some((run.take_signals()?, map));
        }
        report.added = run.added;
        report.bytes = progress.load(Ordering::Relaxed);
        if let Some((stop, handle)) = ticker {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
    drop(workers);
    if let Some(writer) = writer {
        writer.wait_merging_threads().ok();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report.skipped = skipped;
    report.elapsed = started.elapsed();
    touched.dedup();
    report.sources = touched
        .into_iter()
        .filter_map(|n| manifest.sources.get(&n).map(|s| (n, s.clone())))
        .collect();
    let preview = previewed.map(|(fine, map)| preview::Preview::new(store, manifest, fine, map));
    Ok((report, preview))
}

fn progress_bar(enabled: bool, total: u64) -> Option<indicatif::ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// The zone of each source: the one `--tz` gives, else the one it was read
/// in before, else UTC. A `--tz SOURCE=…` that names no source being read is
/// a usage error, and so is a zone other than the one a source's events were
/// read in: half of it in one zone and the rest in another would be wrong
/// without a word.
fn zones(
    opts: &IngestOptions,
    plans: &[SourcePlan],
    manifest: &Manifest,
) -> Result<HashMap<String, Tz>> {
    for name in opts.zones.keys() {
        if !plans.iter().any(|p| &p.name == name) {
            let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
            return Err(UsageError(format!(
                "--tz {name}=…: no source named `{name}` among the inputs (their sources: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
            .into());
        }
    }
    let mut zones = HashMap::new();
    for plan in plans {
        let asked = opts.zones.get(&plan.name).copied().or(opts.zone);
        let before = manifest
            .sources
            .get(&plan.name)
            .filter(|s| s.events > 0)
            .map(|s| (s.zone.as_str(), s.zone.parse::<Tz>().ok()));
        let zone = match (asked, before) {
            (Some(asked), Some((name, _))) if asked.name() != name => {
                return Err(UsageError(format!(
                    "source `{}` is in the index with its times read in {name}; reading the rest \
                     in {} would mix two zones. Ingest it with --tz {}={name}, or into a new \
                     index (--index DIR) to read it all in {}",
                    plan.name,
                    asked.name(),
                    plan.name,
                    asked.name()
                ))
                .into());
            }
            (Some(asked), _) => asked,
            (None, Some((_, Some(zone)))) => zone,
            (None, _) => chrono_tz::UTC,
        };
        zones.insert(plan.name.clone(), zone);
    }
    Ok(zones)
}

#[allow(clippy::too_many_arguments)]
fn ingest_source(
    zone: Tz,
    registry: &Registry,
    forced: Option<&Arc<dyn Format>>,
    plan: &SourcePlan,
    run: &mut Run<'_>,
    report: &mut IngestReport,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    // A source keeps the format it was first read with, unless forced.
    let mut format: Option<(Arc<dyn Format>, f64)> = match forced {
        Some(f) => Some((f.clone(), 1.0)),
        None => run
            .manifest
            .sources
            .get(&plan.name)
            .and_then(|s| registry.get(&s.format).map(|f| (f, s.confidence))),
    };
    for file in &plan.files {
        let path = discover::display_path(&file.path);
        let mut input = match Input::open(&file.path) {
            Ok(i) => i,
            Err(e) => {
                skipped.push(Skipped {
                    path,
                    reason: format!("cannot open: {e}"),
                    error: true,
                });
                continue;
            }
        };
        let head = match input.read_head(DETECTION_SAMPLE) {
            Ok(h) => h,
            Err(e) => {
                skipped.push(Skipped {
                    path,
                    reason: format!("cannot read: {e}"),
                    error: true,
                });
                continue;
            }
        };
        if head.is_empty() {
            if let Some(e) = input.take_error() {
                skipped.push(Skipped {
                    path,
                    reason: format!("cannot read: {e}"),
                    error: true,
                });
                continue;
            }
        }
        let before = |offset: u64, len: usize| {
            if file.is_stdin() {
                // Standard input cannot be read twice: trust its head.
                return Err(std::io::Error::from(std::io::ErrorKind::Unsupported));
            }
            bytes_before(&file.path, &input, offset, len)
        };
        let (entry, offset, line) =
            match pipeline::plan_file(run.manifest, &path, &plan.name, &input, &head, &before) {
                Plan::Skip(s) => {
                    skipped.push(s);
                    continue;
                }
                Plan::UpToDate { .. } => {
                    report.files.push(FileReport {
                        path,
                        source: plan.name.clone(),
                        outcome: FileOutcome::UpToDate,
                        nul_bytes: 0,
                        held: false,
                    });
                    continue;
                }
                Plan::Read {
                    entry,
                    offset,
                    line,
                } => (entry, offset, line),
            };
        let time = TimeContext {
            zone,
            reference: pipeline::reference_time(&input),
        };
        if format.is_none() {
            match registry.detect(&head, &time) {
                Some(d) => format = Some((d.format, d.confidence)),
                None => {
                    // No format reads any of it: say so rather than index noise.
                    // `--format raw` keeps every line as an unparsed event.
                    let fresh = &run.manifest.files[entry];
                    if entry + 1 == run.manifest.files.len()
                        && fresh.events == 0
                        && fresh.offset == 0
                    {
                        run.manifest.files.pop();
                    }
                    skipped.push(Skipped {
                        path,
                        reason: "no known log format reads it (use --format raw to index its lines anyway, or describe it with --formats-dir)".into(),
                        error: false,
                    });
                    continue;
                }
            }
        }
        let Some((fmt, confidence)) = format.clone() else {
            continue;
        };
        let source = run.manifest.sources.entry(plan.name.clone()).or_default();
        source.format = fmt.name().to_string();
        if let Some(definition) = fmt.definition() {
            run.manifest
                .user_formats
                .insert(fmt.name().to_string(), definition.to_string());
        }
        source.kind = fmt.kind().as_str().to_string();
        source.zone = zone.name().to_string();
        source.confidence = confidence;
        run.manifest.files[entry].source = plan.name.clone();
        let before = run.added;
        let ctx = FileContext {
            format: fmt.clone(),
            time: Arc::new(time),
            source: Arc::from(plan.name.as_str()),
            kind: fmt.kind(),
            file: Arc::from(path.as_str()),
        };
        // A plain file may still be written to: its last record waits until
        // it stops changing. Standard input and compressed files end for good.
        let growing =
            (input.compression == Compression::None && !file.is_stdin()).then(|| Growth {
                path: file.path.clone(),
                size: input.size,
                modified: input.modified,
            });
        let read = run.ingest_file(FileJob {
            input,
            head,
            resume_offset: offset,
            resume_line: line,
            ctx,
            entry,
            growing,
            path: (!file.is_stdin()).then(|| file.path.clone()),
        })?;
        if let Some(e) = read.error {
            skipped.push(Skipped {
                path: path.clone(),
                reason: format!(
                    "read error after byte {} (events before it were kept): {e}",
                    run.manifest.files[entry].offset
                ),
                error: true,
            });
        }
        if let Some(panic) = read.panicked {
            skipped.push(Skipped {
                path: path.clone(),
                reason: format!(
                    "internal error while parsing after byte {} (events before it were kept; \
                     please report it): {panic}",
                    run.manifest.files[entry].offset
                ),
                error: true,
            });
        }
        report.files.push(FileReport {
            path,
            source: plan.name.clone(),
            outcome: FileOutcome::Read {
                events: run.added - before,
            },
            nul_bytes: read.nul_bytes,
            held: read.held,
        });
    }
    Ok(())
}

/// The `len` (decompressed, decoded) bytes of a file that end at `offset`,
/// to check that a file is the one the manifest read up to there.
fn bytes_before(path: &Path, input: &Input, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let plain = input.compression == Compression::None && input.encoding.is_none();
    bytes_between(path, plain, offset.saturating_sub(len as u64), offset)
}

/// The (decompressed, decoded) bytes `[start, end)` of a file. A plain file
/// is read where they are; others are read again from their start.
pub fn bytes_between(path: &Path, plain: bool, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let len = end.saturating_sub(start);
    let mut out = Vec::with_capacity(len as usize);
    if plain {
        let mut f = std::fs::File::open(path)?;
        f.seek(SeekFrom::Start(start))?;
        f.take(len).read_to_end(&mut out)?;
    } else {
        let mut again = Input::open(path)?;
        std::io::copy(&mut (&mut again.reader).take(start), &mut std::io::sink())?;
        (&mut again.reader).take(len).read_to_end(&mut out)?;
    }
    Ok(out)
}
