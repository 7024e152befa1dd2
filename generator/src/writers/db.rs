//! Database logs: PostgreSQL 15 (stderr with
//! `log_line_prefix = '%m [%p] %q%u@%d '`, or csvlog) and MySQL 8.0 /
//! MariaDB 10.11 (error, general and slow query logs).
//!
//! PostgreSQL runs with `log_connections`, `log_disconnections`,
//! `log_statement = 'ddl'`, `log_min_duration_statement` and
//! `log_checkpoints` on. MySQL runs with `general_log`, `slow_query_log`,
//! `long_query_time`, `log_error_verbosity = 3` and `log_timestamps =
//! SYSTEM`; MariaDB with `log_warnings = 4` (so refused and aborted
//! connections reach the error log).

use std::io;

use super::{s, DbLog};
use crate::clock::{self, num, pad, space_pad, Clock, Time};
use crate::out::LogFile;
use crate::records::{Refusal, Session};
use crate::rng::Rng;
use crate::sql::{Dialect, Stmt, Style};

/// How the app's driver sends statements.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    /// Library style.
    pub style: Style,
    /// Server-side placeholders (extended protocol / prepared statements).
    pub bind: bool,
}

// ---------------------------------------------------------------- PostgreSQL

/// Who logs a PostgreSQL line.
enum Who<'a> {
    /// An auxiliary process (postmaster, checkpointer, startup).
    Proc { pid: u64, backend: &'static str },
    /// A client backend.
    Sess {
        s: &'a mut Session,
        /// ps display / command tag.
        tag: &'a str,
        /// The startup packet has been read (user and database known).
        known: bool,
    },
}

/// PostgreSQL 15.
pub struct Postgres {
    file: LogFile,
    csv: bool,
    client: Client,
    slow_us: i64,
    postmaster: u64,
    checkpointer: u64,
    startup: u64,
    launcher: u64,
    proc_lines: u32,
    started: Time,
    estimate_kb: u64,
    rng: Rng,
}

impl Postgres {
    /// A PostgreSQL server writing to `file` (`csv`: csvlog).
    pub fn new(
        file: LogFile,
        csv: bool,
        client: Client,
        slow_us: i64,
        pids: (u64, u64, u64, u64),
        seed: u64,
    ) -> Postgres {
        Postgres {
            file,
            csv,
            client,
            slow_us,
            postmaster: pids.0,
            checkpointer: pids.1,
            startup: pids.2,
            launcher: pids.3,
            proc_lines: 0,
            started: 0,
            estimate_kb: 0,
            rng: Rng::stream(seed, "postgres-log"),
        }
    }

    /// `%m`: `2026-11-21 05:53:08.246 UTC`.
    fn stamp(b: &mut Vec<u8>, c: &mut Clock, t: Time, ms: bool) {
        let micros = c.micros(t);
        let p = c.local(t);
        clock::date_dashes(b, p);
        b.push(b' ');
        clock::time_colons(b, p);
        if ms {
            b.push(b'.');
            clock::frac(b, micros, 3);
        }
        b.push(b' ');
        s(b, &p.abbrev);
    }

    fn csv_literal(b: &mut Vec<u8>, text: &[u8]) {
        b.push(b'"');
        for &c in text {
            if c == b'"' {
                b.push(b'"');
            }
            b.push(c);
        }
        b.push(b'"');
    }

