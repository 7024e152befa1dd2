//! Event → tantivy document, and stored document → [`StoredEvent`] (by
//! reading the stored raw record again: [`Decoder`]).

use std::borrow::Cow;

use std::sync::Arc;

use onset_parsers::framing::Record;
use onset_parsers::{parse_record, Event, Kind, Registry, TimeContext, TimeFlags};
use serde::Serialize;
use tantivy::schema::{OwnedValue, Value};
use tantivy::TantivyDocument;

use super::manifest::Manifest;
use super::schema::Fields;

/// Builds the document of one event, without its time (and with its
/// message template, [`crate::analysis::template::template_of`] of a parsed event's message): the ingest adds
/// `ts` and `ts_flags` once it has decided them (records without a time
/// inherit their predecessor's, which may be in another chunk).
///
/// Only the raw record and where it came from are stored; the message and
/// the fields are indexed or kept in columns, and read again from the raw
/// record for display ([`Decoder`]).
pub fn to_document(
    f: &Fields,
    event: &Event<'_>,
    source: &str,
    format: &str,
    kind: Kind,
    template: Option<&str>,
) -> TantivyDocument {
    // The raw record, the message and the fields' text: about twice the
    // record, sized once instead of grown by doubling.
    let mut d = TantivyDocument::with_capacity(2 * event.provenance.raw.len() + 128);
    d.add_text(f.source, source);
    d.add_text(f.format, format);
    d.add_text(f.kind, kind.as_str());
    d.add_text(f.level, event.level.as_str());
    d.add_text(f.message, &event.message);
    let p = &event.provenance;
    d.add_text(f.raw, p.raw);
    if let Some(file) = &p.file {
        d.add_text(f.file, file);
    }
    d.add_u64(f.line, p.line);
    d.add_u64(f.offset, p.offset);
    d.add_u64(f.unparsed, u64::from(event.unparsed));
    if let Some(t) = template {
        d.add_text(f.template, t);
    }
    let x = &event.fields;
    let text = |d: &mut TantivyDocument, field, v: &Option<Cow<'_, str>>| {
        if let Some(v) = v {
            d.add_text(field, v);
        }
    };
    if let Some(v) = x.status {
        d.add_u64(f.status, u64::from(v));
    }
    if let Some(v) = x.duration {
        d.add_f64(f.duration, v);
    }
    if let Some(v) = x.upstream_duration {
        d.add_f64(f.upstream_duration, v);
    }
    if let Some(v) = x.bytes {
        d.add_u64(f.bytes, v);
    }
    text(&mut d, f.client, &x.client);
    text(&mut d, f.method, &x.method);
    text(&mut d, f.path, &x.path);
    text(&mut d, f.request_id, &x.request_id);
    text(&mut d, f.upstream, &x.upstream);
    if let Some(v) = x.pid {
        d.add_u64(f.pid, u64::from(v));
    }
    text(&mut d, f.session, &x.session);
    text(&mut d, f.logger, &x.logger);
    text(&mut d, f.user, &x.user);
    text(&mut d, f.database, &x.database);
    text(&mut d, f.query, &x.query);
    if let Some(v) = x.query_time {
        d.add_f64(f.query_time, v);
    }
    if let Some(v) = x.lock_time {
        d.add_f64(f.lock_time, v);
    }
    if let Some(v) = x.rows_sent {
        d.add_u64(f.rows_sent, v);
    }
    if let Some(v) = x.rows_examined {
        d.add_u64(f.rows_examined, v);
    }
    text(&mut d, f.code, &x.code);
    if !x.extra.is_empty() {
        let obj: Vec<(String, OwnedValue)> = x
            .extra
            .iter()
            .map(|(k, v)| (k.to_string(), OwnedValue::Str(v.to_string())))
            .collect();
        d.add_object(f.extra, obj.into_iter().collect());
    }
    d
}

