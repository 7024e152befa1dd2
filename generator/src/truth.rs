//! [`GroundTruth`]: what really happened in a run, computed from the
//! simulated events (not by re-reading the logs), written as
//! `GROUND_TRUTH.json` next to them so tests can compare onset's analysis
//! with it.
//!
//! Times are RFC 3339 UTC with milliseconds. Load balancer facts (5xx,
//! impact, scanner burst) are at the LB's log time (when the response was
//! sent); database facts at the database's log time.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::clock::{rfc3339_ms, Time};
use crate::scenario::Stack;

/// Everything a test may want to check about a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Scenario name.
    pub scenario: String,
    /// One-paragraph story of the run.
    pub summary: String,
    /// Seed.
    pub seed: u64,
    /// Generator name and version.
    pub generator: String,
    /// IANA zone of the machines' clocks.
    pub timezone: String,
    /// Formats per tier.
    pub stack: Stack,
    /// Log files written (besides this one), with their sizes.
    pub files: BTreeMap<String, u64>,
    /// First log line.
    pub capture_start: String,
    /// Last log line.
    pub capture_end: String,
    /// The scanner burst (red herring), at LB log times.
    pub scanner_burst: Option<ScannerTruth>,
    /// The cache restart (red herring).
    pub cache_restart: Option<RestartTruth>,
    /// Every deploy after the start.
    pub deploys: Vec<DeployTruth>,
    /// The deploy that caused the incident (leak or migration).
    pub leak_deploy: Option<DeployTruth>,
    /// The deploy that fixed it.
    pub fix_deploy: Option<DeployTruth>,
    /// The first connection that was leaked and never returned.
    pub first_leaked_connection: Option<LeakTruth>,
    /// The first request that timed out waiting for a pooled connection.
    pub first_pool_timeout: Option<EventTruth>,
    /// The first session the database refused.
    pub first_db_refusal: Option<EventTruth>,
    /// The first statement logged as slow.
    pub first_slow_query: Option<EventTruth>,
    /// The migration that dropped the index, and the rebuild.
    pub migration: Option<MigrationTruth>,
    /// The traffic surge.
    pub surge: Option<SurgeTruth>,
    /// The traffic ramp (only written when there is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<RampTruth>,
    /// The first 5xx the LB sent.
    pub first_5xx: Option<FirstFailure>,
    /// First 5xx per status.
    pub first_5xx_by_status: BTreeMap<String, String>,
    /// Impact window: first 5xx to recovery.
    pub impact: Option<ImpactTruth>,
    /// Where the first signal diverges from normal.
    pub first_divergence: Option<DivergenceTruth>,
    /// Database sessions of the app.
    pub db_connections: DbTruth,
    /// Totals over the run.
    pub totals: Totals,
    /// Per-minute table.
    pub per_minute: Vec<Minute>,
    /// The story in order.
    pub timeline: Vec<TimelineEntry>,
    /// Hints for automated checks (regexes and JSON paths into this file).
    pub checks: BTreeMap<String, String>,
    /// Definitions and caveats.
    pub notes: Vec<String>,
}

/// Scanner burst facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannerTruth {
    /// First probe answered.
    pub start: String,
    /// Last probe answered.
    pub end: String,
    /// Scanner addresses.
    pub client_ips: Vec<String>,
    /// Probes sent.
    pub requests: u64,
    /// Statuses they got.
    pub status_counts: BTreeMap<String, u64>,
    /// Busiest second.
    pub peak_requests_per_second: u64,
}

/// Cache restart facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestartTruth {
    /// Component.
    pub component: String,
    /// Stopped.
    pub stopped: String,
    /// Ready again.
    pub ready: String,
    /// App warnings logged meanwhile.
    pub app_warnings: u64,
}

/// A deploy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployTruth {
    /// Version deployed.
    pub version: String,
    /// `leak`, `fix`, `migration` or `index-fix`.
    pub role: String,
    /// When the rollout started (SIGHUP or first instance stopped).
    pub started: String,
    /// First new worker up: its "starting" line.
    pub ts: String,
    /// Every new worker: (time, pid).
    pub workers_started: Vec<(String, u32)>,
}

/// The first leaked connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakTruth {
    /// When its session was authorized.
    pub ts: String,
    /// When the request leaked it.
    pub leaked_at: String,
    /// Backend pid / thread id.
    pub backend_pid: u64,
    /// Worker that leaked it.
    pub worker_pid: u32,
    /// Request that leaked it.
    pub request_id: String,
    /// When its session finally ended, if within the run.
    pub disconnected_at: Option<String>,
}

/// A point event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTruth {
    /// When.
    pub ts: String,
    /// Process (worker pid or backend pid).
    pub pid: u64,
    /// Request, if any.
    pub request_id: Option<String>,
    /// Free text (statement, duration).
    pub detail: String,
}

