//! Application logs: Flask on gunicorn (Python `logging` with full
//! tracebacks, plus gunicorn's own log), Node.js with pino (JSON lines with
//! serialized errors), Go with `log/slog`'s text handler (logfmt).

use std::io;

use super::{json_escape, json_str, s, AppLog};
use crate::clock::{self, millis, num, Time};
use crate::out::LogFile;
use crate::records::{AppRequest, Failure, Order, Refusal, Route};
use crate::sql::{Dialect, Stmt, Style};

/// Where the app's dependencies live (for error messages).
#[derive(Debug, Clone)]
pub struct Deps {
    /// Database address.
    pub db_host: String,
    /// Database port.
    pub db_port: u16,
    /// Database family.
    pub dialect: Dialect,
    /// Cache address.
    pub cache_host: String,
    /// Service name (`shop-api`).
    pub service: String,
    /// Pool size, overflow, timeout.
    pub pool: (u32, u32, i64),
}

fn refusal_text(r: Refusal) -> &'static str {
    match r {
        Refusal::ReservedSlots => {
            "remaining connection slots are reserved for non-replication superuser connections"
        }
        Refusal::TooManyClients => "sorry, too many clients already",
        Refusal::TooManyConnections => "Too many connections",
    }
}

// ---------------------------------------------------------------- Python

/// One frame of a Python traceback.
struct Frame {
    file: &'static str,
    line: u32,
    func: &'static str,
    code: &'static str,
    /// The sub-expression Python 3.11 underlines (`None`: the whole line,
    /// which it does not underline).
    caret: Option<&'static str>,
}

const fn fr(
    file: &'static str,
    line: u32,
    func: &'static str,
    code: &'static str,
    caret: Option<&'static str>,
) -> Frame {
    Frame {
        file,
        line,
        func,
        code,
        caret,
    }
}

const SITE: &str = "/srv/shop-api/venv/lib/python3.11/site-packages/";

const FLASK: &[Frame] = &[
    fr("flask/app.py", 880, "full_dispatch_request", "rv = self.dispatch_request()", Some("self.dispatch_request()")),
    fr(
        "flask/app.py",
        865,
        "dispatch_request",
        "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]",
        Some("self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)"),
    ),
];

const ORM: &[Frame] = &[
    fr(
        "sqlalchemy/orm/session.py",
        2362,
        "execute",
        "return self._execute_internal(",
        Some("self._execute_internal("),
    ),
    fr(
        "sqlalchemy/orm/session.py",
        2237,
        "_execute_internal",
        "conn = self._connection_for_bind(bind)",
        Some("self._connection_for_bind(bind)"),
    ),
    fr(
        "sqlalchemy/orm/session.py",
        2106,
        "_connection_for_bind",
        "return trans._connection_for_bind(engine, execution_options)",
        Some("trans._connection_for_bind(engine, execution_options)"),
    ),
    fr("<string>", 2, "_connection_for_bind", "", None),
    fr(
        "sqlalchemy/orm/state_changes.py",
        139,
        "_go",
        "ret_value = fn(self, *arg, **kw)",
        Some("fn(self, *arg, **kw)"),
    ),
    fr(
        "sqlalchemy/orm/session.py",
        1189,
        "_connection_for_bind",
        "conn = bind.connect()",
        Some("bind.connect()"),
    ),
];

const ENGINE_CONNECT: Frame = fr(
    "sqlalchemy/engine/base.py",
    3273,
    "connect",
    "return self._connection_cls(self)",
    Some("self._connection_cls(self)"),
);

const CONN_INIT: Frame = fr(
    "sqlalchemy/engine/base.py",
    145,
    "__init__",
    "self._dbapi_connection = engine.raw_connection()",
    Some("engine.raw_connection()"),
);

const RAW: &[Frame] = &[
    fr(
        "sqlalchemy/engine/base.py",
        3297,
        "raw_connection",
        "return self.pool.connect()",
        Some("self.pool.connect()"),
    ),
    fr(
        "sqlalchemy/pool/base.py",
        449,
        "connect",
        "return _ConnectionFairy._checkout(self)",
        Some("_ConnectionFairy._checkout(self)"),
    ),
    fr(
        "sqlalchemy/pool/base.py",
        1263,
        "_checkout",
        "fairy = _ConnectionRecord.checkout(pool)",
        Some("_ConnectionRecord.checkout(pool)"),
    ),
    fr(
        "sqlalchemy/pool/base.py",
        712,
        "checkout",
        "rec = pool._do_get()",
        Some("pool._do_get()"),
    ),
];

const TIMEOUT_TAIL: &[Frame] = &[fr(
    "sqlalchemy/pool/impl.py",
    168,
    "_do_get",
    "raise exc.TimeoutError(",
    None,
)];

const CONNECT_TAIL: &[Frame] = &[
    fr(
        "sqlalchemy/pool/impl.py",
        177,
        "_do_get",
        "with util.safe_reraise():",
        None,
    ),
    fr(
        "sqlalchemy/util/langhelpers.py",
        146,
        "__exit__",
        "raise exc_value.with_traceback(exc_tb)",
        None,
    ),
    fr(
        "sqlalchemy/pool/impl.py",
        175,
        "_do_get",
        "return self._create_connection()",
        Some("self._create_connection()"),
    ),
    fr(
        "sqlalchemy/pool/base.py",
        388,
        "_create_connection",
        "return _ConnectionRecord(self)",
        Some("_ConnectionRecord(self)"),
    ),
    fr(
        "sqlalchemy/pool/base.py",
        674,
        "__init__",
        "self.__connect()",
        None,
    ),
    fr(
        "sqlalchemy/pool/base.py",
        900,
        "__connect",
        "with util.safe_reraise():",
        None,
    ),
    fr(
        "sqlalchemy/util/langhelpers.py",
        146,
        "__exit__",
        "raise exc_value.with_traceback(exc_tb)",
        None,
    ),
    fr(
        "sqlalchemy/pool/base.py",
        896,
        "__connect",
        "self.dbapi_connection = connection = pool._invoke_creator(self)",
        Some("pool._invoke_creator(self)"),
    ),
    fr(
        "sqlalchemy/engine/create.py",
        646,
        "connect",
        "return dialect.connect(*cargs, **cparams)",
        Some("dialect.connect(*cargs, **cparams)"),
    ),
    fr(
        "sqlalchemy/engine/default.py",
        625,
        "connect",
        "return self.loaded_dbapi.connect(*cargs, **cparams)",
        Some("self.loaded_dbapi.connect(*cargs, **cparams)"),
    ),
];

