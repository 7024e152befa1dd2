//! Integration tests of onset-gen: determinism, every preset, and the
//! ground truth checked against the files it describes.

use std::collections::{BTreeMap, HashSet};

use onset_gen::{
    generate, generate_in_memory, measure, AccessLog, GroundTruth, Incident, LbKind, Scenario,
    Span, PRESETS,
};

type Files = BTreeMap<String, Vec<u8>>;

fn run(name: &str) -> (Files, GroundTruth) {
    let sc = Scenario::preset(name).unwrap_or_else(|| panic!("preset {name}"));
    generate_in_memory(&sc).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text<'a>(files: &'a Files, name: &str) -> &'a str {
    std::str::from_utf8(files.get(name).map(Vec::as_slice).unwrap_or_default()).unwrap_or("")
}

/// One load balancer record: (status, client address, request id).
fn lb_records(sc: &Scenario, files: &Files) -> Vec<(u16, String, String)> {
    let mut out = Vec::new();
    match sc.stack.lb {
        LbKind::Nginx if sc.lb.access_log == AccessLog::Json => {
            for l in text(files, "access.log").lines() {
                let v: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
                let client = if sc.lb.edge_proxies.is_empty() {
                    field("remote_addr")
                } else {
                    field("http_x_forwarded_for")
                };
                let status = v["status"].as_u64().unwrap_or(0) as u16;
                out.push((status, client, field("request_id")));
            }
        }
        LbKind::Nginx => {
            for l in text(files, "access.log").lines() {
                let q: Vec<&str> = l.split('"').collect();
                let status = q[2]
                    .split_whitespace()
                    .next()
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0);
                let client = if sc.lb.edge_proxies.is_empty() {
                    l.split(' ').next().unwrap_or("").to_string()
                } else {
                    q[7].to_string()
                };
                let rid = l.rsplit("rid=").next().unwrap_or("").to_string();
                out.push((status, client, rid));
            }
        }
        LbKind::Haproxy => {
            for l in text(files, "haproxy.log").lines() {
                let t: Vec<&str> = l.split_whitespace().collect();
                let Some(fe) = t.iter().position(|x| *x == "fe_https") else {
                    continue;
                };
                if !l.contains("] fe_https ") {
                    continue; // "Proxy fe_https started."
                }
                let status = t[fe + 3].parse().unwrap_or(0);
                let peer = t[fe - 2]
                    .rsplit_once(':')
                    .map(|(a, _)| a)
                    .unwrap_or("")
                    .to_string();
                let captured = l
                    .split('{')
                    .nth(1)
                    .and_then(|x| x.split('}').next())
                    .unwrap_or("")
                    .to_string();
                if sc.lb.edge_proxies.is_empty() {
                    // The captured value is the unique id.
                    out.push((status, peer, captured));
                } else {
                    // The captured value is X-Forwarded-For; the unique id
                    // ends the line.
                    assert!(sc.lb.edge_proxies.contains(&peer), "{l}");
                    let rid = l.rsplit(' ').next().unwrap_or("").to_string();
                    out.push((status, captured, rid));
                }
            }
        }
        LbKind::AwsAlb => {
            for l in text(files, "alb.log").lines() {
                let t: Vec<&str> = l.split(' ').collect();
                let status = t[8].parse().unwrap_or(0);
                let client = t[3]
                    .rsplit_once(':')
                    .map(|(a, _)| a)
                    .unwrap_or("")
                    .to_string();
                let rid = l
                    .split("\"Root=")
                    .nth(1)
                    .and_then(|x| x.split('"').next())
                    .unwrap_or("");
                out.push((status, client, format!("Root={rid}")));
            }
        }
    }
    out
}

