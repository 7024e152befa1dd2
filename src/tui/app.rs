//! The TUI's state ([`App`]) and how actions change it ([`App::update`]).
//!
//! Pure: no terminal, no index. An action changes the state and may ask the
//! worker for something ([`Request`]); the worker's answers come back as
//! actions too ([`Action::Page`], [`Action::Found`]…). Key-to-state tests
//! drive it directly.

use std::sync::Arc;

use chrono_tz::Tz;

use super::browse::{Filter, Key, LogEvent};
use crate::incident::annotations::{Annotation, Mark};
use crate::incident::story::{self, Beat};
use crate::incident::{Incident, Record};
use crate::index::StoredEvent;

/// Which timeline the main pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The key moments.
    Story,
    /// Every event.
    Log,
}

/// A line being typed at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `/`: a query.
    Query(String),
    /// `g`: a time, absolute or relative (`-5m`).
    GoTo(String),
    /// `a`, first step: which mark (a digit).
    Mark,
    /// `a`, second step: the comment.
    Comment(Mark, String),
}

/// Everything the user can do, and every answer of the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move the selection by rows (negative: up).
    Move(i64),
    /// A page up or down.
    Page(i64),
    /// First row.
    Home,
    /// Last row.
    End,
    /// Scroll the log horizontally by columns.
    Scroll(i64),
    /// Story ↔ log.
    ToggleMode,
    /// Open the log at the selected story row.
    Enter,
    /// Go to the first divergence.
    FirstDivergence,
    /// Next (or previous) divergence onset.
    Divergence(bool),
    /// Next (or previous) error.
    Error(bool),
    /// Next (or previous) change.
    Change(bool),
    /// Next (or previous) hit of the query.
    Hit(bool),
    /// Zoom the time window in (`true`) or out.
    Zoom(bool),
    /// Cycle the source filter.
    CycleSource,
    /// Cycle the kind filter.
    CycleKind,
    /// Cycle the level filter (all, warnings and worse, errors).
    CycleLevel,
    /// Clear every filter and the query.
    ClearFilters,
    /// UTC ↔ the display zone.
    ToggleZone,
    /// Show or hide the key map.
    Help,
    /// Start typing.
    Prompt(Prompt),
    /// A character typed into the prompt.
    Type(char),
    /// Backspace in the prompt.
    Erase,
    /// Enter in the prompt.
    Submit,
    /// Escape: leave the prompt or the help.
    Cancel,
    /// Move the cursor to a time (a click on a lane).
    Seek(i64),
    /// Quit.
    Quit,
    /// The terminal was resized.
    Resize(u16, u16),
    /// Worker: a page of the log.
    Loaded(Loaded),
    /// Worker: the hit of a query, if any.
    Found(u64, Option<LogEvent>),
    /// Worker: a request's trace.
    Traced(String, Vec<StoredEvent>),
    /// Worker: the incident (first analysis or after an ingest).
    Analysed(Box<Incident>),
    /// Worker: ingest progress (events indexed so far, done).
    Ingest(u64, bool),
    /// Worker: a message for the status bar (an error, a save).
    Message(String),
}

impl Action {
    /// The action's name, for the frame trace.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Move(_) => "Move",
            Action::Page(_) => "Page",
            Action::Home => "Home",
            Action::End => "End",
            Action::Scroll(_) => "Scroll",
            Action::ToggleMode => "ToggleMode",
            Action::Enter => "Enter",
            Action::FirstDivergence => "FirstDivergence",
            Action::Divergence(_) => "Divergence",
            Action::Error(_) => "Error",
            Action::Change(_) => "Change",
            Action::Hit(_) => "Hit",
            Action::Zoom(_) => "Zoom",
            Action::CycleSource => "CycleSource",
            Action::CycleKind => "CycleKind",
            Action::CycleLevel => "CycleLevel",
            Action::ClearFilters => "ClearFilters",
            Action::ToggleZone => "ToggleZone",
            Action::Help => "Help",
            Action::Prompt(_) => "Prompt",
            Action::Type(_) => "Type",
            Action::Erase => "Erase",
            Action::Submit => "Submit",
            Action::Cancel => "Cancel",
            Action::Seek(_) => "Seek",
            Action::Quit => "Quit",
            Action::Resize(..) => "Resize",
            Action::Loaded(_) => "Loaded",
            Action::Found(..) => "Found",
            Action::Traced(..) => "Traced",
            Action::Analysed(_) => "Analysed",
            Action::Ingest(_, false) => "Ingest",
            Action::Ingest(_, true) => "IngestDone",
            Action::Message(_) => "Message",
        }
    }
}

