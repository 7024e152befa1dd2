//! Requests through the load balancer and the app workers: routing,
//! threads, connection pools, handlers, deploys and worker lifecycles.

use std::collections::VecDeque;
use std::io;

use super::traffic::{ClientKind, Kind, PROBES};
use super::{Ev, Rr, Sim, MS, NONE, SEC};
use crate::clock::{num, Time};
use crate::records::{AppRequest, Exchange, Failure, Order, Outcome, Refusal, Route};
use crate::scenario::{AppKind, LbKind, LeakRate};
use crate::sql::{Stmt, Style};
use crate::truth::Who;

/// What the client does after a successful response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Nothing.
    None,
    /// Fetch this many order details in parallel.
    Details(u8),
    /// Fetch the order just created.
    NewOrder,
    /// Load the orders list (after the app's health check).
    List,
}

/// A worker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WState {
    /// Loading the app.
    Booting,
    /// Accepting requests.
    Serving,
    /// Asked to stop: finishing what it has.
    Draining,
    /// Gone.
    Dead,
}

/// A worker process (python) or instance (json, logfmt).
#[derive(Debug, Clone)]
pub struct Worker {
    pub pid: u32,
    pub slot: u32,
    pub host: usize,
    pub host_ip: String,
    pub addr: String,
    pub version: usize,
    pub state: WState,
    pub busy: u32,
    pub queue: VecDeque<Rr>,
    pub idle: Vec<u32>,
    pub open: u32,
    pub leaked: u32,
    pub waiters: VecDeque<(Rr, u32)>,
    pub exit_logged: bool,
    pub leaked_pids: Vec<u64>,
    pub inflight: u32,
}

/// One HTTP request, from the client's send to the app's answer.
#[derive(Debug, Clone)]
pub struct Request {
    pub gen: u32,
    pub live: bool,
    pub client: u32,
    pub kind: Kind,
    pub method: &'static str,
    pub path: String,
    pub referer: Option<u8>,
    pub rid: String,
    pub port: u16,
    pub send_at: Time,
    pub connect_us: Time,
    pub lb_worker: u32,
    pub conn_serial: u64,
    pub answered: bool,
    pub worker: u32,
    pub app_start: Time,
    pub step: u8,
    pub held: [Option<u32>; 2],
    pub want: u8,
    pub wait: u32,
    pub pending: Option<Result<u32, Refusal>>,
    pub second: bool,
    pub leak: bool,
    pub coupon: Option<&'static str>,
    pub retry: bool,
    pub follow: Follow,
    pub status: u16,
    pub body: u64,
    pub failure: Option<Failure>,
    pub last_stmt: Option<Stmt>,
    pub in_coupon: bool,
    pub order_id: u64,
}

impl Request {
    fn empty() -> Request {
        Request {
            gen: 0,
            live: false,
            client: 0,
            kind: Kind::Health,
            method: "GET",
            path: String::new(),
            referer: None,
            rid: String::new(),
            port: 0,
            send_at: 0,
            connect_us: -1,
            lb_worker: 0,
            conn_serial: 0,
            answered: false,
            worker: NONE,
            app_start: 0,
            step: 0,
            held: [None, None],
            want: 0,
            wait: 0,
            pending: None,
            second: false,
            leak: false,
            coupon: None,
            retry: false,
            follow: Follow::None,
            status: 0,
            body: 0,
            failure: None,
            last_stmt: None,
            in_coupon: false,
            order_id: 0,
        }
    }

    /// The method.
    pub fn method(&self) -> &'static str {
        self.method
    }
}

/// Steps of a handler.
enum Step {
    Acquire(u8),
    Work(Phase),
    Release(u8),
    Jump(u8),
    Done,
}

/// What a work step does.
#[derive(Clone, Copy)]
enum Phase {
    Cpu,
    Query,
    Lock,
    Coupon,
    Pay,
}

fn plan(kind: Kind, step: u8, second: bool) -> Step {
    match kind {
        Kind::Health | Kind::BadList | Kind::Probe404 => match step {
            0 => Step::Work(Phase::Cpu),
            _ => Step::Done,
        },
        Kind::Detail(_) | Kind::List { .. } => match step {
            0 => Step::Acquire(0),
            1 => Step::Work(Phase::Query),
            2 => Step::Release(0),
            _ => Step::Done,
        },
        // The leaking release looks the coupon up in its own session first
        // (sessions are lazy: the checkout's own connection comes after).
        Kind::Checkout { .. } => match step {
            0 if second => Step::Acquire(1),
            0 => Step::Jump(3),
            1 => Step::Work(Phase::Coupon),
            2 => Step::Release(1),
            3 => Step::Acquire(0),
            4 => Step::Work(Phase::Lock),
            5 => Step::Work(Phase::Pay),
            6 => Step::Release(0),
            _ => Step::Done,
        },
    }
}

const COUPONS: [&str; 5] = ["SPRING10", "WELCOME5", "FREESHIP", "LOYAL15", "VIP20"];

impl Sim {
    pub(super) fn valid(&self, r: Rr) -> bool {
        self.reqs
            .get(r.idx as usize)
            .is_some_and(|q| q.live && q.gen == r.gen)
    }

    pub(super) fn req(&self, r: Rr) -> &Request {
        &self.reqs[r.idx as usize]
    }

    pub(super) fn req_mut(&mut self, r: Rr) -> &mut Request {
        &mut self.reqs[r.idx as usize]
    }

