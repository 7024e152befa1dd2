//! Finding the first events of a time window that match a filter — the
//! analysis's evidence records — by reading only the blocks of documents
//! whose times overlap the window.
//!
//! An incident's documents are nearly in time order within each segment
//! (each file is read in order), so a block of a few hundred consecutive
//! documents spans a short time: a [`Lookup`] reads a segment's time column
//! once, the first time a lookup's window falls within the segment's times,
//! and keeps each block's earliest and latest time; a lookup then reads the
//! columns of the few blocks that can hold its window, where a query would
//! scan every document's time and source.

use std::cell::OnceCell;

use anyhow::Result;
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use super::scan::doc_blocks;

/// Documents per block.
const BLOCK: u32 = 512;

/// What the events looked for must be.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Their source.
    pub source: &'a str,
    /// One of these templates (none: any).
    pub templates: Vec<&'a str>,
    /// One of these levels (none: any).
    pub levels: Vec<&'a str>,
    /// An HTTP status in `[lo, hi)`.
    pub status: Option<(u64, u64)>,
}

/// The columns of one segment a lookup reads, opened once.
struct Segment {
    ts: Column<i64>,
    source: Option<StrColumn>,
    template: Option<StrColumn>,
    level: Option<StrColumn>,
    status: Column<u64>,
    offset: Column<u64>,
    /// Per block: the earliest and latest time (read when a lookup first
    /// needs the segment's blocks).
    blocks: OnceCell<Vec<(i64, i64)>>,
}

impl Segment {
    fn open(segment: &SegmentReader) -> Result<Segment> {
        let ff = segment.fast_fields();
        Ok(Segment {
            ts: ff.i64("ts")?,
            source: ff.str("source")?,
            template: ff.str("template")?,
            level: ff.str("level")?,
            status: ff.u64("status")?,
            offset: ff.u64("offset")?,
            blocks: OnceCell::new(),
        })
    }

    /// The blocks' time ranges: the time column read once.
    fn blocks(&self, max_doc: u32) -> &[(i64, i64)] {
        self.blocks.get_or_init(|| {
            let mut spans = Vec::with_capacity(max_doc.div_ceil(BLOCK) as usize);
            let mut docs: Vec<DocId> = Vec::with_capacity(BLOCK as usize);
            let mut vals = vec![None; BLOCK as usize];
            for block in doc_blocks(max_doc, BLOCK as usize) {
                docs.clear();
                docs.extend(block);
                let v = &mut vals[..docs.len()];
                v.fill(None);
                self.ts.first_vals(&docs, v);
                let (lo, hi) = v
                    .iter()
                    .flatten()
                    .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
                spans.push((lo, hi));
            }
            spans
        })
    }
}

/// Lookups in the segments of a searcher.
pub struct Lookup<'s> {
    searcher: &'s Searcher,
    segments: Vec<OnceCell<Segment>>,
}

/// The ordinal of `text` in a column's dictionary.
fn ord_of(col: &StrColumn, text: &str) -> Result<Option<u64>> {
    Ok(col.dictionary().term_ord(text.as_bytes())?)
}

/// The ordinals of `wanted` in a column (none if the column is absent).
fn ords_of(col: Option<&StrColumn>, wanted: &[&str]) -> Result<Vec<u64>> {
    let mut ords = Vec::new();
    if let Some(col) = col {
        for w in wanted {
            ords.extend(ord_of(col, w)?);
        }
    }
    Ok(ords)
}

impl<'s> Lookup<'s> {
    /// A lookup in `searcher`'s segments.
    pub fn new(searcher: &'s Searcher) -> Lookup<'s> {
        Lookup {
            searcher,
            segments: searcher
                .segment_readers()
                .iter()
                .map(|_| OnceCell::new())
                .collect(),
        }
    }

    /// The searcher looked in.
    pub fn searcher(&self) -> &'s Searcher {
        self.searcher
    }

    fn segment(&self, ord: usize) -> Result<&Segment> {
        if let Some(s) = self.segments[ord].get() {
            return Ok(s);
        }
        let s = Segment::open(&self.searcher.segment_readers()[ord])?;
        Ok(self.segments[ord].get_or_init(|| s))
    }

