//! The model's parameters: what stack runs, how much traffic it gets, what
//! goes wrong and when.
//!
//! A [`Scenario`] is plain data (serde, so it can live in a JSON file); the
//! simulation in [`crate::sim`] turns it into events and log lines. Offsets
//! such as `deploy_at` are [`Span`]s from the start of the run.
//!
//! ```
//! use onset_gen::{Incident, Scenario};
//!
//! let mut s = Scenario::sample();
//! assert!(matches!(s.incident, Incident::ConnectionLeak { .. }));
//! s.seed = 7; // a different but equally plausible run
//! let quiet = Scenario::preset("quiet").expect("a preset");
//! assert!(matches!(quiet.incident, Incident::None));
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Everything the generator needs to write one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name (the preset's), written to the ground truth.
    pub name: String,
    /// Seed of every random draw: same seed, same bytes.
    pub seed: u64,
    /// When the run starts (the stack starts with it).
    pub start: DateTime<Utc>,
    /// How long the run lasts.
    pub duration: Span,
    /// IANA zone of the machines' clocks: zone-less timestamps are wall
    /// time in this zone, offset-bearing ones carry its offset.
    pub zone: String,
    /// Size of the deployment: multiplies the traffic, users, workers, CPU
    /// and database limits together, so the incident keeps its shape while
    /// the output grows (for benchmarks).
    pub scale: f64,
    /// Which log formats each tier writes.
    pub stack: Stack,
    /// The users and robots sending requests.
    pub traffic: Traffic,
    /// The load balancer in front.
    pub lb: LoadBalancer,
    /// The application tier.
    pub app: App,
    /// The database.
    pub db: Database,
    /// What goes wrong.
    pub incident: Incident,
    /// Harmless events that look suspicious.
    pub red_herring: RedHerring,
    /// Log files (by name, `app.log`) written by a machine whose clock is
    /// not the others': a skewed clock, another zone. Empty: one clock.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub machines: BTreeMap<String, Machine>,
}

/// The clock of the machine that writes one log file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Machine {
    /// Seconds its clock runs ahead of the true time (negative: behind).
    pub skew_seconds: f64,
    /// IANA zone it writes wall time in, instead of the scenario's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// The formats each tier writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Stack {
    /// Load balancer.
    pub lb: LbKind,
    /// Application.
    pub app: AppKind,
    /// Database.
    pub db: DbKind,
}

/// Load balancer software and log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LbKind {
    /// nginx: `access.log` in a combined-plus-timings `log_format` with the
    /// request id, and `error.log` (level warn) with upstream failures.
    Nginx,
    /// HAProxy: `option httplog` lines behind a syslog header (`haproxy.log`).
    Haproxy,
    /// AWS Application Load Balancer access log (`alb.log`).
    AwsAlb,
}

/// Application runtime and log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppKind {
    /// Flask on gunicorn (gthread): Python `logging` lines with tracebacks
    /// (`app.log`) and gunicorn's own log (`gunicorn.log`).
    Python,
    /// Node.js with pino: one JSON object per line (`app.json.log`).
    Json,
    /// Go with `log/slog`'s text handler: logfmt lines (`app.log`).
    Logfmt,
}

/// Database server and log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbKind {
    /// PostgreSQL 15, stderr log with `log_line_prefix = '%m [%p] %q%u@%d '`
    /// (`postgresql.log`).
    PostgresStderr,
    /// PostgreSQL 15, `log_destination = csvlog` (`postgresql.csv`).
    PostgresCsv,
    /// MySQL 8.0 with `log_timestamps = SYSTEM`: slow, general and error
    /// logs (`mysql-slow.log`, `mysql-general.log`, `mysql-error.log`).
    Mysql,
    /// MariaDB 10.11: the same three logs in MariaDB's shapes.
    Mariadb,
}

