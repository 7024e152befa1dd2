//! Pieces the MySQL / MariaDB formats share: the accounts and addresses
//! their messages quote (`'app'@'203.0.113.7'`, `host: 'localhost'`).

use std::borrow::Cow;
use std::net::IpAddr;

use crate::event::Fields;

/// Whether `s` is an IPv4 or IPv6 address literal.
pub(crate) fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// Sets the host a client connected from, as MySQL wrote it (a name or an
/// address), and `client` too when it is an address.
pub(crate) fn set_host<'a>(fields: &mut Fields<'a>, host: &'a str) {
    if host.is_empty() {
        return;
    }
    if fields.host.is_none() {
        fields.host = Some(Cow::Borrowed(host));
    }
    if fields.client.is_none() && is_ip(host) {
        fields.client = Some(Cow::Borrowed(host));
    }
}

/// The value quoted after `key` in `text`: `quoted_after("db: 'shop' x", "db: ")` is `shop`.
pub(crate) fn quoted_after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(key)? + key.len();
    let rest = text.get(at..)?.strip_prefix('\'')?;
    let end = rest.find('\'')?;
    rest.get(..end)
}

/// The account of `Access denied for user 'app'@'203.0.113.7' (using password: YES)`:
/// the user and the host.
pub(crate) fn access_denied(text: &str) -> Option<(&str, &str)> {
    let at = text.find("Access denied for user '")? + "Access denied for user ".len();
    let rest = text.get(at..)?;
    let user = quoted_after(rest, "")?;
    let host = quoted_after(rest.get(user.len() + 2..)?, "@")?;
    Some((user, host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_reads_user_and_host() {
        assert_eq!(
            access_denied("Access denied for user 'app'@'203.0.113.7' (using password: YES)"),
            Some(("app", "203.0.113.7"))
        );
        assert_eq!(
            access_denied("Access denied for user ''@'localhost' (using password: NO)"),
            Some(("", "localhost"))
        );
        assert_eq!(access_denied("Access denied for user 'app"), None);
        assert_eq!(access_denied("Access denied for user 'app'@"), None);
        assert_eq!(access_denied("nothing here"), None);
    }
}
