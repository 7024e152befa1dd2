//! The signal lanes: one compact chart per key signal over the zoomed
//! window, with the first divergence's onset, the impact window, the
//! changes (by kind), the annotations and the cursor marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::Frame;

use super::super::app::App;
use super::super::cells::fit;
use super::time;
use crate::analysis::report::ChangeKind;
use crate::incident::{Incident, Series};

/// Columns of the lane labels: wider on a wide terminal.
fn label_width(lanes: Rect) -> u16 {
    if lanes.width >= 160 {
        36
    } else {
        24
    }
}

/// Where the charts are drawn inside the lanes' area.
pub fn chart_area(lanes: Rect) -> Rect {
    let label = label_width(lanes);
    Rect::new(
        lanes.x + label.min(lanes.width),
        lanes.y,
        lanes.width.saturating_sub(label),
        lanes.height,
    )
}

const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The column of time `ts` in a chart of `width` columns over `window`.
fn column(ts: i64, window: (i64, i64), width: u16) -> Option<u16> {
    let (a, b) = window;
    if ts < a || ts >= b || width == 0 {
        return None;
    }
    Some(((ts - a) as f64 / (b - a) as f64 * f64::from(width)) as u16)
}

/// A change's mark on the marks row.
pub fn change_mark(kind: ChangeKind) -> char {
    match kind {
        ChangeKind::Deploy => 'D',
        ChangeKind::Restart => 'R',
        ChangeKind::Reload => 'L',
        ChangeKind::Schema => 'S',
        ChangeKind::Backend => 'B',
    }
}

/// Each column's value over the window: the largest of the buckets it
/// covers (a spike narrower than a column stays visible).
fn resample(inc: &Incident, s: &Series, window: (i64, i64), width: u16) -> Vec<Option<f64>> {
    let g = &inc.grid;
    (0..width)
        .map(|c| {
            let t0 = window.0 + (window.1 - window.0) * i64::from(c) / i64::from(width);
            let t1 = window.0 + (window.1 - window.0) * i64::from(c + 1) / i64::from(width);
            let b0 = ((t0 - g.start) / g.width).max(0) as usize;
            let b1 = (((t1 - g.start) + g.width - 1) / g.width).max(b0 as i64 + 1) as usize;
            s.values
                .get(b0..b1.min(s.values.len()))
                .unwrap_or(&[])
                .iter()
                .flatten()
                .copied()
                .reduce(f64::max)
        })
        .collect()
}

/// The signals the lanes show: the key signals; with a filter, the
/// signals of what it lets through (a level filter: their error or
/// warning rates).
pub fn lane_signals<'a>(app: &App, inc: &'a Incident) -> Vec<&'a Series> {
    let f = &app.filter;
    if f.is_empty() {
        return inc.key_signals();
    }
    let kind_of = |source: &str| inc.source(source).map_or("", |s| s.kind.as_str());
    let wanted_metrics: &[&str] = if f.levels.is_empty() {
        &[
            "requests",
            "5xx_ratio",
            "latency_p95",
            "connections",
            "slow_queries",
            "errors",
            "events",
        ]
    } else if f.levels.contains(&"warn") {
        &["warnings", "errors"]
    } else {
        &["errors"]
    };
    let mut out: Vec<&Series> = Vec::new();
    for metric in wanted_metrics {
        for s in inc.signals.iter().filter(|s| s.metric == *metric) {
            let pass = f.source.as_ref().is_none_or(|x| *x == s.source)
                && f.kind.as_ref().is_none_or(|k| k == kind_of(&s.source));
            if pass && out.len() < super::MAX_LANES {
                out.push(s);
            }
        }
    }
    out
}

