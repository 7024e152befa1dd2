//! Fine signals: what the analysis needs of every event, gathered per
//! source and per second while the logs are parsed, so that `analyze`
//! reads a few aggregates instead of every event's columns.
//!
//! [`FineSignals`] receives one [`Row`] per event, like the
//! [`Accumulator`], but on a fixed grid of whole seconds that does not
//! depend on the incident's span (unknown until every file is read): per
//! second, the counts by level and status class, latency histograms,
//! client sets, statement times; per template, its occurrences per second;
//! the database connection events; and each source's clock sample (request
//! ids and the resolution of its times). Every grid the analysis uses is a
//! whole number of seconds aligned on the epoch ([`Grid::for_span`]), so
//! [`FineSignals::accumulate`] gives exactly the accumulator a scan of the
//! events would have filled.
//!
//! It is pure and serializable; `index::signals` keeps it beside the index.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::align::SourceClock;
use super::distinct::Distinct;
use super::signals::{Accumulator, ConnClassifier, ConnEvent, Grid, Histogram, Row, Severity};

/// The fine grid's width: one second, µs.
pub const FINE_WIDTH: i64 = 1_000_000;

/// What events of a second [`FineSignals::seconds_with`] looks for.
#[derive(Debug, Clone)]
pub enum Counted<'a> {
    /// Any.
    Events,
    /// Warnings.
    Warnings,
    /// Errors (and worse).
    Errors,
    /// Responses with a status of 500 or more.
    Status5xx,
    /// Responses with a status in 400–499.
    Status4xx,
    /// Responses.
    Requests,
    /// Occurrences of one of these templates.
    Templates(&'a [&'a str]),
}

/// The aggregates of one source in one second.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cell {
    events: u32,
    warnings: u32,
    errors: u32,
    unparsed: u32,
    requests: u32,
    status_5xx: u32,
    status_4xx: u32,
    bad: u32,
    proxied: u32,
    queries: u32,
    query_time: f64,
    /// Latency histogram (empty: no durations).
    latency: Vec<u32>,
    clients: Distinct,
    /// Clients of bad responses, sorted (exact: the impact's affected
    /// clients are counted from them).
    #[serde(with = "super::distinct::deltas")]
    bad_clients: Vec<u64>,
}

impl PartialEq for Cell {
    /// Equal counts and sets; sums of statement times equal but for the
    /// rounding of the order they were added in.
    fn eq(&self, o: &Cell) -> bool {
        let close = (self.query_time - o.query_time).abs()
            <= 1e-9 * self.query_time.abs().max(o.query_time.abs()).max(1.0);
        (
            self.events,
            self.warnings,
            self.errors,
            self.unparsed,
            self.requests,
            self.status_5xx,
            self.status_4xx,
            self.bad,
            self.proxied,
            self.queries,
        ) == (
            o.events,
            o.warnings,
            o.errors,
            o.unparsed,
            o.requests,
            o.status_5xx,
            o.status_4xx,
            o.bad,
            o.proxied,
            o.queries,
        ) && close
            && self.latency == o.latency
            && self.clients == o.clients
            && self.bad_clients == o.bad_clients
    }
}

/// One template's occurrences in one second.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
struct TemplateSecond {
    count: u32,
    /// The earliest and the latest, µs.
    first: i64,
    last: i64,
    /// The most severe level seen.
    severity: Option<Severity>,
}

/// One message template of one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Template {
    text: String,
    conn: Option<ConnEvent>,
    seconds: FxHashMap<i64, TemplateSecond>,
}

/// One source's fine signals.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Source {
    name: String,
    cells: FxHashMap<i64, Cell>,
    templates: Vec<Template>,
    #[serde(skip)]
    template_ids: HashMap<String, u32>,
    conn_events: Vec<(i64, ConnEvent, u64)>,
    /// Request ids, resolution and event count (its counts are made from
    /// the cells for each estimate's grid).
    clock: SourceClock,
}

/// Every source's fine signals.
#[derive(Default, Serialize, Deserialize)]
pub struct FineSignals {
    sources: Vec<Source>,
    #[serde(skip)]
    source_ids: HashMap<String, usize>,
    #[serde(skip)]
    classifier: Option<ConnClassifier>,
    /// Per source, µs added to every time (a clock correction).
    #[serde(skip)]
    shifts: Vec<i64>,
}