/// Checks that the ground truth's totals are what the LB log says.
fn check_totals(name: &str, sc: &Scenario, files: &Files, truth: &GroundTruth) {
    let recs = lb_records(sc, files);
    assert_eq!(recs.len() as u64, truth.totals.requests, "{name}: requests");
    let fivexx = recs.iter().filter(|r| r.0 >= 500).count() as u64;
    assert_eq!(fivexx, truth.totals.status_5xx, "{name}: 5xx");
    let clients: HashSet<&str> = recs.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        clients.len() as u64,
        truth.totals.distinct_client_ips,
        "{name}: clients"
    );
    let per_minute: u64 = truth.per_minute.iter().map(|m| m.requests).sum();
    assert_eq!(per_minute, truth.totals.requests, "{name}: per-minute sum");
    let per_minute_5xx: u64 = truth.per_minute.iter().map(|m| m.s5xx).sum();
    assert_eq!(
        per_minute_5xx, truth.totals.status_5xx,
        "{name}: per-minute 5xx"
    );
    let by_status: u64 = truth.totals.status_counts.values().sum();
    assert_eq!(by_status, truth.totals.requests, "{name}: status counts");
    assert!(
        truth
            .totals
            .distinct_client_ips_with_5xx_or_response_over_2s
            <= truth.totals.distinct_client_ips
    );
    assert!(truth.capture_start < truth.capture_end);
    if let (Some(first), Some(impact)) = (&truth.first_5xx, &truth.impact) {
        assert_eq!(
            first.ts, impact.start,
            "{name}: impact starts with the first 5xx"
        );
        if let Some(end) = &impact.end {
            assert!(
                end > &impact.last_5xx,
                "{name}: recovery after the last 5xx"
            );
        }
    }
    assert_eq!(
        truth.first_5xx.is_some(),
        truth.totals.status_5xx > 0,
        "{name}"
    );
}

/// Leading timestamps (as text that sorts like time) must not go back.
fn check_monotonic(name: &str, file: &str, body: &str, key: impl Fn(&str) -> Option<String>) {
    let mut last = String::new();
    for (i, l) in body.lines().enumerate() {
        if let Some(k) = key(l) {
            assert!(
                k >= last,
                "{name}/{file}: line {} goes back in time: {l}",
                i + 1
            );
            last = k;
        }
    }
}

fn check_order(name: &str, sc: &Scenario, files: &Files) {
    let digits_first = |l: &str| l.starts_with(|c: char| c.is_ascii_digit());
    for (file, body) in files {
        let b = std::str::from_utf8(body).unwrap_or("");
        match file.as_str() {
            "postgresql.log" | "postgresql.csv" => check_monotonic(name, file, b, |l| {
                digits_first(l).then(|| l[..23].to_string())
            }),
            "app.log" if sc.stack.app == onset_gen::AppKind::Python => {
                check_monotonic(name, file, b, |l| {
                    digits_first(l).then(|| l[..23].to_string())
                })
            }
            "app.log" => check_monotonic(name, file, b, |l| l.get(5..28).map(str::to_string)),
            "alb.log" => {
                check_monotonic(name, file, b, |l| l.split(' ').nth(1).map(str::to_string))
            }
            "mysql-general.log" if sc.stack.db == onset_gen::DbKind::Mysql => {
                check_monotonic(name, file, b, |l| {
                    digits_first(l).then(|| l.split('\t').next().unwrap_or("").to_string())
                })
            }
            "error.log" => check_monotonic(name, file, b, |l| l.get(..19).map(str::to_string)),
            "access.log" if sc.lb.access_log == AccessLog::Json => {
                check_monotonic(name, file, b, |l| l.get(14..33).map(str::to_string))
            }
            "access.log" => check_monotonic(name, file, b, |l| {
                // [21/Nov/2026:09:12:05 +0000]: the run stays within one day.
                l.split('[')
                    .nth(1)
                    .and_then(|x| x.get(12..20))
                    .map(str::to_string)
            }),
            _ => {}
        }
    }
}

#[test]
fn same_seed_same_bytes() {
    let sc = Scenario::preset("leak-fast").unwrap_or_default();
    let (a, ta) = generate_in_memory(&sc).unwrap_or_default();
    let (b, tb) = generate_in_memory(&sc).unwrap_or_default();
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    let other = Scenario {
        seed: sc.seed + 1,
        ..sc.clone()
    };
    let (c, _) = generate_in_memory(&other).unwrap_or_default();
    assert_ne!(a, c);
}

