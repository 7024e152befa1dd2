//! The Redis cache's log (`redis.log`), only written when a planned restart
//! is part of the run: periodic background saves, then a clean shutdown and
//! start. Redis 7.2 format: `pid:role DD Mon YYYY HH:MM:SS.mmm <level> msg`.

use std::io;

use super::s;
use crate::clock::{self, num, pad, Time, MONTHS};
use crate::out::LogFile;

/// Redis 7.2 in a container (pid 1).
pub struct Redis {
    /// The log file.
    pub file: LogFile,
    child_pid: u32,
}

impl Redis {
    /// The writer.
    pub fn new(file: LogFile) -> Redis {
        Redis {
            file,
            child_pid: 17,
        }
    }

    fn line(&mut self, t: Time, pid: u32, role: char, level: char, msg: &str) -> io::Result<()> {
        let f = &mut self.file;
        let mut b = f.buf();
        num(&mut b, u64::from(pid));
        b.push(b':');
        b.push(role as u8);
        b.push(b' ');
        let micros = f.clock.micros(t);
        let p = f.clock.local(t);
        pad(&mut b, u64::from(p.day), 2);
        b.push(b' ');
        s(&mut b, MONTHS[p.month as usize - 1]);
        b.push(b' ');
        pad(&mut b, p.year as u64, 4);
        b.push(b' ');
        clock::time_colons(&mut b, p);
        b.push(b'.');
        clock::frac(&mut b, micros, 3);
        b.push(b' ');
        b.push(level as u8);
        b.push(b' ');
        s(&mut b, msg);
        b.push(b'\n');
        f.push(t, b)
    }

    /// A periodic RDB save of `changes` keys.
    pub fn save(&mut self, t: Time, changes: u64) -> io::Result<()> {
        self.child_pid += 1 + (changes % 7) as u32;
        let child = self.child_pid;
        self.line(
            t,
            1,
            'M',
            '*',
            &format!("{changes} changes in 300 seconds. Saving..."),
        )?;
        self.line(
            t + 600,
            1,
            'M',
            '*',
            &format!("Background saving started by pid {child}"),
        )?;
        self.line(t + 9_000, child, 'C', '*', "DB saved on disk")?;
        self.line(
            t + 9_300,
            child,
            'C',
            '*',
            "Fork CoW for RDB: current 0 MB, peak 0 MB, average 0 MB",
        )?;
        self.line(
            t + 101_000,
            1,
            'M',
            '*',
            "Background saving terminated with success",
        )
    }

    /// A clean shutdown (SIGTERM) at `t`.
    pub fn stop(&mut self, t: Time) -> io::Result<()> {
        let unix = self.file.clock.unix_us(t).div_euclid(1_000_000);
        // Redis prints the signal line with the epoch instead of a date.
        let f = &mut self.file;
        let mut b = f.buf();
        s(&mut b, "1:signal-handler (");
        num(&mut b, unix as u64);
        s(&mut b, ") Received SIGTERM scheduling shutdown...\n");
        f.push(t, b)?;
        self.line(t + 90_000, 1, 'M', '*', "User requested shutdown...")?;
        self.line(
            t + 90_200,
            1,
            'M',
            '*',
            "Saving the final RDB snapshot before exiting.",
        )?;
        self.line(t + 104_000, 1, 'M', '*', "DB saved on disk")?;
        self.line(
            t + 104_300,
            1,
            'M',
            '#',
            "Redis is now ready to exit, bye bye...",
        )
    }

    /// A start at `t`, ready at the returned time.
    pub fn start(&mut self, t: Time, keys: u64) -> io::Result<Time> {
        self.line(
            t,
            1,
            'C',
            '*',
            "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        )?;
        self.line(
            t,
            1,
            'C',
            '*',
            "Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started",
        )?;
        self.line(t + 100, 1, 'C', '*', "Configuration loaded")?;
        self.line(t + 400, 1, 'M', '*', "monotonic clock: POSIX clock_gettime")?;
        self.line(t + 700, 1, 'M', '*', "Running mode=standalone, port=6379.")?;
        self.line(t + 900, 1, 'M', '*', "Server initialized")?;
        self.line(
            t + 1_100,
            1,
            'M',
            '*',
            "Loading RDB produced by version 7.2.5",
        )?;
        self.line(t + 1_200, 1, 'M', '*', "RDB age 3 seconds")?;
        self.line(
            t + 1_300,
            1,
            'M',
            '*',
            "RDB memory usage when created 2.41 Mb",
        )?;
        let ready = t + 14_000;
        self.line(
            ready - 200,
            1,
            'M',
            '*',
            &format!("Done loading RDB, keys loaded: {keys}, keys expired: 0."),
        )?;
        self.line(
            ready - 100,
            1,
            'M',
            '*',
            "DB loaded from disk: 0.013 seconds",
        )?;
        self.line(ready, 1, 'M', '*', "Ready to accept connections tcp")?;
        Ok(ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writers::testing::file;

    #[test]
    fn restart_lines() -> io::Result<()> {
        let (f, sink) = file("Europe/Berlin");
        let mut r = Redis::new(f);
        r.stop(1_000_000)?;
        let ready = r.start(3_500_000, 4711)?;
        assert_eq!(ready, 3_514_000);
        r.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "1:signal-handler (1795240389) Received SIGTERM scheduling shutdown..."
        );
        assert_eq!(
            lines[1],
            "1:M 21 Nov 2026 06:53:09.090 * User requested shutdown..."
        );
        assert_eq!(
            lines[4],
            "1:M 21 Nov 2026 06:53:09.104 # Redis is now ready to exit, bye bye..."
        );
        assert_eq!(
            lines[5],
            "1:C 21 Nov 2026 06:53:11.500 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"
        );
        assert_eq!(
            lines.last().copied(),
            Some("1:M 21 Nov 2026 06:53:11.514 * Ready to accept connections tcp")
        );
        Ok(())
    }
}