    fn free(&mut self, r: Rr) {
        if self.valid(r) {
            let q = &mut self.reqs[r.idx as usize];
            q.live = false;
            q.gen = q.gen.wrapping_add(1);
            self.free_reqs.push(r.idx);
        }
    }

    /// A new request, sent by `client` at `at`.
    pub(super) fn new_request(
        &mut self,
        client: u32,
        kind: Kind,
        referer: Option<u8>,
        follow: Follow,
        retry: bool,
        at: Time,
    ) -> Rr {
        let idx = match self.free_reqs.pop() {
            Some(i) => i,
            None => {
                self.reqs.push(Request::empty());
                (self.reqs.len() - 1) as u32
            }
        };
        let mut coupon = None;
        let mut method = "GET";
        let mut probe_path = "";
        match kind {
            Kind::Checkout { .. } => {
                method = "POST";
                self.checkout_seq += 1;
                let n = u64::from(self.sc.traffic.coupon_every_n_checkouts.max(1));
                if self.checkout_seq % n == 0 {
                    coupon = Some(COUPONS[(self.checkout_seq / n % 5) as usize]);
                }
            }
            Kind::Probe404 => {
                let (m, p) = PROBES[self.rng_traffic.index(PROBES.len())];
                method = m;
                probe_path = p;
            }
            _ => {}
        }
        let q = &mut self.reqs[idx as usize];
        let gen = q.gen;
        let mut path = std::mem::take(&mut q.path);
        let mut rid = std::mem::take(&mut q.rid);
        path.clear();
        rid.clear();
        *q = Request::empty();
        q.gen = gen;
        q.live = true;
        q.client = client;
        q.kind = kind;
        q.method = method;
        q.referer = referer;
        q.follow = follow;
        q.retry = retry;
        q.coupon = coupon;
        let mut b = std::mem::take(&mut path).into_bytes();
        match kind {
            Kind::Health => b.extend_from_slice(b"/health"),
            Kind::Detail(id) => {
                b.extend_from_slice(b"/api/orders/");
                num(&mut b, id);
            }
            Kind::List { customer, limit } => {
                b.extend_from_slice(b"/api/orders?customer=");
                num(&mut b, u64::from(customer));
                b.extend_from_slice(b"&limit=");
                num(&mut b, u64::from(limit));
            }
            Kind::BadList => b.extend_from_slice(b"/api/orders?limit=20"),
            Kind::Checkout { .. } => b.extend_from_slice(b"/api/checkout"),
            Kind::Probe404 => b.extend_from_slice(probe_path.as_bytes()),
        }
        q.path = String::from_utf8(b).unwrap_or_default();
        q.rid = rid;
        let r = Rr { idx, gen };
        self.at(at, Ev::Send(r));
        r
    }

    /// The request id the load balancer assigns.
    fn make_rid(&mut self, r: Rr) {
        let unix = self.clock.unix_us(self.now).div_euclid(SEC);
        let lb = self.sc.stack.lb;
        let mut rid = std::mem::take(&mut self.reqs[r.idx as usize].rid);
        rid.clear();
        match lb {
            LbKind::Nginx => self.rng_ids.hex(&mut rid, 32),
            LbKind::Haproxy => {
                let mut h = String::with_capacity(32);
                self.rng_ids.hex(&mut h, 32);
                let variant = ["8", "9", "a", "b"][self.rng_ids.index(4)];
                rid.push_str(&h[0..8]);
                rid.push('-');
                rid.push_str(&h[8..12]);
                rid.push_str("-4");
                rid.push_str(&h[13..16]);
                rid.push('-');
                rid.push_str(variant);
                rid.push_str(&h[17..20]);
                rid.push('-');
                rid.push_str(&h[20..32]);
            }
            LbKind::AwsAlb => {
                rid.push_str("Root=1-");
                rid.push_str(&format!("{unix:08x}-"));
                self.rng_ids.hex(&mut rid, 24);
            }
        }
        self.reqs[r.idx as usize].rid = rid;
    }

    /// The request reaches the load balancer.
    pub(super) fn send(&mut self, r: Rr) -> io::Result<()> {
        if !self.valid(r) {
            return Ok(());
        }
        if !self.lb_on {
            self.free(r);
            return Ok(());
        }
        self.make_rid(r);
        self.conn_serial += 1 + u64::from(self.rng_ids.below(4) == 0);
        let connect = match self.sc.stack.lb {
            LbKind::AwsAlb => 300 + self.rng_service.below(1_200) as Time,
            _ => 40 + self.rng_service.below(900) as Time,
        };
        let now = self.now;
        let serial = self.conn_serial;
        let port = 1024 + self.rng_ids.below(64_500) as u16;
        let lbw = self.rng_ids.below(2) as u32;
        {
            let q = self.req_mut(r);
            q.send_at = now;
            q.connect_us = connect;
            q.conn_serial = serial;
            q.port = port;
            q.lb_worker = lbw;
        }
        self.lb_active += 1;
        let deadline = now + self.sc.lb.upstream_timeout.as_micros();
        self.lb_timers.push_back((deadline, r));
        self.at(now + connect, Ev::Route(r));
        Ok(())
    }