    /// The first `limit` events (by time, then offset in their file, then
    /// address) dated in `[from, to]` that `filter` accepts.
    pub fn first(
        &self,
        filter: &Filter<'_>,
        limit: usize,
        (from, to): (i64, i64),
    ) -> Result<Vec<DocAddress>> {
        let mut found: Vec<(i64, u64, DocAddress)> = Vec::new();
        let keep = |found: &mut Vec<(i64, u64, DocAddress)>| {
            found.sort_unstable();
            found.truncate(limit);
        };
        let mut docs: Vec<DocId> = Vec::with_capacity(BLOCK as usize);
        let n = BLOCK as usize;
        let (mut v_ts, mut v_src, mut v_tpl, mut v_lvl, mut v_status, mut v_offset) = (
            vec![None; n],
            vec![None; n],
            vec![None; n],
            vec![None; n],
            vec![None; n],
            vec![None; n],
        );
        for (ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            let max_doc = reader.max_doc();
            if max_doc == 0 {
                continue;
            }
            let seg = self.segment(ord)?;
            // The segment's own earliest and latest times, then its blocks'.
            if seg.ts.min_value() > to || seg.ts.max_value() < from {
                continue;
            }
            let Some(source_col) = &seg.source else {
                continue;
            };
            let Some(source) = ord_of(source_col, filter.source)? else {
                continue;
            };
            let templates = ords_of(seg.template.as_ref(), &filter.templates)?;
            let levels = ords_of(seg.level.as_ref(), &filter.levels)?;
            if templates.is_empty() != filter.templates.is_empty()
                || levels.is_empty() != filter.levels.is_empty()
            {
                // A value the filter wants is not in this segment.
                continue;
            }
            let spans = seg.blocks(max_doc);
            for (b, &(lo, hi)) in spans.iter().enumerate() {
                if lo > to || hi < from {
                    continue;
                }
                let start = b as u32 * BLOCK;
                let end = (start + BLOCK).min(max_doc);
                let k = (end - start) as usize;
                docs.clear();
                docs.extend(start..end);
                // `first_vals` leaves the slots of documents without a value.
                for v in [
                    &mut v_src,
                    &mut v_tpl,
                    &mut v_lvl,
                    &mut v_status,
                    &mut v_offset,
                ] {
                    v[..k].fill(None);
                }
                v_ts[..k].fill(None);
                seg.ts.first_vals(&docs, &mut v_ts[..k]);
                source_col.ords().first_vals(&docs, &mut v_src[..k]);
                if let (false, Some(col)) = (templates.is_empty(), &seg.template) {
                    col.ords().first_vals(&docs, &mut v_tpl[..k]);
                }
                if let (false, Some(col)) = (levels.is_empty(), &seg.level) {
                    col.ords().first_vals(&docs, &mut v_lvl[..k]);
                }
                if filter.status.is_some() {
                    seg.status.first_vals(&docs, &mut v_status[..k]);
                }
                seg.offset.first_vals(&docs, &mut v_offset[..k]);
                for i in 0..k {
                    let Some(t) = v_ts[i].filter(|t| (from..=to).contains(t)) else {
                        continue;
                    };
                    let accepted = v_src[i] == Some(source)
                        && (templates.is_empty()
                            || v_tpl[i].is_some_and(|x| templates.contains(&x)))
                        && (levels.is_empty() || v_lvl[i].is_some_and(|x| levels.contains(&x)))
                        && filter.status.is_none_or(|(lo, hi)| {
                            v_status[i].is_some_and(|s| (lo..hi).contains(&s))
                        });
                    if accepted {
                        let offset = v_offset[i].unwrap_or(0);
                        found.push((t, offset, DocAddress::new(ord as u32, docs[i])));
                        if found.len() >= 4 * limit.max(16) {
                            keep(&mut found);
                        }
                    }
                }
            }
        }
        keep(&mut found);
        Ok(found.into_iter().map(|(.., a)| a).collect())
    }
}