    /// Writes one message (and its DETAIL) in the configured format.
    fn emit(
        &mut self,
        t: Time,
        who: Who,
        severity: &str,
        sqlstate: &str,
        msg: &[u8],
        detail: Option<&[u8]>,
    ) -> io::Result<()> {
        let mut b = self.file.buf();
        if !self.csv {
            let mut prefix = Vec::with_capacity(64);
            Postgres::stamp(&mut prefix, &mut self.file.clock, t, true);
            s(&mut prefix, " [");
            match &who {
                Who::Proc { pid, .. } => {
                    num(&mut prefix, *pid);
                    s(&mut prefix, "] ");
                }
                Who::Sess { s: sess, known, .. } => {
                    num(&mut prefix, sess.pid);
                    s(&mut prefix, "] ");
                    if *known {
                        s(&mut prefix, sess.user);
                        prefix.push(b'@');
                        s(&mut prefix, sess.database);
                    } else {
                        s(&mut prefix, "[unknown]@[unknown]");
                    }
                    prefix.push(b' ');
                }
            }
            b.extend_from_slice(&prefix);
            s(&mut b, severity);
            s(&mut b, ":  ");
            b.extend_from_slice(msg);
            b.push(b'\n');
            if let Some(d) = detail {
                b.extend_from_slice(&prefix);
                s(&mut b, "DETAIL:  ");
                b.extend_from_slice(d);
                b.push(b'\n');
            }
            return self.file.push(t, b);
        }
        // csvlog
        Postgres::stamp(&mut b, &mut self.file.clock, t, true);
        b.push(b',');
        let start_unix;
        let pid;
        let line;
        let (backend, tag, app, vxid): (&str, Option<&str>, Option<String>, Option<String>);
        match who {
            Who::Proc {
                pid: p,
                backend: bt,
            } => {
                s(&mut b, ",,");
                pid = p;
                num(&mut b, pid);
                b.push(b',');
                // no remote host
                self.proc_lines += 1;
                line = self.proc_lines;
                start_unix = self.file.clock.unix_us(self.started).div_euclid(1_000_000);
                backend = bt;
                tag = None;
                app = Some(String::new());
                vxid = None;
            }
            Who::Sess {
                s: sess,
                tag: tg,
                known,
            } => {
                if known {
                    Postgres::csv_literal(&mut b, sess.user.as_bytes());
                    b.push(b',');
                    Postgres::csv_literal(&mut b, sess.database.as_bytes());
                    b.push(b',');
                } else {
                    s(&mut b, ",,");
                }
                pid = sess.pid;
                num(&mut b, pid);
                b.push(b',');
                b.push(b'"');
                s(&mut b, &sess.host);
                b.push(b':');
                num(&mut b, u64::from(sess.port));
                b.push(b'"');
                sess.lines += 1;
                line = sess.lines;
                start_unix = self.file.clock.unix_us(sess.started).div_euclid(1_000_000);
                backend = if known {
                    "client backend"
                } else {
                    "not initialized"
                };
                tag = Some(tg);
                app = Some(if known {
                    sess.app_name.clone()
                } else {
                    String::new()
                });
                vxid = if known {
                    Some(format!("{}/{}", sess.vxid, sess.lines / 2))
                } else {
                    None
                };
            }
        }
        b.push(b',');
        s(&mut b, &format!("{:x}.{:x}", start_unix, pid));
        b.push(b',');
        num(&mut b, u64::from(line));
        b.push(b',');
        if let Some(tg) = tag {
            Postgres::csv_literal(&mut b, tg.as_bytes());
        }
        b.push(b',');
        let start_t = (start_unix * 1_000_000) - self.file.clock.start_unix_us();
        Postgres::stamp(&mut b, &mut self.file.clock, start_t, false);
        b.push(b',');
        if let Some(v) = vxid {
            s(&mut b, &v);
        }
        s(&mut b, ",0,");
        s(&mut b, severity);
        b.push(b',');
        s(&mut b, sqlstate);
        b.push(b',');
        Postgres::csv_literal(&mut b, msg);
        b.push(b',');
        if let Some(d) = detail {
            Postgres::csv_literal(&mut b, d);
        }
        s(&mut b, ",,,,,,,,");
        if let Some(a) = app {
            Postgres::csv_literal(&mut b, a.as_bytes());
        }
        b.push(b',');
        Postgres::csv_literal(&mut b, backend.as_bytes());
        s(&mut b, ",,0\n");
        self.file.push(t, b)
    }

    fn session_time(b: &mut Vec<u8>, us: i64) {
        let ms = us.max(0) / 1000;
        num(b, (ms / 3_600_000) as u64);
        b.push(b':');
        pad(b, (ms / 60_000 % 60) as u64, 2);
        b.push(b':');
        pad(b, (ms / 1000 % 60) as u64, 2);
        b.push(b'.');
        pad(b, (ms % 1000) as u64, 3);
    }

    fn proc(&self, pid: u64, backend: &'static str) -> Who<'static> {
        Who::Proc { pid, backend }
    }
}

fn tag_of(stmt: Stmt) -> &'static str {
    match stmt {
        Stmt::UpdateStock(_) => "UPDATE",
        Stmt::InsertOrder { .. } => "INSERT",
        Stmt::Begin => "BEGIN",
        Stmt::Commit => "COMMIT",
        Stmt::Rollback => "ROLLBACK",
        Stmt::DropIndex => "DROP INDEX",
        Stmt::CreateIndex => "CREATE INDEX",
        _ => "SELECT",
    }
}