    /// The LB's connection to the upstream is up: a worker gets the request.
    pub(super) fn route(&mut self, r: Rr) -> io::Result<()> {
        if !self.valid(r) || self.req(r).answered {
            return Ok(());
        }
        if self.serving.is_empty() {
            if self.sc.stack.app == AppKind::Python {
                // gunicorn's socket is open: the kernel queues the connection.
                self.backlog.push_back(r);
            } else {
                let end = self.now + 200 + self.rng_service.below(300) as Time;
                self.lb_exchange(r, Outcome::NoServer, end)?;
                self.free(r);
            }
            return Ok(());
        }
        let w = match self.sc.stack.app {
            AppKind::Python => self.serving[self.rng_service.index(self.serving.len())],
            _ => {
                self.rr_next = (self.rr_next + 1) % self.serving.len();
                self.serving[self.rr_next]
            }
        };
        self.enqueue(w, r)
    }

    fn enqueue(&mut self, w: u32, r: Rr) -> io::Result<()> {
        self.req_mut(r).worker = w;
        let wk = &mut self.workers[w as usize];
        wk.queue.push_back(r);
        wk.inflight += 1;
        self.try_start(w)
    }

    /// Free threads of worker `w` take queued requests.
    fn try_start(&mut self, w: u32) -> io::Result<()> {
        let threads = self.sc.app.threads.max(1);
        loop {
            let wk = &mut self.workers[w as usize];
            if !matches!(wk.state, WState::Serving | WState::Draining) || wk.busy >= threads {
                return Ok(());
            }
            // gunicorn's workers share one listening socket: an idle
            // thread also accepts what waits in the kernel's backlog.
            let next = match wk.queue.pop_front() {
                Some(r) => Some(r),
                None if wk.state == WState::Serving => self.backlog.pop_front().inspect(|_| {
                    wk.inflight += 1;
                }),
                None => None,
            };
            let Some(r) = next else {
                return Ok(());
            };
            if self.reqs[r.idx as usize].worker != w {
                self.reqs[r.idx as usize].worker = w;
            }
            if !self.valid(r) {
                continue;
            }
            self.workers[w as usize].busy += 1;
            self.begin(w, r);
            self.proceed(r)?;
        }
    }

    /// A thread starts on the request: decide what this code version does.
    fn begin(&mut self, w: u32, r: Rr) {
        let now = self.now;
        let version = self.workers[w as usize].version;
        let leak_rate = self.versions[version].leak;
        let kind = self.req(r).kind;
        let mut leak = false;
        if let (Kind::Checkout { .. }, Some(rate)) = (kind, leak_rate) {
            self.leak_seq += 1;
            leak = match rate {
                LeakRate::EveryNthCheckout(n) => self.leak_seq % u64::from(n.max(1)) == 0,
                LeakRate::Probability(p) => self.rng_service.chance(p),
            };
        }
        let n = self.leak_seq;
        let q = self.req_mut(r);
        q.app_start = now;
        q.step = 0;
        q.leak = leak;
        q.second = leak;
        if leak && q.coupon.is_none() {
            q.coupon = Some(COUPONS[(n % 5) as usize]);
        }
    }

    /// Runs the handler's steps until one has to wait.
    pub(super) fn proceed(&mut self, r: Rr) -> io::Result<()> {
        loop {
            if !self.valid(r) {
                return Ok(());
            }
            let (kind, step, second) = {
                let q = self.req(r);
                (q.kind, q.step, q.second)
            };
            match plan(kind, step, second) {
                Step::Acquire(slot) => {
                    if self.acquire(r, slot)? {
                        self.req_mut(r).step += 1;
                    } else {
                        return Ok(());
                    }
                }
                Step::Work(phase) => return self.work(r, phase),
                Step::Release(slot) => {
                    self.release(r, slot)?;
                    self.req_mut(r).step += 1;
                }
                Step::Jump(to) => self.req_mut(r).step = to,
                Step::Done => return self.finish(r),
            }
        }
    }

    /// The CPU part of a work step, on the worker's host.
    fn work(&mut self, r: Rr, phase: Phase) -> io::Result<()> {
        let w = self.req(r).worker as usize;
        let host = self.workers[w].host;
        let kind = self.req(r).kind;
        let factor = self.sc.app.cpu_ms / 1.6;
        let median_us = match (phase, kind) {
            (Phase::Cpu, Kind::Health) => 90.0,
            (Phase::Cpu, _) => 260.0,
            (Phase::Query, Kind::List { limit, .. }) => (700.0 + 18.0 * f64::from(limit)) * factor,
            (Phase::Query, _) => 650.0 * factor,
            (Phase::Lock, _) => 900.0 * factor,
            (Phase::Coupon, _) => 250.0 * factor,
            (Phase::Pay, _) => 1_300.0 * factor,
        };
        let cpu_us = self.rng_service.lognormal(median_us, 0.35) as Time;
        let mut t = self.cpu[host].reserve(self.now, cpu_us);
        match phase {
            Phase::Cpu => self.at(t, Ev::StepDone(r)),
            Phase::Pay => {
                // The payment provider answers before the writes start.
                let (lo, hi) = self.sc.app.payment_ms;
                t += (self.rng_service.uniform(lo, hi.max(lo)) * MS as f64) as Time;
                self.at(t, Ev::DbReady(r));
            }
            _ => self.at(t, Ev::DbReady(r)),
        }
        Ok(())
    }

