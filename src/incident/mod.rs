//! The incident model: everything the analysis found, as data, once.
//!
//! `onset analyze` (text and `--json`), `onset timeline`, the TUI and the
//! export are *renderers* of one [`Incident`]; none of them recomputes a
//! signal, a divergence or a time. The model holds times as µs since the
//! epoch (UTC), sources by name as the index names them, signals as
//! series over one grid, and evidence as references to log records
//! (`file:line`, byte offset and the record's first line). It holds no
//! finished sentences: how an item reads is the renderer's business.
//!
//! It is built by [`crate::analyze::incident`] (the glue between the index
//! and the pure analysis) and cached in the index folder, keyed by the
//! index's last commit and the analysis options ([`cache`]), so reopening
//! an index is instant. The user's annotations live beside it
//! ([`annotations`]), in their own file: they outlive a re-analysis.

pub mod annotations;
pub mod cache;
pub mod story;

use serde::{Deserialize, Serialize};

use crate::analysis::align::ClockOffset;
use crate::analysis::postmortem::{Alert, ImpactPeak};
use crate::analysis::report::{
    ChangeEvent, FirstDivergence, Impact, NewTemplate, SignalDivergence,
};
use crate::analysis::signals::Grid;

/// Bumped when the model's shape changes, so an older cache is rebuilt.
pub const MODEL_VERSION: u32 = 4;

/// The analysis of one index, as every view needs it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Incident {
    /// What the model was computed from (the cache key).
    pub key: Key,
    /// The time grid: span, bucket width, number of buckets.
    pub grid: Grid,
    /// The sources, in the index's order (by name).
    pub sources: Vec<SourceSummary>,
    /// Every signal of every source, one value per bucket of `grid`.
    pub signals: Vec<Series>,
    /// Every divergence, strongest first.
    pub divergences: Vec<SignalDivergence>,
    /// Divergences that are one episode seen in several signals (p95 and
    /// p99; the load balancer's and the app's latency), as indices into
    /// `divergences`, strongest episode first.
    pub episodes: Vec<Vec<usize>>,
    /// When users were hurt, if they were.
    pub impact: Option<Impact>,
    /// The earliest lasting departure before the impact, with its likely cause.
    pub first: Option<FirstDivergence>,
    /// Records that show the first divergence.
    pub evidence: Vec<Record>,
    /// Changes found (deploys, restarts, reloads, schema, backends), in time order.
    pub changes: Vec<ChangeEvent>,
    /// Templates first seen after the baseline (every warning/error one,
    /// the notable others), in time order.
    pub new_templates: Vec<NewTemplate>,
    /// Every source's estimated clock offset against the reference source.
    pub clock_offsets: Vec<ClockOffset>,
    /// Whether the offsets were corrected (`--align`): every time of the
    /// model is then on the reference's clock.
    pub aligned: bool,
    /// Doubts about the input worth telling the user.
    pub warnings: Vec<Warning>,
    /// The merged incident timeline, in time order.
    pub timeline: Vec<TimelineItem>,
    /// The worst moment of the impact, with the latency then.
    #[serde(default)]
    pub impact_peak: Option<ImpactPeak>,
    /// Distinct clients of the impact's source over the whole span (the
    /// denominator of the affected clients' share).
    #[serde(default)]
    pub all_clients: Option<u64>,
    /// The change that likely ended the impact (index into `changes`).
    #[serde(default)]
    pub ending_change: Option<usize>,
    /// The alerts that would have fired earliest, one per signal with a
    /// lasting divergence, earliest-firing first.
    #[serde(default)]
    pub alerts: Vec<Alert>,
    /// One record for each of `episodes` (the first that shows its
    /// strongest signal at its onset), what the export quotes for a
    /// misleading path.
    #[serde(default)]
    pub episode_evidence: Vec<Option<Record>>,
}

/// What an [`Incident`] was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// [`MODEL_VERSION`].
    pub model: u32,
    /// The crate version that computed it.
    pub onset: String,
    /// The index's last commit (tantivy opstamp).
    pub commit: u64,
    /// `--baseline` (µs), if given.
    pub baseline: Option<(i64, i64)>,
    /// `--align`.
    pub align: bool,
}

/// A source as the views show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceSummary {
    /// Name.
    pub name: String,
    /// Kind (`load-balancer`, `app`, `database`, `system`).
    pub kind: String,
    /// Format it was read with.
    pub format: String,
    /// Zone of its zone-less times.
    pub zone: String,
    /// Events indexed.
    pub events: u64,
    /// Of which unparsed records.
    pub unparsed: u64,
    /// First and last event, µs.
    pub first: Option<i64>,
    /// Last event, µs.
    pub last: Option<i64>,
    /// µs added to its index times to put them on the model's axis
    /// (non-zero only with `--align`).
    pub shift: i64,
}

/// One signal's series.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Series {
    /// `source.metric`, as divergences name it.
    pub name: String,
    /// The source.
    pub source: String,
    /// The metric (`requests`, `5xx_ratio`, `latency_p95`, `connections`…).
    pub metric: String,
    /// One value per bucket; `None` where there was no data.
    pub values: Vec<Option<f64>>,
}