/// A page of the log from the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The request it answers.
    pub generation: u64,
    /// What it was asked for.
    pub anchor: Anchor,
    /// The events, in order.
    pub events: Vec<LogEvent>,
}

/// Which page to load.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// Around a time, selecting the first event at or after it, or the
    /// given record.
    At(i64, Option<(String, u64)>),
    /// After the last event of the window.
    After(Key),
    /// Before the first.
    Before(Key),
}

/// What the UI asks of the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A page of the log.
    Page {
        /// Generation, to drop stale answers.
        generation: u64,
        /// Which page.
        anchor: Anchor,
        /// The filter in force.
        filter: Filter,
    },
    /// The next (or previous) hit of a query from a key.
    Find {
        /// Generation.
        generation: u64,
        /// Query.
        query: String,
        /// From.
        from: Key,
        /// Direction.
        forward: bool,
        /// The filter in force.
        filter: Filter,
    },
    /// The events of a request id.
    Trace(String),
    /// Save the annotations.
    Save(Vec<Annotation>),
}

/// Events kept in the log window at most (pages are dropped at the far end).
const MAX_WINDOW: usize = 3000;
/// Events loaded per page.
pub const PAGE: usize = 300;

/// The TUI's state.
#[derive(Debug, Clone)]
pub struct App {
    /// The analysis, once there is one.
    pub incident: Option<Arc<Incident>>,
    /// Its story (with the annotations), rebuilt when either changes.
    pub story: Vec<story::Row>,
    /// The user's annotations.
    pub annotations: Vec<Annotation>,
    /// Story or log.
    pub mode: Mode,
    /// Selected story row.
    pub story_sel: usize,
    /// The log window: events in order.
    pub log: Vec<LogEvent>,
    /// Selected log row (index into `log`).
    pub log_sel: usize,
    /// The window reaches the first event / the last.
    pub log_at_start: bool,
    /// The window reaches the last event.
    pub log_at_end: bool,
    /// Columns scrolled off to the left in the log.
    pub hscroll: usize,
    /// The time under the cursor, µs.
    pub cursor: i64,
    /// The time window the lanes show (zoom), µs.
    pub window: (i64, i64),
    /// Filters of the log.
    pub filter: Filter,
    /// The last query (`/`), highlighted and searched by `n`/`N`.
    pub query: Option<String>,
    /// The line being typed, if any.
    pub prompt: Option<Prompt>,
    /// The key map is shown.
    pub help: bool,
    /// The zone times are shown in when not in UTC.
    pub zone: Option<Tz>,
    /// Times are shown in `zone`.
    pub zoned: bool,
    /// A message for the status bar.
    pub message: String,
    /// Ingest in progress: events indexed so far.
    pub ingesting: Option<u64>,
    /// Trace of the selected event's request id.
    pub trace: Option<(String, Vec<StoredEvent>)>,
    /// The terminal's size.
    pub size: (u16, u16),
    /// Time to go.
    pub quit: bool,
    /// Generation of the last log request; older answers are dropped.
    pub generation: u64,
    /// Where the pending page load wants the selection.
    pending: Option<Anchor>,
}

impl App {
    /// A new state, before any analysis.
    pub fn new(zone: Option<Tz>, size: (u16, u16)) -> App {
        App {
            incident: None,
            story: Vec::new(),
            annotations: Vec::new(),
            mode: Mode::Story,
            story_sel: 0,
            log: Vec::new(),
            log_sel: 0,
            log_at_start: false,
            log_at_end: false,
            hscroll: 0,
            cursor: 0,
            window: (0, 1),
            filter: Filter::default(),
            query: None,
            prompt: None,
            help: false,
            zone,
            zoned: false,
            message: String::new(),
            ingesting: None,
            trace: None,
            size,
            quit: false,
            generation: 0,
            pending: None,
        }
    }