    /// The handler's CPU part is done: its statements go to the database
    /// now (the database's cores are served in the order work arrives).
    pub(super) fn db_ready(&mut self, r: Rr) -> io::Result<()> {
        if !self.valid(r) {
            return Ok(());
        }
        let (kind, step, second, held0, held1) = {
            let q = self.req(r);
            (q.kind, q.step, q.second, q.held[0], q.held[1])
        };
        let Step::Work(phase) = plan(kind, step, second) else {
            return Ok(());
        };
        let mut t = self.now;
        match phase {
            Phase::Cpu => {}
            Phase::Query => {
                let stmt = match kind {
                    Kind::List { customer, limit } => Stmt::OrdersByCustomer { customer, limit },
                    Kind::Detail(id) => Stmt::OrderById(id),
                    _ => Stmt::Commit,
                };
                if let Some(c) = held0 {
                    t = self.run_stmt(c, stmt, t)?;
                }
            }
            Phase::Lock => {
                if let (Some(c), Kind::Checkout { product, .. }) = (held0, kind) {
                    if self.style != Style::SqlAlchemy {
                        t = self.run_stmt(c, Stmt::Begin, t)?;
                    }
                    t = self.run_stmt(c, Stmt::ProductForUpdate(product), t)?;
                }
            }
            Phase::Coupon => {
                if let Some(c) = held1 {
                    let code = self.req(r).coupon.unwrap_or(COUPONS[0]);
                    if self.style != Style::SqlAlchemy {
                        t = self.run_stmt(c, Stmt::Begin, t)?;
                    }
                    t = self.run_stmt(c, Stmt::Coupon(code), t)?;
                }
            }
            Phase::Pay => {
                if let (Some(c), Kind::Checkout { product, amount }) = (held0, kind) {
                    let customer = self.clients[self.req(r).client as usize].customer;
                    t = self.run_stmt(c, Stmt::UpdateStock(product), t)?;
                    t = self.run_stmt(
                        c,
                        Stmt::InsertOrder {
                            customer,
                            product,
                            amount_cents: amount,
                        },
                        t,
                    )?;
                    t = self.run_stmt(c, Stmt::Commit, t)?;
                }
            }
        }
        self.at(t, Ev::StepDone(r));
        Ok(())
    }

    /// Checks a connection out of the worker's pool; `Ok(true)` when it
    /// has one now, `Ok(false)` when it waits (for a connect or a return).
    fn acquire(&mut self, r: Rr, slot: u8) -> io::Result<bool> {
        let w = self.req(r).worker;
        let kind = self.req(r).kind;
        let intended = match (kind, slot) {
            (Kind::Detail(id), _) => Some(Stmt::OrderById(id)),
            (Kind::List { customer, limit }, _) => Some(Stmt::OrdersByCustomer { customer, limit }),
            (Kind::Checkout { product, .. }, 0) => Some(Stmt::ProductForUpdate(product)),
            (Kind::Checkout { .. }, _) => {
                Some(Stmt::Coupon(self.req(r).coupon.unwrap_or(COUPONS[0])))
            }
            _ => None,
        };
        {
            let q = self.req_mut(r);
            q.last_stmt = intended;
            q.in_coupon = slot == 1;
        }
        if let Some(c) = self.workers[w as usize].idle.pop() {
            self.req_mut(r).held[slot as usize] = Some(c);
            return Ok(true);
        }
        let max = self.sc.app.pool_size + self.sc.app.max_overflow;
        if self.workers[w as usize].open < max.max(1) {
            self.workers[w as usize].open += 1;
            let name = self.sc.app.service.clone();
            let (res, ready) = self.db_connect(w, &name)?;
            let q = self.req_mut(r);
            q.pending = Some(res);
            q.want = slot;
            self.at(ready, Ev::ConnectDone(r));
            return Ok(false);
        }
        self.wait_token = self.wait_token.wrapping_add(1).max(1);
        let tok = self.wait_token;
        {
            let q = self.req_mut(r);
            q.wait = tok;
            q.want = slot;
        }
        self.workers[w as usize].waiters.push_back((r, tok));
        let deadline = self.now + self.sc.app.pool_timeout.as_micros();
        self.pool_timers.push_back((deadline, r, tok));
        Ok(false)
    }

    pub(super) fn connect_done(&mut self, r: Rr) -> io::Result<()> {
        if !self.valid(r) {
            return Ok(());
        }
        let (pending, want, w) = {
            let q = self.req_mut(r);
            (q.pending.take(), q.want, q.worker)
        };
        match pending {
            Some(Ok(c)) => {
                let q = self.req_mut(r);
                q.held[want as usize] = Some(c);
                q.step += 1;
                self.proceed(r)
            }
            Some(Err(refusal)) => {
                let wk = &mut self.workers[w as usize];
                wk.open = wk.open.saturating_sub(1);
                self.fail(r, Failure::DbRefused(refusal))
            }
            None => Ok(()),
        }
    }

    pub(super) fn pool_timeout(&mut self, r: Rr, tok: u32) -> io::Result<()> {
        if !self.valid(r) || self.req(r).wait != tok {
            return Ok(());
        }
        self.req_mut(r).wait = 0;
        let f = Failure::PoolTimeout {
            size: self.sc.app.pool_size,
            overflow: self.sc.app.max_overflow,
            timeout_us: self.sc.app.pool_timeout.as_micros(),
        };
        self.fail(r, f)
    }

