//! `onset search`: tantivy query syntax over the message and the fields,
//! restricted by time and source, answered in time order.

use std::ops::Bound;

use anyhow::{Context, Result};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BoostQuery};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::query_grammar::{
    self, Delimiter, Occur as QueryOccur, UserInputAst, UserInputBound, UserInputLeaf,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, Type};
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
        clauses.push((Occur::Must, parse_user_query(store, &req.query)?));
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

/// Parses a query in tantivy syntax. Words search the message and SQL
/// statements. `field:value` on an exact-value field (a column, not in the
/// term dictionary: see [`super::schema`]) is answered from the column:
/// tantivy's parser only knows indexed fields, so those leaves are built
/// here, and the rest of the query is left to the parser.
pub fn parse_user_query(store: &Store, query: &str) -> Result<Box<dyn Query>> {
    let f = &store.fields;
    let mut parser = QueryParser::for_index(&store.index, vec![f.message, f.query]);
    parser.set_conjunction_by_default();
    let ast = query_grammar::parse_query(query)
        .map_err(|_| anyhow::anyhow!("invalid query `{query}`: syntax error"))?;
    let builder = QueryBuilder {
        parser,
        schema: store.index.schema(),
    };
    builder
        .build(ast)
        .with_context(|| format!("invalid query `{query}`"))
}

struct QueryBuilder {
    parser: QueryParser,
    schema: Schema,
}

impl QueryBuilder {
    fn build(&self, ast: UserInputAst) -> Result<Box<dyn Query>> {
        match ast {
            UserInputAst::Clause(children) => {
                let mut clauses = children
                    .into_iter()
                    .map(|(occur, child)| {
                        let occur = match occur {
                            Some(QueryOccur::Should) => Occur::Should,
                            Some(QueryOccur::MustNot) => Occur::MustNot,
                            // The parser is set to AND by default.
                            Some(QueryOccur::Must) | None => Occur::Must,
                        };
                        Ok((occur, self.build(child)?))
                    })
                    .collect::<Result<Vec<_>>>()?;
                // `NOT x` alone means everything but x.
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            UserInputAst::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(
                self.build(*inner)?,
                boost.into_inner() as f32,
            ))),
            UserInputAst::Leaf(leaf) => match *leaf {
                UserInputLeaf::Literal(lit) => match self.column(lit.field_name.as_deref()) {
                    Some(field) => {
                        // `id:abc*` (the grammar marks only `"abc"*` as a prefix).
                        match lit.phrase.strip_suffix('*') {
                            Some(start) if lit.delimiter == Delimiter::None => {
                                self.value(field, start, true)
                            }
                            _ => self.value(field, &lit.phrase, lit.prefix),
                        }
                    }
                    None => self.parsed(UserInputLeaf::Literal(lit)),
                },
                UserInputLeaf::Set { field, elements } => match self.column(field.as_deref()) {
                    Some(column) => {
                        let any = elements
                            .iter()
                            .map(|v| Ok((Occur::Should, self.value(column, v, false)?)))
                            .collect::<Result<Vec<_>>>()?;
                        Ok(Box::new(BooleanQuery::new(any)))
                    }
                    None => self.parsed(UserInputLeaf::Set { field, elements }),
                },
                UserInputLeaf::Range {
                    field,
                    lower,
                    upper,
                } => match self.column(field.as_deref()) {
                    Some(column) if self.is_text(column) => {
                        let bound = |b: &UserInputBound| match b {
                            UserInputBound::Inclusive(v) => {
                                Bound::Included(Term::from_field_text(column, v))
                            }
                            UserInputBound::Exclusive(v) => {
                                Bound::Excluded(Term::from_field_text(column, v))
                            }
                            UserInputBound::Unbounded => Bound::Unbounded,
                        };
                        Ok(Box::new(RangeQuery::new(bound(&lower), bound(&upper))))
                    }
                    // Numeric ranges on columns are the parser's own.
                    _ => self.parsed(UserInputLeaf::Range {
                        field,
                        lower,
                        upper,
                    }),
                },
                other => self.parsed(other),
            },
        }
    }

    /// Lets tantivy's parser build a leaf it can handle.
    fn parsed(&self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        Ok(self
            .parser
            .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(leaf)))?)
    }

    /// The field named, if it is answered from its column only.
    fn column(&self, name: Option<&str>) -> Option<Field> {
        let field = self.schema.get_field(name?).ok()?;
        let entry = self.schema.get_field_entry(field);
        (entry.is_fast() && !entry.is_indexed()).then_some(field)
    }

    fn is_text(&self, field: Field) -> bool {
        self.schema.get_field_entry(field).field_type().value_type() == Type::Str
    }

    /// One value of a column (or, with `prefix`, the text values starting
    /// with it); tantivy scans the column for it.
    fn value(&self, field: Field, value: &str, prefix: bool) -> Result<Box<dyn Query>> {
        let entry = self.schema.get_field_entry(field);
        let bad = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("`{value}` is not a valid value of `{}`: {e}", entry.name())
        };
        let term = match entry.field_type().value_type() {
            Type::Str if prefix => {
                let lo = Bound::Included(Term::from_field_text(field, value));
                let hi = match prefix_successor(value) {
                    Some(next) => Bound::Excluded(Term::from_field_text(field, &next)),
                    None => Bound::Unbounded,
                };
                return Ok(Box::new(RangeQuery::new(lo, hi)));
            }
            Type::Str => Term::from_field_text(field, value),
            Type::U64 => Term::from_field_u64(field, value.parse().map_err(|e| bad(&e))?),
            Type::I64 => Term::from_field_i64(field, value.parse().map_err(|e| bad(&e))?),
            Type::F64 => Term::from_field_f64(field, value.parse().map_err(|e| bad(&e))?),
            other => anyhow::bail!("`{}` ({other:?}) cannot be searched by value", entry.name()),
        };
        // Without scoring, a term query on a column-only field scans the column.
        Ok(Box::new(TermQuery::new(term, IndexRecordOption::Basic)))
    }
}

/// The least string greater than every string that starts with `prefix`
/// (`abc` → `abd`), or `None` if there is none.
fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
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
        events.push(store.event(&doc)?);
    }
    // Equal times keep file order.
    events.sort_by(|a, b| (a.ts_micros, &a.source, a.line).cmp(&(b.ts_micros, &b.source, b.line)));
    Ok(SearchResult { events, total })
}