/// Users, page views and robots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Traffic {
    /// Mean page views per second from real users (Poisson, open loop).
    /// A page view is 1-4 API calls.
    pub page_views_per_s: f64,
    /// Relative amplitude of a slow sine wave on the page view rate.
    pub wave: f64,
    /// Period of that wave.
    pub wave_period: Span,
    /// Number of distinct users (each has one address, user agent and
    /// customer id).
    pub users: u32,
    /// Pareto shape of user activity: smaller is more heavy-tailed.
    pub activity_shape: f64,
    /// Share of users on desktop or mobile browsers (they send a Referer).
    pub browser_share: f64,
    /// Share of users on the iOS app; the rest use the Android app.
    pub ios_share: f64,
    /// Uptime probe interval (`GET /health`), if any.
    pub probe_every: Option<Span>,
    /// What page views do.
    pub mix: Mix,
    /// One checkout in this many carries a coupon code.
    pub coupon_every_n_checkouts: u32,
    /// Mobile apps retry a GET once after a 502, 503 or 504.
    pub mobile_retry: bool,
}

/// Relative weights of page view kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mix {
    /// Orders list, then 0-3 order details in parallel.
    pub orders_list: f64,
    /// A deep link to one order.
    pub order_link: f64,
    /// A checkout, then a fetch of the new order.
    pub checkout: f64,
    /// Mobile app start: `/health`, then the orders list.
    pub app_start: f64,
    /// A malformed call (orders list without a customer): 400.
    pub bad_request: f64,
}

/// The load balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancer {
    /// Public host name.
    pub host: String,
    /// How long the LB waits for the upstream's response headers before
    /// answering 504 (`proxy_read_timeout`, `timeout server`, ALB idle
    /// timeout).
    pub upstream_timeout: Span,
    /// Addresses of the proxies in front of the load balancer (a CDN, a
    /// TLS terminator, a local sidecar): the socket peer it logs (nginx's
    /// `$remote_addr`, HAProxy's `%ci`), while the client is the first
    /// address of `X-Forwarded-For` (nginx's `$http_x_forwarded_for`,
    /// HAProxy's `capture request header X-Forwarded-For`, logged in
    /// `{…}`). Empty: the load balancer is the edge. Not for the ALB.
    pub edge_proxies: Vec<String>,
    /// nginx only: the access log's `log_format`.
    #[serde(skip_serializing_if = "AccessLog::is_default")]
    pub access_log: AccessLog,
}

/// nginx's access log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessLog {
    /// The combined format plus timings and the request id (`incident`).
    #[default]
    Combined,
    /// One JSON object per request (`log_format json escape=json`), with
    /// `$remote_addr` and `$http_x_forwarded_for` as fields of their own.
    Json,
}

impl AccessLog {
    fn is_default(&self) -> bool {
        *self == AccessLog::Combined
    }
}

/// The application tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct App {
    /// Service name (logger names, application_name, paths).
    pub service: String,
    /// Version running when the run starts.
    pub initial_version: String,
    /// Worker processes (python) or instances (json, logfmt).
    pub workers: u32,
    /// Requests one worker serves at once (gthread threads; Node and Go
    /// serve many).
    pub threads: u32,
    /// CPU cores: of the one host (python) or of each instance.
    pub cores: u32,
    /// Mean CPU time of an API request, in milliseconds.
    pub cpu_ms: f64,
    /// Connection pool: connections kept open per worker.
    pub pool_size: u32,
    /// Connection pool: extra connections a worker may open under load.
    pub max_overflow: u32,
    /// Connection pool: how long a request waits for a connection.
    pub pool_timeout: Span,
    /// How long a new worker takes to be ready.
    pub boot_time: Span,
    /// How long a stopping worker may drain before it gives up.
    pub graceful_timeout: Span,
    /// How long after that it is killed (gunicorn's `timeout`).
    pub kill_timeout: Span,
    /// Payment provider latency range for checkouts, milliseconds.
    pub payment_ms: (f64, f64),
}