const PSYCOPG2: &[Frame] = &[fr(
    "psycopg2/__init__.py",
    122,
    "connect",
    "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
    Some("_connect(dsn, connection_factory=connection_factory, **kwasync)"),
)];

const PYMYSQL: &[Frame] = &[
    fr(
        "pymysql/connections.py",
        361,
        "__init__",
        "self.connect()",
        None,
    ),
    fr(
        "pymysql/connections.py",
        669,
        "connect",
        "self._get_server_information()",
        None,
    ),
    fr(
        "pymysql/connections.py",
        1068,
        "_get_server_information",
        "packet = self._read_packet()",
        Some("self._read_packet()"),
    ),
    fr(
        "pymysql/connections.py",
        775,
        "_read_packet",
        "packet.raise_for_error()",
        None,
    ),
    fr(
        "pymysql/protocol.py",
        219,
        "raise_for_error",
        "err.raise_mysql_exception(self._data)",
        None,
    ),
    fr(
        "pymysql/err.py",
        150,
        "raise_mysql_exception",
        "raise errorclass(errno, errval)",
        None,
    ),
];

const NOCONN: &[Frame] = &[
    fr(
        "sqlalchemy/engine/base.py",
        147,
        "__init__",
        "Connection._handle_dbapi_exception_noconnection(",
        Some("Connection._handle_dbapi_exception_noconnection("),
    ),
    fr(
        "sqlalchemy/engine/base.py",
        2410,
        "_handle_dbapi_exception_noconnection",
        "raise sqlalchemy_exception.with_traceback(exc_info[2]) from e",
        None,
    ),
];

/// Flask on gunicorn 23 (gthread workers): `app.log` in
/// `%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s` and
/// `gunicorn.log` in gunicorn's default format.
pub struct Python {
    app: LogFile,
    gunicorn: LogFile,
    deps: Deps,
    logger: String,
    master: u32,
}

impl Python {
    /// The writer.
    pub fn new(app: LogFile, gunicorn: LogFile, deps: Deps) -> Python {
        let logger = deps.service.split('-').next().unwrap_or("app").to_string();
        Python {
            app,
            gunicorn,
            deps,
            logger,
            master: 0,
        }
    }

    fn asctime(f: &mut LogFile, b: &mut Vec<u8>, t: Time) {
        let micros = f.clock.micros(t);
        let p = f.clock.local(t);
        clock::date_dashes(b, p);
        b.push(b' ');
        clock::time_colons(b, p);
        b.push(b',');
        clock::frac(b, micros, 3);
    }

    fn app_line(
        &mut self,
        t: Time,
        level: &str,
        pid: u32,
        logger: &str,
        msg: &[u8],
    ) -> io::Result<()> {
        let mut b = self.app.buf();
        Python::asctime(&mut self.app, &mut b, t);
        b.push(b' ');
        s(&mut b, level);
        s(&mut b, " [");
        num(&mut b, u64::from(pid));
        s(&mut b, "] ");
        s(&mut b, &self.logger);
        b.push(b'.');
        s(&mut b, logger);
        s(&mut b, ": ");
        b.extend_from_slice(msg);
        b.push(b'\n');
        self.app.push(t, b)
    }

    fn gunicorn_line(&mut self, t: Time, pid: u32, level: &str, msg: &str) -> io::Result<()> {
        let f = &mut self.gunicorn;
        let mut b = f.buf();
        b.push(b'[');
        let p = f.clock.local(t);
        clock::date_dashes(&mut b, p);
        b.push(b' ');
        clock::time_colons(&mut b, p);
        b.push(b' ');
        clock::offset(&mut b, p.offset, false);
        s(&mut b, "] [");
        num(&mut b, u64::from(pid));
        s(&mut b, "] [");
        s(&mut b, level);
        s(&mut b, "] ");
        s(&mut b, msg);
        b.push(b'\n');
        f.push(t, b)
    }

    fn frame(b: &mut Vec<u8>, f: &Frame, version: &str) {
        s(b, "  File \"");
        if f.file.starts_with('<') {
            s(b, f.file);
        } else if let Some(rest) = f.file.strip_prefix("app:") {
            s(b, "/srv/shop-api/releases/");
            s(b, version);
            b.push(b'/');
            s(b, rest);
        } else {
            s(b, SITE);
            s(b, f.file);
        }
        s(b, "\", line ");
        num(b, u64::from(f.line));
        s(b, ", in ");
        s(b, f.func);
        b.push(b'\n');
        if f.code.is_empty() {
            return;
        }
        s(b, "    ");
        s(b, f.code);
        b.push(b'\n');
        if let Some(c) = f.caret {
            if let Some(at) = f.code.find(c) {
                if c.len() < f.code.trim_end().len() {
                    for _ in 0..4 + at {
                        b.push(b' ');
                    }
                    for _ in 0..c.len() {
                        b.push(b'^');
                    }
                    b.push(b'\n');
                }
            }
        }
    }

    fn frames(b: &mut Vec<u8>, frames: &[Frame], version: &str) {
        for f in frames {
            Python::frame(b, f, version);
        }
    }

    /// The app's own frames down to the first SQLAlchemy call.
    fn app_frames(route: Route, in_coupon: bool) -> Vec<Frame> {
        let mut v = Vec::new();
        match route {
            Route::OrderDetail => v.push(fr(
                "app:shop/views.py",
                61,
                "get_order",
                "with engine.connect() as conn:",
                Some("engine.connect()"),
            )),
            Route::OrdersList => v.push(fr(
                "app:shop/views.py",
                78,
                "list_orders",
                "with engine.connect() as conn:",
                Some("engine.connect()"),
            )),
            _ if in_coupon => {
                v.push(fr(
                    "app:shop/views.py",
                    121,
                    "checkout",
                    "discount = lookup_coupon(coupon) if coupon else 0",
                    Some("lookup_coupon(coupon)"),
                ));
                v.push(fr(
                    "app:shop/coupons.py",
                    38,
                    "lookup_coupon",
                    "row = s.execute(",
                    Some("s.execute("),
                ));
            }
            _ => v.push(fr(
                "app:shop/views.py",
                112,
                "checkout",
                "product = session.execute(",
                Some("session.execute("),
            )),
        }
        v
    }

