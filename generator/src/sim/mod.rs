//! The discrete-event simulation: the causal chain of an incident, modelled
//! rather than scripted.
//!
//! - **Traffic** ([`traffic`]): users with fixed addresses and heavy-tailed
//!   activity open page views (Poisson, with a slow wave); a page view is
//!   1-4 API calls, later calls issued when earlier ones answered; mobile
//!   apps retry a GET once after a 502/503/504. An uptime probe and,
//!   optionally, a scanner burst add their own requests.
//! - **Load balancer**: routes each request to a worker (the kernel's accept
//!   race for gunicorn's shared socket, round robin over instances), and
//!   answers 504 when the upstream has not answered within the upstream
//!   timeout, 502 when the worker vanishes, 503 when nothing serves.
//! - **App workers** ([`app`]): each has a fixed number of threads, an
//!   accept queue, and its own connection pool (`pool_size` kept,
//!   `max_overflow` more on demand, `pool_timeout` to wait). CPU time is
//!   served by the host's cores, query time by the database's cores (both
//!   FIFO multi-server queues), so saturation shows up as latency.
//! - **Database**: counts sessions against `max_connections` (minus the
//!   superuser reserve) and refuses the rest; logs what the server logs.
//! - **Incidents** change one thing and let the rest follow: a leaking
//!   release never returns some connections; a surge multiplies the page
//!   view rate; a migration drops an index so one query scans the table.
//! - **Deploys**: gunicorn's SIGHUP (new workers boot, old ones drain, are
//!   given up on after `graceful_timeout` and killed after `kill_timeout`),
//!   or a rolling restart of instances.
//!
//! Every log line is emitted by a writer from these events, with the shared
//! request id and client address, and the ground truth is counted from the
//! same events.

mod app;
mod traffic;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::io;

use chrono_tz::Tz;

use crate::clock::{Clock, Time};
use crate::records::{Failure, Session};
use crate::rng::{Rng, Weighted};
use crate::scenario::{AppKind, DbKind, Incident, LeakRate, Scenario};
use crate::sql::{Dialect, Stmt, Style};
use crate::truth::Acc;
use crate::writers::redis::Redis;
use crate::writers::{AppLog, DbLog, LbLog};

pub use traffic::{Client, ClientKind};

/// The clients of a scenario, as the simulation builds them (the ground
/// truth lists the scanners' addresses).
pub fn population_for_truth(sc: &Scenario, rng: &mut Rng) -> (Vec<Client>, usize) {
    traffic::population(sc, rng)
}

/// Microseconds in a second.
const SEC: Time = 1_000_000;
/// Microseconds in a millisecond.
const MS: Time = 1_000;
/// "No worker".
const NONE: u32 = u32::MAX;

/// A request handle: slab index plus generation (stale handles are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rr {
    idx: u32,
    gen: u32,
}

/// Scheduled events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    PageView,
    Probe,
    Scanner,
    Send(Rr),
    Route(Rr),
    ConnectDone(Rr),
    DbReady(Rr),
    StepDone(Rr),
    Resume(Rr),
    Deploy(u32),
    Roll(u32, u32),
    WorkerReady(u32),
    WorkerGrace(u32),
    WorkerKill(u32),
    MigrationDone(bool),
    CloseConn(u32),
    Checkpoint,
    CacheStop,
    CacheStart,
    CacheSave,
    IncidentStart,
    StopTraffic,
    StopLb,
    StopApp,
    StopDb,
}

/// The writers of one run.
pub struct Outputs {
    /// Load balancer.
    pub lb: Box<dyn LbLog>,
    /// App.
    pub app: Box<dyn AppLog>,
    /// Database.
    pub db: Box<dyn DbLog>,
    /// Cache, when its restart is part of the run.
    pub redis: Option<Redis>,
}

/// A version of the app code.
#[derive(Debug, Clone)]
struct Version {
    name: String,
    leak: Option<LeakRate>,
}

/// A deploy to perform.
#[derive(Debug, Clone)]
struct DeploySpec {
    at: Time,
    version: usize,
    role: &'static str,
    migration: Option<Stmt>,
}

/// A FIFO multi-server resource (CPU cores).
#[derive(Debug, Clone)]
struct Cores {
    free: BinaryHeap<Reverse<Time>>,
}