#[test]
fn files_on_disk_match_memory() {
    let sc = Scenario::preset("alb-logfmt-pgcsv").unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("onset-gen-test-{}", std::process::id()));
    let truth = generate(&sc, &dir).unwrap_or_else(|e| panic!("{e}"));
    let (mem, mem_truth) = generate_in_memory(&sc).unwrap_or_default();
    assert_eq!(truth, mem_truth);
    for (name, bytes) in &mem {
        let disk = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(&disk == bytes, "{name} differs");
        assert_eq!(truth.files.get(name).copied(), Some(bytes.len() as u64));
    }
    let json = std::fs::read_to_string(dir.join(onset_gen::GROUND_TRUTH)).unwrap_or_default();
    let back: GroundTruth = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, truth);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_preset_generates_consistent_truth() {
    for (name, _) in PRESETS {
        let sc = Scenario::preset(name).unwrap_or_default();
        let (files, truth) = run(name);
        let expected: Vec<String> = sc.files().iter().map(|f| f.to_string()).collect();
        let got: Vec<String> = files.keys().cloned().collect();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        assert_eq!(got, expected_sorted, "{name}: files");
        let total: usize = files.values().map(Vec::len).sum();
        assert!(total < 10_000_000, "{name}: {total} bytes is not small");
        if *name != "sample" {
            assert!(total <= 5_000_000, "{name}: {total} bytes");
        }
        check_totals(name, &sc, &files, &truth);
        check_order(name, &sc, &files);
        assert_eq!(truth.timezone, sc.zone);
        let minutes = truth.per_minute.len() as i64;
        assert!(
            (minutes - sc.duration.as_micros() / 60_000_000).abs() <= 1,
            "{name}: minutes"
        );
    }
}

#[test]
fn leak_presets_tell_the_leak_story() {
    for name in [
        "sample",
        "haproxy-json-mysql",
        "alb-logfmt-pgcsv",
        "leak-fast",
        "leak-slow",
    ] {
        let sc = Scenario::preset(name).unwrap_or_default();
        let Incident::ConnectionLeak {
            version, fix_at, ..
        } = &sc.incident
        else {
            panic!("{name} is not a leak");
        };
        let (files, truth) = run(name);
        let deploy = truth
            .leak_deploy
            .clone()
            .unwrap_or_else(|| panic!("{name}: leak deploy"));
        assert_eq!(&deploy.version, version);
        assert!(deploy.ts >= deploy.started);
        let leak = truth
            .first_leaked_connection
            .clone()
            .unwrap_or_else(|| panic!("{name}: leak"));
        assert!(
            leak.ts >= deploy.started && leak.leaked_at >= leak.ts,
            "{name}"
        );
        let first = truth
            .first_5xx
            .clone()
            .unwrap_or_else(|| panic!("{name}: no 5xx"));
        assert!(first.ts > deploy.ts, "{name}: 5xx before the deploy");
        // The gauge climbs after the deploy.
        let before = truth.db_connections.at_incident_start.unwrap_or(0);
        let peak_after = truth
            .per_minute
            .iter()
            .filter(|m| m.minute >= deploy.started[..17].to_string() + "00.000Z")
            .map(|m| m.db_connections_max)
            .max()
            .unwrap_or(0);
        assert!(peak_after > before + 10, "{name}: {before} -> {peak_after}");
        assert!(truth.db_connections.leaked > 0);
        assert_eq!(
            truth.db_connections.peak,
            peak_after.max(truth.db_connections.peak)
        );
        match fix_at {
            Some(_) => {
                let fix = truth
                    .fix_deploy
                    .clone()
                    .unwrap_or_else(|| panic!("{name}: fix"));
                let end = truth.impact.as_ref().and_then(|i| i.end.clone());
                let end = end.unwrap_or_else(|| panic!("{name}: no recovery"));
                assert!(end > fix.started, "{name}: recovered before the fix");
            }
            None => assert!(truth.fix_deploy.is_none()),
        }
        // The new version announces itself.
        let app = files
            .iter()
            .filter(|(n, _)| n.starts_with("app"))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect::<String>();
        assert!(
            app.contains(version.as_str()),
            "{name}: version not in the app log"
        );
    }
}

