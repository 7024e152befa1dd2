//! What the simulation tells the log writers: one record type per kind of
//! thing a tier logs. The simulation decides *what happened*; the writers in
//! [`crate::writers`] decide *how each server spells it*.

use crate::clock::Time;
use crate::sql::Stmt;

/// How an exchange through the load balancer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The upstream answered.
    Ok,
    /// The upstream did not send response headers in time: 504.
    Timeout,
    /// The upstream closed the connection (worker killed): 502.
    Reset,
    /// No upstream was available: 503.
    NoServer,
}

/// One request/response through the load balancer, logged when it ends.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// When the LB received the request.
    pub start: Time,
    /// When it sent the response (the log time).
    pub end: Time,
    /// Client address.
    pub client_ip: &'a str,
    /// Client source port.
    pub client_port: u16,
    /// Peer address as the LB sees it (an edge proxy, or the client).
    pub peer_ip: &'a str,
    /// Method.
    pub method: &'a str,
    /// Path with query.
    pub path: &'a str,
    /// Referer, if sent.
    pub referer: Option<&'a str>,
    /// User agent.
    pub user_agent: &'a str,
    /// Status sent to the client.
    pub status: u16,
    /// Upstream's status, when it answered.
    pub upstream_status: Option<u16>,
    /// Response body bytes from the upstream (when it answered).
    pub body_bytes: u64,
    /// Request size in bytes (request line, headers, body).
    pub request_bytes: u64,
    /// The request id shared with the app.
    pub request_id: &'a str,
    /// Upstream address (`host:port`).
    pub upstream_addr: &'a str,
    /// Upstream index (HAProxy server name, target).
    pub upstream_slot: u32,
    /// Time to connect to the upstream, microseconds (-1: none).
    pub connect_us: i64,
    /// Time until the upstream's response headers, microseconds (-1: none).
    pub header_us: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The LB's connection serial number.
    pub conn_serial: u64,
    /// Index of the LB worker process that handled it.
    pub lb_worker: u32,
    /// Connections active on the LB process / backend / server.
    pub active: (u32, u32, u32),
}

/// What a request looked like to the app.
#[derive(Debug, Clone)]
pub struct AppRequest<'a> {
    /// When the app finished it (log time).
    pub t: Time,
    /// Worker process id.
    pub pid: u32,
    /// Instance index.
    pub slot: u32,
    /// Request id.
    pub request_id: &'a str,
    /// Method.
    pub method: &'a str,
    /// Path with query.
    pub path: &'a str,
    /// Which handler ran.
    pub route: Route,
    /// Status the app answered.
    pub status: u16,
    /// Time in the handler, microseconds.
    pub duration_us: i64,
    /// Client address (first `X-Forwarded-For` entry).
    pub client_ip: &'a str,
    /// User agent.
    pub user_agent: &'a str,
    /// Response body bytes.
    pub bytes: u64,
    /// Version of the code that served it.
    pub version: &'a str,
    /// The statement the handler was running (or about to run) last.
    pub stmt: Option<Stmt>,
    /// It failed inside the coupon lookup (a second pooled session).
    pub in_coupon: bool,
}

/// The app's handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /health`.
    Health,
    /// `GET /api/orders/<id>`.
    OrderDetail,
    /// `GET /api/orders?customer=…`.
    OrdersList,
    /// `POST /api/checkout`.
    Checkout,
    /// No route matched.
    NotFound,
}

/// Why the database refused a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// PostgreSQL: the non-superuser slots are used up.
    ReservedSlots,
    /// PostgreSQL: `max_connections` reached.
    TooManyClients,
    /// MySQL/MariaDB: error 1040.
    TooManyConnections,
}

/// Why a request failed inside the app.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// No pooled connection became free within the pool timeout.
    PoolTimeout {
        /// Pool size.
        size: u32,
        /// Pool overflow.
        overflow: u32,
        /// Timeout, microseconds.
        timeout_us: i64,
    },
    /// The database refused a new session.
    DbRefused(Refusal),
}

/// A created order.
#[derive(Debug, Clone)]
pub struct Order {
    /// Order id.
    pub id: u64,
    /// Customer.
    pub customer: u32,
    /// Amount.
    pub amount_cents: u32,
    /// Coupon used.
    pub coupon: Option<&'static str>,
    /// Payment authorization id.
    pub auth: String,
}

/// A database session as the server sees it.
#[derive(Debug, Clone)]
pub struct Session {
    /// Backend pid (PostgreSQL) or thread id (MySQL).
    pub pid: u64,
    /// Client address.
    pub host: String,
    /// Client port.
    pub port: u16,
    /// Role.
    pub user: &'static str,
    /// Database.
    pub database: &'static str,
    /// `application_name`.
    pub app_name: String,
    /// When it was received.
    pub started: Time,
    /// Lines this session has logged (csvlog `session_line_num`).
    pub lines: u32,
    /// Virtual transaction counter (csvlog).
    pub vxid: u32,
    /// Inside an open transaction.
    pub in_txn: bool,
    /// Last statement sent (for MySQL general log `Prepare`/`Execute`).
    pub last: Option<Stmt>,
}