/// The database server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// `max_connections`.
    pub max_connections: u32,
    /// Slots only superusers may use (`superuser_reserved_connections`;
    /// MySQL reserves one extra above the limit instead).
    pub reserved_connections: u32,
    /// CPU cores of the database host.
    pub cores: u32,
    /// Rows in `orders` at the start (order ids continue after it).
    pub orders_rows: u64,
    /// Statements slower than this are logged (`log_min_duration_statement`,
    /// `long_query_time`).
    pub slow_threshold: Span,
    /// Checkpoint interval (PostgreSQL) / background save interval.
    pub checkpoint_every: Span,
    /// Cost of a full scan of `orders`, microseconds per row.
    pub seq_scan_us_per_row: f64,
    /// MySQL/MariaDB: the general query log is on (`general_log = 1`, every
    /// connect, statement and quit). Off, as on most production servers,
    /// the server writes only its error log (startup, aborted connections,
    /// "Too many connections") and the slow log (statements over
    /// `long_query_time`): nothing logs a connect.
    #[serde(skip_serializing_if = "is_true")]
    pub general_log: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// What goes wrong during the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Incident {
    /// Nothing: only normal noise.
    None,
    /// A release leaks pooled database connections. The per-worker pools
    /// drain, requests time out waiting for a connection (500 after the
    /// pool timeout, 504 at the LB), the database refuses new sessions,
    /// until a fix release replaces the leaking workers.
    ConnectionLeak {
        /// When the leaking release is deployed.
        deploy_at: Span,
        /// Its version.
        version: String,
        /// How often a checkout leaks its connection.
        leak: LeakRate,
        /// When the fix is deployed, if it is.
        fix_at: Option<Span>,
        /// The fix's version.
        fix_version: String,
    },
    /// Real users flood the site (a sale, a mention): the app's CPU and
    /// threads saturate, latency climbs, the LB answers 504.
    TrafficSurge {
        /// When the surge starts.
        at: Span,
        /// Page view rate multiplier at the peak.
        multiplier: f64,
        /// How long the peak lasts.
        duration: Span,
        /// Ramp up and down.
        ramp: Span,
        /// Users who only come during the surge.
        new_users: u32,
    },
    /// A release's migration drops the index behind the orders list: those
    /// queries scan the table, the database CPU saturates, every query
    /// slows, requests back up until the index is rebuilt.
    SlowQuery {
        /// When the release (and its migration) is deployed.
        deploy_at: Span,
        /// Its version.
        version: String,
        /// When a fix release recreates the index, if it does.
        fix_at: Option<Span>,
        /// The fix's version.
        fix_version: String,
    },
    /// Real users come in growing numbers (a campaign): the page view rate
    /// climbs linearly from the baseline to `multiplier` times it over
    /// `over`, then stays there. No deploy, no bug: the app's pools are too
    /// small for the new rate, requests wait for a connection, time out
    /// (500 after the pool timeout, 504 at the LB). The ground truth's
    /// onset is where the ramp begins.
    TrafficRamp {
        /// When the ramp begins.
        at: Span,
        /// Page view rate multiplier at the top of the ramp.
        multiplier: f64,
        /// How long the climb takes.
        over: Span,
        /// Users who only come with the ramp.
        new_users: u32,
    },
}

/// How often the leaking release leaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeakRate {
    /// Every n-th checkout handled by the leaking release.
    EveryNthCheckout(u32),
    /// Each checkout with this probability.
    Probability(f64),
}

/// Harmless but suspicious events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedHerring {
    /// A burst of vulnerability-scanner probes (all 404).
    pub scanner: Option<ScannerBurst>,
    /// A planned restart of the Redis cache (`redis.log`); the app logs
    /// warnings and falls back to the database.
    pub cache_restart: Option<CacheRestart>,
}

/// Scanner burst parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerBurst {
    /// Start.
    pub at: Span,
    /// Length.
    pub duration: Span,
    /// Mean probes per second, over the three scanners.
    pub rate: f64,
}

