//! AWS Application Load Balancer access logs (and Classic ELB's, which are
//! the same without the leading type).
//!
//! ```text
//! https 2026-11-21T06:00:48.512344Z app/shop-prod/50dc6c495c0c9188 203.0.113.17:51234 192.0.2.10:8080 0.000 5.001 -1 504 - 212 611 "GET https://shop.example.com:443/api/orders/7810 HTTP/1.1" "okhttp/4.12.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 "Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7" "shop.example.com" "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2026-11-21T06:00:43.511000Z "forward" "-" "-" "192.0.2.10:8080" "-" "-" "-" TID_1a2b3c4d5e6f
//! ```
//!
//! Space-separated, with quotes around the fields that may hold spaces:
//! `type time elb client:port target:port request_processing_time
//! target_processing_time response_processing_time elb_status_code
//! target_status_code received_bytes sent_bytes "request" "user_agent"
//! ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
//! "chosen_cert_arn" matched_rule_priority request_creation_time
//! "actions_executed" "redirect_url" "error_reason" "target:port_list"
//! "target_status_code_list" "classification" "classification_reason"
//! conn_trace_id`. AWS appends fields over time: everything after the user
//! agent is optional and unknown trailing fields are ignored.
//!
//! The time is when the response was sent. A processing time of `-1` means
//! the target never answered (502, 504, 460): the duration is then the
//! span from `request_creation_time` to the time, when logged. The status
//! is the load balancer's; the target's goes to `extra`. The path is taken
//! out of the absolute request URL, its host becomes `host`; the trace id
//! (`Root=1-…`) is the request id; `error_reason` is the code.

use std::borrow::Cow;

use crate::common::{
    float, level_from_status, quoted, request_line, split_url, strip_port, timestamp,
};
use crate::event::{Event, Fields, Kind, Timestamp};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, TimeContext, ZoneSpec};

/// AWS Application (and Classic) Load Balancer access log.
pub struct AwsAlb;

impl Format for AwsAlb {
    fn name(&self) -> &str {
        "aws-alb"
    }

    fn aliases(&self) -> &[&str] {
        &["alb", "elb", "aws-elb"]
    }

    fn description(&self) -> &str {
        "AWS Application Load Balancer (and Classic ELB) access log, as delivered to S3"
    }

    fn kind(&self) -> Kind {
        Kind::LoadBalancer
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        parse_line(record, ctx)
    }
}

/// Names of the optional fields after `ssl_protocol`, in order; `None` for
/// those read into typed fields. Fields AWS adds later are not read.
const TAIL: [Option<&str>; 14] = [
    Some("target_group"),
    None, // trace_id → request_id
    Some("domain"),
    Some("chosen_cert_arn"),
    Some("matched_rule_priority"),
    None, // request_creation_time → duration when a processing time is -1
    Some("actions"),
    Some("redirect_url"),
    None, // error_reason → code
    Some("targets"),
    Some("target_status_codes"),
    Some("classification"),
    Some("classification_reason"),
    Some("conn_trace_id"),
];

/// Splits the next field: a quoted string (without its quotes) or a token.
fn field(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    let (value, rest) = if s.starts_with('"') {
        let (rest, v) = quoted(s).ok()?;
        (v, rest)
    } else {
        match memchr::memchr(b' ', s.as_bytes()) {
            Some(p) => (&s[..p], &s[p..]),
            None => (s, ""),
        }
    };
    match rest.strip_prefix(' ') {
        Some(r) => Some((value, r)),
        None if rest.is_empty() => Some((value, rest)),
        None => None,
    }
}

/// A timestamp token with an explicit offset (`2026-11-21T06:00:48.512344Z`).
fn utc_time<'a>(token: &'a str, ctx: &TimeContext) -> Option<Timestamp<'a>> {
    match iso8601(token) {
        Ok(("", t)) if matches!(t.zone, ZoneSpec::Offset(_)) => timestamp(token, t, ctx).ok(),
        _ => None,
    }
}

