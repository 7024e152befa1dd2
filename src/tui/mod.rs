//! `onset open`: the incident in the terminal.
//!
//! Model / update / view, as ratatui apps do: [`app::App`] is the state,
//! [`keys`] turns terminal events into [`app::Action`]s, [`app::App::update`]
//! applies them and says what to ask the [`worker`] (index reads, off the
//! UI task), [`view`] draws the state. The event loop is a tokio
//! `select!` over crossterm's event stream, the worker's answers, a tick
//! and the termination signals. The terminal is restored on every way
//! out: `q`, Ctrl-C, SIGTERM/SIGINT/SIGHUP, an error, a panic.

pub mod app;
pub mod browse;
pub mod cells;
pub mod keys;
pub mod view;
pub mod worker;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use self::app::{Action, App};
use crate::incident::annotations;
use crate::index::Store;
use crate::ingest::discover::Skipped;
use crate::ingest::pipeline::caught;
use crate::ingest::{IngestOptions, IngestReport};

/// What `onset open` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// The index folder.
    pub index: PathBuf,
    /// Logs to ingest first, if any.
    pub ingest: Option<IngestOptions>,
    /// The display zone (`--display-tz`).
    pub zone: Option<Tz>,
    /// Analysis options.
    pub analysis: crate::analyze::Options,
}

/// Runs `onset open`. When stdout is not a terminal, prints the `analyze`
/// report instead.
pub fn run(opts: Options) -> Result<ExitCode> {
    let launched = std::time::Instant::now();
    if !std::io::stdout().is_terminal() {
        if let Some(ingest) = &opts.ingest {
            let report = crate::ingest::ingest(ingest)?;
            for s in &report.skipped {
                let tag = if s.error { "error" } else { "skipped" };
                eprintln!(
                    "onset: {tag}: {}: {}",
                    crate::text::inert(&s.path),
                    crate::text::inert(&s.reason)
                );
            }
        }
        let store = Store::open(&opts.index)?;
        let incident = crate::analyze::incident(&store, &opts.analysis)?;
        print!("{}", crate::render::text::analysis(&incident));
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the event loop")?;
    runtime.block_on(main_loop(opts, launched))
}

/// How often `onset open PATH` looks for a new commit to analyse while its
/// ingest runs.
const INTERIM_ANALYSIS_EVERY: Duration = Duration::from_secs(1);

/// Frame timings for the benchmark (`ONSET_TUI_TRACE=FILE`): when the first
/// frame was drawn after launch, and for each action how long its update
/// and redraw took (and, for a worker's answer, how long since the request
/// that asked for it).
#[derive(Default)]
struct Trace {
    lines: Vec<String>,
    asked: Option<std::time::Instant>,
}

impl Trace {
    fn write(&self) {
        if let Some(path) = std::env::var_os("ONSET_TUI_TRACE") {
            let _ = std::fs::write(path, self.lines.join("\n") + "\n");
        }
    }
}

/// Restores the terminal when dropped (a return, an error, an unwinding panic).
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        crossterm::terminal::enable_raw_mode().context("the terminal cannot enter raw mode")?;
        let guard = TerminalGuard;
        crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            crossterm::event::EnableMouseCapture
        )?;
        Ok(guard)
    }
}