impl DbLog for Postgres {
    fn startup(&mut self, t: Time) -> io::Result<()> {
        self.started = t;
        let shut = t - 1_000_000 * (40 + self.rng.below(200) as i64);
        let pm = self.postmaster;
        let lines: [(Time, u64, &'static str, String); 6] = [
            (t, pm, "postmaster", "starting PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit".to_string()),
            (t, pm, "postmaster", "listening on IPv4 address \"0.0.0.0\", port 5432".to_string()),
            (t, pm, "postmaster", "listening on IPv6 address \"::\", port 5432".to_string()),
            (t + 1_000, pm, "postmaster", "listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"".to_string()),
            (t + 6_000, self.startup, "startup", String::new()),
            (t + 11_000, pm, "postmaster", "database system is ready to accept connections".to_string()),
        ];
        for (at, pid, bt, msg) in lines {
            let msg = if msg.is_empty() {
                let mut m = b"database system was shut down at ".to_vec();
                Postgres::stamp(&mut m, &mut self.file.clock, shut, false);
                m
            } else {
                msg.into_bytes()
            };
            let who = self.proc(pid, bt);
            self.emit(at, who, "LOG", "00000", &msg, None)?;
        }
        Ok(())
    }

    fn connect(
        &mut self,
        sess: &mut Session,
        received: Time,
        authorized: Time,
        refused: Option<Refusal>,
    ) -> io::Result<()> {
        let mut m = Vec::with_capacity(64);
        s(&mut m, "connection received: host=");
        s(&mut m, &sess.host);
        s(&mut m, " port=");
        num(&mut m, u64::from(sess.port));
        self.emit(
            received,
            Who::Sess {
                s: sess,
                tag: "",
                known: false,
            },
            "LOG",
            "00000",
            &m,
            None,
        )?;
        if refused == Some(Refusal::TooManyClients) {
            return self.emit(
                authorized,
                Who::Sess {
                    s: sess,
                    tag: "",
                    known: true,
                },
                "FATAL",
                "53300",
                b"sorry, too many clients already",
                None,
            );
        }
        let m = format!(
            "connection authenticated: identity=\"{}\" method=scram-sha-256 (/etc/postgresql/15/main/pg_hba.conf:102)",
            sess.user
        );
        self.emit(
            authorized,
            Who::Sess {
                s: sess,
                tag: "authentication",
                known: true,
            },
            "LOG",
            "00000",
            m.as_bytes(),
            None,
        )?;
        let m = format!(
            "connection authorized: user={} database={} application_name={}",
            sess.user, sess.database, sess.app_name
        );
        self.emit(
            authorized,
            Who::Sess {
                s: sess,
                tag: "authentication",
                known: true,
            },
            "LOG",
            "00000",
            m.as_bytes(),
            None,
        )?;
        if refused.is_some() {
            let at = authorized + 400 + self.rng.below(900) as i64;
            self.emit(
                at,
                Who::Sess { s: sess, tag: "startup", known: true },
                "FATAL",
                "53300",
                b"remaining connection slots are reserved for non-replication superuser connections",
                None,
            )?;
        }
        Ok(())
    }

    fn disconnect(&mut self, sess: &mut Session, t: Time, abrupt: bool) -> io::Result<()> {
        let in_txn = sess.in_txn;
        let tag = if in_txn {
            "idle in transaction"
        } else {
            "idle"
        };
        if abrupt && in_txn {
            self.emit(
                t,
                Who::Sess {
                    s: sess,
                    tag,
                    known: true,
                },
                "LOG",
                "08P01",
                b"unexpected EOF on client connection with an open transaction",
                None,
            )?;
        }
        let mut m = Vec::with_capacity(128);
        s(&mut m, "disconnection: session time: ");
        Postgres::session_time(&mut m, t - sess.started);
        s(&mut m, " user=");
        s(&mut m, sess.user);
        s(&mut m, " database=");
        s(&mut m, sess.database);
        s(&mut m, " host=");
        s(&mut m, &sess.host);
        s(&mut m, " port=");
        num(&mut m, u64::from(sess.port));
        self.emit(
            t,
            Who::Sess {
                s: sess,
                tag,
                known: true,
            },
            "LOG",
            "00000",
            &m,
            None,
        )
    }

    fn statement(
        &mut self,
        sess: &mut Session,
        stmt: Stmt,
        start: Time,
        end: Time,
        _rows: (u64, u64),
    ) -> io::Result<bool> {
        let ddl = matches!(stmt, Stmt::DropIndex | Stmt::CreateIndex);
        let dur = end - start;
        let tag = tag_of(stmt);
        if ddl {
            let mut m = b"statement: ".to_vec();
            stmt.render(self.client.style, Dialect::Postgres, false, &mut m);
            self.emit(
                start,
                Who::Sess {
                    s: sess,
                    tag,
                    known: true,
                },
                "LOG",
                "00000",
                &m,
                None,
            )?;
            if dur >= self.slow_us {
                let mut m = b"duration: ".to_vec();
                clock::millis(&mut m, dur, 3);
                s(&mut m, " ms");
                self.emit(
                    end,
                    Who::Sess {
                        s: sess,
                        tag,
                        known: true,
                    },
                    "LOG",
                    "00000",
                    &m,
                    None,
                )?;
                return Ok(true);
            }
            return Ok(false);
        }
        if dur < self.slow_us {
            return Ok(false);
        }
        let mut m = b"duration: ".to_vec();
        clock::millis(&mut m, dur, 3);
        let bind = self.client.bind && stmt.has_params();
        if bind {
            s(&mut m, " ms  execute <unnamed>: ");
        } else {
            s(&mut m, " ms  statement: ");
        }
        stmt.render(self.client.style, Dialect::Postgres, bind, &mut m);
        let detail = if bind {
            let mut d = Vec::new();
            stmt.pg_parameters(&mut d);
            Some(d)
        } else {
            None
        };
        self.emit(
            end,
            Who::Sess {
                s: sess,
                tag,
                known: true,
            },
            "LOG",
            "00000",
            &m,
            detail.as_deref(),
        )?;
        Ok(true)
    }

    fn checkpoint(&mut self, start: Time, end: Time, buffers: u64, shared: u64) -> io::Result<()> {
        let ck = self.checkpointer;
        let who = self.proc(ck, "checkpointer");
        self.emit(
            start,
            who,
            "LOG",
            "00000",
            b"checkpoint starting: time",
            None,
        )?;
        let kb = buffers * 8 + self.rng.below(buffers * 2 + 1);
        self.estimate_kb = if self.estimate_kb == 0 {
            kb
        } else {
            (self.estimate_kb * 9 / 10 + kb / 10).max(kb)
        };
        let files = 3 + buffers / 25 + self.rng.below(4);
        let write = end - start - 2_000;
        let m = format!(
            "checkpoint complete: wrote {buffers} buffers ({:.1}%); 0 WAL file(s) added, 0 removed, {} recycled; write={}.{:03} s, sync=0.00{} s, total={}.{:03} s; sync files={files}, longest=0.001 s, average=0.001 s; distance={kb} kB, estimate={} kB",
            buffers as f64 * 100.0 / shared.max(1) as f64,
            u64::from(kb > 16_384),
            write / 1_000_000,
            write / 1000 % 1000,
            1 + self.rng.below(4),
            (end - start) / 1_000_000,
            (end - start) / 1000 % 1000,
            self.estimate_kb
        );
        let who = self.proc(ck, "checkpointer");
        self.emit(end, who, "LOG", "00000", m.as_bytes(), None)
    }

    fn shutdown(&mut self, t: Time) -> io::Result<()> {
        let pm = self.postmaster;
        let ck = self.checkpointer;
        let launcher = format!(
            "background worker \"logical replication launcher\" (PID {}) exited with exit code 1",
            self.launcher
        );
        let done = format!(
            "checkpoint complete: wrote {} buffers (0.{}%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.004 s, sync=0.002 s, total=0.009 s; sync files={}, longest=0.001 s, average=0.001 s; distance={} kB, estimate={} kB",
            40 + self.rng.below(80),
            2 + self.rng.below(6),
            6 + self.rng.below(8),
            300 + self.rng.below(600),
            self.estimate_kb.max(900)
        );
        let lines: [(Time, u64, &'static str, &[u8]); 7] = [
            (t, pm, "postmaster", b"received fast shutdown request"),
            (
                t + 300,
                pm,
                "postmaster",
                b"aborting any active transactions",
            ),
            (t + 2_100, pm, "postmaster", launcher.as_bytes()),
            (t + 3_900, ck, "checkpointer", b"shutting down"),
            (
                t + 4_000,
                ck,
                "checkpointer",
                b"checkpoint starting: shutdown immediate",
            ),
            (t + 13_400, ck, "checkpointer", done.as_bytes()),
            (
                t + 19_800,
                pm,
                "postmaster",
                b"database system is shut down",
            ),
        ];
        for (at, pid, bt, msg) in lines {
            let who = self.proc(pid, bt);
            self.emit(at, who, "LOG", "00000", msg, None)?;
        }
        Ok(())
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        vec![&mut self.file]
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.file.advance(t)
    }
}

// ---------------------------------------------------------------- MySQL / MariaDB

/// The three MySQL log files.
pub struct MysqlFiles {
    /// `log_error`.
    pub error: LogFile,
    /// `general_log_file`, if `general_log` is on.
    pub general: Option<LogFile>,
    /// `slow_query_log_file`.
    pub slow: LogFile,
}

/// MySQL 8.0 or MariaDB 10.11.
pub struct Mysql {
    error: LogFile,
    general: Option<LogFile>,
    slow: LogFile,
    mariadb: bool,
    client: Client,
    slow_us: i64,
    pid: u64,
    slow_used_db: bool,
    rng: Rng,
}

impl Mysql {
    /// The server; `mariadb` picks MariaDB's shapes.
    pub fn new(
        files: MysqlFiles,
        mariadb: bool,
        client: Client,
        slow_us: i64,
        pid: u64,
        seed: u64,
    ) -> Mysql {
        Mysql {
            error: files.error,
            general: files.general,
            slow: files.slow,
            mariadb,
            client,
            slow_us,
            pid,
            slow_used_db: false,
            rng: Rng::stream(seed, "mysql-log"),
        }
    }

    /// Error log line prefix: timestamp, thread, `[Level]` (+ MySQL 8's
    /// code and subsystem).
    fn error_line(
        &mut self,
        t: Time,
        thread: u64,
        level: &str,
        code: &str,
        subsystem: &str,
        msg: &str,
    ) -> io::Result<()> {
        let f = &mut self.error;
        let mut b = f.buf();
        if self.mariadb {
            let p = f.clock.local(t);
            clock::date_dashes(&mut b, p);
            b.push(b' ');
            space_pad(&mut b, u64::from(p.hour), 2);
            b.push(b':');
            pad(&mut b, u64::from(p.min), 2);
            b.push(b':');
            pad(&mut b, u64::from(p.sec), 2);
            b.push(b' ');
            num(&mut b, thread);
            s(&mut b, " [");
            s(&mut b, if level == "System" { "Note" } else { level });
            s(&mut b, "] ");
        } else {
            clock::iso_local(&mut b, &mut f.clock, t, 6, true);
            b.push(b' ');
            num(&mut b, thread);
            s(&mut b, " [");
            s(&mut b, level);
            s(&mut b, "] [");
            s(&mut b, code);
            s(&mut b, "] [");
            s(&mut b, subsystem);
            s(&mut b, "] ");
        }
        s(&mut b, msg);
        b.push(b'\n');
        f.push(t, b)
    }

    fn general_line(&mut self, t: Time, thread: u64, command: &str, arg: &[u8]) -> io::Result<()> {
        let Some(f) = &mut self.general else {
            return Ok(());
        };
        let mut b = f.buf();
        if self.mariadb {
            // The time (or `\t\t`) is added when the line is written.
            space_pad(&mut b, thread, 6);
        } else {
            clock::iso_local(&mut b, &mut f.clock, t, 6, true);
            b.push(b'\t');
            space_pad(&mut b, thread, 5);
        }
        b.push(b' ');
        s(&mut b, command);
        b.push(b'\t');
        b.extend_from_slice(arg);
        b.push(b'\n');
        f.push(t, b)
    }

    fn header(&self) -> &'static str {
        if self.mariadb {
            "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n"
        } else {
            "/usr/sbin/mysqld, Version: 8.0.39 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n"
        }
    }

    fn aborted(
        &mut self,
        t: Time,
        sess: &Session,
        db: &str,
        user: &str,
        reason: &str,
    ) -> io::Result<()> {
        let msg = format!(
            "Aborted connection {} to db: '{db}' user: '{user}' host: '{}' ({reason}){}",
            sess.pid,
            sess.host,
            if self.mariadb { "" } else { "." }
        );
        let level = if self.mariadb { "Warning" } else { "Note" };
        self.error_line(t, sess.pid, level, "MY-010914", "Server", &msg)
    }
}

impl DbLog for Mysql {
    fn startup(&mut self, t: Time) -> io::Result<()> {
        let pid = self.pid;
        if self.mariadb {
            let lines = [
                format!("Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision fecd78b83785d5ae96f2c6ff340375be803cd299 as process {pid}"),
                "InnoDB: Compressed tables use zlib 1.2.13".to_string(),
                "InnoDB: Number of transaction pools: 1".to_string(),
                "InnoDB: Using crc32 + pclmulqdq instructions".to_string(),
                "InnoDB: Initializing buffer pool, total size = 1.000GiB, chunk size = 16.000MiB".to_string(),
                "InnoDB: Completed initialization of buffer pool".to_string(),
                "InnoDB: 128 rollback segments are active.".to_string(),
                "InnoDB: log sequence number 284177420; transaction id 902441".to_string(),
                "Plugin 'FEEDBACK' is disabled.".to_string(),
                "Server socket created on IP: '0.0.0.0'.".to_string(),
            ];
            for (i, l) in lines.iter().enumerate() {
                self.error_line(t + i as i64 * 2_000, 0, "Note", "", "", l)?;
            }
            let ready = t + 40_000;
            self.error_line(
                ready,
                0,
                "Note",
                "",
                "",
                "/usr/sbin/mariadbd: ready for connections.\nVersion: '10.11.6-MariaDB-0+deb12u1'  socket: '/run/mysqld/mysqld.sock'  port: 3306  Debian 12",
            )?;
        } else {
            let lines: [(&str, &str, &str, String); 7] = [
                ("System", "MY-010116", "Server", format!("/usr/sbin/mysqld (mysqld 8.0.39) starting as process {pid}")),
                ("System", "MY-013576", "InnoDB", "InnoDB initialization has started.".to_string()),
                ("System", "MY-013577", "InnoDB", "InnoDB initialization has ended.".to_string()),
                ("Warning", "MY-010068", "Server", "CA certificate ca.pem is self signed.".to_string()),
                ("System", "MY-013602", "Server", "Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.".to_string()),
                ("System", "MY-011323", "Server", "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock".to_string()),
                ("System", "MY-010931", "Server", "/usr/sbin/mysqld: ready for connections. Version: '8.0.39'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.".to_string()),
            ];
            for (i, (level, code, sub, msg)) in lines.iter().enumerate() {
                let thread = if *sub == "InnoDB" { 1 } else { 0 };
                self.error_line(t + i as i64 * 30_000, thread, level, code, sub, msg)?;
            }
        }
        let header = self.header();
        if let Some(general) = &mut self.general {
            let mut b = general.buf();
            s(&mut b, header);
            general.push_raw(t, b)?;
        }
        let mut b = self.slow.buf();
        s(&mut b, header);
        self.slow.push_raw(t, b)
    }

    fn connect(
        &mut self,
        sess: &mut Session,
        received: Time,
        _authorized: Time,
        refused: Option<Refusal>,
    ) -> io::Result<()> {
        if refused.is_some() {
            if self.mariadb {
                return self.aborted(
                    received,
                    sess,
                    "unconnected",
                    "unauthenticated",
                    "Too many connections",
                );
            }
            // MySQL 8 refuses before the session exists: nothing is logged.
            return Ok(());
        }
        let arg = if self.mariadb {
            format!(
                "{}@{} as anonymous on {}",
                sess.user, sess.host, sess.database
            )
        } else {
            format!(
                "{}@{} on {} using TCP/IP",
                sess.user, sess.host, sess.database
            )
        };
        self.general_line(received, sess.pid, "Connect", arg.as_bytes())
    }

    fn disconnect(&mut self, sess: &mut Session, t: Time, abrupt: bool) -> io::Result<()> {
        if abrupt {
            let (db, user) = (sess.database, sess.user);
            let s2 = sess.clone();
            return self.aborted(
                t,
                &s2,
                db,
                user,
                "Got an error reading communication packets",
            );
        }
        self.general_line(t, sess.pid, "Quit", b"")
    }

    fn statement(
        &mut self,
        sess: &mut Session,
        stmt: Stmt,
        start: Time,
        end: Time,
        rows: (u64, u64),
    ) -> io::Result<bool> {
        let mut lit = Vec::with_capacity(160);
        stmt.render(self.client.style, Dialect::Mysql, false, &mut lit);
        if self.client.bind && stmt.has_params() {
            let mut q = Vec::with_capacity(160);
            stmt.render(self.client.style, Dialect::Mysql, true, &mut q);
            self.general_line(start, sess.pid, "Prepare", &q)?;
            self.general_line(start + 40, sess.pid, "Execute", &lit)?;
            self.general_line(end.max(start + 80), sess.pid, "Close stmt", b"")?;
        } else {
            self.general_line(start, sess.pid, "Query", &lit)?;
        }
        sess.last = Some(stmt);
        let dur = end - start;
        if dur < self.slow_us {
            return Ok(false);
        }
        let f = &mut self.slow;
        let mut b = f.buf();
        let lock_us = 5 + self.rng.below(40) as i64;
        if self.mariadb {
            // `# Time:` is added when the entry is written.
            s(&mut b, "# User@Host: ");
            s(&mut b, sess.user);
            b.push(b'[');
            s(&mut b, sess.user);
            s(&mut b, "] @  [");
            s(&mut b, &sess.host);
            s(&mut b, "]\n# Thread_id: ");
            num(&mut b, sess.pid);
            s(&mut b, "  Schema: ");
            s(&mut b, sess.database);
            s(&mut b, "  QC_hit: No\n# Query_time: ");
            clock::secs(&mut b, dur, 6);
            s(&mut b, "  Lock_time: ");
            clock::secs(&mut b, lock_us, 6);
            s(&mut b, "  Rows_sent: ");
            num(&mut b, rows.0);
            s(&mut b, "  Rows_examined: ");
            num(&mut b, rows.1);
            s(&mut b, "\n# Rows_affected: 0  Bytes_sent: ");
            num(&mut b, 90 + rows.0 * 41);
            b.push(b'\n');
        } else {
            s(&mut b, "# Time: ");
            clock::iso_local(&mut b, &mut f.clock, end, 6, true);
            s(&mut b, "\n# User@Host: ");
            s(&mut b, sess.user);
            b.push(b'[');
            s(&mut b, sess.user);
            s(&mut b, "] @  [");
            s(&mut b, &sess.host);
            s(&mut b, "]  Id: ");
            space_pad(&mut b, sess.pid, 5);
            s(&mut b, "\n# Query_time: ");
            clock::secs(&mut b, dur, 6);
            s(&mut b, "  Lock_time: ");
            clock::secs(&mut b, lock_us, 6);
            s(&mut b, " Rows_sent: ");
            num(&mut b, rows.0);
            s(&mut b, "  Rows_examined: ");
            num(&mut b, rows.1);
            b.push(b'\n');
        }
        if !self.slow_used_db {
            self.slow_used_db = true;
            s(&mut b, "use ");
            s(&mut b, sess.database);
            s(&mut b, ";\n");
        }
        s(&mut b, "SET timestamp=");
        num(&mut b, f.clock.unix_us(start).div_euclid(1_000_000) as u64);
        s(&mut b, ";\n");
        b.extend_from_slice(&lit);
        s(&mut b, ";\n");
        f.push(end, b)?;
        Ok(true)
    }

    fn checkpoint(
        &mut self,
        _start: Time,
        _end: Time,
        _buffers: u64,
        _shared: u64,
    ) -> io::Result<()> {
        Ok(())
    }

    fn shutdown(&mut self, t: Time) -> io::Result<()> {
        if self.mariadb {
            let lines = [
                "/usr/sbin/mariadbd (initiated by: unknown): Normal shutdown",
                "InnoDB: FTS optimize thread exiting.",
                "InnoDB: Starting shutdown...",
                "InnoDB: Dumping buffer pool(s) to /var/lib/mysql/ib_buffer_pool",
                "InnoDB: Buffer pool(s) dump completed",
                "InnoDB: Shutdown completed; log sequence number 284913377; transaction id 904118",
                "/usr/sbin/mariadbd: Shutdown complete",
            ];
            for (i, l) in lines.iter().enumerate() {
                self.error_line(t + i as i64 * 9_000, 0, "Note", "", "", l)?;
            }
        } else {
            let lines: [(&str, &str, &str); 2] = [
                ("MY-013172", "Server", "Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.0.39)."),
                ("MY-010910", "Server", "/usr/sbin/mysqld: Shutdown complete (mysqld 8.0.39)  MySQL Community Server - GPL."),
            ];
            for (i, (code, sub, msg)) in lines.iter().enumerate() {
                self.error_line(t + i as i64 * 400_000, 0, "System", code, sub, msg)?;
            }
        }
        Ok(())
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        let mut v = vec![&mut self.error];
        v.extend(self.general.as_mut());
        v.push(&mut self.slow);
        v
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.error.advance(t)?;
        if let Some(g) = &mut self.general {
            g.advance(t)?;
        }
        self.slow.advance(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writers::testing::file;

    fn session(pid: u64) -> Session {
        Session {
            pid,
            host: "10.0.1.10".to_string(),
            port: 52694,
            user: "app",
            database: "shop",
            app_name: "shop-api".to_string(),
            started: 2_143_000,
            lines: 0,
            vxid: 3,
            in_txn: false,
            last: None,
        }
    }

    const PY: Client = Client {
        style: Style::SqlAlchemy,
        bind: false,
    };
    const GO: Client = Client {
        style: Style::Go,
        bind: true,
    };

    #[test]
    fn postgres_stderr_sessions() -> io::Result<()> {
        let (f, sink) = file("UTC");
        let mut pg = Postgres::new(f, false, PY, 250_000, (16480, 16481, 16483, 16486), 1);
        let mut s = session(16501);
        pg.connect(&mut s, 2_143_000, 2_147_000, None)?;
        let mut r = session(18384);
        pg.connect(&mut r, 9_011_000, 9_015_000, Some(Refusal::ReservedSlots))?;
        s.in_txn = true;
        pg.disconnect(&mut s, 240_635_000, true)?;
        pg.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[..3],
            [
                "2026-11-21 05:53:10.143 UTC [16501] [unknown]@[unknown] LOG:  connection received: host=10.0.1.10 port=52694",
                "2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authenticated: identity=\"app\" method=scram-sha-256 (/etc/postgresql/15/main/pg_hba.conf:102)",
                "2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authorized: user=app database=shop application_name=shop-api",
            ]
        );
        assert!(
            lines[6].starts_with("2026-11-21 05:53:17.01"),
            "{}",
            lines[6]
        );
        assert!(lines[6].ends_with(" UTC [18384] app@shop FATAL:  remaining connection slots are reserved for non-replication superuser connections"));
        assert_eq!(
            lines[7..],
            [
                "2026-11-21 05:57:08.635 UTC [16501] app@shop LOG:  unexpected EOF on client connection with an open transaction",
                "2026-11-21 05:57:08.635 UTC [16501] app@shop LOG:  disconnection: session time: 0:03:58.492 user=app database=shop host=10.0.1.10 port=52694",
            ]
        );
        Ok(())
    }

    #[test]
    fn postgres_slow_statements_and_ddl() -> io::Result<()> {
        let (f, sink) = file("Europe/Berlin");
        let mut pg = Postgres::new(f, false, GO, 250_000, (1, 2, 3, 4), 1);
        let mut s = session(4242);
        let list = Stmt::OrdersByCustomer {
            customer: 2207,
            limit: 20,
        };
        assert!(!pg.statement(&mut s, list, 1_000_000, 1_100_000, (12, 12))?);
        assert!(pg.statement(&mut s, list, 1_000_000, 1_812_345, (12, 3_000_000))?);
        pg.statement(&mut s, Stmt::DropIndex, 2_000_000, 2_014_000, (0, 0))?;
        pg.file.finish()?;
        assert_eq!(
            sink.text(),
            "2026-11-21 06:53:09.812 CET [4242] app@shop LOG:  duration: 812.345 ms  execute <unnamed>: SELECT id, amount_cents, status, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2\n\
             2026-11-21 06:53:09.812 CET [4242] app@shop DETAIL:  parameters: $1 = '2207', $2 = '20'\n\
             2026-11-21 06:53:10.000 CET [4242] app@shop LOG:  statement: DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_created_at_idx\n"
        );
        Ok(())
    }

    #[test]
    fn postgres_csvlog() -> io::Result<()> {
        let (f, sink) = file("Asia/Tokyo");
        let mut pg = Postgres::new(f, true, PY, 250_000, (927, 928, 930, 933), 1);
        let mut s = session(3232);
        pg.connect(&mut s, 2_143_000, 2_147_000, None)?;
        pg.disconnect(&mut s, 62_143_000, false)?;
        pg.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "2026-11-21 14:53:10.143 JST,,,3232,\"10.0.1.10:52694\",6b0131c6.ca0,1,\"\",2026-11-21 14:53:10 JST,,0,LOG,00000,\"connection received: host=10.0.1.10 port=52694\",,,,,,,,,\"\",\"not initialized\",,0"
        );
        assert_eq!(
            lines[2],
            "2026-11-21 14:53:10.147 JST,\"app\",\"shop\",3232,\"10.0.1.10:52694\",6b0131c6.ca0,3,\"authentication\",2026-11-21 14:53:10 JST,3/1,0,LOG,00000,\"connection authorized: user=app database=shop application_name=shop-api\",,,,,,,,,\"shop-api\",\"client backend\",,0"
        );
        assert!(lines[3].contains(",4,\"idle\",") && lines[3].contains("\"disconnection: session time: 0:01:00.000 user=app database=shop host=10.0.1.10 port=52694\""));
        // Every record has the 26 csvlog columns.
        for l in &lines {
            let mut cols = 1;
            let mut quoted = false;
            for c in l.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => cols += 1,
                    _ => {}
                }
            }
            assert_eq!(cols, 26, "{l}");
        }
        Ok(())
    }

