//! The `analyze` report and the `timeline` as text for a terminal. Every
//! line passes through [`crate::text::inert`]: log text quoted in the
//! report (change lines, evidence records, templates, file names) never
//! drives the terminal.

use std::fmt::Write;

use super::{describe, kind_name, method_text, t, warning_text};
use crate::analysis::divergence::Direction;
use crate::incident::{Incident, TimelineItem};

/// Episodes shown by the text report.
const MAX_EPISODES_SHOWN: usize = 15;

/// Change lines of one source and kind this close together are one change.
const CHANGE_BURST: i64 = 2_000_000;

/// `s` with each line made inert.
fn inert_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&crate::text::inert(body));
        out.push_str(nl);
    }
    out
}

/// The human report of `onset analyze`.
pub fn analysis(inc: &Incident) -> String {
    let mut s = String::new();
    for w in &inc.warnings {
        let _ = writeln!(s, "Warning: {}", warning_text(inc, w));
    }
    let g = &inc.grid;
    let _ = writeln!(
        s,
        "Span: {} .. {} ({} buckets of {} s)",
        t(g.start),
        t(inc.end()),
        g.n,
        g.width_secs()
    );
    match &inc.impact {
        Some(i) => {
            let _ = writeln!(
                s,
                "\nImpact: {} .. {} ({:.0} s), from {}\n  {} requests, {} failed (5xx), {} slow or failed; {} of {} clients affected; peak error ratio {:.0} %",
                t(i.start),
                t(i.end),
                (i.end - i.start) as f64 / 1e6,
                i.signal,
                i.requests,
                i.failed_requests,
                i.bad_requests,
                i.affected_clients,
                i.clients,
                i.peak_error_ratio * 100.0
            );
        }
        None => {
            let _ = writeln!(
                s,
                "\nImpact: none found (no lasting rise of errors or slow responses)."
            );
        }
    }
    match &inc.first {
        Some(f) => {
            let d = &f.divergence;
            let _ = writeln!(
                s,
                "\nFirst divergence: {} began at {}, {:.0} s before the impact\n  baseline {:.2}, peak {:.2} at {}",
                d.signal,
                t(d.onset),
                f.lead_seconds,
                d.baseline,
                d.peak,
                t(d.peak_time)
            );
            if let Some(c) = &f.change {
                let _ = writeln!(
                    s,
                    "  likely cause: {} ({}) at {}, {:.0} s before: {}\n    {}:{}",
                    kind_name(c.kind),
                    c.source,
                    t(c.time),
                    (d.onset - c.time) as f64 / 1e6,
                    c.description,
                    c.file,
                    c.line
                );
            }
            if !inc.evidence.is_empty() {
                let _ = writeln!(s, "  evidence:");
                for e in &inc.evidence {
                    let _ = writeln!(s, "    {}:{}  {}", e.file, e.line, e.text);
                }
            }
        }
        None => {
            let _ = writeln!(s, "\nFirst divergence: none.");
        }
    }
    if !inc.divergences.is_empty() {
        let _ = writeln!(s, "\nDivergences (strongest first; one line per episode):");
        for e in inc.episodes.iter().take(MAX_EPISODES_SHOWN) {
            let d = &inc.divergences[e[0]];
            let mut names: Vec<&str> = e
                .iter()
                .map(|&i| inc.divergences[i].signal.as_str())
                .collect();
            names.dedup();
            let _ = writeln!(
                s,
                "  {} {:>4} .. {:<24} score {:>8.1}{}  {}",
                t(d.onset),
                match d.direction {
                    Direction::Up => "up",
                    Direction::Down => "down",
                },
                d.end.map(t).unwrap_or_else(|| "(still)".into()),
                d.score,
                if d.transient { "  transient" } else { "" },
                names.join(", ")
            );
        }
        if inc.episodes.len() > MAX_EPISODES_SHOWN {
            let _ = writeln!(
                s,
                "  … and {} more episodes (`--json` lists every divergence)",
                inc.episodes.len() - MAX_EPISODES_SHOWN
            );
        }
    }
    let skewed: Vec<_> = inc
        .clock_offsets
        .iter()
        .filter(|c| c.micros() != 0)
        .collect();
    if !skewed.is_empty() {
        let _ = writeln!(
            s,
            "\nClock offsets{}:",
            if inc.aligned {
                " (corrected: times are on the reference's clock)"
            } else {
                " (not corrected; --align corrects them)"
            }
        );
        for c in skewed {
            let _ = writeln!(
                s,
                "  {:<14} {:>+10.1} s against {} ({})",
                c.source,
                c.offset_seconds,
                c.reference,
                method_text(c)
            );
        }
    }
    if !inc.changes.is_empty() {
        let _ = writeln!(s, "\nChanges:");
        // The lines one start-up or shutdown writes at once read as one change.
        let mut i = 0;
        while i < inc.changes.len() {
            let c = &inc.changes[i];
            let same = inc.changes[i + 1..]
                .iter()
                .take_while(|d| {
                    d.source == c.source && d.kind == c.kind && d.time - c.time <= CHANGE_BURST
                })
                .count();
            let _ = writeln!(
                s,
                "  {} {:<8} {:<12} {}{}",
                t(c.time),
                kind_name(c.kind),
                c.source,
                c.description,
                match same {
                    0 => String::new(),
                    1 => " (and 1 more line)".to_string(),
                    n => format!(" (and {n} more lines)"),
                }
            );
            i += same + 1;
        }
    }
    inert_lines(&s)
}

/// One timeline item as `onset timeline` prints it: time, kind, source and
/// what happened, then the evidence record indented below.
pub fn timeline_item(inc: &Incident, i: &TimelineItem) -> String {
    let mut s = format!(
        "{} {:<12} {:<14} {}\n",
        t(i.ts),
        i.kind.as_str(),
        i.source,
        describe(inc, i)
    );
    if let Some(e) = super::json::evidence_text(i) {
        let _ = writeln!(s, "{:>38}{}", "", e.chars().take(160).collect::<String>());
    }
    inert_lines(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_of_quoted_log_text_are_made_inert_line_by_line() {
        let s = inert_lines("Changes:\n  deploy \x1b]0;pwned\x07 done\n\x1b[2J\n");
        assert_eq!(s, "Changes:\n  deploy ␛]0;pwned␇ done\n␛[2J\n");
    }
}
