//! The command line: argument definitions (clap) and the commands' output.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::index::document::micros_to_rfc3339;
use crate::index::search::{search, SearchRequest};
use crate::index::{SourceEntry, Store, DEFAULT_DIR};
use crate::ingest::{self, FileOutcome, IngestOptions, IngestReport};
use crate::text::{first_line, inert};
use crate::timearg::parse_time;

/// The most events `search --limit` returns (each is read back from the index).
pub const MAX_LIMIT: u64 = 1_000_000;

/// onset: find the first divergence in the logs of an outage.
#[derive(Debug, Parser)]
#[command(name = "onset", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read log files, folders, globs or `-` (stdin) into the index.
    Ingest(IngestArgs),
    /// List the sources in the index: format, kind, events, time span, zone.
    Sources(SourcesArgs),
    /// Search events (tantivy query syntax), in time order.
    Search(SearchArgs),
    /// Find the impact window, the first divergence and its likely cause.
    Analyze(AnalyzeArgs),
    /// The merged incident timeline: changes, onsets, new error messages, impact.
    Timeline(TimelineArgs),
    /// One request's path through the tiers, by its request id.
    Trace(TraceArgs),
    /// Browse the incident in the terminal: signal lanes, the story, every
    /// log merged on one time axis (ingests PATHs first).
    Open(OpenArgs),
    /// Draft the postmortem (Markdown, self-contained HTML or JSON) from
    /// the incident and your annotations.
    Export(ExportArgs),
    /// List the formats onset can read.
    Formats(FormatsArgs),
}

/// `--from` / `--to`, shared by the commands that read a stretch of time.
#[derive(Debug, Args)]
struct TimeRange {
    /// Earliest time (RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in UTC).
    #[arg(long, value_parser = parse_time, value_name = "T")]
    from: Option<i64>,
    /// Latest time, exclusive.
    #[arg(long, value_parser = parse_time, value_name = "T")]
    to: Option<i64>,
}

impl TimeRange {
    /// The range, checked: a `--from` that is not before `--to` selects
    /// nothing, which is a mistake, not a question.
    fn checked(&self) -> Result<(Option<i64>, Option<i64>)> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from >= to {
                return Err(UsageError(format!(
                    "--from {} is not before --to {}",
                    micros_to_rfc3339(from),
                    micros_to_rfc3339(to)
                ))
                .into());
            }
        }
        Ok((self.from, self.to))
    }
}

#[derive(Debug, Args)]
struct TimelineArgs {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    range: TimeRange,
    /// Print one JSON object per line.
    #[arg(long)]
    json: bool,
    /// Correct each source's estimated clock offset first (see `analyze --align`).
    #[arg(long)]
    align: bool,
}

#[derive(Debug, Args)]
struct TraceArgs {
    #[command(flatten)]
    index: IndexArg,
    /// Print one JSON event per line.
    #[arg(long)]
    json: bool,
    /// The request id (nginx `$request_id`, `X-Request-ID`, a trace id…).
    #[arg(value_name = "ID")]
    id: String,
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    spec: IngestSpec,
    /// Baseline window `FROM..TO` (times as for search); default: the first fifth of the span.
    #[arg(long, value_name = "FROM..TO")]
    baseline: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Correct each source's clock by its estimated offset against the
    /// reference source (from shared request ids, else from aligned rate
    /// changes) before the analysis.
    #[arg(long)]
    align: bool,
    /// Logs to ingest first (what is already in the index is skipped).
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
}

#[derive(Debug, Args)]
struct IndexArg {
    /// Index folder.
    #[arg(long, env = "ONSET_INDEX", default_value = DEFAULT_DIR, value_name = "DIR")]
    index: PathBuf,
}

