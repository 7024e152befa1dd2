//! The statements the modelled app sends, rendered the way each client
//! library sends them: SQLAlchemy interpolates values client-side
//! (`WHERE orders.id = 41865`), knex builds lowercase back-quoted SQL, and
//! the Go service uses server-side placeholders (`$1` for PostgreSQL, `?`
//! for MySQL) with the values in a separate bind step.

use crate::clock::num;

/// One statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stmt {
    /// An order by primary key.
    OrderById(u64),
    /// A customer's recent orders (uses the `(customer_id, created_at)`
    /// index when it exists).
    OrdersByCustomer {
        /// Customer.
        customer: u32,
        /// Page size.
        limit: u32,
    },
    /// Lock the product row for the checkout.
    ProductForUpdate(u32),
    /// Look up a coupon.
    Coupon(&'static str),
    /// Decrement stock.
    UpdateStock(u32),
    /// Insert the order.
    InsertOrder {
        /// Customer.
        customer: u32,
        /// Product.
        product: u32,
        /// Amount.
        amount_cents: u32,
    },
    /// Start a transaction explicitly.
    Begin,
    /// Commit.
    Commit,
    /// Roll back (SQLAlchemy's reset-on-return).
    Rollback,
    /// The migration that drops the orders list index.
    DropIndex,
    /// The fix that recreates it.
    CreateIndex,
}

/// Client library style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// SQLAlchemy Core/ORM with psycopg2 or PyMySQL: literal values.
    SqlAlchemy,
    /// knex (Node): lowercase, back-quoted on MySQL, double-quoted on PG.
    Knex,
    /// Hand-written SQL in Go with placeholders.
    Go,
}

/// SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

/// Name of the index the slow-query incident drops.
pub const INDEX: &str = "orders_customer_id_created_at_idx";

fn push(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(s.as_bytes());
}

impl Stmt {
    /// Whether the statement changes data (counts towards checkpoints).
    pub fn writes(self) -> bool {
        matches!(self, Stmt::UpdateStock(_) | Stmt::InsertOrder { .. })
    }

    /// Rows it sends back / examines, given the table size and whether the
    /// index exists.
    pub fn rows(self, orders_rows: u64, indexed: bool) -> (u64, u64) {
        match self {
            Stmt::OrderById(_) => (1, 1),
            Stmt::OrdersByCustomer { limit, .. } => {
                let sent = u64::from(limit.min(12));
                if indexed {
                    (sent, sent)
                } else {
                    (sent, orders_rows)
                }
            }
            Stmt::ProductForUpdate(_) | Stmt::Coupon(_) => (1, 1),
            Stmt::UpdateStock(_) => (0, 1),
            Stmt::CreateIndex => (0, orders_rows),
            _ => (0, 0),
        }
    }

