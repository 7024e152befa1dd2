//! The detail pane: in the log, every field of the selected event, its raw
//! record, `file:line` and the other events of its request (the trace); in
//! the story, the selected moment with its evidence — for the first
//! divergence, its likely cause and the records that show it.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::super::app::{App, Mode};
use super::super::cells::fit;
use super::story::{beat_label, row_text};
use super::{block, source_color, time};
use crate::incident::story::Beat;
use crate::render::kind_name;

/// Draws the detail pane.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let b = block(" detail ");
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let w = inner.width as usize;
    let lines = match app.mode {
        Mode::Log => log_detail(app, w),
        Mode::Story => story_detail(app, w),
    };
    let lines: Vec<Line<'_>> = lines.into_iter().take(inner.height as usize).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn key(k: &str) -> Span<'static> {
    Span::styled(format!("{k}: "), Style::default().fg(Color::DarkGray))
}

fn log_detail(app: &App, w: usize) -> Vec<Line<'static>> {
    let Some(e) = app.selected_event() else {
        return vec![Line::from("no event selected")];
    };
    let ev = &e.event;
    let mut out = vec![Line::from(vec![
        Span::styled(
            time(app, e.key.ts, true),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        Span::styled(
            fit(&ev.source, 0, 30),
            Style::default().fg(source_color(&ev.source)),
        ),
        Span::raw(format!(" ({}) ", fit(&ev.kind, 0, 20))),
        Span::styled(fit(&ev.level, 0, 8), super::level_style(&ev.level)),
    ])];
    out.push(Line::from(vec![
        key("at"),
        Span::raw(fit(
            &format!("{}:{} (byte {})", ev.file, ev.line, ev.offset),
            0,
            w.saturating_sub(4),
        )),
    ]));
    let mut fields: Vec<(&String, &serde_json::Value)> = ev.fields.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let flat: Vec<String> = fields
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => format!("{k}={s}"),
            None => format!("{k}={v}"),
        })
        .collect();
    if !flat.is_empty() {
        out.push(Line::from(vec![
            key("fields"),
            Span::raw(fit(&flat.join("  "), 0, w.saturating_sub(8))),
        ]));
    }
    out.push(Line::from(key("raw")));
    for line in ev.raw.lines().take(8) {
        out.push(Line::from(format!(
            "  {}",
            fit(line, app.hscroll, w.saturating_sub(2))
        )));
    }
    if let Some((id, trace)) = &app.trace {
        out.push(Line::from(vec![
            key("trace"),
            Span::raw(fit(
                &format!("{} events with request id {id}", trace.len()),
                0,
                w.saturating_sub(7),
            )),
        ]));
        for t in trace.iter().take(12) {
            let mark = if t.file == ev.file && t.offset == ev.offset {
                "▶"
            } else {
                " "
            };
            let text = format!(
                "{mark}{} {:<12} {}",
                time(app, t.ts_micros, false),
                fit(&t.source, 0, 12),
                t.raw.lines().next().unwrap_or("")
            );
            out.push(Line::from(Span::styled(
                fit(&text, 0, w),
                Style::default().fg(source_color(&t.source)),
            )));
        }
    }
    out
}

fn story_detail(app: &App, w: usize) -> Vec<Line<'static>> {
    let (Some(inc), Some(row)) = (&app.incident, app.story.get(app.story_sel)) else {
        return vec![Line::from(if app.incident.is_some() {
            "nothing found: no divergence, no change, no impact"
        } else {
            "analysing…"
        })];
    };
    let (label, style) = beat_label(row.beat);
    let mut out = vec![
        Line::from(vec![
            Span::styled(
                time(app, row.ts, true),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw("  "),
            Span::styled(label, style),
            Span::raw("  "),
            Span::styled(
                fit(&row.source, 0, 30),
                Style::default().fg(source_color(&row.source)),
            ),
        ]),
        Line::from(fit(&row_text(app, inc, row), 0, w)),
    ];
    if row.beat == Beat::FirstDivergence {
        if let Some(f) = &inc.first {
            let d = &f.divergence;
            out.push(Line::from(fit(
                &format!(
                    "baseline {:.2} → peak {:.2} at {}; {:.0} s before users were hurt",
                    d.baseline,
                    d.peak,
                    time(app, d.peak_time, false),
                    f.lead_seconds
                ),
                0,
                w,
            )));
            match &f.change {
                Some(c) => {
                    out.push(Line::from(vec![
                        key("likely cause"),
                        Span::styled(
                            fit(
                                &format!(
                                    "{} ({}) at {}, {:.0} s before: {}",
                                    kind_name(c.kind),
                                    c.source,
                                    time(app, c.time, false),
                                    (d.onset - c.time) as f64 / 1e6,
                                    c.description
                                ),
                                0,
                                w.saturating_sub(14),
                            ),
                            Style::default().fg(Color::Magenta),
                        ),
                    ]));
                    out.push(Line::from(format!(
                        "  {}",
                        fit(&format!("{}:{}", c.file, c.line), 0, w.saturating_sub(2))
                    )));
                }
                None => out.push(Line::from(vec![
                    key("likely cause"),
                    Span::raw("no change found before it"),
                ])),
            }
            out.push(Line::from(key("evidence (Enter opens the log here)")));
            for e in &inc.evidence {
                out.push(Line::from(format!(
                    "  {}",
                    fit(
                        &format!("{}:{}  {}", e.file, e.line, e.text),
                        0,
                        w.saturating_sub(2)
                    )
                )));
            }
            return out;
        }
    }
    if let Some(r) = app.row_record(row) {
        out.push(Line::from(key("evidence (Enter opens the log here)")));
        out.push(Line::from(format!(
            "  {}",
            fit(&format!("{}:{}", r.file, r.line), 0, w.saturating_sub(2))
        )));
        out.push(Line::from(format!(
            "  {}",
            fit(&r.text, 0, w.saturating_sub(2))
        )));
    }
    if row.items.len() > 1 {
        out.push(Line::from(key("all of them")));
        for &i in row.items.iter().take(20) {
            if let Some(item) = inc.timeline.get(i) {
                out.push(Line::from(format!(
                    "  {} {}",
                    time(app, item.ts, false),
                    fit(&crate::render::describe(inc, item), 0, w.saturating_sub(16))
                )));
            }
        }
    }
    out
}
