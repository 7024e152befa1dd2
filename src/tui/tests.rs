//! Key→state tests and screen snapshots on the bundled incident
//! (`sample-logs/`), with the worker's requests answered in line.

use std::sync::OnceLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::app::{Action, App, Mode, Request};
use super::browse::Browser;
use super::{keys, view, worker};
use crate::incident::story::Beat;
use crate::incident::Incident;
use crate::index::Store;

/// The sample incident, ingested once per test run into a scratch index.
/// Paths are given relative to the package root so snapshots do not
/// depend on where the repository lives.
fn sample() -> &'static (tempfile::TempDir, Incident) {
    static SAMPLE: OnceLock<(tempfile::TempDir, Incident)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        // Unit tests run in the package root.
        let opts = crate::ingest::IngestOptions {
            index_dir: dir.path().join("idx"),
            paths: vec!["sample-logs".into()],
            ..Default::default()
        };
        crate::ingest::ingest(&opts).expect("ingest");
        let store = Store::open(&dir.path().join("idx")).expect("open");
        let incident = crate::analyze::incident(&store, &Default::default()).expect("analysis");
        (dir, incident)
    })
}

fn browser() -> Browser {
    Browser::new(Store::open(&sample().0.path().join("idx")).expect("open")).expect("browser")
}

/// An app on the sample incident, `w`×`h`.
fn app(w: u16, h: u16) -> App {
    let mut app = App::new(Some(chrono_tz::America::Chicago), (w, h));
    let reqs = app.update(Action::Analysed(Box::new(sample().1.clone())));
    assert!(reqs.is_empty());
    app
}

/// Applies `action`, then answers every request as the worker would.
fn act(app: &mut App, b: &mut Browser, action: Action) {
    let mut pending: Vec<Request> = app.update(action);
    while let Some(r) = pending.pop() {
        if matches!(r, Request::Save(_)) {
            continue;
        }
        let answer = worker::handle(b, r);
        pending.extend(app.update(answer));
    }
}

fn press(app: &mut App, b: &mut Browser, code: KeyCode) {
    let action = keys::key_action(KeyEvent::new(code, KeyModifiers::NONE), app)
        .unwrap_or_else(|| panic!("no action for {code:?}"));
    act(app, b, action);
}

fn typed(app: &mut App, b: &mut Browser, text: &str) {
    for c in text.chars() {
        press(app, b, KeyCode::Char(c));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| view::draw(f, app)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            // A wide character covers the next cell too.
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_app_opens_on_the_first_divergence_and_f_comes_back_to_it() {
    let mut b = browser();
    let mut a = app(80, 24);
    let first = a.story[a.story_sel].clone();
    assert_eq!(first.beat, Beat::FirstDivergence);
    press(&mut a, &mut b, KeyCode::Home);
    assert_eq!(a.story_sel, 0);
    press(&mut a, &mut b, KeyCode::Char('f'));
    assert_eq!(a.story[a.story_sel], first);
    assert_eq!(a.cursor, first.ts);
}

#[test]
fn enter_opens_the_log_at_the_first_divergence_with_its_evidence_selected() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Char('f'));
    press(&mut a, &mut b, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Log);
    let inc = &sample().1;
    let evidence = &inc.evidence[0];
    let sel = a.selected_event().expect("a selected event");
    assert_eq!(
        (sel.event.file.as_str(), sel.event.offset),
        (evidence.file.as_str(), evidence.offset)
    );
    // Rows are in time order across sources.
    assert!(a.log.windows(2).all(|w| w[0].key <= w[1].key));
    let sources: std::collections::HashSet<&str> =
        a.log.iter().map(|e| e.event.source.as_str()).collect();
    assert!(sources.len() >= 3, "{sources:?}");
}

#[test]
fn scrolling_the_log_loads_the_next_pages_without_gaps_or_repeats() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Home);
    press(&mut a, &mut b, KeyCode::Tab);
    press(&mut a, &mut b, KeyCode::Home);
    let mut seen = Vec::new();
    for _ in 0..1500 {
        if let Some(e) = a.selected_event() {
            seen.push(e.key);
        }
        press(&mut a, &mut b, KeyCode::Down);
    }
    seen.dedup();
    assert!(seen.len() >= 1400, "{}", seen.len());
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing keys"
    );
    // And back up again.
    let here = a.selected_event().expect("selection").key;
    for _ in 0..700 {
        press(&mut a, &mut b, KeyCode::Up);
    }
    let back = a.selected_event().expect("selection").key;
    assert!(back < here);
    let i = seen
        .iter()
        .position(|k| *k == back)
        .expect("the same rows going up");
    assert_eq!(seen[i], back);
}

