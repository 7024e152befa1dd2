//! `onset search`: tantivy query syntax over the message and the fields,
//! restricted by time and source, answered in time order.

use std::ops::Bound;

use anyhow::{Context, Result};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Order, TantivyDocument, Term};

use super::document::StoredEvent;
use super::Store;

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Query in tantivy syntax; empty matches everything.
    pub query: String,
    /// Earliest time, µs since the epoch (inclusive).
    pub from: Option<i64>,
    /// Latest time, µs since the epoch (exclusive).
    pub to: Option<i64>,
    /// Only these sources (any of them); empty = all.
    pub sources: Vec<String>,
    /// At most this many events.
    pub limit: usize,
}

/// The events found, in time order, and how many matched in all.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The first `limit` matching events by time.
    pub events: Vec<StoredEvent>,
    /// All matches.
    pub total: usize,
}

/// Builds the tantivy query of a request.
pub fn build_query(store: &Store, req: &SearchRequest) -> Result<Box<dyn Query>> {
    let f = &store.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !req.query.trim().is_empty() {
        let mut parser = QueryParser::for_index(&store.index, vec![f.message, f.query]);
        parser.set_conjunction_by_default();
        let q = parser
            .parse_query(&req.query)
            .with_context(|| format!("invalid query `{}`", req.query))?;
        clauses.push((Occur::Must, q));
    }
    if req.from.is_some() || req.to.is_some() {
        let lo = req.from.map_or(Bound::Unbounded, |v| {
            Bound::Included(Term::from_field_i64(f.ts, v))
        });
        let hi = req.to.map_or(Bound::Unbounded, |v| {
            Bound::Excluded(Term::from_field_i64(f.ts, v))
        });
        clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
    }
    if !req.sources.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = req
            .sources
            .iter()
            .map(|s| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.source, s),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if clauses.is_empty() {
        return Ok(Box::new(tantivy::query::AllQuery));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// Runs a search.
pub fn search(store: &Store, req: &SearchRequest) -> Result<SearchResult> {
    let query = build_query(store, req)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let top = TopDocs::with_limit(req.limit.max(1)).order_by_fast_field::<i64>("ts", Order::Asc);
    let (hits, total) = searcher.search(&query, &(top, Count))?;
    let mut events = Vec::with_capacity(hits.len());
    for (_, addr) in hits.into_iter().take(req.limit) {
        let doc: TantivyDocument = searcher.doc(addr)?;
        events.push(StoredEvent::from_document(&store.fields, &doc));
    }
    // Equal times keep file order.
    events.sort_by(|a, b| (a.ts_micros, &a.source, a.line).cmp(&(b.ts_micros, &b.source, b.line)));
    Ok(SearchResult { events, total })
}