    fn release(&mut self, r: Rr, slot: u8) -> io::Result<()> {
        let w = self.req(r).worker;
        let Some(c) = self.req_mut(r).held[slot as usize].take() else {
            return Ok(());
        };
        if slot == 1 && self.req(r).leak {
            let pid = self.conns[c as usize].s.pid;
            let authorized = self.conns[c as usize].authorized;
            self.conns[c as usize].s.in_txn = true;
            let wk = &mut self.workers[w as usize];
            wk.leaked += 1;
            wk.leaked_pids.push(pid);
            let wpid = wk.pid;
            let rid = self.reqs[r.idx as usize].rid.clone();
            self.acc.leak(self.now, authorized, pid, wpid, &rid);
            return Ok(());
        }
        self.pool_return(w, c)
    }

    /// A connection goes back to worker `w`'s pool (or to a waiter).
    fn pool_return(&mut self, w: u32, c: u32) -> io::Result<()> {
        if self.style == Style::SqlAlchemy {
            // SQLAlchemy's reset-on-return.
            self.run_stmt(c, Stmt::Rollback, self.now)?;
        }
        while let Some((wr, tok)) = self.workers[w as usize].waiters.pop_front() {
            if self.valid(wr) && self.req(wr).wait == tok {
                let now = self.now;
                let q = self.req_mut(wr);
                q.wait = 0;
                let slot = q.want as usize;
                q.held[slot] = Some(c);
                q.step += 1;
                self.at(now + 20, Ev::Resume(wr));
                return Ok(());
            }
        }
        let keep = self.sc.app.pool_size as usize;
        let wk = &mut self.workers[w as usize];
        if wk.state != WState::Dead && wk.idle.len() < keep {
            wk.idle.push(c);
            Ok(())
        } else {
            wk.open = wk.open.saturating_sub(1);
            self.db_close(c, false)
        }
    }

    fn fail(&mut self, r: Rr, f: Failure) -> io::Result<()> {
        let w = self.req(r).worker;
        for slot in [1usize, 0] {
            if let Some(c) = self.req_mut(r).held[slot].take() {
                self.pool_return(w, c)?;
            }
        }
        let pid = self.workers[w as usize].pid;
        let rid = self.req(r).rid.clone();
        self.note_failure(pid, &rid, &f);
        let body = self.error_body(&rid);
        let q = self.req_mut(r);
        q.failure = Some(f);
        q.status = 500;
        q.body = body;
        self.finish(r)
    }

    fn error_body(&self, rid: &str) -> u64 {
        match self.sc.stack.app {
            AppKind::Python => (48 + rid.len()) as u64,
            AppKind::Json => 62,
            AppKind::Logfmt => 22,
        }
    }

    fn not_found_page(&self, method: &str, path: &str) -> u64 {
        match self.sc.stack.app {
            AppKind::Python => "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n".len() as u64,
            AppKind::Json => (139 + method.len() + path.len()) as u64,
            AppKind::Logfmt => "404 page not found\n".len() as u64,
        }
    }

    /// The handler is done: the app logs, the LB answers if it still waits.
    fn finish(&mut self, r: Rr) -> io::Result<()> {
        let w = self.req(r).worker;
        let now = self.now;
        let mut order = None;
        if self.req(r).failure.is_none() {
            let version = self.workers[w as usize].version;
            let kind = self.req(r).kind;
            let (status, body) = match kind {
                Kind::Health => (200, 29 + self.versions[version].name.len() as u64),
                Kind::Detail(id) => {
                    if id <= self.order_seq {
                        (200, 124 + digits(id) + self.rng_service.below(9))
                    } else {
                        (404, 28)
                    }
                }
                Kind::List { limit, .. } => {
                    let n = 1 + self.rng_service.below(u64::from(limit));
                    (200, 14 + n * (86 + self.rng_service.below(6)))
                }
                Kind::BadList => (400, 33),
                Kind::Checkout { amount, .. } => {
                    self.order_seq += 1;
                    let id = self.order_seq;
                    let mut auth = String::from("auth_");
                    self.rng_ids.hex(&mut auth, 10);
                    let q = self.req(r);
                    order = Some(Order {
                        id,
                        customer: self.clients[q.client as usize].customer,
                        amount_cents: amount,
                        coupon: q.coupon,
                        auth,
                    });
                    (201, 32 + digits(id))
                }
                Kind::Probe404 => {
                    let q = self.req(r);
                    (404, self.not_found_page(q.method, &q.path))
                }
            };
            let q = self.req_mut(r);
            q.status = status;
            q.body = body;
            if let Some(o) = &order {
                q.order_id = o.id;
            }
        }
        let pid = self.workers[w as usize].pid;
        let slot = self.workers[w as usize].slot;
        if self.cache_down
            && self.req(r).failure.is_none()
            && matches!(self.req(r).kind, Kind::Detail(_) | Kind::List { .. })
        {
            let rid = self.req(r).rid.clone();
            self.out.app.cache_unavailable(now, pid, &rid)?;
            self.acc.cache_warnings += 1;
        }
        {
            let q = &self.reqs[r.idx as usize];
            let c = &self.clients[q.client as usize];
            let version = &self.versions[self.workers[w as usize].version].name;
            let ar = AppRequest {
                t: now,
                pid,
                slot,
                request_id: &q.rid,
                method: q.method,
                path: &q.path,
                route: match q.kind {
                    Kind::Health => Route::Health,
                    Kind::Detail(_) => Route::OrderDetail,
                    Kind::List { .. } | Kind::BadList => Route::OrdersList,
                    Kind::Checkout { .. } => Route::Checkout,
                    Kind::Probe404 => Route::NotFound,
                },
                status: q.status,
                duration_us: now - q.app_start,
                client_ip: &c.ip,
                user_agent: c.ua,
                bytes: q.body,
                version,
                stmt: q.last_stmt,
                in_coupon: q.in_coupon,
            };
            self.out
                .app
                .request(&ar, q.failure.as_ref(), order.as_ref())?;
        }
        self.acc.totals.app_requests += 1;
        if order.is_some() {
            self.acc.totals.orders_created += 1;
        }
        let wk = &mut self.workers[w as usize];
        wk.busy = wk.busy.saturating_sub(1);
        wk.inflight = wk.inflight.saturating_sub(1);
        if !self.req(r).answered {
            let end = now + 90 + self.rng_service.below(500) as Time;
            self.lb_exchange(r, Outcome::Ok, end)?;
        }
        self.free(r);
        self.try_start(w)?;
        self.maybe_exit(w)
    }