#[test]
fn sample_joins_lb_and_app_by_request_id() {
    let sc = Scenario::sample();
    let (files, truth) = run("sample");
    let app = text(&files, "app.log");
    let app_ids: HashSet<&str> = app
        .lines()
        .filter_map(|l| l.split("request_id=").nth(1))
        .filter_map(|x| x.split(' ').next())
        .collect();
    let recs = lb_records(&sc, &files);
    let ok: Vec<&(u16, String, String)> = recs.iter().filter(|r| r.0 < 500).collect();
    assert!(ok.len() > 10_000);
    for r in ok {
        assert!(
            app_ids.contains(r.2.as_str()),
            "request {} not in app.log",
            r.2
        );
    }
    // The story's landmarks are where the sample promises them.
    let deploy = truth.leak_deploy.unwrap_or_else(|| panic!("deploy"));
    assert!(
        deploy.started.ends_with("09:16:04.000Z"),
        "{}",
        deploy.started
    );
    assert!(app.contains(
        "shop.api: Starting app version 1.4.2 (pool_size=5 max_overflow=5 pool_timeout=3s)"
    ));
    let pg = text(&files, "postgresql.log");
    assert!(pg.contains(
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections"
    ));
    assert!(pg.contains("LOG:  unexpected EOF on client connection with an open transaction"));
    assert!(text(&files, "gunicorn.log").contains("Handling signal: hup"));
    assert!(text(&files, "error.log").contains("upstream timed out (110: Connection timed out)"));
    let scanner = truth.scanner_burst.unwrap_or_else(|| panic!("scanner"));
    assert_eq!(scanner.client_ips.len(), 3);
    assert!(scanner.end < truth.first_5xx.map(|f| f.ts).unwrap_or_default());
    assert_eq!(scanner.status_counts.keys().collect::<Vec<_>>(), ["404"]);
}

#[test]
fn quiet_stays_quiet() {
    let sc = Scenario::preset("quiet").unwrap_or_default();
    let (files, truth) = run("quiet");
    assert_eq!(truth.totals.status_5xx, 0);
    assert!(truth.impact.is_none() && truth.first_5xx.is_none());
    assert_eq!(truth.db_connections.leaked, 0);
    assert!(truth.db_connections.peak <= sc.app.workers * sc.app.pool_size);
    // After warm-up the session count is flat.
    let ends: Vec<u32> = truth
        .per_minute
        .iter()
        .map(|m| m.db_connections_end)
        .collect();
    for w in ends[3..ends.len() - 1].windows(2) {
        assert!(w[0].abs_diff(w[1]) <= 4, "{ends:?}");
    }
    assert!(text(&files, "error.log").is_empty());
    assert!(!text(&files, "postgresql.log").contains("FATAL"));
}

#[test]
fn surge_saturates_without_a_deploy() {
    let (_, truth) = run("surge");
    let surge = truth.surge.clone().unwrap_or_else(|| panic!("surge"));
    let first = truth.first_5xx.clone().unwrap_or_else(|| panic!("no 5xx"));
    assert!(first.ts > surge.start);
    assert!(truth.deploys.is_empty());
    assert!(truth.totals.responses_slower_than_2s > 100);
    assert_eq!(truth.db_connections.leaked, 0);
    let end = truth
        .impact
        .and_then(|i| i.end)
        .unwrap_or_else(|| panic!("no recovery"));
    assert!(end > surge.peak_end);
}

#[test]
fn slow_query_starts_with_the_migration() {
    let (files, truth) = run("slow-query");
    let m = truth
        .migration
        .clone()
        .unwrap_or_else(|| panic!("migration"));
    let slow = truth
        .first_slow_query
        .clone()
        .unwrap_or_else(|| panic!("slow"));
    assert!(slow.ts >= m.dropped_at);
    assert!(truth.first_5xx.clone().is_some_and(|f| f.ts > m.dropped_at));
    assert!(m.restored_at.is_some());
    assert!(truth.totals.slow_queries > 100);
    let general = text(&files, "mysql-general.log");
    assert!(
        general.contains("Query\tALTER TABLE orders DROP INDEX orders_customer_id_created_at_idx")
    );
    let slowlog = text(&files, "mysql-slow.log");
    assert!(slowlog.contains("Rows_examined: 3000"));
    assert!(slowlog.contains("# Time: 2602"));
}

