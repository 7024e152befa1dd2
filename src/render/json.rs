//! The `analyze --json` document and `timeline --json` lines. Field names
//! are stable (README, "JSON output"); strings carry log text as is, JSON
//! escaping makes it safe.

use serde_json::{json, Value};

use super::{describe, t, warning_text};
use crate::analysis::report::ChangeEvent;
use crate::incident::{Incident, ItemKind, Record, TimelineItem};

fn change_json(c: &ChangeEvent) -> Value {
    json!({
        "time": t(c.time),
        "source": c.source,
        "kind": c.kind,
        "description": c.description,
        "file": c.file,
        "line": c.line,
    })
}

fn evidence_json(e: &Record) -> Value {
    json!({
        "time": t(e.ts),
        "source": e.source,
        "file": e.file,
        "line": e.line,
        "raw": e.text,
    })
}

/// The `--json` document of `onset analyze`.
pub fn analysis(inc: &Incident) -> Value {
    json!({
        "span": { "start": t(inc.grid.start), "end": t(inc.end()), "bucket_seconds": inc.grid.width_secs() },
        "impact": inc.impact.as_ref().map(|i| json!({
            "start": t(i.start),
            "end": t(i.end),
            "requests": i.requests,
            "failed_requests": i.failed_requests,
            "bad_requests": i.bad_requests,
            "clients": i.clients,
            "affected_clients": i.affected_clients,
            "peak_error_ratio": i.peak_error_ratio,
            "signal": i.signal,
            "all_clients": inc.all_clients,
            "peak": inc.impact_peak.as_ref().map(|p| json!({
                "time": t(p.time),
                "signal": p.signal,
                "value": p.value,
                "latency_signal": p.latency_signal,
                "latency_seconds": p.latency_seconds,
            })),
            "ending_change": inc.ending_change.and_then(|k| inc.changes.get(k)).map(change_json),
        })),
        "first_divergence": inc.first.as_ref().map(|f| json!({
            "signal": f.divergence.signal,
            "source": f.divergence.source,
            "kind": f.divergence.kind,
            "onset": t(f.divergence.onset),
            "lead_seconds": f.lead_seconds,
            "baseline": f.divergence.baseline,
            "peak": f.divergence.peak,
            "peak_time": t(f.divergence.peak_time),
            "change_event": f.change.as_ref().map(change_json),
            "evidence": inc.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
        })),
        "divergences": inc.divergences.iter().map(|d| json!({
            "signal": d.signal,
            "source": d.source,
            "onset": t(d.onset),
            "end": d.end.map(t),
            "direction": d.direction,
            "score": d.score,
            "transient": d.transient,
            "baseline": d.baseline,
            "peak": d.peak,
        })).collect::<Vec<_>>(),
        "change_events": inc.changes.iter().map(change_json).collect::<Vec<_>>(),
        "warnings": inc.warnings.iter().map(|w| warning_text(inc, w)).collect::<Vec<_>>(),
        "alerts": inc.alerts.iter().map(|a| json!({
            "signal": a.signal,
            "source": a.source,
            "direction": a.direction,
            "threshold": a.threshold,
            "baseline": a.baseline,
            "hold_seconds": a.hold_seconds,
            "onset": t(a.onset),
            "fires_at": a.fires_at.map(t),
            "lead_seconds": a.lead_seconds,
            "noisy_fires": a.noisy_fires.iter().map(|&f| t(f)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "clock_offsets": inc.clock_offsets,
        "aligned": inc.aligned,
    })
}

/// The evidence of a timeline item as `timeline` shows it: `file:line` for
/// a change (its description is the line), `file:line text` otherwise.
pub fn evidence_text(i: &TimelineItem) -> Option<String> {
    let e = i.evidence.as_ref()?;
    Some(if i.kind == ItemKind::Change {
        format!("{}:{}", e.file, e.line)
    } else {
        format!("{}:{} {}", e.file, e.line, e.text)
    })
}

/// One `timeline --json` line (fields in this order).
#[derive(serde::Serialize)]
pub struct TimelineLine<'a> {
    time: String,
    kind: &'static str,
    source: &'a str,
    description: String,
    evidence: Option<String>,
}

/// One `timeline --json` line.
pub fn timeline_item<'a>(inc: &Incident, i: &'a TimelineItem) -> TimelineLine<'a> {
    TimelineLine {
        time: t(i.ts),
        kind: i.kind.as_str(),
        source: &i.source,
        description: describe(inc, i),
        evidence: evidence_text(i),
    }
}
