//! `onset-gen`: the deterministic incident generator.
//!
//! It simulates a small web stack — a load balancer, an app tier with
//! per-worker connection pools, a database — serving users through an
//! incident, and writes every tier's log in the exact format the real
//! server writes, plus a [`GroundTruth`] computed from the simulated events.
//! Same [`Scenario`] (seed included), same bytes, on every platform.
//!
//! - [`scenario`]: the parameters (stack, traffic, pools, incident, red
//!   herrings) and the presets.
//! - [`sim`]: the discrete-event model of the causal chain.
//! - [`writers`]: one writer per server format (nginx, HAProxy, ALB; Flask
//!   with gunicorn, pino, slog; PostgreSQL stderr/csvlog, MySQL, MariaDB;
//!   Redis).
//! - [`truth`]: what really happened, for tests to compare against.
//!
//! ```no_run
//! use onset_gen::{generate, Scenario};
//!
//! let truth = generate(&Scenario::sample(), std::path::Path::new("sample-logs"))?;
//! println!("first 5xx at {:?}", truth.first_5xx.map(|f| f.ts));
//! # Ok::<(), std::io::Error>(())
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod clock;
mod out;
pub mod records;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod span;
pub mod sql;
pub mod truth;
pub mod writers;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::rc::Rc;

use chrono_tz::Tz;

pub use scenario::{
    AccessLog, App, AppKind, CacheRestart, Database, DbKind, Incident, LbKind, LeakRate,
    LoadBalancer, Machine, Mix, RedHerring, ScannerBurst, Scenario, Stack, Traffic, PRESETS,
};
pub use span::Span;
pub use truth::GroundTruth;

use clock::{Clock, Time};
use out::{Counter, LogFile, Prefix};
use sim::{Outputs, Sim};
use sql::{Dialect, Style};
use truth::{
    Acc, DbTruth, DeployTruth, DivergenceTruth, EventTruth, ImpactTruth, LeakTruth, MigrationTruth,
    RampTruth, RestartTruth, ScannerTruth, SurgeTruth,
};
use writers::app::{Deps, Pino, Python, Slog};
use writers::db::{Client, Mysql, MysqlFiles, Postgres};
use writers::lb::{Alb, Haproxy, Nginx};
use writers::redis::Redis;

/// Name of the ground truth file.
pub const GROUND_TRUTH: &str = "GROUND_TRUTH.json";

/// Generates the run into `out_dir` (created if needed): one file per log
/// plus `GROUND_TRUTH.json`. Files are streamed through buffered writers,
/// so memory stays bounded whatever the size.
pub fn generate(scenario: &Scenario, out_dir: &Path) -> io::Result<GroundTruth> {
    fs::create_dir_all(out_dir)?;
    let truth = run(scenario, &mut |name| {
        let f = File::create(out_dir.join(name))?;
        Ok(Box::new(BufWriter::with_capacity(1 << 18, f)) as Box<dyn Write>)
    })?;
    let mut json = serde_json::to_string_pretty(&truth).map_err(io::Error::other)?;
    json.push('\n');
    fs::write(out_dir.join(GROUND_TRUTH), json)?;
    // A log file's modification time is its last write, just after the
    // capture ends: readers infer missing years from it.
    if let Ok(end) = chrono::DateTime::parse_from_rfc3339(&truth.capture_end) {
        let end = std::time::SystemTime::from(end) + std::time::Duration::from_secs(1);
        for name in truth.files.keys() {
            if let Ok(f) = fs::OpenOptions::new().write(true).open(out_dir.join(name)) {
                f.set_modified(end)?;
            }
        }
    }
    Ok(truth)
}

/// Runs the scenario without writing anything; the ground truth's `files`
/// still has the sizes (used to size runs).
pub fn measure(scenario: &Scenario) -> io::Result<GroundTruth> {
    run(scenario, &mut |_| Ok(Box::new(Counter) as Box<dyn Write>))
}