impl Cores {
    fn new(n: u32) -> Cores {
        Cores {
            free: (0..n.max(1)).map(|_| Reverse(0)).collect(),
        }
    }

    /// Serves `dur` of work that is ready at `ready`; returns when it ends.
    fn reserve(&mut self, ready: Time, dur: Time) -> Time {
        let Reverse(free) = self.free.pop().unwrap_or(Reverse(0));
        let end = ready.max(free) + dur.max(0);
        self.free.push(Reverse(end));
        end
    }
}

/// A database session with the simulation's bookkeeping.
#[derive(Debug, Clone)]
struct Conn {
    s: Session,
    worker: u32,
    alive: bool,
    authorized: Time,
}

/// The whole simulated world.
pub struct Sim {
    sc: Scenario,
    clock: Clock,
    now: Time,
    end: Time,
    heap: BinaryHeap<Reverse<(Time, u64, Ev)>>,
    seq: u64,
    lb_timers: VecDeque<(Time, Rr)>,
    pool_timers: VecDeque<(Time, Rr, u32)>,
    rng_traffic: Rng,
    rng_service: Rng,
    rng_ids: Rng,
    rng_db: Rng,
    clients: Vec<Client>,
    user_pick: Weighted,
    page_mix: Weighted,
    surge_pick: Option<Weighted>,
    surge_base: usize,
    reqs: Vec<app::Request>,
    free_reqs: Vec<u32>,
    workers: Vec<app::Worker>,
    serving: Vec<u32>,
    referers: Vec<String>,
    slots: u32,
    backlog: VecDeque<Rr>,
    rr_next: usize,
    cpu: Vec<Cores>,
    db_cpu: Cores,
    conns: Vec<Conn>,
    free_conns: Vec<u32>,
    db_count: u32,
    db_total: u32,
    db_pid: u64,
    db_thread: u64,
    app_pid: u32,
    master_pid: u32,
    versions: Vec<Version>,
    deploys: Vec<DeploySpec>,
    index_present: bool,
    cache_down: bool,
    traffic_on: bool,
    lb_on: bool,
    app_on: bool,
    done: bool,
    wait_token: u32,
    checkout_seq: u64,
    leak_seq: u64,
    order_seq: u64,
    writes_since_checkpoint: u64,
    conn_serial: u64,
    lb_active: u32,
    out: Outputs,
    /// Ground truth counters.
    pub acc: Acc,
    style: Style,
    dialect: Dialect,
}