/// An event's fields as JSON, named as in queries.
pub fn fields_json(x: &onset_parsers::Fields<'_>) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value as J;
    let mut m = serde_json::Map::new();
    let mut put = |name: &str, v: Option<J>| {
        if let Some(v) = v {
            m.insert(name.to_string(), v);
        }
    };
    let s = |v: &Option<Cow<'_, str>>| v.as_deref().map(J::from);
    put("status", x.status.map(J::from));
    put("duration", x.duration.map(J::from));
    put("upstream_duration", x.upstream_duration.map(J::from));
    put("bytes", x.bytes.map(J::from));
    put("client", s(&x.client));
    put("peer", s(&x.peer));
    put("method", s(&x.method));
    put("path", s(&x.path));
    put("user_agent", s(&x.user_agent));
    put("request_id", s(&x.request_id));
    put("upstream", s(&x.upstream));
    put("pid", x.pid.map(J::from));
    put("session", s(&x.session));
    put("logger", s(&x.logger));
    put("host", s(&x.host));
    put("user", s(&x.user));
    put("database", s(&x.database));
    put("query", s(&x.query));
    put("query_time", x.query_time.map(J::from));
    put("lock_time", x.lock_time.map(J::from));
    put("rows_sent", x.rows_sent.map(J::from));
    put("rows_examined", x.rows_examined.map(J::from));
    put("code", s(&x.code));
    for (k, v) in &x.extra {
        m.entry(k.to_string())
            .or_insert_with(|| J::from(v.as_ref()));
    }
    m
}

/// Reads stored documents back into events: the stored raw record is parsed
/// again with the format that read it at ingest (a built-in one, or a user
/// format whose definition the manifest kept).
pub struct Decoder {
    registry: Registry,
    /// Each source's kind.
    kinds: std::collections::HashMap<String, String>,
}

impl Decoder {
    /// A decoder for the formats of an index.
    pub fn new(manifest: &Manifest) -> Decoder {
        let mut registry = Registry::default();
        for definition in manifest.user_formats.values() {
            // Written by this onset at ingest; one that no longer reads
            // leaves its records shown raw.
            for format in onset_parsers::user::from_toml_str(definition).unwrap_or_default() {
                registry.add(Arc::new(format));
            }
        }
        let kinds = manifest
            .sources
            .iter()
            .map(|(name, s)| (name.clone(), s.kind.clone()))
            .collect();
        Decoder { registry, kinds }
    }

    /// Reads a stored document.
    pub fn event(&self, f: &Fields, doc: &TantivyDocument) -> StoredEvent {
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let u = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let ts_micros = doc.get_first(f.ts).and_then(|v| v.as_i64()).unwrap_or(0);
        let raw = s(f.raw);
        let line = u(f.line).unwrap_or(0);
        let format_name = s(f.format);
        let format = self.registry.get(&format_name);
        let record = Record {
            text: Cow::Borrowed(&raw),
            line,
            offset: u(f.offset).unwrap_or(0),
            lines: 1 + raw.matches('\n').count() as u32,
            truncated: false,
            lossy: false,
        };
        // The time is the stored one; the context only helps formats whose
        // parse needs a zone or a year to succeed.
        let reference = chrono::DateTime::from_timestamp_micros(ts_micros).unwrap_or_default();
        let ctx = TimeContext {
            zone: chrono_tz::UTC,
            reference: reference + chrono::Duration::days(1),
        };
        let event = match &format {
            Some(format) => parse_record(format.as_ref(), &record, &ctx, None),
            None => Event::unparsed(&raw),
        };
        let source = s(f.source);
        StoredEvent {
            time: micros_to_rfc3339(ts_micros),
            ts_micros,
            time_flags: TimeFlags::from_bits(u(f.ts_flags).unwrap_or(0) as u8).names(),
            kind: self.kinds.get(&source).cloned().unwrap_or_default(),
            source,
            level: event.level.as_str().to_string(),
            message: event.message.to_string(),
            fields: fields_json(&event.fields),
            unparsed: event.unparsed,
            file: s(f.file),
            line,
            offset: record.offset,
            raw: raw.clone(),
        }
    }
}

/// An event read back from the index, for display and JSON output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredEvent {
    /// RFC 3339 UTC time with milliseconds.
    pub time: String,
    /// Microseconds since the epoch.
    #[serde(skip)]
    pub ts_micros: i64,
    /// Names of the time flags, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub time_flags: Vec<&'static str>,
    /// Source name.
    pub source: String,
    /// Source kind.
    pub kind: String,
    /// Level.
    pub level: String,
    /// Message.
    pub message: String,
    /// Raw record.
    pub raw: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Byte offset.
    pub offset: u64,
    /// Whether the record was unparsed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unparsed: bool,
    /// Every other field that is set.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Microseconds since the epoch → RFC 3339 UTC with milliseconds.
pub fn micros_to_rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| onset_parsers::time::rfc3339_ms(&t))
        .unwrap_or_else(|| us.to_string())
}