    fn traceback(&self, b: &mut Vec<u8>, r: &AppRequest, failure: &Failure) {
        let orm = r.route == Route::Checkout;
        let head = |b: &mut Vec<u8>| {
            s(b, "Traceback (most recent call last):\n");
            Python::frames(b, FLASK, r.version);
            Python::frames(b, &Python::app_frames(r.route, r.in_coupon), r.version);
            if orm {
                Python::frames(b, ORM, r.version);
            }
            Python::frame(b, &ENGINE_CONNECT, r.version);
        };
        match failure {
            Failure::PoolTimeout {
                size,
                overflow,
                timeout_us,
            } => {
                head(b);
                Python::frame(b, &CONN_INIT, r.version);
                Python::frames(b, RAW, r.version);
                Python::frames(b, TIMEOUT_TAIL, r.version);
                s(b, "sqlalchemy.exc.TimeoutError: QueuePool limit of size ");
                num(b, u64::from(*size));
                s(b, " overflow ");
                num(b, u64::from(*overflow));
                s(b, " reached, connection timed out, timeout ");
                clock::secs(b, *timeout_us, 2);
                s(
                    b,
                    " (Background on this error at: https://sqlalche.me/e/20/3o7r)",
                );
            }
            Failure::DbRefused(refusal) => {
                let (driver, dbapi_err): (&[Frame], String) = match self.deps.dialect {
                    Dialect::Postgres => (
                        PSYCOPG2,
                        format!(
                            "psycopg2.OperationalError: connection to server at \"{}\", port {} failed: FATAL:  {}\n",
                            self.deps.db_host,
                            self.deps.db_port,
                            refusal_text(*refusal)
                        ),
                    ),
                    Dialect::Mysql => (
                        PYMYSQL,
                        format!("pymysql.err.OperationalError: (1040, '{}')", refusal_text(*refusal)),
                    ),
                };
                s(b, "Traceback (most recent call last):\n");
                Python::frame(b, &CONN_INIT, r.version);
                Python::frames(b, RAW, r.version);
                Python::frames(b, CONNECT_TAIL, r.version);
                if self.deps.dialect == Dialect::Mysql {
                    Python::frame(
                        b,
                        &fr(
                            "pymysql/__init__.py",
                            88,
                            "Connect",
                            "return Connection(*args, **kwargs)",
                            Some("Connection(*args, **kwargs)"),
                        ),
                        r.version,
                    );
                }
                Python::frames(b, driver, r.version);
                s(b, &dbapi_err);
                s(
                    b,
                    "\n\nThe above exception was the direct cause of the following exception:\n\n",
                );
                head(b);
                Python::frames(b, NOCONN, r.version);
                Python::frame(b, &CONN_INIT, r.version);
                Python::frames(b, RAW, r.version);
                Python::frames(b, CONNECT_TAIL, r.version);
                if self.deps.dialect == Dialect::Mysql {
                    Python::frame(
                        b,
                        &fr(
                            "pymysql/__init__.py",
                            88,
                            "Connect",
                            "return Connection(*args, **kwargs)",
                            Some("Connection(*args, **kwargs)"),
                        ),
                        r.version,
                    );
                }
                Python::frames(b, driver, r.version);
                s(b, "sqlalchemy.exc.OperationalError: (");
                let short = dbapi_err.trim_end();
                let (cls, msg) = short.split_once(": ").unwrap_or(("", short));
                s(b, cls);
                s(b, ") ");
                s(b, msg);
                if self.deps.dialect == Dialect::Postgres {
                    b.push(b'\n');
                }
                s(
                    b,
                    "\n(Background on this error at: https://sqlalche.me/e/20/e3q8)",
                );
            }
        }
    }
}

impl AppLog for Python {
    fn master_start(&mut self, t: Time, pid: u32) -> io::Result<()> {
        self.master = pid;
        self.gunicorn_line(t, pid, "INFO", "Starting gunicorn 23.0.0")?;
        self.gunicorn_line(
            t,
            pid,
            "INFO",
            &format!("Listening at: http://127.0.0.1:8000 ({pid})"),
        )?;
        self.gunicorn_line(t, pid, "INFO", "Using worker: gthread")
    }

    fn worker_boot(&mut self, t: Time, pid: u32) -> io::Result<()> {
        self.gunicorn_line(t, pid, "INFO", &format!("Booting worker with pid: {pid}"))
    }

    fn control_socket(&mut self, t: Time) -> io::Result<()> {
        let msg = format!(
            "Control socket listening at /run/{}/gunicorn.ctl",
            self.deps.service
        );
        self.gunicorn_line(t, self.master, "INFO", &msg)
    }

    fn worker_ready(&mut self, t: Time, pid: u32, _slot: u32, version: &str) -> io::Result<()> {
        let (size, overflow, timeout) = self.deps.pool;
        let mut m = Vec::new();
        s(&mut m, "Starting app version ");
        s(&mut m, version);
        s(&mut m, " (pool_size=");
        num(&mut m, u64::from(size));
        s(&mut m, " max_overflow=");
        num(&mut m, u64::from(overflow));
        s(&mut m, " pool_timeout=");
        clock::secs(&mut m, timeout, 0);
        s(&mut m, "s)");
        self.app_line(t, "INFO", pid, "api", &m)
    }

    fn reload(&mut self, t: Time) -> io::Result<()> {
        self.gunicorn_line(t, self.master, "INFO", "Handling signal: hup")?;
        self.gunicorn_line(t, self.master, "INFO", "Hang up: Master")
    }

    fn worker_exiting(&mut self, t: Time, pid: u32) -> io::Result<()> {
        self.gunicorn_line(t, pid, "INFO", &format!("Worker exiting (pid: {pid})"))
    }

    fn worker_timeout(&mut self, t: Time, pid: u32) -> io::Result<()> {
        self.gunicorn_line(
            t,
            self.master,
            "CRITICAL",
            &format!("WORKER TIMEOUT (pid:{pid})"),
        )
    }

    fn worker_killed(&mut self, t: Time, pid: u32) -> io::Result<()> {
        self.gunicorn_line(
            t,
            self.master,
            "ERROR",
            &format!("Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?"),
        )
    }

    fn shutdown_start(&mut self, t: Time) -> io::Result<()> {
        self.gunicorn_line(t, self.master, "INFO", "Handling signal: term")
    }

    fn shutdown_done(&mut self, t: Time) -> io::Result<()> {
        self.gunicorn_line(t, self.master, "INFO", "Shutting down: Master")
    }