impl Sim {
    /// A simulation of `sc` (already scaled) writing to `out`.
    pub fn new(sc: Scenario, tz: Tz, out: Outputs) -> Sim {
        let clock = Clock::new(sc.start, tz);
        let seed = sc.seed;
        let end = sc.duration.as_micros().max(20 * SEC);
        let mut rng_traffic = Rng::stream(seed, "traffic");
        let (clients, surge_base) = traffic::population(&sc, &mut rng_traffic);
        let user_weights: Vec<f64> = clients
            .iter()
            .take(surge_base)
            .map(|c| if c.is_user() { c.weight } else { 0.0 })
            .collect();
        let surge_pick =
            if clients.len() > surge_base && clients[surge_base..].iter().any(Client::is_user) {
                let w: Vec<f64> = clients[surge_base..]
                    .iter()
                    .map(|c| if c.is_user() { c.weight } else { 0.0 })
                    .collect();
                Some(Weighted::new(&w))
            } else {
                None
            };
        let mut versions = vec![Version {
            name: sc.app.initial_version.clone(),
            leak: None,
        }];
        let mut deploys = Vec::new();
        match &sc.incident {
            Incident::ConnectionLeak {
                deploy_at,
                version,
                leak,
                fix_at,
                fix_version,
            } => {
                versions.push(Version {
                    name: version.clone(),
                    leak: Some(*leak),
                });
                deploys.push(DeploySpec {
                    at: deploy_at.as_micros(),
                    version: 1,
                    role: "leak",
                    migration: None,
                });
                if let Some(fix) = fix_at {
                    versions.push(Version {
                        name: fix_version.clone(),
                        leak: None,
                    });
                    deploys.push(DeploySpec {
                        at: fix.as_micros(),
                        version: 2,
                        role: "fix",
                        migration: None,
                    });
                }
            }
            Incident::SlowQuery {
                deploy_at,
                version,
                fix_at,
                fix_version,
            } => {
                versions.push(Version {
                    name: version.clone(),
                    leak: None,
                });
                deploys.push(DeploySpec {
                    at: deploy_at.as_micros(),
                    version: 1,
                    role: "migration",
                    migration: Some(Stmt::DropIndex),
                });
                if let Some(fix) = fix_at {
                    versions.push(Version {
                        name: fix_version.clone(),
                        leak: None,
                    });
                    deploys.push(DeploySpec {
                        at: fix.as_micros(),
                        version: 2,
                        role: "fix",
                        migration: Some(Stmt::CreateIndex),
                    });
                }
            }
            _ => {}
        }
        let hosts = match sc.stack.app {
            AppKind::Python => 1,
            _ => sc.app.workers.max(1),
        };
        let host_cores = match sc.stack.app {
            AppKind::Python => sc.app.cores,
            _ => sc.app.cores.max(1),
        };
        let style = match sc.stack.app {
            AppKind::Python => Style::SqlAlchemy,
            AppKind::Json => Style::Knex,
            AppKind::Logfmt => Style::Go,
        };
        let dialect = match sc.stack.db {
            DbKind::PostgresStderr | DbKind::PostgresCsv => Dialect::Postgres,
            DbKind::Mysql | DbKind::Mariadb => Dialect::Mysql,
        };
        let mut rng_db = Rng::stream(seed, "db");
        let db_pid = 700 + rng_db.below(3000);
        let mut rng_ids = Rng::stream(seed, "ids");
        let app_pid = 900 + rng_ids.below(20_000) as u32;
        let start_unix_us = clock.start_unix_us();
        let limit = Sim::db_limit(&sc);
        let incident_at = deploys.first().map(|d| d.at).or(match &sc.incident {
            Incident::TrafficSurge { at, .. } | Incident::TrafficRamp { at, .. } => {
                Some(at.as_micros())
            }
            _ => None,
        });
        Sim {
            user_pick: Weighted::new(&user_weights),
            page_mix: {
                let m = &sc.traffic.mix;
                Weighted::new(&[
                    m.orders_list,
                    m.order_link,
                    m.checkout,
                    m.app_start,
                    m.bad_request,
                ])
            },
            surge_pick,
            surge_base,
            clients,
            clock,
            now: 0,
            end,
            heap: BinaryHeap::new(),
            seq: 0,
            lb_timers: VecDeque::new(),
            pool_timers: VecDeque::new(),
            rng_traffic,
            rng_service: Rng::stream(seed, "service"),
            rng_ids,
            rng_db,
            reqs: Vec::new(),
            free_reqs: Vec::new(),
            workers: Vec::new(),
            serving: Vec::new(),
            referers: traffic::REFERERS
                .iter()
                .map(|p| format!("https://{}{}", sc.lb.host, p))
                .collect(),
            slots: sc.app.workers.max(1),
            backlog: VecDeque::new(),
            rr_next: 0,
            cpu: (0..hosts).map(|_| Cores::new(host_cores)).collect(),
            db_cpu: Cores::new(sc.db.cores),
            conns: Vec::new(),
            free_conns: Vec::new(),
            db_count: 0,
            db_total: 0,
            db_pid,
            db_thread: 8,
            app_pid,
            master_pid: 0,
            versions,
            deploys,
            index_present: true,
            cache_down: false,
            traffic_on: false,
            lb_on: false,
            app_on: false,
            done: false,
            wait_token: 0,
            checkout_seq: 0,
            leak_seq: 0,
            order_seq: sc.db.orders_rows,
            writes_since_checkpoint: 0,
            conn_serial: 1000 + rng_traffic_seed(seed),
            lb_active: 0,
            out,
            acc: Acc {
                start_unix_us,
                db_limit: limit,
                incident_at,
                ..Acc::default()
            },
            style,
            dialect,
            sc,
        }
    }

