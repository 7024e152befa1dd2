//! Load balancer logs: nginx (access + error), HAProxy (`option httplog`
//! behind a syslog header), AWS ALB access logs.

use std::io;

use super::{is_chrome, json_escape, json_str, s, LbLog};
use crate::clock::{self, num, pad, secs, Time, MONTHS};
use crate::out::LogFile;
use crate::records::{Exchange, Outcome};
use crate::rng::Rng;

/// nginx 1.24 with the `incident` log format:
///
/// ```text
/// log_format incident '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
///                     '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" '
///                     'rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" rid=$request_id';
/// error_log /var/log/nginx/error.log warn;
/// server_tokens off;
/// ```
///
/// or, with [`Nginx::json`], a JSON access log (what log shippers ask for):
///
/// ```text
/// log_format json escape=json '{"@timestamp":"$time_iso8601","remote_addr":"$remote_addr",'
///     '"remote_user":"$remote_user","request":"$request","status":$status,'
///     '"body_bytes_sent":$body_bytes_sent,"request_time":$request_time,'
///     '"http_referer":"$http_referer","http_user_agent":"$http_user_agent",'
///     '"http_x_forwarded_for":"$http_x_forwarded_for",'
///     '"upstream_response_time":"$upstream_response_time","request_id":"$request_id"}';
/// ```
///
/// With `escape=json` a variable without a value is written as an empty
/// string, not `-`.
pub struct Nginx {
    access: LogFile,
    error: LogFile,
    worker_pids: Vec<u32>,
    host: String,
    behind_edge: bool,
    json: bool,
}

/// nginx's built-in error page for a status (with `server_tokens off`).
fn nginx_page(status: u16) -> usize {
    let title = match status {
        502 => "502 Bad Gateway",
        503 => "503 Service Temporarily Unavailable",
        _ => "504 Gateway Time-out",
    };
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    .len()
}

/// What nginx appends to its error pages for MSIE and Chrome.
const MSIE_PADDING: usize =
    6 * "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".len();

impl Nginx {
    /// nginx writing `access.log` and `error.log`.
    pub fn new(
        access: LogFile,
        error: LogFile,
        worker_pids: Vec<u32>,
        host: &str,
        behind_edge: bool,
    ) -> Nginx {
        Nginx {
            access,
            error,
            worker_pids,
            host: host.to_string(),
            behind_edge,
            json: false,
        }
    }

    /// The access log in the JSON `log_format` instead of `incident`.
    pub fn json(mut self, json: bool) -> Nginx {
        self.json = json;
        self
    }

    /// The body size nginx logs: the app's, or its own error page.
    fn body_bytes(x: &Exchange) -> u64 {
        match x.outcome {
            Outcome::Ok => x.body_bytes,
            _ => {
                (nginx_page(x.status)
                    + if is_chrome(x.user_agent) {
                        MSIE_PADDING
                    } else {
                        0
                    }) as u64
            }
        }
    }

    /// `$upstream_response_time`.
    fn upstream_time(b: &mut Vec<u8>, x: &Exchange) {
        match x.outcome {
            Outcome::NoServer => s(b, "0.000"),
            Outcome::Ok => secs(b, x.header_us, 3),
            // nginx gave up (or the upstream vanished) at the end.
            _ => secs(b, (x.end - x.start - 150).max(0), 3),
        }
    }