/// How to read logs: shared by `ingest`, `analyze` and `open`.
#[derive(Debug, Default, Args)]
struct IngestSpec {
    /// Zone of zone-less timestamps: `ZONE` for every source, or `SOURCE=ZONE` (IANA names, e.g. America/Chicago). Repeatable.
    #[arg(long = "tz", value_name = "[SOURCE=]ZONE")]
    tz: Vec<String>,
    /// Name the source of a file or folder: `NAME=PATH`. Repeatable.
    #[arg(long = "source", value_name = "NAME=PATH")]
    source: Vec<String>,
    /// Read every file with this format instead of detecting it (see `onset formats`).
    #[arg(long, value_name = "NAME")]
    format: Option<String>,
    /// Folder of user-defined formats (TOML files).
    #[arg(long, value_name = "DIR")]
    formats_dir: Option<PathBuf>,
    /// Parser threads (default: one per core).
    #[arg(long, default_value_t = 0, hide = true)]
    threads: usize,
    /// Commit every N input bytes (tests use it to interrupt an ingest mid-way).
    #[arg(long, hide = true, value_name = "BYTES")]
    commit_bytes: Option<u64>,
}

#[derive(Debug, Args)]
struct IngestArgs {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    spec: IngestSpec,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Files, folders (read recursively), globs, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
}

#[derive(Debug, Args)]
struct OpenArgs {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    spec: IngestSpec,
    /// Show times in this zone (IANA name) as well as UTC (`t` toggles).
    #[arg(long, value_name = "ZONE")]
    display_tz: Option<String>,
    /// Correct each source's estimated clock offset first (see `analyze --align`).
    #[arg(long)]
    align: bool,
    /// Logs to ingest first (what is already in the index is skipped);
    /// none: open the index as it is.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    index: IndexArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::export::Format::Markdown)]
    format: crate::export::Format,
    /// Write the draft to FILE (Markdown: its charts are written beside it
    /// as FILE-STEM-N-SIGNAL.svg); default: standard output (Markdown
    /// without charts).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show times in this zone (IANA name) as well as UTC.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// Title of the postmortem (default: from the impact and its likely cause).
    #[arg(long, value_name = "T")]
    title: Option<String>,
    /// Correct each source's estimated clock offset first (see `analyze --align`).
    #[arg(long)]
    align: bool,
}

#[derive(Debug, Args)]
struct SourcesArgs {
    #[command(flatten)]
    index: IndexArg,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SearchArgs {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    range: TimeRange,
    /// Only this source. Repeatable.
    #[arg(long = "source", value_name = "S")]
    source: Vec<String>,
    /// At most this many events (up to 1,000,000).
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=MAX_LIMIT))]
    limit: u64,
    /// Print one JSON event per line.
    #[arg(long)]
    json: bool,
    /// Query: words search the message; `field:value` searches a field
    /// (status:502, level:error, source:postgresql, client:203.0.113.7,
    /// request_id:…, pid:…); AND/OR/NOT, "phrases", ranges `status:[500 TO 599]`.
    #[arg(value_name = "QUERY", default_value = "")]
    query: String,
}

#[derive(Debug, Args)]
struct FormatsArgs {
    /// Folder of user-defined formats (TOML files) to list too.
    #[arg(long, value_name = "DIR")]
    formats_dir: Option<PathBuf>,
}

/// Runs the command line; the exit code follows the house rule: 0 success,
/// 1 failure, 2 usage error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("onset: error: {}", inert(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                c.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// A usage error found after parsing (bad `--tz`, bad `--source`): exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn run(cli: Cli) -> Result<ExitCode> {
    let result = match cli.command {
        Command::Ingest(a) => cmd_ingest(a),
        Command::Sources(a) => cmd_sources(a),
        Command::Search(a) => cmd_search(a),
        Command::Analyze(a) => cmd_analyze(a),
        Command::Timeline(a) => cmd_timeline(a),
        Command::Trace(a) => cmd_trace(a),
        Command::Open(a) => cmd_open(a),
        Command::Export(a) => cmd_export(a),
        Command::Formats(a) => cmd_formats(a),
    };
    match result {
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("onset: {}", inert(&e.to_string()));
            Ok(ExitCode::from(2))
        }
        other => other,
    }
}

