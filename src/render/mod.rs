//! Renderers of the [`Incident`] for the command line: the `analyze`
//! report as text ([`text`]) and as JSON ([`json`]), and the `timeline`.
//! They format; they never compute. The words shared by every view (what a
//! warning says, how a timeline item reads) are here, so the TUI and the
//! export say the same things.

pub mod json;
pub mod text;

use crate::analysis::align::{ClockOffset, Method};
use crate::analysis::divergence::Direction;
use crate::analysis::report::ChangeKind;
use crate::incident::{Incident, Refers, TimelineItem, Warning};
use crate::index::document::micros_to_rfc3339;

/// RFC 3339 UTC with milliseconds.
pub fn t(us: i64) -> String {
    micros_to_rfc3339(us)
}

/// How a change kind is named.
pub fn kind_name(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Deploy => "deploy",
        ChangeKind::Restart => "restart",
        ChangeKind::Reload => "reload",
        ChangeKind::Schema => "schema",
        ChangeKind::Backend => "backend",
    }
}

/// How a clock offset was estimated, in words.
pub fn method_text(o: &ClockOffset) -> String {
    match o.method {
        Method::RequestId => {
            format!("from {} shared request ids", o.matches.unwrap_or(0))
        }
        Method::Rate => format!("from their event rates, correlation {:.2}", o.confidence),
    }
}

/// A warning, in words.
pub fn warning_text(inc: &Incident, w: &Warning) -> String {
    match w {
        Warning::ZoneDisjoint {
            source,
            zone,
            hours,
        } => format!(
            "source `{source}` (zone-less times read in {zone}) shares no time with the other sources, but would if shifted by {hours:+} h: is its --tz right?"
        ),
        Warning::ZoneOffset {
            source,
            zone,
            hours,
            reference,
        } => format!(
            "source `{source}` (zone-less times read in {zone}) runs {hours:+} h ahead of `{reference}`: is its --tz right?"
        ),
        Warning::ClockOffset { offset } => match inc.clock_offsets.get(*offset) {
            Some(o) => format!(
                "the clock of `{}` runs {:.1} s {} `{}`'s ({}): run with --align to correct it",
                o.source,
                o.offset_seconds.abs(),
                if o.micros() > 0 { "ahead of" } else { "behind" },
                o.reference,
                method_text(o)
            ),
            None => String::from("a clock offset could not be described"),
        },
        Warning::OutlyingTimes {
            count,
            start,
            end,
            records,
        } => {
            let examples: Vec<String> = records
                .iter()
                .map(|r| format!("{}:{} dated {}", r.file, r.line, t(r.ts)))
                .collect();
            format!(
                "{count} record{} dated far outside the incident's span ({} .. {}) left out of the analysis: {}",
                if *count == 1 { "" } else { "s" },
                t(*start),
                t(*end),
                examples.join(", ")
            )
        }
    }
}

/// What a timeline item says (raw log text included unescaped: renderers
/// escape it for their output).
pub fn describe(inc: &Incident, item: &TimelineItem) -> String {
    match &item.refers {
        Refers::Change(i) => match inc.changes.get(*i) {
            Some(c) => format!("{}: {}", kind_name(c.kind), c.description),
            None => String::new(),
        },
        Refers::Divergences(ds) => {
            let Some(d) = ds.first().and_then(|&i| inc.divergences.get(i)) else {
                return String::new();
            };
            let mut names: Vec<&str> = ds
                .iter()
                .filter_map(|&i| inc.divergences.get(i))
                .map(|d| d.signal.as_str())
                .collect();
            names.dedup();
            format!(
                "{} {} from {:.2} (peak {:.2}){}{}",
                d.signal,
                match d.direction {
                    Direction::Up => "rises",
                    Direction::Down => "falls",
                },
                d.baseline,
                d.peak,
                if d.transient { ", transient" } else { "" },
                if names.len() > 1 {
                    format!("; also {}", names[1..].join(", "))
                } else {
                    String::new()
                }
            )
        }
        Refers::Template(i) => match inc.new_templates.get(*i) {
            Some(n) => format!(
                "first `{}` ({}, {} times)",
                n.text,
                n.level.as_str(),
                n.count
            ),
            None => String::new(),
        },
        Refers::Impact => {
            let what = match item.kind {
                crate::incident::ItemKind::ImpactEnd => "recovered",
                _ => "users hurt",
            };
            let signal = inc.impact.as_ref().map_or("", |i| i.signal.as_str());
            format!("{what} ({signal})")
        }
    }
}

/// What a misleading path says: the signals that moved (how many times,
/// when more than once), how long its first episode lasted.
pub fn misleading_text(inc: &Incident, row: &crate::incident::story::Row) -> String {
    let mut ds: Vec<&crate::analysis::report::SignalDivergence> = row
        .divergences
        .iter()
        .filter_map(|&d| inc.divergences.get(d))
        .collect();
    ds.sort_by_key(|d| d.onset);
    let Some(first) = ds.first() else {
        return String::new();
    };
    let mut names: Vec<(&str, usize)> = Vec::new();
    for d in &ds {
        match names.iter_mut().find(|(n, _)| *n == d.signal) {
            Some((_, k)) => *k += 1,
            None => names.push((d.signal.as_str(), 1)),
        }
    }
    let shown = names.len().min(4);
    let more = names.len() - shown;
    let listed: Vec<String> = names[..shown]
        .iter()
        .map(|(n, k)| {
            if *k > 1 {
                format!("{n} ×{k}")
            } else {
                (*n).to_string()
            }
        })
        .collect();
    let lasted = first
        .end
        .map(|e| format!(", back after {:.0} s", (e - first.onset) as f64 / 1e6))
        .unwrap_or_default();
    format!(
        "{} moved{}{}",
        listed.join(", "),
        if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        },
        lasted
    )
}

/// The timeline items within `[from, to)`.
pub fn timeline_within(
    inc: &Incident,
    from: Option<i64>,
    to: Option<i64>,
) -> impl Iterator<Item = &TimelineItem> {
    inc.timeline
        .iter()
        .filter(move |i| from.is_none_or(|f| i.ts >= f) && to.is_none_or(|t| i.ts < t))
}