#[test]
fn a_search_finds_a_record_and_n_moves_to_the_next() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Home);
    press(&mut a, &mut b, KeyCode::Char('/'));
    typed(&mut a, &mut b, "QueuePool");
    press(&mut a, &mut b, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Log);
    let first = a.selected_event().expect("a hit").clone();
    assert!(first.event.raw.contains("QueuePool"), "{}", first.event.raw);
    press(&mut a, &mut b, KeyCode::Char('n'));
    let second = a.selected_event().expect("a second hit").clone();
    assert!(second.event.raw.contains("QueuePool"));
    assert!(second.key > first.key);
    press(&mut a, &mut b, KeyCode::Char('N'));
    assert_eq!(a.selected_event().expect("back").key, first.key);
}

#[test]
fn filters_keep_only_the_chosen_level_and_source() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Tab);
    press(&mut a, &mut b, KeyCode::Char('L'));
    press(&mut a, &mut b, KeyCode::Char('L'));
    assert!(!a.log.is_empty());
    assert!(a
        .log
        .iter()
        .all(|e| matches!(e.event.level.as_str(), "error" | "fatal")));
    press(&mut a, &mut b, KeyCode::Char('x'));
    press(&mut a, &mut b, KeyCode::Char('s'));
    let only = a.filter.source.clone().expect("a source");
    assert!(a.log.iter().all(|e| e.event.source == only));
}

#[test]
fn d_c_and_e_walk_the_story_forward_and_back() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Home);
    let start = a.cursor;
    press(&mut a, &mut b, KeyCode::Char('c'));
    let c = a.story[a.story_sel].clone();
    assert!(
        matches!(c.beat, Beat::Change | Beat::Cause) && c.ts > start,
        "{c:?}"
    );
    press(&mut a, &mut b, KeyCode::Char('d'));
    let d = a.story[a.story_sel].clone();
    assert!(matches!(
        d.beat,
        Beat::FirstDivergence | Beat::Onset | Beat::Transient | Beat::ErrorBurst
    ));
    assert!(d.ts > c.ts);
    press(&mut a, &mut b, KeyCode::Char('d'));
    let d2 = a.story[a.story_sel].clone();
    assert!(d2.ts > d.ts, "{d2:?}");
    press(&mut a, &mut b, KeyCode::Char('D'));
    assert_eq!(a.story[a.story_sel].ts, d.ts);
    press(&mut a, &mut b, KeyCode::Char('E'));
    assert!(a.story[a.story_sel].ts < d.ts || a.message.starts_with("no error"));
}

#[test]
fn go_to_accepts_absolute_and_relative_times() {
    let mut b = browser();
    let mut a = app(80, 24);
    let before = a.cursor;
    press(&mut a, &mut b, KeyCode::Char('g'));
    typed(&mut a, &mut b, "-1m");
    press(&mut a, &mut b, KeyCode::Enter);
    assert_eq!(a.cursor, before - 60_000_000);
    press(&mut a, &mut b, KeyCode::Char('g'));
    typed(&mut a, &mut b, "09:20:00");
    press(&mut a, &mut b, KeyCode::Enter);
    let t = chrono::DateTime::from_timestamp_micros(a.cursor).expect("time");
    assert_eq!(t.format("%H:%M:%S").to_string(), "09:20:00");
    press(&mut a, &mut b, KeyCode::Char('g'));
    typed(&mut a, &mut b, "yesterday");
    press(&mut a, &mut b, KeyCode::Enter);
    assert!(a.message.contains("not a time"), "{}", a.message);
}

#[test]
fn an_annotation_joins_the_story_and_asks_for_a_save() {
    let mut b = browser();
    let mut a = app(80, 24);
    let rows = a.story.len();
    press(&mut a, &mut b, KeyCode::Char('a'));
    press(&mut a, &mut b, KeyCode::Char('4'));
    typed(&mut a, &mut b, "leak in 1.4.2");
    let reqs = a.update(Action::Submit);
    assert!(matches!(&reqs[..], [Request::Save(list)] if list.len() == 1));
    assert_eq!(a.story.len(), rows + 1);
    let note = &a.annotations[0];
    assert_eq!(note.mark, crate::incident::annotations::Mark::RootCause);
    assert_eq!(note.comment, "leak in 1.4.2");
    assert!(a.story.iter().any(|r| r.beat == Beat::Annotation));
}