#[test]
fn haproxy_behind_edge_proxies_captures_the_forwarded_client() {
    let (files, truth) = run("haproxy-xff-mariadb");
    let log = text(&files, "haproxy.log");
    let line = log
        .lines()
        .find(|l| l.contains("] fe_https "))
        .unwrap_or_else(|| panic!("no request line"));
    // `%ci:%cp` is an edge proxy; `{…}` holds the captured X-Forwarded-For;
    // the unique id ends the line.
    assert!(
        line.contains(" haproxy[") && line.contains("]: 10.0.0."),
        "{line}"
    );
    let captured = line
        .split('{')
        .nth(1)
        .and_then(|x| x.split('}').next())
        .unwrap_or("");
    assert!(captured.parse::<std::net::IpAddr>().is_ok(), "{line}");
    assert!(!captured.starts_with("10."), "{line}");
    let rid = line.rsplit(' ').next().unwrap_or("");
    assert!(rid.len() >= 32 && !rid.contains('"'), "{line}");
    // The app logs the same client (its first X-Forwarded-For entry).
    assert!(text(&files, "app.json.log").contains(&format!("\"{captured}\"")));
    assert!(truth.totals.distinct_client_ips > 200);
}

#[test]
fn mariadb_without_general_log_logs_no_connect() {
    let (files, truth) = run("haproxy-xff-mariadb");
    assert!(!files.contains_key("mysql-general.log"));
    let error = text(&files, "mysql-error.log");
    assert!(!error.contains("Connect"));
    // The error log has its startup, aborted or refused connections, and
    // its shutdown: nothing per session that ended well.
    for l in error.lines().filter(|l| l.contains("[Warning]")) {
        assert!(l.contains("Aborted connection"), "{l}");
    }
    assert!(truth.first_db_refusal.is_some());
    assert!(error.contains("(Too many connections)"));
    // The slow log is silent until the migration: its header, then
    // nothing before the index is dropped.
    let m = truth
        .migration
        .clone()
        .unwrap_or_else(|| panic!("migration"));
    let slow = truth
        .first_slow_query
        .clone()
        .unwrap_or_else(|| panic!("slow"));
    assert!(slow.ts >= m.dropped_at, "{} < {}", slow.ts, m.dropped_at);
    let slowlog = text(&files, "mysql-slow.log");
    assert!(slowlog.starts_with("/usr/sbin/mariadbd, Version: "));
    assert!(slowlog
        .lines()
        .nth(3)
        .is_some_and(|l| l.starts_with("# Time: ")));
    let first = &truth.per_minute[..];
    let dropped_minute = &m.dropped_at[..16];
    for minute in first.iter().filter(|p| p.minute.as_str() < dropped_minute) {
        assert_eq!(minute.slow_queries, 0, "{}", minute.minute);
    }
}

#[test]
fn nginx_json_access_log_names_the_forwarded_client() {
    let (files, truth) = run("nginx-json-ramp");
    let log = text(&files, "access.log");
    let mut clients = HashSet::new();
    for l in log.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["remote_addr"], "127.0.0.1", "{l}");
        let xff = v["http_x_forwarded_for"].as_str().unwrap_or("");
        assert!(xff.parse::<std::net::IpAddr>().is_ok(), "{l}");
        clients.insert(xff.to_string());
        assert!(v["status"].is_u64() && v["request_time"].is_f64(), "{l}");
        let req = v["request"].as_str().unwrap_or("");
        assert!(req.ends_with(" HTTP/1.1") && req.contains(" /"), "{l}");
        // `escape=json`: a variable without a value is "", never "-".
        assert_ne!(v["http_referer"], "-", "{l}");
        // $time_iso8601 in New York: a whole second and an offset.
        let t = v["@timestamp"].as_str().unwrap_or("");
        assert!(t.ends_with("-05:00") && t.len() == 25, "{l}");
    }
    assert_eq!(clients.len() as u64, truth.totals.distinct_client_ips);
}