    /// Sessions the app's role may open.
    fn db_limit(sc: &Scenario) -> u32 {
        match sc.stack.db {
            DbKind::PostgresStderr | DbKind::PostgresCsv => sc
                .db
                .max_connections
                .saturating_sub(sc.db.reserved_connections),
            DbKind::Mysql | DbKind::Mariadb => sc.db.max_connections,
        }
    }

    fn at(&mut self, t: Time, ev: Ev) {
        self.seq += 1;
        self.heap.push(Reverse((t.max(self.now), self.seq, ev)));
    }

    /// Runs to the end.
    pub fn run(&mut self) -> io::Result<()> {
        self.boot()?;
        while !self.done {
            let heap_t = self.heap.peek().map(|Reverse((t, _, _))| *t);
            let lb_t = self.lb_timers.front().map(|(t, _)| *t);
            let pool_t = self.pool_timers.front().map(|(t, _, _)| *t);
            let next = [heap_t, lb_t, pool_t].into_iter().flatten().min();
            let Some(t) = next else { break };
            self.now = t;
            self.advance_files(t)?;
            if pool_t == Some(t) {
                if let Some((_, r, tok)) = self.pool_timers.pop_front() {
                    self.pool_timeout(r, tok)?;
                }
            } else if lb_t == Some(t) {
                if let Some((_, r)) = self.lb_timers.pop_front() {
                    self.lb_timeout(r, t)?;
                }
            } else if let Some(Reverse((_, _, ev))) = self.heap.pop() {
                self.handle(ev)?;
            }
        }
        Ok(())
    }

    fn advance_files(&mut self, t: Time) -> io::Result<()> {
        self.out.lb.advance(t)?;
        self.out.app.advance(t)?;
        self.out.db.advance(t)?;
        if let Some(r) = self.out.redis.as_mut() {
            r.file.advance(t)?;
        }
        Ok(())
    }

    /// Writes what is still buffered; returns the files and their sizes.
    pub fn close(&mut self) -> io::Result<Vec<(String, u64, Option<Time>)>> {
        let mut v = Vec::new();
        let mut files = self.out.lb.files();
        files.extend(self.out.app.files());
        files.extend(self.out.db.files());
        if let Some(r) = self.out.redis.as_mut() {
            files.push(&mut r.file);
        }
        for f in files {
            f.finish()?;
            v.push((f.name.clone(), f.bytes, f.last_ts));
        }
        Ok(v)
    }

    /// The stack starts: database, app, load balancer, then traffic.
    fn boot(&mut self) -> io::Result<()> {
        self.out.db.startup(0)?;
        let pm = self.next_app_pid();
        self.master_pid = pm;
        let t_app = 350 * MS + self.rng_service.range(0, 200) * MS;
        self.app_on = true;
        if self.sc.stack.app == AppKind::Python {
            self.out.app.master_start(t_app, pm)?;
        }
        let n = self.slots;
        for slot in 0..n {
            let t = t_app + Time::from(slot) * 3 * MS;
            let w = self.spawn_worker(slot, 0, t)?;
            let ready = t + self.boot_time();
            self.at(ready, Ev::WorkerReady(w));
        }
        if self.sc.stack.app == AppKind::Python {
            self.out
                .app
                .control_socket(t_app + Time::from(n) * 3 * MS)?;
        }
        let t_lb = t_app + self.sc.app.boot_time.as_micros() + 250 * MS;
        self.out.lb.start(t_lb)?;
        self.lb_on = true;
        let t_traffic = t_lb + 150 * MS;
        self.traffic_on = true;
        self.at(t_traffic, Ev::PageView);
        if let Some(every) = self.sc.traffic.probe_every {
            let first = t_traffic + self.rng_traffic.below(every.as_micros().max(1) as u64) as Time;
            self.at(first, Ev::Probe);
        }
        if let Some(sb) = self.sc.red_herring.scanner.clone() {
            self.at(sb.at.as_micros(), Ev::Scanner);
        }
        for (i, d) in self.deploys.clone().iter().enumerate() {
            self.at(d.at, Ev::Deploy(i as u32));
        }
        let every = self.sc.db.checkpoint_every.as_micros().max(30 * SEC);
        self.at(every, Ev::Checkpoint);
        if let Some(cr) = self.sc.red_herring.cache_restart.clone() {
            self.at(cr.at.as_micros(), Ev::CacheStop);
            let first_save = 20 * SEC + self.rng_service.below(200) as Time * SEC;
            self.at(first_save, Ev::CacheSave);
        }
        self.at(self.end - 4 * SEC, Ev::StopTraffic);
        self.at(self.end - 1500 * MS, Ev::StopLb);
        self.at(self.end - 1200 * MS, Ev::StopApp);
        self.at(self.end - 200 * MS, Ev::StopDb);
        if let Some(at) = self.acc.incident_at {
            self.at(at, Ev::IncidentStart);
        }
        Ok(())
    }

