//! Load balancer logs: nginx (access + error), HAProxy (`option httplog`
//! behind a syslog header), AWS ALB access logs.

use std::io;

use super::{is_chrome, s, LbLog};
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
pub struct Nginx {
    access: LogFile,
    error: LogFile,
    worker_pids: Vec<u32>,
    host: String,
    behind_edge: bool,
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
        }
    }
}

impl LbLog for Nginx {
    fn start(&mut self, _t: Time) -> io::Result<()> {
        // At level warn nginx logs nothing when it starts.
        Ok(())
    }

    fn exchange(&mut self, x: &Exchange) -> io::Result<()> {
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
        let body = match x.outcome {
            Outcome::Ok => x.body_bytes as usize,
            _ => {
                nginx_page(x.status)
                    + if is_chrome(x.user_agent) {
                        MSIE_PADDING
                    } else {
                        0
                    }
            }
        };
        num(&mut b, body as u64);
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
        match x.outcome {
            Outcome::NoServer => s(&mut b, "0.000"),
            Outcome::Ok => secs(&mut b, x.header_us, 3),
            // nginx gave up (or the upstream vanished) at the end.
            _ => secs(&mut b, (x.end - x.start - 150).max(0), 3),
        }
        s(&mut b, "\" rid=");
        s(&mut b, x.request_id);
        b.push(b'\n');
        f.push(x.end, b)?;

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
pub struct Haproxy {
    file: LogFile,
    hostname: String,
    pid: u32,
    servers: Vec<String>,
}

impl Haproxy {
    /// HAProxy writing `haproxy.log`; `servers` are the backend server names.
    pub fn new(file: LogFile, hostname: &str, pid: u32, servers: Vec<String>) -> Haproxy {
        Haproxy {
            file,
            hostname: hostname.to_string(),
            pid,
            servers,
        }
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
        s(&mut b, x.client_ip);
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
        s(&mut b, x.request_id);
        s(&mut b, "} \"");
        s(&mut b, x.method);
        b.push(b' ');
        s(&mut b, x.path);
        s(&mut b, " HTTP/1.1\"\n");
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

    #[test]
    fn error_pages_have_nginx_sizes() {
        assert_eq!(nginx_page(504), 160);
        assert_eq!(nginx_page(504) + MSIE_PADDING, 562);
        assert!(haproxy_page(504) > 150);
    }
}