    /// The load balancer answers the client.
    pub(super) fn lb_exchange(&mut self, r: Rr, outcome: Outcome, end: Time) -> io::Result<()> {
        let now = self.now;
        let q = &self.reqs[r.idx as usize];
        let c = &self.clients[q.client as usize];
        let status = match outcome {
            Outcome::Ok => q.status,
            Outcome::Timeout => 504,
            Outcome::Reset => 502,
            Outcome::NoServer => 503,
        };
        let (addr, slot, server_inflight) = match self.workers.get(q.worker as usize) {
            Some(w) => (w.addr.as_str(), w.slot, w.inflight),
            None => ("-", 0, 0),
        };
        let peer: &str = if matches!(self.sc.stack.lb, LbKind::Nginx | LbKind::Haproxy)
            && !self.sc.lb.edge_proxies.is_empty()
        {
            let e = &self.sc.lb.edge_proxies;
            &e[q.client as usize % e.len()]
        } else {
            &c.ip
        };
        let referer = q.referer.map(|i| self.referers[i as usize].as_str());
        let request_bytes = 150
            + c.ua.len() as u64
            + q.path.len() as u64
            + referer.map_or(0, |r| r.len() as u64 + 10)
            + if q.method == "POST" { 160 } else { 0 };
        let header_us = (now - q.send_at).max(q.connect_us.max(0) + 50);
        let x = Exchange {
            start: q.send_at,
            end,
            client_ip: &c.ip,
            client_port: q.port,
            peer_ip: peer,
            method: q.method,
            path: &q.path,
            referer,
            user_agent: c.ua,
            status,
            upstream_status: (outcome == Outcome::Ok).then_some(q.status),
            body_bytes: q.body,
            request_bytes,
            request_id: &q.rid,
            upstream_addr: addr,
            upstream_slot: slot,
            connect_us: if outcome == Outcome::NoServer {
                -1
            } else {
                q.connect_us
            },
            header_us,
            outcome,
            conn_serial: q.conn_serial,
            lb_worker: q.lb_worker,
            active: (self.lb_active, self.lb_active, server_inflight),
        };
        self.out.lb.exchange(&x)?;
        let who = match c.kind {
            ClientKind::Probe => Who::Probe,
            ClientKind::Scanner => Who::Scanner,
            _ => Who::User,
        };
        self.acc.exchange(
            end,
            end - q.send_at,
            status,
            q.client,
            who,
            &c.ip,
            q.method,
            &q.path,
            &q.rid,
        );
        self.reqs[r.idx as usize].answered = true;
        self.lb_active = self.lb_active.saturating_sub(1);
        self.client_reaction(r, status, end);
        Ok(())
    }

    pub(super) fn lb_timeout(&mut self, r: Rr, deadline: Time) -> io::Result<()> {
        if !self.valid(r) || self.req(r).answered {
            return Ok(());
        }
        let end = deadline + 200 + self.rng_service.below(1_500) as Time;
        self.lb_exchange(r, Outcome::Timeout, end)
    }

    // ------------------------------------------------------------ workers

    /// Starts a worker for `slot` running `version`.
    pub(super) fn spawn_worker(&mut self, slot: u32, version: usize, t: Time) -> io::Result<u32> {
        let pid = self.next_app_pid();
        let python = self.sc.stack.app == AppKind::Python;
        let host_ip = if python {
            "10.0.1.10".to_string()
        } else {
            format!("10.0.{}.{}", 1 + (11 + slot) / 250, (11 + slot) % 250)
        };
        let addr = if python && self.sc.stack.lb == LbKind::Nginx {
            "127.0.0.1:8000".to_string()
        } else if python {
            format!("{host_ip}:8000")
        } else {
            format!("{host_ip}:8080")
        };
        let host = if python {
            0
        } else {
            slot as usize % self.cpu.len()
        };
        self.workers.push(Worker {
            pid,
            slot,
            host,
            host_ip,
            addr,
            version,
            state: WState::Booting,
            busy: 0,
            queue: VecDeque::new(),
            idle: Vec::new(),
            open: 0,
            leaked: 0,
            waiters: VecDeque::new(),
            exit_logged: false,
            leaked_pids: Vec::new(),
            inflight: 0,
        });
        self.out.app.worker_boot(t, pid)?;
        Ok((self.workers.len() - 1) as u32)
    }