    fn request(
        &mut self,
        r: &AppRequest,
        failure: Option<&Failure>,
        order: Option<&Order>,
    ) -> io::Result<()> {
        if let Some(fail) = failure {
            let mut m = Vec::with_capacity(6000);
            s(&mut m, "Unhandled exception request_id=");
            s(&mut m, r.request_id);
            b_space(&mut m);
            s(&mut m, r.method);
            b_space(&mut m);
            s(&mut m, r.path.split('?').next().unwrap_or(r.path));
            m.push(b'\n');
            self.traceback(&mut m, r, fail);
            self.app_line(r.t, "ERROR", r.pid, "api", &m)?;
        }
        if let Some(o) = order {
            let mut m = Vec::new();
            s(&mut m, "order created order_id=");
            num(&mut m, o.id);
            s(&mut m, " customer_id=");
            num(&mut m, u64::from(o.customer));
            s(&mut m, " amount_cents=");
            num(&mut m, u64::from(o.amount_cents));
            s(&mut m, " coupon=");
            s(&mut m, o.coupon.unwrap_or("-"));
            s(&mut m, " auth=");
            s(&mut m, &o.auth);
            s(&mut m, " request_id=");
            s(&mut m, r.request_id);
            self.app_line(r.t, "INFO", r.pid, "api", &m)?;
        }
        let mut m = Vec::with_capacity(200);
        s(&mut m, "request_id=");
        s(&mut m, r.request_id);
        s(&mut m, " method=");
        s(&mut m, r.method);
        s(&mut m, " path=");
        s(&mut m, r.path);
        s(&mut m, " status=");
        num(&mut m, u64::from(r.status));
        s(&mut m, " duration_ms=");
        millis(&mut m, r.duration_us, 1);
        s(&mut m, " client=");
        s(&mut m, r.client_ip);
        self.app_line(r.t, "INFO", r.pid, "access", &m)
    }

    fn cache_unavailable(&mut self, t: Time, pid: u32, _request_id: &str) -> io::Result<()> {
        let m = format!(
            "cache unavailable, falling back to database: Error 111 connecting to {}:6379. Connection refused.",
            self.deps.cache_host
        );
        self.app_line(t, "WARNING", pid, "cache", m.as_bytes())
    }

    fn migration(&mut self, t: Time, pid: u32, stmt: Stmt, _duration_us: i64) -> io::Result<()> {
        let (from, to, what) = match stmt {
            Stmt::DropIndex => (
                "4c1f0e9a7b2d",
                "9d3e6a1b5c70",
                "drop redundant orders index",
            ),
            _ => (
                "9d3e6a1b5c70",
                "b82f4d0c6e19",
                "restore orders customer index",
            ),
        };
        let mut b = self.app.buf();
        Python::asctime(&mut self.app, &mut b, t);
        s(&mut b, " INFO [");
        num(&mut b, u64::from(pid));
        s(&mut b, "] alembic.runtime.migration: Running upgrade ");
        s(&mut b, from);
        s(&mut b, " -> ");
        s(&mut b, to);
        s(&mut b, ", ");
        s(&mut b, what);
        b.push(b'\n');
        self.app.push(t, b)
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        vec![&mut self.app, &mut self.gunicorn]
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.app.advance(t)?;
        self.gunicorn.advance(t)
    }
}

fn b_space(b: &mut Vec<u8>) {
    b.push(b' ');
}

// ---------------------------------------------------------------- Node / pino

/// Node.js 20 with pino (and knex over mysql2 or pg): one JSON object per
/// line, `time` in epoch milliseconds, errors serialized with their stack.
pub struct Pino {
    file: LogFile,
    deps: Deps,
    hostnames: Vec<String>,
    slots: Vec<(u32, u32)>,
}

impl Pino {
    /// The writer; `hostnames[slot]` names each instance.
    pub fn new(file: LogFile, deps: Deps, hostnames: Vec<String>) -> Pino {
        Pino {
            file,
            deps,
            hostnames,
            slots: Vec::new(),
        }
    }

    fn open(&mut self, b: &mut Vec<u8>, t: Time, level: u32, pid: u32, slot: u32) {
        s(b, "{\"level\":");
        num(b, u64::from(level));
        s(b, ",\"time\":");
        num(b, (self.file.clock.unix_us(t) / 1000) as u64);
        s(b, ",\"pid\":");
        num(b, u64::from(pid));
        s(b, ",\"hostname\":");
        let host = self
            .hostnames
            .get(slot as usize)
            .map(String::as_str)
            .unwrap_or("shop-api");
        json_str(b, host);
    }

    fn close(b: &mut Vec<u8>, msg: &str) {
        s(b, ",\"msg\":");
        json_str(b, msg);
        s(b, "}\n");
    }

    fn stack(&self, b: &mut Vec<u8>, r: &AppRequest, failure: &Failure) {
        let func = match r.route {
            Route::OrderDetail => "getOrder (/srv/shop-api/src/routes/orders.js:27:19)",
            Route::OrdersList => "listOrders (/srv/shop-api/src/routes/orders.js:48:20)",
            _ if r.in_coupon => "lookupCoupon (/srv/shop-api/src/services/coupons.js:14:17)",
            _ => "checkout (/srv/shop-api/src/routes/checkout.js:33:21)",
        };
        let client = match self.deps.dialect {
            Dialect::Mysql => "Client_MySQL2",
            Dialect::Postgres => "Client_PG",
        };
        let mut text = String::new();
        let (ty, extra): (&str, String) = match failure {
            Failure::PoolTimeout { .. } => {
                text.push_str("KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?\n");
                text.push_str(&format!("    at {client}.acquireConnection (/srv/shop-api/node_modules/knex/lib/client.js:332:26)\n"));
                text.push_str("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n");
                text.push_str("    at async Runner.ensureConnection (/srv/shop-api/node_modules/knex/lib/execution/runner.js:305:28)\n");
                text.push_str("    at async Runner.run (/srv/shop-api/node_modules/knex/lib/execution/runner.js:30:19)\n");
                text.push_str("    at async ");
                text.push_str(func);
                let mut sql = Vec::new();
                if let Some(st) = r.stmt {
                    s(&mut sql, ",\"sql\":\"");
                    let mut q = Vec::new();
                    st.render(Style::Knex, self.deps.dialect, true, &mut q);
                    json_escape(&mut sql, &String::from_utf8_lossy(&q));
                    s(&mut sql, "\"");
                }
                (
                    "KnexTimeoutError",
                    String::from_utf8_lossy(&sql).into_owned(),
                )
            }
            Failure::DbRefused(refusal) => match self.deps.dialect {
                Dialect::Mysql => {
                    text.push_str("Error: Too many connections\n");
                    text.push_str("    at Packet.asError (/srv/shop-api/node_modules/mysql2/lib/packets/packet.js:740:17)\n");
                    text.push_str("    at ClientHandshake.execute (/srv/shop-api/node_modules/mysql2/lib/commands/command.js:29:26)\n");
                    text.push_str("    at Connection.handlePacket (/srv/shop-api/node_modules/mysql2/lib/base/connection.js:475:34)\n");
                    text.push_str("    at PacketParser.onPacket (/srv/shop-api/node_modules/mysql2/lib/base/connection.js:93:12)\n");
                    text.push_str("    at PacketParser.executeStart (/srv/shop-api/node_modules/mysql2/lib/packet_parser.js:75:16)\n");
                    text.push_str("    at Socket.<anonymous> (/srv/shop-api/node_modules/mysql2/lib/base/connection.js:100:25)\n");
                    text.push_str("    at Socket.emit (node:events:519:28)");
                    (
                        "Error",
                        ",\"code\":\"ER_CON_COUNT_ERROR\",\"errno\":1040,\"sqlState\":\"\",\"sqlMessage\":\"Too many connections\",\"fatal\":true".to_string(),
                    )
                }
                Dialect::Postgres => {
                    text.push_str("error: ");
                    text.push_str(refusal_text(*refusal));
                    text.push_str("\n    at Parser.parseErrorMessage (/srv/shop-api/node_modules/pg-protocol/dist/parser.js:283:98)\n");
                    text.push_str("    at Parser.handlePacket (/srv/shop-api/node_modules/pg-protocol/dist/parser.js:122:29)\n");
                    text.push_str("    at Parser.parse (/srv/shop-api/node_modules/pg-protocol/dist/parser.js:35:38)\n");
                    text.push_str("    at Socket.<anonymous> (/srv/shop-api/node_modules/pg-protocol/dist/index.js:11:42)\n");
                    text.push_str("    at Socket.emit (node:events:519:28)");
                    (
                        "DatabaseError",
                        ",\"length\":115,\"name\":\"error\",\"severity\":\"FATAL\",\"code\":\"53300\",\"file\":\"postinit.c\",\"line\":\"845\",\"routine\":\"InitPostgres\"".to_string(),
                    )
                }
            },
        };
        let message = text.lines().next().unwrap_or("");
        let message = message.split_once(": ").map(|(_, m)| m).unwrap_or(message);
        s(b, ",\"err\":{\"type\":");
        json_str(b, ty);
        s(b, ",\"message\":");
        json_str(b, message);
        s(b, ",\"stack\":");
        json_str(b, &text);
        s(b, &extra);
        b.push(b'}');
    }
}