/// Draws the lanes, the marks row and the time axis.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let buf = frame.buffer_mut();
    let Some(inc) = &app.incident else {
        let msg = if app.ingesting.is_some() {
            "reading the logs… the lanes appear when the analysis is ready"
        } else {
            "analysing…"
        };
        buf.set_string(
            area.x,
            area.y,
            fit(msg, 0, area.width as usize),
            Style::default().fg(Color::DarkGray),
        );
        return;
    };
    let label_w = label_width(area);
    if area.height < 3 || area.width <= label_w + 4 {
        return;
    }
    let chart = chart_area(area);
    let lanes = lane_signals(app, inc);
    let rows_for_lanes = area.height - 2;
    let per = if lanes.is_empty() {
        1
    } else {
        (rows_for_lanes / lanes.len() as u16).clamp(1, 3)
    };
    let shown = ((rows_for_lanes / per) as usize).min(lanes.len());
    let w = chart.width;
    let col = |ts: i64| column(ts, app.window, w);
    let impact = inc.impact.as_ref().map(|i| (i.start, i.end));
    let onset = inc.first.as_ref().map(|f| f.divergence.onset);
    let cursor = col(app.cursor);
    for (k, s) in lanes.iter().take(shown).enumerate() {
        let y0 = area.y + k as u16 * per;
        let values = resample(inc, s, app.window, w);
        let lo = values
            .iter()
            .flatten()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(0.0);
        let hi = values
            .iter()
            .flatten()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        // The label: the signal, its value at the cursor.
        let at = inc
            .grid
            .bucket(app.cursor)
            .and_then(|b| s.values.get(b).copied().flatten());
        let label = format!("{} {}", s.name, at.map(short).unwrap_or_default());
        let is_first = inc
            .first
            .as_ref()
            .is_some_and(|f| f.divergence.signal == s.name);
        let lstyle = if is_first {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(super::source_color(&s.source))
        };
        buf.set_string(area.x, y0, fit(&label, 0, (label_w - 1) as usize), lstyle);
        if per > 1 {
            buf.set_string(
                area.x,
                y0 + 1,
                fit(
                    &format!(" max {}", short(hi.max(0.0))),
                    0,
                    (label_w - 1) as usize,
                ),
                Style::default().fg(Color::DarkGray),
            );
        }
        for (c, v) in values.iter().enumerate() {
            let x = chart.x + c as u16;
            let t = app.window.0 + (app.window.1 - app.window.0) * c as i64 / i64::from(w.max(1));
            let mut style = Style::default().fg(if is_first { Color::Yellow } else { Color::Cyan });
            if impact.is_some_and(|(a, b)| t >= a && t < b) {
                style = style.bg(Color::Rgb(80, 0, 0));
            }
            if onset.and_then(col) == Some(c as u16) {
                style = style.bg(Color::Rgb(90, 90, 0));
            }
            if cursor == Some(c as u16) {
                style = style.add_modifier(Modifier::REVERSED);
            }
            // Eighths of a cell, stacked over the lane's rows.
            let eighths = v.map_or(0, |v| {
                let f = ((v - lo) / span).clamp(0.0, 1.0);
                let e = (f * f64::from(per * 8)).round() as u16;
                if v > lo && e == 0 {
                    1
                } else {
                    e
                }
            });
            for r in 0..per {
                let y = y0 + per - 1 - r;
                let fill = eighths.saturating_sub(r * 8).min(8);
                let ch = if v.is_none() && r == 0 {
                    '·'
                } else {
                    BARS[fill as usize]
                };
                set(buf, x, y, ch, style);
            }
        }
    }
    // The marks row: changes by kind, annotations, the onset, the impact.
    let ym = area.y + rows_for_lanes;
    buf.set_string(
        area.x,
        ym,
        fit("changes ▲onset !impact", 0, (label_w - 1) as usize),
        Style::default().fg(Color::DarkGray),
    );
    for c in &inc.changes {
        if let Some(x) = col(c.time) {
            set(
                buf,
                chart.x + x,
                ym,
                change_mark(c.kind),
                Style::default()
                    .fg(Color::Magenta)
                    .add_modifier(Modifier::BOLD),
            );
        }
    }
    for a in &app.annotations {
        if let Some(x) = col(a.ts) {
            set(
                buf,
                chart.x + x,
                ym,
                '*',
                Style::default().fg(Color::LightCyan),
            );
        }
    }
    if let Some(x) = impact.and_then(|(a, _)| col(a)) {
        set(
            buf,
            chart.x + x,
            ym,
            '!',
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
    }
    if let Some(x) = onset.and_then(col) {
        set(
            buf,
            chart.x + x,
            ym,
            '▲',
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        );
    }
    if let Some(x) = cursor {
        if let Some(cell) = buf.cell_mut((chart.x + x, ym)) {
            cell.set_style(Style::default().add_modifier(Modifier::REVERSED));
        }
    }
    // The time axis: the window's ends and the cursor.
    let ya = ym + 1;
    let left = time(app, app.window.0, false);
    let right = time(app, app.window.1, false);
    let dim = Style::default().fg(Color::DarkGray);
    buf.set_string(
        area.x,
        ya,
        fit(&time(app, app.cursor, false), 0, (label_w - 1) as usize),
        Style::default().add_modifier(Modifier::BOLD),
    );
    buf.set_string(chart.x, ya, fit(&left, 0, w as usize), dim);
    if w as usize > left.len() + right.len() + 2 {
        buf.set_string(chart.x + w - right.len() as u16, ya, &right, dim);
    }
}

fn set(buf: &mut Buffer, x: u16, y: u16, ch: char, style: Style) {
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_char(ch).set_style(style);
    }
}

/// A value in a few characters: `37`, `0.97`, `1.2k`.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