    fn boot_time(&mut self) -> Time {
        let b = self.sc.app.boot_time.as_micros();
        b * 9 / 10 + self.rng_service.below((b / 3).max(1) as u64) as Time
    }

    fn next_app_pid(&mut self) -> u32 {
        self.app_pid += 1 + self.rng_ids.below(3) as u32;
        if self.app_pid > 4_000_000 {
            self.app_pid = 300;
        }
        self.app_pid
    }

    fn handle(&mut self, ev: Ev) -> io::Result<()> {
        match ev {
            Ev::PageView => self.page_view(),
            Ev::Probe => self.probe(),
            Ev::Scanner => self.scanner(),
            Ev::Send(r) => self.send(r),
            Ev::Route(r) => self.route(r),
            Ev::ConnectDone(r) => self.connect_done(r),
            Ev::DbReady(r) => self.db_ready(r),
            Ev::StepDone(r) => {
                if self.valid(r) {
                    self.req_mut(r).step += 1;
                    self.proceed(r)
                } else {
                    Ok(())
                }
            }
            Ev::Resume(r) => {
                if self.valid(r) {
                    self.proceed(r)
                } else {
                    Ok(())
                }
            }
            Ev::Deploy(i) => self.deploy(i as usize),
            Ev::Roll(i, slot) => self.roll(i as usize, slot),
            Ev::WorkerReady(w) => self.worker_ready(w),
            Ev::WorkerGrace(w) => self.worker_grace(w),
            Ev::WorkerKill(w) => self.worker_kill(w),
            Ev::MigrationDone(present) => {
                self.index_present = present;
                if present {
                    self.acc.migration_restore = Some(self.now);
                } else {
                    self.acc.migration_drop.get_or_insert(self.now);
                }
                Ok(())
            }
            Ev::CloseConn(c) => self.db_close(c, false),
            Ev::Checkpoint => self.checkpoint(),
            Ev::CacheStop => self.cache_stop(),
            Ev::CacheStart => self.cache_start(),
            Ev::CacheSave => self.cache_save(),
            Ev::IncidentStart => {
                self.acc.at_incident_start = Some(self.db_count);
                Ok(())
            }
            Ev::StopTraffic => {
                self.traffic_on = false;
                Ok(())
            }
            Ev::StopLb => {
                self.lb_on = false;
                self.out.lb.stop(self.now)
            }
            Ev::StopApp => self.stop_app(),
            Ev::StopDb => {
                self.out.db.shutdown(self.now)?;
                self.done = true;
                Ok(())
            }
        }
    }

    // ------------------------------------------------------------ database