impl std::fmt::Debug for FineSignals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FineSignals")
            .field("sources", &self.sources.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for FineSignals {
    /// The same aggregates, whatever order sources and templates came in.
    fn eq(&self, other: &FineSignals) -> bool {
        fn by_name(f: &FineSignals) -> Vec<&Source> {
            let mut v: Vec<&Source> = f.sources.iter().collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        }
        let (a, b) = (by_name(self), by_name(other));
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.same_as(y))
    }
}

impl Source {
    fn same_as(&self, other: &Source) -> bool {
        fn templates(s: &Source) -> Vec<&Template> {
            let mut v: Vec<&Template> = s.templates.iter().collect();
            v.sort_by(|a, b| a.text.cmp(&b.text));
            v
        }
        let conns = |s: &Source| {
            let mut v = s.conn_events.clone();
            v.sort_by_key(|e| (e.0, e.1 as u8, e.2));
            v
        };
        let ids = |s: &Source| {
            let mut clock = s.clock.clone();
            clock.trim();
            let mut v: Vec<_> = clock.ids.iter().map(|(k, v)| (*k, *v)).collect();
            v.sort_by_key(|e| e.0);
            v
        };
        self.name == other.name
            && self.cells == other.cells
            && templates(self) == templates(other)
            && conns(self) == conns(other)
            && ids(self) == ids(other)
            && self.clock.resolution() == other.clock.resolution()
            && self.clock.events == other.clock.events
    }
}

impl FineSignals {
    /// The index of a source, added if new.
    pub fn source(&mut self, name: &str) -> usize {
        if self.source_ids.len() != self.sources.len() {
            self.reindex();
        }
        if let Some(&i) = self.source_ids.get(name) {
            return i;
        }
        let i = self.sources.len();
        self.sources.push(Source {
            name: name.to_string(),
            cells: FxHashMap::default(),
            templates: Vec::new(),
            template_ids: HashMap::new(),
            conn_events: Vec::new(),
            clock: SourceClock::new(0),
        });
        self.source_ids.insert(name.to_string(), i);
        i
    }

    /// Rebuilds the lookups serialization leaves out.
    fn reindex(&mut self) {
        self.source_ids = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        for s in &mut self.sources {
            s.template_ids = s
                .templates
                .iter()
                .enumerate()
                .map(|(i, t)| (t.text.clone(), i as u32))
                .collect();
        }
    }