fn restore_terminal() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// `onset open`'s analysis thread: into a new index, the preview's whole
/// answer, then the ingest; else the ingest (if any), then the analysis.
fn analyse(
    ingest: Option<IngestOptions>,
    analysis: crate::analyze::Options,
    dir: std::path::PathBuf,
    tx: mpsc::UnboundedSender<Action>,
    done: Arc<AtomicBool>,
    answered: Arc<AtomicBool>,
) {
    if let Some(ingest) = ingest {
        let said = match crate::analyze::answer_before_index(&ingest, &analysis) {
            Ok(Some((report, incident))) => {
                say_skipped(&tx, &report.skipped);
                // Before it is shown: no commit exists yet, so no analysis
                // of part of the logs can follow it.
                answered.store(true, Ordering::SeqCst);
                let _ = tx.send(Action::Analysed(Box::new(incident)));
                report
            }
            Ok(None) => IngestReport::default(),
            Err(e) => {
                let _ = tx.send(Action::Message(format!("preview failed: {e:#}")));
                IngestReport::default()
            }
        };
        let ingested = crate::ingest::ingest(&ingest);
        done.store(true, Ordering::SeqCst);
        let events = Store::open(&dir)
            .and_then(|s| s.manifest())
            .map(|m| m.events())
            .unwrap_or(0);
        let _ = tx.send(Action::Ingest(events, true));
        // Said after the end of the ingest, so that its "ingest done"
        // does not hide them.
        let mut skipped = said.skipped.clone();
        if let Ok(report) = &ingested {
            skipped.extend(report.skipped_since(&said));
        }
        say_skipped(&tx, &skipped);
        if let Err(e) = &ingested {
            let _ = tx.send(Action::Message(format!("ingest failed: {e:#}")));
        }
        // The preview's whole answer stands over an index the ingest could
        // not finish.
        if ingested.is_err() && answered.load(Ordering::SeqCst) {
            return;
        }
    }
    let answer = Store::open(&dir)
        .and_then(|store| crate::analyze::incident(&store, &analysis))
        .map(|i| Action::Analysed(Box::new(i)))
        .unwrap_or_else(|e| Action::Message(format!("analysis failed: {e:#}")));
    let _ = tx.send(answer);
}

/// The status line's words for a panic (a bug) caught off the UI thread.
fn internal_error(panic: &str) -> String {
    format!("internal error (please report it): {panic}")
}

/// Says in the status line each path the ingest could not read.
fn say_skipped(tx: &mpsc::UnboundedSender<Action>, skipped: &[Skipped]) {
    for s in skipped.iter().filter(|s| s.error) {
        let _ = tx.send(Action::Message(format!(
            "not read: {}: {}",
            s.path, s.reason
        )));
    }
}