#[test]
fn zoom_narrows_and_widens_the_window_around_the_cursor() {
    let mut b = browser();
    let mut a = app(80, 24);
    let full = a.window;
    press(&mut a, &mut b, KeyCode::Char('z'));
    let w = a.window;
    assert!(w.1 - w.0 < full.1 - full.0);
    assert!(w.0 <= a.cursor && a.cursor < w.1);
    press(&mut a, &mut b, KeyCode::Char('Z'));
    press(&mut a, &mut b, KeyCode::Char('Z'));
    assert_eq!(a.window.1 - a.window.0, full.1 - full.0);
}

#[test]
fn q_and_ctrl_c_quit() {
    let a = app(80, 24);
    assert_eq!(
        keys::key_action(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE), &a),
        Some(Action::Quit)
    );
    assert_eq!(
        keys::key_action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), &a),
        Some(Action::Quit)
    );
}

#[test]
fn screen_story_80x24() {
    let a = app(80, 24);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn screen_story_200x60() {
    let a = app(200, 60);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn screen_log_at_the_first_divergence_200x60() {
    let mut b = browser();
    let mut a = app(200, 60);
    press(&mut a, &mut b, KeyCode::Enter);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn screen_log_80x24_in_the_display_zone() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Char('t'));
    press(&mut a, &mut b, KeyCode::Enter);
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn screen_help_80x24() {
    let mut b = browser();
    let mut a = app(80, 24);
    press(&mut a, &mut b, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&a));
}

#[test]
fn the_screen_survives_tiny_and_odd_sizes() {
    let mut b = browser();
    for (w, h) in [(1, 1), (10, 3), (20, 5), (80, 24), (300, 100)] {
        let mut a = app(w, h);
        act(&mut a, &mut b, Action::Resize(w, h));
        let s = screen(&a);
        assert_eq!(s.lines().count(), h as usize);
        press(&mut a, &mut b, KeyCode::Enter);
        let _ = screen(&a);
    }
}

#[test]
fn hostile_log_lines_are_drawn_inert() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("evil.log");
    let long = "A".repeat((1 << 20) - 200);
    let lines = [
        "2026-11-21T09:00:00Z INFO title \x1b]0;pwned\x07 set".to_string(),
        "2026-11-21T09:00:01Z INFO clear \x1b[2J\x1b[H screen".to_string(),
        "2026-11-21T09:00:02Z INFO clip \x1b]52;c;aGVsbG8=\x07 board".to_string(),
        "2026-11-21T09:00:03Z INFO bidi user\u{202e}gpj.exe".to_string(),
        format!("2026-11-21T09:00:04Z INFO long {long}"),
        "2026-11-21T09:00:05Z INFO wide 日本語 e\u{301} done".to_string(),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, text).expect("write");
    let idx = dir.path().join("idx");
    crate::ingest::ingest(&crate::ingest::IngestOptions {
        index_dir: idx.clone(),
        paths: vec![log.to_string_lossy().into_owned()],
        ..Default::default()
    })
    .expect("ingest");
    let store = Store::open(&idx).expect("open");
    let incident = crate::analyze::incident(&store, &Default::default()).expect("analysis");
    let mut b = Browser::new(store).expect("browser");
    let mut a = App::new(None, (120, 30));
    a.update(Action::Analysed(Box::new(incident)));
    press(&mut a, &mut b, KeyCode::Tab);
    press(&mut a, &mut b, KeyCode::Home);
    assert_eq!(a.log.len(), 6);
    for _ in 0..6 {
        let s = screen(&a);
        assert!(
            s.lines().all(|l| !l.chars().any(crate::text::is_unsafe)),
            "{s}"
        );
        press(&mut a, &mut b, KeyCode::Down);
    }
    let s = screen(&a);
    assert!(s.contains("␛]0;pwned␇"), "{s}");
    assert!(s.contains("␛[2J"), "{s}");
    assert!(s.contains("<U+202E>"), "{s}");
    // The long line scrolls sideways.
    for _ in 0..4 {
        press(&mut a, &mut b, KeyCode::Up);
    }
    press(&mut a, &mut b, KeyCode::Right);
    assert!(screen(&a).contains("AAAA"));
}

