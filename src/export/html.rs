//! The draft as one self-contained HTML file: no script, no external
//! reference of any kind (styles inline, charts as inline SVG, a content
//! security policy that forbids every fetch), readable on screen and on
//! paper. Every string from the logs or the user goes through [`xml`].

use std::fmt::Write;

use super::draft::{
    alert_text, duration, num, percent, AlertRule, Change, Draft, Evidence, Moment, When,
};
use super::escape::xml;
use super::markdown::MAX_ALERTS;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}\
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
code,.q{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.85em;background:#f4f4f4;padding:0 .2em;overflow-wrap:anywhere}\
.status{display:inline-block;background:#fff3cd;border:1px solid #e0c060;padding:0 .4em;border-radius:3px}\
.fill{color:#666;font-style:italic}\
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}\
td.n{text-align:right}\
ol.tl{list-style:none;padding-left:0}ol.tl li{margin:.35rem 0;padding-left:.5rem;border-left:4px solid #ddd}\
li.likely-cause,li.ending-change{border-color:#8e44ad!important}li.first-divergence{border-color:#e67e22!important}\
li.impact-start{border-color:#d62728!important}li.impact-end{border-color:#2ca02c!important}\
li.misleading{border-color:#aaa!important;color:#555}li.annotation{border-color:#17becf!important}\
.ev{display:block;margin-left:1rem;color:#333}\
.label{font-weight:bold}\
figure{margin:1rem 0}svg{max-width:100%;height:auto;border:1px solid #eee}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}figure,li{break-inside:avoid}}";

fn when(w: &When) -> String {
    match (&w.local, &w.zone) {
        (Some(l), Some(z)) => format!(
            "<time>{}</time> <span class=\"local\">({} {})</span>",
            xml(&w.utc),
            xml(l),
            xml(z)
        ),
        _ => format!("<time>{}</time>", xml(&w.utc)),
    }
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", xml(s))
}

fn evidence(e: &Evidence, quote: Option<&str>) -> String {
    let at = code(&format!("{}:{}", e.file, e.line));
    if quote == Some(e.text.as_str()) {
        format!("<span class=\"ev\">{at}</span>")
    } else {
        format!("<span class=\"ev\">{at} {}</span>", code(&e.text))
    }
}

fn change(c: &Change) -> String {
    format!(
        "{} of {} at {}: {} ({})",
        xml(c.kind),
        code(&c.source),
        when(&c.time),
        code(&c.quote),
        code(&format!("{}:{}", c.evidence.file, c.evidence.line))
    )
}

fn moment(o: &mut String, m: &Moment) {
    let label = if m.kind == "annotation" {
        format!("annotation: {}", m.label)
    } else {
        m.label.clone()
    };
    let _ = write!(
        o,
        "<li class=\"{}\">{} {} <span class=\"label\">{}</span> — {}",
        m.kind,
        when(&m.time),
        if m.source.is_empty() {
            String::new()
        } else {
            code(&m.source)
        },
        xml(&label),
        xml(&m.text)
    );
    if let Some(q) = &m.quote {
        let _ = write!(o, ": {}", code(q));
    }
    if let Some(e) = &m.evidence {
        o.push_str(&evidence(e, m.quote.as_deref()));
    }
    o.push_str("</li>\n");
}

fn alert(a: &AlertRule) -> String {
    alert_text(a, when, code)
}

fn fill(o: &mut String, what: &str) {
    let _ = writeln!(o, "<p class=\"fill\">To fill: {what}</p>");
}

/// The draft as HTML, with `charts` (inline SVG, one per key signal).
pub fn render(d: &Draft, charts: &[String]) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>Postmortem: {}</title>", xml(&d.title));
    let _ = writeln!(o, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(o, "<h1>Postmortem: {}</h1>", xml(&d.title));
    let _ = writeln!(
        o,
        "<p><span class=\"status\">{}</span> drafted by onset {} from the logs. Every time and number below comes from them, each with the record that shows it; the parts marked <em>to fill</em> are for people. Times are UTC{}.</p>",
        xml(d.status),
        xml(&d.generated_by.version),
        d.zone.as_deref().map(|z| format!(" and {}", xml(z))).unwrap_or_default()
    );

    o.push_str("<h2>1. Summary</h2>\n<ul>\n");
    match &d.summary.impact {
        Some(i) => {
            let _ = writeln!(
                o,
                "<li><strong>Impact start:</strong> {}</li>",
                when(&i.start)
            );
            let _ = writeln!(o, "<li><strong>Impact end:</strong> {}</li>", when(&i.end));
            let _ = writeln!(
                o,
                "<li><strong>Duration:</strong> {}</li>",
                duration(i.duration_seconds)
            );
            let _ = writeln!(o, "<li><strong>Requests:</strong> {}</li>", i.requests);
            let share = i
                .failed_share
                .map(|s| format!(" ({} of requests)", percent(s)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li><strong>Failed requests:</strong> {}{share}</li>",
                i.failed_requests
            );
            let of_all = match (i.all_clients, i.affected_share) {
                (Some(n), Some(s)) => format!(" ({} of all {n} clients)", percent(s)),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "<li><strong>Affected clients:</strong> {}{of_all}</li>",
                i.affected_clients
            );
            let at = i
                .peak_time
                .as_ref()
                .map(|p| format!(" at {}", when(p)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li><strong>Peak error ratio:</strong> {}{at}</li>",
                percent(i.peak_error_ratio)
            );
            if let (Some(l), Some(s)) = (i.latency_at_peak_seconds, &i.latency_signal) {
                let _ = writeln!(
                    o,
                    "<li><strong>Latency at the peak:</strong> {} s ({})</li>",
                    num(l),
                    code(s)
                );
            }
            let _ = writeln!(
                o,
                "<li><strong>Impact read from:</strong> {}</li>",
                code(&i.signal)
            );
        }
        None => o.push_str("<li>No impact was found in the logs.</li>\n"),
    }
    if let Some(h) = &d.summary.hypothesis {
        let _ = write!(
            o,
            "<li><strong>Root-cause hypothesis:</strong> {}",
            xml(&h.text)
        );
        if let Some(c) = &h.cause {
            let _ = write!(o, ": {}", code(&c.quote));
        }
        o.push_str(".</li>\n");
    }
    o.push_str("</ul>\n");
    if !charts.is_empty() {
        o.push_str("<h3>Key signals</h3>\n");
        for c in charts {
            let _ = writeln!(o, "<figure>{c}</figure>");
        }
        o.push_str("<p>Shaded: users hurt. Dashed: the first divergence's onset. Ticks at the foot: changes (the likely cause and the change that ended it labelled).</p>\n");
    }

    o.push_str("<h2>2. Timeline</h2>\n<ol class=\"tl\">\n");
    for m in &d.timeline {
        moment(&mut o, m);
    }
    o.push_str("</ol>\n");

    o.push_str("<h2>3. Root cause and trigger</h2>\n");
    match &d.root_cause.trigger {
        Some(c) => {
            let _ = writeln!(
                o,
                "<p><strong>Trigger (likely):</strong> {}.</p>",
                change(c)
            );
        }
        None => o.push_str(
            "<p><strong>Trigger:</strong> no change was found before the first divergence.</p>\n",
        ),
    }
    if !d.root_cause.chain.is_empty() {
        o.push_str(
            "<p><strong>Evidence chain</strong>, from the trigger to the users:</p>\n<ol>\n",
        );
        for l in &d.root_cause.chain {
            let _ = write!(
                o,
                "<li>{} {} ({}) {}",
                when(&l.time),
                code(&l.source),
                xml(&l.tier),
                xml(&l.text)
            );
            if let Some(q) = &l.quote {
                let _ = write!(o, ": {}", code(q));
            }
            if let Some(e) = &l.evidence {
                o.push_str(&evidence(e, l.quote.as_deref()));
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ol>\n");
    }
    if !d.root_cause.annotations.is_empty() {
        o.push_str("<ol class=\"tl\">\n");
        for m in &d.root_cause.annotations {
            moment(&mut o, m);
        }
        o.push_str("</ol>\n");
    }
    fill(
        &mut o,
        "why the change did this, and why it was not caught before it shipped.",
    );

    o.push_str("<h2>4. Detection</h2>\n");
    match (
        &d.detection.impact_start,
        &d.detection.first_divergence,
        d.detection.lead_seconds,
    ) {
        (Some(i), Some(f), Some(l)) => {
            let _ = writeln!(
                o,
                "<p>Users were first hurt at {}. The first divergence began at {}: <strong>{} s earlier</strong> — the lead that was lost.</p>",
                when(i),
                when(f),
                num(l.round())
            );
        }
        (Some(i), _, _) => {
            let _ = writeln!(
                o,
                "<p>Users were first hurt at {}. No divergence preceded it.</p>",
                when(i)
            );
        }
        _ => o.push_str("<p>No impact was found.</p>\n"),
    }
    if let Some(a) = &d.detection.earliest_alert {
        let _ = writeln!(
            o,
            "<p>The earliest alert the logs support: {}.</p>",
            alert(a)
        );
    }
    if !d.detection.annotations.is_empty() {
        o.push_str("<ol class=\"tl\">\n");
        for m in &d.detection.annotations {
            moment(&mut o, m);
        }
        o.push_str("</ol>\n");
    }
    fill(&mut o, "how it was actually noticed, and by whom.");

    o.push_str("<h2>5. Resolution</h2>\n");
    match &d.resolution.change {
        Some(c) => {
            let _ = writeln!(
                o,
                "<p><strong>Ended by (likely):</strong> {}.</p>",
                change(c)
            );
        }
        None => o.push_str("<p>No change was found that ended the impact.</p>\n"),
    }
    if let Some(e) = &d.resolution.impact_end {
        let _ = writeln!(o, "<p>Users were no longer hurt from {}.</p>", when(e));
    }
    if !d.resolution.signals_back.is_empty() {
        o.push_str("<p>Back to baseline:</p>\n<ul>\n");
        for b in &d.resolution.signals_back {
            let _ = writeln!(o, "<li>{} at {}</li>", code(&b.signal), when(&b.time));
        }
        o.push_str("</ul>\n");
    }
    if !d.resolution.still_diverging.is_empty() {
        let names: Vec<String> = d
            .resolution
            .still_diverging
            .iter()
            .map(|s| code(s))
            .collect();
        let _ = writeln!(
            o,
            "<p>Still away from their baseline when the logs end: {}.</p>",
            names.join(", ")
        );
    }
    if !d.resolution.annotations.is_empty() {
        o.push_str("<ol class=\"tl\">\n");
        for m in &d.resolution.annotations {
            moment(&mut o, m);
        }
        o.push_str("</ol>\n");
    }

    o.push_str("<h2>6. Corrective and preventive actions</h2>\n");
    if !d.alerts.is_empty() {
        o.push_str("<p>Alerts that would have fired earliest (threshold from each signal's baseline):</p>\n<ul>\n");
        for a in d.alerts.iter().take(MAX_ALERTS) {
            let _ = writeln!(o, "<li>☐ Alert on {}</li>", alert(a));
        }
        if d.alerts.len() > MAX_ALERTS {
            let _ = writeln!(
                o,
                "<li>… and {} more in <code>--format json</code></li>",
                d.alerts.len() - MAX_ALERTS
            );
        }
        o.push_str("</ul>\n");
    }
    fill(
        &mut o,
        "owner, ticket and due date for each action; what prevents the trigger.",
    );

    o.push_str("<h2>7. What went well, what went wrong, where we got lucky</h2>\n");
    for (head, facts) in [
        ("What went well", &d.reflections.went_well),
        ("What went wrong", &d.reflections.went_wrong),
        ("Where we got lucky", &d.reflections.lucky),
    ] {
        let _ = writeln!(o, "<h3>{head}</h3>\n<ul>");
        for f in facts {
            let _ = writeln!(o, "<li>{}</li>", xml(f));
        }
        o.push_str("<li class=\"fill\">To fill.</li>\n</ul>\n");
    }

    o.push_str("<h2>8. Supporting information</h2>\n<table>\n<tr><th>source</th><th>format</th><th>kind</th><th>zone</th><th>clock offset</th><th>events</th><th>unparsed</th><th>first</th><th>last</th></tr>\n");
    for s in &d.sources {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            code(&s.name),
            xml(&s.format),
            xml(&s.kind),
            xml(&s.zone),
            s.clock_offset_seconds
                .map(|c| format!("{c:+.1} s"))
                .unwrap_or_else(|| "–".into()),
            s.events,
            s.unparsed,
            s.first.as_ref().map_or("–".into(), |w| xml(&w.utc)),
            s.last.as_ref().map_or("–".into(), |w| xml(&w.utc)),
        );
    }
    o.push_str("</table>\n");
    if !d.warnings.is_empty() {
        o.push_str("<ul>\n");
        for w in &d.warnings {
            let _ = writeln!(o, "<li>Warning: {}</li>", xml(w));
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(
        o,
        "<p>Drafted by {} (onset {}{}).</p>",
        code(&d.generated_by.command),
        xml(&d.generated_by.version),
        if d.generated_by.aligned {
            ", clocks aligned"
        } else {
            ""
        }
    );
    o.push_str("</body>\n</html>\n");
    o
}
