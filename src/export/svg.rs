//! SVG charts of the key signals: the series over the whole span, with the
//! impact window shaded, the first divergence's onset as a dashed line and
//! the change events as ticks (the likely cause and the change that ended
//! it labelled). Drawn from the model's series; nothing is computed but
//! where each point goes. Colours are attributes, not CSS, so a chart reads
//! the same inline in the HTML and as its own file beside the Markdown.

use std::fmt::Write;

use super::escape::xml;
use crate::incident::{Incident, Series};

const W: f64 = 760.0;
const H: f64 = 170.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 34.0;
/// Most points drawn: buckets are merged (their highest value kept, so
/// peaks stay) when the grid has more.
const MAX_POINTS: usize = 350;

/// One chart of `series`, `standalone` as its own file (with the SVG
/// namespace) or inline in HTML (without).
pub fn chart(inc: &Incident, series: &Series, standalone: bool) -> String {
    let grid = &inc.grid;
    let (x0, x1) = (grid.start, inc.end());
    let span = (x1 - x0).max(1) as f64;
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let x_of = |us: i64| LEFT + ((us - x0) as f64 / span).clamp(0.0, 1.0) * pw;

    // Merge buckets so at most MAX_POINTS are drawn.
    let per = series.values.len().div_ceil(MAX_POINTS).max(1);
    let points: Vec<(i64, Option<f64>)> = series
        .values
        .chunks(per)
        .enumerate()
        .map(|(k, c)| {
            let v = c.iter().flatten().copied().filter(|v| v.is_finite());
            let max = v.fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            (grid.time_of(k * per), max)
        })
        .collect();
    let top = points
        .iter()
        .filter_map(|p| p.1)
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let bottom = points.iter().filter_map(|p| p.1).fold(0.0f64, f64::min);
    let y_of = |v: f64| TOP + ph - ((v - bottom) / (top - bottom)) * ph;

    let mut s = String::new();
    let ns = if standalone {
        " xmlns=\"http://www.w3.org/2000/svg\""
    } else {
        ""
    };
    let _ = write!(
        s,
        "<svg{ns} viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = write!(s, "<title>{}</title>", xml(&series.name));
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#ffffff\"/>"
    );
    // The impact window.
    if let Some(i) = &inc.impact {
        let (a, b) = (x_of(i.start), x_of(i.end));
        let _ = write!(
            s,
            "<rect x=\"{a:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{ph}\" fill=\"#d62728\" fill-opacity=\"0.13\"/>",
            (b - a).max(1.0)
        );
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#a01010\">users hurt</text>",
            a + 3.0,
            TOP + 11.0
        );
    }
    // Axes and the value range.
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#888888\"/>",
        TOP + ph,
        LEFT + pw,
        TOP + ph
    );
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"#888888\"/>",
        TOP + ph
    );
    for v in [bottom, top] {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#333333\">{}</text>",
            LEFT - 4.0,
            y_of(v) + 4.0,
            xml(&short(v))
        );
    }
    for (k, anchor) in [(0usize, "start"), (1, "middle"), (2, "end")] {
        let us = x0 + (x1 - x0) * k as i64 / 2;
        let label = crate::render::t(us);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#333333\">{} UTC</text>",
            x_of(us),
            H - 6.0,
            xml(label.get(11..19).unwrap_or(&label))
        );
    }
    // Change events: ticks at the foot, the cause and the fix labelled.
    let cause = inc.first.as_ref().and_then(|f| f.change.as_ref());
    for (k, c) in inc.changes.iter().enumerate() {
        let x = x_of(c.time);
        let label = if cause.is_some_and(|z| z.time == c.time && z.source == c.source) {
            Some("cause")
        } else if inc.ending_change == Some(k) {
            Some("fix")
        } else {
            None
        };
        let h = if label.is_some() { ph } else { 8.0 };
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#8e44ad\" stroke-width=\"1.5\"/>",
            TOP + ph - h,
            TOP + ph
        );
        if let Some(label) = label {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#8e44ad\">{label}</text>",
                x + 3.0,
                TOP + ph - 4.0
            );
        }
    }
    // The first divergence's onset.
    if let Some(f) = &inc.first {
        let x = x_of(f.divergence.onset);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e67e22\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
            TOP + ph
        );
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#b35900\">onset</text>",
            x + 3.0,
            TOP + 24.0
        );
    }
    // The series, broken where there is no data.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &(ts, v) in &points {
        match v {
            Some(v) => {
                if let Some(run) = runs.last_mut() {
                    run.push((x_of(ts), y_of(v)));
                }
            }
            None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
            None => {}
        }
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let mut d = String::new();
        for (i, (x, y)) in run.iter().enumerate() {
            let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "" } else { " " });
        }
        if run.len() == 1 {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.5\" fill=\"#1f77b4\"/>",
                run[0].0, run[0].1
            );
        } else {
            let _ = write!(
                s,
                "<polyline points=\"{d}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>"
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{LEFT}\" y=\"14\" font-size=\"13\" font-weight=\"bold\" fill=\"#111111\">{}</text>",
        xml(&series.name)
    );
    s.push_str("</svg>");
    s
}

/// A value label: at most three significant digits.
fn short(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}
