//! The [`Format`] trait, the [`Registry`] of formats, and detection.
//!
//! A format is one way a log is written: nginx's access log, PostgreSQL's
//! stderr log, pino's JSON lines. It knows three things — which lines start
//! a record, how to read a record into an [`Event`], and how sure it is that
//! a sample of records is its own — and nothing about files, chunks or
//! indexes. Framing (cutting records from bytes) is done once for all
//! formats in [`crate::framing`]; detection is done here, generically, by
//! framing and parsing a sample with every format and comparing.
//!
//! The registry is a plain list filled by [`Registry::default`] with every
//! built-in format; user formats (TOML, see [`crate::user`]) are added to it
//! at run time.

use std::fmt;
use std::sync::Arc;

use crate::event::{Event, Kind};
use crate::framing::{Framer, Record};
use crate::time::TimeContext;

/// Why a record could not be read by a format. Cheap: a static reason, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// What was expected and not found, e.g. `"expected CLF timestamp in brackets"`.
    pub reason: &'static str,
    /// Byte position in the record where reading stopped.
    pub at: usize,
}

impl ParseError {
    /// An error at byte `at` of the record.
    pub fn new(reason: &'static str, at: usize) -> ParseError {
        ParseError { reason, at }
    }

    /// An error at the position of `rest`, a suffix of `record`.
    pub fn at_rest(reason: &'static str, record: &str, rest: &str) -> ParseError {
        ParseError {
            reason,
            at: record.len().saturating_sub(rest.len()),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.reason, self.at)
    }
}

impl std::error::Error for ParseError {}

/// One log format.
///
/// Implementations are stateless (`Send + Sync`), so one instance serves
/// every file and thread. `parse` borrows from the record: return
/// `Cow::Borrowed` slices of it, and allocate only what must be rebuilt.
///
/// Design note: the format does not frame its own records. It answers
/// [`is_record_start`](Format::is_record_start) line by line and the
/// framing module assembles records for it — so multi-line handling, limits
/// and chunking for parallel parsing are written once. A format whose
/// records may open with a line written above their usual first line says
/// so with [`is_record_lead`](Format::is_record_lead), still line by line.
pub trait Format: Send + Sync {
    /// Short unique name, used by `--format` and reported by detection (`nginx-access`).
    fn name(&self) -> &str;

    /// Other names `--format` accepts (`nginx`, `apache-access`).
    fn aliases(&self) -> &[&str] {
        &[]
    }

    /// One-line description for `onset formats` and the README table.
    fn description(&self) -> &str;

    /// The tier of the stack this format comes from.
    fn kind(&self) -> Kind;

    /// Whether records can span several lines. When `false` (the default)
    /// every line is a record and `is_record_start` is never asked.
    fn multiline(&self) -> bool {
        false
    }

    /// Whether `line` begins a new record; lines that do not are
    /// continuation lines of the record before them. Only asked when
    /// [`multiline`](Format::multiline) is `true`, never for blank lines.
    fn is_record_start(&self, line: &str) -> bool {
        let _ = line;
        true
    }

    /// Whether `line`, a line that starts a record, is a *lead*: a line
    /// written before the line that usually starts a record, and part of
    /// that record. A record start that follows lead lines (and only them)
    /// joins their record instead of starting one of its own. A slow log
    /// writes `# Time:` above an entry's `# User@Host:` only when the second
    /// changed: both start an entry, and the `# Time:` leads the entry it
    /// dates. Only asked when [`multiline`](Format::multiline) is `true`,
    /// for lines [`is_record_start`](Format::is_record_start) accepted.
    fn is_record_lead(&self, line: &str) -> bool {
        let _ = line;
        false
    }

    /// Reads one record (first line and continuation lines, joined by `\n`).
    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError>;

    /// How specific a successful parse is, in `(0, 1]`: 1 for formats with
    /// a rigid shape, less for permissive ones (generic, logfmt), so that on
    /// a tie the most specific format wins detection.
    fn specificity(&self) -> f64 {
        1.0
    }

    /// For a format defined at run time (a user format), the text that
    /// defines it again ([`crate::user::from_toml_str`] reads it back). The
    /// index keeps it, so that records can be read again for display
    /// without the definition's file. `None` for the built-in formats.
    fn definition(&self) -> Option<&str> {
        None
    }
}