/// Runs the scenario into memory: file name → bytes (for tests).
pub fn generate_in_memory(
    scenario: &Scenario,
) -> io::Result<(BTreeMap<String, Vec<u8>>, GroundTruth)> {
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut buffers: Vec<(String, Shared)> = Vec::new();
    let truth = run(scenario, &mut |name| {
        let s = Shared::default();
        buffers.push((name.to_string(), s.clone()));
        Ok(Box::new(s) as Box<dyn Write>)
    })?;
    let files = buffers
        .into_iter()
        .map(|(n, s)| {
            let bytes = s.0.borrow().clone();
            (n, bytes)
        })
        .collect();
    Ok((files, truth))
}

type Opener<'a> = dyn FnMut(&str) -> io::Result<Box<dyn Write>> + 'a;

/// The deployment, scaled: workers, cores and database limits grow with
/// `scale` (traffic and users are scaled by the simulation itself).
fn scaled(sc: &Scenario) -> Scenario {
    let mut s = sc.clone();
    let k = sc.scale.max(0.0001);
    if (k - 1.0).abs() > 1e-9 {
        let up = |n: u32| ((f64::from(n) * k).round() as u32).max(1);
        s.app.workers = up(sc.app.workers);
        if sc.stack.app == AppKind::Python {
            s.app.cores = up(sc.app.cores);
        }
        s.db.max_connections = up(sc.db.max_connections);
        s.db.cores = up(sc.db.cores);
    }
    s
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn run(scenario: &Scenario, open: &mut Opener) -> io::Result<GroundTruth> {
    let tz: Tz = scenario
        .zone
        .parse()
        .map_err(|_| invalid(format!("unknown time zone {:?}", scenario.zone)))?;
    if scenario.duration < Span::secs(30) {
        return Err(invalid("duration must be at least 30s".to_string()));
    }
    if !(scenario.scale > 0.0 && scenario.scale.is_finite()) {
        return Err(invalid("scale must be a positive number".to_string()));
    }
    for (name, m) in &scenario.machines {
        if let Some(z) = &m.zone {
            z.parse::<Tz>()
                .map_err(|_| invalid(format!("{name}: unknown time zone {z:?}")))?;
        }
        if !m.skew_seconds.is_finite() {
            return Err(invalid(format!("{name}: the skew must be a number")));
        }
    }
    let sc = scaled(scenario);
    let clock = Clock::new(sc.start, tz);
    let out = outputs(&sc, &clock, open)?;
    let mut sim = Sim::new(sc.clone(), tz, out);
    sim.run()?;
    let files = sim.close()?;
    Ok(assemble(scenario, &sc, &mut sim.acc, &files))
}

fn outputs(sc: &Scenario, clock: &Clock, open: &mut Opener) -> io::Result<Outputs> {
    // A file written by another machine gets that machine's clock.
    let mut file = |name: &str| -> io::Result<LogFile> {
        let clock = match sc.machines.get(name) {
            Some(m) => Clock::new(
                sc.start + chrono::Duration::microseconds((m.skew_seconds * 1e6).round() as i64),
                m.zone
                    .as_deref()
                    .and_then(|z| z.parse().ok())
                    .unwrap_or(clock.tz()),
            ),
            None => clock.clone(),
        };
        Ok(LogFile::new(name, open(name)?, clock))
    };
    let mut ids = rng::Rng::stream(sc.seed, "pids");
    let slots = sc.app.workers.max(1);
    let lb: Box<dyn writers::LbLog> = match sc.stack.lb {
        LbKind::Nginx => {
            let master = 600 + ids.below(400) as u32;
            Box::new(
                Nginx::new(
                    file("access.log")?,
                    file("error.log")?,
                    vec![master + 1, master + 2],
                    &sc.lb.host,
                    !sc.lb.edge_proxies.is_empty(),
                )
                .json(sc.lb.access_log == AccessLog::Json),
            )
        }
        LbKind::Haproxy => {
            // gunicorn is one server whatever its workers; instances are one each.
            let n = if sc.stack.app == AppKind::Python {
                1
            } else {
                slots
            };
            let servers = (1..=n).map(|i| format!("app{i}")).collect();
            Box::new(
                Haproxy::new(
                    file("haproxy.log")?,
                    "lb1",
                    1200 + ids.below(800) as u32,
                    servers,
                )
                .forwarded(!sc.lb.edge_proxies.is_empty()),
            )
        }
        LbKind::AwsAlb => Box::new(Alb::new(file("alb.log")?, &sc.lb.host, sc.seed)),
    };
    let dialect = match sc.stack.db {
        DbKind::PostgresStderr | DbKind::PostgresCsv => Dialect::Postgres,
        DbKind::Mysql | DbKind::Mariadb => Dialect::Mysql,
    };
    let deps = Deps {
        db_host: "10.0.2.10".to_string(),
        db_port: if dialect == Dialect::Postgres {
            5432
        } else {
            3306
        },
        dialect,
        cache_host: "10.0.3.10".to_string(),
        service: sc.app.service.clone(),
        pool: (
            sc.app.pool_size,
            sc.app.max_overflow,
            sc.app.pool_timeout.as_micros(),
        ),
    };
    let app: Box<dyn writers::AppLog> = match sc.stack.app {
        AppKind::Python => Box::new(Python::new(file("app.log")?, file("gunicorn.log")?, deps)),
        AppKind::Json => {
            let hosts = (1..=slots).map(|i| format!("app{i}")).collect();
            Box::new(Pino::new(file("app.json.log")?, deps, hosts))
        }
        AppKind::Logfmt => Box::new(Slog::new(file("app.log")?, deps)),
    };
    let client = match sc.stack.app {
        AppKind::Python => Client {
            style: Style::SqlAlchemy,
            bind: false,
        },
        AppKind::Json => Client {
            style: Style::Knex,
            bind: dialect == Dialect::Postgres,
        },
        AppKind::Logfmt => Client {
            style: Style::Go,
            bind: true,
        },
    };
    let slow_us = sc.db.slow_threshold.as_micros();
    let db: Box<dyn writers::DbLog> = match sc.stack.db {
        DbKind::PostgresStderr | DbKind::PostgresCsv => {
            let csv = sc.stack.db == DbKind::PostgresCsv;
            let name = if csv {
                "postgresql.csv"
            } else {
                "postgresql.log"
            };
            let pm = 500 + ids.below(600);
            Box::new(Postgres::new(
                file(name)?,
                csv,
                client,
                slow_us,
                (pm, pm + 1, pm + 3, pm + 6),
                sc.seed,
            ))
        }
        DbKind::Mysql | DbKind::Mariadb => {
            let mariadb = sc.stack.db == DbKind::Mariadb;
            let mut general = if sc.db.general_log {
                Some(file("mysql-general.log")?)
            } else {
                None
            };
            let mut slow = file("mysql-slow.log")?;
            if mariadb {
                general = general.map(|g| g.with_prefix(Prefix::MariadbGeneral));
                slow = slow.with_prefix(Prefix::MariadbSlow);
            }
            Box::new(Mysql::new(
                MysqlFiles {
                    error: file("mysql-error.log")?,
                    general,
                    slow,
                },
                mariadb,
                client,
                slow_us,
                700 + ids.below(900),
                sc.seed,
            ))
        }
    };
    let redis = match sc.red_herring.cache_restart {
        Some(_) => Some(Redis::new(file("redis.log")?)),
        None => None,
    };
    Ok(Outputs { lb, app, db, redis })
}

fn lb_file(sc: &Scenario) -> &'static str {
    match sc.stack.lb {
        LbKind::Nginx => "access.log",
        LbKind::Haproxy => "haproxy.log",
        LbKind::AwsAlb => "alb.log",
    }
}