    fn combined_access(&mut self, x: &Exchange) -> io::Result<()> {
        let f = &mut self.access;
        let mut b = f.buf();
        s(&mut b, x.peer_ip);
        s(&mut b, " - - [");
        let p = f.clock.local(x.end);
        pad(&mut b, u64::from(p.day), 2);
        b.push(b'/');
        s(&mut b, MONTHS[p.month as usize - 1]);
        b.push(b'/');
        pad(&mut b, p.year as u64, 4);
        b.push(b':');
        clock::time_colons(&mut b, p);
        b.push(b' ');
        clock::offset(&mut b, p.offset, false);
        s(&mut b, "] \"");
        s(&mut b, x.method);
        b.push(b' ');
        s(&mut b, x.path);
        s(&mut b, " HTTP/1.1\" ");
        num(&mut b, u64::from(x.status));
        b.push(b' ');
        num(&mut b, Nginx::body_bytes(x));
        s(&mut b, " \"");
        s(&mut b, x.referer.unwrap_or("-"));
        s(&mut b, "\" \"");
        s(&mut b, x.user_agent);
        s(&mut b, "\" \"");
        s(&mut b, if self.behind_edge { x.client_ip } else { "-" });
        s(&mut b, "\" rt=");
        secs(&mut b, x.end - x.start, 3);
        s(&mut b, " uct=\"");
        if x.connect_us >= 0 {
            secs(&mut b, x.connect_us, 3);
        } else {
            b.push(b'-');
        }
        s(&mut b, "\" urt=\"");
        Nginx::upstream_time(&mut b, x);
        s(&mut b, "\" rid=");
        s(&mut b, x.request_id);
        b.push(b'\n');
        f.push(x.end, b)
    }

    fn error_line(&mut self, x: &Exchange) -> io::Result<()> {
        let reason = match x.outcome {
            Outcome::Ok => return Ok(()),
            Outcome::Timeout => {
                "upstream timed out (110: Connection timed out) while reading response header from upstream"
            }
            Outcome::Reset => "upstream prematurely closed connection while reading response header from upstream",
            Outcome::NoServer => "connect() failed (111: Connection refused) while connecting to upstream",
        };
        let f = &mut self.error;
        let mut b = f.buf();
        let p = f.clock.local(x.end);
        pad(&mut b, p.year as u64, 4);
        b.push(b'/');
        pad(&mut b, u64::from(p.month), 2);
        b.push(b'/');
        pad(&mut b, u64::from(p.day), 2);
        b.push(b' ');
        clock::time_colons(&mut b, p);
        s(&mut b, " [error] ");
        let pid = self.worker_pids[x.lb_worker as usize % self.worker_pids.len()];
        num(&mut b, u64::from(pid));
        b.push(b'#');
        num(&mut b, u64::from(pid));
        s(&mut b, ": *");
        num(&mut b, x.conn_serial);
        b.push(b' ');
        s(&mut b, reason);
        s(&mut b, ", client: ");
        s(&mut b, x.peer_ip);
        s(&mut b, ", server: ");
        s(&mut b, &self.host);
        s(&mut b, ", request: \"");
        s(&mut b, x.method);
        b.push(b' ');
        s(&mut b, x.path);
        s(&mut b, " HTTP/1.1\", upstream: \"http://");
        s(&mut b, x.upstream_addr);
        s(&mut b, x.path);
        s(&mut b, "\", host: \"");
        s(&mut b, &self.host);
        b.push(b'"');
        if let Some(r) = x.referer {
            s(&mut b, ", referrer: \"");
            s(&mut b, r);
            b.push(b'"');
        }
        b.push(b'\n');
        f.push(x.end, b)
    }

    fn json_access(&mut self, x: &Exchange) -> io::Result<()> {
        let f = &mut self.access;
        let mut b = f.buf();
        s(&mut b, "{\"@timestamp\":\"");
        clock::iso_local(&mut b, &mut f.clock, x.end, 0, false);
        s(&mut b, "\",\"remote_addr\":");
        json_str(&mut b, x.peer_ip);
        s(&mut b, ",\"remote_user\":\"\",\"request\":\"");
        json_escape(&mut b, x.method);
        b.push(b' ');
        json_escape(&mut b, x.path);
        s(&mut b, " HTTP/1.1\",\"status\":");
        num(&mut b, u64::from(x.status));
        s(&mut b, ",\"body_bytes_sent\":");
        num(&mut b, Nginx::body_bytes(x));
        s(&mut b, ",\"request_time\":");
        secs(&mut b, x.end - x.start, 3);
        s(&mut b, ",\"http_referer\":");
        json_str(&mut b, x.referer.unwrap_or(""));
        s(&mut b, ",\"http_user_agent\":");
        json_str(&mut b, x.user_agent);
        s(&mut b, ",\"http_x_forwarded_for\":");
        json_str(&mut b, if self.behind_edge { x.client_ip } else { "" });
        s(&mut b, ",\"upstream_response_time\":\"");
        Nginx::upstream_time(&mut b, x);
        s(&mut b, "\",\"request_id\":");
        json_str(&mut b, x.request_id);
        s(&mut b, "}\n");
        f.push(x.end, b)
    }
}