fn parse_zone(s: &str) -> Result<Tz> {
    s.parse::<Tz>().map_err(|_| {
        UsageError(format!(
            "unknown time zone `{s}` (use an IANA name such as UTC, Europe/Berlin, America/Chicago)"
        ))
        .into()
    })
}

/// The ingest options of `spec` for `paths` into the index `index_dir`.
fn ingest_options(
    index_dir: PathBuf,
    spec: IngestSpec,
    paths: Vec<String>,
    progress: bool,
) -> Result<IngestOptions> {
    let mut opts = IngestOptions {
        index_dir,
        paths,
        format: spec.format,
        formats_dir: spec.formats_dir,
        progress,
        threads: spec.threads,
        commit_bytes: spec.commit_bytes,
        ..IngestOptions::default()
    };
    for tz in &spec.tz {
        match tz.split_once('=') {
            Some(("", _)) => {
                return Err(UsageError(format!(
                    "--tz wants ZONE or SOURCE=ZONE, got `{tz}` (no source name)"
                ))
                .into());
            }
            Some((source, zone)) => {
                opts.zones.insert(source.to_string(), parse_zone(zone)?);
            }
            None => opts.zone = Some(parse_zone(tz)?),
        }
    }
    for s in &spec.source {
        let (name, path) = s
            .split_once('=')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty())
            .ok_or_else(|| UsageError(format!("--source wants NAME=PATH, got `{s}`")))?;
        opts.names.push((name.to_string(), PathBuf::from(path)));
    }
    Ok(opts)
}

fn cmd_ingest(a: IngestArgs) -> Result<ExitCode> {
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !a.json;
    let opts = ingest_options(a.index.index, a.spec, a.paths, progress)?;
    let report = ingest::ingest(&opts)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &ingest_json(&report))?;
        writeln!(out)?;
    } else {
        print_ingest(&mut out, &report)?;
    }
    // The summary lists what was not read; errors also go to stderr, and
    // everything does when stdout is JSON.
    report_skipped(&report, a.json);
    Ok(ingest_exit_code(&report))
}

/// Names on stderr what could not be read (everything skipped when `all`).
fn report_skipped(report: &IngestReport, all: bool) {
    for s in report.skipped.iter().filter(|s| s.error || all) {
        let tag = if s.error { "error" } else { "skipped" };
        eprintln!("onset: {tag}: {}: {}", inert(&s.path), inert(&s.reason));
    }
    if report.files.is_empty() {
        eprintln!("onset: error: no log was read from the paths given");
    }
}