fn db_file(sc: &Scenario) -> &'static str {
    match sc.stack.db {
        DbKind::PostgresStderr => "postgresql.log",
        DbKind::PostgresCsv => "postgresql.csv",
        DbKind::Mysql | DbKind::Mariadb => "mysql-general.log",
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if ".^$*+?()[]{}|\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Turns the counters into the ground truth.
fn assemble(
    original: &Scenario,
    sc: &Scenario,
    acc: &mut Acc,
    files: &[(String, u64, Option<Time>)],
) -> GroundTruth {
    let end = files.iter().filter_map(|f| f.2).max().unwrap_or(0);
    let per_minute = acc.finish_minutes(end);
    // Recovery, if the last 5xx was followed by a full minute without one.
    if acc.recovery.is_none() {
        if let Some(last) = acc.last_5xx {
            if end - last >= 60_000_000 {
                let unix = acc.start_unix_us + last;
                acc.recovery =
                    Some((unix.div_euclid(1_000_000) + 1) * 1_000_000 - acc.start_unix_us);
            }
        }
    }
    let acc: &Acc = acc;
    let ts = |t: Time| acc.ts(t);
    let deploy = |d: &truth::DeployAcc| DeployTruth {
        version: d.version.clone(),
        role: d.role.clone(),
        started: ts(d.started),
        ts: ts(d.workers.first().map(|w| w.0).unwrap_or(d.started)),
        workers_started: d.workers.iter().map(|(t, p)| (ts(*t), *p)).collect(),
    };
    let deploys: Vec<DeployTruth> = acc.deploys.iter().map(deploy).collect();
    let leak_deploy = acc
        .deploys
        .iter()
        .find(|d| d.role == "leak" || d.role == "migration")
        .map(deploy);
    let fix_deploy = acc.deploys.iter().find(|d| d.role == "fix").map(deploy);

    let scanner_burst = acc.scanner_first.map(|first| ScannerTruth {
        start: ts(first),
        end: ts(acc.scanner_last.unwrap_or(first)),
        client_ips: Vec::new(),
        requests: acc.scanner_requests,
        status_counts: acc.scanner_status.clone(),
        peak_requests_per_second: acc.scanner_per_sec.values().copied().max().unwrap_or(0),
    });
    let cache_restart = acc.cache_stop.map(|stop| RestartTruth {
        component: "redis".to_string(),
        stopped: ts(stop),
        ready: ts(acc.cache_ready.unwrap_or(stop)),
        app_warnings: acc.cache_warnings,
    });
    let first_leaked_connection = acc
        .first_leak
        .as_ref()
        .map(|(auth, leaked, pid, wpid, rid)| LeakTruth {
            ts: ts(*auth),
            leaked_at: ts(*leaked),
            backend_pid: *pid,
            worker_pid: *wpid,
            request_id: rid.clone(),
            disconnected_at: acc.first_leak_closed.map(ts),
        });
    let first_pool_timeout = acc
        .first_pool_timeout
        .as_ref()
        .map(|(t, pid, rid)| EventTruth {
            ts: ts(*t),
            pid: u64::from(*pid),
            request_id: Some(rid.clone()),
            detail: "pool timeout waiting for a database connection".to_string(),
        });
    let first_db_refusal = acc.first_refusal.map(|(t, pid)| EventTruth {
        ts: ts(t),
        pid,
        request_id: None,
        detail: "connection limit reached".to_string(),
    });
    let first_slow_query = acc.first_slow.as_ref().map(|(t, pid, d)| EventTruth {
        ts: ts(*t),
        pid: *pid,
        request_id: None,
        detail: d.clone(),
    });
    let migration = acc.migration_drop.map(|d| MigrationTruth {
        dropped_at: ts(d),
        restored_at: acc.migration_restore.map(ts),
    });
    let surge = match &sc.incident {
        Incident::TrafficSurge {
            at,
            multiplier,
            duration,
            ramp,
            ..
        } => {
            let (a, r, d) = (at.as_micros(), ramp.as_micros(), duration.as_micros());
            Some(SurgeTruth {
                start: ts(a),
                peak_start: ts(a + r),
                peak_end: ts(a + r + d),
                end: ts(a + 2 * r + d),
                multiplier: *multiplier,
            })
        }
        _ => None,
    };
    let ramp = match &sc.incident {
        Incident::TrafficRamp {
            at,
            multiplier,
            over,
            ..
        } => Some(RampTruth {
            start: ts(at.as_micros()),
            top: ts(at.as_micros() + over.as_micros()),
            multiplier: *multiplier,
        }),
        _ => None,
    };
    let first_5xx = acc.first_5xx.as_ref().map(|(t, f)| {
        let mut f = f.clone();
        f.ts = ts(*t);
        f
    });
    let impact = acc.impact_start.map(|s| ImpactTruth {
        start: ts(s),
        last_5xx: ts(acc.last_5xx.unwrap_or(s)),
        end: acc.recovery.map(ts),
    });
    let first_divergence = match &sc.incident {
        Incident::ConnectionLeak { .. } => leak_deploy.as_ref().map(|d| DivergenceTruth {
            signal: "db connection count".to_string(),
            source: db_file(sc).to_string(),
            onset: d.ts.clone(),
        }),
        Incident::SlowQuery { .. } => acc
            .first_slow
            .as_ref()
            .map(|s| s.0)
            .or(acc.migration_drop)
            .map(|t| DivergenceTruth {
                signal: "slow queries".to_string(),
                source: match sc.stack.db {
                    DbKind::Mysql | DbKind::Mariadb => "mysql-slow.log".to_string(),
                    _ => db_file(sc).to_string(),
                },
                onset: ts(t),
            }),
        Incident::TrafficSurge { at, .. } | Incident::TrafficRamp { at, .. } => {
            Some(DivergenceTruth {
                signal: "request rate".to_string(),
                source: lb_file(sc).to_string(),
                onset: ts(at.as_micros()),
            })
        }
        Incident::None => None,
    };
    let mut totals = acc.totals.clone();
    totals.distinct_client_ips = acc.clients.len() as u64;
    totals.distinct_client_ips_with_5xx_or_response_over_2s = acc.affected.len() as u64;
    totals.distinct_user_ips = acc.users.len() as u64;
    totals.distinct_user_ips_with_5xx_or_response_over_2s = acc.users_affected.len() as u64;
    let db_connections = DbTruth {
        limit: acc.db_limit,
        peak: acc.db_peak,
        peak_first_at: acc.db_peak_at.map(ts),
        reached_limit_at: acc.db_reached_limit.map(ts),
        at_incident_start: acc.at_incident_start,
        leaked: acc.leaks_per_worker.values().sum(),
        leaks_per_worker: acc
            .leaks_per_worker
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        leaked_closed_abruptly: acc.leaked_closed_abruptly,
    };

    let mut timeline = vec![acc.entry("capture start", 0)];
    if let Some(s) = acc.scanner_first {
        timeline.push(acc.entry("scanner burst start", s));
    }
    if let Some(s) = acc.scanner_last {
        timeline.push(acc.entry("scanner burst end", s));
    }
    if let Some(s) = acc.cache_stop {
        timeline.push(acc.entry("cache (redis) stopped", s));
    }
    if let Some(s) = acc.cache_ready {
        timeline.push(acc.entry("cache (redis) ready", s));
    }
    for d in &acc.deploys {
        timeline.push(acc.entry(
            &format!("deploy {} ({}) started", d.version, d.role),
            d.started,
        ));
        if let Some((t, _)) = d.workers.first() {
            timeline.push(acc.entry(
                &format!("deploy {} ({}): first worker up", d.version, d.role),
                *t,
            ));
        }
    }
    if let Some(d) = acc.migration_drop {
        timeline.push(acc.entry("index dropped", d));
    }
    if let Some(d) = acc.migration_restore {
        timeline.push(acc.entry("index restored", d));
    }
    if let Some((auth, leaked, ..)) = &acc.first_leak {
        timeline.push(acc.entry("first leaked connection authorized", *auth));
        timeline.push(acc.entry("first connection leaked", *leaked));
    }
    if let Incident::TrafficSurge {
        at, ramp, duration, ..
    } = &sc.incident
    {
        timeline.push(acc.entry("traffic surge starts", at.as_micros()));
        timeline.push(acc.entry(
            "traffic surge ends",
            at.as_micros() + 2 * ramp.as_micros() + duration.as_micros(),
        ));
    }
    if let Incident::TrafficRamp { at, over, .. } = &sc.incident {
        timeline.push(acc.entry("traffic ramp starts", at.as_micros()));
        timeline.push(acc.entry(
            "traffic ramp reaches its top",
            at.as_micros() + over.as_micros(),
        ));
    }
    if let Some((t, ..)) = &acc.first_slow {
        timeline.push(acc.entry("first slow query logged", *t));
    }
    if let Some((t, _)) = &acc.first_5xx {
        timeline.push(acc.entry("first 5xx", *t));
    }
    if let Some((t, ..)) = &acc.first_pool_timeout {
        timeline.push(acc.entry("first pool timeout", *t));
    }
    if let Some(t) = acc.db_reached_limit {
        timeline.push(acc.entry("db connections reach the limit", t));
    }
    if let Some((t, _)) = acc.first_refusal {
        timeline.push(acc.entry("first db connection refused", t));
    }
    if let Some((t, _)) = acc.kills.first() {
        let n = acc.kills.len();
        timeline.push(acc.entry(&format!("stuck workers killed ({n} x SIGKILL)"), *t));
    }
    if let (Some(l), Some(_)) = (acc.last_5xx, acc.impact_start) {
        timeline.push(acc.entry("last 5xx", l));
    }
    if let Some(r) = acc.recovery {
        timeline.push(acc.entry("recovery", r));
    }
    timeline.push(acc.entry("capture end", end));
    timeline.sort_by(|a, b| a.ts.cmp(&b.ts));

    let mut checks = BTreeMap::new();
    let herring = if acc.scanner_first.is_some() {
        "scanner_burst.start"
    } else if acc.cache_stop.is_some() {
        "cache_restart.stopped"
    } else {
        ""
    };
    match &sc.incident {
        Incident::ConnectionLeak { version, .. } => {
            checks.insert("signal_re".to_string(), "conn".to_string());
            checks.insert("source_re".to_string(), "postgres|mysql".to_string());
            checks.insert("cause_re".to_string(), regex_escape(version));
        }
        Incident::SlowQuery { version, .. } => {
            checks.insert("signal_re".to_string(), "slow|duration".to_string());
            checks.insert("source_re".to_string(), "postgres|mysql".to_string());
            checks.insert(
                "cause_re".to_string(),
                format!("{}|DROP INDEX", regex_escape(version)),
            );
        }
        Incident::TrafficSurge { .. } | Incident::TrafficRamp { .. } => {
            checks.insert("signal_re".to_string(), "rate|requests".to_string());
            checks.insert("source_re".to_string(), "access|haproxy|alb".to_string());
        }
        Incident::None => {}
    }
    if !matches!(sc.incident, Incident::None) {
        checks.insert("onset".to_string(), "first_divergence.onset".to_string());
        checks.insert("impact".to_string(), "first_5xx.ts".to_string());
        checks.insert(
            "affected_clients".to_string(),
            "totals.distinct_client_ips_with_5xx_or_response_over_2s".to_string(),
        );
        checks.insert(
            "failed_requests".to_string(),
            "totals.status_5xx".to_string(),
        );
        if fix_deploy.is_some() {
            checks.insert("fix".to_string(), "fix_deploy.ts".to_string());
        }
    }
    if !herring.is_empty() {
        checks.insert("herring".to_string(), herring.to_string());
    }

    let mut scanner_burst = scanner_burst;
    if let Some(sb) = scanner_burst.as_mut() {
        sb.client_ips = scanner_ips(original);
    }

    GroundTruth {
        scenario: original.name.clone(),
        summary: summary(sc, acc),
        seed: original.seed,
        generator: format!("onset-gen {}", env!("CARGO_PKG_VERSION")),
        timezone: original.zone.clone(),
        stack: original.stack,
        files: files.iter().map(|f| (f.0.clone(), f.1)).collect(),
        capture_start: ts(0),
        capture_end: ts(end),
        scanner_burst,
        cache_restart,
        deploys,
        leak_deploy,
        fix_deploy,
        first_leaked_connection,
        first_pool_timeout,
        first_db_refusal,
        first_slow_query,
        migration,
        surge,
        ramp,
        first_5xx,
        first_5xx_by_status: acc
            .first_by_status
            .iter()
            .map(|(s, t)| (s.to_string(), ts(*t)))
            .collect(),
        impact,
        first_divergence,
        db_connections,
        totals,
        per_minute,
        timeline,
        checks,
        notes: vec![
            "Times are UTC, from the simulation, in milliseconds; logs with 1 s resolution (nginx, gunicorn, syslog headers) show them truncated to the second. Load balancer facts are at the LB's log time (when it answered); database facts at the database's log time; 'first worker up' is the new version's first startup line in the app log.".to_string(),
            "Impact runs from the first 5xx to recovery: the second after the last 5xx that is followed by at least 60 s without one.".to_string(),
            "Distinct client addresses come from the client address the LB logs (X-Forwarded-For behind nginx); 'affected' means a 5xx or a response slower than 2 s.".to_string(),
            "db_connections counts the app role's sessions (authorized minus ended); refused sessions are not counted.".to_string(),
            "Everything here is computed from the simulated events, not by re-reading the logs.".to_string(),
        ],
    }
}

fn scanner_ips(sc: &Scenario) -> Vec<String> {
    let mut rng = rng::Rng::stream(sc.seed, "traffic");
    let (clients, _) = sim::population_for_truth(sc, &mut rng);
    clients
        .iter()
        .filter(|c| c.kind == sim::ClientKind::Scanner)
        .map(|c| c.ip.clone())
        .collect()
}

fn summary(sc: &Scenario, acc: &Acc) -> String {
    let svc = &sc.app.service;
    let workers = sc.app.workers;
    let pool = format!("{}+{}", sc.app.pool_size, sc.app.max_overflow);
    match &sc.incident {
        Incident::None => format!(
            "A quiet run of {svc}: normal traffic and noise only ({} requests, no incident).",
            acc.totals.requests
        ),
        Incident::ConnectionLeak {
            version,
            leak,
            fix_version,
            fix_at,
            ..
        } => {
            let rate = match leak {
                LeakRate::EveryNthCheckout(n) => format!("every {n}th checkout"),
                LeakRate::Probability(p) => format!("{:.0} % of checkouts", p * 100.0),
            };
            let fix = match fix_at {
                Some(_) => format!(
                    " {fix_version} fixes it; the leaked sessions end when the old workers exit."
                ),
                None => " No fix is deployed within the run.".to_string(),
            };
            format!(
                "{svc} {version} leaks one pooled database connection on {rate}. Sessions climb from the deploy until the per-worker pools ({workers} workers x {pool}) and the database's limit ({}) run out; requests then wait for a connection and fail (500 after the pool timeout, 504 at the load balancer) and the database refuses new sessions.{fix}",
                acc.db_limit
            )
        }
        Incident::TrafficSurge { multiplier, .. } => format!(
            "Real users flood {svc} (page views x{multiplier}); no deploy, no bug. The app's CPU and worker threads saturate, latency climbs past the load balancer's upstream timeout and it answers 504 until the surge passes."
        ),
        Incident::TrafficRamp {
            multiplier, over, ..
        } => format!(
            "Real users come to {svc} in growing numbers: page views climb linearly to x{multiplier} over {over} and stay there; no deploy, no bug. The connection pools ({workers} workers x {pool}) are too small for the new rate: requests wait for a connection and fail (500 after the pool timeout, 504 at the load balancer)."
        ),
        Incident::SlowQuery {
            version,
            fix_version,
            fix_at,
            ..
        } => {
            let fix = match fix_at {
                Some(_) => format!(" {fix_version} recreates the index and the backlog drains."),
                None => " The index is not restored within the run.".to_string(),
            };
            format!(
                "{svc} {version} ships a migration that drops the (customer_id, created_at) index on orders. The orders list query scans the table, the database CPU saturates, every query slows down, pooled connections and threads are held longer, and requests time out.{fix}"
            )
        }
    }
}