impl LbLog for Nginx {
    fn start(&mut self, _t: Time) -> io::Result<()> {
        // At level warn nginx logs nothing when it starts.
        Ok(())
    }

    fn exchange(&mut self, x: &Exchange) -> io::Result<()> {
        if self.json {
            self.json_access(x)?;
        } else {
            self.combined_access(x)?;
        }
        self.error_line(x)
    }
    fn server_state(&mut self, _t: Time, _slot: u32, _up: bool, _active: u32) -> io::Result<()> {
        Ok(())
    }

    fn stop(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        vec![&mut self.access, &mut self.error]
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.access.advance(t)?;
        self.error.advance(t)
    }
}

/// HAProxy 2.8 logging through rsyslog:
///
/// ```text
/// frontend fe_https
///     option httplog
///     unique-id-format %[uuid()]
///     http-request set-header X-Request-ID %[unique-id]
///     http-request capture unique-id len 36
///     default_backend be_shop_api
/// backend be_shop_api
///     timeout server 5s
///     server app1 10.0.1.11:8080 check
/// ```
///
/// With [`Haproxy::forwarded`], HAProxy is behind other proxies (a CDN, a
/// TLS terminator): `%ci` is the proxy, the client is the first address of
/// `X-Forwarded-For`, captured and logged in `{…}`, and the unique id goes
/// to the end of the line:
///
/// ```text
/// frontend fe_https
///     unique-id-format %[uuid()]
///     unique-id-header X-Request-ID
///     capture request header X-Forwarded-For len 48
///     log-format "${HAPROXY_HTTP_LOG_FMT} %ID"
/// ```
pub struct Haproxy {
    file: LogFile,
    hostname: String,
    pid: u32,
    servers: Vec<String>,
    forwarded: bool,
}

impl Haproxy {
    /// HAProxy writing `haproxy.log`; `servers` are the backend server names.
    pub fn new(file: LogFile, hostname: &str, pid: u32, servers: Vec<String>) -> Haproxy {
        Haproxy {
            file,
            hostname: hostname.to_string(),
            pid,
            servers,
            forwarded: false,
        }
    }

    /// Behind other proxies: the peer is a proxy, the client is captured
    /// from `X-Forwarded-For`.
    pub fn forwarded(mut self, forwarded: bool) -> Haproxy {
        self.forwarded = forwarded;
        self
    }

    fn header(&mut self, b: &mut Vec<u8>, t: Time) {
        let p = self.file.clock.local(t);
        s(b, MONTHS[p.month as usize - 1]);
        b.push(b' ');
        clock::space_pad(b, u64::from(p.day), 2);
        b.push(b' ');
        clock::time_colons(b, p);
        b.push(b' ');
        s(b, &self.hostname);
        s(b, " haproxy[");
        num(b, u64::from(self.pid));
        s(b, "]: ");
    }

    fn server(&self, slot: u32) -> &str {
        self.servers
            .get(slot as usize % self.servers.len().max(1))
            .map(String::as_str)
            .unwrap_or("app1")
    }
}

/// HAProxy's built-in error responses, headers included (what `%B` counts).
fn haproxy_page(status: u16) -> usize {
    let (title, text) = match status {
        502 => (
            "502 Bad Gateway",
            "The server returned an invalid or incomplete response.",
        ),
        503 => (
            "503 Service Unavailable",
            "No server is available to handle this request.",
        ),
        _ => ("504 Gateway Time-out", "The server didn't respond in time."),
    };
    let body = format!("<html><body><h1>{title}</h1>\n{text}\n</body></html>\n");
    format!(
        "HTTP/1.1 {title}\r\ncontent-length: {}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n{body}",
        body.len()
    )
    .len()
}