    /// Opens a session for worker `w`; `Err` with the refusal if refused.
    /// Returns the connection (or refusal) and when the driver has it.
    fn db_connect(
        &mut self,
        w: u32,
        app_name: &str,
    ) -> io::Result<(Result<u32, crate::records::Refusal>, Time)> {
        use crate::records::Refusal;
        let received = self.now + 250 + self.rng_db.below(60) as Time;
        let authorized = received + 2_200 + self.rng_db.below(3_000) as Time;
        let max = self.sc.db.max_connections;
        let reserved = self.sc.db.reserved_connections;
        let refusal = match self.sc.stack.db {
            DbKind::PostgresStderr | DbKind::PostgresCsv => {
                if self.db_total >= max {
                    Some(Refusal::TooManyClients)
                } else if self.db_count >= max.saturating_sub(reserved) {
                    if reserved > 0 {
                        Some(Refusal::ReservedSlots)
                    } else {
                        Some(Refusal::TooManyClients)
                    }
                } else {
                    None
                }
            }
            DbKind::Mysql | DbKind::Mariadb => {
                (self.db_count >= max).then_some(Refusal::TooManyConnections)
            }
        };
        let pid = match self.dialect {
            Dialect::Postgres => {
                self.db_pid += 1 + self.rng_db.below(2);
                if self.db_pid > 4_000_000 {
                    self.db_pid = 400;
                }
                self.db_pid
            }
            Dialect::Mysql => {
                self.db_thread += 1;
                self.db_thread
            }
        };
        let host = self
            .workers
            .get(w as usize)
            .map(|wk| wk.host_ip.clone())
            .unwrap_or_else(|| "10.0.1.10".to_string());
        let mut s = Session {
            pid,
            host,
            port: 32768 + self.rng_db.below(28_000) as u16,
            user: "app",
            database: "shop",
            app_name: app_name.to_string(),
            started: received,
            lines: 0,
            vxid: 3 + (self.db_count % 97),
            in_txn: false,
            last: None,
        };
        self.out.db.connect(&mut s, received, authorized, refusal)?;
        let ready = authorized + 150 + self.rng_db.below(400) as Time;
        if let Some(r) = refusal {
            self.acc.refusal(authorized + 500, pid);
            return Ok((Err(r), ready + 300));
        }
        self.db_count += 1;
        self.db_total += 1;
        self.acc.db_gauge(authorized, self.db_count);
        let conn = Conn {
            s,
            worker: w,
            alive: true,
            authorized,
        };
        let id = match self.free_conns.pop() {
            Some(i) => {
                self.conns[i as usize] = conn;
                i
            }
            None => {
                self.conns.push(conn);
                (self.conns.len() - 1) as u32
            }
        };
        Ok((Ok(id), ready))
    }

    /// Ends a session now.
    fn db_close(&mut self, c: u32, abrupt: bool) -> io::Result<()> {
        let t = self.now + 100 + self.rng_db.below(500) as Time;
        self.db_close_at(c, abrupt, t)
    }

    /// Ends a session at `t` (>= now).
    fn db_close_at(&mut self, c: u32, abrupt: bool, t: Time) -> io::Result<()> {
        let conn = &mut self.conns[c as usize];
        if !conn.alive {
            return Ok(());
        }
        conn.alive = false;
        let eof = abrupt && conn.s.in_txn;
        self.out.db.disconnect(&mut conn.s, t, abrupt)?;
        if Some(conn.s.pid) == self.acc.first_leak_conn && self.acc.first_leak_closed.is_none() {
            self.acc.first_leak_closed = Some(t);
        }
        if eof && conn.s.in_txn {
            if let Some(w) = self.workers.get(conn.worker as usize) {
                if w.leaked_pids.contains(&conn.s.pid) {
                    self.acc.leaked_closed_abruptly += 1;
                }
            }
        }
        self.db_count = self.db_count.saturating_sub(1);
        self.db_total = self.db_total.saturating_sub(1);
        self.acc.db_gauge(t, self.db_count);
        self.free_conns.push(c);
        Ok(())
    }

    /// Runs `stmt` on connection `c` from `start`; returns when it ends.
    fn run_stmt(&mut self, c: u32, stmt: Stmt, start: Time) -> io::Result<Time> {
        let cost = self.stmt_cost(stmt);
        let end = self.db_cpu.reserve(start, cost) + 80 + self.rng_service.below(120) as Time;
        let rows = stmt.rows(self.order_seq, self.index_present);
        if stmt.writes() {
            self.writes_since_checkpoint += 1;
        }
        let conn = &mut self.conns[c as usize];
        if self.style == Style::SqlAlchemy
            || matches!(stmt, Stmt::Begin | Stmt::ProductForUpdate(_))
        {
            conn.s.in_txn = true;
        }
        if matches!(stmt, Stmt::Commit | Stmt::Rollback) {
            conn.s.in_txn = false;
        }
        let slow = self.out.db.statement(&mut conn.s, stmt, start, end, rows)?;
        if slow {
            let mut text = Vec::new();
            stmt.render(self.style, self.dialect, false, &mut text);
            let pid = conn.s.pid;
            let detail = format!(
                "{:.1} ms: {}",
                (end - start) as f64 / 1000.0,
                String::from_utf8_lossy(&text).replace('\n', " ")
            );
            self.acc.slow(end, pid, detail);
        }
        Ok(end)
    }

