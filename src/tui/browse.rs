//! Reading the index for the log view: pages of events around a moment,
//! the next or previous hit of a query, a request's trace. Blocking calls,
//! run off the UI task (see [`super::worker`]).
//!
//! The log is virtual: the view holds a window of a few hundred events and
//! asks for the page before or after it. Events are ordered by
//! [`Key`] — time, then index address, a total order even where thousands
//! of events share a second. A page is found by collecting the events of a
//! time range that grows until it holds enough, so a query never touches
//! more than a page's worth of time, whatever the index's size.

use std::ops::Bound;

use anyhow::Result;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument, Term};

use crate::index::{Store, StoredEvent};

/// Where an event sits in the log's total order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Time in the index, µs.
    pub ts: i64,
    /// Segment.
    pub segment: u32,
    /// Document in the segment.
    pub doc: u32,
}

impl Key {
    /// The smallest key at time `ts`.
    pub fn at(ts: i64) -> Key {
        Key {
            ts,
            segment: 0,
            doc: 0,
        }
    }
}

/// One event of the log view.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    /// Its place in the order.
    pub key: Key,
    /// The event, read back from the index.
    pub event: StoredEvent,
}

/// What the log shows: everything, or only some sources, kinds, levels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this source.
    pub source: Option<String>,
    /// Only this kind of source.
    pub kind: Option<String>,
    /// Only these levels (empty: all).
    pub levels: Vec<&'static str>,
}

impl Filter {
    /// Whether it lets everything through.
    pub fn is_empty(&self) -> bool {
        self.source.is_none() && self.kind.is_none() && self.levels.is_empty()
    }

    fn clauses(&self, store: &Store) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &store.fields;
        let term = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        let mut out = Vec::new();
        if let Some(s) = &self.source {
            out.push((Occur::Must, term(f.source, s)));
        }
        if let Some(k) = &self.kind {
            out.push((Occur::Must, term(f.kind, k)));
        }
        if !self.levels.is_empty() {
            let any = self
                .levels
                .iter()
                .map(|l| (Occur::Should, term(f.level, l)))
                .collect();
            out.push((
                Occur::Must,
                Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
            ));
        }
        out
    }
}

/// The index as the log view reads it: one reader, reloaded on demand.
pub struct Browser {
    store: Store,
    reader: IndexReader,
    /// Events per µs over the index's span, to size the first range tried.
    density: f64,
    /// First and last event time in the index.
    span: (i64, i64),
}

/// Where a walk through the log starts and which way it goes.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// The key it starts from.
    from: Key,
    /// Later keys (else earlier).
    forward: bool,
    /// Whether `from` itself counts.
    inclusive: bool,
}

impl Step {
    fn new(from: Key, forward: bool, inclusive: bool) -> Step {
        Step {
            from,
            forward,
            inclusive,
        }
    }
}

/// Events of a range at most; past it the range is narrowed instead.
const MAX_RANGE_EVENTS: usize = 200_000;