    #[test]
    fn mysql8_general_slow_and_error_logs() -> io::Result<()> {
        let (e, es) = file("America/Chicago");
        let (g, gs) = file("America/Chicago");
        let (s, ss) = file("America/Chicago");
        let knex = Client {
            style: Style::Knex,
            bind: false,
        };
        let mut my = Mysql::new(
            MysqlFiles {
                error: e,
                general: Some(g),
                slow: s,
            },
            false,
            knex,
            200_000,
            1224,
            1,
        );
        let mut sess = session(42);
        sess.host = "10.0.1.11".to_string();
        my.connect(&mut sess, 2_202_290, 2_205_000, None)?;
        let list = Stmt::OrdersByCustomer {
            customer: 3691,
            limit: 20,
        };
        my.statement(&mut sess, list, 2_207_337, 3_441_904, (12, 3_000_000))?;
        my.disconnect(&mut sess, 9_000_000, false)?;
        let mut gone = session(43);
        gone.host = "10.0.1.11".to_string();
        my.disconnect(&mut gone, 9_500_000, true)?;
        my.connect(
            &mut gone,
            9_600_000,
            9_600_000,
            Some(Refusal::TooManyConnections),
        )?;
        for f in my.files() {
            f.finish()?;
        }
        assert_eq!(
            gs.text(),
            "2026-11-20T23:53:10.202290-06:00\t   42 Connect\tapp@10.0.1.11 on shop using TCP/IP\n\
             2026-11-20T23:53:10.207337-06:00\t   42 Query\tselect `id`, `amount_cents`, `status`, `created_at` from `orders` where `customer_id` = 3691 order by `created_at` desc limit 20\n\
             2026-11-20T23:53:17.000000-06:00\t   42 Quit\t\n"
        );
        let slow = ss.text();
        assert!(slow.starts_with(
            "# Time: 2026-11-20T23:53:11.441904-06:00\n# User@Host: app[app] @  [10.0.1.11]  Id:    42\n# Query_time: 1.234567  Lock_time: 0.0000"
        ), "{slow}");
        assert!(slow.ends_with(
            " Rows_sent: 12  Rows_examined: 3000000\nuse shop;\nSET timestamp=1795240390;\nselect `id`, `amount_cents`, `status`, `created_at` from `orders` where `customer_id` = 3691 order by `created_at` desc limit 20;\n"
        ), "{slow}");
        // MySQL 8 logs nothing for a refused connection.
        assert_eq!(
            es.text(),
            "2026-11-20T23:53:17.500000-06:00 43 [Note] [MY-010914] [Server] Aborted connection 43 to db: 'shop' user: 'app' host: '10.0.1.11' (Got an error reading communication packets).\n"
        );
        Ok(())
    }