/// Cache restart parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheRestart {
    /// When it is stopped.
    pub at: Span,
    /// How long it is down.
    pub downtime: Span,
}

impl Default for Stack {
    fn default() -> Stack {
        Stack {
            lb: LbKind::Nginx,
            app: AppKind::Python,
            db: DbKind::PostgresStderr,
        }
    }
}

impl Default for Traffic {
    fn default() -> Traffic {
        Traffic {
            page_views_per_s: 11.0,
            wave: 0.1,
            wave_period: Span::mins(9),
            users: 300,
            activity_shape: 1.2,
            browser_share: 0.55,
            ios_share: 0.25,
            probe_every: Some(Span::secs(2)),
            mix: Mix::default(),
            coupon_every_n_checkouts: 8,
            mobile_retry: true,
        }
    }
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            orders_list: 0.53,
            order_link: 0.28,
            checkout: 0.085,
            app_start: 0.09,
            bad_request: 0.015,
        }
    }
}

impl Default for LoadBalancer {
    fn default() -> LoadBalancer {
        LoadBalancer {
            host: "shop.example.com".to_string(),
            upstream_timeout: Span::secs(5),
            edge_proxies: vec!["10.0.0.2".to_string(), "10.0.0.3".to_string()],
            access_log: AccessLog::Combined,
        }
    }
}

impl Default for App {
    fn default() -> App {
        App {
            service: "shop-api".to_string(),
            initial_version: "1.4.1".to_string(),
            workers: 4,
            threads: 4,
            cores: 2,
            cpu_ms: 1.6,
            pool_size: 5,
            max_overflow: 5,
            pool_timeout: Span::secs(3),
            boot_time: Span::millis(1100),
            graceful_timeout: Span::secs(30),
            kill_timeout: Span::secs(30),
            payment_ms: (40.0, 200.0),
        }
    }
}

impl Default for Database {
    fn default() -> Database {
        Database {
            max_connections: 40,
            reserved_connections: 3,
            cores: 2,
            orders_rows: 50_000,
            slow_threshold: Span::millis(250),
            checkpoint_every: Span::mins(5),
            seq_scan_us_per_row: 0.35,
            general_log: true,
        }
    }
}

impl Default for RedHerring {
    fn default() -> RedHerring {
        RedHerring {
            scanner: Some(ScannerBurst::default()),
            cache_restart: None,
        }
    }
}

impl Default for ScannerBurst {
    fn default() -> ScannerBurst {
        ScannerBurst {
            at: Span::min_sec(2, 30),
            duration: Span::secs(40),
            rate: 150.0,
        }
    }
}

impl Default for CacheRestart {
    fn default() -> CacheRestart {
        CacheRestart {
            at: Span::min_sec(1, 40),
            downtime: Span::millis(2500),
        }
    }
}

impl Default for Scenario {
    /// The bundled sample incident ([`Scenario::sample`]).
    fn default() -> Scenario {
        Scenario::sample()
    }
}

