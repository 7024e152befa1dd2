//! `onset open` driven as a user would: the real binary in a
//! pseudo-terminal, its screen read back by a terminal emulator (vt100).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

use crate::util::Scratch;

/// `onset open` running in a 120×40 pseudo-terminal.
pub(crate) struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn open(s: &Scratch, args: &[&str]) -> Session {
        Session::open_with(s, args, &[])
    }

    /// `onset open ARGS…` with extra environment.
    pub(crate) fn open_with(
        s: &Scratch,
        args: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_onset"));
        cmd.arg("open");
        cmd.args(args);
        cmd.env("ONSET_INDEX", s.index());
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(s.dir.path());
        let child = pty.slave.spawn_command(cmd).expect("spawn onset open");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (scr, all) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                scr.lock().unwrap().process(&buf[..n]);
                all.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            screen,
            raw,
            writer,
            child,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `want`; fails with the screen if not.
    pub(crate) fn wait_for(&self, want: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if self.text().contains(want) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the screen never showed {want:?}:\n{}", self.text());
    }

    fn keys(&mut self, keys: &str) {
        for b in keys.bytes() {
            self.writer.write_all(&[b]).unwrap();
            self.writer.flush().unwrap();
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Sends `q` and waits for the process to end; returns its exit code.
    pub(crate) fn quit(mut self) -> (u32, Vec<u8>, bool) {
        self.keys("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(200));
                let raw = self.raw.lock().unwrap().clone();
                let alternate = self.screen.lock().unwrap().screen().alternate_screen();
                return (status.exit_code(), raw, alternate);
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "onset open did not quit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub(crate) fn sample_index() -> Scratch {
    let s = Scratch::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    s.onset(&["ingest", sample.to_str().unwrap()]).ok();
    s
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn open_shows_the_first_divergence_searches_and_quits_restoring_the_terminal() {
    let s = sample_index();
    let mut ui = Session::open(&s, &[]);
    ui.wait_for("FIRST DIVERGENCE");
    ui.wait_for("postgresql.connections");
    ui.keys("G");
    ui.keys("f");
    // The detail pane: the likely cause and the evidence records.
    ui.wait_for("likely cause: deploy (app)");
    ui.wait_for("postgresql.log:");
    ui.keys("/QueuePool\r");
    ui.wait_for("/QueuePool");
    ui.wait_for("QueuePool limit");
    let (code, raw, alternate) = ui.quit();
    assert_eq!(code, 0);
    assert!(!alternate, "still on the alternate screen");
    // Left the alternate screen and showed the cursor again.
    assert!(contains(&raw, b"\x1b[?1049l"), "no leave-alternate-screen");
    assert!(contains(&raw, b"\x1b[?25h"), "cursor not shown again");
}

#[test]
fn annotations_survive_quitting_and_reopening() {
    let s = sample_index();
    let mut ui = Session::open(&s, &[]);
    ui.wait_for("FIRST DIVERGENCE");
    ui.keys("a4leak after the 1.4.2 deploy\r");
    ui.wait_for("1 annotation saved");
    assert_eq!(ui.quit().0, 0);
    let ui = Session::open(&s, &[]);
    ui.wait_for("[root cause] leak after the 1.4.2 deploy");
    assert_eq!(ui.quit().0, 0);
}

#[test]
fn a_hostile_log_line_never_drives_the_terminal() {
    let s = Scratch::new();
    let log = s.path("evil.log");
    std::fs::write(
        &log,
        "2026-11-21T09:00:00Z INFO hello\n\
         2026-11-21T09:00:01Z ERROR title \x1b]0;pwned\x07 clear \x1b[2J home \x1b[H\n\
         2026-11-21T09:00:02Z INFO clip \x1b]52;c;aGVsbG8=\x07 done\n",
    )
    .unwrap();
    s.onset(&["ingest", log.to_str().unwrap()]).ok();
    let mut ui = Session::open(&s, &[]);
    ui.wait_for("story");
    ui.keys("\t");
    ui.wait_for("␛]0;pwned␇");
    ui.wait_for("␛[2J");
    let (code, raw, _) = ui.quit();
    assert_eq!(code, 0);
    assert!(
        !contains(&raw, b"\x1b]0;pwned"),
        "the title sequence reached the terminal"
    );
    assert!(
        !contains(&raw, b"\x1b]52;"),
        "the clipboard sequence reached the terminal"
    );
}

#[test]
fn open_path_into_a_new_index_shows_the_whole_story_before_the_index_is_built() {
    let s = Scratch::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let trace = s.path("trace.txt");
    // Small commits: an analysis of each commit would be of part of the logs.
    let mut ui = Session::open_with(
        &s,
        &[
            "--threads",
            "1",
            "--commit-bytes",
            "300000",
            sample.to_str().unwrap(),
        ],
        &[("ONSET_TUI_TRACE", trace.as_os_str())],
    );
    ui.wait_for("FIRST DIVERGENCE");
    ui.wait_for("ingest done");
    // The log view shows what the index holds.
    ui.keys("\t");
    ui.wait_for("GET /api/orders");
    assert_eq!(ui.quit().0, 0);
    let indexed: u64 = s
        .onset(&["sources", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|source| source["events"].as_u64().unwrap())
        .sum();
    let text = std::fs::read_to_string(&trace).unwrap();
    let drawn = analyses_drawn(&text);
    assert!(!drawn.is_empty(), "no analysis drawn:\n{text}");
    // The first was drawn before the ingest ended.
    let first_drawn = text.find("analysis-ready").unwrap();
    let ingest_done = text
        .find("frame IngestDone")
        .unwrap_or_else(|| panic!("the end of the ingest was not drawn:\n{text}"));
    assert!(
        first_drawn < ingest_done,
        "the story waited for the index:\n{text}"
    );
    assert!(
        drawn.iter().all(|&n| n == indexed),
        "an analysis of part of the logs was drawn ({drawn:?} of {indexed} events):\n{text}"
    );
}

/// The events each analysis drawn covered, from the frame trace's
/// `analysis-ready MS ms N events` lines.
pub(crate) fn analyses_drawn(trace: &str) -> Vec<u64> {
    trace
        .lines()
        .filter(|l| l.starts_with("analysis-ready"))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect()
}
