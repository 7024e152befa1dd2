//! Drawing the state: each pane is a function over `&App` into a frame
//! area. Nothing here changes the state or reads the index.

pub mod detail;
pub mod lanes;
pub mod log;
pub mod story;

use chrono::TimeZone;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::app::{App, Mode, Prompt};
use super::cells::fit;
use crate::incident::annotations::Mark;

/// Where each pane goes for a terminal size.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// The signal lanes, the marks row and the time axis.
    pub lanes: Rect,
    /// Story or log.
    pub main: Rect,
    /// Details of the selection.
    pub detail: Rect,
    /// The status bar (or the prompt).
    pub status: Rect,
}

/// Lanes shown at most.
pub const MAX_LANES: usize = 5;

/// The layout of a `size` terminal: lanes on top (one row each on a small
/// terminal, three on a tall one), the main pane, the detail pane beside
/// it on a wide terminal or below it, the status bar.
pub fn layout(size: (u16, u16), lanes: usize) -> Areas {
    let area = Rect::new(0, 0, size.0, size.1);
    let tall = size.1 >= 40;
    let lane_rows: u16 = if tall { 3 } else { 1 };
    let n = lanes.clamp(1, MAX_LANES) as u16;
    // Whole lanes only: as many rows each as fit in a third of the screen.
    let per = (size.1 / 3)
        .saturating_sub(2)
        .checked_div(n)
        .unwrap_or(1)
        .clamp(1, lane_rows);
    let lanes_h = (n * per + 2).min(size.1 / 3);
    let [lanes, rest, status] = Layout::vertical([
        Constraint::Length(lanes_h),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (main, detail) = if size.0 >= 150 {
        let [m, d] = Layout::horizontal([Constraint::Min(60), Constraint::Length(size.0 * 2 / 5)])
            .areas(rest);
        (m, d)
    } else {
        let dh = if tall { 12 } else { 6 }.min(rest.height / 2);
        let [m, d] = Layout::vertical([Constraint::Min(1), Constraint::Length(dh)]).areas(rest);
        (m, d)
    };
    Areas {
        lanes,
        main,
        detail,
        status,
    }
}

/// The layout of the app's screen.
pub fn app_layout(app: &App) -> Areas {
    let lanes = app
        .incident
        .as_ref()
        .map_or(1, |i| lanes::lane_signals(app, i).len());
    layout(app.size, lanes)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let a = app_layout(app);
    lanes::draw(frame, a.lanes, app);
    match app.mode {
        Mode::Story => story::draw(frame, a.main, app),
        Mode::Log => log::draw(frame, a.main, app),
    }
    detail::draw(frame, a.detail, app);
    status(frame, a.status, app);
    if app.help {
        help(frame, frame.area());
    }
}

/// A time as the views show it: UTC, or the display zone with its offset.
pub fn time(app: &App, us: i64, with_date: bool) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_micros(us) else {
        return us.to_string();
    };
    match (app.zoned, app.zone) {
        (true, Some(z)) => {
            let l = z.from_utc_datetime(&t.naive_utc());
            if with_date {
                l.format("%Y-%m-%d %H:%M:%S%.3f %:z").to_string()
            } else {
                l.format("%H:%M:%S%.3f").to_string()
            }
        }
        _ => {
            if with_date {
                t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string()
            } else {
                t.format("%H:%M:%S%.3f").to_string()
            }
        }
    }
}

/// A stable colour per source name.
pub fn source_color(name: &str) -> Color {
    const PALETTE: [Color; 6] = [
        Color::Cyan,
        Color::Green,
        Color::Magenta,
        Color::Blue,
        Color::Yellow,
        Color::LightRed,
    ];
    let h = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    PALETTE[h as usize % PALETTE.len()]
}

/// A level's colour.
pub fn level_style(level: &str) -> Style {
    match level {
        "error" | "fatal" => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        "warn" => Style::default().fg(Color::Yellow),
        "unknown" => Style::default().fg(Color::DarkGray),
        _ => Style::default(),
    }
}

/// A bordered block titled `title`.
pub fn block(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(Span::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

fn status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let w = area.width as usize;
    let line = match &app.prompt {
        Some(Prompt::Query(s)) => format!("/{s}▏"),
        Some(Prompt::GoTo(s)) => format!("go to (2026-11-21 09:16, 09:16:30, -5m): {s}▏"),
        Some(Prompt::Mark) => {
            let marks: Vec<String> = Mark::ALL
                .iter()
                .enumerate()
                .map(|(i, m)| format!("{} {}", i + 1, m.label()))
                .collect();
            format!("mark as: {}  (Esc cancels)", marks.join(" · "))
        }
        Some(Prompt::Comment(m, s)) => format!("{} — comment: {s}▏", m.label()),
        None => {
            let mut parts = Vec::new();
            // The time axis is the analysis': before it, no time to show.
            if app.incident.is_some() || !app.log.is_empty() {
                parts.push(time(app, app.cursor, true));
            }
            parts.push(match app.mode {
                Mode::Story => "story".into(),
                Mode::Log if app.log.is_empty() => "log".into(),
                Mode::Log => format!("log {}/{}", app.log_sel + 1, app.log.len()),
            });
            if let Some(s) = &app.filter.source {
                parts.push(format!("source={s}"));
            }
            if let Some(k) = &app.filter.kind {
                parts.push(format!("kind={k}"));
            }
            if !app.filter.levels.is_empty() {
                parts.push(format!("level={}", app.filter.levels.join("|")));
            }
            if let Some(q) = &app.query {
                parts.push(format!("/{q}"));
            }
            if let Some(inc) = &app.incident {
                let events: u64 = inc.sources.iter().map(|s| s.events).sum();
                parts.push(format!("{} events", crate::cli::thousands(events)));
            }
            if let Some(n) = app.ingesting {
                parts.push(format!("ingesting… {} indexed", crate::cli::thousands(n)));
            }
            if !app.message.is_empty() {
                parts.push(app.message.clone());
            }
            parts.push("? keys".into());
            parts.join(" │ ")
        }
    };
    let style = if app.prompt.is_some() {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    } else {
        Style::default().fg(Color::Black).bg(Color::Gray)
    };
    frame.render_widget(
        Paragraph::new(Line::from(fit(&line, 0, w))).style(style),
        area,
    );
}

fn help(frame: &mut Frame<'_>, area: Rect) {
    let keys = super::keys::KEY_MAP;
    let h = (keys.len() as u16 + 2).min(area.height);
    let w = 72.min(area.width);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let lines: Vec<Line<'_>> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>20}  "), Style::default().fg(Color::Yellow)),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(block(" keys (any key closes) ")),
        r,
    );
}
