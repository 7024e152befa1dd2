//! Keys and mouse to actions: a pure function of the event and the state
//! (a prompt takes the keys as text). lnav's keys where lnav has one.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use super::app::{Action, App, Prompt};

/// The action of a key, if any.
pub fn key_action(key: KeyEvent, app: &App) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
        return Some(Action::Quit);
    }
    if app.prompt.is_some() {
        return Some(match key.code {
            KeyCode::Esc => Action::Cancel,
            KeyCode::Enter => Action::Submit,
            KeyCode::Backspace => Action::Erase,
            KeyCode::Char(c) if !ctrl => Action::Type(c),
            _ => return None,
        });
    }
    if app.help {
        return Some(match key.code {
            KeyCode::Char('q') => Action::Quit,
            _ => Action::Cancel,
        });
    }
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Cancel,
        KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
        KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
        KeyCode::PageUp | KeyCode::Char('b') => Action::Page(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => Action::Page(1),
        KeyCode::Home => Action::Home,
        KeyCode::End | KeyCode::Char('G') => Action::End,
        KeyCode::Left | KeyCode::Char('h') => Action::Scroll(-8),
        KeyCode::Right | KeyCode::Char('l') => Action::Scroll(8),
        KeyCode::Tab | KeyCode::BackTab => Action::ToggleMode,
        KeyCode::Enter => Action::Enter,
        KeyCode::Char('f') => Action::FirstDivergence,
        KeyCode::Char('d') => Action::Divergence(true),
        KeyCode::Char('D') => Action::Divergence(false),
        KeyCode::Char('e') => Action::Error(true),
        KeyCode::Char('E') => Action::Error(false),
        KeyCode::Char('c') => Action::Change(true),
        KeyCode::Char('C') => Action::Change(false),
        KeyCode::Char('n') => Action::Hit(true),
        KeyCode::Char('N') => Action::Hit(false),
        KeyCode::Char('z') => Action::Zoom(true),
        KeyCode::Char('Z') => Action::Zoom(false),
        KeyCode::Char('s') => Action::CycleSource,
        KeyCode::Char('K') => Action::CycleKind,
        KeyCode::Char('L') => Action::CycleLevel,
        KeyCode::Char('x') => Action::ClearFilters,
        KeyCode::Char('t') => Action::ToggleZone,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('/') => Action::Prompt(Prompt::Query(String::new())),
        KeyCode::Char('g') => Action::Prompt(Prompt::GoTo(String::new())),
        KeyCode::Char('a') => Action::Prompt(Prompt::Mark),
        _ => return None,
    })
}

/// The action of a mouse event: the wheel scrolls, a click on a lane
/// moves the cursor to that time.
pub fn mouse_action(m: MouseEvent, app: &App) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollDown => Some(Action::Move(3)),
        MouseEventKind::ScrollUp => Some(Action::Move(-3)),
        MouseEventKind::Down(_) => {
            let layout = super::view::app_layout(app);
            let lanes = layout.lanes;
            if m.row >= lanes.y && m.row < lanes.y + lanes.height {
                let chart = super::view::lanes::chart_area(lanes);
                if m.column >= chart.x && m.column < chart.x + chart.width {
                    let (a, b) = app.window;
                    let frac = f64::from(m.column - chart.x) / f64::from(chart.width.max(1));
                    return Some(Action::Seek(a + ((b - a) as f64 * frac) as i64));
                }
            }
            None
        }
        _ => None,
    }
}

/// The key map, as `?` shows it and the README lists it.
pub const KEY_MAP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move the selection"),
    ("PgUp PgDn  b Space", "a page up / down"),
    ("Home  End G", "first / last row"),
    ("← →  h l", "scroll long lines sideways (log)"),
    ("Tab", "story ↔ log"),
    (
        "Enter",
        "open the log at the story row, its evidence selected",
    ),
    ("f", "the first divergence"),
    ("d  D", "next / previous divergence onset"),
    ("e  E", "next / previous error"),
    ("c  C", "next / previous change"),
    ("g", "go to a time: 2026-11-21 09:16, 09:16:30, -5m, +30s"),
    ("/", "search (query syntax of `onset search`)"),
    ("n  N", "next / previous match"),
    ("s  K  L", "filter by source / kind / level (cycle)"),
    ("x", "clear filters and search"),
    ("z  Z", "zoom the lanes' time window in / out"),
    ("t", "UTC ↔ the --display-tz zone"),
    ("a", "annotate the selection (detection, root cause…)"),
    ("?", "this key map"),
    ("q  Ctrl-C", "quit"),
    ("mouse", "wheel scrolls; a click on a lane moves the cursor"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_key_of_the_key_map() {
        let readme = include_str!("../../README.md");
        for (keys, what) in KEY_MAP {
            let row = format!("| {keys} | {} |", what.replace('`', ""));
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
    }

    #[test]
    fn a_prompt_takes_letters_as_text_not_as_commands() {
        let mut app = App::new(None, (80, 24));
        app.prompt = Some(Prompt::Query(String::new()));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(key_action(q, &app), Some(Action::Type('q')));
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(key_action(esc, &app), Some(Action::Cancel));
    }
}