    pub(super) fn worker_ready(&mut self, w: u32) -> io::Result<()> {
        if self.workers[w as usize].state != WState::Booting {
            return Ok(());
        }
        let now = self.now;
        self.workers[w as usize].state = WState::Serving;
        self.serving.push(w);
        let (pid, slot, version) = {
            let wk = &self.workers[w as usize];
            (wk.pid, wk.slot, wk.version)
        };
        let name = self.versions[version].name.clone();
        self.out.app.worker_ready(now, pid, slot, &name)?;
        if let Some(d) = self
            .acc
            .deploys
            .iter_mut()
            .rev()
            .find(|d| d.version == name)
        {
            d.workers.push((now, pid));
        }
        if self.sc.stack.app != AppKind::Python && now > 5 * SEC {
            let active = self.serving.len() as u32;
            self.out
                .lb
                .server_state(now + 1_500 * MS, slot, true, active)?;
        }
        // It starts taking connections from the shared backlog.
        self.try_start(w)
    }

    /// Asks worker `w` to stop (SIGTERM); `at` is when it hears it.
    fn stop_worker(&mut self, w: u32, at: Time) -> io::Result<()> {
        let wk = &mut self.workers[w as usize];
        if !matches!(wk.state, WState::Booting | WState::Serving) {
            return Ok(());
        }
        wk.state = WState::Draining;
        let (pid, slot) = (wk.pid, wk.slot);
        self.serving.retain(|&x| x != w);
        self.out.app.worker_stopping(at, pid)?;
        if self.sc.stack.app != AppKind::Python {
            let active = self.serving.len() as u32;
            self.out
                .lb
                .server_state(at + 10 * MS, slot, false, active)?;
        }
        let wk = &self.workers[w as usize];
        if wk.busy == 0 && wk.queue.is_empty() {
            return self.exit_worker(w, at + 2 * MS);
        }
        let grace = self.sc.app.graceful_timeout.as_micros();
        self.at(self.now + grace, Ev::WorkerGrace(w));
        Ok(())
    }

    fn maybe_exit(&mut self, w: u32) -> io::Result<()> {
        let wk = &self.workers[w as usize];
        if wk.state == WState::Draining && wk.busy == 0 && wk.queue.is_empty() {
            return self.exit_worker(w, self.now + MS);
        }
        Ok(())
    }

    /// The worker exits on its own: its pool is closed.
    fn exit_worker(&mut self, w: u32, t: Time) -> io::Result<()> {
        let wk = &mut self.workers[w as usize];
        if wk.state == WState::Dead {
            return Ok(());
        }
        wk.state = WState::Dead;
        let pid = wk.pid;
        let logged = wk.exit_logged;
        wk.exit_logged = true;
        self.serving.retain(|&x| x != w);
        if !logged {
            self.out.app.worker_exiting(t, pid)?;
        }
        self.drop_requests(w, false)?;
        // Python closes every session at exit; Node and Go leave the leaked
        // ones to the kernel (the server sees the socket vanish).
        let python = self.sc.stack.app == AppKind::Python;
        let mut at = t + 300;
        for c in 0..self.conns.len() as u32 {
            let conn = &self.conns[c as usize];
            if conn.alive && conn.worker == w {
                let abrupt = !python && conn.s.in_txn;
                at += 200 + self.rng_db.below(600) as Time;
                self.db_close_at(c, abrupt, at)?;
            }
        }
        let wk = &mut self.workers[w as usize];
        wk.idle.clear();
        wk.open = 0;
        Ok(())
    }

    /// Drops what the worker still holds; `reset`: the LB sees the
    /// connection die (502) instead of nothing (shutdown).
    fn drop_requests(&mut self, w: u32, reset: bool) -> io::Result<()> {
        for i in 0..self.reqs.len() {
            let q = &self.reqs[i];
            if !(q.live && q.worker == w) {
                continue;
            }
            let r = Rr {
                idx: i as u32,
                gen: q.gen,
            };
            if reset && !q.answered && self.lb_on {
                let end = self.now + 300 + self.rng_service.below(4_000) as Time;
                self.lb_exchange(r, Outcome::Reset, end)?;
            }
            self.free(r);
        }
        let wk = &mut self.workers[w as usize];
        wk.queue.clear();
        wk.waiters.clear();
        wk.busy = 0;
        wk.inflight = 0;
        Ok(())
    }

    pub(super) fn worker_grace(&mut self, w: u32) -> io::Result<()> {
        if self.workers[w as usize].state != WState::Draining {
            return Ok(());
        }
        let pid = self.workers[w as usize].pid;
        if self.sc.stack.app == AppKind::Python {
            // gunicorn's gthread worker gives up waiting and says it exits,
            // but its busy threads keep the process alive.
            self.out.app.worker_exiting(self.now, pid)?;
            self.workers[w as usize].exit_logged = true;
            let kill = self.sc.app.kill_timeout.as_micros();
            self.at(self.now + kill, Ev::WorkerKill(w));
            Ok(())
        } else {
            // The orchestrator's grace period is over: SIGKILL.
            self.out.app.worker_timeout(self.now, pid)?;
            self.acc.kills.push((self.now, pid));
            self.kill_worker(w)
        }
    }