impl AppLog for Pino {
    fn worker_ready(&mut self, t: Time, pid: u32, slot: u32, version: &str) -> io::Result<()> {
        self.slots.push((pid, slot));
        let (size, overflow, timeout) = self.deps.pool;
        let mut b = self.file.buf();
        self.open(&mut b, t, 30, pid, slot);
        s(&mut b, ",\"version\":");
        json_str(&mut b, version);
        s(&mut b, ",\"node\":\"v20.18.1\",\"pool\":{\"min\":");
        num(&mut b, u64::from(size));
        s(&mut b, ",\"max\":");
        num(&mut b, u64::from(size + overflow));
        s(&mut b, ",\"acquireTimeoutMillis\":");
        num(&mut b, (timeout / 1000) as u64);
        b.push(b'}');
        let msg = format!("{} starting", self.deps.service);
        Pino::close(&mut b, &msg);
        self.file.push(t, b)?;
        let t2 = t + 35_000;
        let mut b = self.file.buf();
        self.open(&mut b, t2, 30, pid, slot);
        s(&mut b, ",\"port\":8080");
        Pino::close(&mut b, "server listening");
        self.file.push(t2, b)
    }

    fn worker_stopping(&mut self, t: Time, pid: u32) -> io::Result<()> {
        let slot = self.slot_of(pid);
        let mut b = self.file.buf();
        self.open(&mut b, t, 30, pid, slot);
        s(&mut b, ",\"signal\":\"SIGTERM\"");
        Pino::close(&mut b, "received SIGTERM, closing server");
        self.file.push(t, b)
    }

    fn worker_exiting(&mut self, t: Time, pid: u32) -> io::Result<()> {
        let slot = self.slot_of(pid);
        let mut b = self.file.buf();
        self.open(&mut b, t, 30, pid, slot);
        Pino::close(&mut b, "server closed, exiting");
        self.file.push(t, b)
    }

    fn request(
        &mut self,
        r: &AppRequest,
        failure: Option<&Failure>,
        order: Option<&Order>,
    ) -> io::Result<()> {
        if let Some(o) = order {
            let mut b = self.file.buf();
            self.open(&mut b, r.t, 30, r.pid, r.slot);
            s(&mut b, ",\"request_id\":");
            json_str(&mut b, r.request_id);
            s(&mut b, ",\"order_id\":");
            num(&mut b, o.id);
            s(&mut b, ",\"customer_id\":");
            num(&mut b, u64::from(o.customer));
            s(&mut b, ",\"amount_cents\":");
            num(&mut b, u64::from(o.amount_cents));
            s(&mut b, ",\"coupon\":");
            match o.coupon {
                Some(c) => json_str(&mut b, c),
                None => s(&mut b, "null"),
            }
            Pino::close(&mut b, "order created");
            self.file.push(r.t, b)?;
        }
        let level = match r.status {
            500..=599 => 50,
            400..=499 => 40,
            _ => 30,
        };
        let mut b = self.file.buf();
        self.open(&mut b, r.t, level, r.pid, r.slot);
        s(&mut b, ",\"request_id\":");
        json_str(&mut b, r.request_id);
        s(&mut b, ",\"method\":");
        json_str(&mut b, r.method);
        s(&mut b, ",\"path\":");
        json_str(&mut b, r.path);
        s(&mut b, ",\"status\":");
        num(&mut b, u64::from(r.status));
        s(&mut b, ",\"duration_ms\":");
        millis(&mut b, r.duration_us, 1);
        s(&mut b, ",\"client\":");
        json_str(&mut b, r.client_ip);
        s(&mut b, ",\"user_agent\":");
        json_str(&mut b, r.user_agent);
        if let Some(f) = failure {
            self.stack(&mut b, r, f);
            Pino::close(&mut b, "request failed");
        } else {
            Pino::close(&mut b, "request completed");
        }
        self.file.push(r.t, b)
    }

    fn cache_unavailable(&mut self, t: Time, pid: u32, request_id: &str) -> io::Result<()> {
        let slot = self.slot_of(pid);
        let host = self.deps.cache_host.clone();
        let mut b = self.file.buf();
        self.open(&mut b, t, 40, pid, slot);
        s(&mut b, ",\"request_id\":");
        json_str(&mut b, request_id);
        let msg = format!("connect ECONNREFUSED {host}:6379");
        s(&mut b, ",\"err\":{\"type\":\"Error\",\"message\":");
        json_str(&mut b, &msg);
        s(&mut b, ",\"stack\":");
        json_str(
            &mut b,
            &format!("Error: {msg}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1610:16)"),
        );
        s(
            &mut b,
            ",\"errno\":-111,\"code\":\"ECONNREFUSED\",\"syscall\":\"connect\",\"address\":",
        );
        json_str(&mut b, &host);
        s(&mut b, ",\"port\":6379}");
        Pino::close(&mut b, "cache unavailable, falling back to database");
        self.file.push(t, b)
    }

