//! The draft as Markdown: readable as plain text and on a code forge. Log
//! text is quoted in code spans ([`md_code`]), the draft's own sentences
//! and the user's comments are escaped prose ([`md_text`]); charts are
//! linked SVG files written beside the document.

use std::fmt::Write;

use super::draft::{
    alert_text, duration, num, percent, AlertRule, Change, Draft, Evidence, Moment, When,
};
use super::escape::{md_code, md_text};

/// `utc (local zone)`.
fn when(w: &When) -> String {
    match (&w.local, &w.zone) {
        (Some(l), Some(z)) => format!("{} ({} {})", w.utc, l, md_text(z)),
        _ => w.utc.clone(),
    }
}

fn evidence(e: &Evidence, quote: Option<&str>) -> String {
    let at = md_code(&format!("{}:{}", e.file, e.line));
    if quote == Some(e.text.as_str()) {
        at
    } else {
        format!("{at} {}", md_code(&e.text))
    }
}

fn change(c: &Change) -> String {
    format!(
        "{} of {} at {}: {} ({})",
        c.kind,
        md_code(&c.source),
        when(&c.time),
        md_code(&c.quote),
        md_code(&format!("{}:{}", c.evidence.file, c.evidence.line))
    )
}

fn moment(out: &mut String, m: &Moment) {
    let label = if m.kind == "annotation" {
        format!("annotation: {}", m.label)
    } else {
        m.label.clone()
    };
    let source = if m.source.is_empty() {
        String::new()
    } else {
        format!(" · {}", md_code(&m.source))
    };
    let _ = write!(
        out,
        "- **{}**{source} · **{}** — {}",
        when(&m.time),
        md_text(&label),
        md_text(&m.text)
    );
    if let Some(q) = &m.quote {
        let _ = write!(out, ": {}", md_code(q));
    }
    out.push('\n');
    if let Some(e) = &m.evidence {
        let _ = writeln!(out, "  - {}", evidence(e, m.quote.as_deref()));
    }
}

fn alert(a: &AlertRule) -> String {
    alert_text(a, when, md_code)
}