    /// The span of the incident, µs.
    pub fn span(&self) -> (i64, i64) {
        match &self.incident {
            Some(i) => (i.grid.start, i.end()),
            None => (0, 1),
        }
    }

    /// Whether a page of the log was asked for and has not come yet.
    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// The selected log event, if any.
    pub fn selected_event(&self) -> Option<&LogEvent> {
        self.log.get(self.log_sel)
    }

    fn rebuild_story(&mut self) {
        self.story = match &self.incident {
            Some(i) => story::story(i, &self.annotations),
            None => Vec::new(),
        };
        self.story_sel = self.story_sel.min(self.story.len().saturating_sub(1));
    }

    fn set_cursor(&mut self, ts: i64) {
        self.cursor = ts;
        // Keep the cursor inside the zoomed window.
        let (a, b) = self.window;
        if ts < a || ts >= b {
            let w = b - a;
            let (s0, s1) = self.span();
            let start = (ts - w / 2).clamp(s0, (s1 - w).max(s0));
            self.window = (start, start + w);
        }
    }

    fn load(&mut self, anchor: Anchor) -> Vec<Request> {
        self.generation += 1;
        if let Anchor::At(ts, _) = &anchor {
            self.set_cursor(*ts);
        }
        self.pending = Some(anchor.clone());
        vec![Request::Page {
            generation: self.generation,
            anchor,
            filter: self.filter.clone(),
        }]
    }

    /// Opens the log at `ts`, selecting `record` if given.
    fn open_log_at(&mut self, ts: i64, record: Option<&Record>) -> Vec<Request> {
        self.mode = Mode::Log;
        let shift = record
            .and_then(|r| self.incident.as_ref()?.source(&r.source).map(|s| s.shift))
            .unwrap_or(0);
        // The index holds unshifted times.
        self.load(Anchor::At(
            ts - shift,
            record.map(|r| (r.file.clone(), r.offset)),
        ))
    }

    /// Moves to the story row `i` (and the cursor to its time).
    fn select_story(&mut self, i: usize) {
        if let Some(row) = self.story.get(i) {
            self.story_sel = i;
            let ts = row.ts;
            self.set_cursor(ts);
        }
    }

    /// Jumps to the next/previous story row of the given beats, from the
    /// cursor; in the log view, opens the log there.
    fn jump(&mut self, beats: &[Beat], forward: bool) -> Vec<Request> {
        let at = self.cursor;
        let found = if forward {
            self.story
                .iter()
                .position(|r| r.ts > at && beats.contains(&r.beat))
        } else {
            self.story
                .iter()
                .rposition(|r| r.ts < at && beats.contains(&r.beat))
        };
        match found {
            Some(i) => {
                self.select_story(i);
                self.message.clear();
                if self.mode == Mode::Log {
                    return self.open_story_row(i);
                }
                Vec::new()
            }
            None => {
                self.message = format!(
                    "no {} {}",
                    beats_name(beats),
                    if forward { "after" } else { "before" }
                );
                Vec::new()
            }
        }
    }

    fn open_story_row(&mut self, i: usize) -> Vec<Request> {
        let Some(row) = self.story.get(i).cloned() else {
            return Vec::new();
        };
        let record = self.row_record(&row);
        self.open_log_at(row.ts, record.as_ref())
    }

    /// The evidence record of a story row.
    pub fn row_record(&self, row: &story::Row) -> Option<Record> {
        let inc = self.incident.as_ref()?;
        if row.beat == Beat::FirstDivergence {
            if let Some(e) = inc.evidence.first() {
                return Some(e.clone());
            }
        }
        if let Some(a) = row.annotation {
            return self.annotations.get(a)?.record.clone();
        }
        if row.beat == Beat::Transient {
            // The record of its earliest episode.
            let first = row.divergences.first()?;
            let k = inc.episodes.iter().position(|e| e.contains(first))?;
            return inc.episode_evidence.get(k)?.clone();
        }
        row.items
            .first()
            .and_then(|&i| inc.timeline.get(i)?.evidence.clone())
    }

