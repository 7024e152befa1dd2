//! Message templates: a message with its variable parts masked, so that
//! `connection received: host=10.0.0.5 port=52694` and
//! `connection received: host=10.0.0.9 port=41000` count as one kind of
//! event. The masking is stateless — each message alone decides its
//! template — so it runs in the parallel ingest workers; the analysis then
//! groups templates further (Drain-style) where tokens still vary.

/// The placeholder for a variable token.
pub const WILDCARD: &str = "<*>";

/// At most this many tokens of a message make its template.
const MAX_TOKENS: usize = 24;

/// Whether a token (or a `key=value` value) is variable: it holds a digit,
/// or is a long hex/base64-ish identifier.
fn is_variable(tok: &str) -> bool {
    let t = tok.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return false;
    }
    if t.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    t.len() >= 16 && t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Masks the variable tokens of a message's first line.
pub fn template_of(message: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    let mut out = String::with_capacity(first.len().min(256));
    for (i, tok) in first.split_whitespace().enumerate() {
        if i == MAX_TOKENS {
            out.push_str(" …");
            break;
        }
        if i > 0 {
            out.push(' ');
        }
        if tok.starts_with('"') || tok.starts_with('\'') {
            out.push_str(WILDCARD);
            continue;
        }
        match tok.split_once('=') {
            Some((k, v)) if !k.is_empty() && !is_variable(k) => {
                out.push_str(k);
                out.push('=');
                out.push_str(if is_variable(v) || v.starts_with('"') {
                    WILDCARD
                } else {
                    v
                });
            }
            _ if is_variable(tok) => {
                // Keep a path's stable parts: /api/orders/2373 -> /api/orders/<*>
                if tok.contains('/') {
                    let masked: Vec<&str> = tok
                        .split('/')
                        .map(|seg| if is_variable(seg) { WILDCARD } else { seg })
                        .collect();
                    out.push_str(&masked.join("/"));
                } else {
                    out.push_str(WILDCARD);
                }
            }
            _ => out.push_str(tok),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::template_of;

    #[test]
    fn masks_numbers_ids_addresses_and_quoted_values() {
        assert_eq!(
            template_of("connection received: host=127.0.0.1 port=52694"),
            "connection received: host=<*> port=<*>"
        );
        assert_eq!(
            template_of("connection authorized: user=app database=shop application_name=shop-api"),
            "connection authorized: user=app database=shop application_name=shop-api"
        );
        assert_eq!(
            template_of("GET /api/orders/2373 HTTP/1.1"),
            "GET /api/orders/<*> HTTP/<*>"
        );
        assert_eq!(
            template_of("request_id=68fe86bde6ddf637362b66d21f1c6fe3 status=200 took"),
            "request_id=<*> status=<*> took"
        );
        assert_eq!(template_of("user \"bob\" logged in"), "user <*> logged in");
        assert_eq!(template_of("Traceback\n  File x"), "Traceback");
        assert_eq!(template_of(""), "");
    }

    #[test]
    fn long_messages_are_cut_to_a_bounded_template() {
        let long = "word ".repeat(100);
        let t = template_of(&long);
        assert!(t.ends_with('…'));
        assert_eq!(t.split_whitespace().count(), 25);
    }
}