/// Index drop and rebuild.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationTruth {
    /// The DROP.
    pub dropped_at: String,
    /// The rebuild finished.
    pub restored_at: Option<String>,
}

/// Surge facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurgeTruth {
    /// Ramp up begins.
    pub start: String,
    /// Peak begins.
    pub peak_start: String,
    /// Peak ends.
    pub peak_end: String,
    /// Ramp down ends.
    pub end: String,
    /// Peak multiplier.
    pub multiplier: f64,
}

/// Ramp facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RampTruth {
    /// The climb begins (the onset of the first divergence).
    pub start: String,
    /// The rate reaches the top and stays there.
    pub top: String,
    /// Multiplier at the top.
    pub multiplier: f64,
}

/// The first 5xx.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstFailure {
    /// LB log time.
    pub ts: String,
    /// Status.
    pub status: u16,
    /// Request line.
    pub request: String,
    /// Client.
    pub client_ip: String,
    /// Request id.
    pub request_id: String,
    /// Time at the LB, seconds.
    pub rt: f64,
}

/// Impact window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactTruth {
    /// First 5xx.
    pub start: String,
    /// Last 5xx before recovery.
    pub last_5xx: String,
    /// Recovery: start of the first 60 s without 5xx (the second after the
    /// last 5xx), if it came within the run.
    pub end: Option<String>,
}

/// First divergence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivergenceTruth {
    /// Signal.
    pub signal: String,
    /// File.
    pub source: String,
    /// When.
    pub onset: String,
}

/// Database sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DbTruth {
    /// Sessions the app role may open.
    pub limit: u32,
    /// Highest count.
    pub peak: u32,
    /// First time at the peak.
    pub peak_first_at: Option<String>,
    /// When the limit was first reached.
    pub reached_limit_at: Option<String>,
    /// Sessions open when the incident began (its deploy, or the surge).
    pub at_incident_start: Option<u32>,
    /// Sessions leaked.
    pub leaked: u64,
    /// Leaked sessions per worker pid.
    pub leaks_per_worker: BTreeMap<String, u64>,
    /// Leaked sessions that ended abruptly (EOF in a transaction).
    pub leaked_closed_abruptly: u64,
}

/// Totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Requests logged by the LB.
    pub requests: u64,
    /// 5xx sent by the LB.
    pub status_5xx: u64,
    /// Per status.
    pub status_counts: BTreeMap<String, u64>,
    /// Responses slower than 2 s at the LB.
    pub responses_slower_than_2s: u64,
    /// Distinct client addresses.
    pub distinct_client_ips: u64,
    /// Distinct client addresses that got a 5xx or waited > 2 s.
    pub distinct_client_ips_with_5xx_or_response_over_2s: u64,
    /// Distinct real users.
    pub distinct_user_ips: u64,
    /// Distinct real users that got a 5xx or waited > 2 s.
    pub distinct_user_ips_with_5xx_or_response_over_2s: u64,
    /// LB upstream timeouts (504).
    pub lb_upstream_timeouts: u64,
    /// LB upstream resets (502).
    pub lb_upstream_resets: u64,
    /// Requests the app finished (some after the LB gave up).
    pub app_requests: u64,
    /// App errors: pool timeouts.
    pub app_errors_pool_timeout: u64,
    /// App errors: database refused the session.
    pub app_errors_db_refused: u64,
    /// Sessions the database refused.
    pub db_refusals: u64,
    /// Statements logged as slow.
    pub slow_queries: u64,
    /// Orders created.
    pub orders_created: u64,
    /// Mobile retries sent.
    pub client_retries: u64,
}

/// One minute of the run (by wall clock, UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Minute {
    /// Minute start.
    pub minute: String,
    /// App sessions at the end of the minute.
    pub db_connections_end: u32,
    /// Highest during the minute.
    pub db_connections_max: u32,
    /// LB requests.
    pub requests: u64,
    /// 2xx.
    #[serde(rename = "2xx")]
    pub s2xx: u64,
    /// 4xx.
    #[serde(rename = "4xx")]
    pub s4xx: u64,
    /// 5xx.
    #[serde(rename = "5xx")]
    pub s5xx: u64,
    /// Per 5xx status.
    pub by_status_5xx: BTreeMap<String, u64>,
    /// Responses slower than 2 s.
    pub slow_gt_2s: u64,
    /// App pool timeouts.
    pub pool_timeouts: u64,
    /// DB refusals.
    pub db_refusals: u64,
    /// Connections leaked.
    pub leaks: u64,
    /// Slow statements logged.
    pub slow_queries: u64,
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// What.
    pub event: String,
    /// When.
    pub ts: String,
    /// Offset from the start, `m:ss.mmm`.
    pub offset: String,
}

