//! One test per fixed bug, named after it (as ripgrep's `tests/regression.rs`).
//! Each says what went wrong and asserts the exact behaviour that is now right.

use crate::util::Scratch;

#[allow(dead_code)]
fn _scratch() -> Scratch {
    Scratch::new()
}

// ---------------------------------------------------------------------------
// Diagnosis on logs as other people's servers write them (issue 10). Each
// incident is written here, line by line, in the layouts those servers use.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};

/// Deterministic uniform numbers in [0, 1).
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Arrival times (s from 0) of a Poisson stream of rate `rate(t)` per s.
    fn arrivals(&mut self, until: f64, rate: impl Fn(f64) -> f64) -> Vec<f64> {
        let mut t = 0.0;
        let mut out = Vec::new();
        loop {
            t += -(1.0 - self.next()).ln() / rate(t);
            if t >= until {
                return out;
            }
            out.push(t);
        }
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 10, 0, 0).unwrap()
}

fn at(secs: f64) -> DateTime<Utc> {
    t0() + chrono::Duration::milliseconds((secs * 1000.0) as i64)
}

/// A scratch index of the logs `files` (name, text), ingested with `args`.
fn ingested(files: &[(&str, String)], args: &[&str]) -> Scratch {
    let s = Scratch::new();
    let dir = s.path("logs");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let dir = dir.to_str().unwrap().to_string();
    let mut run = vec!["ingest"];
    run.extend_from_slice(args);
    run.push(&dir);
    s.onset(&run).ok();
    s
}

fn first_divergence(a: &serde_json::Value) -> (String, f64) {
    let fd = &a["first_divergence"];
    let onset = DateTime::parse_from_rfc3339(fd["onset"].as_str().expect("an onset"))
        .unwrap()
        .with_timezone(&Utc);
    (
        fd["signal"].as_str().unwrap_or("").to_string(),
        (onset - t0()).num_milliseconds() as f64 / 1000.0,
    )
}

/// A slow query that appears with a release: HAProxy (the client in a
/// captured `X-Forwarded-For`, the peer 127.0.0.1), a pino app, a MariaDB
/// slow log that is silent until the release and opens with its header, and
/// an error log that records aborted connections but no connects. Returns
/// the scratch folder, the failed requests and the clients that saw them.
fn slow_query_behind_a_proxy() -> (Scratch, u64, usize) {
    let mut draw = Draw(7);
    let (release, first_slow, hurt) = (600.0, 605.0, 840.0);
    let (mut lb, mut failed, mut clients) = (String::new(), 0u64, HashSet::new());
    for (i, t) in draw.arrivals(1200.0, |_| 5.0).into_iter().enumerate() {
        let client = format!("198.51.100.{}", 1 + i * 37 % 100);
        let bad = t >= hurt && i % 3 == 0;
        let (status, ta) = if bad { (503, 3000) } else { (200, 12) };
        if bad {
            failed += 1;
            clients.insert(client.clone());
        }
        let _ = writeln!(
            lb,
            "127.0.0.1:{} [{}] fe_shop be_app/app1 0/0/0/{ta}/{ta} {status} 120 - - ---- 3/3/1/1/0 0/0 {{{client}}} \"GET /api/items/{i} HTTP/1.1\"",
            20000 + i % 40000,
            at(t).format("%d/%b/%Y:%H:%M:%S%.3f"),
        );
    }
    let mut app = String::new();
    let ms = |t: f64| at(t).timestamp_millis();
    let _ = writeln!(
        app,
        r#"{{"level":30,"time":{},"pid":41,"version":"2.6.4","msg":"release config loaded"}}"#,
        ms(0.2)
    );
    for k in 1..80 {
        let t = k as f64 * 15.0;
        let _ = writeln!(
            app,
            r#"{{"level":30,"time":{},"pid":41,"free":4,"msg":"db pool stats"}}"#,
            ms(t)
        );
        if (t - release).abs() < 7.5 {
            let _ = writeln!(
                app,
                r#"{{"level":30,"time":{},"pid":41,"version":"2.7.0","previousVersion":"2.6.4","msg":"release config loaded"}}"#,
                ms(release)
            );
        }
    }
    let mut slow = String::from(
        "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log (Debian). started with:\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n",
    );
    for (k, t) in draw
        .arrivals(1200.0 - first_slow, |x| 0.2 + x / 300.0)
        .into_iter()
        .enumerate()
    {
        let t = if k == 0 { first_slow } else { first_slow + t };
        let _ = write!(
            slow,
            "# Time: {}\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: {}  Schema: shop  QC_hit: No\n# Query_time: {:.6}  Lock_time: 0.000050  Rows_sent: 1  Rows_examined: 200000\nSET timestamp={};\nSELECT id FROM items WHERE sku LIKE 'AB-{k}%' LIMIT 20;\n",
            at(t).format("%y%m%d %H:%M:%S"),
            10 + k,
            0.4 + (t - first_slow) / 200.0,
            at(t).timestamp(),
        );
    }
    let mut error = format!(
        "{} 0 [Note] Starting MariaDB 10.11.6-MariaDB-log source revision 0 as process 9\n",
        at(0.0).format("%Y-%m-%d %H:%M:%S")
    );
    let aborted = draw.arrivals(1200.0, |t| if t >= hurt { 2.0 } else { 0.03 });
    for (k, t) in aborted.into_iter().enumerate() {
        let _ = writeln!(
            error,
            "{} {} [Warning] Aborted connection {} to db: 'shop' user: 'app' host: '127.0.0.1' (Got an error reading communication packets)",
            at(t).format("%Y-%m-%d %H:%M:%S"),
            100 + k,
            100 + k
        );
    }
    let s = ingested(
        &[
            ("haproxy.log", lb),
            ("app.log", app),
            ("mariadb-slow.log", slow),
            ("mariadb-error.log", error),
        ],
        &["--tz", "UTC"],
    );
    (s, failed, clients.len())
}

