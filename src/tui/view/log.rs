//! The log pane: every event of every source on one axis, one row each,
//! from the window the worker loaded; the query's words highlighted.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::super::app::App;
use super::super::cells::fit;
use super::{block, level_style, source_color, time};

/// The plain words of a query (no `field:value`, no operators), lower-cased.
pub fn query_words(q: &str) -> Vec<String> {
    q.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"')
        .filter(|w| !w.is_empty() && !w.contains(':'))
        .filter(|w| !matches!(*w, "AND" | "OR" | "NOT"))
        .map(|w| w.trim_start_matches(['+', '-']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `text` as spans, the `words` highlighted.
fn highlighted(text: String, words: &[String]) -> Vec<Span<'static>> {
    if words.is_empty() {
        return vec![Span::raw(text)];
    }
    let lower = text.to_lowercase();
    // Highlight only where lower-casing kept byte positions (ASCII-safe).
    if lower.len() != text.len() {
        return vec![Span::raw(text)];
    }
    let mut marks = vec![false; text.len()];
    for w in words {
        let mut from = 0;
        while let Some(i) = lower[from..].find(w.as_str()) {
            let s = from + i;
            marks[s..s + w.len()].iter_mut().for_each(|m| *m = true);
            from = s + w.len().max(1);
        }
    }
    let mut spans = Vec::new();
    let mut start = 0;
    let hl = Style::default().fg(Color::Black).bg(Color::Yellow);
    while start < text.len() {
        let on = marks[start];
        let mut end = start;
        while end < text.len() && marks[end] == on {
            end += 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let piece = text[start..end].to_string();
        spans.push(if on {
            Span::styled(piece, hl)
        } else {
            Span::raw(piece)
        });
        start = end;
    }
    spans
}

/// Draws the log.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let title = if app.log.is_empty() && app.ingesting == Some(0) {
        " log — the index is being built: rows come with its first commit (Tab: story) ".to_string()
    } else if app.log.is_empty() && app.loading() {
        " log — loading… (Tab: story) ".to_string()
    } else if app.log.is_empty() && !app.filter.is_empty() {
        " log — no events pass the filters (Tab: story) ".to_string()
    } else if app.log.is_empty() {
        " log — no events (Tab: story) ".to_string()
    } else {
        " log — all sources, one time axis (Tab: story) ".to_string()
    };
    let b = block(&title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let h = inner.height as usize;
    let top = app
        .log_sel
        .saturating_sub(h.saturating_sub(1) / 2)
        .min(app.log.len().saturating_sub(h));
    let w = inner.width as usize;
    let words = app.query.as_deref().map(query_words).unwrap_or_default();
    let shift_of = |src: &str| {
        app.incident
            .as_ref()
            .and_then(|i| i.source(src).map(|s| s.shift))
            .unwrap_or(0)
    };
    let lines: Vec<Line<'_>> = app
        .log
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, e)| {
            let ev = &e.event;
            let t = time(app, e.key.ts + shift_of(&ev.source), false);
            let src = format!("{:<12} ", fit(&ev.source, 0, 12));
            let lvl = format!("{:<5} ", fit(&ev.level, 0, 5));
            let used = t.chars().count() + 1 + src.len() + lvl.len();
            let msg = ev
                .message
                .lines()
                .next()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| ev.raw.lines().next().unwrap_or(""));
            let text = fit(msg, app.hscroll, w.saturating_sub(used));
            let mut spans = vec![
                Span::styled(t, Style::default().fg(Color::DarkGray)),
                Span::raw(" "),
                Span::styled(src, Style::default().fg(source_color(&ev.source))),
                Span::styled(lvl, level_style(&ev.level)),
            ];
            spans.extend(highlighted(text, &words));
            let mut line = Line::from(spans);
            if i == app.log_sel {
                line = line.style(Style::default().add_modifier(Modifier::REVERSED));
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_highlights_its_plain_words_only() {
        assert_eq!(
            query_words("QueuePool AND status:504 NOT \"too many\""),
            ["queuepool", "too", "many"]
        );
        let spans = highlighted("x QueuePool limit".into(), &["queuepool".into()]);
        assert_eq!(spans.len(), 3);
        assert_eq!(spans[1].content, "QueuePool");
    }
}