impl LbLog for Haproxy {
    fn start(&mut self, t: Time) -> io::Result<()> {
        for name in ["fe_https", "be_shop_api"] {
            let mut b = self.file.buf();
            self.header(&mut b, t);
            s(&mut b, "Proxy ");
            s(&mut b, name);
            s(&mut b, " started.\n");
            self.file.push(t, b)?;
        }
        Ok(())
    }

    fn exchange(&mut self, x: &Exchange) -> io::Result<()> {
        let mut b = self.file.buf();
        self.header(&mut b, x.end);
        s(
            &mut b,
            if self.forwarded {
                x.peer_ip
            } else {
                x.client_ip
            },
        );
        b.push(b':');
        num(&mut b, u64::from(x.client_port));
        s(&mut b, " [");
        let micros = self.file.clock.micros(x.start);
        let p = self.file.clock.local(x.start);
        pad(&mut b, u64::from(p.day), 2);
        b.push(b'/');
        s(&mut b, MONTHS[p.month as usize - 1]);
        b.push(b'/');
        pad(&mut b, p.year as u64, 4);
        b.push(b':');
        clock::time_colons(&mut b, p);
        b.push(b'.');
        clock::frac(&mut b, micros, 3);
        s(&mut b, "] fe_https be_shop_api/");
        if x.outcome == Outcome::NoServer {
            s(&mut b, "<NOSRV>");
        } else {
            let name = self.server(x.upstream_slot).to_string();
            s(&mut b, &name);
        }
        b.push(b' ');
        // TR/Tw/Tc/Tr/Ta in milliseconds.
        let ms = |us: i64| (us / 1000).max(0);
        let total = ms(x.end - x.start);
        let (tc, tr): (i64, i64) = match x.outcome {
            Outcome::Ok => (ms(x.connect_us), ms(x.header_us - x.connect_us)),
            Outcome::Timeout | Outcome::Reset => (ms(x.connect_us), -1),
            Outcome::NoServer => (-1, -1),
        };
        let tr_req = (x.request_bytes / 400) as i64;
        for (i, v) in [tr_req, 0, tc, tr, total].iter().enumerate() {
            if i > 0 {
                b.push(b'/');
            }
            clock::int(&mut b, *v);
        }
        b.push(b' ');
        num(&mut b, u64::from(x.status));
        b.push(b' ');
        let bytes = match x.outcome {
            Outcome::Ok => x.body_bytes + 170 + (x.body_bytes.to_string().len() as u64),
            _ => haproxy_page(x.status) as u64,
        };
        num(&mut b, bytes);
        s(&mut b, " - - ");
        s(
            &mut b,
            match x.outcome {
                Outcome::Ok => "----",
                Outcome::Timeout => "sH--",
                Outcome::Reset => "SH--",
                Outcome::NoServer => "SC--",
            },
        );
        b.push(b' ');
        let (ac, bc, sc) = x.active;
        num(&mut b, u64::from(ac));
        b.push(b'/');
        num(&mut b, u64::from(ac));
        b.push(b'/');
        num(&mut b, u64::from(bc));
        b.push(b'/');
        num(&mut b, u64::from(sc));
        s(&mut b, "/0 0/0 {");
        s(
            &mut b,
            if self.forwarded {
                x.client_ip
            } else {
                x.request_id
            },
        );
        s(&mut b, "} \"");
        s(&mut b, x.method);
        b.push(b' ');
        s(&mut b, x.path);
        s(&mut b, " HTTP/1.1\"");
        if self.forwarded {
            b.push(b' ');
            s(&mut b, x.request_id);
        }
        b.push(b'\n');
        self.file.push(x.end, b)
    }

    fn server_state(&mut self, t: Time, slot: u32, up: bool, active: u32) -> io::Result<()> {
        let mut b = self.file.buf();
        self.header(&mut b, t);
        let name = self.server(slot).to_string();
        s(&mut b, "Server be_shop_api/");
        s(&mut b, &name);
        if up {
            s(
                &mut b,
                " is UP, reason: Layer7 check passed, code: 200, check duration: 2ms. ",
            );
        } else {
            s(&mut b, " is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. ");
        }
        num(&mut b, u64::from(active));
        s(&mut b, " active and 0 backup servers ");
        s(&mut b, if up { "online" } else { "left" });
        s(&mut b, ". 0 sessions requeued, 0 total in queue.\n");
        self.file.push(t, b)
    }

