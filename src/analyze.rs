//! The glue between the index and the pure analysis: the fine signals kept
//! beside the index made into an accumulator, look up the change events and the evidence
//! records, run the analysis, and assemble the [`Incident`] that every
//! view renders (`render/` for `analyze` and `timeline`, `tui/`, `export/`).

use std::collections::HashMap;

use anyhow::{bail, Result};
use tantivy::TantivyDocument;

use crate::analysis::align::{self, ClockOffset, RateOptions};
use crate::analysis::fine::{FineSignals, FINE_WIDTH};
use crate::analysis::postmortem::{self, Departure};
use crate::analysis::report::{
    analyse, change_patterns, default_baseline, new_templates, routine_pattern, signals_of,
    Analysis, ChangeEvent, ChangeKind, SignalDivergence, SourceInfo,
};
use crate::analysis::signals::{Accumulator, ConnEvent, Grid};
use crate::analysis::span;
use crate::incident::{
    self, to_options, Incident, ItemKind, Key, Record, Refers, Series, SourceSummary, TimelineItem,
    Warning,
};
use crate::index::document::StoredEvent;
use crate::index::lookup::{Filter, Lookup};
use crate::index::scan::scan;
use crate::index::Store;
use crate::ingest::preview::Preview;
use crate::ingest::{IngestOptions, IngestReport};

/// A template seen this often is routine, not a change.
const MAX_CHANGE_OCCURRENCES: u64 = 500;

/// How to analyse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Baseline window `(from, to)` in µs; default: the quiet start of the span.
    pub baseline: Option<(i64, i64)>,
    /// Correct each source's estimated clock offset before the analysis.
    pub align: bool,
}

/// The incident of an index: the cached model if it was computed for the
/// index's last commit and these options, else a new analysis (cached for
/// next time; a folder that cannot be written only loses the speed-up).
pub fn incident(store: &Store, opts: &Options) -> Result<Incident> {
    let key = Key {
        model: incident::MODEL_VERSION,
        onset: env!("CARGO_PKG_VERSION").to_string(),
        commit: store.index.load_metas()?.opstamp,
        baseline: opts.baseline,
        align: opts.align,
    };
    if let Some(cached) = incident::cache::load(&store.dir, &key) {
        return Ok(cached);
    }
    let built = build(Basis::Index(store), opts, key)?.expect("an index answers every analysis");
    let _ = incident::cache::store(&store.dir, &built);
    Ok(built)
}

/// The incident of a preview — that of the index its ingest will make —
/// or `None` when only the index can answer: clocks to correct (`align`)
/// or times spread so far that the dense span must be sampled from it.
pub fn preview_incident(preview: &Preview, opts: &Options) -> Result<Option<Incident>> {
    let key = Key {
        model: incident::MODEL_VERSION,
        onset: env!("CARGO_PKG_VERSION").to_string(),
        commit: 0,
        baseline: opts.baseline,
        align: opts.align,
    };
    build(Basis::Preview(preview), opts, key)
}

/// The answer before the index: the incident of a preview of the logs
/// `ingest` names (the signals alone, at the speed of the parse), with what
/// the preview's run reported. `None` when only the index can answer: it
/// already holds logs (the ingest adds to them), the logs come from
/// standard input (they cannot be read again), the preview read no file or
/// not all of one (a file that grew, an error), or the analysis needs the
/// index ([`preview_incident`]).
pub fn answer_before_index(
    ingest: &IngestOptions,
    opts: &Options,
) -> Result<Option<(IngestReport, Incident)>> {
    let dir = &ingest.index_dir;
    // An index that cannot be opened is new only if there is none (one of
    // another version is said as such by the ingest).
    let fresh = match Store::open(dir) {
        Ok(store) => store.manifest().is_ok_and(|m| m.sources.is_empty()),
        Err(_) => !dir.join("meta.json").exists(),
    };
    if !fresh || ingest.paths.iter().any(|p| p == "-") {
        return Ok(None);
    }
    let (report, preview) = crate::ingest::preview(ingest)?;
    if report.files.is_empty() || !preview.complete() {
        return Ok(None);
    }
    // Whatever stops the preview's answer (a file gone before it is read
    // again…), the index's answer follows the ingest as it always did.
    Ok(match preview_incident(&preview, opts) {
        Ok(Some(incident)) => Some((report, incident)),
        _ => None,
    })
}

