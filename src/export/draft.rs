//! The postmortem draft as data: what every format writes, taken from the
//! incident model and the user's annotations, nothing recomputed.
//!
//! [`Draft`] is also the `--format json` document: its field names are
//! stable (README, "onset export"). Strings hold the log's text as is;
//! each format escapes it ([`super::escape`]). Fields named `text` are the
//! draft's own words (they may name sources and signals); fields named
//! `quote` and evidence `text` are log text.

use chrono::TimeZone;
use chrono_tz::Tz;
use serde::Serialize;

use crate::analysis::divergence::Direction;
use crate::analysis::report::ChangeEvent;
use crate::incident::annotations::{Annotation, Mark};
use crate::incident::story::{story, Beat, Row};
use crate::incident::{tier_depth, Incident, ItemKind, Record, Refers};
use crate::render::{describe, kind_name, misleading_text, t, warning_text};

/// How the draft is made.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Title (default: from the likely cause and the impact).
    pub title: Option<String>,
    /// Zone to show beside UTC.
    pub zone: Option<Tz>,
    /// The command line that produced it (supporting information).
    pub command: String,
}

/// A time: UTC (RFC 3339, ms) and, with `--tz`, the same moment in that
/// zone with its offset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    /// RFC 3339 UTC with milliseconds.
    pub utc: String,
    /// RFC 3339 in the chosen zone (`2026-11-21T03:20:42.000-06:00`), if one was chosen.
    pub local: Option<String>,
    /// The zone's abbreviation then (`CST`), if one was chosen.
    pub zone: Option<String>,
}

/// One record quoted as evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Its time.
    pub time: When,
    /// Its source.
    pub source: String,
    /// The file it is in.
    pub file: String,
    /// Its line in that file.
    pub line: u64,
    /// The record's first line, as logged.
    pub text: String,
}

/// A change event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// When.
    pub time: When,
    /// Where.
    pub source: String,
    /// `deploy`, `restart`, `reload`, `schema` or `backend`.
    pub kind: &'static str,
    /// Its message, as logged.
    pub quote: String,
    /// Its record.
    pub evidence: Evidence,
}

/// The whole draft.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    /// Title.
    pub title: String,
    /// Always `draft`: people finish it.
    pub status: &'static str,
    /// The zone shown beside UTC, if any.
    pub zone: Option<String>,
    /// 1. Summary.
    pub summary: Summary,
    /// 2. Timeline, in time order.
    pub timeline: Vec<Moment>,
    /// 3. Root cause and trigger.
    pub root_cause: RootCause,
    /// 4. Detection.
    pub detection: Detection,
    /// 5. Resolution.
    pub resolution: Resolution,
    /// 6. Corrective and preventive actions: the alerts that would have fired earliest.
    pub alerts: Vec<AlertRule>,
    /// 7. What went well, wrong, and where we got lucky: the facts the logs give.
    pub reflections: Reflections,
    /// 8. Supporting information: the sources.
    pub sources: Vec<Source>,
    /// Doubts about the input.
    pub warnings: Vec<String>,
    /// The signals charted (the key signals), in order.
    pub charts: Vec<String>,
    /// What produced the draft.
    pub generated_by: Generated,
}

/// Section 1.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// When users were hurt, in numbers (`None`: no impact was found).
    pub impact: Option<ImpactSummary>,
    /// The root-cause hypothesis.
    pub hypothesis: Option<Hypothesis>,
}

/// The impact in numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactSummary {
    /// Users first hurt.
    pub start: When,
    /// Users no longer hurt.
    pub end: When,
    /// Seconds from start to end.
    pub duration_seconds: f64,
    /// Requests in the window.
    pub requests: u64,
    /// Failed (5xx) requests in the window.
    pub failed_requests: u64,
    /// `failed_requests / requests` (`None` without requests).
    pub failed_share: Option<f64>,
    /// Distinct clients that saw a 5xx or a response slower than 2 s.
    pub affected_clients: u64,
    /// Distinct clients in the window.
    pub clients_in_window: u64,
    /// Distinct clients over the whole span.
    pub all_clients: Option<u64>,
    /// `affected_clients / all_clients`.
    pub affected_share: Option<f64>,
    /// Highest share of failed requests in one bucket.
    pub peak_error_ratio: f64,
    /// The worst bucket.
    pub peak_time: Option<When>,
    /// The latency signal read at the peak.
    pub latency_signal: Option<String>,
    /// Its value at the peak, seconds.
    pub latency_at_peak_seconds: Option<f64>,
    /// The signal the window was read from.
    pub signal: String,
}