    #[test]
    fn mariadb_prints_the_time_once_per_second() -> io::Result<()> {
        let (e, es) = file("UTC");
        let (g, gs) = file("UTC");
        let (s, ss) = file("UTC");
        let mut my = Mysql::new(
            MysqlFiles {
                error: e,
                general: Some(g.with_prefix(crate::out::Prefix::MariadbGeneral)),
                slow: s.with_prefix(crate::out::Prefix::MariadbSlow),
            },
            true,
            GO,
            500_000,
            977,
            1,
        );
        let mut sess = session(118);
        my.startup(0)?;
        my.connect(&mut sess, 2_000_000, 2_003_000, None)?;
        my.statement(
            &mut sess,
            Stmt::OrderById(41865),
            2_004_000,
            2_005_000,
            (1, 1),
        )?;
        my.connect(
            &mut session(119),
            3_100_000,
            3_100_000,
            Some(Refusal::TooManyConnections),
        )?;
        for f in my.files() {
            f.finish()?;
        }
        let general = gs.text();
        assert!(general.ends_with(
            "Time\t\t    Id Command\tArgument\n\
             261121  5:53:10\t   118 Connect\tapp@10.0.1.10 as anonymous on shop\n\
             \t\t   118 Prepare\tSELECT id, customer_id, amount_cents, status, created_at FROM orders WHERE id = ?\n\
             \t\t   118 Execute\tSELECT id, customer_id, amount_cents, status, created_at FROM orders WHERE id = 41865\n\
             \t\t   118 Close stmt\t\n"
        ), "{general}");
        assert!(es.text().starts_with(
            "2026-11-21  5:53:08 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1"
        ));
        assert!(es.text().ends_with(
            "2026-11-21  5:53:11 119 [Warning] Aborted connection 119 to db: 'unconnected' user: 'unauthenticated' host: '10.0.1.10' (Too many connections)\n"
        ));
        // Only the header: nothing was slow.
        assert!(ss.text().ends_with("Argument\n"));
        Ok(())
    }