/// What an analysis reads: an index, or a preview of one.
#[derive(Clone, Copy)]
enum Basis<'a> {
    Index(&'a Store),
    Preview(&'a Preview),
}

/// Where the evidence records are looked up.
enum Records<'a> {
    Index {
        store: &'a Store,
        lookup: Lookup<'a>,
    },
    Preview(&'a Preview),
}

impl Records<'_> {
    /// The first `limit` events (by time, then offset) that `filter`
    /// accepts among those dated in `[from, to]` (µs, the index's times).
    fn first(
        &self,
        filter: &Filter<'_>,
        limit: usize,
        within: (i64, i64),
    ) -> Result<Vec<StoredEvent>> {
        match self {
            Records::Index { store, lookup } => {
                let mut out = Vec::with_capacity(limit);
                for addr in lookup.first(filter, limit, within)? {
                    let doc: TantivyDocument = lookup.searcher().doc(addr)?;
                    out.push(store.event(&doc)?);
                }
                Ok(out)
            }
            Records::Preview(p) => p.first(filter, limit, within),
        }
    }
}

const MAX_CLOCK_OFFSET: i64 = 15 * 3_600_000_000;

/// Fine buckets at most for the clock estimates.
const FINE_BUCKETS: i64 = 50_000;

/// The clock estimates' grid over `[start, end]`: the finest round width in
/// whole seconds that gives at most [`FINE_BUCKETS`], aligned on the epoch
/// like the fine signals it is made from.
fn clock_grid(start: i64, end: i64) -> Grid {
    let span = (end - start).max(1);
    let width = [1i64, 5, 10, 30, 60, 300, 600, 1800, 3600]
        .iter()
        .map(|w| w * FINE_WIDTH)
        .find(|w| span / w < FINE_BUCKETS)
        .unwrap_or((span / FINE_BUCKETS / FINE_WIDTH + 1) * FINE_WIDTH);
    let start = start.div_euclid(width) * width;
    Grid {
        start,
        width,
        n: ((end - start) / width + 1) as usize,
    }
}

/// A zone-like shift: a whole number of quarter hours, at least one hour,
/// within two minutes. Returns it in hours.
fn zone_like(offset_us: i64) -> Option<f64> {
    const QUARTER: i64 = 900_000_000;
    let quarters = (offset_us as f64 / QUARTER as f64).round() as i64;
    ((offset_us - quarters * QUARTER).abs() <= 120_000_000 && quarters.abs() >= 4)
        .then(|| quarters as f64 / 4.0)
}

/// Warnings about the estimated clock offsets: a zone-less source that
/// looks shifted by a zone-like amount, and, without `--align`, an offset
/// larger than a bucket of the analysis.
fn offset_warnings(
    manifest: &crate::index::Manifest,
    offsets: &[ClockOffset],
    bucket: i64,
    aligned: bool,
    already: &[Warning],
) -> Vec<Warning> {
    let mut out = Vec::new();
    for (i, o) in offsets.iter().enumerate() {
        let us = o.micros();
        if us == 0 {
            continue;
        }
        let entry = manifest.sources.get(&o.source);
        let zoneless = entry.is_some_and(|s| s.events > 0 && s.flagged_times * 2 >= s.events);
        // A source that shares no time with the others is named already.
        let named = already
            .iter()
            .any(|w| matches!(w, Warning::ZoneDisjoint { source, .. } if *source == o.source));
        if let Some(h) = zone_like(us).filter(|_| zoneless) {
            if named {
                continue;
            }
            out.push(Warning::ZoneOffset {
                source: o.source.clone(),
                zone: entry.map_or("?", |s| s.zone.as_str()).to_string(),
                hours: h,
                reference: o.reference.clone(),
            });
        } else if !aligned && us.abs() >= bucket {
            out.push(Warning::ClockOffset { offset: i });
        }
    }
    out
}