/// The first divergence, its lead and its likely cause.
#[derive(Debug, Clone, Serialize)]
pub struct Hypothesis {
    /// The signal that moved first.
    pub signal: String,
    /// Its source.
    pub source: String,
    /// `up` or `down`.
    pub direction: Direction,
    /// When it began to move.
    pub onset: When,
    /// Its baseline level.
    pub baseline: f64,
    /// Its peak.
    pub peak: f64,
    /// Seconds from the onset to the impact start.
    pub lead_seconds: f64,
    /// The change that likely caused it.
    pub cause: Option<Change>,
    /// The sentence.
    pub text: String,
}

/// One timeline row.
#[derive(Debug, Clone, Serialize)]
pub struct Moment {
    /// When.
    pub time: When,
    /// What kind of moment: `likely-cause`, `change`, `ending-change`,
    /// `first-divergence`, `onset`, `misleading`, `error-burst`,
    /// `new-messages`, `impact-start`, `impact-end`, `annotation`.
    pub kind: &'static str,
    /// The label shown (`LIKELY CAUSE`, `misleading path (came back)`…).
    pub label: String,
    /// The source(s).
    pub source: String,
    /// What happened, in the draft's words.
    pub text: String,
    /// The log's words it is about (a change's message, a new template), if any.
    pub quote: Option<String>,
    /// A misleading path: moved and came back before users were hurt.
    pub misleading: bool,
    /// The annotation's mark (`detection`, `root-cause`…), for an annotation.
    pub mark: Option<Mark>,
    /// One record that shows it.
    pub evidence: Option<Evidence>,
}

/// Section 3.
#[derive(Debug, Clone, Serialize)]
pub struct RootCause {
    /// The change that likely set it off.
    pub trigger: Option<Change>,
    /// From the trigger to the users, one link per tier, in time order.
    pub chain: Vec<Link>,
    /// The user's root-cause annotations.
    pub annotations: Vec<Moment>,
}

/// One link of the evidence chain.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// When it began.
    pub time: When,
    /// Where.
    pub source: String,
    /// The source's kind (`database`, `app`, `load-balancer`…).
    pub tier: String,
    /// The signal that moved (`change` for the trigger, `message` for a new message).
    pub signal: String,
    /// What happened, in the draft's words.
    pub text: String,
    /// The log's words it is about, if any.
    pub quote: Option<String>,
    /// One record that shows it.
    pub evidence: Option<Evidence>,
}

/// Section 4.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    /// When the first divergence began.
    pub first_divergence: Option<When>,
    /// When users were first hurt.
    pub impact_start: Option<When>,
    /// Seconds between the two: the lead that was lost.
    pub lead_seconds: Option<f64>,
    /// The alert that would have fired first, if any.
    pub earliest_alert: Option<AlertRule>,
    /// The user's detection and escalation annotations.
    pub annotations: Vec<Moment>,
}

/// Section 5.
#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    /// The change that likely ended the impact.
    pub change: Option<Change>,
    /// Users no longer hurt.
    pub impact_end: Option<When>,
    /// Key signals (those charted, and the impact's) back to their baseline
    /// after the impact began, the last time each did.
    pub signals_back: Vec<SignalBack>,
    /// Key signals still away from their baseline at the end of the logs.
    pub still_diverging: Vec<String>,
    /// The user's mitigation and resolution annotations.
    pub annotations: Vec<Moment>,
}

/// A signal's return to its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct SignalBack {
    /// The signal.
    pub signal: String,
    /// When it was back.
    pub time: When,
}