/// 1 when an input could not be read, or when none was (not even one
/// already in the index); else 0.
fn ingest_exit_code(report: &IngestReport) -> ExitCode {
    if report.has_errors() || report.files.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn ingest_json(report: &IngestReport) -> serde_json::Value {
    serde_json::json!({
        "added": report.added,
        "bytes": report.bytes,
        "seconds": report.elapsed.as_secs_f64(),
        "files": report.files.iter().map(|f| serde_json::json!({
            "path": f.path,
            "source": f.source,
            "status": match f.outcome { FileOutcome::Read { .. } => "read", FileOutcome::UpToDate => "up-to-date" },
            "events": match f.outcome { FileOutcome::Read { events } => events, FileOutcome::UpToDate => 0 },
            "nul_bytes": f.nul_bytes,
            "held": f.held,
        })).collect::<Vec<_>>(),
        "sources": report.sources.iter().map(|(n, s)| source_json(n, s)).collect::<Vec<_>>(),
        "skipped": report.skipped.iter().map(|s| serde_json::json!({
            "path": s.path, "reason": s.reason, "error": s.error,
        })).collect::<Vec<_>>(),
    })
}

fn print_ingest(out: &mut impl Write, report: &IngestReport) -> Result<()> {
    let secs = report.elapsed.as_secs_f64().max(1e-6);
    let up_to_date = report
        .files
        .iter()
        .filter(|f| f.outcome == FileOutcome::UpToDate)
        .count();
    writeln!(
        out,
        "Added {} events from {} file{} in {:.1} s ({:.1} MB read, {:.1} MB/s){}.",
        thousands(report.added),
        report.files.len() - up_to_date,
        if report.files.len() - up_to_date == 1 {
            ""
        } else {
            "s"
        },
        secs,
        report.bytes as f64 / 1e6,
        report.bytes as f64 / 1e6 / secs,
        if up_to_date > 0 {
            format!("; {up_to_date} already in the index")
        } else {
            String::new()
        }
    )?;
    if !report.sources.is_empty() {
        writeln!(out)?;
        print_sources_table(out, &report.sources)?;
    }
    let notes: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| {
            let holes = (f.nul_bytes > 0).then(|| {
                format!(
                    "  {}: {} NUL bytes skipped (a hole a crash left); the records around them were read",
                    inert(&f.path),
                    thousands(f.nul_bytes)
                )
            });
            let held = f.held.then(|| {
                format!(
                    "  {}: still being written; its last record is read by the next ingest",
                    inert(&f.path)
                )
            });
            holes.into_iter().chain(held)
        })
        .collect();
    if !notes.is_empty() {
        writeln!(out, "\nNotes:")?;
        for n in notes {
            writeln!(out, "{n}")?;
        }
    }
    if !report.skipped.is_empty() {
        writeln!(out, "\nNot read:")?;
        for s in &report.skipped {
            writeln!(out, "  {}: {}", inert(&s.path), inert(&s.reason))?;
        }
    }
    Ok(())
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Serialize)]
struct SourceJson<'a> {
    name: &'a str,
    format: &'a str,
    kind: &'a str,
    zone: &'a str,
    confidence: f64,
    events: u64,
    unparsed: u64,
    flagged_times: u64,
    first: Option<String>,
    last: Option<String>,
    files: Vec<String>,
}

fn source_json<'a>(name: &'a str, s: &'a SourceEntry) -> SourceJson<'a> {
    SourceJson {
        name,
        format: &s.format,
        kind: &s.kind,
        zone: &s.zone,
        confidence: (s.confidence * 1000.0).round() / 1000.0,
        events: s.events,
        unparsed: s.unparsed,
        flagged_times: s.flagged_times,
        first: s.first_ts.map(micros_to_rfc3339),
        last: s.last_ts.map(micros_to_rfc3339),
        files: Vec::new(),
    }
}

fn print_sources_table(out: &mut impl Write, sources: &[(String, SourceEntry)]) -> Result<()> {
    let w = sources
        .iter()
        .map(|(n, _)| inert(n).chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let fw = sources
        .iter()
        .map(|(_, s)| s.format.len())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:<w$}  {:<fw$}  {:<13}  {:>10}  {:>8}  {:<24}  {:<24}  zone",
        "source", "format", "kind", "events", "unparsed", "first (UTC)", "last (UTC)"
    )?;
    for (name, s) in sources {
        writeln!(
            out,
            "{:<w$}  {:<fw$}  {:<13}  {:>10}  {:>8}  {:<24}  {:<24}  {}",
            inert(name),
            s.format,
            s.kind,
            thousands(s.events),
            thousands(s.unparsed),
            s.first_ts.map(micros_to_rfc3339).unwrap_or_default(),
            s.last_ts.map(micros_to_rfc3339).unwrap_or_default(),
            s.zone
        )?;
    }
    Ok(())
}