    /// The statement text; with `bind` (Go), placeholders instead of values.
    pub fn render(self, style: Style, dialect: Dialect, bind: bool, b: &mut Vec<u8>) {
        let ph = |b: &mut Vec<u8>, n: u32, v: u64| {
            if bind {
                match dialect {
                    Dialect::Postgres => {
                        b.push(b'$');
                        num(b, u64::from(n));
                    }
                    Dialect::Mysql => b.push(b'?'),
                }
            } else {
                num(b, v);
            }
        };
        let q = |b: &mut Vec<u8>, ident: &str| match (style, dialect) {
            (Style::Knex, Dialect::Mysql) => {
                b.push(b'`');
                push(b, ident);
                b.push(b'`');
            }
            (Style::Knex, Dialect::Postgres) => {
                b.push(b'"');
                push(b, ident);
                b.push(b'"');
            }
            _ => push(b, ident),
        };
        match (self, style) {
            (Stmt::OrderById(id), Style::SqlAlchemy) => {
                push(b, "SELECT orders.id, orders.customer_id, orders.amount_cents, orders.status, orders.created_at \nFROM orders \nWHERE orders.id = ");
                num(b, id);
            }
            (Stmt::OrderById(id), Style::Knex) => {
                push(b, "select ");
                for (i, c) in ["id", "customer_id", "amount_cents", "status", "created_at"]
                    .iter()
                    .enumerate()
                {
                    if i > 0 {
                        push(b, ", ");
                    }
                    q(b, c);
                }
                push(b, " from ");
                q(b, "orders");
                push(b, " where ");
                q(b, "id");
                push(b, " = ");
                ph(b, 1, id);
                push(b, " limit ");
                ph(b, 2, 1);
            }
            (Stmt::OrderById(id), Style::Go) => {
                push(b, "SELECT id, customer_id, amount_cents, status, created_at FROM orders WHERE id = ");
                ph(b, 1, id);
            }
            (Stmt::OrdersByCustomer { customer, limit }, Style::SqlAlchemy) => {
                push(b, "SELECT orders.id, orders.amount_cents, orders.status, orders.created_at \nFROM orders \nWHERE orders.customer_id = ");
                num(b, u64::from(customer));
                push(b, " ORDER BY orders.created_at DESC \n LIMIT ");
                num(b, u64::from(limit));
            }
            (Stmt::OrdersByCustomer { customer, limit }, Style::Knex) => {
                push(b, "select ");
                for (i, c) in ["id", "amount_cents", "status", "created_at"]
                    .iter()
                    .enumerate()
                {
                    if i > 0 {
                        push(b, ", ");
                    }
                    q(b, c);
                }
                push(b, " from ");
                q(b, "orders");
                push(b, " where ");
                q(b, "customer_id");
                push(b, " = ");
                ph(b, 1, u64::from(customer));
                push(b, " order by ");
                q(b, "created_at");
                push(b, " desc limit ");
                ph(b, 2, u64::from(limit));
            }
            (Stmt::OrdersByCustomer { customer, limit }, Style::Go) => {
                push(
                    b,
                    "SELECT id, amount_cents, status, created_at FROM orders WHERE customer_id = ",
                );
                ph(b, 1, u64::from(customer));
                push(b, " ORDER BY created_at DESC LIMIT ");
                ph(b, 2, u64::from(limit));
            }
            (Stmt::ProductForUpdate(p), Style::SqlAlchemy) => {
                push(b, "SELECT products.id, products.price_cents, products.stock \nFROM products \nWHERE products.id = ");
                num(b, u64::from(p));
                push(b, " FOR UPDATE");
            }
            (Stmt::ProductForUpdate(p), Style::Knex) => {
                push(b, "select * from ");
                q(b, "products");
                push(b, " where ");
                q(b, "id");
                push(b, " = ");
                ph(b, 1, u64::from(p));
                push(b, " for update");
            }
            (Stmt::ProductForUpdate(p), Style::Go) => {
                push(b, "SELECT id, price_cents, stock FROM products WHERE id = ");
                ph(b, 1, u64::from(p));
                push(b, " FOR UPDATE");
            }
            (Stmt::Coupon(code), _) => {
                match style {
                    Style::SqlAlchemy => push(b, "SELECT coupons.code, coupons.percent_off \nFROM coupons \nWHERE coupons.code = '"),
                    Style::Knex => {
                        push(b, "select * from ");
                        q(b, "coupons");
                        push(b, " where ");
                        q(b, "code");
                        push(b, " = '");
                    }
                    Style::Go => push(b, "SELECT code, percent_off FROM coupons WHERE code = '"),
                }
                if bind {
                    b.pop();
                    b.pop();
                    push(
                        b,
                        if dialect == Dialect::Postgres {
                            " $1"
                        } else {
                            " ?"
                        },
                    );
                } else {
                    push(b, code);
                    b.push(b'\'');
                }
                if style == Style::SqlAlchemy {
                    push(b, " AND coupons.active");
                }
            }
            (Stmt::UpdateStock(p), _) => {
                match style {
                    Style::SqlAlchemy => push(
                        b,
                        "UPDATE products SET stock=(products.stock - 1) WHERE products.id = ",
                    ),
                    Style::Knex => {
                        push(b, "update ");
                        q(b, "products");
                        push(b, " set ");
                        q(b, "stock");
                        push(b, " = ");
                        q(b, "stock");
                        push(b, " - 1 where ");
                        q(b, "id");
                        push(b, " = ");
                    }
                    Style::Go => push(b, "UPDATE products SET stock = stock - 1 WHERE id = "),
                }
                ph(b, 1, u64::from(p));
            }
            (
                Stmt::InsertOrder {
                    customer,
                    product,
                    amount_cents,
                },
                _,
            ) => {
                match style {
                    Style::SqlAlchemy => push(b, "INSERT INTO orders (customer_id, product_id, amount_cents, status) VALUES ("),
                    Style::Knex => {
                        push(b, "insert into ");
                        q(b, "orders");
                        push(b, " (");
                        for (i, c) in ["amount_cents", "customer_id", "product_id", "status"]
                            .iter()
                            .enumerate()
                        {
                            if i > 0 {
                                push(b, ", ");
                            }
                            q(b, c);
                        }
                        push(b, ") values (");
                    }
                    Style::Go => push(b, "INSERT INTO orders (customer_id, product_id, amount_cents, status) VALUES ("),
                }
                let vals: [(u32, u64); 3] = if style == Style::Knex {
                    [
                        (1, u64::from(amount_cents)),
                        (2, u64::from(customer)),
                        (3, u64::from(product)),
                    ]
                } else {
                    [
                        (1, u64::from(customer)),
                        (2, u64::from(product)),
                        (3, u64::from(amount_cents)),
                    ]
                };
                for (i, (n, v)) in vals.iter().enumerate() {
                    if i > 0 {
                        push(b, ", ");
                    }
                    ph(b, *n, *v);
                }
                push(b, ", 'paid')");
                if dialect == Dialect::Postgres {
                    push(
                        b,
                        if style == Style::Knex {
                            " returning \"id\""
                        } else {
                            " RETURNING id"
                        },
                    );
                }
            }
            (Stmt::Begin, _) => push(
                b,
                match (style, dialect) {
                    (Style::Knex, Dialect::Mysql) => "BEGIN",
                    (_, Dialect::Mysql) => "START TRANSACTION",
                    _ => "BEGIN",
                },
            ),
            (Stmt::Commit, _) => push(b, "COMMIT"),
            (Stmt::Rollback, _) => push(b, "ROLLBACK"),
            (Stmt::DropIndex, _) => match dialect {
                Dialect::Postgres => {
                    push(b, "DROP INDEX CONCURRENTLY IF EXISTS ");
                    push(b, INDEX);
                }
                Dialect::Mysql => {
                    push(b, "ALTER TABLE orders DROP INDEX ");
                    push(b, INDEX);
                }
            },
            (Stmt::CreateIndex, _) => match dialect {
                Dialect::Postgres => {
                    push(b, "CREATE INDEX CONCURRENTLY IF NOT EXISTS ");
                    push(b, INDEX);
                    push(b, " ON orders (customer_id, created_at)");
                }
                Dialect::Mysql => {
                    push(b, "ALTER TABLE orders ADD INDEX ");
                    push(b, INDEX);
                    push(
                        b,
                        " (customer_id, created_at), ALGORITHM=INPLACE, LOCK=NONE",
                    );
                }
            },
        }
    }