/// An alert that would have fired.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRule {
    /// The signal.
    pub signal: String,
    /// The rule, in words (`postgresql.connections > 11 for 30 s`).
    pub rule: String,
    /// `up` (above the threshold) or `down`.
    pub direction: Direction,
    /// The threshold.
    pub threshold: f64,
    /// The baseline level it comes from.
    pub baseline: f64,
    /// How long the threshold must be crossed, seconds.
    pub hold_seconds: f64,
    /// When it would have fired first after the divergence began.
    pub fires_at: Option<When>,
    /// Seconds before users were hurt (negative: after).
    pub lead_seconds: Option<f64>,
    /// How often it would have fired before (false alarms).
    pub noisy_fires: usize,
}

/// Section 7: facts to start the discussion from.
#[derive(Debug, Clone, Serialize)]
pub struct Reflections {
    /// What went well.
    pub went_well: Vec<String>,
    /// What went wrong.
    pub went_wrong: Vec<String>,
    /// Where we got lucky (and what could mislead).
    pub lucky: Vec<String>,
}

/// Section 8: one source.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Name.
    pub name: String,
    /// Format read.
    pub format: String,
    /// Kind.
    pub kind: String,
    /// Zone of its zone-less times.
    pub zone: String,
    /// Estimated clock offset against the reference source, seconds.
    pub clock_offset_seconds: Option<f64>,
    /// Events indexed.
    pub events: u64,
    /// Of which unparsed records.
    pub unparsed: u64,
    /// First event.
    pub first: Option<When>,
    /// Last event.
    pub last: Option<When>,
}

/// What produced the draft.
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    /// The command line.
    pub command: String,
    /// onset's version.
    pub version: String,
    /// Whether clock offsets were corrected (`--align`).
    pub aligned: bool,
}

