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
    if tok.is_ascii() {
        return is_variable_ascii(tok.as_bytes());
    }
    let t = tok.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return false;
    }
    if t.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    t.len() >= 16 && t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// [`is_variable`] of an ASCII token, byte by byte. Digits are never
/// trimmed (they are alphanumeric), so they are looked for untrimmed.
fn is_variable_ascii(tok: &[u8]) -> bool {
    if tok.iter().any(u8::is_ascii_digit) {
        return true;
    }
    if tok.len() < 16 {
        return false;
    }
    let Some(start) = tok.iter().position(u8::is_ascii_alphanumeric) else {
        return false;
    };
    let end = tok
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .unwrap_or(start)
        + 1;
    let t = &tok[start..end];
    t.len() >= 16 && t.iter().all(|&b| b.is_ascii_hexdigit() || b == b'-')
}

/// Unicode's white space among ASCII bytes (what `split_whitespace` splits on).
fn is_space(b: u8) -> bool {
    SPACE[usize::from(b)]
}

/// [`is_space`] as a table: one load per byte, no branches to mispredict.
static SPACE: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t[0x0B] = true;
    t[0x0C] = true;
    t[b'\r' as usize] = true;
    t[b' ' as usize] = true;
    t
};

/// Masks the variable tokens of a message's first line.
pub fn template_of(message: &str) -> String {
    let mut out = String::new();
    template_into(&mut out, message);
    out
}

/// [`template_of`] into `out` (cleared first), to reuse one buffer.
pub fn template_into(out: &mut String, message: &str) {
    out.clear();
    let first = message.lines().next().unwrap_or("");
    if first.is_ascii() {
        // Most lines: split on bytes, not on decoded characters.
        let bytes = first.as_bytes();
        let (mut i, mut n) = (0, 0);
        loop {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() {
                break;
            }
            let start = i;
            while i < bytes.len() && !is_space(bytes[i]) {
                i += 1;
            }
            if !push_token(out, n, &first[start..i], true) {
                break;
            }
            n += 1;
        }
    } else {
        for (n, tok) in first.split_whitespace().enumerate() {
            if !push_token(out, n, tok, false) {
                break;
            }
        }
    }
}

/// Adds the `n`th token of a message to its template; false once the
/// template is full (the rest is cut).
fn push_token(out: &mut String, n: usize, tok: &str, ascii: bool) -> bool {
    let is_variable = |t: &str| {
        if ascii {
            is_variable_ascii(t.as_bytes())
        } else {
            is_variable(t)
        }
    };
    if n == MAX_TOKENS {
        out.push_str(" …");
        return false;
    }
    if n > 0 {
        out.push(' ');
    }
    if tok.starts_with('"') || tok.starts_with('\'') {
        out.push_str(WILDCARD);
        return true;
    }
    // Byte searches: `=` and `/` are ASCII, their positions split UTF-8 safely.
    let pair = tok
        .bytes()
        .position(|b| b == b'=')
        .map(|i| (&tok[..i], &tok[i + 1..]));
    match pair {
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
            if tok.as_bytes().contains(&b'/') {
                for (i, seg) in tok.split('/').enumerate() {
                    if i > 0 {
                        out.push('/');
                    }
                    out.push_str(if is_variable(seg) { WILDCARD } else { seg });
                }
            } else {
                out.push_str(WILDCARD);
            }
        }
        _ => out.push_str(tok),
    }
    true
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

    /// The masking as first written, character by character: the byte-wise
    /// path must give exactly its templates.
    fn reference(message: &str) -> String {
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
        let first = message.lines().next().unwrap_or("");
        let mut out = String::new();
        for (i, tok) in first.split_whitespace().enumerate() {
            if i == super::MAX_TOKENS {
                out.push_str(" …");
                break;
            }
            if i > 0 {
                out.push(' ');
            }
            if tok.starts_with('"') || tok.starts_with('\'') {
                out.push_str(super::WILDCARD);
                continue;
            }
            match tok.split_once('=') {
                Some((k, v)) if !k.is_empty() && !is_variable(k) => {
                    out.push_str(k);
                    out.push('=');
                    out.push_str(if is_variable(v) || v.starts_with('"') {
                        super::WILDCARD
                    } else {
                        v
                    });
                }
                _ if is_variable(tok) => {
                    if tok.contains('/') {
                        let masked: Vec<&str> = tok
                            .split('/')
                            .map(|seg| {
                                if is_variable(seg) {
                                    super::WILDCARD
                                } else {
                                    seg
                                }
                            })
                            .collect();
                        out.push_str(&masked.join("/"));
                    } else {
                        out.push_str(super::WILDCARD);
                    }
                }
                _ => out.push_str(tok),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_bytewise_masking_is_the_characterwise_one(
            message in "([ \t\x0b\x0c\r\n=/\"'a-fA-F0-9xyz._:-]|\u{a0}|\u{2003}|é|\u{85}){0,120}"
        ) {
            proptest::prop_assert_eq!(template_of(&message), reference(&message));
        }
    }

    #[test]
    fn real_lines_are_masked_as_before() {
        for line in [
            "GET /api/orders/2373 HTTP/1.1",
            "connection received: host=10.0.0.5 port=52694",
            "duration: 12.5 ms  statement: SELECT * FROM orders WHERE id = 5",
            "worker 3f2a9c1e-77b0-4c6e-9d2b-1a2b3c4d5e6f\tbooted",
            "key=\"quoted value\" other='x' =bare 5=five",
            "\x0bvertical\x0ctab",
        ] {
            assert_eq!(template_of(line), reference(line), "{line}");
        }
    }

    #[test]
    fn long_messages_are_cut_to_a_bounded_template() {
        let long = "word ".repeat(100);
        let t = template_of(&long);
        assert!(t.ends_with('…'));
        assert_eq!(t.split_whitespace().count(), 25);
    }
}