impl Browser {
    /// Opens the index of `store` for browsing.
    pub fn new(store: Store) -> Result<Browser> {
        let reader = store.reader()?;
        let mut b = Browser {
            store,
            reader,
            density: 0.0,
            span: (0, 0),
        };
        b.refresh_span()?;
        Ok(b)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Sees the index's last commit (during an ingest).
    pub fn reload(&mut self) -> Result<()> {
        let before = self.reader.searcher().num_docs();
        self.reader.reload()?;
        if self.reader.searcher().num_docs() != before {
            self.refresh_span()?;
        }
        Ok(())
    }

    fn refresh_span(&mut self) -> Result<()> {
        let m = self.store.manifest()?;
        let first = m.sources.values().filter_map(|s| s.first_ts).min();
        let last = m.sources.values().filter_map(|s| s.last_ts).max();
        let events = m.events();
        if let (Some(a), Some(b)) = (first, last) {
            self.span = (a, b);
            self.density = events as f64 / ((b - a).max(1) as f64);
        }
        Ok(())
    }

    /// Keys of the events in `[from, to)` that pass `filter` (and `query`),
    /// in order.
    fn keys_in(
        &self,
        searcher: &Searcher,
        filter: &Filter,
        query: Option<&dyn Query>,
        from: i64,
        to: i64,
    ) -> Result<Vec<Key>> {
        let f = &self.store.fields;
        let mut clauses = filter.clauses(&self.store);
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.ts, from)),
                Bound::Excluded(Term::from_field_i64(f.ts, to)),
            )),
        ));
        if let Some(q) = query {
            clauses.push((Occur::Must, q.box_clone()));
        }
        let docs = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let mut keys = Vec::with_capacity(docs.len());
        let mut by_segment: Vec<Vec<u32>> = vec![Vec::new(); searcher.segment_readers().len()];
        for d in docs {
            if let Some(v) = by_segment.get_mut(d.segment_ord as usize) {
                v.push(d.doc_id);
            }
        }
        for (seg, docs) in by_segment.iter().enumerate() {
            if docs.is_empty() {
                continue;
            }
            let ts = searcher
                .segment_reader(seg as u32)
                .fast_fields()
                .i64("ts")?;
            for &doc in docs {
                if let Some(t) = ts.first(doc) {
                    keys.push(Key {
                        ts: t,
                        segment: seg as u32,
                        doc,
                    });
                }
            }
        }
        keys.sort_unstable();
        Ok(keys)
    }

    /// Up to `limit` keys from `step.from` in its direction, nearest first.
    fn walk(
        &self,
        searcher: &Searcher,
        filter: &Filter,
        query: Option<&dyn Query>,
        step: Step,
        limit: usize,
    ) -> Result<Vec<Key>> {
        let Step {
            from,
            forward,
            inclusive,
        } = step;
        let (lo, hi) = (self.span.0, self.span.1 + 1);
        let mut width = if self.density > 0.0 {
            ((limit as f64 / self.density) as i64).max(1_000)
        } else {
            60_000_000
        };
        loop {
            let (a, b) = if forward {
                (from.ts, from.ts.saturating_add(width))
            } else {
                (from.ts.saturating_sub(width), from.ts.saturating_add(1))
            };
            let mut keys = self.keys_in(searcher, filter, query, a, b)?;
            keys.retain(|k| match (forward, inclusive) {
                (true, true) => *k >= from,
                (true, false) => *k > from,
                (false, true) => *k <= from,
                (false, false) => *k < from,
            });
            let exhausted = if forward { b >= hi } else { a <= lo };
            if keys.len() >= limit || exhausted || keys.len() > MAX_RANGE_EVENTS {
                if forward {
                    keys.truncate(limit);
                } else {
                    keys.reverse();
                    keys.truncate(limit);
                }
                return Ok(keys);
            }
            width = width.saturating_mul(4);
        }
    }

    fn events(&self, searcher: &Searcher, keys: &[Key]) -> Result<Vec<LogEvent>> {
        keys.iter()
            .map(|k| {
                let doc: TantivyDocument = searcher.doc(DocAddress::new(k.segment, k.doc))?;
                Ok(LogEvent {
                    key: *k,
                    event: self.store.event(&doc)?,
                })
            })
            .collect()
    }

    /// The page around time `ts`: up to `before` events before it and
    /// `after` events from it on, in order.
    pub fn around(
        &self,
        filter: &Filter,
        ts: i64,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>> {
        let searcher = self.reader.searcher();
        let mut keys = self.walk(
            &searcher,
            filter,
            None,
            Step::new(Key::at(ts), false, false),
            before,
        )?;
        keys.reverse();
        keys.extend(self.walk(
            &searcher,
            filter,
            None,
            Step::new(Key::at(ts), true, true),
            after,
        )?);
        self.events(&searcher, &keys)
    }

    /// Up to `limit` events after `key` (`forward`) or before it, in order.
    pub fn next_page(
        &self,
        filter: &Filter,
        key: Key,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<LogEvent>> {
        let searcher = self.reader.searcher();
        let mut keys = self.walk(
            &searcher,
            filter,
            None,
            Step::new(key, forward, false),
            limit,
        )?;
        if !forward {
            keys.reverse();
        }
        self.events(&searcher, &keys)
    }

    /// The first event after `key` (or before it) that matches `query`.
    pub fn find(
        &self,
        filter: &Filter,
        query: &str,
        key: Key,
        forward: bool,
    ) -> Result<Option<LogEvent>> {
        let q = crate::index::search::parse_user_query(&self.store, query)?;
        let searcher = self.reader.searcher();
        let keys = self.walk(
            &searcher,
            filter,
            Some(q.as_ref()),
            Step::new(key, forward, false),
            1,
        )?;
        Ok(self.events(&searcher, &keys)?.into_iter().next())
    }

    /// The events that carry `request_id`, in time order (at most `limit`).
    pub fn trace(&self, request_id: &str, limit: usize) -> Result<Vec<StoredEvent>> {
        let req = crate::index::search::SearchRequest {
            query: format!("request_id:\"{}\"", request_id.replace(['"', '\\'], "")),
            limit,
            ..Default::default()
        };
        Ok(crate::index::search::search(&self.store, &req)?.events)
    }
}