    fn migration(&mut self, t: Time, pid: u32, stmt: Stmt, duration_us: i64) -> io::Result<()> {
        let name = match stmt {
            Stmt::DropIndex => "20260303120000_drop_orders_customer_index.js",
            _ => "20260303180000_restore_orders_customer_index.js",
        };
        let mut b = self.file.buf();
        self.open(&mut b, t, 30, pid, 0);
        s(&mut b, ",\"migration\":");
        json_str(&mut b, name);
        s(&mut b, ",\"duration_ms\":");
        millis(&mut b, duration_us, 1);
        Pino::close(&mut b, "migration applied");
        self.file.push(t + duration_us, b)
    }

    fn files(&mut self) -> Vec<&mut LogFile> {
        vec![&mut self.file]
    }

    fn advance(&mut self, t: Time) -> io::Result<()> {
        self.file.advance(t)
    }
}

impl Pino {
    fn slot_of(&self, pid: u32) -> u32 {
        self.slots
            .iter()
            .rev()
            .find(|(p, _)| *p == pid)
            .map(|(_, s)| *s)
            .unwrap_or(0)
    }
}

// ---------------------------------------------------------------- Go / slog

/// A Go service logging with `log/slog`'s `TextHandler` (logfmt):
/// `time=2026-11-21T14:53:10.143+09:00 level=INFO msg="request completed" …`.
pub struct Slog {
    file: LogFile,
    deps: Deps,
}

/// Appends a logfmt value the way `slog.TextHandler` does: bare unless it
/// needs quoting (empty, space, `=`, `"`, control characters).
fn logfmt_value(b: &mut Vec<u8>, v: &str) {
    let needs = v.is_empty()
        || v.bytes()
            .any(|c| c <= b' ' || c == b'=' || c == b'"' || c == 0x7f);
    if needs {
        json_str(b, v);
    } else {
        s(b, v);
    }
}

impl Slog {
    /// The writer.
    pub fn new(file: LogFile, deps: Deps) -> Slog {
        Slog { file, deps }
    }

    fn open(&mut self, b: &mut Vec<u8>, t: Time, level: &str, msg: &str) {
        s(b, "time=");
        clock::iso_local(b, &mut self.file.clock, t, 3, true);
        s(b, " level=");
        s(b, level);
        s(b, " msg=");
        logfmt_value(b, msg);
    }

    fn kv(b: &mut Vec<u8>, k: &str, v: &str) {
        b.push(b' ');
        s(b, k);
        b.push(b'=');
        logfmt_value(b, v);
    }

    fn kn(b: &mut Vec<u8>, k: &str, v: u64) {
        b.push(b' ');
        s(b, k);
        b.push(b'=');
        num(b, v);
    }

    fn error_text(&self, r: &AppRequest, failure: &Failure) -> String {
        let op = match r.route {
            Route::OrderDetail => "get order",
            Route::OrdersList => "list orders",
            _ if r.in_coupon => "lookup coupon",
            _ => "checkout",
        };
        match failure {
            Failure::PoolTimeout { .. } => format!("{op}: context deadline exceeded"),
            Failure::DbRefused(refusal) => match self.deps.dialect {
                Dialect::Postgres => format!(
                    "{op}: failed to connect to `user=app database=shop`: {}:{} ({}): server error: FATAL: {} (SQLSTATE 53300)",
                    self.deps.db_host,
                    self.deps.db_port,
                    self.deps.db_host,
                    refusal_text(*refusal)
                ),
                Dialect::Mysql => format!("{op}: Error 1040 (08004): {}", refusal_text(*refusal)),
            },
        }
    }
}

impl AppLog for Slog {
    fn worker_ready(&mut self, t: Time, pid: u32, _slot: u32, version: &str) -> io::Result<()> {
        let (size, overflow, timeout) = self.deps.pool;
        let mut b = self.file.buf();
        let msg = format!("starting {}", self.deps.service);
        self.open(&mut b, t, "INFO", &msg);
        Slog::kv(&mut b, "version", version);
        Slog::kv(&mut b, "go", "go1.22.5");
        Slog::kn(&mut b, "pid", u64::from(pid));
        Slog::kn(&mut b, "db.max_open", u64::from(size + overflow));
        Slog::kn(&mut b, "db.max_idle", u64::from(size));
        b.push(b' ');
        s(&mut b, "db.wait_timeout=");
        clock::secs(&mut b, timeout, 0);
        s(&mut b, "s\n");
        self.file.push(t, b)?;
        let t2 = t + 2_000;
        let mut b = self.file.buf();
        self.open(&mut b, t2, "INFO", "listening");
        Slog::kv(&mut b, "addr", ":8080");
        Slog::kn(&mut b, "pid", u64::from(pid));
        b.push(b'\n');
        self.file.push(t2, b)
    }

    fn worker_stopping(&mut self, t: Time, pid: u32) -> io::Result<()> {
        let mut b = self.file.buf();
        self.open(&mut b, t, "INFO", "shutting down");
        Slog::kv(&mut b, "signal", "terminated");
        Slog::kn(&mut b, "pid", u64::from(pid));
        b.push(b'\n');
        self.file.push(t, b)
    }

    fn worker_exiting(&mut self, t: Time, pid: u32) -> io::Result<()> {
        let mut b = self.file.buf();
        self.open(&mut b, t, "INFO", "server stopped");
        Slog::kn(&mut b, "pid", u64::from(pid));
        b.push(b'\n');
        self.file.push(t, b)
    }

    fn worker_timeout(&mut self, t: Time, pid: u32) -> io::Result<()> {
        let mut b = self.file.buf();
        self.open(
            &mut b,
            t,
            "WARN",
            "shutdown timed out, requests still in flight",
        );
        Slog::kn(&mut b, "pid", u64::from(pid));
        b.push(b'\n');
        self.file.push(t, b)
    }