fn parse_line<'a>(line: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
    let bad = |reason, rest: &str| ParseError::at_rest(reason, line, rest);
    let (first, mut rest) = field(line).ok_or(ParseError::new("expected a request type", 0))?;
    let mut fields = Fields::default();
    let (time_token, after_time) = match first {
        "http" | "https" | "h2" | "grpcs" | "ws" | "wss" => {
            fields
                .extra
                .push((Cow::Borrowed("type"), Cow::Borrowed(first)));
            field(rest).ok_or(bad("expected a time", rest))?
        }
        // Classic ELB: no type, the line starts with the time.
        _ => (first, rest),
    };
    let ts = utc_time(time_token, ctx).ok_or(bad(
        "expected a request type (http, https, h2, grpcs, ws, wss) and an RFC 3339 time",
        rest,
    ))?;
    rest = after_time;

    let mut next = |reason: &'static str| -> Result<&'a str, ParseError> {
        let (v, r) = field(rest).ok_or(ParseError::at_rest(reason, line, rest))?;
        rest = r;
        Ok(v)
    };
    let elb = next("expected the load balancer name")?;
    let client = next("expected client:port")?;
    let target = next("expected target:port")?;
    let times = [
        next("expected request_processing_time")?,
        next("expected target_processing_time")?,
        next("expected response_processing_time")?,
    ];
    let elb_status = next("expected elb_status_code")?;
    let target_status = next("expected target_status_code")?;
    let received = next("expected received_bytes")?;
    let sent = next("expected sent_bytes")?;
    let request = next("expected the quoted request")?;
    let user_agent = next("expected the quoted user agent")?;

    let times: [f64; 3] = [
        float(times[0]).ok_or(bad("expected a processing time", times[0]))?,
        float(times[1]).ok_or(bad("expected a processing time", times[1]))?,
        float(times[2]).ok_or(bad("expected a processing time", times[2]))?,
    ];
    let status = |s: &str| -> Result<Option<u16>, ParseError> {
        match s {
            "-" => Ok(None),
            s if s.len() == 3 => s
                .parse()
                .map(Some)
                .map_err(|_| bad("expected a status code", s)),
            s => Err(bad("expected a status code", s)),
        }
    };
    fields.status = status(elb_status)?;
    status(target_status)?;
    if received.parse::<u64>().is_err() {
        return Err(bad("expected received_bytes", received));
    }
    fields.bytes = Some(sent.parse().map_err(|_| bad("expected sent_bytes", sent))?);
    if !client.contains(':') || !elb.bytes().all(|c| c.is_ascii_graphic()) {
        return Err(bad("expected client:port", client));
    }
    fields.client = Some(Cow::Borrowed(strip_port(client)));
    if target != "-" {
        fields.upstream = Some(Cow::Borrowed(target));
    }
    if let Some(r) = request_line(request) {
        fields.method = Some(Cow::Borrowed(r.method));
        let (authority, path) = split_url(r.target);
        fields.path = Some(Cow::Borrowed(path));
        if let Some(a) = authority.filter(|a| !a.is_empty()) {
            fields.host = Some(Cow::Borrowed(strip_port(a)));
        }
    }
    if user_agent != "-" && !user_agent.is_empty() {
        fields.user_agent = Some(Cow::Borrowed(user_agent));
    }
    if times[1] >= 0.0 {
        fields.upstream_duration = Some(times[1]);
    }
    if times.iter().all(|t| *t >= 0.0) {
        fields.duration = Some(round_us(times.iter().sum()));
    }

    fields
        .extra
        .push((Cow::Borrowed("elb"), Cow::Borrowed(elb)));
    if target_status != "-" {
        fields
            .extra
            .push((Cow::Borrowed("target_status"), Cow::Borrowed(target_status)));
    }
    fields
        .extra
        .push((Cow::Borrowed("received_bytes"), Cow::Borrowed(received)));
    for name in ["ssl_cipher", "ssl_protocol"] {
        match field(rest) {
            Some((v, r)) => {
                rest = r;
                if v != "-" {
                    fields.extra.push((Cow::Borrowed(name), Cow::Borrowed(v)));
                }
            }
            None => break,
        }
    }

    let mut created = None;
    for (i, name) in TAIL.iter().enumerate() {
        let Some((v, r)) = field(rest) else {
            break;
        };
        rest = r;
        match i {
            1 if v != "-" => fields.request_id = Some(Cow::Borrowed(v)),
            5 => created = utc_time(v, ctx),
            8 if v != "-" => fields.code = Some(Cow::Borrowed(v)),
            _ => {
                if let Some(name) = name.filter(|_| !matches!(v, "-" | "")) {
                    fields.extra.push((Cow::Borrowed(name), Cow::Borrowed(v)));
                }
            }
        }
    }
    if fields.duration.is_none() {
        if let Some(created) = created {
            let span = ts.utc - created.utc;
            if let Some(us) = span.num_microseconds().filter(|us| *us >= 0) {
                fields.duration = Some(us as f64 / 1e6);
            }
        }
    }

    Ok(Event {
        timestamp: Some(ts),
        level: level_from_status(fields.status),
        message: Cow::Borrowed(request),
        fields,
        ..Event::default()
    })
}

/// Rounds a sum of logged seconds to the microsecond they were written with.
#[inline]
fn round_us(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests;