#[test]
fn an_empty_log_is_asked_again_when_an_ingest_commits_more_events() {
    let mut a = App::new(None, (80, 24));
    a.update(Action::Ingest(0, false));
    a.update(Action::ToggleMode);
    // The first page came back empty: nothing was committed yet.
    let generation = a.generation;
    a.update(Action::Loaded(super::app::Loaded {
        generation,
        anchor: super::app::Anchor::At(0, None),
        events: Vec::new(),
    }));
    assert!(a.log.is_empty());
    let reqs = a.update(Action::Ingest(0, false));
    assert!(reqs.is_empty(), "no new events, no new request");
    let reqs = a.update(Action::Ingest(181_008, false));
    assert!(
        matches!(reqs.as_slice(), [Request::Page { .. }]),
        "{reqs:?}"
    );
}

/// Before the first analysis and the first commit (`onset open PATH` into a
/// new index while the preview reads the logs), the screen says what is
/// coming and shows no made-up time.
#[test]
fn before_the_analysis_and_the_first_commit_the_screen_says_what_comes() {
    let mut a = App::new(None, (100, 24));
    a.ingesting = Some(0);
    let story = screen(&a);
    assert!(story.contains("reading the logs"), "{story}");
    assert!(!story.contains("1970"), "{story}");
    a.update(Action::ToggleMode);
    let log = screen(&a);
    assert!(log.contains("the index is being built"), "{log}");
    assert!(!log.contains("1970") && !log.contains("log 1/0"), "{log}");
}

/// An empty log says why: a page still coming, nothing passing the
/// filters, or no events at all — not "loading…" for ever.
#[test]
fn an_empty_log_says_whether_it_is_loading_filtered_or_empty() {
    let mut a = App::new(None, (100, 24));
    let reqs = a.update(Action::ToggleMode);
    assert!(!reqs.is_empty(), "the log asks for its first page");
    assert!(screen(&a).contains("log — loading…"), "{}", screen(&a));
    let generation = a.generation;
    let empty = |generation| {
        Action::Loaded(super::app::Loaded {
            generation,
            anchor: super::app::Anchor::At(0, None),
            events: Vec::new(),
        })
    };
    a.update(empty(generation));
    let shown = screen(&a);
    assert!(shown.contains("log — no events "), "{shown}");
    a.filter.levels = vec!["error"];
    let shown = screen(&a);
    assert!(shown.contains("no events pass the filters"), "{shown}");
}

/// While `onset open PATH` ingests, each commit's analysis replaces the
/// last: a window the user has not narrowed follows the growing span, a
/// zoomed one stays where the user put it.
#[test]
fn an_analysis_of_more_of_the_logs_widens_the_window_unless_zoomed() {
    let mut b = browser();
    let mut a = app(200, 60);
    let first = sample().1.clone();
    let mut more = first.clone();
    more.grid.n += 120;
    assert_eq!(a.window, (first.grid.start, first.end()));
    act(&mut a, &mut b, Action::Analysed(Box::new(more.clone())));
    assert_eq!(a.window, (more.grid.start, more.end()));
    press(&mut a, &mut b, KeyCode::Char('z'));
    let zoomed = a.window;
    assert_ne!(zoomed, (more.grid.start, more.end()));
    let mut even_more = more.clone();
    even_more.grid.n += 120;
    act(&mut a, &mut b, Action::Analysed(Box::new(even_more)));
    assert_eq!(a.window, zoomed);
}

/// The analyses of the first commits may not have found the first
/// divergence yet; the first one that does opens on it.
#[test]
fn the_first_analysis_that_finds_the_first_divergence_opens_on_it() {
    let mut b = browser();
    let mut a = App::new(Some(chrono_tz::America::Chicago), (200, 60));
    let mut early = sample().1.clone();
    early.first = None;
    act(&mut a, &mut b, Action::Analysed(Box::new(early)));
    let on_first = |a: &App| {
        a.story
            .get(a.story_sel)
            .is_some_and(|r| r.beat == Beat::FirstDivergence)
    };
    assert!(!on_first(&a));
    act(
        &mut a,
        &mut b,
        Action::Analysed(Box::new(sample().1.clone())),
    );
    assert!(on_first(&a));
    let row = &a.story[a.story_sel];
    assert_eq!(a.cursor, row.ts);
}