    /// The bound values as PostgreSQL's `DETAIL:  parameters:` lists them.
    pub fn pg_parameters(self, b: &mut Vec<u8>) {
        let vals: Vec<String> = match self {
            Stmt::OrderById(id) => vec![id.to_string(), "1".to_string()],
            Stmt::OrdersByCustomer { customer, limit } => {
                vec![customer.to_string(), limit.to_string()]
            }
            Stmt::ProductForUpdate(p) | Stmt::UpdateStock(p) => vec![p.to_string()],
            Stmt::Coupon(c) => vec![c.to_string()],
            Stmt::InsertOrder {
                customer,
                product,
                amount_cents,
            } => vec![
                customer.to_string(),
                product.to_string(),
                amount_cents.to_string(),
            ],
            _ => Vec::new(),
        };
        push(b, "parameters: ");
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                push(b, ", ");
            }
            b.push(b'$');
            num(b, i as u64 + 1);
            push(b, " = '");
            push(b, v);
            b.push(b'\'');
        }
    }

    /// Whether the statement has bind parameters (for the `DETAIL` line).
    pub fn has_params(self) -> bool {
        !matches!(
            self,
            Stmt::Begin | Stmt::Commit | Stmt::Rollback | Stmt::DropIndex | Stmt::CreateIndex
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: Stmt, style: Style, d: Dialect, bind: bool) -> String {
        let mut b = Vec::new();
        s.render(style, d, bind, &mut b);
        String::from_utf8_lossy(&b).into_owned()
    }

    #[test]
    fn styles() {
        let list = Stmt::OrdersByCustomer {
            customer: 2207,
            limit: 20,
        };
        assert_eq!(
            text(list, Style::Knex, Dialect::Mysql, false),
            "select `id`, `amount_cents`, `status`, `created_at` from `orders` where `customer_id` = 2207 order by `created_at` desc limit 20"
        );
        assert_eq!(
            text(list, Style::Go, Dialect::Postgres, true),
            "SELECT id, amount_cents, status, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2"
        );
        assert_eq!(
            text(Stmt::Coupon("SPRING10"), Style::Go, Dialect::Mysql, true),
            "SELECT code, percent_off FROM coupons WHERE code = ?"
        );
        assert_eq!(
            text(Stmt::DropIndex, Style::Go, Dialect::Mysql, false),
            "ALTER TABLE orders DROP INDEX orders_customer_id_created_at_idx"
        );
        let mut p = Vec::new();
        list.pg_parameters(&mut p);
        assert_eq!(
            String::from_utf8_lossy(&p),
            "parameters: $1 = '2207', $2 = '20'"
        );
    }
}