    fn stop(&mut self, t: Time) -> io::Result<()> {
        for name in ["fe_https", "be_shop_api"] {
            let mut b = self.file.buf();
            self.header(&mut b, t);
            s(&mut b, "Proxy ");
            s(&mut b, name);
            s(&mut b, " stopped (cumulated conns: FE: 0, BE: 0).\n");
            self.file.push(t, b)?;
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

/// AWS Application Load Balancer access log entries (as delivered to S3,
/// uncompressed and concatenated).
pub struct Alb {
    file: LogFile,
    name: String,
    host: String,
    target_group: String,
    cert: String,
    rng: Rng,
}

impl Alb {
    /// An ALB named `name` (`app/shop-prod/<16 hex>`).
    pub fn new(file: LogFile, host: &str, seed: u64) -> Alb {
        let mut rng = Rng::stream(seed, "alb");
        let mut id = String::new();
        rng.hex(&mut id, 16);
        let mut tg = String::new();
        rng.hex(&mut tg, 16);
        let account = 100_000_000_000 + rng.below(899_999_999_999);
        let cert = format!(
            "arn:aws:acm:ap-northeast-1:{account}:certificate/{}-{}-{}-{}-{}",
            hexs(&mut rng, 8),
            hexs(&mut rng, 4),
            hexs(&mut rng, 4),
            hexs(&mut rng, 4),
            hexs(&mut rng, 12)
        );
        Alb {
            file,
            name: format!("app/shop-prod/{id}"),
            host: host.to_string(),
            target_group: format!(
                "arn:aws:elasticloadbalancing:ap-northeast-1:{account}:targetgroup/shop-api/{tg}"
            ),
            cert,
            rng,
        }
    }
}

fn hexs(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    rng.hex(&mut s, n);
    s
}

impl LbLog for Alb {
    fn start(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }

    fn exchange(&mut self, x: &Exchange) -> io::Result<()> {
        let mut b = self.file.buf();
        s(&mut b, "https ");
        clock::iso_utc(&mut b, &mut self.file.clock, x.end, 6);
        b.push(b' ');
        s(&mut b, &self.name);
        b.push(b' ');
        s(&mut b, x.client_ip);
        b.push(b':');
        num(&mut b, u64::from(x.client_port));
        b.push(b' ');
        if x.outcome == Outcome::NoServer {
            b.push(b'-');
        } else {
            s(&mut b, x.upstream_addr);
        }
        b.push(b' ');
        match x.outcome {
            Outcome::Ok => {
                secs(&mut b, x.connect_us.max(0), 3);
                b.push(b' ');
                secs(&mut b, x.header_us - x.connect_us.max(0), 3);
                s(&mut b, " 0.000 ");
            }
            Outcome::Timeout => {
                secs(&mut b, x.connect_us.max(0), 3);
                s(&mut b, " -1 -1 ");
            }
            Outcome::Reset | Outcome::NoServer => s(&mut b, "-1 -1 -1 "),
        }
        num(&mut b, u64::from(x.status));
        b.push(b' ');
        match x.upstream_status {
            Some(st) if x.outcome == Outcome::Ok => num(&mut b, u64::from(st)),
            _ => b.push(b'-'),
        }
        b.push(b' ');
        num(&mut b, x.request_bytes);
        b.push(b' ');
        let sent = match x.outcome {
            Outcome::Ok => x.body_bytes + 160 + self.rng.below(40),
            _ => 272 + self.rng.below(4),
        };
        num(&mut b, sent);
        s(&mut b, " \"");
        s(&mut b, x.method);
        s(&mut b, " https://");
        s(&mut b, &self.host);
        s(&mut b, ":443");
        s(&mut b, x.path);
        s(&mut b, " HTTP/1.1\" \"");
        s(&mut b, x.user_agent);
        s(&mut b, "\" ");
        if x.client_port % 3 == 0 {
            s(&mut b, "TLS_AES_128_GCM_SHA256 TLSv1.3 ");
        } else {
            s(&mut b, "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ");
        }
        s(&mut b, &self.target_group);
        s(&mut b, " \"");
        s(&mut b, x.request_id);
        s(&mut b, "\" \"");
        s(&mut b, &self.host);
        s(&mut b, "\" \"");
        s(&mut b, &self.cert);
        s(&mut b, "\" 0 ");
        clock::iso_utc(&mut b, &mut self.file.clock, x.start, 6);
        s(&mut b, " \"forward\" \"-\" \"-\" \"");
        if x.outcome == Outcome::NoServer {
            b.push(b'-');
        } else {
            s(&mut b, x.upstream_addr);
        }
        s(&mut b, "\" \"");
        match x.upstream_status {
            Some(st) if x.outcome == Outcome::Ok => num(&mut b, u64::from(st)),
            _ => b.push(b'-'),
        }
        s(&mut b, "\" \"-\" \"-\" TID_");
        let tid = x.conn_serial.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995;
        let hex = b"0123456789abcdef";
        for i in 0..16 {
            b.push(hex[((tid >> (60 - 4 * i)) & 15) as usize]);
        }
        b.push(b'\n');
        self.file.push(x.end, b)
    }

    fn server_state(&mut self, _t: Time, _slot: u32, _up: bool, _active: u32) -> io::Result<()> {
        Ok(())
    }

    fn stop(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        vec![&mut self.file]
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.file.advance(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writers::testing::file;

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    fn exchange(outcome: Outcome, status: u16) -> Exchange<'static> {
        Exchange {
            start: 1_000_000,
            end: 6_001_500,
            client_ip: "203.0.113.28",
            client_port: 51234,
            peer_ip: "10.0.0.2",
            method: "GET",
            path: "/api/orders?customer=2207&limit=20",
            referer: Some("https://shop.example.com/account/orders"),
            user_agent: CHROME,
            status,
            upstream_status: (outcome == Outcome::Ok).then_some(status),
            body_bytes: 1781,
            request_bytes: 420,
            request_id: "9fd2d3cdc5482aa2929359cc99ec5cd3",
            upstream_addr: "127.0.0.1:8000",
            upstream_slot: 1,
            connect_us: 800,
            header_us: 4_998_000,
            outcome,
            conn_serial: 7974,
            lb_worker: 1,
            active: (3, 3, 1),
        }
    }

    #[test]
    fn error_pages_have_nginx_sizes() {
        assert_eq!(nginx_page(504), 160);
        assert_eq!(nginx_page(504) + MSIE_PADDING, 562);
        assert!(haproxy_page(504) > 150);
    }

    #[test]
    fn nginx_incident_format_and_error_log() -> io::Result<()> {
        let (access, a) = file("UTC");
        let (error, e) = file("UTC");
        let mut n = Nginx::new(access, error, vec![880, 881], "shop.example.com", true);
        n.exchange(&exchange(Outcome::Timeout, 504))?;
        let mut ok = exchange(Outcome::Ok, 200);
        ok.user_agent = "okhttp/4.12.0";
        ok.referer = None;
        ok.end = 1_016_400;
        ok.header_us = 15_900;
        n.exchange(&ok)?;
        for f in n.files() {
            f.finish()?;
        }
        assert_eq!(
            a.text(),
            format!(
                // Logged when each request ends: the 200 first.
                "10.0.0.2 - - [21/Nov/2026:05:53:09 +0000] \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\" 200 1781 \"-\" \"okhttp/4.12.0\" \"203.0.113.28\" rt=0.016 uct=\"0.001\" urt=\"0.016\" rid=9fd2d3cdc5482aa2929359cc99ec5cd3\n\
                 10.0.0.2 - - [21/Nov/2026:05:53:14 +0000] \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\" 504 562 \"https://shop.example.com/account/orders\" \"{CHROME}\" \"203.0.113.28\" rt=5.002 uct=\"0.001\" urt=\"5.001\" rid=9fd2d3cdc5482aa2929359cc99ec5cd3\n"
            )
        );
        assert_eq!(
            e.text(),
            "2026/11/21 05:53:14 [error] 881#881: *7974 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.2, server: shop.example.com, request: \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\", upstream: \"http://127.0.0.1:8000/api/orders?customer=2207&limit=20\", host: \"shop.example.com\", referrer: \"https://shop.example.com/account/orders\"\n"
        );
        Ok(())
    }

    #[test]
    fn nginx_in_another_zone_writes_local_time_with_offset() -> io::Result<()> {
        let (access, a) = file("America/Chicago");
        let (error, e) = file("America/Chicago");
        let mut n = Nginx::new(access, error, vec![880], "shop.example.com", false);
        let mut x = exchange(Outcome::Reset, 502);
        x.peer_ip = x.client_ip;
        n.exchange(&x)?;
        for f in n.files() {
            f.finish()?;
        }
        assert!(
            a.text()
                .starts_with("203.0.113.28 - - [20/Nov/2026:23:53:14 -0600] \"GET "),
            "{}",
            a.text()
        );
        assert!(
            a.text().contains("\" 502 552 \"") && a.text().contains("\"-\" rt=5.002"),
            "{}",
            a.text()
        );
        assert!(e.text().starts_with("2026/11/20 23:53:14 [error] 880#880: *7974 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.28,"));
        Ok(())
    }

    #[test]
    fn haproxy_httplog_behind_syslog() -> io::Result<()> {
        let (f, sink) = file("America/Chicago");
        let mut h = Haproxy::new(f, "lb1", 1432, vec!["app1".into(), "app2".into()]);
        let mut ok = exchange(Outcome::Ok, 200);
        ok.request_id = "3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e";
        ok.end = 1_016_400;
        ok.header_us = 15_900;
        h.exchange(&ok)?;
        let mut to = exchange(Outcome::Timeout, 504);
        to.request_id = "3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e";
        h.exchange(&to)?;
        h.server_state(7_000_000, 1, false, 2)?;
        h.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Nov 20 23:53:09 lb1 haproxy[1432]: 203.0.113.28:51234 [20/Nov/2026:23:53:09.000] fe_https be_shop_api/app2 1/0/0/15/16 200 1955 - - ---- 3/3/3/1/0 0/0 {3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e} \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\""
        );
        assert_eq!(
            lines[1],
            format!(
                "Nov 20 23:53:14 lb1 haproxy[1432]: 203.0.113.28:51234 [20/Nov/2026:23:53:09.000] fe_https be_shop_api/app2 1/0/0/-1/5001 504 {} - - sH-- 3/3/3/1/0 0/0 {{3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e}} \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\"",
                haproxy_page(504)
            )
        );
        assert_eq!(
            lines[2],
            "Nov 20 23:53:15 lb1 haproxy[1432]: Server be_shop_api/app2 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 2 active and 0 backup servers left. 0 sessions requeued, 0 total in queue."
        );
        Ok(())
    }

    #[test]
    fn haproxy_behind_proxies_logs_the_captured_forwarded_client() -> io::Result<()> {
        let (f, sink) = file("America/Chicago");
        let mut h =
            Haproxy::new(f, "lb1", 1432, vec!["app1".into(), "app2".into()]).forwarded(true);
        let mut ok = exchange(Outcome::Ok, 200);
        ok.request_id = "3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e";
        ok.end = 1_016_400;
        ok.header_us = 15_900;
        h.exchange(&ok)?;
        h.file.finish()?;
        // As HAProxy writes `capture request header X-Forwarded-For` with
        // `${HAPROXY_HTTP_LOG_FMT} %ID`: the peer is the proxy, the client
        // is in braces, the unique id ends the line.
        assert_eq!(
            sink.text(),
            "Nov 20 23:53:09 lb1 haproxy[1432]: 10.0.0.2:51234 [20/Nov/2026:23:53:09.000] fe_https be_shop_api/app2 1/0/0/15/16 200 1955 - - ---- 3/3/3/1/0 0/0 {203.0.113.28} \"GET /api/orders?customer=2207&limit=20 HTTP/1.1\" 3f1e2c6a-9b7d-4c1e-8f2a-0d9c8b7a6f5e\n"
        );
        Ok(())
    }

    #[test]
    fn nginx_json_access_log_is_escape_json() -> io::Result<()> {
        let (access, a) = file("America/New_York");
        let (error, e) = file("America/New_York");
        let mut n = Nginx::new(access, error, vec![880], "shop.example.com", true).json(true);
        let mut x = exchange(Outcome::Timeout, 504);
        x.peer_ip = "127.0.0.1";
        x.user_agent = "curl/8.5.0 \"quoted\"";
        x.referer = None;
        n.exchange(&x)?;
        for f in n.files() {
            f.finish()?;
        }
        assert_eq!(
            a.text(),
            "{\"@timestamp\":\"2026-11-21T00:53:14-05:00\",\"remote_addr\":\"127.0.0.1\",\"remote_user\":\"\",\"request\":\"GET /api/orders?customer=2207&limit=20 HTTP/1.1\",\"status\":504,\"body_bytes_sent\":160,\"request_time\":5.002,\"http_referer\":\"\",\"http_user_agent\":\"curl/8.5.0 \\\"quoted\\\"\",\"http_x_forwarded_for\":\"203.0.113.28\",\"upstream_response_time\":\"5.001\",\"request_id\":\"9fd2d3cdc5482aa2929359cc99ec5cd3\"}\n"
        );
        let v: serde_json::Value =
            serde_json::from_str(a.text().trim_end()).map_err(io::Error::other)?;
        assert_eq!(v["http_x_forwarded_for"], "203.0.113.28");
        assert_eq!(v["http_user_agent"], "curl/8.5.0 \"quoted\"");
        // The error log is the same either way; its client is the peer.
        assert!(
            e.text().contains(", client: 127.0.0.1, server: "),
            "{}",
            e.text()
        );
        Ok(())
    }

    #[test]
    fn haproxy_pads_the_day_with_a_space() -> io::Result<()> {
        let (f, sink) = file("America/Chicago");
        let mut h = Haproxy::new(f, "lb1", 9, vec!["app1".into()]);
        // 2026-11-20 23:53:08 in Chicago + 11 days = Dec 1.
        h.start(11 * 86_400 * 1_000_000)?;
        h.file.finish()?;
        assert!(
            sink.text()
                .starts_with("Dec  1 23:53:08 lb1 haproxy[9]: Proxy fe_https started.\n"),
            "{}",
            sink.text()
        );
        Ok(())
    }

    #[test]
    fn alb_access_log_entry() -> io::Result<()> {
        let (f, sink) = file("Asia/Tokyo");
        let mut alb = Alb::new(f, "shop.example.com", 3);
        let mut x = exchange(Outcome::Timeout, 504);
        x.request_id = "Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7";
        x.upstream_addr = "10.0.1.12:8080";
        alb.exchange(&x)?;
        let name = alb.name.clone();
        let tg = alb.target_group.clone();
        let cert = alb.cert.clone();
        alb.file.finish()?;
        let line = sink.text();
        let expected_head = format!(
            "https 2026-11-21T05:53:14.001500Z {name} 203.0.113.28:51234 10.0.1.12:8080 0.001 -1 -1 504 - 420 "
        );
        assert!(line.starts_with(&expected_head), "{line}");
        let expected_tail = format!(
            " \"GET https://shop.example.com:443/api/orders?customer=2207&limit=20 HTTP/1.1\" \"{CHROME}\" TLS_AES_128_GCM_SHA256 TLSv1.3 {tg} \"Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7\" \"shop.example.com\" \"{cert}\" 0 2026-11-21T05:53:09.000000Z \"forward\" \"-\" \"-\" \"10.0.1.12:8080\" \"-\" \"-\" \"-\" TID_"
        );
        assert!(line.contains(&expected_tail), "{line}");
        assert!(name.starts_with("app/shop-prod/") && name.len() == 30);
        assert!(line.ends_with('\n') && line.lines().count() == 1);
        Ok(())
    }
}
