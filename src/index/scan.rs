//! The columnar scan: feeds every event's fast-field values to
//! [`FineSignals`] (when they are rebuilt, or shifted by `--align`), segment
//! by segment and block by block, without reading a single stored document.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::columnar::StrColumn;
use tantivy::DocId;

use super::Store;
use crate::analysis::fine::FineSignals;
use crate::analysis::signals::{Row, Severity};

/// Documents read per block.
const BLOCK: usize = 2048;

/// A segment's documents in blocks of `size`, as ranges of ids.
pub fn doc_blocks(max_doc: u32, size: usize) -> impl Iterator<Item = std::ops::Range<DocId>> {
    (0..max_doc)
        .step_by(size)
        .map(move |from| from..from.saturating_add(size as u32).min(max_doc))
}

/// The strings of a dictionary-encoded column, by ordinal.
pub fn dictionary(col: &StrColumn) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(col.num_terms());
    let mut stream = col.dictionary().stream()?;
    while stream.advance() {
        out.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(out)
}

fn hash(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// Feeds every event of the index to `acc`. `sources` maps source names to
/// its source indices; events of other sources are skipped.
pub fn scan(store: &Store, acc: &mut FineSignals, sources: &HashMap<String, usize>) -> Result<()> {
    let reader = store.reader()?;
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let max_doc = segment.max_doc();
        let ts = ff.i64("ts")?;
        let status = ff.u64("status")?;
        let duration = ff.f64("duration")?;
        let pid = ff.u64("pid")?;
        let query_time = ff.f64("query_time")?;
        let upstream_duration = ff.f64("upstream_duration")?;
        let unparsed = ff.u64("unparsed")?;
        let (Some(source_col), Some(level_col)) = (ff.str("source")?, ff.str("level")?) else {
            continue;
        };
        let client_col = ff.str("client")?;
        let template_col = ff.str("template")?;
        let session_col = ff.str("session")?;
        let request_col = ff.str("request_id")?;
        // Per-segment ordinal maps.
        let source_of: Vec<Option<usize>> = dictionary(&source_col)?
            .iter()
            .map(|n| sources.get(n).copied())
            .collect();
        let severity_of: Vec<Option<Severity>> = dictionary(&level_col)?
            .iter()
            .map(|l| Severity::of(l))
            .collect();
        let client_of: Vec<u64> = match &client_col {
            Some(c) => dictionary(c)?.iter().map(|s| hash(s)).collect(),
            None => Vec::new(),
        };
        let session_of: Vec<u64> = match &session_col {
            Some(c) => dictionary(c)?.iter().map(|s| hash(s)).collect(),
            None => Vec::new(),
        };
        let request_of: Vec<u64> = match &request_col {
            Some(c) => dictionary(c)?.iter().map(|s| hash(s)).collect(),
            None => Vec::new(),
        };
        let template_text: Vec<String> = match &template_col {
            Some(c) => dictionary(c)?,
            None => Vec::new(),
        };
        // Template ids depend on the source: interned lazily per (source, ord).
        let mut template_ids: HashMap<(usize, u64), u32> = HashMap::new();

        let mut docs: Vec<DocId> = Vec::with_capacity(BLOCK);
        let mut v_ts = vec![None; BLOCK];
        let mut v_src = vec![None; BLOCK];
        let mut v_lvl = vec![None; BLOCK];
        let mut v_status = vec![None; BLOCK];
        let mut v_dur = vec![None; BLOCK];
        let mut v_client = vec![None; BLOCK];
        let mut v_tpl = vec![None; BLOCK];
        let mut v_pid = vec![None; BLOCK];
        let mut v_sess = vec![None; BLOCK];
        let mut v_req = vec![None; BLOCK];
        let mut v_qt = vec![None; BLOCK];
        let mut v_up = vec![None; BLOCK];
        let mut v_unp = vec![None; BLOCK];
        for block in doc_blocks(max_doc, BLOCK) {
            docs.clear();
            docs.extend(block);
            let n = docs.len();
            ts.first_vals(&docs, &mut v_ts[..n]);
            source_col.ords().first_vals(&docs, &mut v_src[..n]);
            level_col.ords().first_vals(&docs, &mut v_lvl[..n]);
            status.first_vals(&docs, &mut v_status[..n]);
            duration.first_vals(&docs, &mut v_dur[..n]);
            pid.first_vals(&docs, &mut v_pid[..n]);
            query_time.first_vals(&docs, &mut v_qt[..n]);
            upstream_duration.first_vals(&docs, &mut v_up[..n]);
            unparsed.first_vals(&docs, &mut v_unp[..n]);
            if let Some(c) = &client_col {
                c.ords().first_vals(&docs, &mut v_client[..n]);
            }
            if let Some(c) = &template_col {
                c.ords().first_vals(&docs, &mut v_tpl[..n]);
            }
            if let Some(c) = &session_col {
                c.ords().first_vals(&docs, &mut v_sess[..n]);
            }
            if let Some(c) = &request_col {
                c.ords().first_vals(&docs, &mut v_req[..n]);
            }
            for i in 0..n {
                let (Some(t), Some(src_ord)) = (v_ts[i], v_src[i]) else {
                    continue;
                };
                let Some(src) = source_of.get(src_ord as usize).copied().flatten() else {
                    continue;
                };
                let template = match v_tpl[i] {
                    Some(ord) => {
                        let id = match template_ids.get(&(src, ord)) {
                            Some(&id) => id,
                            None => {
                                let text =
                                    template_text.get(ord as usize).map_or("", String::as_str);
                                let id = acc.template_id(src, text);
                                template_ids.insert((src, ord), id);
                                id
                            }
                        };
                        Some(id)
                    }
                    None => None,
                };
                let row = Row {
                    ts: t,
                    severity: v_lvl[i].and_then(|o| severity_of.get(o as usize).copied().flatten()),
                    unparsed: v_unp[i] == Some(1),
                    status: v_status[i].and_then(|s| u16::try_from(s).ok()),
                    duration: v_dur[i],
                    client: v_client[i].and_then(|o| client_of.get(o as usize).copied()),
                    template,
                    pid: v_pid[i],
                    session: v_sess[i].and_then(|o| session_of.get(o as usize).copied()),
                    query_time: v_qt[i],
                    proxied: v_up[i].is_some(),
                    request: v_req[i].and_then(|o| request_of.get(o as usize).copied()),
                };
                acc.add(src, &row);
            }
            // Only the first `n` slots were written this round.
            for v in [&mut v_client, &mut v_tpl, &mut v_sess, &mut v_req] {
                v[..n].iter_mut().for_each(|x| *x = None);
            }
        }
    }
    Ok(())
}