/// A reference to one log record, with the text a view quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Time, µs (on the model's axis).
    pub ts: i64,
    /// Source.
    pub source: String,
    /// File it came from.
    pub file: String,
    /// Line number in that file.
    pub line: u64,
    /// Byte offset in that (decompressed) file.
    pub offset: u64,
    /// The record's first line, raw (renderers escape it for their output).
    pub text: String,
}

/// Longest quoted record text kept in the model (the full record is in the index).
pub const MAX_QUOTE: usize = 2000;

impl Record {
    /// A reference to a stored event, shifted onto the model's axis.
    pub fn of(e: &crate::index::StoredEvent, shift: i64) -> Record {
        let mut text = e.raw.lines().next().unwrap_or("").to_string();
        if text.len() > MAX_QUOTE {
            let mut cut = MAX_QUOTE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        Record {
            ts: e.ts_micros + shift,
            source: e.source.clone(),
            file: e.file.clone(),
            line: e.line,
            offset: e.offset,
            text,
        }
    }
}

/// A doubt about the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Warning {
    /// A zone-less source shares no time with the others, but would if
    /// shifted by `hours`: its `--tz` is likely wrong.
    ZoneDisjoint {
        /// The source.
        source: String,
        /// The zone its times were read in.
        zone: String,
        /// The shift that would make it meet the others.
        hours: i64,
    },
    /// A zone-less source's clock runs a zone-like amount ahead of the reference's.
    ZoneOffset {
        /// The source.
        source: String,
        /// The zone its times were read in.
        zone: String,
        /// The offset, hours.
        hours: f64,
        /// The reference source.
        reference: String,
    },
    /// A clock offset larger than a bucket, left uncorrected (no `--align`).
    ClockOffset {
        /// Index into [`Incident::clock_offsets`].
        offset: usize,
    },
    /// Records dated far outside the incident's dense span (a clock not yet
    /// set, a sentinel date, a wrong year), left out of the analysis.
    OutlyingTimes {
        /// How many.
        count: u64,
        /// The span analysed, µs.
        start: i64,
        /// Its end, µs.
        end: i64,
        /// The earliest and the latest of them.
        records: Vec<Record>,
    },
}

/// What a timeline item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A change (deploy, restart, reload, schema, backend).
    Change,
    /// A divergence onset.
    Onset,
    /// An onset of an error rate.
    ErrorBurst,
    /// The first sight of a message template absent from the baseline.
    NewTemplate,
    /// Users first hurt.
    ImpactStart,
    /// Users no longer hurt.
    ImpactEnd,
}

impl ItemKind {
    /// The name `timeline` prints and `--json` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Change => "change",
            ItemKind::Onset => "onset",
            ItemKind::ErrorBurst => "error-burst",
            ItemKind::NewTemplate => "new-template",
            ItemKind::ImpactStart => "impact-start",
            ItemKind::ImpactEnd => "impact-end",
        }
    }
}

/// One entry of the merged incident timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimelineItem {
    /// When, µs.
    pub ts: i64,
    /// What kind of moment.
    pub kind: ItemKind,
    /// The source it was seen in.
    pub source: String,
    /// What it refers to in the model.
    pub refers: Refers,
    /// One record that shows it.
    pub evidence: Option<Record>,
}

/// The part of the model a timeline item stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refers {
    /// [`Incident::changes`]`[i]`.
    Change(usize),
    /// One episode's divergences of one source ([`Incident::divergences`]
    /// indices, the strongest first).
    Divergences(Vec<usize>),
    /// [`Incident::new_templates`]`[i]`.
    Template(usize),
    /// The impact window.
    Impact,
}

impl Incident {
    /// The series named `name` (`source.metric`).
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.signals.iter().find(|s| s.name == name)
    }

    /// The source named `name`.
    pub fn source(&self, name: &str) -> Option<&SourceSummary> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// End of the grid (exclusive), µs.
    pub fn end(&self) -> i64 {
        self.grid.time_of(self.grid.n)
    }

    /// The key signals, as the lanes of the TUI and the charts of the
    /// export show them: the first divergence's, the impact's, a request
    /// rate, a latency quantile and the database connections — whichever
    /// exist, each once, in that order.
    pub fn key_signals(&self) -> Vec<&Series> {
        // The outermost tier that logs requests speaks for the users.
        let by_tier = |metric: &str| {
            self.signals
                .iter()
                .filter(|s| s.metric == metric)
                .min_by_key(|s| {
                    self.source(&s.source)
                        .map_or(3, |src| tier_depth(&src.kind))
                })
        };
        let wanted = [
            self.first
                .as_ref()
                .and_then(|f| self.series(&f.divergence.signal)),
            self.impact.as_ref().and_then(|i| self.series(&i.signal)),
            by_tier("requests"),
            by_tier("latency_p95"),
            by_tier("connections"),
        ];
        let mut out: Vec<&Series> = Vec::new();
        for s in wanted.into_iter().flatten() {
            if !out.iter().any(|o| o.name == s.name) {
                out.push(s);
            }
        }
        out
    }
}

/// How deep a source kind sits in the stack: 0 at the edge.
pub fn tier_depth(kind: &str) -> u8 {
    match kind {
        "load-balancer" => 0,
        "app" => 1,
        "database" => 2,
        _ => 3,
    }
}

/// `Vec<f64>` with NaN for "no data" ↔ `Vec<Option<f64>>`.
pub fn to_options(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|v| v.is_finite().then_some(*v)).collect()
}