    #[test]
    fn mariadb_without_a_general_log_logs_no_session_that_went_well() -> io::Result<()> {
        let (e, es) = file("UTC");
        let (s, ss) = file("UTC");
        let mut my = Mysql::new(
            MysqlFiles {
                error: e,
                general: None,
                slow: s.with_prefix(crate::out::Prefix::MariadbSlow),
            },
            true,
            GO,
            500_000,
            977,
            1,
        );
        my.startup(0)?;
        let mut fine = session(118);
        my.connect(&mut fine, 2_000_000, 2_003_000, None)?;
        my.statement(
            &mut fine,
            Stmt::OrderById(41865),
            2_004_000,
            2_005_000,
            (1, 1),
        )?;
        my.disconnect(&mut fine, 2_100_000, false)?;
        let mut slow = session(120);
        my.connect(&mut slow, 2_000_000, 2_003_000, None)?;
        my.statement(
            &mut slow,
            Stmt::OrderById(7),
            2_004_000,
            3_204_000,
            (1, 3_000_000),
        )?;
        my.disconnect(&mut slow, 3_300_000, true)?;
        my.connect(
            &mut session(119),
            3_100_000,
            3_100_000,
            Some(Refusal::TooManyConnections),
        )?;
        assert_eq!(my.files().len(), 2);
        for f in my.files() {
            f.finish()?;
        }
        let error = es.text();
        let after_start: Vec<&str> = error
            .lines()
            .filter(|l| !l.contains(" 0 [Note] "))
            .filter(|l| !l.starts_with("Version: "))
            .collect();
        // A refused connect and a client gone without QUIT: nothing for the
        // session that connected and quit normally.
        assert_eq!(after_start.len(), 2, "{error}");
        assert!(
            after_start[0].ends_with("(Too many connections)"),
            "{error}"
        );
        assert!(
            after_start[1].contains("Aborted connection 120 to db: 'shop'"),
            "{error}"
        );
        assert!(!error.contains("Connect"));
        // The slow log has the one statement over long_query_time.
        assert_eq!(ss.text().matches("# Query_time: ").count(), 1);
        assert!(
            ss.text().contains("# Query_time: 1.200000 "),
            "{}",
            ss.text()
        );
        Ok(())
    }
}