/// The default detection score: the share of non-blank sample lines that
/// fall in records this format parsed, times its specificity. A record
/// counts only if its first line parsed into an event with a timestamp or
/// the format declares timestamps optional.
pub fn detection_score(format: &dyn Format, sample: &[u8], ctx: &TimeContext) -> f64 {
    let mut total_lines = 0u64;
    let mut good_lines = 0u64;
    // The last record of a sample may be cut short: leave it out if there are others.
    let records: Vec<Record<'_>> = Framer::new(sample, format, 1, 0).collect();
    let n = records.len();
    for (i, rec) in records.iter().enumerate() {
        if i + 1 == n && n > 1 && !sample.ends_with(b"\n") {
            continue;
        }
        total_lines += u64::from(rec.lines);
        if let Ok(ev) = format.parse(&rec.text, ctx) {
            if !ev.unparsed {
                good_lines += u64::from(rec.lines);
            }
        }
    }
    if total_lines == 0 {
        return 0.0;
    }
    good_lines as f64 / total_lines as f64 * format.specificity()
}

/// The result of detecting a file's format.
#[derive(Clone)]
pub struct Detection {
    /// The format chosen.
    pub format: Arc<dyn Format>,
    /// Its score in `[0, 1]`: the share of sample lines it read, weighted by specificity.
    pub confidence: f64,
    /// The next best format and its score, to show how clear the choice was.
    pub runner_up: Option<(String, f64)>,
}

impl fmt::Debug for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detection")
            .field("format", &self.format.name())
            .field("confidence", &self.confidence)
            .field("runner_up", &self.runner_up)
            .finish()
    }
}

/// How many bytes of a file detection looks at.
pub const DETECTION_SAMPLE: usize = 64 * 1024;

/// The list of known formats.
#[derive(Clone)]
pub struct Registry {
    formats: Vec<Arc<dyn Format>>,
}

impl Default for Registry {
    /// Every built-in format, most specific first, the generic fallback last.
    fn default() -> Self {
        Registry {
            formats: crate::formats::builtin(),
        }
    }
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Registry {
        Registry {
            formats: Vec::new(),
        }
    }

    /// Adds a format; a later format with the same name replaces the earlier.
    pub fn add(&mut self, format: Arc<dyn Format>) {
        self.formats.retain(|f| f.name() != format.name());
        self.formats.push(format);
    }

    /// Every format, in registration order.
    pub fn formats(&self) -> &[Arc<dyn Format>] {
        &self.formats
    }

    /// Looks a format up by name or alias (case-insensitive).
    pub fn get(&self, name: &str) -> Option<Arc<dyn Format>> {
        self.formats
            .iter()
            .find(|f| {
                f.name().eq_ignore_ascii_case(name)
                    || f.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
            })
            .cloned()
    }

    /// Scores every format on `sample` (the first bytes of a file, ideally
    /// [`DETECTION_SAMPLE`] of them) and returns the best, or `None` when no
    /// format reads any of it. Ties go to the earlier-registered format.
    pub fn detect(&self, sample: &[u8], ctx: &TimeContext) -> Option<Detection> {
        let mut scored: Vec<(usize, f64)> = self
            .formats
            .iter()
            .enumerate()
            .map(|(i, f)| (i, detection_score(f.as_ref(), sample, ctx)))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let &(best, confidence) = scored.first()?;
        if confidence <= 0.0 {
            return None;
        }
        let runner_up = scored
            .get(1)
            .filter(|(_, s)| *s > 0.0)
            .map(|&(i, s)| (self.formats[i].name().to_string(), s));
        Some(Detection {
            format: self.formats[best].clone(),
            confidence,
            runner_up,
        })
    }
}

/// Parses one framed record with `format`: on success the event gets its
/// provenance; on failure the record becomes an `unparsed` event of level
/// unknown carrying its raw text, so nothing is dropped.
pub fn parse_record<'a>(
    format: &dyn Format,
    record: &'a Record<'a>,
    ctx: &TimeContext,
    file: Option<&'a str>,
) -> Event<'a> {
    let text: &'a str = &record.text;
    let mut event = match format.parse(text, ctx) {
        Ok(ev) => ev,
        Err(_) => Event::unparsed(text),
    };
    event.provenance.file = file;
    event.provenance.line = record.line;
    event.provenance.offset = record.offset;
    event.provenance.lines = record.lines;
    event.provenance.raw = text;
    event.provenance.truncated = record.truncated;
    event.provenance.lossy = record.lossy;
    event
}