    /// The visible rows of the main pane.
    pub fn main_rows(&self) -> usize {
        super::view::app_layout(self)
            .main
            .height
            .saturating_sub(2)
            .max(1) as usize
    }

    /// Applies an action; returns what to ask the worker.
    pub fn update(&mut self, action: Action) -> Vec<Request> {
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Action::Help => {
                self.help = !self.help;
                Vec::new()
            }
            Action::Cancel => {
                self.prompt = None;
                self.help = false;
                Vec::new()
            }
            Action::ToggleMode => {
                match self.mode {
                    Mode::Story => {
                        self.mode = Mode::Log;
                        if self.log.is_empty() || self.selected_event().is_none() {
                            return self.load(Anchor::At(self.cursor, None));
                        }
                    }
                    Mode::Log => self.mode = Mode::Story,
                }
                Vec::new()
            }
            Action::Move(n) => self.move_by(n),
            Action::Page(n) => self.move_by(n * self.main_rows().saturating_sub(1).max(1) as i64),
            Action::Home => match self.mode {
                Mode::Story => {
                    self.select_story(0);
                    Vec::new()
                }
                Mode::Log => {
                    let (a, _) = self.span();
                    self.load(Anchor::At(a, None))
                }
            },
            Action::End => match self.mode {
                Mode::Story => {
                    self.select_story(self.story.len().saturating_sub(1));
                    Vec::new()
                }
                Mode::Log => {
                    let (_, b) = self.span();
                    self.load(Anchor::Before(Key::at(b + 1)))
                }
            },
            Action::Scroll(n) => {
                self.hscroll = (self.hscroll as i64 + n).max(0) as usize;
                Vec::new()
            }
            Action::Enter => match self.mode {
                Mode::Story => self.open_story_row(self.story_sel),
                Mode::Log => Vec::new(),
            },
            Action::FirstDivergence => {
                let Some(i) = self
                    .story
                    .iter()
                    .position(|r| r.beat == Beat::FirstDivergence)
                else {
                    self.message =
                        "no first divergence: nothing left its baseline before users were hurt"
                            .into();
                    return Vec::new();
                };
                self.select_story(i);
                self.message.clear();
                if self.mode == Mode::Log {
                    return self.open_story_row(i);
                }
                Vec::new()
            }
            Action::Divergence(fwd) => self.jump(
                &[
                    Beat::FirstDivergence,
                    Beat::Onset,
                    Beat::Transient,
                    Beat::ErrorBurst,
                ],
                fwd,
            ),
            Action::Change(fwd) => self.jump(&[Beat::Cause, Beat::Change], fwd),
            Action::Error(fwd) => match self.mode {
                Mode::Story => self.jump(
                    &[Beat::ErrorBurst, Beat::NewTemplates, Beat::ImpactStart],
                    fwd,
                ),
                Mode::Log => self.find("level:error OR level:fatal".into(), fwd),
            },
            Action::Hit(fwd) => match self.query.clone() {
                Some(q) => {
                    if self.mode == Mode::Story {
                        self.mode = Mode::Log;
                    }
                    self.find(q, fwd)
                }
                None => {
                    self.message = "no query: type / to search".into();
                    Vec::new()
                }
            },
            Action::Zoom(zin) => {
                let (s0, s1) = self.span();
                let (a, b) = self.window;
                let w = b - a;
                let nw = if zin {
                    (w / 2).max(self.incident.as_ref().map_or(1, |i| i.grid.width * 4))
                } else {
                    (w * 2).min(s1 - s0)
                };
                let start = (self.cursor - nw / 2).clamp(s0, (s1 - nw).max(s0));
                self.window = (start, start + nw);
                Vec::new()
            }
            Action::CycleSource => {
                let names: Vec<String> = self
                    .incident
                    .as_ref()
                    .map(|i| i.sources.iter().map(|s| s.name.clone()).collect())
                    .unwrap_or_default();
                self.filter.source = cycle(&names, self.filter.source.as_ref());
                self.reload_log()
            }
            Action::CycleKind => {
                let mut kinds: Vec<String> = self
                    .incident
                    .as_ref()
                    .map(|i| i.sources.iter().map(|s| s.kind.clone()).collect())
                    .unwrap_or_default();
                kinds.sort();
                kinds.dedup();
                self.filter.kind = cycle(&kinds, self.filter.kind.as_ref());
                self.reload_log()
            }
            Action::CycleLevel => {
                self.filter.levels = match self.filter.levels.len() {
                    0 => vec!["warn", "error", "fatal"],
                    3 => vec!["error", "fatal"],
                    _ => Vec::new(),
                };
                self.reload_log()
            }
            Action::ClearFilters => {
                self.filter = Filter::default();
                self.query = None;
                self.reload_log()
            }
            Action::ToggleZone => {
                if self.zone.is_some() {
                    self.zoned = !self.zoned;
                } else {
                    self.message = "no display zone: start with --display-tz ZONE".into();
                }
                Vec::new()
            }
            Action::Prompt(p) => {
                self.prompt = Some(p);
                Vec::new()
            }
            Action::Type(c) => {
                match &mut self.prompt {
                    Some(Prompt::Query(s) | Prompt::GoTo(s) | Prompt::Comment(_, s)) => s.push(c),
                    Some(Prompt::Mark) => {
                        let mark = c
                            .to_digit(10)
                            .and_then(|d| Mark::ALL.get((d as usize).wrapping_sub(1)));
                        if let Some(&m) = mark {
                            self.prompt = Some(Prompt::Comment(m, String::new()));
                        }
                    }
                    None => {}
                }
                Vec::new()
            }
            Action::Erase => {
                if let Some(Prompt::Query(s) | Prompt::GoTo(s) | Prompt::Comment(_, s)) =
                    &mut self.prompt
                {
                    s.pop();
                }
                Vec::new()
            }
            Action::Submit => self.submit(),
            Action::Seek(ts) => {
                let ts = ts.clamp(self.span().0, self.span().1);
                self.set_cursor(ts);
                match self.mode {
                    Mode::Log => self.load(Anchor::At(ts, None)),
                    Mode::Story => {
                        if let Some(i) = self.story.iter().rposition(|r| r.ts <= ts) {
                            self.story_sel = i;
                        }
                        self.cursor = ts;
                        Vec::new()
                    }
                }
            }
            Action::Loaded(l) => self.loaded(l),
            Action::Found(generation, hit) => {
                if generation != self.generation {
                    return Vec::new();
                }
                match hit {
                    Some(e) => {
                        self.message.clear();
                        let record = (e.event.file.clone(), e.event.offset);
                        self.load(Anchor::At(e.key.ts, Some(record)))
                    }
                    None => {
                        self.message = "no more matches".into();
                        Vec::new()
                    }
                }
            }
            Action::Traced(id, events) => {
                if self.selected_request_id().as_deref() == Some(id.as_str()) {
                    self.trace = Some((id, events));
                }
                Vec::new()
            }
            Action::Analysed(incident) => {
                let first = self.incident.is_none();
                let (a, b) = (incident.grid.start, incident.end());
                // An analysis of more of the logs (while the ingest runs)
                // widens a window the user has not narrowed.
                let whole = self
                    .incident
                    .as_ref()
                    .is_some_and(|i| self.window == (i.grid.start, i.end()));
                if whole {
                    self.window = (a, b);
                }
                // The first analysis with a first divergence opens on it,
                // even when earlier ones (of the first commits) had none.
                let found = incident.first.is_some()
                    && self.incident.as_ref().is_none_or(|i| i.first.is_none());
                self.incident = Some(Arc::new(*incident));
                self.rebuild_story();
                if first {
                    self.window = (a, b);
                    self.cursor = a;
                }
                if found {
                    // Open on the first divergence, the reason to be here.
                    if let Some(i) = self
                        .story
                        .iter()
                        .position(|r| r.beat == Beat::FirstDivergence)
                    {
                        self.select_story(i);
                    }
                }
                Vec::new()
            }
            Action::Ingest(n, done) => {
                let grew = self.ingesting.is_some_and(|before| n > before);
                self.ingesting = (!done).then_some(n);
                // A log still empty shows the first commits as they land.
                if grew && self.mode == Mode::Log && self.log.is_empty() && self.pending.is_none() {
                    return self.load(Anchor::At(self.cursor, None));
                }
                if done {
                    self.message = format!("ingest done: {n} events in the index");
                    if self.mode == Mode::Log {
                        return self.reload_log();
                    }
                }
                Vec::new()
            }
            Action::Message(e) => {
                self.message = e;
                Vec::new()
            }
        }
    }

    fn reload_log(&mut self) -> Vec<Request> {
        if self.mode == Mode::Log {
            let at = self.selected_event().map_or(self.cursor, |e| e.key.ts);
            self.load(Anchor::At(at, None))
        } else {
            Vec::new()
        }
    }

    fn find(&mut self, query: String, forward: bool) -> Vec<Request> {
        self.generation += 1;
        let from = self
            .selected_event()
            .map_or(Key::at(self.cursor), |e| e.key);
        vec![Request::Find {
            generation: self.generation,
            query,
            from,
            forward,
            filter: self.filter.clone(),
        }]
    }

    fn submit(&mut self) -> Vec<Request> {
        let Some(p) = self.prompt.take() else {
            return Vec::new();
        };
        match p {
            Prompt::Query(q) => {
                if q.trim().is_empty() {
                    self.query = None;
                    return Vec::new();
                }
                self.query = Some(q.clone());
                self.mode = Mode::Log;
                // From just before the selection, so a hit on it counts.
                let from = self
                    .selected_event()
                    .map_or(Key::at(self.cursor - 1), |e| Key {
                        ts: e.key.ts,
                        segment: e.key.segment,
                        doc: e.key.doc.saturating_sub(1),
                    });
                self.generation += 1;
                vec![Request::Find {
                    generation: self.generation,
                    query: q,
                    from,
                    forward: true,
                    filter: self.filter.clone(),
                }]
            }
            Prompt::GoTo(text) => match parse_goto(&text, self.cursor) {
                Some(ts) => self.update(Action::Seek(ts)),
                None => {
                    self.message =
                        format!("not a time: `{text}` (2026-11-21 09:16:00, 09:16, -5m, +30s)");
                    Vec::new()
                }
            },
            Prompt::Mark => Vec::new(),
            Prompt::Comment(mark, comment) => {
                let record = match self.mode {
                    Mode::Log => self.selected_event().map(|e| {
                        let shift = self
                            .incident
                            .as_ref()
                            .and_then(|i| i.source(&e.event.source).map(|s| s.shift))
                            .unwrap_or(0);
                        Record::of(&e.event, shift)
                    }),
                    Mode::Story => self
                        .story
                        .get(self.story_sel)
                        .cloned()
                        .and_then(|r| self.row_record(&r)),
                };
                let ts = record.as_ref().map_or(self.cursor, |r| r.ts);
                self.annotations.push(Annotation {
                    ts,
                    mark,
                    comment,
                    record,
                });
                self.annotations.sort_by_key(|a| a.ts);
                self.rebuild_story();
                self.message = format!("{} noted", mark.label());
                vec![Request::Save(self.annotations.clone())]
            }
        }
    }

    fn move_by(&mut self, n: i64) -> Vec<Request> {
        match self.mode {
            Mode::Story => {
                let last = self.story.len().saturating_sub(1) as i64;
                let i = (self.story_sel as i64 + n).clamp(0, last.max(0)) as usize;
                self.select_story(i);
                Vec::new()
            }
            Mode::Log => {
                if self.log.is_empty() {
                    return Vec::new();
                }
                let want = self.log_sel as i64 + n;
                let last = self.log.len() as i64 - 1;
                self.log_sel = want.clamp(0, last) as usize;
                self.after_log_move();
                let margin = self.main_rows() as i64 * 2;
                if want > last - margin && !self.log_at_end && self.pending.is_none() {
                    let key = self.log[self.log.len() - 1].key;
                    return self.load(Anchor::After(key));
                }
                if want < margin && !self.log_at_start && self.pending.is_none() {
                    let key = self.log[0].key;
                    return self.load(Anchor::Before(key));
                }
                Vec::new()
            }
        }
    }

    /// The cursor follows the selected event; its trace is asked for.
    fn after_log_move(&mut self) {
        if let Some(e) = self.selected_event() {
            let shift = self
                .incident
                .as_ref()
                .and_then(|i| i.source(&e.event.source).map(|s| s.shift))
                .unwrap_or(0);
            let ts = e.key.ts + shift;
            self.set_cursor(ts);
        }
        if self
            .trace
            .as_ref()
            .is_some_and(|(id, _)| Some(id.as_str()) != self.selected_request_id().as_deref())
        {
            self.trace = None;
        }
    }

    /// The request id of the selected event.
    pub fn selected_request_id(&self) -> Option<String> {
        let e = self.selected_event()?;
        e.event
            .fields
            .get("request_id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// The trace request for the selection, if it has a request id not
    /// traced yet.
    pub fn trace_request(&self) -> Option<Request> {
        let id = self.selected_request_id()?;
        if self.trace.as_ref().is_some_and(|(t, _)| *t == id) {
            return None;
        }
        Some(Request::Trace(id))
    }

    fn loaded(&mut self, l: Loaded) -> Vec<Request> {
        if l.generation != self.generation {
            return Vec::new();
        }
        self.pending = None;
        match l.anchor {
            Anchor::At(ts, record) => {
                self.log_at_start = false;
                self.log_at_end = l.events.len() < PAGE;
                self.log = l.events;
                self.log_sel = record
                    .and_then(|(file, offset)| {
                        self.log
                            .iter()
                            .position(|e| e.event.file == file && e.event.offset == offset)
                    })
                    .or_else(|| self.log.iter().position(|e| e.key.ts >= ts))
                    .unwrap_or(self.log.len().saturating_sub(1));
                if self.log_sel == 0 {
                    self.log_at_start = true;
                }
            }
            Anchor::After(_) => {
                self.log_at_end = l.events.len() < PAGE;
                self.log.extend(l.events);
                if self.log.len() > MAX_WINDOW {
                    let drop = self.log.len() - MAX_WINDOW;
                    self.log.drain(..drop);
                    self.log_sel = self.log_sel.saturating_sub(drop);
                    self.log_at_start = false;
                }
            }
            Anchor::Before(_) => {
                let n = l.events.len();
                self.log_at_start = n < PAGE;
                let mut events = l.events;
                events.append(&mut self.log);
                self.log = events;
                self.log_sel += n;
                if self.log.is_empty() {
                    self.log_sel = 0;
                } else if self.log_sel >= self.log.len() {
                    self.log_sel = self.log.len() - 1;
                }
                if self.log.len() > MAX_WINDOW {
                    self.log.truncate(MAX_WINDOW);
                    self.log_sel = self.log_sel.min(MAX_WINDOW - 1);
                    self.log_at_end = false;
                }
            }
        }
        self.after_log_move();
        Vec::new()
    }
}

fn beats_name(beats: &[Beat]) -> &'static str {
    if beats.contains(&Beat::Change) {
        "change"
    } else if beats.contains(&Beat::ErrorBurst) && beats.contains(&Beat::NewTemplates) {
        "error"
    } else {
        "divergence onset"
    }
}

