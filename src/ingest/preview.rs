//! The first answer at the speed of the parse: a preview reads the logs as
//! an ingest would, into the fine signals alone (no index), and keeps a map
//! of where each chunk of records is and what times it holds. The analysis
//! of a preview is that of the index the ingest then makes: the signals
//! are the same, and the evidence records are read again from the files —
//! only the chunks whose seconds hold what a lookup wants (the signals
//! count those), parsed exactly as the ingest parsed them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use anyhow::{Context, Result};
use onset_parsers::framing::Chunker;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

use super::pipeline::{inherit_times, parse_chunk, ChunkMap};
use crate::analysis::fine::{Counted, FineSignals, FINE_WIDTH};
use crate::index::document::{Decoder, StoredEvent};
use crate::index::lookup::Filter;
use crate::index::{Fields, Manifest, Store};

/// Blocks kept parsed, at most (a lookup reads the few around a moment).
const PARSED_CHUNKS: usize = 128;

/// The logs read into signals, with the map to read their records again.
pub struct Preview {
    /// What the ingest would record in the manifest.
    pub manifest: Manifest,
    /// The signals of every record.
    pub fine: FineSignals,
    map: ChunkMap,
    /// Each source's blocks by their earliest time.
    by_source: HashMap<String, Blocks>,
    fields: Fields,
    decoder: Decoder,
    /// Recently parsed chunks: (chunk, its documents), the latest last.
    parsed: RefCell<Vec<(usize, Rc<Vec<TantivyDocument>>)>>,
}

impl Preview {
    pub(crate) fn new(
        store: Store,
        manifest: Manifest,
        fine: FineSignals,
        map: ChunkMap,
    ) -> Preview {
        let mut by_source: HashMap<String, Blocks> = HashMap::new();
        for (k, c) in map.chunks.iter().enumerate() {
            if let Some(f) = map.files.get(&c.entry) {
                let blocks = by_source.entry(f.ctx.source.to_string()).or_default();
                blocks.order.push((c.times.0, c.times.1, k));
            }
        }
        for blocks in by_source.values_mut() {
            blocks.order.sort_unstable();
            let mut latest = i64::MIN;
            blocks.ends = blocks
                .order
                .iter()
                .map(|&(_, end, _)| {
                    latest = latest.max(end);
                    latest
                })
                .collect();
        }
        Preview {
            decoder: Decoder::new(&manifest),
            manifest,
            fine,
            map,
            by_source,
            fields: store.fields.clone(),
            parsed: RefCell::new(Vec::new()),
        }
    }

    /// Whether every record can be read again (none came from standard input).
    pub fn complete(&self) -> bool {
        self.map
            .chunks
            .iter()
            .all(|c| self.map.files.contains_key(&c.entry))
    }

    /// The documents of chunk `k`, as the ingest made them (with their times).
    fn documents(&self, k: usize) -> Result<Rc<Vec<TantivyDocument>>> {
        let hit = self.parsed.borrow().iter().position(|(c, _)| *c == k);
        if let Some(i) = hit {
            let mut parsed = self.parsed.borrow_mut();
            let hit = parsed.remove(i);
            let docs = hit.1.clone();
            parsed.push(hit);
            return Ok(docs);
        }
        let c = self.map.chunks[k];
        let f = &self.map.files[&c.entry];
        let bytes = super::bytes_between(&f.path, f.plain, c.offset, c.end_offset)
            .with_context(|| format!("reading {} again", f.path.display()))?;
        // One chunk, cut as the ingest cut it (over-long lines included).
        let target = bytes.len() + 1;
        let mut chunker = Chunker::new(std::io::Cursor::new(bytes), f.ctx.format.as_ref(), target)
            .starting_at(c.first_line, c.offset);
        let mut last_ts = c.last_ts;
        let mut docs = Vec::new();
        let mut chunks = Vec::new();
        while let Some(chunk) = chunker.next_chunk()? {
            chunks.push(chunk);
        }
        chunks.extend(chunker.finish());
        for chunk in &chunks {
            let p = parse_chunk(&self.fields, true, 0, chunk, &f.ctx);
            let times = inherit_times(&p.times, &mut last_ts, f.fallback_ts);
            for ((ts, flags, _), mut doc) in times.into_iter().zip(p.docs) {
                if !flags.is_empty() {
                    doc.add_u64(self.fields.ts_flags, u64::from(flags.bits()));
                }
                doc.add_i64(self.fields.ts, ts);
                docs.push(doc);
            }
        }
        let docs = Rc::new(docs);
        let mut parsed = self.parsed.borrow_mut();
        if parsed.len() >= PARSED_CHUNKS {
            parsed.remove(0);
        }
        parsed.push((k, docs.clone()));
        Ok(docs)
    }