async fn main_loop(opts: Options, launched: std::time::Instant) -> Result<ExitCode> {
    let store = if opts.ingest.is_some() {
        Store::open_or_create(&opts.index)?
    } else {
        Store::open(&opts.index)?
    };
    let saved = annotations::load(&store.dir)?;
    let index_dir = store.dir.clone();
    let browser = browse::Browser::new(store)?;
    let (replies_tx, mut replies) = mpsc::unbounded_channel::<Action>();
    let (requests_tx, requests_rx) = std::sync::mpsc::channel();
    {
        let tx = replies_tx.clone();
        std::thread::Builder::new()
            .name("onset-tui-worker".into())
            .spawn(move || worker::serve(browser, requests_rx, tx))?;
    }
    // Into a new index: the answer from a preview first (the whole story
    // at the speed of the parse), then the ingest fills the log view as its
    // commits land. Into an index that holds logs already (or when the
    // preview cannot answer): ingest, then analyse. Without paths: analyse
    // at once.
    let ingest_done = Arc::new(AtomicBool::new(opts.ingest.is_none()));
    // Set once the whole story is shown: the analyses of the commits
    // (of part of the logs) are then not shown.
    let answered = Arc::new(AtomicBool::new(false));
    // While the ingest runs, each commit's signals give the lanes and the
    // story of what is indexed so far (an analysis of millions of events
    // takes a fraction of a second), refined at the next commit.
    if opts.ingest.is_some() {
        let tx = replies_tx.clone();
        let done = ingest_done.clone();
        let answered = answered.clone();
        let analysis = opts.analysis;
        let dir = index_dir.clone();
        std::thread::Builder::new()
            .name("onset-tui-interim".into())
            .spawn(move || {
                // Until the ingest ends or the whole story is shown.
                let wanted = || !done.load(Ordering::SeqCst) && !answered.load(Ordering::SeqCst);
                let mut seen = None;
                while wanted() {
                    std::thread::sleep(INTERIM_ANALYSIS_EVERY);
                    let Ok(store) = Store::open(&dir) else {
                        continue;
                    };
                    let commit = store.index.load_metas().map(|m| m.opstamp).ok();
                    if commit == seen || !wanted() {
                        continue;
                    }
                    seen = commit;
                    if let Ok(incident) = crate::analyze::incident(&store, &analysis) {
                        if wanted() && tx.send(Action::Analysed(Box::new(incident))).is_err() {
                            break;
                        }
                    }
                }
            })?;
    }
    {
        let tx = replies_tx.clone();
        let done = ingest_done.clone();
        let ingest = opts.ingest.clone();
        let analysis = opts.analysis;
        let dir = index_dir.clone();
        std::thread::Builder::new()
            .name("onset-tui-analysis".into())
            .spawn(move || {
                let said = tx.clone();
                let ended = done.clone();
                // A panic (a bug) is said in the status line; the UI stops
                // waiting for the ingest.
                if let Err(panic) =
                    caught(move || analyse(ingest, analysis, dir, tx, done, answered))
                {
                    ended.store(true, Ordering::SeqCst);
                    let _ = said.send(Action::Ingest(0, true));
                    let _ = said.send(Action::Message(internal_error(&panic)));
                }
            })?;
    }

    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // On the UI thread a panic ends the program: the terminal is
        // restored first, so that its message can be read. Elsewhere (a
        // parser, the worker, the analysis) it is caught and said in the
        // status line; printed, it would garble the screen.
        if std::thread::current().name() == Some("main") {
            restore_terminal();
            default_hook(info);
        }
    }));
    let _guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    let size = terminal.size()?;
    let mut app = App::new(opts.zone, (size.width, size.height));
    app.annotations = saved;
    if opts.ingest.is_some() {
        app.ingesting = Some(0);
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let tracing = std::env::var_os("ONSET_TUI_TRACE").is_some();
    let mut trace = Trace::default();
    let mut pending: Option<(String, std::time::Instant)> = None;
    loop {
        terminal.draw(|f| view::draw(f, &app))?;
        if tracing {
            if trace.lines.is_empty() {
                trace.lines.push(format!(
                    "first-frame {:.1} ms",
                    launched.elapsed().as_secs_f64() * 1e3
                ));
            }
            if let Some((what, at)) = pending.take() {
                let answered = trace
                    .asked
                    .filter(|_| what.starts_with("Loaded") || what.starts_with("Found"))
                    .map(|t| {
                        format!(
                            " (request to frame {:.1} ms)",
                            t.elapsed().as_secs_f64() * 1e3
                        )
                    })
                    .unwrap_or_default();
                trace.lines.push(format!(
                    "frame {what} {:.2} ms{answered}",
                    at.elapsed().as_secs_f64() * 1e3
                ));
            }
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => keys::key_action(k, &app),
                Some(Ok(Event::Mouse(m))) => keys::mouse_action(m, &app),
                Some(Ok(Event::Resize(w, h))) => Some(Action::Resize(w, h)),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                None => Some(Action::Quit),
            },
            Some(a) = replies.recv() => Some(a),
            _ = tick.tick() => {
                if app.ingesting.is_some() && !ingest_done.load(Ordering::SeqCst) {
                    // Progress: what the last commit holds; the log sees it too.
                    let events = Store::open(&index_dir)
                        .and_then(|s| s.manifest())
                        .map(|m| m.events())
                        .unwrap_or(0);
                    Some(Action::Ingest(events, false))
                } else {
                    None
                }
            },
            _ = term.recv() => Some(Action::Quit),
            _ = int.recv() => Some(Action::Quit),
            _ = hup.recv() => Some(Action::Quit),
        };
        if let Some(a) = action {
            if tracing {
                if let Action::Analysed(incident) = &a {
                    let events: u64 = incident.sources.iter().map(|s| s.events).sum();
                    trace.lines.push(format!(
                        "analysis-ready {:.1} ms {events} events",
                        launched.elapsed().as_secs_f64() * 1e3
                    ));
                }
                pending = Some((a.name().to_string(), std::time::Instant::now()));
            }
            for r in app.update(a) {
                if tracing {
                    trace.asked = Some(std::time::Instant::now());
                }
                let _ = requests_tx.send(r);
            }
            if let Some(r) = app.trace_request() {
                let _ = requests_tx.send(r);
            }
        }
        if app.quit {
            break;
        }
    }
    drop(terminal);
    trace.write();
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