/// The next value after `current` in `values`, then none again.
fn cycle(values: &[String], current: Option<&String>) -> Option<String> {
    match current {
        None => values.first().cloned(),
        Some(c) => {
            let i = values.iter().position(|v| v == c)?;
            values.get(i + 1).cloned()
        }
    }
}

/// A time typed at `g`: RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` (UTC), a time
/// of day `HH:MM[:SS]` on the cursor's (UTC) day, or a move relative to the
/// cursor: `-5m`, `+30s`, `-1h`.
pub fn parse_goto(text: &str, cursor: i64) -> Option<i64> {
    let s = text.trim();
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        let sign = if s.starts_with('-') { -1 } else { 1 };
        let (num, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit() && c != '.')?);
        let n: f64 = num.parse().ok()?;
        let unit = match unit {
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return None,
        };
        return Some(cursor + sign * (n * unit * 1e6) as i64);
    }
    if let Ok(t) = crate::timearg::parse_time(s) {
        return Some(t);
    }
    // A time of day on the cursor's day.
    let day = chrono::DateTime::from_timestamp_micros(cursor)?.date_naive();
    let tod = chrono::NaiveTime::parse_from_str(s, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M"))
        .ok()?;
    Some(day.and_time(tod).and_utc().timestamp_micros())
}