    /// The first `limit` events (by time, then offset, then file) dated in
    /// `[from, to]` that `filter` accepts — what the index's lookup finds.
    pub fn first(
        &self,
        filter: &Filter<'_>,
        limit: usize,
        (from, to): (i64, i64),
    ) -> Result<Vec<StoredEvent>> {
        let Some(blocks) = self.by_source.get(filter.source) else {
            return Ok(Vec::new());
        };
        let f = &self.fields;
        let text = |doc: &TantivyDocument, field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let number = |doc: &TantivyDocument, field| doc.get_first(field).and_then(|v| v.as_u64());
        let accepts = |doc: &TantivyDocument| {
            (filter.templates.is_empty()
                || text(doc, f.template).is_some_and(|t| filter.templates.contains(&t.as_str())))
                && (filter.levels.is_empty()
                    || text(doc, f.level).is_some_and(|l| filter.levels.contains(&l.as_str())))
                && filter.status.is_none_or(|(lo, hi)| {
                    number(doc, f.status).is_some_and(|s| (lo..hi).contains(&s))
                })
        };
        let mut found: Vec<(i64, u64, usize, TantivyDocument)> = Vec::new();
        for second in self
            .fine
            .seconds_with(filter.source, &counted(filter), (from, to))
        {
            let (lo, hi) = (second.max(from), (second + FINE_WIDTH - 1).min(to));
            for k in blocks.overlapping(lo, hi) {
                let c = &self.map.chunks[k];
                // Blocks come by their earliest time: once `limit` records
                // are found, one that starts after the last of them (ties
                // are taken in file order, so not at it) holds none better.
                if found.len() >= limit {
                    found.sort_by_key(|(ts, offset, entry, _)| (*ts, *offset, *entry));
                    found.truncate(limit);
                    if found.last().is_some_and(|l| c.times.0 > l.0) {
                        break;
                    }
                }
                for doc in self.documents(k)?.iter() {
                    let ts = doc.get_first(f.ts).and_then(|v| v.as_i64()).unwrap_or(0);
                    if (lo..=hi).contains(&ts) && accepts(doc) {
                        let offset = number(doc, f.offset).unwrap_or(0);
                        found.push((ts, offset, c.entry, doc.clone()));
                    }
                }
            }
            if found.len() >= limit {
                break;
            }
        }
        found.sort_by_key(|(ts, offset, entry, _)| (*ts, *offset, *entry));
        found.truncate(limit);
        Ok(found
            .iter()
            .map(|(.., doc)| self.decoder.event(f, doc))
            .collect())
    }
}

/// A source's blocks, to find those whose times overlap a window.
#[derive(Default)]
struct Blocks {
    /// (earliest time, latest time, block), by earliest time.
    order: Vec<(i64, i64, usize)>,
    /// The latest time of the blocks up to each one in `order`.
    ends: Vec<i64>,
}

impl Blocks {
    /// The blocks with a time in `[lo, hi]`.
    fn overlapping(&self, lo: i64, hi: i64) -> impl Iterator<Item = usize> + '_ {
        // Before the first whose predecessors reach `lo`, none does.
        let first = self.ends.partition_point(|&end| end < lo);
        self.order[first..]
            .iter()
            .take_while(move |&&(start, _, _)| start <= hi)
            .filter(move |&&(_, end, _)| end >= lo)
            .map(|&(.., k)| k)
    }
}

/// What the signals count that includes every event `filter` accepts.
fn counted<'a>(filter: &'a Filter<'a>) -> Counted<'a> {
    if !filter.templates.is_empty() {
        return Counted::Templates(&filter.templates);
    }
    if !filter.levels.is_empty() {
        if filter.levels.iter().all(|l| ["error", "fatal"].contains(l)) {
            return Counted::Errors;
        }
        if filter.levels.iter().all(|l| *l == "warn") {
            return Counted::Warnings;
        }
    }
    match filter.status {
        Some((lo, _)) if lo >= 500 => Counted::Status5xx,
        Some((lo, hi)) if lo >= 400 && hi <= 500 => Counted::Status4xx,
        Some(_) => Counted::Requests,
        None => Counted::Events,
    }
}