/// Formats numbers as the draft shows them: whole numbers bare, others
/// with two decimals, or (trailing zeros cut) three significant digits below 1.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        // Three significant digits: 0.0014, not 0.00.
        let digits = (2 - x.abs().log10().floor() as i32).clamp(2, 9) as usize;
        let s = format!("{x:.digits$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// How an alert reads after its rule: when it would have fired, and its
/// false alarms; `when` writes a time for the format, `code` quotes the rule.
pub fn alert_text(
    a: &AlertRule,
    when: impl Fn(&When) -> String,
    code: impl Fn(&str) -> String,
) -> String {
    let fired = match (&a.fires_at, a.lead_seconds) {
        (Some(f), Some(l)) if l >= 0.0 => format!(
            "would have fired at {}, {} s before users were hurt",
            when(f),
            num(l.round())
        ),
        (Some(f), Some(l)) => format!(
            "would have fired at {}, {} s after users were hurt",
            when(f),
            num(-l.round())
        ),
        (Some(f), None) => format!("would have fired at {}", when(f)),
        (None, _) => "would not have fired".to_string(),
    };
    let noise = if a.noisy_fires > 0 {
        format!(
            "; also {} false alarm{} before",
            a.noisy_fires,
            if a.noisy_fires == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    format!(
        "{} (baseline {}): {fired}{noise}",
        code(&a.rule),
        num(a.baseline)
    )
}

/// A share as a percentage with one decimal.
pub fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// Seconds in words: `156 s (2 min 36 s)`.
pub fn duration(secs: f64) -> String {
    let s = secs.round() as i64;
    if s.abs() < 60 {
        return format!("{s} s");
    }
    let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{s} s ({h} h {m} min)")
    } else {
        format!("{s} s ({m} min {r} s)")
    }
}

struct Ctx<'a> {
    inc: &'a Incident,
    annotations: &'a [Annotation],
    zone: Option<Tz>,
}

impl Ctx<'_> {
    fn when(&self, us: i64) -> When {
        let local = self.zone.and_then(|z| {
            let t = z.timestamp_micros(us).single()?;
            Some((
                t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
                t.format("%Z").to_string(),
            ))
        });
        When {
            utc: t(us),
            zone: local.as_ref().map(|l| l.1.clone()),
            local: local.map(|l| l.0),
        }
    }

    fn evidence(&self, r: &Record) -> Evidence {
        Evidence {
            time: self.when(r.ts),
            source: r.source.clone(),
            file: r.file.clone(),
            line: r.line,
            text: r.text.clone(),
        }
    }

    fn change(&self, c: &ChangeEvent) -> Change {
        Change {
            time: self.when(c.time),
            source: c.source.clone(),
            kind: kind_name(c.kind),
            quote: c.description.clone(),
            evidence: Evidence {
                time: self.when(c.time),
                source: c.source.clone(),
                file: c.file.clone(),
                line: c.line,
                text: c.description.clone(),
            },
        }
    }

    fn annotation(&self, k: usize) -> Option<Moment> {
        let a = self.annotations.get(k)?;
        Some(Moment {
            time: self.when(a.ts),
            kind: "annotation",
            label: a.mark.label().to_string(),
            source: a
                .record
                .as_ref()
                .map(|r| r.source.clone())
                .unwrap_or_default(),
            text: a.comment.clone(),
            quote: None,
            misleading: a.mark == Mark::MisleadingPath,
            mark: Some(a.mark),
            evidence: a.record.as_ref().map(|r| self.evidence(r)),
        })
    }

    /// The evidence of a story row: its first item's, a misleading path's
    /// first onset's, an annotation's record.
    fn row_evidence(&self, row: &Row) -> Option<Evidence> {
        let inc = self.inc;
        let from_items = row
            .items
            .iter()
            .filter_map(|&i| inc.timeline.get(i))
            .find_map(|i| i.evidence.as_ref());
        let from_episode = || {
            inc.timeline.iter().find_map(|i| match &i.refers {
                Refers::Divergences(ds) if ds.iter().any(|d| row.divergences.contains(d)) => {
                    i.evidence.as_ref()
                }
                _ => None,
            })
        };
        // A misleading row tells one or more episodes, the earliest first:
        // its record is that episode's.
        let from_model = || {
            let first = row.divergences.first()?;
            let k = inc.episodes.iter().position(|e| e.contains(first))?;
            inc.episode_evidence.get(k)?.as_ref()
        };
        from_items
            .or_else(from_model)
            .or_else(from_episode)
            .map(|r| self.evidence(r))
    }

    fn moment(&self, row: &Row) -> Option<Moment> {
        let inc = self.inc;
        if let Some(k) = row.annotation {
            return self.annotation(k);
        }
        let first = row.items.first().and_then(|&i| inc.timeline.get(i));
        let more = row.items.len().saturating_sub(1);
        let change = first.and_then(|f| match f.refers {
            Refers::Change(c) => inc.changes.get(c).map(|ch| (c, ch)),
            _ => None,
        });
        let ends = |row: &Row| {
            row.items.iter().any(|&i| {
                matches!(inc.timeline.get(i).map(|x| &x.refers),
                    Some(Refers::Change(c)) if Some(*c) == inc.ending_change)
            })
        };
        let lines = if more > 0 {
            format!(" (and {more} more lines)")
        } else {
            String::new()
        };
        let (kind, label, text, quote): (&str, &str, String, Option<String>) = match row.beat {
            Beat::Cause => {
                let (_, c) = change?;
                (
                    "likely-cause",
                    "LIKELY CAUSE",
                    format!("{}{lines}", kind_name(c.kind)),
                    Some(c.description.clone()),
                )
            }
            Beat::Change => {
                let (c_idx, c) = change?;
                let ending = ends(row);
                let c = if ending {
                    inc.changes
                        .get(inc.ending_change.unwrap_or(c_idx))
                        .unwrap_or(c)
                } else {
                    c
                };
                (
                    if ending { "ending-change" } else { "change" },
                    if ending {
                        "ENDED IT (likely)"
                    } else {
                        "change"
                    },
                    format!("{}{lines}", kind_name(c.kind)),
                    Some(c.description.clone()),
                )
            }
            Beat::FirstDivergence => {
                // Named after the first divergence itself, not the
                // strongest signal of its episode.
                let text = match &inc.first {
                    Some(f) => format!(
                        "{} {} from {} (peak {})",
                        f.divergence.signal,
                        match f.divergence.direction {
                            Direction::Up => "rises",
                            Direction::Down => "falls",
                        },
                        num(f.divergence.baseline),
                        num(f.divergence.peak)
                    ),
                    None => describe(inc, first?),
                };
                let lead = inc
                    .first
                    .as_ref()
                    .map(|f| format!("; {} s before users were hurt", num(f.lead_seconds.round())))
                    .unwrap_or_default();
                (
                    "first-divergence",
                    "FIRST DIVERGENCE",
                    format!("{text}{lead}"),
                    None,
                )
            }
            Beat::Onset | Beat::ErrorBurst => {
                let text = describe(inc, first?);
                let episodes = if more > 0 {
                    format!(" ({} episodes)", row.items.len())
                } else {
                    String::new()
                };
                let (kind, label) = if row.beat == Beat::Onset {
                    ("onset", "onset")
                } else {
                    ("error-burst", "errors rise")
                };
                (kind, label, format!("{text}{episodes}"), None)
            }
            Beat::Transient => (
                "misleading",
                "misleading path (came back)",
                misleading_text(inc, row),
                None,
            ),
            Beat::NewTemplates => {
                let Refers::Template(k) = first?.refers else {
                    return None;
                };
                let n = inc.new_templates.get(k)?;
                let head = if more > 0 {
                    format!("{} new messages, first", row.items.len())
                } else {
                    "new message".to_string()
                };
                (
                    "new-messages",
                    "new message",
                    format!("{head} ({}, {} times)", n.level.as_str(), n.count),
                    Some(n.text.clone()),
                )
            }
            Beat::ImpactStart | Beat::ImpactEnd => {
                let f = first?;
                let start = f.kind == ItemKind::ImpactStart;
                (
                    if start { "impact-start" } else { "impact-end" },
                    if start { "USERS HURT" } else { "recovered" },
                    describe(inc, f),
                    None,
                )
            }
            Beat::Annotation => return None,
        };
        Some(Moment {
            time: self.when(row.ts),
            kind,
            label: label.to_string(),
            source: row.source.clone(),
            text,
            quote,
            misleading: row.beat == Beat::Transient,
            mark: None,
            evidence: self.row_evidence(row),
        })
    }
}