/// Client classes for the distinct-address counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A real user.
    User,
    /// Scanner.
    Scanner,
    /// Uptime probe.
    Probe,
}

/// A deploy as it happens.
#[derive(Debug, Clone, Default)]
pub struct DeployAcc {
    /// Version.
    pub version: String,
    /// Role (`leak`, `fix`, `migration`).
    pub role: String,
    /// Rollout start.
    pub started: Time,
    /// New workers up: (time, pid).
    pub workers: Vec<(Time, u32)>,
}

/// Running counters; turned into a [`GroundTruth`] at the end.
#[derive(Debug, Default)]
#[allow(missing_docs)]
pub struct Acc {
    pub start_unix_us: i64,
    pub totals: Totals,
    pub clients: HashSet<u32>,
    pub affected: HashSet<u32>,
    pub users: HashSet<u32>,
    pub users_affected: HashSet<u32>,
    pub minutes: Vec<Minute>,
    pub gauge: Vec<Option<(u32, u32)>>,
    pub db_count: u32,
    pub db_peak: u32,
    pub db_peak_at: Option<Time>,
    pub db_limit: u32,
    pub db_reached_limit: Option<Time>,
    pub first_5xx: Option<(Time, FirstFailure)>,
    pub first_by_status: BTreeMap<u16, Time>,
    pub impact_start: Option<Time>,
    pub last_5xx: Option<Time>,
    pub recovery: Option<Time>,
    pub scanner_first: Option<Time>,
    pub scanner_last: Option<Time>,
    pub scanner_requests: u64,
    pub scanner_status: BTreeMap<String, u64>,
    pub scanner_per_sec: BTreeMap<i64, u64>,
    pub first_pool_timeout: Option<(Time, u32, String)>,
    pub first_refusal: Option<(Time, u64)>,
    pub first_slow: Option<(Time, u64, String)>,
    pub first_leak: Option<(Time, Time, u64, u32, String)>,
    pub first_leak_conn: Option<u64>,
    pub first_leak_closed: Option<Time>,
    pub leaks_per_worker: BTreeMap<u32, u64>,
    pub leaked_closed_abruptly: u64,
    pub deploys: Vec<DeployAcc>,
    pub cache_stop: Option<Time>,
    pub cache_ready: Option<Time>,
    pub cache_warnings: u64,
    pub kills: Vec<(Time, u32)>,
    pub migration_drop: Option<Time>,
    pub migration_restore: Option<Time>,
    pub incident_at: Option<Time>,
    pub at_incident_start: Option<u32>,
    pub last_line: Time,
}

impl Acc {
    fn minute(&mut self, t: Time) -> &mut Minute {
        let base = self.start_unix_us.div_euclid(60_000_000);
        let idx = ((self.start_unix_us + t).div_euclid(60_000_000) - base).max(0) as usize;
        while self.minutes.len() <= idx {
            self.minutes.push(Minute::default());
        }
        &mut self.minutes[idx]
    }

    /// The LB answered a request.
    #[allow(clippy::too_many_arguments)]
    pub fn exchange(
        &mut self,
        t: Time,
        rt_us: i64,
        status: u16,
        client: u32,
        who: Who,
        ip: &str,
        method: &str,
        path: &str,
        request_id: &str,
    ) {
        self.totals.requests += 1;
        *self
            .totals
            .status_counts
            .entry(status.to_string())
            .or_default() += 1;
        let slow = rt_us > 2_000_000;
        let failed = status >= 500;
        self.clients.insert(client);
        if who == Who::User {
            self.users.insert(client);
        }
        if slow {
            self.totals.responses_slower_than_2s += 1;
        }
        if slow || failed {
            self.affected.insert(client);
            if who == Who::User {
                self.users_affected.insert(client);
            }
        }
        let m = self.minute(t);
        m.requests += 1;
        match status {
            200..=299 => m.s2xx += 1,
            400..=499 => m.s4xx += 1,
            500..=599 => {
                m.s5xx += 1;
                *m.by_status_5xx.entry(status.to_string()).or_default() += 1;
            }
            _ => {}
        }
        if slow {
            m.slow_gt_2s += 1;
        }
        if who == Who::Scanner {
            self.scanner_first.get_or_insert(t);
            self.scanner_last = Some(t);
            self.scanner_requests += 1;
            *self.scanner_status.entry(status.to_string()).or_default() += 1;
            *self
                .scanner_per_sec
                .entry((self.start_unix_us + t).div_euclid(1_000_000))
                .or_default() += 1;
        }
        if failed {
            self.totals.status_5xx += 1;
            if status == 504 {
                self.totals.lb_upstream_timeouts += 1;
            }
            if status == 502 {
                self.totals.lb_upstream_resets += 1;
            }
            self.first_by_status.entry(status).or_insert(t);
            if self.first_5xx.is_none() {
                self.first_5xx = Some((
                    t,
                    FirstFailure {
                        ts: String::new(),
                        status,
                        request: format!("{method} {path} HTTP/1.1"),
                        client_ip: ip.to_string(),
                        request_id: request_id.to_string(),
                        rt: rt_us as f64 / 1e6,
                    },
                ));
            }
            if self.recovery.is_none() {
                if let Some(last) = self.last_5xx {
                    if t - last >= 60_000_000 {
                        self.recovery = Some(self.next_second(last));
                    }
                }
                if self.recovery.is_none() {
                    self.impact_start.get_or_insert(t);
                    self.last_5xx = Some(t);
                }
            }
        }
    }