/// Zone-less sources whose span meets no other source's, but would if
/// shifted by a whole number of hours: the usual sign of a wrong `--tz`.
pub fn zone_warnings(manifest: &crate::index::Manifest) -> Vec<Warning> {
    const HOUR: i64 = 3_600_000_000;
    let spans: Vec<(&String, i64, i64, bool)> = manifest
        .sources
        .iter()
        .filter_map(|(n, s)| {
            let zoneless = s.events > 0 && s.flagged_times * 2 >= s.events;
            Some((n, s.first_ts?, s.last_ts?, zoneless))
        })
        .collect();
    let mut out = Vec::new();
    for &(name, a, b, zoneless) in &spans {
        if !zoneless {
            continue;
        }
        let others: Vec<(i64, i64)> = spans
            .iter()
            .filter(|o| o.0 != name)
            .map(|o| (o.1, o.2))
            .collect();
        let meets = |shift: i64| {
            others
                .iter()
                .any(|&(c, d)| a + shift <= d && c <= b + shift)
        };
        if others.is_empty() || meets(0) {
            continue;
        }
        let fix = (1..=14i64).flat_map(|h| [h, -h]).find(|&h| meets(h * HOUR));
        if let Some(h) = fix {
            out.push(Warning::ZoneDisjoint {
                source: name.clone(),
                zone: manifest
                    .sources
                    .get(name)
                    .map_or("?", |s| s.zone.as_str())
                    .to_string(),
                hours: h,
            });
        }
    }
    out
}

/// A transient divergence weaker than this is left off the timeline.
const MIN_TRANSIENT_SCORE: f64 = 100.0;

