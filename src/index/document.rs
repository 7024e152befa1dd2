//! Event → tantivy document, and stored document → [`StoredEvent`].

use std::borrow::Cow;

use onset_parsers::{Event, Kind, TimeFlags};
use serde::Serialize;
use tantivy::schema::{OwnedValue, Value};
use tantivy::TantivyDocument;

use super::schema::Fields;
use crate::analysis::template::template_of;

/// Builds the document of one event, without its time: the ingest adds
/// `ts` and `ts_flags` once it has decided them (records without a time
/// inherit their predecessor's, which may be in another chunk).
pub fn to_document(f: &Fields, event: &Event<'_>, source: &str, kind: Kind) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_text(f.source, source);
    d.add_text(f.kind, kind.as_str());
    d.add_text(f.level, event.level.as_str());
    d.add_text(f.message, &event.message);
    let p = &event.provenance;
    if p.raw != event.message {
        d.add_text(f.raw, p.raw);
    }
    if let Some(file) = &p.file {
        d.add_text(f.file, file);
    }
    d.add_u64(f.line, p.line);
    d.add_u64(f.offset, p.offset);
    d.add_u64(f.unparsed, u64::from(event.unparsed));
    if !event.unparsed {
        d.add_text(f.template, template_of(&event.message));
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
    text(&mut d, f.peer, &x.peer);
    text(&mut d, f.method, &x.method);
    text(&mut d, f.path, &x.path);
    text(&mut d, f.user_agent, &x.user_agent);
    text(&mut d, f.request_id, &x.request_id);
    text(&mut d, f.upstream, &x.upstream);
    if let Some(v) = x.pid {
        d.add_u64(f.pid, u64::from(v));
    }
    text(&mut d, f.session, &x.session);
    text(&mut d, f.logger, &x.logger);
    text(&mut d, f.host, &x.host);
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

impl StoredEvent {
    /// Reads a stored document.
    pub fn from_document(f: &Fields, doc: &TantivyDocument) -> StoredEvent {
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let u = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let ts_micros = doc.get_first(f.ts).and_then(|v| v.as_i64()).unwrap_or(0);
        let message = s(f.message);
        let raw = doc
            .get_first(f.raw)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| message.clone());
        let mut fields = serde_json::Map::new();
        let skip = [
            f.ts, f.ts_flags, f.source, f.kind, f.level, f.message, f.raw, f.file, f.line,
            f.offset, f.unparsed, f.extra,
        ];
        let schema_fields = super::schema::build().0;
        for (field, value) in doc.field_values() {
            if skip.contains(&field) {
                continue;
            }
            let name = schema_fields.get_field_name(field).to_string();
            let v = match value.as_value() {
                v if v.as_str().is_some() => serde_json::Value::from(v.as_str().unwrap_or("")),
                v if v.as_u64().is_some() => serde_json::Value::from(v.as_u64().unwrap_or(0)),
                v if v.as_f64().is_some() => serde_json::Value::from(v.as_f64().unwrap_or(0.0)),
                v if v.as_i64().is_some() => serde_json::Value::from(v.as_i64().unwrap_or(0)),
                _ => continue,
            };
            fields.insert(name, v);
        }
        if let Some(obj) = doc.get_first(f.extra).and_then(|v| v.as_object()) {
            for (k, v) in obj {
                if let Some(s) = v.as_str() {
                    fields.insert(k.to_string(), serde_json::Value::from(s));
                }
            }
        }
        StoredEvent {
            time: micros_to_rfc3339(ts_micros),
            ts_micros,
            time_flags: TimeFlags::from_bits(u(f.ts_flags).unwrap_or(0) as u8).names(),
            source: s(f.source),
            kind: s(f.kind),
            level: s(f.level),
            message,
            raw,
            file: s(f.file),
            line: u(f.line).unwrap_or(0),
            offset: u(f.offset).unwrap_or(0),
            unparsed: u(f.unparsed) == Some(1),
            fields,
        }
    }
}

/// Microseconds since the epoch → RFC 3339 UTC with milliseconds.
pub fn micros_to_rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| onset_parsers::time::rfc3339_ms(&t))
        .unwrap_or_else(|| us.to_string())
}