    /// Names of the sources, by index.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.name.as_str())
    }

    /// Events of every source.
    pub fn events(&self) -> u64 {
        self.sources.iter().map(|s| s.clock.events).sum()
    }

    /// The seconds (µs since the epoch, in order) of source `source` that
    /// overlap `[from, to]` and hold events `what` counts — a superset of
    /// the seconds that hold events a lookup wants, to read no others.
    pub fn seconds_with(
        &self,
        source: &str,
        what: &Counted<'_>,
        (from, to): (i64, i64),
    ) -> Vec<i64> {
        let Some(s) = self.sources.iter().find(|s| s.name == source) else {
            return Vec::new();
        };
        let (lo, hi) = (from.div_euclid(FINE_WIDTH), to.div_euclid(FINE_WIDTH));
        let mut seconds: Vec<i64> = match what {
            Counted::Templates(texts) => texts
                .iter()
                .filter_map(|t| match s.template_ids.get(*t) {
                    Some(&i) => s.templates.get(i as usize),
                    // Read back from a file, the ids are not indexed yet.
                    None => s.templates.iter().find(|x| x.text == *t),
                })
                .flat_map(|t| t.seconds.keys().copied())
                .filter(|k| (lo..=hi).contains(k))
                .collect(),
            _ => s
                .cells
                .iter()
                .filter(|(k, c)| {
                    (lo..=hi).contains(*k)
                        && 0 < match what {
                            Counted::Events | Counted::Templates(_) => c.events,
                            Counted::Warnings => c.warnings,
                            Counted::Errors => c.errors,
                            Counted::Status5xx => c.status_5xx,
                            Counted::Status4xx => c.status_4xx,
                            Counted::Requests => c.requests,
                        }
                })
                .map(|(k, _)| *k)
                .collect(),
        };
        seconds.sort_unstable();
        seconds.dedup();
        seconds.into_iter().map(|k| k * FINE_WIDTH).collect()
    }

    /// Corrects source `source`'s clock: `shift` µs are added to each of its
    /// times from now on (`--align`).
    pub fn set_shift(&mut self, source: usize, shift: i64) {
        if self.shifts.len() <= source {
            self.shifts.resize(source + 1, 0);
        }
        self.shifts[source] = shift;
    }

    /// The id of a template of source `source` (interned on first sight).
    pub fn template_id(&mut self, source: usize, text: &str) -> u32 {
        if self.source_ids.len() != self.sources.len() {
            self.reindex();
        }
        let classifier = self.classifier.get_or_insert_with(ConnClassifier::default);
        let s = &mut self.sources[source];
        if let Some(&id) = s.template_ids.get(text) {
            return id;
        }
        let id = s.templates.len() as u32;
        s.templates.push(Template {
            text: text.to_string(),
            conn: classifier.classify(text),
            seconds: FxHashMap::default(),
        });
        s.template_ids.insert(text.to_string(), id);
        id
    }

    /// Adds one event of source `source`; `row.template` is an id from
    /// [`FineSignals::template_id`].
    pub fn add(&mut self, source: usize, row: &Row) {
        let shift = self.shifts.get(source).copied().unwrap_or(0);
        let Some(s) = self.sources.get_mut(source) else {
            return;
        };
        let ts = row.ts + shift;
        let duration_us = row.latency().map(|d| (d * 1e6) as i64);
        s.clock.add(ts, None, row.request, duration_us);
        let second = ts.div_euclid(FINE_WIDTH);
        let c = s.cells.entry(second).or_default();
        c.events += 1;
        match row.severity {
            Some(Severity::Warn) => c.warnings += 1,
            Some(Severity::Error) => c.errors += 1,
            _ => {}
        }
        c.unparsed += u32::from(row.unparsed);
        if let Some(status) = row.status {
            c.requests += 1;
            c.proxied += u32::from(row.proxied);
            if status >= 500 {
                c.status_5xx += 1;
            } else if status >= 400 {
                c.status_4xx += 1;
            }
        }
        if row.is_bad() {
            c.bad += 1;
            if let Some(client) = row.client {
                if let Err(i) = c.bad_clients.binary_search(&client) {
                    c.bad_clients.insert(i, client);
                }
            }
        }
        if let Some(d) = row.latency() {
            if c.latency.is_empty() {
                c.latency = Histogram::default().0.to_vec();
            }
            c.latency[Histogram::bin(d)] += 1;
        }
        if let Some(client) = row.client {
            c.clients.insert(client);
        }
        if let Some(q) = row.statement_time() {
            c.queries += 1;
            c.query_time += q;
        }
        if let Some(t) = row.template.and_then(|t| s.templates.get_mut(t as usize)) {
            let e = t.seconds.entry(second).or_insert(TemplateSecond {
                count: 0,
                first: ts,
                last: ts,
                severity: None,
            });
            e.count += 1;
            e.first = e.first.min(ts);
            e.last = e.last.max(ts);
            e.severity = e.severity.max(row.severity);
            if let Some(conn) = t.conn {
                s.conn_events.push((ts, conn, row.connection()));
            }
        }
    }

    /// The accumulator of the events on `grid` (whole seconds on the
    /// epoch, as [`Grid::for_span`] makes them); `index_of` maps source
    /// names to the accumulator's indices (others are left out).
    pub fn accumulate(&self, grid: Grid, index_of: &HashMap<String, usize>) -> Accumulator {
        debug_assert!(grid.width % FINE_WIDTH == 0 && grid.start % FINE_WIDTH == 0);
        let n = grid.n;
        let mut acc = Accumulator::new(grid, index_of.len());
        let mut order: Vec<&Source> = self.sources.iter().collect();
        order.sort_by(|a, b| a.name.cmp(&b.name));
        for src in order {
            let Some(&i) = index_of.get(&src.name) else {
                continue;
            };
            let bucket = |second: i64| grid.bucket(second * FINE_WIDTH);
            // Templates first: their ids are the accumulator's.
            for t in &src.templates {
                let id = acc.template_id(i, &t.text) as usize;
                let stats = &mut acc.templates[id];
                for ts in t.seconds.iter().filter(|(&s, _)| bucket(s).is_some()) {
                    let ts = ts.1;
                    stats.count += u64::from(ts.count);
                    stats.first_ts = stats.first_ts.min(ts.first);
                    stats.last_ts = stats.last_ts.max(ts.last);
                    if let Some(sev) = ts.severity {
                        stats.severity = stats.severity.max(sev);
                    }
                }
            }
            let s = &mut acc.sources[i];
            s.conn_events = src
                .conn_events
                .iter()
                .filter(|e| grid.bucket(e.0).is_some())
                .copied()
                .collect();
            let mut seconds: Vec<i64> = src.cells.keys().copied().collect();
            seconds.sort_unstable();
            for second in seconds {
                let Some(b) = bucket(second) else { continue };
                let c = &src.cells[&second];
                let count = |field: &mut super::signals::Buckets<u32>, v: u32| {
                    if v > 0 {
                        *field.at(b, n) += v;
                    }
                };
                count(&mut s.events, c.events);
                count(&mut s.warnings, c.warnings);
                count(&mut s.errors, c.errors);
                count(&mut s.unparsed, c.unparsed);
                count(&mut s.requests, c.requests);
                count(&mut s.status_5xx, c.status_5xx);
                count(&mut s.status_4xx, c.status_4xx);
                count(&mut s.bad, c.bad);
                count(&mut s.queries, c.queries);
                s.proxied += u64::from(c.proxied);
                if c.queries > 0 {
                    *s.query_time.at(b, n) += c.query_time;
                }
                if !c.latency.is_empty() {
                    let h = s.latency.at(b, n);
                    for (x, y) in h.0.iter_mut().zip(&c.latency) {
                        *x += y;
                    }
                }
                if !c.clients.is_empty() {
                    s.clients.at(b, n).merge(&c.clients);
                }
                if !c.bad_clients.is_empty() {
                    s.bad_clients.at(b, n).extend(&c.bad_clients);
                }
            }
        }
        acc
    }

    /// Each source's clock input on the estimates' grid `fine` (its event
    /// counts per bucket, its request ids, its resolution), by the indices
    /// of `index_of`.
    pub fn clocks(&self, fine: Grid, index_of: &HashMap<String, usize>) -> Vec<SourceClock> {
        let mut out: Vec<SourceClock> = (0..index_of.len())
            .map(|_| SourceClock::new(fine.n))
            .collect();
        for src in &self.sources {
            let Some(&i) = index_of.get(&src.name) else {
                continue;
            };
            let mut clock = src.clock.clone();
            clock.trim();
            clock.buckets = fine.n;
            clock.counts = Default::default();
            let mut seconds: Vec<(i64, u32)> =
                src.cells.iter().map(|(&s, c)| (s, c.events)).collect();
            seconds.sort_unstable();
            for (second, events) in seconds {
                if let Some(b) = fine.bucket(second * FINE_WIDTH) {
                    *clock.counts.at(b, fine.n) += events;
                }
            }
            out[i] = clock;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_760_000_000_000_000;

    fn rows() -> Vec<(usize, Row, &'static str)> {
        let mut out = Vec::new();
        for i in 0..500i64 {
            let status = if i % 17 == 0 { 503 } else { 200 };
            out.push((
                0,
                Row {
                    ts: T0 + i * 370_001,
                    severity: Some(Severity::Normal),
                    status: Some(status),
                    duration: Some(0.001 * (i % 40) as f64),
                    client: Some((i % 23) as u64),
                    request: Some(i as u64 * 7919),
                    ..Row::default()
                },
                "GET /<*> HTTP/1.1",
            ));
            if i % 5 == 0 {
                out.push((
                    1,
                    Row {
                        ts: T0 + i * 370_001 + 12_345,
                        severity: Some(if i % 3 == 0 {
                            Severity::Error
                        } else {
                            Severity::Warn
                        }),
                        session: Some(i as u64 % 11),
                        query_time: Some(0.25),
                        ..Row::default()
                    },
                    if i % 2 == 0 {
                        "connection authorized: user=<*>"
                    } else {
                        "disconnection: session time: <*>"
                    },
                ));
            }
        }
        out
    }

    /// The accumulator made from the fine signals is the one the events
    /// fill directly, on any round grid, including one that cuts the span.
    #[test]
    fn fine_signals_accumulate_to_what_the_events_give() {
        let mut fine = FineSignals::default();
        let names = ["lb", "db"];
        let ids: Vec<usize> = names.iter().map(|n| fine.source(n)).collect();
        for (s, row, text) in rows() {
            let mut row = row;
            row.template = Some(fine.template_id(ids[s], text));
            fine.add(ids[s], &row);
        }
        let index_of: HashMap<String, usize> =
            [("db".to_string(), 0), ("lb".to_string(), 1)].into();
        for grid in [
            Grid::for_span(T0, T0 + 185_000_000),
            Grid::for_span(T0 + 30_000_000, T0 + 90_000_000),
            Grid {
                start: T0 - T0 % 60_000_000,
                width: 60_000_000,
                n: 2,
            },
        ] {
            let mut direct = Accumulator::new(grid, 2);
            for (s, row, text) in rows() {
                let k = if s == 0 { 1 } else { 0 };
                let mut row = row;
                row.template = Some(direct.template_id(k, text));
                direct.add(k, &row);
            }
            let made = fine.accumulate(grid, &index_of);
            for k in 0..2 {
                let (a, b) = (
                    direct.sources[k].dense(grid.n),
                    made.sources[k].dense(grid.n),
                );
                assert_eq!(a.events, b.events);
                assert_eq!(a.warnings, b.warnings);
                assert_eq!(a.errors, b.errors);
                assert_eq!(a.status_5xx, b.status_5xx);
                assert_eq!(a.bad, b.bad);
                assert_eq!(a.latency, b.latency);
                assert_eq!(a.clients, b.clients);
                assert_eq!(a.queries, b.queries);
                assert_eq!(a.query_time, b.query_time);
                assert_eq!(direct.sources[k].conn_events, made.sources[k].conn_events);
                assert_eq!(direct.sources[k].proxied, made.sources[k].proxied);
                let bad = |acc: &Accumulator| -> Vec<(usize, Vec<u64>)> {
                    acc.sources[k]
                        .bad_clients
                        .iter()
                        .map(|(b, s)| {
                            let mut v: Vec<u64> = s.iter().copied().collect();
                            v.sort_unstable();
                            (b, v)
                        })
                        .collect()
                };
                assert_eq!(bad(&direct), bad(&made));
            }
            let stats = |acc: &Accumulator| {
                let mut v: Vec<_> = acc
                    .templates
                    .iter()
                    .map(|t| {
                        (
                            t.source,
                            t.text.clone(),
                            t.first_ts,
                            t.last_ts,
                            t.count,
                            t.severity,
                        )
                    })
                    .collect();
                v.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                v
            };
            assert_eq!(stats(&direct), stats(&made));
            // The clock input: every request id kept, counts on the grid.
            let clocks = fine.clocks(grid, &index_of);
            let mut lb = SourceClock::new(grid.n);
            for (_, row, _) in rows().iter().filter(|r| r.0 == 0) {
                let d = row.duration.map(|d| (d * 1e6) as i64);
                lb.add(row.ts, grid.bucket(row.ts), row.request, d);
            }
            assert_eq!(clocks[1].ids, lb.ids);
            assert_eq!(clocks[1].ids.len(), 500);
            assert_eq!(clocks[1].counts.dense(grid.n), lb.counts.dense(grid.n));
            assert_eq!(clocks[1].resolution(), lb.resolution());
        }
    }

    #[test]
    fn fine_signals_survive_serialization() {
        let mut fine = FineSignals::default();
        for (s, row, text) in rows() {
            let id = fine.source(if s == 0 { "lb" } else { "db" });
            let mut row = row;
            row.template = Some(fine.template_id(id, text));
            fine.add(id, &row);
        }
        let bytes = postcard::to_stdvec(&fine).expect("serializes");
        let mut back: FineSignals = postcard::from_bytes(&bytes).expect("deserializes");
        assert!(back == fine);
        // Interning goes on where it stopped.
        let lb = back.source("lb");
        assert_eq!(back.template_id(lb, "GET /<*> HTTP/1.1"), 0);
        assert_eq!(back.source("new"), 2);
    }
}