    /// The first whole second after `t` (LB logs have 1 s resolution).
    fn next_second(&self, t: Time) -> Time {
        let unix = self.start_unix_us + t;
        (unix.div_euclid(1_000_000) + 1) * 1_000_000 - self.start_unix_us
    }

    /// The database session count changed.
    pub fn db_gauge(&mut self, t: Time, count: u32) {
        self.db_count = count;
        if count > self.db_peak {
            self.db_peak = count;
            self.db_peak_at = Some(t);
        }
        if count >= self.db_limit && self.db_reached_limit.is_none() && self.db_limit > 0 {
            self.db_reached_limit = Some(t);
        }
        let base = self.start_unix_us.div_euclid(60_000_000);
        let idx = ((self.start_unix_us + t).div_euclid(60_000_000) - base).max(0) as usize;
        while self.gauge.len() <= idx {
            self.gauge.push(None);
        }
        let slot = &mut self.gauge[idx];
        *slot = Some(match *slot {
            Some((max, _)) => (max.max(count), count),
            None => (count, count),
        });
    }

    /// A pool timeout in the app.
    pub fn pool_timeout(&mut self, t: Time, pid: u32, rid: &str) {
        self.totals.app_errors_pool_timeout += 1;
        self.minute(t).pool_timeouts += 1;
        if self.first_pool_timeout.is_none() {
            self.first_pool_timeout = Some((t, pid, rid.to_string()));
        }
    }

    /// The database refused a session.
    pub fn refusal(&mut self, t: Time, pid: u64) {
        self.totals.db_refusals += 1;
        self.minute(t).db_refusals += 1;
        if self.first_refusal.is_none() {
            self.first_refusal = Some((t, pid));
        }
    }

    /// A statement was logged as slow.
    pub fn slow(&mut self, t: Time, pid: u64, detail: String) {
        self.totals.slow_queries += 1;
        self.minute(t).slow_queries += 1;
        if self.first_slow.is_none() {
            self.first_slow = Some((t, pid, detail));
        }
    }

    /// A connection was leaked.
    pub fn leak(&mut self, t: Time, authorized: Time, pid: u64, worker: u32, rid: &str) {
        self.minute(t).leaks += 1;
        *self.leaks_per_worker.entry(worker).or_default() += 1;
        if self.first_leak.is_none() {
            self.first_leak = Some((authorized, t, pid, worker, rid.to_string()));
            self.first_leak_conn = Some(pid);
        }
    }

    /// Offset string `m:ss.mmm`.
    fn offset(t: Time) -> String {
        let ms = t.max(0) / 1000;
        format!("{}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
    }

    /// Converts a simulation time to RFC 3339.
    pub fn ts(&self, t: Time) -> String {
        rfc3339_ms(self.start_unix_us + t)
    }

    /// Builds the per-minute table and fills the carried gauge values.
    pub fn finish_minutes(&mut self, end: Time) -> Vec<Minute> {
        let base = self.start_unix_us.div_euclid(60_000_000);
        let last = ((self.start_unix_us + end).div_euclid(60_000_000) - base).max(0) as usize;
        while self.minutes.len() <= last {
            self.minutes.push(Minute::default());
        }
        let mut carried = 0u32;
        let mut out = Vec::with_capacity(self.minutes.len());
        for (i, m) in self.minutes.iter().enumerate() {
            let mut m = m.clone();
            m.minute = rfc3339_ms((base + i as i64) * 60_000_000);
            match self.gauge.get(i).copied().flatten() {
                Some((max, end)) => {
                    m.db_connections_max = max.max(carried);
                    m.db_connections_end = end;
                    carried = end;
                }
                None => {
                    m.db_connections_max = carried;
                    m.db_connections_end = carried;
                }
            }
            out.push(m);
        }
        out
    }

    /// A timeline entry.
    pub fn entry(&self, event: &str, t: Time) -> TimelineEntry {
        TimelineEntry {
            event: event.to_string(),
            ts: self.ts(t),
            offset: Acc::offset(t),
        }
    }
}