#[test]
fn regression_clients_behind_a_proxy_were_counted_as_the_one_peer_address() {
    let (s, failed, clients) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let imp = &a["impact"];
    assert!(
        imp["signal"].as_str().unwrap().starts_with("haproxy."),
        "{imp}"
    );
    assert_eq!(imp["failed_requests"], failed, "{imp}");
    assert_eq!(imp["affected_clients"], clients as u64, "{imp}");
    assert!(clients > 50, "the forwarded clients, not 127.0.0.1");
}

#[test]
fn regression_a_connection_gauge_was_built_from_aborted_connections_alone() {
    let (s, _, _) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let signals: Vec<&str> = a["divergences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["signal"].as_str())
        .collect();
    assert!(
        !signals.iter().any(|s| s.ends_with(".connections")),
        "{signals:?}"
    );
    assert!(
        signals.contains(&"mariadb-error.disconnections"),
        "a rate instead: {signals:?}"
    );
}

#[test]
fn regression_a_silent_slow_log_was_not_ranked_and_its_header_was_a_deploy() {
    let (s, _, _) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let (signal, onset) = first_divergence(&a);
    assert_eq!(signal, "mariadb-slow.slow_queries");
    assert!((604.0..=615.0).contains(&onset), "onset {onset} s");
    let cause = &a["first_divergence"]["change_event"];
    assert!(
        cause["description"].as_str().unwrap().contains("2.7.0"),
        "{cause}"
    );
    assert!(
        !a["change_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["source"] == "mariadb-slow"),
        "{}",
        a["change_events"]
    );
}

/// Traffic that ramps linearly (nothing changed) through nginx writing its
/// access log in JSON (`escape=json`, the client in `xff`) in front of an
/// app whose JSON lines are request lines too. Returns the scratch folder,
/// the 5xx and the clients that got one.
fn ramp_through_a_json_access_log(ramp_start: f64) -> (Scratch, u64, usize) {
    let mut draw = Draw(11);
    let rate = move |t: f64| 10.0 + ((t - ramp_start).clamp(0.0, 480.0) / 480.0) * 30.0;
    let (mut access, mut app) = (String::new(), String::new());
    let _ = writeln!(
        app,
        r#"{{"event":"catalog starting","version":"3.7.2","level":"info","timestamp":"{}"}}"#,
        at(0.1).to_rfc3339()
    );
    let (mut failed, mut clients) = (0u64, HashSet::new());
    for (i, t) in draw.arrivals(1200.0, rate).into_iter().enumerate() {
        let client = format!("203.0.113.{}", 1 + i * 53 % 200);
        let over = (rate(t) - 30.0).max(0.0) / rate(t);
        let bad = draw.next() < over;
        let (status, secs) = if bad { (504, 4.0) } else { (200, 0.05) };
        if bad {
            failed += 1;
            clients.insert(client.clone());
        }
        let _ = writeln!(
            access,
            r#"{{"time":"{}","remote_addr":"127.0.0.1","xff":"{client}","request":"GET /api/products/{i} HTTP/1.1","status":{status},"bytes":120,"request_time":{secs:.3},"upstream_response_time":"{secs:.3}","request_id":"r{i}"}}"#,
            at(t)
                .with_timezone(&chrono_tz::America::New_York)
                .to_rfc3339()
        );
        let _ = writeln!(
            app,
            r#"{{"request_id":"r{i}","method":"GET","path":"/api/products/{i}","status":{status},"duration_ms":{:.1},"client_ip":"{client}","event":"request","level":"info","timestamp":"{}"}}"#,
            secs * 1000.0,
            at(t).to_rfc3339()
        );
    }
    let s = ingested(&[("access.log", access), ("app.log", app)], &[]);
    (s, failed, clients.len())
}

#[test]
fn regression_a_json_access_log_was_not_read_as_the_request_log_of_the_edge() {
    let (s, failed, clients) = ramp_through_a_json_access_log(480.0);
    let a = s.onset(&["analyze", "--json"]).json();
    let imp = &a["impact"];
    assert!(
        imp["signal"].as_str().unwrap().starts_with("access."),
        "{imp}"
    );
    assert_eq!(imp["failed_requests"], failed, "{imp}");
    assert_eq!(imp["affected_clients"], clients as u64, "{imp}");
}

#[test]
fn regression_a_linear_ramp_was_dated_at_the_alarm_and_caused_by_the_startup_line() {
    let (s, _, _) = ramp_through_a_json_access_log(480.0);
    let a = s.onset(&["analyze", "--json"]).json();
    let (signal, onset) = first_divergence(&a);
    assert_eq!(signal, "access.requests");
    assert!(
        (450.0..=510.0).contains(&onset),
        "onset {onset} s, want 480 ± 30"
    );
    // Nothing changed: the app's start-up line opens its log.
    assert_eq!(
        a["first_divergence"]["change_event"],
        serde_json::Value::Null
    );
}