    /// Database CPU a statement needs, microseconds.
    fn stmt_cost(&mut self, stmt: Stmt) -> Time {
        let r = &mut self.rng_service;
        let us = match stmt {
            Stmt::OrderById(_) => r.lognormal(230.0, 0.4),
            Stmt::OrdersByCustomer { limit, .. } => {
                if self.index_present {
                    r.lognormal(300.0 + 9.0 * f64::from(limit), 0.4)
                } else {
                    self.order_seq as f64 * self.sc.db.seq_scan_us_per_row * r.lognormal(1.0, 0.08)
                }
            }
            Stmt::ProductForUpdate(_) => r.lognormal(280.0, 0.3),
            Stmt::Coupon(_) => r.lognormal(180.0, 0.3),
            Stmt::UpdateStock(_) => r.lognormal(350.0, 0.3),
            Stmt::InsertOrder { .. } => r.lognormal(520.0, 0.3),
            Stmt::Commit => r.lognormal(1_100.0, 0.5),
            Stmt::Begin | Stmt::Rollback => r.lognormal(40.0, 0.3),
            Stmt::DropIndex => r.lognormal(14_000.0, 0.3),
            Stmt::CreateIndex => self.order_seq as f64 * 1.6 * r.lognormal(1.0, 0.05),
        };
        us as Time
    }

    // ------------------------------------------------------------ periodic

    fn checkpoint(&mut self) -> io::Result<()> {
        let every = self.sc.db.checkpoint_every.as_micros().max(30 * SEC);
        self.at(self.now + every, Ev::Checkpoint);
        let writes = std::mem::take(&mut self.writes_since_checkpoint);
        if writes == 0 {
            return Ok(());
        }
        // shared_buffers grows with the deployment (128 MB per unit).
        let shared = 16_384 * self.sc.scale.ceil().max(1.0) as u64;
        let buffers = (30 + writes + self.rng_db.below(writes / 4 + 20)).min(shared * 9 / 10);
        let write = ((buffers as f64 * self.rng_db.uniform(0.08, 0.12)) * SEC as f64) as Time;
        // checkpoint_completion_target = 0.9; a checkpoint still running at
        // shutdown is cut short by the shutdown checkpoint.
        let write = write
            .min(every * 9 / 10)
            .min((self.end - 2 * SEC - self.now).max(SEC));
        let end = self.now + write + 2_000 + self.rng_db.below(3_000) as Time;
        self.out.db.checkpoint(self.now, end, buffers, shared)
    }

    fn cache_stop(&mut self) -> io::Result<()> {
        let Some(cr) = self.sc.red_herring.cache_restart.clone() else {
            return Ok(());
        };
        if let Some(r) = self.out.redis.as_mut() {
            r.stop(self.now)?;
        }
        self.acc.cache_stop = Some(self.now);
        self.cache_down = true;
        self.at(self.now + cr.downtime.as_micros(), Ev::CacheStart);
        Ok(())
    }

    fn cache_start(&mut self) -> io::Result<()> {
        let keys = 3_000 + self.rng_service.below(4_000);
        let ready = match self.out.redis.as_mut() {
            Some(r) => r.start(self.now, keys)?,
            None => self.now,
        };
        self.acc.cache_ready = Some(ready);
        // The app reconnects on its next call after the cache is ready.
        self.cache_down = false;
        Ok(())
    }

    fn cache_save(&mut self) -> io::Result<()> {
        self.at(self.now + 300 * SEC, Ev::CacheSave);
        let changes = 100 + self.rng_service.below(900);
        if let Some(r) = self.out.redis.as_mut() {
            r.save(self.now, changes)?;
        }
        Ok(())
    }

    /// Ground truth bookkeeping for a failure.
    fn note_failure(&mut self, pid: u32, rid: &str, f: &Failure) {
        if let Failure::PoolTimeout { .. } = f {
            self.acc.pool_timeout(self.now, pid, rid);
        } else {
            self.acc.totals.app_errors_db_refused += 1;
        }
    }
}

/// A seed-derived offset for the LB's connection counter.
fn rng_traffic_seed(seed: u64) -> u64 {
    Rng::stream(seed, "lb-serial").below(40_000)
}
