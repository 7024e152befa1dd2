//! `onset search`: tantivy query syntax over the message and the fields,
//! restricted by time and source, answered in time order.
//!
//! Ranges of IP addresses (`client:[203.0.113.0 TO 203.0.113.99]`, and
//! `client:203.0.113.0/24`) compare addresses, not text: [`IpRangeQuery`].
//! Queries nested deeper than [`MAX_NESTING`] are refused before parsing.

use std::net::{IpAddr, SocketAddr};
use std::ops::{Bound, RangeInclusive};

use anyhow::{Context, Result};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BitSetDocSet, BoostQuery, ConstScorer, EmptyScorer};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::query::{EnableScoring, Explanation, Scorer, Weight};
use tantivy::query_grammar::{
    self, Delimiter, Occur as QueryOccur, UserInputAst, UserInputBound, UserInputLeaf,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, Type};
use tantivy::{BitSet, DocId, DocSet, Order, Score, SegmentReader, TantivyDocument, Term};

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
    let depth = nesting(query);
    if depth > MAX_NESTING {
        anyhow::bail!(
            "invalid query: nested {depth} levels deep (parentheses and NOT/-/+), at most {MAX_NESTING}"
        );
    }
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
                        if let Some(range) = ip_range(&lower, &upper) {
                            let name = self.schema.get_field_name(column).to_string();
                            return Ok(Box::new(IpRangeQuery { field: name, range }));
                        }
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
            Type::Str if !prefix && value.contains('/') => match cidr(value) {
                Some(range) => {
                    let field = entry.name().to_string();
                    return Ok(Box::new(IpRangeQuery { field, range }));
                }
                None => Term::from_field_text(field, value),
            },
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

/// How deeply a query may nest (parentheses, and `NOT`/`-`/`+` before a
/// term or group): parsing and running it recurse once per level.
pub const MAX_NESTING: usize = 100;

/// How deeply `query` nests: each open parenthesis is a level, and so is
/// each `NOT`, `-` or `+` that applies to what follows it (`NOT NOT x` is
/// two). Quoted text does not count.
fn nesting(query: &str) -> usize {
    // Per open parenthesis: the unary operators that apply to the group.
    let mut stack: Vec<usize> = Vec::new();
    let mut unary = 0usize;
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut chars = query.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, unary: &mut usize, depth: usize, max: &mut usize| {
        if word.is_empty() {
            return;
        }
        if word == "NOT" {
            *unary += 1;
            *max = (*max).max(depth + *unary);
        } else {
            *unary = 0;
        }
        word.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                flush(&mut word, &mut unary, depth, &mut max);
                // Skip the phrase (a backslash escapes the next character).
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                unary = 0;
            }
            '(' => {
                flush(&mut word, &mut unary, depth, &mut max);
                stack.push(unary);
                depth += unary + 1;
                unary = 0;
                max = max.max(depth);
            }
            ')' => {
                flush(&mut word, &mut unary, depth, &mut max);
                if let Some(outer) = stack.pop() {
                    depth -= outer + 1;
                }
                unary = 0;
            }
            '-' | '+' if word.is_empty() => {
                unary += 1;
                max = max.max(depth + unary);
            }
            c if c.is_whitespace() => flush(&mut word, &mut unary, depth, &mut max),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut unary, depth, &mut max);
    max
}

/// An IP address as a number: IPv4 as its IPv4-mapped IPv6 address, so that
/// both kinds order together. A value with a port (`10.0.0.7:8080`) counts
/// as its address.
fn ip_number(text: &str) -> Option<u128> {
    let text = text.trim();
    let ip = match text.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) => text.parse::<SocketAddr>().ok()?.ip(),
    };
    Some(match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    })
}

/// The addresses of a CIDR block (`203.0.113.0/24`, `2001:db8::/32`).
fn cidr(text: &str) -> Option<RangeInclusive<u128>> {
    let (addr, bits) = text.split_once('/')?;
    let ip: IpAddr = addr.parse().ok()?;
    let bits: u32 = bits.parse().ok()?;
    let bits = match ip {
        IpAddr::V4(_) if bits <= 32 => bits + 96,
        IpAddr::V6(_) if bits <= 128 => bits,
        _ => return None,
    };
    let base = ip_number(addr)?;
    let host = u128::MAX.checked_shr(bits).unwrap_or(0);
    Some((base & !host)..=(base | host))
}