/// The evidence chain: the trigger, the first divergence, then on each
/// other tier the first lasting onset, error burst or new warning/error
/// message from the first divergence to shortly after the impact start,
/// and the impact itself; in time order, the back tiers first at a tie.
fn chain(ctx: &Ctx<'_>, rows: &[Row], moments: &[Option<Moment>]) -> Vec<Link> {
    let inc = ctx.inc;
    let (Some(f), Some(imp)) = (&inc.first, &inc.impact) else {
        return Vec::new();
    };
    let tier = |source: &str| {
        inc.source(source)
            .map_or_else(String::new, |s| s.kind.clone())
    };
    let mut links: Vec<(i64, u8, Link)> = Vec::new();
    if let Some(c) = &f.change {
        let ch = ctx.change(c);
        links.push((
            c.time,
            3,
            Link {
                time: ch.time.clone(),
                source: c.source.clone(),
                tier: tier(&c.source),
                signal: "change".into(),
                text: kind_name(c.kind).to_string(),
                quote: Some(c.description.clone()),
                evidence: Some(ch.evidence),
            },
        ));
    }
    let d = &f.divergence;
    let word = match d.direction {
        Direction::Up => "climbs",
        Direction::Down => "falls",
    };
    links.push((
        d.onset,
        3,
        Link {
            time: ctx.when(d.onset),
            source: d.source.clone(),
            tier: d.kind.clone(),
            signal: d.signal.clone(),
            text: format!(
                "{} {word} from {} to {} (peak at {})",
                d.signal,
                num(d.baseline),
                num(d.peak),
                t(d.peak_time)
            ),
            quote: None,
            evidence: inc.evidence.first().map(|r| ctx.evidence(r)),
        },
    ));
    let reach = imp.start + (3 * inc.grid.width).max(60_000_000);
    let mut told: Vec<&str> = vec![d.source.as_str(), imp.source.as_str()];
    for (row, m) in rows.iter().zip(moments) {
        let Some(m) = m else { continue };
        if row.ts < d.onset || row.ts > reach || told.contains(&row.source.as_str()) {
            continue;
        }
        let signal = match row.beat {
            Beat::Onset | Beat::ErrorBurst => {
                row.items
                    .first()
                    .and_then(|&i| match &inc.timeline.get(i)?.refers {
                        Refers::Divergences(ds) => {
                            Some(inc.divergences.get(*ds.first()?)?.signal.clone())
                        }
                        _ => None,
                    })
            }
            Beat::NewTemplates => {
                row.items
                    .first()
                    .and_then(|&i| match inc.timeline.get(i)?.refers {
                        Refers::Template(k) => inc
                            .new_templates
                            .get(k)
                            .filter(|n| n.level.as_str() != "info")
                            .map(|_| "message".to_string()),
                        _ => None,
                    })
            }
            _ => None,
        };
        let Some(signal) = signal else { continue };
        told.push(&row.source);
        let tier_name = tier(&row.source);
        links.push((
            row.ts,
            3 - tier_depth(&tier_name).min(3),
            Link {
                time: m.time.clone(),
                source: row.source.clone(),
                tier: tier_name,
                signal,
                text: m.text.clone(),
                quote: m.quote.clone(),
                evidence: m.evidence.clone(),
            },
        ));
    }
    // The users: the impact, with the first record of its signal's onset.
    let impact_evidence = inc
        .timeline
        .iter()
        .filter(|i| i.source == imp.source && i.ts >= imp.start)
        .find(|i| match &i.refers {
            Refers::Divergences(ds) => ds.iter().any(|&k| {
                inc.divergences
                    .get(k)
                    .is_some_and(|d| d.signal == imp.signal)
            }),
            _ => false,
        })
        .and_then(|i| i.evidence.as_ref());
    links.push((
        imp.start,
        0,
        Link {
            time: ctx.when(imp.start),
            source: imp.source.clone(),
            tier: tier(&imp.source),
            signal: imp.signal.clone(),
            text: format!(
                "users hurt: {} of {} requests failed in the impact window ({} rises)",
                imp.failed_requests, imp.requests, imp.signal
            ),
            quote: None,
            evidence: impact_evidence.map(|r| ctx.evidence(r)),
        },
    ));
    // Stable: the trigger before its divergence at equal times.
    links.sort_by_key(|(ts, depth, _)| (*ts, std::cmp::Reverse(*depth)));
    links.into_iter().map(|(_, _, l)| l).collect()
}