/// The draft as Markdown; `charts` are the file names of the key signals'
/// charts written beside it (empty: the draft goes to standard output).
pub fn render(d: &Draft, charts: &[String]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Postmortem: {}\n", md_text(&d.title));
    let _ = writeln!(
        o,
        "**Status:** {} — drafted by onset {} from the logs. Every time and number below comes from them, \
         each with the record that shows it; the sections marked *to fill* are for people.\n",
        d.status, d.generated_by.version
    );
    let zone = d
        .zone
        .as_deref()
        .map(|z| format!(" and {}", md_text(z)))
        .unwrap_or_default();
    let _ = writeln!(o, "Times are UTC{zone}.\n");

    o.push_str("## 1. Summary\n\n");
    match &d.summary.impact {
        Some(i) => {
            let _ = writeln!(o, "- **Impact start:** {}", when(&i.start));
            let _ = writeln!(o, "- **Impact end:** {}", when(&i.end));
            let _ = writeln!(o, "- **Duration:** {}", duration(i.duration_seconds));
            let _ = writeln!(o, "- **Requests:** {}", i.requests);
            let share = i
                .failed_share
                .map(|s| format!(" ({} of requests)", percent(s)))
                .unwrap_or_default();
            let _ = writeln!(o, "- **Failed requests:** {}{share}", i.failed_requests);
            let of_all = match (i.all_clients, i.affected_share) {
                (Some(n), Some(s)) => format!(" ({} of all {n} clients)", percent(s)),
                _ => String::new(),
            };
            let _ = writeln!(o, "- **Affected clients:** {}{of_all}", i.affected_clients);
            let at = i
                .peak_time
                .as_ref()
                .map(|p| format!(" at {}", when(p)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "- **Peak error ratio:** {}{at}",
                percent(i.peak_error_ratio)
            );
            if let (Some(l), Some(s)) = (i.latency_at_peak_seconds, &i.latency_signal) {
                let _ = writeln!(
                    o,
                    "- **Latency at the peak:** {} s ({})",
                    num(l),
                    md_code(s)
                );
            }
            let _ = writeln!(o, "- **Impact read from:** {}", md_code(&i.signal));
        }
        None => o.push_str(
            "- No impact was found in the logs: no lasting rise of failed requests or errors.\n",
        ),
    }
    if let Some(h) = &d.summary.hypothesis {
        let _ = write!(o, "- **Root-cause hypothesis:** {}", md_text(&h.text));
        if let Some(c) = &h.cause {
            let _ = write!(o, ": {}", md_code(&c.quote));
        }
        o.push_str(".\n");
    }
    o.push('\n');
    if !d.charts.is_empty() {
        o.push_str("### Key signals\n\n");
        if charts.is_empty() {
            o.push_str(
                "*Charts of the key signals are written beside the draft when it is saved with `-o FILE`.*\n\n",
            );
        } else {
            for (name, file) in d.charts.iter().zip(charts) {
                let _ = writeln!(o, "![{}]({file})\n", md_text(name));
            }
            o.push_str("Shaded: users hurt. Dashed: the first divergence's onset. Ticks at the foot: changes (the likely cause and the change that ended it labelled).\n\n");
        }
    }

    o.push_str("## 2. Timeline\n\n");
    if d.timeline.is_empty() {
        o.push_str("Nothing stood out in the logs.\n");
    }
    for m in &d.timeline {
        moment(&mut o, m);
    }
    o.push('\n');

    o.push_str("## 3. Root cause and trigger\n\n");
    match &d.root_cause.trigger {
        Some(c) => {
            let _ = writeln!(o, "**Trigger (likely):** {}.\n", change(c));
        }
        None => o.push_str("**Trigger:** no change was found before the first divergence.\n\n"),
    }
    if !d.root_cause.chain.is_empty() {
        o.push_str("**Evidence chain**, from the trigger to the users:\n\n");
        for (k, l) in d.root_cause.chain.iter().enumerate() {
            let _ = write!(
                o,
                "{}. **{}** · {} ({}) · {}",
                k + 1,
                when(&l.time),
                md_code(&l.source),
                md_text(&l.tier),
                md_text(&l.text)
            );
            if let Some(q) = &l.quote {
                let _ = write!(o, ": {}", md_code(q));
            }
            o.push('\n');
            if let Some(e) = &l.evidence {
                let _ = writeln!(o, "   - {}", evidence(e, l.quote.as_deref()));
            }
        }
        o.push('\n');
    }
    for m in &d.root_cause.annotations {
        moment(&mut o, m);
    }
    o.push_str(
        "*To fill: why the change did this, and why it was not caught before it shipped.*\n\n",
    );

    o.push_str("## 4. Detection\n\n");
    match (
        &d.detection.impact_start,
        &d.detection.first_divergence,
        d.detection.lead_seconds,
    ) {
        (Some(i), Some(f), Some(l)) => {
            let _ = writeln!(
                o,
                "Users were first hurt at {}. The first divergence began at {}: **{} s earlier** — the lead that was lost.\n",
                when(i),
                when(f),
                num(l.round())
            );
        }
        (Some(i), _, _) => {
            let _ = writeln!(
                o,
                "Users were first hurt at {}. No divergence preceded it.\n",
                when(i)
            );
        }
        _ => o.push_str("No impact was found.\n\n"),
    }
    if let Some(a) = &d.detection.earliest_alert {
        let _ = writeln!(o, "The earliest alert the logs support: {}.\n", alert(a));
    }
    for m in &d.detection.annotations {
        moment(&mut o, m);
    }
    o.push_str("*To fill: how it was actually noticed, and by whom.*\n\n");

    o.push_str("## 5. Resolution\n\n");
    match &d.resolution.change {
        Some(c) => {
            let _ = writeln!(o, "**Ended by (likely):** {}.\n", change(c));
        }
        None => o.push_str("No change was found that ended the impact.\n\n"),
    }
    if let Some(e) = &d.resolution.impact_end {
        let _ = writeln!(o, "Users were no longer hurt from {}.\n", when(e));
    }
    if !d.resolution.signals_back.is_empty() {
        o.push_str("Back to baseline:\n\n");
        for b in &d.resolution.signals_back {
            let _ = writeln!(o, "- {} at {}", md_code(&b.signal), when(&b.time));
        }
        o.push('\n');
    }
    if !d.resolution.still_diverging.is_empty() {
        let names: Vec<String> = d
            .resolution
            .still_diverging
            .iter()
            .map(|s| md_code(s))
            .collect();
        let _ = writeln!(
            o,
            "Still away from their baseline when the logs end: {}.\n",
            names.join(", ")
        );
    }
    for m in &d.resolution.annotations {
        moment(&mut o, m);
    }

    o.push_str("## 6. Corrective and preventive actions\n\n");
    if !d.alerts.is_empty() {
        o.push_str(
            "Alerts that would have fired earliest (threshold from each signal's baseline):\n\n",
        );
        for a in d.alerts.iter().take(MAX_ALERTS) {
            let _ = writeln!(o, "- [ ] Alert on {}", alert(a));
        }
        if d.alerts.len() > MAX_ALERTS {
            let _ = writeln!(
                o,
                "- … and {} more in `--format json`",
                d.alerts.len() - MAX_ALERTS
            );
        }
        o.push('\n');
    }
    o.push_str(
        "*To fill: owner, ticket and due date for each action; what prevents the trigger.*\n\n",
    );

    o.push_str("## 7. What went well, what went wrong, where we got lucky\n\n");
    for (head, facts) in [
        ("What went well", &d.reflections.went_well),
        ("What went wrong", &d.reflections.went_wrong),
        ("Where we got lucky", &d.reflections.lucky),
    ] {
        let _ = writeln!(o, "### {head}\n");
        for f in facts {
            let _ = writeln!(o, "- {}", md_text(f));
        }
        o.push_str("- *To fill.*\n\n");
    }

    o.push_str("## 8. Supporting information\n\n");
    o.push_str(
        "| source | format | kind | zone | clock offset | events | unparsed | first | last |\n",
    );
    o.push_str("| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |\n");
    for s in &d.sources {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md_text(&s.name),
            md_text(&s.format),
            md_text(&s.kind),
            md_text(&s.zone),
            s.clock_offset_seconds
                .map(|c| format!("{c:+.1} s"))
                .unwrap_or_else(|| "–".into()),
            s.events,
            s.unparsed,
            s.first.as_ref().map_or("–", |w| w.utc.as_str()),
            s.last.as_ref().map_or("–", |w| w.utc.as_str()),
        );
    }
    o.push('\n');
    for w in &d.warnings {
        let _ = writeln!(o, "- Warning: {}", md_text(w));
    }
    let _ = writeln!(
        o,
        "Drafted by {} (onset {}{}).",
        md_code(&d.generated_by.command),
        d.generated_by.version,
        if d.generated_by.aligned {
            ", clocks aligned"
        } else {
            ""
        }
    );
    o
}

/// Alerts listed in the Markdown and HTML (all are in the JSON).
pub const MAX_ALERTS: usize = 8;