/// Names accepted by [`Scenario::preset`].
pub const PRESETS: &[(&str, &str)] = &[
    (
        "sample",
        "nginx + Flask/gunicorn + PostgreSQL (stderr): a release leaks DB connections, fixed 7 min later; scanner burst before",
    ),
    (
        "haproxy-json-mysql",
        "HAProxy + Node/pino JSON + MySQL 8 (slow, general, error logs), America/Chicago: connection leak",
    ),
    (
        "alb-logfmt-pgcsv",
        "AWS ALB + Go/slog logfmt + PostgreSQL csvlog, Asia/Tokyo: a probabilistic leak, cache restart herring",
    ),
    (
        "surge",
        "HAProxy + Flask/gunicorn + PostgreSQL, Europe/Berlin: real users flood the site, no deploy",
    ),
    (
        "slow-query",
        "nginx + Go/slog logfmt + MariaDB, America/New_York: a migration drops an index, slow queries pile up",
    ),
    ("quiet", "the sample stack with nothing going wrong: only normal noise"),
    (
        "leak-fast",
        "the sample stack with a fast leak (every checkout): exhaustion within two minutes",
    ),
    (
        "leak-slow",
        "the sample stack with a slow leak (every 6th checkout, low traffic) and no fix within the run",
    ),
    (
        "haproxy-xff-mariadb",
        "HAProxy behind edge proxies (client in a captured X-Forwarded-For) + Node/pino JSON + MariaDB without a general log (error and slow logs only), America/Chicago: a migration drops an index",
    ),
    (
        "nginx-json-ramp",
        "nginx JSON access log behind a local proxy (peer 127.0.0.1, client in http_x_forwarded_for) + Go/slog logfmt + PostgreSQL, America/New_York: a sale ramps traffic 5x over 6 minutes; 3 pooled connections, held across a slow payment call, are too few; no deploy",
    ),
];

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

impl Scenario {
    /// The bundled incident: nginx + Flask on gunicorn + PostgreSQL
    /// (stderr log), zone UTC, 14 minutes. Release 1.4.2 is deployed at
    /// about 4 minutes and leaks one pooled connection on every 4th
    /// checkout; the pools and then PostgreSQL's connection limit run out;
    /// 1.4.3 fixes it at about 11 minutes. A scanner burst comes and goes
    /// at 2.5 minutes.
    pub fn sample() -> Scenario {
        Scenario {
            name: "sample".to_string(),
            seed: 7,
            start: at(2026, 11, 21, 9, 12, 4),
            duration: Span::mins(14),
            zone: "UTC".to_string(),
            scale: 1.0,
            stack: Stack::default(),
            traffic: Traffic {
                page_views_per_s: 5.5,
                ..Traffic::default()
            },
            lb: LoadBalancer::default(),
            app: App::default(),
            db: Database::default(),
            incident: Incident::ConnectionLeak {
                deploy_at: Span::min_sec(4, 0),
                version: "1.4.2".to_string(),
                leak: LeakRate::EveryNthCheckout(4),
                fix_at: Some(Span::min_sec(11, 0)),
                fix_version: "1.4.3".to_string(),
            },
            red_herring: RedHerring::default(),
            machines: BTreeMap::new(),
        }
    }