/// Groups divergences that are one episode seen in several signals (p95 and
/// p99, the load balancer's and the application's latency): same
/// direction, same transience, onsets and ends within `tolerance` µs. Each
/// group keeps the given (strongest-first) order, and groups are ordered
/// by their strongest member. Returns indices into `divergences`.
pub fn episodes(
    divergences: &[SignalDivergence],
    keep: impl Fn(&SignalDivergence) -> bool,
    tolerance: i64,
) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, d) in divergences.iter().enumerate().filter(|(_, d)| keep(d)) {
        let close = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= tolerance,
            (None, None) => true,
            _ => false,
        };
        let found = groups.iter_mut().find(|g| {
            let h = &divergences[g[0]];
            h.direction == d.direction
                && h.transient == d.transient
                && (h.onset - d.onset).abs() <= tolerance
                && close(h.end, d.end)
        });
        match found {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

/// Sources whose series the model keeps: every source up to this many;
/// beyond, the impact's, the first divergence's and those of the
/// strongest divergences (20,000 sources must not make 20,000 sets of
/// series nobody will draw).
const MAX_SERIES_SOURCES: usize = 64;

/// Which sources (by index) keep their series in the model.
fn series_kept(sources: &[SourceInfo], analysis: &Analysis) -> impl Fn(usize) -> bool {
    let mut keep: Vec<bool> = vec![sources.len() <= MAX_SERIES_SOURCES; sources.len()];
    if sources.len() > MAX_SERIES_SOURCES {
        let names = analysis
            .impact
            .iter()
            .map(|i| i.source.as_str())
            .chain(analysis.first.iter().map(|f| f.divergence.source.as_str()))
            .chain(analysis.divergences.iter().map(|d| d.source.as_str()));
        let index: HashMap<&str, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let mut kept = 0;
        for name in names {
            if kept == MAX_SERIES_SOURCES {
                break;
            }
            if let Some(&k) = index.get(name) {
                if !keep[k] {
                    keep[k] = true;
                    kept += 1;
                }
            }
        }
    }
    move |k| keep.get(k).copied().unwrap_or(false)
}

/// Runs the analysis on an index and assembles the model.
fn build(basis: Basis<'_>, opts: &Options, key: Key) -> Result<Option<Incident>> {
    let (baseline, align) = (opts.baseline, opts.align);
    let manifest = match basis {
        Basis::Index(store) => store.manifest()?,
        Basis::Preview(p) => p.manifest.clone(),
    };
    if manifest.sources.is_empty() {
        match basis {
            Basis::Index(store) => bail!(
                "the index in {} is empty: ingest some logs first",
                store.dir.display()
            ),
            Basis::Preview(_) => bail!("no events in these logs"),
        }
    }
    let sources: Vec<SourceInfo> = manifest
        .sources
        .iter()
        .map(|(name, s)| SourceInfo {
            name: name.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    let index_of: HashMap<String, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let opened;
    let (fine, span) = match basis {
        Basis::Index(store) => {
            opened = crate::index::signals::open(store, &manifest)?;
            (&opened, dense_span(store, &manifest, &index_of)?)
        }
        Basis::Preview(p) => match manifest_span(&manifest, &index_of) {
            (span, false) => (&p.fine, span),
            (_, true) => return Ok(None),
        },
    };
    let (start, end) = (span.start, span.end);
    let clock_offsets = {
        let fine_grid = clock_grid(start, end);
        let clocks = fine.clocks(fine_grid, &index_of);
        align::estimate(
            &sources
                .iter()
                .zip(&clocks)
                .map(|(s, c)| (s.name.as_str(), s.kind.as_str(), c))
                .collect::<Vec<_>>(),
            &RateOptions {
                width: fine_grid.width,
                max_lag: MAX_CLOCK_OFFSET,
            },
        )
    };
    let shifts: HashMap<String, i64> = if align {
        clock_offsets
            .iter()
            .filter(|o| o.micros() != 0)
            .map(|o| (o.source.clone(), -o.micros()))
            .collect()
    } else {
        HashMap::new()
    };
    let acc = if shifts.is_empty() {
        fine.accumulate(Grid::for_span(start, end), &index_of)
    } else {
        let Basis::Index(store) = basis else {
            return Ok(None);
        };
        let shift = |name: &str| shifts.get(name).copied().unwrap_or(0);
        // The span on the corrected clocks.
        let ends = |f: fn(&(i64, i64)) -> i64| {
            sources
                .iter()
                .zip(&span.ends)
                .filter_map(move |(s, e)| e.as_ref().map(|e| f(e) + shift(&s.name)))
        };
        let grid = Grid::for_span(
            ends(|e| e.0).min().unwrap_or(start),
            ends(|e| e.1).max().unwrap_or(end),
        );
        // The corrections move times by any number of µs: the events are
        // read again from the columns, each at its corrected time.
        let mut shifted = FineSignals::default();
        let mut shifted_of = HashMap::new();
        for s in &sources {
            let k = shifted.source(&s.name);
            shifted.set_shift(k, shift(&s.name));
            shifted_of.insert(s.name.clone(), k);
        }
        scan(store, &mut shifted, &shifted_of)?;
        shifted.accumulate(grid, &index_of)
    };
    let shift = |name: &str| shifts.get(name).copied().unwrap_or(0);
    let grid = acc.grid;
    let (reader, searcher);
    let records = match basis {
        Basis::Index(store) => {
            reader = store.reader()?;
            searcher = reader.searcher();
            Records::Index {
                store,
                lookup: Lookup::new(&searcher),
            }
        }
        Basis::Preview(p) => Records::Preview(p),
    };
    let changes = find_changes(&records, &acc, &sources, &shifts)?;
    let base = match baseline {
        Some((from, to)) => {
            let b0 = grid.bucket(from).unwrap_or(0);
            let b1 = grid.bucket(to).unwrap_or(grid.n).max(b0 + 1);
            b0..b1
        }
        None => default_baseline(&grid),
    };
    let baseline_end = grid.time_of(base.end);
    let analysis = analyse(&acc, &sources, base.clone(), changes);
    // New templates: those near the first divergence or the impact stand out.
    let moments: Vec<i64> = analysis
        .first
        .iter()
        .map(|f| f.divergence.onset)
        .chain(analysis.impact.iter().map(|i| i.start))
        .collect();
    // A change (a start-up line) is on the timeline already.
    let mut new_templates = new_templates(
        &acc,
        &sources,
        baseline_end,
        &moments,
        (3 * grid.width).max(60_000_000),
    );
    new_templates.retain(|n| {
        !analysis
            .changes
            .iter()
            .any(|c| c.source == n.source && c.time == n.first)
    });
    let evidence = match &analysis.first {
        Some(f) => records_showing(
            &records,
            &acc,
            &sources,
            &f.divergence.source,
            &f.divergence.signal,
            f.divergence.onset - shift(&f.divergence.source),
        )?
        .iter()
        .map(|e| Record::of(e, shift(&e.source)))
        .collect(),
        None => Vec::new(),
    };
    let mut warnings = zone_warnings(&manifest);
    let more = offset_warnings(
        &manifest,
        &clock_offsets,
        grid.width.max(1_000_000),
        align,
        &warnings,
    );
    warnings.extend(more);
    if let (true, Records::Index { store, lookup }) = (span.outlying > 0, &records) {
        let mut examples = Vec::new();
        for &addr in &span.examples {
            let doc: TantivyDocument = lookup.searcher().doc(addr)?;
            let e = store.event(&doc)?;
            examples.push(Record::of(&e, shift(&e.source)));
        }
        warnings.push(Warning::OutlyingTimes {
            count: span.outlying,
            start: grid.start,
            end: grid.time_of(grid.n),
            records: examples,
        });
    }
    let sigs = signals_of(&acc, &sources, series_kept(&sources, &analysis));
    let departures: Vec<Departure<'_>> = analysis.divergences.iter().map(Into::into).collect();
    let alerts = postmortem::alerts(&grid, &sigs, &departures, base, analysis.impact.as_ref());
    let impact_peak = analysis
        .impact
        .as_ref()
        .and_then(|i| postmortem::impact_peak(&grid, &sigs, i));
    let all_clients = analysis.impact.as_ref().and_then(|i| {
        let k = sources.iter().position(|s| s.name == i.source)?;
        postmortem::all_clients(acc.sources.get(k)?)
    });
    let ending_change = analysis
        .impact
        .as_ref()
        .and_then(|i| postmortem::ending_change(&grid, &analysis.changes, i));
    let series = sigs
        .into_iter()
        .map(|s| Series {
            values: to_options(&s.values),
            name: s.name,
            source: s.source,
            metric: s.metric,
        })
        .collect();
    let episodes = episodes(&analysis.divergences, |_| true, 2 * grid.width);
    let mut incident = Incident {
        key,
        grid,
        sources: manifest
            .sources
            .iter()
            .map(|(name, s)| SourceSummary {
                name: name.clone(),
                kind: s.kind.clone(),
                format: s.format.clone(),
                zone: s.zone.clone(),
                events: s.events,
                unparsed: s.unparsed,
                first: s.first_ts,
                last: s.last_ts,
                shift: shift(name),
            })
            .collect(),
        signals: series,
        divergences: analysis.divergences,
        episodes,
        impact: analysis.impact,
        first: analysis.first,
        evidence,
        changes: analysis.changes,
        new_templates,
        clock_offsets,
        aligned: align,
        warnings,
        timeline: Vec::new(),
        impact_peak,
        all_clients,
        ending_change,
        alerts,
        episode_evidence: Vec::new(),
    };
    incident.timeline = timeline(&records, &incident)?;
    // One record for each episode, at its strongest signal's onset.
    let mut episode_evidence = Vec::with_capacity(incident.episodes.len());
    for episode in &incident.episodes {
        let record = match episode.first().and_then(|&d| incident.divergences.get(d)) {
            Some(d) => records_showing(
                &records,
                &acc,
                &sources,
                &d.source,
                &d.signal,
                d.onset - shift(&d.source),
            )?
            .first()
            .map(|e| Record::of(e, shift(&e.source))),
            None => None,
        };
        episode_evidence.push(record);
    }
    incident.episode_evidence = episode_evidence;
    Ok(Some(incident))
}

/// The merged incident timeline: changes, divergence onsets, first
/// occurrences of templates absent from the baseline (every warning/error
/// one, and the info ones that recur or come near the onset), the
/// impact window and error bursts, in time order, each with a record that
/// shows it.
fn timeline(records: &Records<'_>, inc: &Incident) -> Result<Vec<TimelineItem>> {
    let shifts: HashMap<&str, i64> = inc
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.shift))
        .collect();
    let shift = |source: &str| shifts.get(source).copied().unwrap_or(0);
    let first_at = |source: &str, at: i64| -> Result<Option<Record>> {
        let q = Filter {
            source,
            ..Filter::default()
        };
        Ok(first_after(records, &q, 1, at - shift(source))?
            .first()
            .map(|e| Record::of(e, shift(source))))
    };
    let mut items = Vec::new();
    for (i, c) in inc.changes.iter().enumerate() {
        items.push(TimelineItem {
            ts: c.time,
            kind: ItemKind::Change,
            source: c.source.clone(),
            refers: Refers::Change(i),
            evidence: Some(Record {
                ts: c.time,
                source: c.source.clone(),
                file: c.file.clone(),
                line: c.line,
                offset: c.offset,
                text: c.description.clone(),
            }),
        });
    }
    // Small departures that came back are noise on a timeline; one episode
    // seen in several signals of a source (p95 and p99…) is one item.
    let shown = |d: &SignalDivergence| !d.transient || d.score >= MIN_TRANSIENT_SCORE;
    for episode in episodes(&inc.divergences, shown, 2 * inc.grid.width) {
        let mut by_source: Vec<(&str, Vec<usize>)> = Vec::new();
        for d in episode {
            let source = inc.divergences[d].source.as_str();
            match by_source.iter_mut().find(|(s, _)| *s == source) {
                Some((_, ds)) => ds.push(d),
                None => by_source.push((source, vec![d])),
            }
        }
        for (source, ds) in by_source {
            // The strongest signal speaks for the episode.
            let d = &inc.divergences[ds[0]];
            let is_errors = ds
                .iter()
                .any(|&i| inc.divergences[i].signal.ends_with(".errors"));
            items.push(TimelineItem {
                ts: d.onset,
                kind: if is_errors {
                    ItemKind::ErrorBurst
                } else {
                    ItemKind::Onset
                },
                source: source.to_string(),
                evidence: first_at(source, d.onset)?,
                refers: Refers::Divergences(ds),
            });
        }
    }
    if let Some(i) = &inc.impact {
        for (ts, kind) in [
            (i.start, ItemKind::ImpactStart),
            (i.end, ItemKind::ImpactEnd),
        ] {
            items.push(TimelineItem {
                ts,
                kind,
                source: i.source.clone(),
                refers: Refers::Impact,
                evidence: None,
            });
        }
    }
    for (k, n) in inc.new_templates.iter().enumerate() {
        let q = Filter {
            source: &n.source,
            templates: vec![&n.text],
            ..Filter::default()
        };
        // Its first occurrence is known to the µs.
        let at = n.first - shift(&n.source);
        let ev = records.first(&q, 1, (at, at))?;
        items.push(TimelineItem {
            ts: n.first,
            kind: ItemKind::NewTemplate,
            source: n.source.clone(),
            refers: Refers::Template(k),
            evidence: ev.first().map(|e| Record::of(e, shift(&n.source))),
        });
    }
    items.sort_by_key(|i| i.ts);
    Ok(items)
}

/// The first `limit` events that `filter` accepts dated `from` or later,
/// looked for in windows that grow from one second (the events that show
/// a moment are nearly always right after it).
fn first_after(
    records: &Records<'_>,
    filter: &Filter<'_>,
    limit: usize,
    from: i64,
) -> Result<Vec<StoredEvent>> {
    let mut width = FINE_WIDTH;
    loop {
        let to = from.saturating_add(width);
        let found = records.first(filter, limit, (from, to))?;
        if found.len() >= limit || to == i64::MAX {
            return Ok(found);
        }
        width = width.saturating_mul(16);
    }
}

/// Samples of the times at most, to find the dense span.
const SPAN_SAMPLE: usize = 1 << 16;

/// The times the analysis covers (see [`crate::analysis::span`]).
struct Span {
    start: i64,
    end: i64,
    /// Each source's first and last time inside the span (by source index).
    ends: Vec<Option<(i64, i64)>>,
    /// Records dated outside it, left out of the analysis.
    outlying: u64,
    /// The earliest and the latest of them.
    examples: Vec<tantivy::DocAddress>,
}

/// The dense span of the index's times: the sources' first and last times
/// when they lie within a day (or the times' own spread) of the rest, as
/// nearly always; otherwise a sample of the time column finds the dense
/// part and one more pass finds its exact ends and what lies outside.
fn dense_span(
    store: &Store,
    manifest: &crate::index::Manifest,
    index_of: &HashMap<String, usize>,
) -> Result<Span> {
    let (all, false) = manifest_span(manifest, index_of) else {
        return sampled_span(store, index_of);
    };
    Ok(all)
}

/// The span of the sources' first and last times, and whether their
/// spread calls for a sample of the times to find the dense part.
fn manifest_span(
    manifest: &crate::index::Manifest,
    index_of: &HashMap<String, usize>,
) -> (Span, bool) {
    let mut ends: Vec<Option<(i64, i64)>> = vec![None; index_of.len()];
    for (name, s) in &manifest.sources {
        if let (Some(&i), Some(a), Some(b)) = (index_of.get(name), s.first_ts, s.last_ts) {
            ends[i] = Some((a, b));
        }
    }
    let whole = |ends: &[Option<(i64, i64)>]| {
        let start = ends.iter().flatten().map(|e| e.0).min().unwrap_or(0);
        (
            start,
            ends.iter().flatten().map(|e| e.1).max().unwrap_or(start),
        )
    };
    let (start, end) = whole(&ends);
    let all = Span {
        start,
        end,
        ends: ends.clone(),
        outlying: 0,
        examples: Vec::new(),
    };
    let wide = end.saturating_sub(start) > span::MIN_GAP;
    (all, wide)
}

/// The dense span of widely spread times: a sample of the time column
/// finds the dense part and one more pass finds its exact ends and what
/// lies outside.
fn sampled_span(store: &Store, index_of: &HashMap<String, usize>) -> Result<Span> {
    let manifest = store.manifest()?;
    let (all, _) = manifest_span(&manifest, index_of);
    let whole = |ends: &[Option<(i64, i64)>]| {
        let start = ends.iter().flatten().map(|e| e.0).min().unwrap_or(0);
        (
            start,
            ends.iter().flatten().map(|e| e.1).max().unwrap_or(start),
        )
    };
    let (start, end) = (all.start, all.end);
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let total = searcher.num_docs() as usize;
    let stride = total.div_ceil(SPAN_SAMPLE).max(1);
    let mut sample = Vec::with_capacity(total / stride + searcher.segment_readers().len());
    for segment in searcher.segment_readers() {
        let ts = segment.fast_fields().i64("ts")?;
        let docs: Vec<tantivy::DocId> = (0..segment.max_doc()).step_by(stride).collect();
        let mut vals = vec![None; docs.len()];
        ts.first_vals(&docs, &mut vals);
        sample.extend(vals.into_iter().flatten());
    }
    sample.sort_unstable();
    let Some((lo, hi)) = span::dense_window(&sample) else {
        return Ok(all);
    };
    if lo <= start && end <= hi {
        return Ok(all);
    }
    // Exact ends inside the window, and what lies outside it.
    let mut inside: Vec<Option<(i64, i64)>> = vec![None; index_of.len()];
    let mut outlying = 0u64;
    let (mut earliest, mut latest): (Option<(i64, tantivy::DocAddress)>, Option<(i64, _)>) =
        (None, None);
    const BLOCK: usize = 2048;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ff = segment.fast_fields();
        let ts = ff.i64("ts")?;
        let Some(source_col) = ff.str("source")? else {
            continue;
        };
        let source_of: Vec<Option<usize>> = crate::index::scan::dictionary(&source_col)?
            .iter()
            .map(|n| index_of.get(n).copied())
            .collect();
        let (mut v_ts, mut v_src) = (vec![None; BLOCK], vec![None; BLOCK]);
        let mut docs: Vec<tantivy::DocId> = Vec::with_capacity(BLOCK);
        let max_doc = segment.max_doc();
        for block in crate::index::scan::doc_blocks(max_doc, BLOCK) {
            docs.clear();
            docs.extend(block);
            let k = docs.len();
            ts.first_vals(&docs, &mut v_ts[..k]);
            source_col.ords().first_vals(&docs, &mut v_src[..k]);
            for i in 0..k {
                let Some(t) = v_ts[i] else { continue };
                if (lo..=hi).contains(&t) {
                    let src = v_src[i].and_then(|o| source_of.get(o as usize).copied().flatten());
                    if let Some(e) = src.and_then(|s| inside.get_mut(s)) {
                        *e = Some(e.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
                    }
                    continue;
                }
                outlying += 1;
                let addr = tantivy::DocAddress::new(ord as u32, docs[i]);
                if earliest.is_none_or(|(e, _)| t < e) {
                    earliest = Some((t, addr));
                }
                if latest.is_none_or(|(l, _)| t > l) {
                    latest = Some((t, addr));
                }
            }
        }
    }
    let (start, end) = whole(&inside);
    let mut examples: Vec<tantivy::DocAddress> =
        earliest.into_iter().chain(latest).map(|(_, a)| a).collect();
    examples.dedup();
    Ok(Span {
        start,
        end,
        ends: inside,
        outlying,
        examples,
    })
}

/// Change events: templates whose words announce a deploy, a restart, a
/// reload, a schema change or a backend transition, with their records.
fn find_changes(
    records: &Records<'_>,
    acc: &Accumulator,
    sources: &[SourceInfo],
    shifts: &HashMap<String, i64>,
) -> Result<Vec<ChangeEvent>> {
    let patterns = change_patterns();
    let routine = routine_pattern();
    let mut out = Vec::new();
    for t in &acc.templates {
        if t.count > MAX_CHANGE_OCCURRENCES || routine.is_match(&t.text) {
            continue;
        }
        let Some((kind, _)) = patterns.iter().find(|(_, re)| re.is_match(&t.text)) else {
            continue;
        };
        let source = &sources[t.source].name;
        let shift = shifts.get(source).copied().unwrap_or(0);
        let q = Filter {
            source,
            templates: vec![&t.text],
            ..Filter::default()
        };
        // Only occurrences inside the span date a change (see below); the
        // template's own first and last ones bound them.
        let within = (t.first_ts - shift, t.last_ts - shift);
        let mut last: Option<i64> = None;
        for ev in records.first(&q, 50, within)? {
            // A record with no time of its own (a log file's header, which
            // names the server's version when the file is opened) cannot
            // date a change.
            if ev.time_flags.contains(&"inherited") {
                continue;
            }
            // Nor can a record dated outside the incident's span (a boot
            // line before the clock was set).
            if acc.grid.bucket(ev.ts_micros + shift).is_none() {
                continue;
            }
            // Repeats of one message within 30 s (one per worker) are one change.
            if last.is_some_and(|l| ev.ts_micros - l < 30_000_000) {
                continue;
            }
            last = Some(ev.ts_micros);
            // A version given in a field (`version=0.32.0`) belongs in the
            // description, and makes a start-up a deploy.
            let mut description = ev.message.lines().next().unwrap_or("").to_string();
            let mut kind = *kind;
            for (k, v) in &ev.fields {
                let key = k.to_ascii_lowercase();
                if ["version", "release", "revision", "commit"]
                    .iter()
                    .any(|w| key.contains(w))
                {
                    if let Some(v) = v.as_str() {
                        if !description.contains(v) {
                            description.push_str(&format!(" {k}={v}"));
                        }
                        if kind == ChangeKind::Restart {
                            kind = ChangeKind::Deploy;
                        }
                    }
                }
            }
            out.push(ChangeEvent {
                time: ev.ts_micros + shift,
                source: source.clone(),
                kind,
                description,
                file: ev.file.clone(),
                line: ev.line,
                offset: ev.offset,
            });
        }
    }
    // Templates come in the index's segment order, which differs from one
    // ingest to the next: the order of changes is total.
    out.sort_by(|a, b| {
        (a.time, &a.source, &a.file, a.line, &a.description).cmp(&(
            b.time,
            &b.source,
            &b.file,
            b.line,
            &b.description,
        ))
    });
    Ok(out)
}

/// The records around a divergence's onset that show it.
fn records_showing(
    records: &Records<'_>,
    acc: &Accumulator,
    sources: &[SourceInfo],
    source: &str,
    signal: &str,
    onset: i64,
) -> Result<Vec<StoredEvent>> {
    let metric = signal.rsplit('.').next().unwrap_or("");
    let src_idx = sources.iter().position(|s| s.name == source);
    let mut filter = Filter {
        source,
        ..Filter::default()
    };
    match metric {
        "connections" | "refused_connections" => {
            let want = if metric == "connections" {
                ConnEvent::Connect
            } else {
                ConnEvent::Refused
            };
            filter.templates = acc
                .templates
                .iter()
                .filter(|t| Some(t.source) == src_idx && t.conn == Some(want))
                .map(|t| t.text.as_str())
                .collect();
        }
        "errors" => filter.levels = vec!["error", "fatal"],
        "warnings" => filter.levels = vec!["warn"],
        "5xx_ratio" | "bad_ratio" => filter.status = Some((500, 600)),
        "4xx_ratio" => filter.status = Some((400, 500)),
        _ => {}
    }
    first_after(records, &filter, 5, onset)
}
