//! Who sends requests: users (fixed address, user agent, customer id,
//! heavy-tailed activity), the uptime probe, the scanners; and what a page
//! view is made of.

use std::io;

use super::app::Follow;
use super::{Ev, Rr, Sim, MS, SEC};
use crate::clock::Time;
use crate::rng::{sin_2pi, Rng, Weighted};
use crate::scenario::{Incident, Scenario};

/// What kind of client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// Desktop or mobile browser (sends a Referer).
    Browser,
    /// The iOS app.
    Ios,
    /// The Android app.
    Android,
    /// The uptime probe.
    Probe,
    /// A vulnerability scanner.
    Scanner,
}

/// One client.
#[derive(Debug, Clone)]
pub struct Client {
    /// Address.
    pub ip: String,
    /// Kind.
    pub kind: ClientKind,
    /// User agent.
    pub ua: &'static str,
    /// Customer id (users).
    pub customer: u32,
    /// Relative activity.
    pub weight: f64,
}

impl Client {
    /// A real user.
    pub fn is_user(&self) -> bool {
        matches!(
            self.kind,
            ClientKind::Browser | ClientKind::Ios | ClientKind::Android
        )
    }

    /// A mobile app (retries GETs).
    pub fn is_app(&self) -> bool {
        matches!(self.kind, ClientKind::Ios | ClientKind::Android)
    }
}

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GET /health`.
    Health,
    /// `GET /api/orders/<id>`.
    Detail(u64),
    /// `GET /api/orders?customer=…&limit=…`.
    List {
        /// Customer.
        customer: u32,
        /// Page size.
        limit: u32,
    },
    /// `GET /api/orders?limit=…` (no customer): 400.
    BadList,
    /// `POST /api/checkout`.
    Checkout {
        /// Product.
        product: u32,
        /// Amount.
        amount: u32,
    },
    /// A scanner probe: 404.
    Probe404,
}

const BROWSERS: &[(&str, f64)] = &[
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", 0.30),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", 0.11),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", 0.14),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", 0.09),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", 0.06),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", 0.07),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", 0.15),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36", 0.08),
];

const IOS: &[(&str, f64)] = &[
    ("ShopApp/3.9.0 (iPhone; iOS 17.5.1; Scale/3.00)", 0.6),
    ("ShopApp/3.8.4 (iPhone; iOS 16.7.8; Scale/2.00)", 0.3),
    ("ShopApp/3.9.0 (iPad; iOS 17.5.1; Scale/2.00)", 0.1),
];

const ANDROID: &[(&str, f64)] = &[
    ("ShopApp/3.9.0 (Android 14; Pixel 8)", 0.35),
    ("ShopApp/3.9.0 (Android 13; SM-A546B)", 0.25),
    ("okhttp/4.12.0", 0.40),
];

const SCANNER_UAS: [&str; 3] = [
    "Mozilla/5.0 zgrab/0.x",
    "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
    "python-requests/2.32.3",
];

/// What scanners probe for.
pub const PROBES: &[(&str, &str)] = &[
    ("GET", "/.env"),
    ("GET", "/.env.production"),
    ("GET", "/.git/config"),
    ("GET", "/.git/HEAD"),
    ("GET", "/.svn/entries"),
    ("GET", "/.DS_Store"),
    ("GET", "/.aws/credentials"),
    ("GET", "/.vscode/sftp.json"),
    ("GET", "/.npmrc"),
    ("GET", "/docker-compose.yml"),
    ("GET", "/config.json"),
    ("GET", "/backup.zip"),
    ("GET", "/db.sql"),
    ("GET", "/dump.sql"),
    ("GET", "/wp-login.php"),
    ("POST", "/wp-login.php"),
    ("GET", "/wp-admin/"),
    ("GET", "/wp-admin/setup-config.php"),
    ("GET", "/wp-content/plugins/"),
    ("POST", "/xmlrpc.php"),
    ("GET", "/xmlrpc.php"),
    ("GET", "/phpmyadmin/"),
    ("GET", "/pma/"),
    ("GET", "/phpinfo.php"),
    ("GET", "/info.php"),
    ("GET", "/test.php"),
    ("GET", "/admin/"),
    ("GET", "/admin/login"),
    ("GET", "/login.action"),
    ("GET", "/manager/html"),
    ("GET", "/console/"),
    ("GET", "/jenkins/login"),
    ("GET", "/actuator/env"),
    ("GET", "/actuator/health"),
    ("GET", "/actuator/gateway/routes"),
    ("GET", "/server-status"),
    ("GET", "/solr/admin/info/system"),
    ("GET", "/api/v1/pods"),
    ("GET", "/v2/_catalog"),
    ("GET", "/owa/auth/logon.aspx"),
    ("GET", "/remote/login"),
    ("GET", "/cgi-bin/luci"),
    ("POST", "/boaform/admin/formLogin"),
    ("GET", "/HNAP1/"),
    ("GET", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"),
    ("GET", "/_ignition/health-check"),
    ("GET", "/telescope/requests"),
    ("GET", "/debug/default/view"),
    ("GET", "/graphql"),
    ("GET", "/swagger-ui.html"),
    ("GET", "/api/swagger.json"),
    ("GET", "/robots.txt"),
    ("GET", "/sitemap.xml"),
    ("GET", "/favicon.ico"),
    ("GET", "/.well-known/security.txt"),
    ("GET", "/cgi-bin/..%2f..%2f..%2f..%2fetc/passwd"),
    ("GET", "/?XDEBUG_SESSION_START=phpstorm"),
    ("GET", "/index.php?lang=../../../../tmp/index1"),
    ("GET", "/shell.php"),
    ("GET", "/old/"),
    ("GET", "/new/"),
    ("GET", "/backup/"),
];

fn pick(rng: &mut Rng, table: &'static [(&'static str, f64)]) -> &'static str {
    let w: Vec<f64> = table.iter().map(|(_, w)| *w).collect();
    table[Weighted::new(&w).pick(rng)].0
}

/// Address number `i` of the user pool: documentation IPv4 ranges first
/// (shuffled), then documentation IPv6.
fn ipv6(i: usize) -> String {
    format!(
        "2001:db8:{:x}:{:x}::{:x}",
        0x10 + i / 65_536,
        (i / 256) % 256,
        i % 256 + 1
    )
}

/// Builds the clients: users, the probe, the scanners, then surge-only
/// users (from the returned index on).
pub fn population(sc: &Scenario, rng: &mut Rng) -> (Vec<Client>, usize) {
    let mut pool: Vec<String> = Vec::with_capacity(600);
    for net in ["198.51.100", "203.0.113", "192.0.2"] {
        for host in 1..=199 {
            pool.push(format!("{net}.{host}"));
        }
    }
    for i in (1..pool.len()).rev() {
        let j = rng.index(i + 1);
        pool.swap(i, j);
    }
    let scale = sc.scale.max(0.0001);
    let users = ((f64::from(sc.traffic.users) * scale).round() as usize).max(1);
    let surge_users = match &sc.incident {
        Incident::TrafficSurge { new_users, .. } | Incident::TrafficRamp { new_users, .. } => {
            (f64::from(*new_users) * scale).round() as usize
        }
        _ => 0,
    };
    let mut next_ip = 0usize;
    let mut take_ip = |rng: &mut Rng| {
        let _ = rng;
        let ip = pool.get(next_ip).cloned().unwrap_or_else(|| ipv6(next_ip));
        next_ip += 1;
        ip
    };
    let user = |rng: &mut Rng, ip: String| {
        let x = rng.f64();
        let (kind, ua) = if x < sc.traffic.browser_share {
            (ClientKind::Browser, pick(rng, BROWSERS))
        } else if x < sc.traffic.browser_share + sc.traffic.ios_share {
            (ClientKind::Ios, pick(rng, IOS))
        } else {
            (ClientKind::Android, pick(rng, ANDROID))
        };
        Client {
            ip,
            kind,
            ua,
            customer: rng.range(1, 5000) as u32,
            weight: rng
                .pareto(1.0, sc.traffic.activity_shape.max(0.3))
                .min(500.0),
        }
    };
    let mut clients = Vec::with_capacity(users + surge_users + 4);
    for _ in 0..users {
        let ip = take_ip(rng);
        clients.push(user(rng, ip));
    }
    let nets = ["198.51.100", "203.0.113", "192.0.2"];
    clients.push(Client {
        ip: format!("{}.{}", nets[rng.index(3)], 250 + rng.below(5)),
        kind: ClientKind::Probe,
        ua: "Blackbox-Exporter/0.25.0",
        customer: 0,
        weight: 0.0,
    });
    let mut used = Vec::new();
    for ua in SCANNER_UAS {
        let mut ip;
        loop {
            ip = format!("{}.{}", nets[rng.index(3)], 200 + rng.below(50));
            if !used.contains(&ip) {
                break;
            }
        }
        used.push(ip.clone());
        clients.push(Client {
            ip,
            kind: ClientKind::Scanner,
            ua,
            customer: 0,
            weight: 0.0,
        });
    }
    let base = clients.len();
    for _ in 0..surge_users {
        let ip = take_ip(rng);
        clients.push(user(rng, ip));
    }
    (clients, base)
}

impl Sim {
    fn probe_client(&self) -> u32 {
        self.clients
            .iter()
            .position(|c| c.kind == super::traffic::ClientKind::Probe)
            .unwrap_or(0) as u32
    }

    /// Page view rate at `t` (per second), with the wave and any surge.
    fn page_rate(&self, t: Time) -> f64 {
        let tr = &self.sc.traffic;
        let period = tr.wave_period.as_micros().max(SEC) as f64;
        let phase = (self.sc.seed % 1000) as f64 / 1000.0;
        let wave = 1.0 + tr.wave * sin_2pi((t as f64 / period + phase).fract());
        tr.page_views_per_s * self.sc.scale * wave * self.surge_factor(t)
    }

    /// Surge multiplier at `t` (1 outside the surge or before the ramp).
    pub(super) fn surge_factor(&self, t: Time) -> f64 {
        if let Incident::TrafficRamp {
            at,
            multiplier,
            over,
            ..
        } = &self.sc.incident
        {
            let (a, o) = (at.as_micros(), over.as_micros().max(1));
            let m = multiplier.max(1.0);
            return if t < a {
                1.0
            } else if t < a + o {
                1.0 + (m - 1.0) * (t - a) as f64 / o as f64
            } else {
                m
            };
        }
        let Incident::TrafficSurge {
            at,
            multiplier,
            duration,
            ramp,
            ..
        } = &self.sc.incident
        else {
            return 1.0;
        };
        let (a, r, d) = (
            at.as_micros(),
            ramp.as_micros().max(1),
            duration.as_micros(),
        );
        let m = multiplier.max(1.0);
        if t < a || t > a + 2 * r + d {
            1.0
        } else if t < a + r {
            1.0 + (m - 1.0) * (t - a) as f64 / r as f64
        } else if t <= a + r + d {
            m
        } else {
            1.0 + (m - 1.0) * (a + 2 * r + d - t) as f64 / r as f64
        }
    }

    pub(super) fn page_view(&mut self) -> io::Result<()> {
        if !self.traffic_on {
            return Ok(());
        }
        let rate = self.page_rate(self.now).max(0.01);
        let gap = self.rng_traffic.exp(1.0 / rate);
        self.at(self.now + (gap * SEC as f64) as Time + 1, Ev::PageView);
        let f = self.surge_factor(self.now);
        let client = match &self.surge_pick {
            Some(sp) if f > 1.0 && self.rng_traffic.chance((f - 1.0) / f * 0.6) => {
                (self.surge_base + sp.pick(&mut self.rng_traffic)) as u32
            }
            _ => self.user_pick.pick(&mut self.rng_traffic) as u32,
        };
        let page = self.page_mix.pick(&mut self.rng_traffic);
        let is_app = self.clients[client as usize].is_app();
        let host = self.sc.lb.host.clone();
        match (page, is_app) {
            (0, _) | (3, false) => self.list_page(client, self.now),
            (1, _) => {
                let id = self.some_order_id(true);
                let referer = (!is_app).then_some(referer(&host, "/"));
                self.new_request(
                    client,
                    Kind::Detail(id),
                    referer,
                    Follow::None,
                    false,
                    self.now,
                );
            }
            (2, _) => {
                let product = self.rng_traffic.range(1, 200) as u32;
                let amount = (self.rng_traffic.lognormal(5200.0, 0.6) as u32).clamp(299, 250_000);
                let referer = (!is_app).then_some(referer(&host, "/cart"));
                self.new_request(
                    client,
                    Kind::Checkout { product, amount },
                    referer,
                    Follow::NewOrder,
                    false,
                    self.now,
                );
            }
            (3, true) => {
                self.new_request(client, Kind::Health, None, Follow::List, false, self.now);
            }
            _ => {
                let referer = (!is_app).then_some(referer(&host, "/account/orders"));
                self.new_request(
                    client,
                    Kind::BadList,
                    referer,
                    Follow::None,
                    false,
                    self.now,
                );
            }
        }
        Ok(())
    }

    /// An orders list, followed by 0-3 order details.
    pub(super) fn list_page(&mut self, client: u32, at: Time) {
        let c = &self.clients[client as usize];
        let (customer, is_app) = (c.customer, c.is_app());
        let limit = if is_app { 50 } else { 20 };
        let details = [0u8, 1, 1, 2, 2, 3, 0, 1][self.rng_traffic.index(8)];
        let referer = (!is_app).then_some(referer(&self.sc.lb.host, "/account/orders"));
        self.new_request(
            client,
            Kind::List { customer, limit },
            referer,
            Follow::Details(details),
            false,
            at,
        );
    }

    /// An order id: mostly existing, rarely one that does not exist.
    pub(super) fn some_order_id(&mut self, allow_missing: bool) -> u64 {
        let max = self.order_seq.max(1);
        if allow_missing && self.rng_traffic.chance(0.004) {
            return max + 1 + self.rng_traffic.below(900);
        }
        if self.rng_traffic.chance(0.3) {
            // recent orders are looked at more
            return max
                .saturating_sub(self.rng_traffic.below(max.min(400)))
                .max(1);
        }
        1 + self.rng_traffic.below(max)
    }

    pub(super) fn probe(&mut self) -> io::Result<()> {
        if !self.traffic_on {
            return Ok(());
        }
        if let Some(every) = self.sc.traffic.probe_every {
            let jitter = self.rng_traffic.range(-3, 3) * MS;
            self.at(self.now + every.as_micros() + jitter, Ev::Probe);
        }
        let c = self.probe_client();
        self.new_request(c, Kind::Health, None, Follow::None, false, self.now);
        Ok(())
    }

    pub(super) fn scanner(&mut self) -> io::Result<()> {
        let Some(sb) = self.sc.red_herring.scanner.clone() else {
            return Ok(());
        };
        let end = sb.at.as_micros() + sb.duration.as_micros();
        if !self.traffic_on || self.now > end {
            return Ok(());
        }
        let rate = (sb.rate * self.sc.scale).max(0.1);
        // Bursty: the rate itself wobbles.
        let local = rate * self.rng_traffic.uniform(0.75, 1.25);
        let gap = self.rng_traffic.exp(1.0 / local);
        self.at(self.now + (gap * SEC as f64) as Time + 1, Ev::Scanner);
        let first = self.surge_base - 3;
        let c = (first + self.rng_traffic.index(3)) as u32;
        self.new_request(c, Kind::Probe404, None, Follow::None, false, self.now);
        Ok(())
    }

    /// The client got its response at `t`: follow-up calls, or a retry.
    pub(super) fn client_reaction(&mut self, r: Rr, status: u16, t: Time) {
        let (client, kind, follow, retry, referer_path, order_id, method_get) = {
            let q = self.req(r);
            (
                q.client,
                q.kind,
                q.follow,
                q.retry,
                q.referer,
                q.order_id,
                q.method() == "GET",
            )
        };
        let c = &self.clients[client as usize];
        let is_app = c.is_app();
        if matches!(status, 502..=504) {
            if is_app && method_get && !retry && self.sc.traffic.mobile_retry {
                let delay = self.rng_traffic.uniform(1.0, 2.5);
                self.acc.totals.client_retries += 1;
                let at = t + (delay * SEC as f64) as Time;
                self.new_request(client, kind, referer_path, follow, true, at);
            }
            return;
        }
        if !(200..300).contains(&status) {
            return;
        }
        let host = self.sc.lb.host.clone();
        match follow {
            Follow::None => {}
            Follow::Details(n) => {
                let base = t + self.rng_traffic.range(40, 400) * MS;
                for _ in 0..n {
                    let id = self.some_order_id(false);
                    let at = base + self.rng_traffic.range(0, 15) * MS;
                    let referer = (!is_app).then_some(referer(&host, "/account/orders"));
                    self.new_request(client, Kind::Detail(id), referer, Follow::None, false, at);
                }
            }
            Follow::NewOrder => {
                if order_id > 0 {
                    let at = t + self.rng_traffic.range(300, 1500) * MS;
                    let referer = (!is_app).then_some(referer(&host, "/checkout/complete"));
                    self.new_request(
                        client,
                        Kind::Detail(order_id),
                        referer,
                        Follow::None,
                        false,
                        at,
                    );
                }
            }
            Follow::List => {
                let at = t + self.rng_traffic.range(20, 120) * MS;
                self.list_page(client, at);
            }
        }
    }
}

/// The pages browsers come from (indices into `Sim::referers`).
pub const REFERERS: [&str; 4] = ["/", "/account/orders", "/cart", "/checkout/complete"];

fn referer(_host: &str, path: &str) -> u8 {
    REFERERS.iter().position(|p| *p == path).unwrap_or(0) as u8
}