    /// A named preset (see [`PRESETS`]); `None` for an unknown name.
    pub fn preset(name: &str) -> Option<Scenario> {
        let base = Scenario::sample();
        let s = match name {
            "sample" => base,
            "haproxy-json-mysql" => Scenario {
                name: name.to_string(),
                seed: 4417,
                start: at(2026, 3, 3, 20, 41, 17),
                duration: Span::mins(10),
                zone: "America/Chicago".to_string(),
                stack: Stack {
                    lb: LbKind::Haproxy,
                    app: AppKind::Json,
                    db: DbKind::Mysql,
                },
                traffic: Traffic {
                    page_views_per_s: 3.5,
                    users: 240,
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    upstream_timeout: Span::secs(10),
                    edge_proxies: Vec::new(),
                    ..LoadBalancer::default()
                },
                app: App {
                    service: "shop-api".to_string(),
                    initial_version: "2.7.0".to_string(),
                    workers: 3,
                    threads: 256,
                    cores: 1,
                    cpu_ms: 1.2,
                    pool_size: 2,
                    max_overflow: 8,
                    pool_timeout: Span::secs(5),
                    boot_time: Span::millis(2400),
                    graceful_timeout: Span::secs(20),
                    kill_timeout: Span::secs(10),
                    ..App::default()
                },
                db: Database {
                    max_connections: 30,
                    reserved_connections: 0,
                    slow_threshold: Span::millis(200),
                    ..Database::default()
                },
                incident: Incident::ConnectionLeak {
                    deploy_at: Span::min_sec(2, 40),
                    version: "2.7.1".to_string(),
                    leak: LeakRate::EveryNthCheckout(2),
                    fix_at: Some(Span::min_sec(7, 30)),
                    fix_version: "2.7.2".to_string(),
                },
                red_herring: RedHerring {
                    scanner: Some(ScannerBurst {
                        at: Span::min_sec(1, 45),
                        duration: Span::secs(25),
                        rate: 90.0,
                    }),
                    cache_restart: None,
                },
                ..base
            },
            "alb-logfmt-pgcsv" => Scenario {
                name: name.to_string(),
                seed: 90210,
                start: at(2026, 7, 14, 1, 3, 51),
                duration: Span::mins(10),
                zone: "Asia/Tokyo".to_string(),
                stack: Stack {
                    lb: LbKind::AwsAlb,
                    app: AppKind::Logfmt,
                    db: DbKind::PostgresCsv,
                },
                traffic: Traffic {
                    page_views_per_s: 3.0,
                    users: 280,
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    upstream_timeout: Span::secs(15),
                    edge_proxies: Vec::new(),
                    ..LoadBalancer::default()
                },
                app: App {
                    initial_version: "0.31.4".to_string(),
                    workers: 3,
                    threads: 512,
                    cores: 2,
                    cpu_ms: 0.6,
                    pool_size: 4,
                    max_overflow: 8,
                    pool_timeout: Span::secs(2),
                    boot_time: Span::millis(700),
                    graceful_timeout: Span::secs(15),
                    kill_timeout: Span::secs(15),
                    ..App::default()
                },
                db: Database {
                    max_connections: 40,
                    reserved_connections: 3,
                    ..Database::default()
                },
                incident: Incident::ConnectionLeak {
                    deploy_at: Span::min_sec(2, 50),
                    version: "0.32.0".to_string(),
                    leak: LeakRate::Probability(0.6),
                    fix_at: Some(Span::min_sec(7, 40)),
                    fix_version: "0.32.1".to_string(),
                },
                red_herring: RedHerring {
                    scanner: None,
                    cache_restart: Some(CacheRestart {
                        at: Span::min_sec(2, 10),
                        downtime: Span::secs(3),
                    }),
                },
                ..base
            },
            "surge" => Scenario {
                name: name.to_string(),
                seed: 31337,
                start: at(2026, 11, 27, 7, 58, 30),
                duration: Span::mins(9),
                zone: "Europe/Berlin".to_string(),
                stack: Stack {
                    lb: LbKind::Haproxy,
                    app: AppKind::Python,
                    db: DbKind::PostgresStderr,
                },
                traffic: Traffic {
                    page_views_per_s: 2.0,
                    users: 250,
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    edge_proxies: Vec::new(),
                    ..LoadBalancer::default()
                },
                app: App {
                    workers: 2,
                    cores: 1,
                    cpu_ms: 40.0,
                    ..App::default()
                },
                incident: Incident::TrafficSurge {
                    at: Span::min_sec(3, 30),
                    multiplier: 16.0,
                    duration: Span::secs(100),
                    ramp: Span::secs(30),
                    new_users: 400,
                },
                red_herring: RedHerring {
                    scanner: Some(ScannerBurst {
                        at: Span::min_sec(1, 50),
                        duration: Span::secs(20),
                        rate: 80.0,
                    }),
                    cache_restart: None,
                },
                ..base
            },
            "slow-query" => Scenario {
                name: name.to_string(),
                seed: 5150,
                start: at(2026, 2, 10, 15, 20, 0),
                duration: Span::mins(10),
                zone: "America/New_York".to_string(),
                stack: Stack {
                    lb: LbKind::Nginx,
                    app: AppKind::Logfmt,
                    db: DbKind::Mariadb,
                },
                traffic: Traffic {
                    page_views_per_s: 3.5,
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    upstream_timeout: Span::secs(8),
                    ..LoadBalancer::default()
                },
                app: App {
                    initial_version: "3.2.0".to_string(),
                    workers: 3,
                    threads: 64,
                    cores: 2,
                    cpu_ms: 0.7,
                    pool_size: 5,
                    max_overflow: 5,
                    pool_timeout: Span::secs(4),
                    boot_time: Span::millis(600),
                    graceful_timeout: Span::secs(15),
                    kill_timeout: Span::secs(10),
                    ..App::default()
                },
                db: Database {
                    max_connections: 60,
                    reserved_connections: 0,
                    cores: 2,
                    orders_rows: 3_000_000,
                    slow_threshold: Span::millis(500),
                    ..Database::default()
                },
                incident: Incident::SlowQuery {
                    deploy_at: Span::min_sec(3, 10),
                    version: "3.3.0".to_string(),
                    fix_at: Some(Span::min_sec(7, 20)),
                    fix_version: "3.3.1".to_string(),
                },
                red_herring: RedHerring {
                    scanner: None,
                    cache_restart: Some(CacheRestart {
                        at: Span::min_sec(2, 0),
                        downtime: Span::secs(2),
                    }),
                },
                ..base
            },
            "quiet" => Scenario {
                name: name.to_string(),
                seed: 777,
                duration: Span::mins(8),
                traffic: Traffic {
                    page_views_per_s: 5.0,
                    ..Traffic::default()
                },
                incident: Incident::None,
                ..base
            },
            "leak-fast" => Scenario {
                name: name.to_string(),
                seed: 1001,
                duration: Span::mins(7),
                traffic: Traffic {
                    page_views_per_s: 4.0,
                    ..Traffic::default()
                },
                incident: Incident::ConnectionLeak {
                    deploy_at: Span::min_sec(1, 30),
                    version: "1.4.2".to_string(),
                    leak: LeakRate::EveryNthCheckout(1),
                    fix_at: Some(Span::min_sec(4, 30)),
                    fix_version: "1.4.3".to_string(),
                },
                red_herring: RedHerring {
                    scanner: None,
                    cache_restart: None,
                },
                ..base
            },
            "leak-slow" => Scenario {
                name: name.to_string(),
                seed: 2002,
                duration: Span::mins(12),
                traffic: Traffic {
                    page_views_per_s: 4.0,
                    ..Traffic::default()
                },
                incident: Incident::ConnectionLeak {
                    deploy_at: Span::min_sec(1, 0),
                    version: "1.4.2".to_string(),
                    leak: LeakRate::EveryNthCheckout(6),
                    fix_at: None,
                    fix_version: "1.4.3".to_string(),
                },
                red_herring: RedHerring {
                    scanner: None,
                    cache_restart: Some(CacheRestart::default()),
                },
                ..base
            },
            "haproxy-xff-mariadb" => Scenario {
                name: name.to_string(),
                seed: 6060,
                start: at(2026, 5, 19, 19, 7, 33),
                duration: Span::mins(11),
                zone: "America/Chicago".to_string(),
                stack: Stack {
                    lb: LbKind::Haproxy,
                    app: AppKind::Json,
                    db: DbKind::Mariadb,
                },
                traffic: Traffic {
                    page_views_per_s: 3.5,
                    users: 250,
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    upstream_timeout: Span::secs(15),
                    edge_proxies: vec!["10.0.0.2".to_string(), "10.0.0.3".to_string()],
                    ..LoadBalancer::default()
                },
                app: App {
                    service: "inventory-api".to_string(),
                    initial_version: "2.6.4".to_string(),
                    workers: 3,
                    threads: 256,
                    cores: 1,
                    cpu_ms: 1.0,
                    pool_size: 4,
                    max_overflow: 6,
                    pool_timeout: Span::secs(3),
                    boot_time: Span::millis(900),
                    graceful_timeout: Span::secs(15),
                    kill_timeout: Span::secs(10),
                    ..App::default()
                },
                db: Database {
                    max_connections: 24,
                    reserved_connections: 0,
                    cores: 2,
                    orders_rows: 3_000_000,
                    slow_threshold: Span::millis(500),
                    general_log: false,
                    ..Database::default()
                },
                incident: Incident::SlowQuery {
                    deploy_at: Span::min_sec(3, 20),
                    version: "2.7.0".to_string(),
                    fix_at: Some(Span::min_sec(7, 40)),
                    fix_version: "2.7.1".to_string(),
                },
                red_herring: RedHerring {
                    scanner: Some(ScannerBurst {
                        at: Span::min_sec(1, 50),
                        duration: Span::secs(30),
                        rate: 100.0,
                    }),
                    cache_restart: None,
                },
                ..base
            },
            "nginx-json-ramp" => Scenario {
                name: name.to_string(),
                seed: 4242,
                start: at(2026, 11, 2, 14, 21, 19),
                duration: Span::mins(13),
                zone: "America/New_York".to_string(),
                stack: Stack {
                    lb: LbKind::Nginx,
                    app: AppKind::Logfmt,
                    db: DbKind::PostgresStderr,
                },
                // A sale: half the page views are checkouts, whose
                // transaction holds its pooled connection across the
                // payment provider's call.
                traffic: Traffic {
                    page_views_per_s: 1.6,
                    users: 300,
                    mix: Mix {
                        checkout: 0.5,
                        ..Mix::default()
                    },
                    ..Traffic::default()
                },
                lb: LoadBalancer {
                    host: "catalog.example.com".to_string(),
                    upstream_timeout: Span::secs(4),
                    edge_proxies: vec!["127.0.0.1".to_string()],
                    access_log: AccessLog::Json,
                },
                app: App {
                    service: "catalog-api".to_string(),
                    initial_version: "3.7.2".to_string(),
                    workers: 1,
                    threads: 512,
                    cores: 2,
                    cpu_ms: 0.8,
                    pool_size: 3,
                    max_overflow: 0,
                    pool_timeout: Span::secs(2),
                    boot_time: Span::millis(600),
                    graceful_timeout: Span::secs(2),
                    kill_timeout: Span::secs(5),
                    payment_ms: (700.0, 1700.0),
                },
                db: Database {
                    max_connections: 30,
                    reserved_connections: 3,
                    slow_threshold: Span::millis(200),
                    ..Database::default()
                },
                incident: Incident::TrafficRamp {
                    at: Span::min_sec(4, 0),
                    multiplier: 5.0,
                    over: Span::mins(6),
                    new_users: 100,
                },
                red_herring: RedHerring {
                    scanner: Some(ScannerBurst {
                        at: Span::min_sec(2, 0),
                        duration: Span::secs(30),
                        rate: 10.0,
                    }),
                    cache_restart: None,
                },
                ..base
            },
            _ => return None,
        };
        Some(s)
    }

    /// The files a run of this scenario writes (besides the ground truth).
    pub fn files(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        match self.stack.lb {
            LbKind::Nginx => v.extend(["access.log", "error.log"]),
            LbKind::Haproxy => v.push("haproxy.log"),
            LbKind::AwsAlb => v.push("alb.log"),
        }
        match self.stack.app {
            AppKind::Python => v.extend(["app.log", "gunicorn.log"]),
            AppKind::Json => v.push("app.json.log"),
            AppKind::Logfmt => v.push("app.log"),
        }
        match self.stack.db {
            DbKind::PostgresStderr => v.push("postgresql.log"),
            DbKind::PostgresCsv => v.push("postgresql.csv"),
            DbKind::Mysql | DbKind::Mariadb if self.db.general_log => {
                v.extend(["mysql-error.log", "mysql-general.log", "mysql-slow.log"])
            }
            DbKind::Mysql | DbKind::Mariadb => v.extend(["mysql-error.log", "mysql-slow.log"]),
        }
        if self.red_herring.cache_restart.is_some() {
            v.push("redis.log");
        }
        v
    }
}
