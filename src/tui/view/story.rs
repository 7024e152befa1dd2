//! The story pane: the incident's key moments, one row each.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::super::app::App;
use super::super::cells::fit;
use super::{block, source_color, time};
use crate::incident::story::{Beat, Row};
use crate::incident::Incident;

/// The label and colour of a beat.
pub fn beat_label(beat: Beat) -> (&'static str, Style) {
    let s = Style::default();
    match beat {
        Beat::Cause => (
            "LIKELY CAUSE",
            s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        ),
        Beat::Change => ("change", s.fg(Color::Magenta)),
        Beat::FirstDivergence => (
            "FIRST DIVERGENCE",
            s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Beat::Onset => ("onset", s.fg(Color::Yellow)),
        Beat::Transient => ("misleading (came back)", s.fg(Color::DarkGray)),
        Beat::ErrorBurst => ("errors rise", s.fg(Color::Red)),
        Beat::NewTemplates => ("new message", s.fg(Color::Cyan)),
        Beat::ImpactStart => ("USERS HURT", s.fg(Color::Red).add_modifier(Modifier::BOLD)),
        Beat::ImpactEnd => ("recovered", s.fg(Color::Green).add_modifier(Modifier::BOLD)),
        Beat::Annotation => ("note", s.fg(Color::LightCyan).add_modifier(Modifier::BOLD)),
    }
}

/// What a story row says.
pub fn row_text(app: &App, inc: &Incident, row: &Row) -> String {
    if let Some(a) = row.annotation.and_then(|a| app.annotations.get(a)) {
        return format!("[{}] {}", a.mark.label(), a.comment);
    }
    if row.beat == Beat::Transient {
        return crate::render::misleading_text(inc, row);
    }
    let Some(first) = row.items.first().and_then(|&i| inc.timeline.get(i)) else {
        return String::new();
    };
    let text = crate::render::describe(inc, first);
    match row.beat {
        Beat::NewTemplates if row.items.len() > 1 => format!(
            "{} new messages, the first {}",
            row.items.len(),
            text.strip_prefix("first ").unwrap_or(&text)
        ),
        Beat::Change if row.items.len() > 1 => {
            format!("{text} (and {} more lines)", row.items.len() - 1)
        }
        Beat::Onset | Beat::ErrorBurst if row.items.len() > 1 => {
            format!("{text} ({} episodes)", row.items.len())
        }
        Beat::FirstDivergence => match inc.first.as_ref() {
            // Its own signal leads, whichever moved most in the episode.
            Some(f) => {
                let d = &f.divergence;
                format!(
                    "{} {} from {:.2} (peak {:.2}), {:.0} s before users were hurt",
                    d.signal,
                    match d.direction {
                        crate::analysis::divergence::Direction::Up => "rises",
                        crate::analysis::divergence::Direction::Down => "falls",
                    },
                    d.baseline,
                    d.peak,
                    f.lead_seconds
                )
            }
            None => text,
        },
        _ => text,
    }
}

/// Draws the story.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let title = format!(" story — {} moments (Tab: log) ", app.story.len());
    let b = block(&title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let Some(inc) = &app.incident else {
        return;
    };
    let h = inner.height as usize;
    let top = app
        .story_sel
        .saturating_sub(h.saturating_sub(1) / 2)
        .min(app.story.len().saturating_sub(h));
    let w = inner.width as usize;
    let lines: Vec<Line<'_>> = app
        .story
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, row)| {
            let (label, style) = beat_label(row.beat);
            let t = time(app, row.ts, false);
            let head = format!("{t} {label:<22} ");
            let src = format!("{:<12} ", fit(&row.source, 0, 12));
            let rest = w.saturating_sub(head.chars().count() + src.chars().count());
            let mut line = Line::from(vec![
                Span::raw(t),
                Span::raw(" "),
                Span::styled(format!("{label:<22} "), style),
                Span::styled(src, Style::default().fg(source_color(&row.source))),
                Span::raw(fit(&row_text(app, inc, row), 0, rest)),
            ]);
            if i == app.story_sel {
                line = line.style(Style::default().add_modifier(Modifier::REVERSED));
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