    fn request(
        &mut self,
        r: &AppRequest,
        failure: Option<&Failure>,
        order: Option<&Order>,
    ) -> io::Result<()> {
        if let Some(f) = failure {
            let text = self.error_text(r, f);
            let mut b = self.file.buf();
            self.open(&mut b, r.t, "ERROR", "query failed");
            Slog::kv(&mut b, "request_id", r.request_id);
            Slog::kv(&mut b, "err", &text);
            b.push(b'\n');
            self.file.push(r.t, b)?;
        }
        if let Some(o) = order {
            let mut b = self.file.buf();
            self.open(&mut b, r.t, "INFO", "order created");
            Slog::kv(&mut b, "request_id", r.request_id);
            Slog::kn(&mut b, "order_id", o.id);
            Slog::kn(&mut b, "customer_id", u64::from(o.customer));
            Slog::kn(&mut b, "amount_cents", u64::from(o.amount_cents));
            Slog::kv(&mut b, "coupon", o.coupon.unwrap_or(""));
            b.push(b'\n');
            self.file.push(r.t, b)?;
        }
        let mut b = self.file.buf();
        let level = if r.status >= 500 { "ERROR" } else { "INFO" };
        self.open(&mut b, r.t, level, "request completed");
        Slog::kv(&mut b, "request_id", r.request_id);
        Slog::kv(&mut b, "method", r.method);
        Slog::kv(&mut b, "path", r.path);
        Slog::kn(&mut b, "status", u64::from(r.status));
        b.push(b' ');
        s(&mut b, "duration_ms=");
        millis(&mut b, r.duration_us, 1);
        Slog::kn(&mut b, "bytes", r.bytes);
        Slog::kv(&mut b, "client", r.client_ip);
        b.push(b'\n');
        self.file.push(r.t, b)
    }

    fn cache_unavailable(&mut self, t: Time, _pid: u32, request_id: &str) -> io::Result<()> {
        let err = format!(
            "dial tcp {}:6379: connect: connection refused",
            self.deps.cache_host
        );
        let mut b = self.file.buf();
        self.open(
            &mut b,
            t,
            "WARN",
            "cache unavailable, falling back to database",
        );
        Slog::kv(&mut b, "request_id", request_id);
        Slog::kv(&mut b, "err", &err);
        b.push(b'\n');
        self.file.push(t, b)
    }

    fn migration(&mut self, t: Time, _pid: u32, stmt: Stmt, duration_us: i64) -> io::Result<()> {
        let (ver, name) = match stmt {
            Stmt::DropIndex => ("20260210150000", "drop_orders_customer_created_idx"),
            _ => ("20260210160000", "restore_orders_customer_created_idx"),
        };
        let end = t + duration_us;
        let mut b = self.file.buf();
        self.open(&mut b, end, "INFO", "applied migration");
        Slog::kv(&mut b, "version", ver);
        Slog::kv(&mut b, "name", name);
        b.push(b' ');
        s(&mut b, "duration_ms=");
        millis(&mut b, duration_us, 1);
        b.push(b'\n');
        self.file.push(end, b)
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

    fn deps(dialect: Dialect) -> Deps {
        Deps {
            db_host: "10.0.2.10".to_string(),
            db_port: if dialect == Dialect::Postgres {
                5432
            } else {
                3306
            },
            dialect,
            cache_host: "10.0.3.10".to_string(),
            service: "shop-api".to_string(),
            pool: (5, 5, 3_000_000),
        }
    }

    fn request(status: u16, duration_us: i64) -> AppRequest<'static> {
        AppRequest {
            t: 2_154_321,
            pid: 16614,
            slot: 1,
            request_id: "68fe86bde6ddf637362b66d21f1c6fe3",
            method: "GET",
            path: "/api/orders?customer=2207&limit=20",
            route: Route::OrdersList,
            status,
            duration_us,
            client_ip: "203.0.113.53",
            user_agent: "okhttp/4.12.0",
            bytes: 1781,
            version: "1.4.2",
            stmt: Some(Stmt::OrdersByCustomer {
                customer: 2207,
                limit: 20,
            }),
            in_coupon: false,
        }
    }

    fn timeout() -> Failure {
        Failure::PoolTimeout {
            size: 5,
            overflow: 5,
            timeout_us: 3_000_000,
        }
    }

    #[test]
    fn python_logging_and_gunicorn_lines() -> io::Result<()> {
        let (app, a) = file("UTC");
        let (gun, g) = file("UTC");
        let mut p = Python::new(app, gun, deps(Dialect::Postgres));
        p.master_start(0, 16487)?;
        p.worker_boot(100, 16614)?;
        p.control_socket(200)?;
        p.worker_ready(1_285_000, 16614, 0, "1.4.2")?;
        p.request(&request(200, 12_249), None, None)?;
        p.reload(5_000_000)?;
        p.worker_exiting(5_000_100, 16614)?;
        p.worker_timeout(65_000_000, 16616)?;
        p.worker_killed(65_000_100, 16616)?;
        for f in p.files() {
            f.finish()?;
        }
        assert_eq!(
            a.text(),
            "2026-11-21 05:53:09,285 INFO [16614] shop.api: Starting app version 1.4.2 (pool_size=5 max_overflow=5 pool_timeout=3s)\n\
             2026-11-21 05:53:10,154 INFO [16614] shop.access: request_id=68fe86bde6ddf637362b66d21f1c6fe3 method=GET path=/api/orders?customer=2207&limit=20 status=200 duration_ms=12.2 client=203.0.113.53\n"
        );
        assert_eq!(
            g.text(),
            "[2026-11-21 05:53:08 +0000] [16487] [INFO] Starting gunicorn 23.0.0\n\
             [2026-11-21 05:53:08 +0000] [16487] [INFO] Listening at: http://127.0.0.1:8000 (16487)\n\
             [2026-11-21 05:53:08 +0000] [16487] [INFO] Using worker: gthread\n\
             [2026-11-21 05:53:08 +0000] [16614] [INFO] Booting worker with pid: 16614\n\
             [2026-11-21 05:53:08 +0000] [16487] [INFO] Control socket listening at /run/shop-api/gunicorn.ctl\n\
             [2026-11-21 05:53:13 +0000] [16487] [INFO] Handling signal: hup\n\
             [2026-11-21 05:53:13 +0000] [16487] [INFO] Hang up: Master\n\
             [2026-11-21 05:53:13 +0000] [16614] [INFO] Worker exiting (pid: 16614)\n\
             [2026-11-21 05:54:13 +0000] [16487] [CRITICAL] WORKER TIMEOUT (pid:16616)\n\
             [2026-11-21 05:54:13 +0000] [16487] [ERROR] Worker (pid:16616) was sent SIGKILL! Perhaps out of memory?\n"
        );
        Ok(())
    }