#[test]
fn ramp_climbs_from_its_start_without_a_deploy() {
    let (_, truth) = run("nginx-json-ramp");
    let ramp = truth.ramp.clone().unwrap_or_else(|| panic!("ramp"));
    let fd = truth
        .first_divergence
        .clone()
        .unwrap_or_else(|| panic!("first divergence"));
    assert_eq!(fd.onset, ramp.start);
    assert_eq!(fd.source, "access.log");
    assert!(truth.deploys.is_empty());
    assert!(!truth.checks.contains_key("cause_re"));
    let first = truth.first_5xx.clone().unwrap_or_else(|| panic!("no 5xx"));
    assert!(first.ts > ramp.start);
    assert!(truth.first_pool_timeout.is_some());
    // The rate climbs minute after minute through the ramp, and no minute
    // before it fails.
    let before: Vec<_> = truth
        .per_minute
        .iter()
        .filter(|m| m.minute.as_str() < &ramp.start[..16])
        .collect();
    assert!(before.iter().all(|m| m.s5xx == 0));
    // The quietest whole minute before it (one has the scanner burst).
    let base = before
        .iter()
        .skip(1)
        .map(|m| m.requests)
        .min()
        .unwrap_or(u64::MAX);
    let top = truth
        .per_minute
        .iter()
        .map(|m| m.requests)
        .max()
        .unwrap_or(0);
    assert!(top > 3 * base, "{top} vs {base}");
}

#[test]
fn zones_reach_every_format() {
    let (f, _) = run("haproxy-json-mysql");
    // America/Chicago in March, before DST: -06:00.
    assert!(text(&f, "mysql-general.log")
        .lines()
        .nth(3)
        .is_some_and(|l| l.contains("-06:00\t")));
    assert!(text(&f, "haproxy.log").starts_with("Mar  3 14:"));
    let (f, _) = run("alb-logfmt-pgcsv");
    assert!(text(&f, "app.log").starts_with("time=2026-07-14T10:"));
    assert!(text(&f, "app.log")
        .lines()
        .next()
        .is_some_and(|l| l.contains("+09:00 level=")));
    assert!(text(&f, "alb.log")
        .split(' ')
        .nth(1)
        .is_some_and(|t| t.starts_with("2026-07-14T01:") && t.ends_with('Z')));
    assert!(text(&f, "postgresql.csv").starts_with("2026-07-14 10:03:51.000 JST,"));
    let (f, _) = run("surge");
    // Europe/Berlin in November: +0100 on the LB, CET in PostgreSQL.
    assert!(text(&f, "gunicorn.log").contains(" +0100] "));
    assert!(text(&f, "postgresql.log").contains(" CET ["));
}

#[test]
fn scenarios_round_trip_through_json() {
    for (name, _) in PRESETS {
        let sc = Scenario::preset(name).unwrap_or_default();
        let json = serde_json::to_string(&sc).unwrap_or_default();
        let back: Scenario =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        assert_eq!(back, sc);
    }
    // Partial files take the defaults.
    let partial: Scenario =
        serde_json::from_str(r#"{"seed": 9, "duration": "2m", "incident": {"kind": "none"}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(partial.seed, 9);
    assert_eq!(partial.duration, Span::mins(2));
    assert!(Scenario::preset("nope").is_none());
}

#[test]
fn scale_grows_the_output() {
    let base = Scenario {
        duration: Span::mins(2),
        red_herring: onset_gen::RedHerring {
            scanner: None,
            cache_restart: None,
        },
        incident: Incident::None,
        ..Scenario::sample()
    };
    let one: u64 = measure(&base).map(|t| t.files.values().sum()).unwrap_or(0);
    let three: u64 = measure(&Scenario { scale: 3.0, ..base })
        .map(|t| t.files.values().sum())
        .unwrap_or(0);
    let ratio = three as f64 / one as f64;
    assert!((2.5..3.5).contains(&ratio), "{one} -> {three}");
}

#[test]
fn bad_scenarios_are_errors() {
    let bad_zone = Scenario {
        zone: "Mars/Olympus".to_string(),
        ..Scenario::sample()
    };
    assert!(measure(&bad_zone).is_err());
    let short = Scenario {
        duration: Span::secs(5),
        ..Scenario::sample()
    };
    assert!(measure(&short).is_err());
}