fn alert_rule(ctx: &Ctx<'_>, a: &crate::analysis::postmortem::Alert) -> AlertRule {
    let op = match a.direction {
        Direction::Up => ">",
        Direction::Down => "<",
    };
    AlertRule {
        signal: a.signal.clone(),
        rule: format!(
            "{} {op} {} for {} s",
            a.signal,
            num(a.threshold),
            num(a.hold_seconds)
        ),
        direction: a.direction,
        threshold: a.threshold,
        baseline: a.baseline,
        hold_seconds: a.hold_seconds,
        fires_at: a.fires_at.map(|f| ctx.when(f)),
        lead_seconds: a.lead_seconds,
        noisy_fires: a.noisy_fires.len(),
    }
}

/// The draft of `inc` with the user's `annotations`.
pub fn draft(inc: &Incident, annotations: &[Annotation], opts: &Options) -> Draft {
    let ctx = Ctx {
        inc,
        annotations,
        zone: opts.zone,
    };
    let rows = story(inc, annotations);
    let moments: Vec<Option<Moment>> = rows.iter().map(|r| ctx.moment(r)).collect();
    let timeline: Vec<Moment> = moments.iter().flatten().cloned().collect();
    let marked = |marks: &[Mark]| -> Vec<Moment> {
        timeline
            .iter()
            .filter(|m| m.mark.is_some_and(|k| marks.contains(&k)))
            .cloned()
            .collect()
    };

    let impact = inc.impact.as_ref().map(|i| {
        let peak = inc.impact_peak.as_ref();
        ImpactSummary {
            start: ctx.when(i.start),
            end: ctx.when(i.end),
            duration_seconds: (i.end - i.start) as f64 / 1e6,
            requests: i.requests,
            failed_requests: i.failed_requests,
            failed_share: (i.requests > 0).then(|| i.failed_requests as f64 / i.requests as f64),
            affected_clients: i.affected_clients,
            clients_in_window: i.clients,
            all_clients: inc.all_clients,
            affected_share: inc
                .all_clients
                .filter(|&n| n > 0)
                .map(|n| i.affected_clients as f64 / n as f64),
            peak_error_ratio: i.peak_error_ratio,
            peak_time: peak.map(|p| ctx.when(p.time)),
            latency_signal: peak.and_then(|p| p.latency_signal.clone()),
            latency_at_peak_seconds: peak.and_then(|p| p.latency_seconds),
            signal: i.signal.clone(),
        }
    });
    let hypothesis = inc.first.as_ref().map(|f| {
        let d = &f.divergence;
        let moved = match d.direction {
            Direction::Up => "began to rise",
            Direction::Down => "began to fall",
        };
        let cause = f.change.as_ref().map(|c| ctx.change(c));
        let text = format!(
            "{} {moved} from {} at {}, {} s before users were hurt{}",
            d.signal,
            num(d.baseline),
            t(d.onset),
            num(f.lead_seconds.round()),
            match &f.change {
                Some(c) => format!(
                    "; its likely cause is the {} of {} at {}, {} s before it",
                    kind_name(c.kind),
                    c.source,
                    t(c.time),
                    num(((d.onset - c.time) as f64 / 1e6).round())
                ),
                None => "; no change was found before it".to_string(),
            }
        );
        Hypothesis {
            signal: d.signal.clone(),
            source: d.source.clone(),
            direction: d.direction,
            onset: ctx.when(d.onset),
            baseline: d.baseline,
            peak: d.peak,
            lead_seconds: f.lead_seconds,
            cause,
            text,
        }
    });
    let alerts: Vec<AlertRule> = inc.alerts.iter().map(|a| alert_rule(&ctx, a)).collect();
    let ending = inc.ending_change.and_then(|k| inc.changes.get(k));

    // Signals back at baseline after the impact began (the last time each),
    // and those still away at the end.
    let mut back: Vec<(i64, &str)> = Vec::new();
    let mut still: Vec<String> = Vec::new();
    let key: Vec<&str> = inc
        .key_signals()
        .iter()
        .map(|s| s.name.as_str())
        .chain(inc.impact.as_ref().map(|i| i.signal.as_str()))
        .collect();
    for d in inc
        .divergences
        .iter()
        .filter(|d| !d.transient && key.contains(&d.signal.as_str()))
    {
        match d.end {
            Some(e) if inc.impact.as_ref().is_none_or(|i| e > i.start) => {
                match back.iter_mut().find(|(_, s)| *s == d.signal) {
                    Some(b) => b.0 = b.0.max(e),
                    None => back.push((e, &d.signal)),
                }
            }
            None if !still.contains(&d.signal) => still.push(d.signal.clone()),
            _ => {}
        }
    }
    back.sort();
    still.sort();
    let resolution = Resolution {
        change: ending.map(|c| ctx.change(c)),
        impact_end: inc.impact.as_ref().map(|i| ctx.when(i.end)),
        signals_back: back
            .iter()
            .map(|&(e, s)| SignalBack {
                signal: s.to_string(),
                time: ctx.when(e),
            })
            .collect(),
        still_diverging: still.clone(),
        annotations: marked(&[Mark::Mitigation, Mark::Resolution]),
    };

    let reflections = reflections(inc, &timeline, &alerts, ending, &still);
    let title = opts.title.clone().unwrap_or_else(|| {
        match (
            &inc.impact,
            inc.first.as_ref().and_then(|f| f.change.as_ref()),
        ) {
            (Some(i), Some(c)) => format!(
                "{} failed requests after the {} of {} ({})",
                i.failed_requests,
                kind_name(c.kind),
                c.source,
                &t(i.start)[..10]
            ),
            (Some(i), None) => format!(
                "{} failed requests at {} ({})",
                i.failed_requests,
                i.source,
                &t(i.start)[..10]
            ),
            _ => "Incident".to_string(),
        }
    });
    Draft {
        title,
        status: "draft",
        zone: opts.zone.map(|z| z.name().to_string()),
        summary: Summary { impact, hypothesis },
        root_cause: RootCause {
            trigger: inc
                .first
                .as_ref()
                .and_then(|f| f.change.as_ref())
                .map(|c| ctx.change(c)),
            chain: chain(&ctx, &rows, &moments),
            annotations: marked(&[Mark::RootCause]),
        },
        detection: Detection {
            first_divergence: inc.first.as_ref().map(|f| ctx.when(f.divergence.onset)),
            impact_start: inc.impact.as_ref().map(|i| ctx.when(i.start)),
            lead_seconds: inc.first.as_ref().map(|f| f.lead_seconds),
            earliest_alert: alerts.iter().find(|a| a.fires_at.is_some()).cloned(),
            annotations: marked(&[Mark::Detection, Mark::Escalation]),
        },
        resolution,
        alerts,
        reflections,
        sources: inc
            .sources
            .iter()
            .map(|s| Source {
                name: s.name.clone(),
                format: s.format.clone(),
                kind: s.kind.clone(),
                zone: s.zone.clone(),
                clock_offset_seconds: inc
                    .clock_offsets
                    .iter()
                    .find(|o| o.source == s.name)
                    .map(|o| o.offset_seconds),
                events: s.events,
                unparsed: s.unparsed,
                first: s.first.map(|f| ctx.when(f)),
                last: s.last.map(|l| ctx.when(l)),
            })
            .collect(),
        warnings: inc.warnings.iter().map(|w| warning_text(inc, w)).collect(),
        charts: inc.key_signals().iter().map(|s| s.name.clone()).collect(),
        timeline,
        generated_by: Generated {
            command: opts.command.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            aligned: inc.aligned,
        },
    }
}