    pub(super) fn worker_kill(&mut self, w: u32) -> io::Result<()> {
        if self.workers[w as usize].state != WState::Draining {
            return Ok(());
        }
        let pid = self.workers[w as usize].pid;
        self.out.app.worker_timeout(self.now, pid)?;
        self.out.app.worker_killed(self.now + 2 * MS, pid)?;
        self.acc.kills.push((self.now, pid));
        self.kill_worker(w)
    }

    /// SIGKILL: requests die, sessions vanish without a goodbye.
    fn kill_worker(&mut self, w: u32) -> io::Result<()> {
        self.workers[w as usize].state = WState::Dead;
        self.serving.retain(|&x| x != w);
        self.drop_requests(w, true)?;
        let mut at = self.now + 400;
        for c in 0..self.conns.len() as u32 {
            let conn = &self.conns[c as usize];
            if conn.alive && conn.worker == w {
                at += 300 + self.rng_db.below(2_000) as Time;
                self.db_close_at(c, true, at)?;
            }
        }
        let wk = &mut self.workers[w as usize];
        wk.idle.clear();
        wk.open = 0;
        Ok(())
    }

    // ------------------------------------------------------------ deploys

    pub(super) fn deploy(&mut self, i: usize) -> io::Result<()> {
        let d = self.deploys[i].clone();
        let name = self.versions[d.version].name.clone();
        self.acc.deploys.push(crate::truth::DeployAcc {
            version: name,
            role: d.role.to_string(),
            started: self.now,
            workers: Vec::new(),
        });
        let mut restart_at = self.now;
        if let Some(stmt) = d.migration {
            restart_at = self.migrate(stmt)?;
        }
        match self.sc.stack.app {
            AppKind::Python => self.at(restart_at, Ev::Roll(i as u32, NONE)),
            _ => self.at(restart_at, Ev::Roll(i as u32, 0)),
        }
        Ok(())
    }

    /// One step of a rollout: gunicorn's SIGHUP (`slot == NONE`), or the
    /// replacement of one instance.
    pub(super) fn roll(&mut self, i: usize, slot: u32) -> io::Result<()> {
        let version = self.deploys[i].version;
        let now = self.now;
        if slot == NONE {
            self.out.app.reload(now)?;
            let old: Vec<u32> = (0..self.workers.len() as u32)
                .filter(|&w| {
                    matches!(
                        self.workers[w as usize].state,
                        WState::Booting | WState::Serving
                    )
                })
                .collect();
            // The master forks the new workers one after the other.
            let step = (4 * MS)
                .min(400 * MS / Time::from(self.slots.max(1)))
                .max(50);
            let mut t = now;
            for s in 0..self.slots {
                t = now + Time::from(s) * step;
                let w = self.spawn_worker(s, version, t)?;
                self.out.app.control_socket(t + MS)?;
                let ready = t + self.boot_time();
                self.at(ready, Ev::WorkerReady(w));
            }
            for (i, w) in old.into_iter().enumerate() {
                self.stop_worker(w, t + 3 * MS + i as Time * 400)?;
            }
            return Ok(());
        }
        let old: Vec<u32> = (0..self.workers.len() as u32)
            .filter(|&w| {
                let wk = &self.workers[w as usize];
                wk.slot == slot && matches!(wk.state, WState::Booting | WState::Serving)
            })
            .collect();
        for w in old {
            self.stop_worker(w, now)?;
        }
        let w = self.spawn_worker(slot, version, now)?;
        let ready = now + self.boot_time();
        self.at(ready, Ev::WorkerReady(w));
        if slot + 1 < self.slots {
            let stagger = self.sc.app.boot_time.as_micros() + 4 * SEC;
            self.at(now + stagger, Ev::Roll(i as u32, slot + 1));
        }
        Ok(())
    }

    /// Runs a schema migration from the app host; returns when it is done.
    fn migrate(&mut self, stmt: Stmt) -> io::Result<Time> {
        let app_name = match self.sc.stack.app {
            AppKind::Python => "alembic",
            AppKind::Json => "knex-migrate",
            AppKind::Logfmt => "migrate",
        };
        let (res, ready) = self.db_connect(NONE, app_name)?;
        let Ok(c) = res else {
            return Ok(self.now + SEC);
        };
        let end = self.run_stmt(c, stmt, ready)?;
        let pid = self.next_app_pid();
        self.out.app.migration(ready, pid, stmt, end - ready)?;
        self.at(end, Ev::MigrationDone(stmt == Stmt::CreateIndex));
        self.at(end + 3 * MS, Ev::CloseConn(c));
        Ok(end + 400 * MS)
    }

    /// The app tier stops at the end of the run.
    pub(super) fn stop_app(&mut self) -> io::Result<()> {
        self.app_on = false;
        let python = self.sc.stack.app == AppKind::Python;
        if python {
            self.out.app.shutdown_start(self.now)?;
        }
        for w in 0..self.workers.len() as u32 {
            if self.workers[w as usize].state == WState::Dead {
                continue;
            }
            let pid = self.workers[w as usize].pid;
            if !python {
                self.out.app.worker_stopping(self.now, pid)?;
            }
            self.workers[w as usize].state = WState::Draining;
            let t = self.now + 20 * MS + Time::from(w % 16) * 3 * MS;
            self.exit_worker(w, t)?;
        }
        if python {
            self.out.app.shutdown_done(self.now + 400 * MS)?;
        }
        Ok(())
    }
}

fn digits(n: u64) -> u64 {
    let mut d = 1;
    let mut n = n;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}