    #[test]
    fn python_pool_timeout_traceback() -> io::Result<()> {
        let (app, a) = file("UTC");
        let (gun, _) = file("UTC");
        let mut p = Python::new(app, gun, deps(Dialect::Postgres));
        p.request(&request(500, 3_005_140), Some(&timeout()), None)?;
        p.app.finish()?;
        let text = a.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "2026-11-21 05:53:10,154 ERROR [16614] shop.api: Unhandled exception request_id=68fe86bde6ddf637362b66d21f1c6fe3 GET /api/orders"
        );
        assert_eq!(lines[1], "Traceback (most recent call last):");
        assert_eq!(
            lines[2],
            "  File \"/srv/shop-api/venv/lib/python3.11/site-packages/flask/app.py\", line 880, in full_dispatch_request"
        );
        assert_eq!(lines[3], "    rv = self.dispatch_request()");
        assert_eq!(lines[4], "         ^^^^^^^^^^^^^^^^^^^^^^^");
        assert!(text.contains(
            "  File \"/srv/shop-api/releases/1.4.2/shop/views.py\", line 78, in list_orders\n    with engine.connect() as conn:\n         ^^^^^^^^^^^^^^^^\n"
        ));
        // A whole-line expression gets no carets.
        assert!(text.contains("    raise exc.TimeoutError(\nsqlalchemy.exc.TimeoutError"));
        assert_eq!(
            lines[lines.len() - 2],
            "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 5 reached, connection timed out, timeout 3.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"
        );
        assert_eq!(
            lines[lines.len() - 1],
            "2026-11-21 05:53:10,154 INFO [16614] shop.access: request_id=68fe86bde6ddf637362b66d21f1c6fe3 method=GET path=/api/orders?customer=2207&limit=20 status=500 duration_ms=3005.1 client=203.0.113.53"
        );
        Ok(())
    }

    #[test]
    fn python_refused_connection_is_a_chained_traceback() -> io::Result<()> {
        let (app, a) = file("UTC");
        let (gun, _) = file("UTC");
        let mut p = Python::new(app, gun, deps(Dialect::Postgres));
        let f = Failure::DbRefused(Refusal::ReservedSlots);
        p.request(&request(500, 14_400), Some(&f), None)?;
        p.app.finish()?;
        let text = a.text();
        assert!(text.contains(
            "psycopg2.OperationalError: connection to server at \"10.0.2.10\", port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections\n\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n"
        ));
        assert!(text.contains(
            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"10.0.2.10\", port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections\n\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n2026-11-21 05:53:10,154 INFO [16614] shop.access: "
        ));
        assert_eq!(
            text.matches("Traceback (most recent call last):").count(),
            2
        );
        let (app, m) = file("UTC");
        let (gun, _) = file("UTC");
        let mut p = Python::new(app, gun, deps(Dialect::Mysql));
        p.request(
            &request(500, 9_000),
            Some(&Failure::DbRefused(Refusal::TooManyConnections)),
            None,
        )?;
        p.app.finish()?;
        assert!(m.text().contains(
            "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1040, 'Too many connections')\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n"
        ));
        Ok(())
    }

    #[test]
    fn pino_json_lines() -> io::Result<()> {
        let (f, sink) = file("America/Chicago");
        let mut p = Pino::new(f, deps(Dialect::Mysql), vec!["app1".into(), "app2".into()]);
        p.worker_ready(1_285_000, 4821, 1, "2.7.1")?;
        p.request(&request(200, 12_249), None, None)?;
        p.request(&request(500, 5_000_510), Some(&timeout()), None)?;
        p.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "{\"level\":30,\"time\":1795240389285,\"pid\":4821,\"hostname\":\"app2\",\"version\":\"2.7.1\",\"node\":\"v20.18.1\",\"pool\":{\"min\":5,\"max\":10,\"acquireTimeoutMillis\":3000},\"msg\":\"shop-api starting\"}"
        );
        assert_eq!(
            lines[1],
            "{\"level\":30,\"time\":1795240389320,\"pid\":4821,\"hostname\":\"app2\",\"port\":8080,\"msg\":\"server listening\"}"
        );
        assert_eq!(
            lines[2],
            "{\"level\":30,\"time\":1795240390154,\"pid\":16614,\"hostname\":\"app2\",\"request_id\":\"68fe86bde6ddf637362b66d21f1c6fe3\",\"method\":\"GET\",\"path\":\"/api/orders?customer=2207&limit=20\",\"status\":200,\"duration_ms\":12.2,\"client\":\"203.0.113.53\",\"user_agent\":\"okhttp/4.12.0\",\"msg\":\"request completed\"}"
        );
        let err: serde_json::Value = serde_json::from_str(lines[3]).map_err(io::Error::other)?;
        assert_eq!(err["level"], 50);
        assert_eq!(err["err"]["type"], "KnexTimeoutError");
        assert_eq!(
            err["err"]["sql"],
            "select `id`, `amount_cents`, `status`, `created_at` from `orders` where `customer_id` = ? order by `created_at` desc limit ?"
        );
        assert!(err["err"]["stack"].as_str().is_some_and(
            |s| s.starts_with("KnexTimeoutError: Knex: Timeout acquiring a connection.")
        ));
        assert_eq!(err["msg"], "request failed");
        Ok(())
    }

    #[test]
    fn slog_logfmt_lines() -> io::Result<()> {
        let (f, sink) = file("Asia/Tokyo");
        let mut s = Slog::new(f, deps(Dialect::Postgres));
        let mut r = request(200, 12_249);
        r.request_id = "Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7";
        s.request(&r, None, None)?;
        s.request(
            &request(500, 2_000_500),
            Some(&Failure::DbRefused(Refusal::ReservedSlots)),
            None,
        )?;
        s.file.finish()?;
        let text = sink.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "time=2026-11-21T14:53:10.154+09:00 level=INFO msg=\"request completed\" request_id=\"Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7\" method=GET path=\"/api/orders?customer=2207&limit=20\" status=200 duration_ms=12.2 bytes=1781 client=203.0.113.53"
        );
        assert_eq!(
            lines[1],
            "time=2026-11-21T14:53:10.154+09:00 level=ERROR msg=\"query failed\" request_id=68fe86bde6ddf637362b66d21f1c6fe3 err=\"list orders: failed to connect to `user=app database=shop`: 10.0.2.10:5432 (10.0.2.10): server error: FATAL: remaining connection slots are reserved for non-replication superuser connections (SQLSTATE 53300)\""
        );
        assert!(lines[2].starts_with(
            "time=2026-11-21T14:53:10.154+09:00 level=ERROR msg=\"request completed\" "
        ));
        Ok(())
    }
}