/// The facts of section 7, in the draft's words.
fn reflections(
    inc: &Incident,
    timeline: &[Moment],
    alerts: &[AlertRule],
    ending: Option<&ChangeEvent>,
    still: &[String],
) -> Reflections {
    let mut well = Vec::new();
    let mut wrong = Vec::new();
    let mut lucky = Vec::new();
    if let (Some(i), Some(c)) = (&inc.impact, ending) {
        well.push(format!(
            "The {} of {} at {} ended the impact: users were no longer hurt from {}, {} after it began.",
            kind_name(c.kind),
            c.source,
            t(c.time),
            t(i.end),
            duration((i.end - i.start) as f64 / 1e6)
        ));
    }
    if let Some(a) = alerts
        .iter()
        .find(|a| a.lead_seconds.is_some_and(|l| l > 0.0))
    {
        well.push(format!(
            "The logs held the warning: an alert “{}” would have fired {} s before users were hurt.",
            a.rule,
            num(a.lead_seconds.unwrap_or(0.0).round())
        ));
    }
    if let (Some(f), Some(i)) = (&inc.first, &inc.impact) {
        wrong.push(format!(
            "{} began to move at {}, {} s before users were hurt, and nothing alerted on it.",
            f.divergence.signal,
            t(f.divergence.onset),
            num(f.lead_seconds.round())
        ));
        wrong.push(format!(
            "{} of {} requests failed and {} clients saw a failure or a response slower than 2 s.",
            i.failed_requests, i.requests, i.affected_clients
        ));
        if let Some(c) = &f.change {
            wrong.push(format!(
                "The {} of {} at {} is the likely trigger: nothing stopped it when {} began to move.",
                kind_name(c.kind),
                c.source,
                t(c.time),
                f.divergence.signal
            ));
        }
    }
    if !still.is_empty() {
        wrong.push(format!(
            "Still away from their baseline when the logs end: {}.",
            still.join(", ")
        ));
    }
    for m in timeline.iter().filter(|m| m.kind == "misleading") {
        lucky.push(format!(
            "A misleading path came and went at {} ({}: {}): it could be taken for the cause, but it was back before users were hurt.",
            m.time.utc, m.source, m.text
        ));
    }
    for a in alerts.iter().filter(|a| a.noisy_fires > 0) {
        lucky.push(format!(
            "“{}” would also have fired {} time{} before the divergence (false alarms to tune away).",
            a.rule,
            a.noisy_fires,
            if a.noisy_fires == 1 { "" } else { "s" }
        ));
    }
    Reflections {
        went_well: well,
        went_wrong: wrong,
        lucky,
    }
}