/// The addresses between two range bounds, if the bounds are addresses
/// (an open bound is unbounded). `None` when they are not: the range is
/// then one of text.
fn ip_range(lower: &UserInputBound, upper: &UserInputBound) -> Option<RangeInclusive<u128>> {
    // Some(Some(n)): an address; Some(None): open; None: not an address.
    let value = |b: &UserInputBound| -> Option<Option<u128>> {
        match b {
            UserInputBound::Inclusive(v) | UserInputBound::Exclusive(v) if v != "*" => {
                ip_number(v).map(Some)
            }
            _ => Some(None),
        }
    };
    let (lo, hi) = (value(lower)?, value(upper)?);
    if lo.is_none() && hi.is_none() {
        return None;
    }
    let lo = match (lo, lower) {
        (None, _) => 0,
        (Some(v), UserInputBound::Exclusive(_)) => v.checked_add(1)?,
        (Some(v), _) => v,
    };
    let hi = match (hi, upper) {
        (None, _) => u128::MAX,
        (Some(v), UserInputBound::Exclusive(_)) => v.checked_sub(1)?,
        (Some(v), _) => v,
    };
    Some(lo..=hi)
}

/// The events whose value of a text column is an IP address in a range.
///
/// Each segment's dictionary of the column's distinct values is read once
/// (the addresses in range are marked by their ordinal), then the column is
/// scanned for those ordinals: one pass, whatever the number of addresses.
#[derive(Debug, Clone)]
pub struct IpRangeQuery {
    /// The column.
    pub field: String,
    /// The addresses, as [`ip_number`]s.
    pub range: RangeInclusive<u128>,
}

impl Query for IpRangeQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for IpRangeQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(column) = reader.fast_fields().str(&self.field)? else {
            return Ok(Box::new(EmptyScorer));
        };
        let terms = column.num_terms();
        let mut wanted = BitSet::with_max_value(terms.max(1) as u32);
        let mut any = false;
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            let text = std::str::from_utf8(stream.key()).unwrap_or("");
            if ip_number(text).is_some_and(|n| self.range.contains(&n)) {
                wanted.insert(stream.term_ord() as u32);
                any = true;
            }
        }
        if !any {
            return Ok(Box::new(EmptyScorer));
        }
        let ords = column.ords();
        let mut docs = BitSet::with_max_value(reader.max_doc().max(1));
        for doc in 0..reader.max_doc() {
            if ords.values_for_doc(doc).any(|o| wanted.contains(o as u32)) {
                docs.insert(doc);
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("IpRangeQuery", 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_parentheses_and_unary_operators() {
        assert_eq!(nesting("status:500"), 0);
        assert_eq!(nesting("a AND (b OR c)"), 1);
        assert_eq!(nesting("NOT a AND NOT b"), 1);
        assert_eq!(nesting("NOT NOT NOT a"), 3);
        assert_eq!(nesting("((a))"), 2);
        assert_eq!(nesting("NOT (NOT (a))"), 4);
        assert_eq!(nesting("-(+a)"), 3);
        assert_eq!(nesting("\"((((NOT\" x"), 0);
        assert_eq!(nesting(&"NOT ".repeat(1871)), 1871);
        assert_eq!(
            nesting(&format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000))),
            10_000
        );
        assert_eq!(nesting("path:/a-b"), 0);
    }

    #[test]
    fn addresses_compare_as_numbers_v4_and_v6() {
        let n = |s: &str| ip_number(s).unwrap_or_else(|| panic!("{s}"));
        assert!(n("203.0.113.9") < n("203.0.113.10"));
        assert!(n("203.0.113.99") < n("203.0.113.100"));
        assert_eq!(n("10.0.0.7:8080"), n("10.0.0.7"));
        assert_eq!(n("::ffff:10.0.0.7"), n("10.0.0.7"));
        assert!(n("2001:db8::1") > n("255.255.255.255"));
        assert_eq!(ip_number("not-an-ip"), None);
        let v4 = cidr("203.0.113.0/24").expect("cidr");
        assert!(v4.contains(&n("203.0.113.255")) && !v4.contains(&n("203.0.114.0")));
        let v6 = cidr("2001:db8::/32").expect("cidr");
        assert!(v6.contains(&n("2001:db8:ffff::1")) && !v6.contains(&n("2001:db9::")));
        assert_eq!(cidr("10.0.0.0/33"), None);
        let all = cidr("0.0.0.0/0").expect("cidr");
        assert!(all.contains(&n("1.2.3.4")));
    }
}