fn cmd_sources(a: SourcesArgs) -> Result<ExitCode> {
    let store = Store::open(&a.index.index)?;
    let manifest = store.manifest()?;
    let mut out = std::io::stdout().lock();
    let sources: Vec<(String, SourceEntry)> = manifest
        .sources
        .iter()
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect();
    if a.json {
        let list: Vec<SourceJson<'_>> = sources
            .iter()
            .map(|(n, s)| {
                let mut j = source_json(n, s);
                j.files = manifest
                    .files
                    .iter()
                    .filter(|f| &f.source == n)
                    .map(|f| f.path.clone())
                    .collect();
                j
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else if sources.is_empty() {
        writeln!(
            out,
            "The index in {} is empty.",
            inert(&a.index.index.display().to_string())
        )?;
    } else {
        print_sources_table(&mut out, &sources)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_search(a: SearchArgs) -> Result<ExitCode> {
    let (from, to) = a.range.checked()?;
    let store = Store::open(&a.index.index)?;
    let req = SearchRequest {
        query: a.query,
        from,
        to,
        sources: a.source,
        limit: a.limit as usize,
    };
    let result = search(&store, &req).map_err(|e| {
        if format!("{e:#}").contains("invalid query") {
            anyhow::Error::new(UsageError(format!("{e:#}")))
        } else {
            e
        }
    })?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.json {
        for ev in &result.events {
            serde_json::to_writer(&mut out, ev)?;
            writeln!(out)?;
        }
    } else {
        for ev in &result.events {
            writeln!(
                out,
                "{} {:<12} {}",
                ev.time,
                inert(&ev.source),
                first_line(&ev.raw)
            )?;
        }
        writeln!(
            out,
            "-- {} of {} matching events",
            thousands(result.events.len() as u64),
            thousands(result.total as u64)
        )?;
    }
    out.flush().context("writing results")?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_formats(a: FormatsArgs) -> Result<ExitCode> {
    let registry = ingest::registry(a.formats_dir.as_deref())?;
    let mut out = std::io::stdout().lock();
    for f in registry.formats() {
        let aliases = if f.aliases().is_empty() {
            String::new()
        } else {
            format!(" (also: {})", f.aliases().join(", "))
        };
        writeln!(
            out,
            "{:<18} {:<13} {}{}",
            f.name(),
            f.kind().as_str(),
            f.description(),
            aliases
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_analyze(mut a: AnalyzeArgs) -> Result<ExitCode> {
    let baseline = match &a.baseline {
        Some(b) => {
            let (from, to) = b
                .split_once("..")
                .ok_or_else(|| UsageError(format!("--baseline wants FROM..TO, got `{b}`")))?;
            let from = parse_time(from).map_err(UsageError)?;
            let to = parse_time(to).map_err(UsageError)?;
            if to <= from {
                return Err(UsageError(format!("--baseline: `{b}` ends before it starts")).into());
            }
            Some((from, to))
        }
        None => None,
    };
    let opts = crate::analyze::Options {
        baseline,
        align: a.align,
    };
    // Inputs that could not be read make the run a failure, after the analysis
    // of what was.
    let mut ingest_code = ExitCode::SUCCESS;
    if !a.paths.is_empty() {
        let ingest_opts = ingest_options(
            a.index.index.clone(),
            std::mem::take(&mut a.spec),
            a.paths.clone(),
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )?;
        if let Some(code) = analyze_before_index(&a, &ingest_opts, &opts)? {
            return Ok(code);
        }
        let report = ingest::ingest(&ingest_opts)?;
        report_skipped(&report, true);
        ingest_code = ingest_exit_code(&report);
    }
    let store = Store::open(&a.index.index)?;
    let incident = crate::analyze::incident(&store, &opts)?;
    print_analysis(&incident, a.json)?;
    Ok(ingest_code)
}

fn print_analysis(incident: &crate::incident::Incident, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &crate::render::json::analysis(incident))?;
        writeln!(out)?;
    } else {
        write!(out, "{}", crate::render::text::analysis(incident))?;
    }
    out.flush()?;
    Ok(())
}

/// `analyze PATH` into a new index: the answer from a preview of the logs
/// (the signals alone, at the speed of the parse), printed at once, then
/// the index made for search, the log view and the export. `None` when
/// only the index can answer ([`crate::analyze::answer_before_index`]).
fn analyze_before_index(
    a: &AnalyzeArgs,
    ingest_opts: &IngestOptions,
    opts: &crate::analyze::Options,
) -> Result<Option<ExitCode>> {
    let Some((report, incident)) = crate::analyze::answer_before_index(ingest_opts, opts)? else {
        return Ok(None);
    };
    report_skipped(&report, true);
    print_analysis(&incident, a.json)?;
    if ingest_opts.progress {
        eprintln!("onset: indexing the logs for search, `onset open` and `onset export`…");
    }
    let indexed = ingest::ingest(ingest_opts)?;
    // What the preview said is not said twice.
    let new = indexed.skipped_since(&report);
    report_skipped(
        &IngestReport {
            skipped: new,
            files: indexed.files.clone(),
            ..IngestReport::default()
        },
        true,
    );
    Ok(Some(
        if report.has_errors() || indexed.has_errors() || indexed.files.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    ))
}

fn cmd_timeline(a: TimelineArgs) -> Result<ExitCode> {
    let (from, to) = a.range.checked()?;
    let store = Store::open(&a.index.index)?;
    let opts = crate::analyze::Options {
        baseline: None,
        align: a.align,
    };
    let incident = crate::analyze::incident(&store, &opts)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for i in crate::render::timeline_within(&incident, from, to) {
        if a.json {
            serde_json::to_writer(&mut out, &crate::render::json::timeline_item(&incident, i))?;
            writeln!(out)?;
        } else {
            write!(out, "{}", crate::render::text::timeline_item(&incident, i))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_trace(a: TraceArgs) -> Result<ExitCode> {
    let store = Store::open(&a.index.index)?;
    let req = SearchRequest {
        query: format!("request_id:\"{}\"", a.id.replace('"', "")),
        limit: 1000,
        ..SearchRequest::default()
    };
    let result = search(&store, &req)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if result.events.is_empty() && !a.json {
        writeln!(out, "No event carries request id {}.", inert(&a.id))?;
    }
    let start = result.events.first().map(|e| e.ts_micros);
    for ev in &result.events {
        if a.json {
            serde_json::to_writer(&mut out, ev)?;
            writeln!(out)?;
        } else {
            let offset = start.map_or(0.0, |s| (ev.ts_micros - s) as f64 / 1e3);
            writeln!(
                out,
                "{} {:>+9.1} ms {:<12} {}",
                ev.time,
                offset,
                inert(&ev.source),
                first_line(&ev.raw)
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Input bytes before the first commit of `onset open`'s ingest (then
/// twice as many each time): a fraction of a second of parsing, so the
/// log view has something to show within a second.
const OPEN_FIRST_COMMIT_BYTES: u64 = 8 << 20;

fn cmd_open(a: OpenArgs) -> Result<ExitCode> {
    let zone = a.display_tz.as_deref().map(parse_zone).transpose()?;
    let ingest = if a.paths.is_empty() {
        None
    } else {
        let mut opts = ingest_options(a.index.index.clone(), a.spec, a.paths, false)?;
        // Commit early, so the log fills in while the UI is up.
        opts.first_commit_bytes = Some(OPEN_FIRST_COMMIT_BYTES);
        Some(opts)
    };
    let opts = crate::tui::Options {
        index: a.index.index,
        ingest,
        zone,
        analysis: crate::analyze::Options {
            baseline: None,
            align: a.align,
        },
    };
    crate::tui::run(opts)
}

fn cmd_export(a: ExportArgs) -> Result<ExitCode> {
    let zone = a.tz.as_deref().map(parse_zone).transpose()?;
    let store = Store::open(&a.index.index)?;
    let incident = crate::analyze::incident(
        &store,
        &crate::analyze::Options {
            baseline: None,
            align: a.align,
        },
    )?;
    let annotations = crate::incident::annotations::load(&store.dir)?;
    let command = std::iter::once("onset".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let opts = crate::export::Options {
        title: a.title,
        zone,
        command,
    };
    let stem = a
        .output
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let out = crate::export::render(&incident, &annotations, &opts, a.format, stem.as_deref());
    match &a.output {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            for (name, svg) in &out.charts {
                let p = dir.join(name);
                std::fs::write(&p, svg).with_context(|| format!("cannot write {}", p.display()))?;
            }
            std::fs::write(path, &out.document)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "onset: wrote {}{}",
                inert(&path.display().to_string()),
                if out.charts.is_empty() {
                    String::new()
                } else {
                    format!(" and {} charts beside it", out.charts.len())
                }
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(out.document.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
