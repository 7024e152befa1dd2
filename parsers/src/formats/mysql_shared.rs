//! Pieces the MySQL / MariaDB formats share: the header `mysqld` writes
//! when it opens a slow or general log, and the accounts and addresses its
//! messages quote (`'app'@'203.0.113.7'`, `host: 'localhost'`).

use std::borrow::Cow;
use std::net::IpAddr;

use crate::event::{Event, Fields, Level};

/// Whether `line` is the first line of the header `mysqld` writes each time
/// it opens a slow or general log:
/// `/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:`.
pub(crate) fn is_header_start(line: &str) -> bool {
    line.trim_end().ends_with("started with:") && line.contains(", Version: ")
}

/// Whether `line` is any line of that header: the version line, then
/// `Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock` (on Windows
/// `TCP Port: 3306, Named Pipe: MySQL`), then the column titles
/// `Time                 Id Command    Argument` (MariaDB:
/// `Time\t\t    Id Command\tArgument`).
pub(crate) fn is_header_line(line: &str) -> bool {
    is_header_start(line)
        || line.starts_with("Tcp port: ")
        || line.starts_with("TCP Port: ")
        || (line.starts_with("Time") && line.contains("Id Command") && line.contains("Argument"))
}

/// Reads a record that begins with a header line as one informational event
/// without a time of its own: the message is the header text, `version` the
/// server version it names. Any line after the header must be one that
/// `trailer` accepts (a slow log's next `# Time:` line), else this is not a
/// header record but a file in another format that starts like one.
pub(crate) fn header_event(record: &str, trailer: impl Fn(&str) -> bool) -> Option<Event<'_>> {
    let first = record.lines().next()?;
    if !is_header_line(first) {
        return None;
    }
    let mut end = 0;
    let mut lines = record.split('\n').peekable();
    while let Some(line) = lines.next_if(|l| is_header_line(l)) {
        end += line.len() + 1;
    }
    if !lines.all(trailer) {
        return None;
    }
    let text = record.get(..end.min(record.len())).unwrap_or(record);
    let mut fields = Fields::default();
    if let Some((_, after)) = first.split_once(", Version: ") {
        let v = after.trim_end();
        let v = v.strip_suffix("started with:").unwrap_or(v).trim_end();
        let version = v.strip_suffix('.').unwrap_or(v);
        fields
            .extra
            .push((Cow::Borrowed("version"), Cow::Borrowed(version.trim())));
    }
    Some(Event {
        timestamp: None,
        level: Level::Info,
        message: Cow::Borrowed(text.trim_end()),
        fields,
        ..Event::default()
    })
}

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

    use proptest::prelude::*;

    proptest! {
        /// No input makes a MySQL format panic, however it mixes their pieces.
        #[test]
        fn mysql_formats_never_panic(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("2026-11-21T05:53:08.123456Z ".to_string()),
                    Just("2026-11-21  5:53:08 ".to_string()),
                    Just("261121  5:53:08".to_string()),
                    Just("05:53:08 UTC - ".to_string()),
                    Just("\t\t   42 ".to_string()),
                    Just("\t".to_string()),
                    Just("\n".to_string()),
                    Just("[Note] ".to_string()),
                    Just("[MY-010116] [Server]".to_string()),
                    Just("# User@Host: app[app] @ ".to_string()),
                    Just("# Query_time: 1.5  Lock_time:".to_string()),
                    Just("SET timestamp=".to_string()),
                    Just("Aborted connection 4 to db: '".to_string()),
                    Just("Access denied for user '".to_string()),
                    Just("'@'".to_string()),
                    Just(", Version: ".to_string()),
                    Just("Connect\t".to_string()),
                    "\\PC{0,12}",
                ],
                0..24,
            )
        ) {
            let text = parts.concat();
            let ctx = crate::testing::ctx();
            let formats: [&dyn crate::Format; 3] = [
                &crate::formats::mysql_error::MysqlError,
                &crate::formats::mysql_slow::MysqlSlow,
                &crate::formats::mysql_general::MysqlGeneral,
            ];
            for format in formats {
                let _ = crate::testing::summaries(format, &text, &ctx);
            }
        }
    }

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

    #[test]
    fn header_lines_are_recognized() {
        assert!(is_header_start(
            "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:"
        ));
        assert!(is_header_line(
            "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock"
        ));
        assert!(is_header_line(
            "Time                 Id Command    Argument"
        ));
        assert!(is_header_line("Time\t\t    Id Command\tArgument"));
        assert!(is_header_start(
            "C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:"
        ));
        assert!(is_header_line("TCP Port: 3306, Named Pipe: MySQL"));
        assert!(!is_header_line("Time: 2026"));
        let ev = header_event(
            "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:",
            |_| false,
        )
        .expect("header");
        assert_eq!(
            ev.fields.extra,
            vec![(
                Cow::Borrowed("version"),
                Cow::Borrowed("10.11.6-MariaDB-0+deb12u1-log (Debian 12)")
            )]
        );
    }
}
