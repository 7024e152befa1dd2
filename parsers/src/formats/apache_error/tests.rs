use super::ApacheError;
use crate::testing::{check_table, ctx};
use crate::Registry;

#[test]
fn apache_error_table() {
    check_table(
        &ApacheError,
        &[
            // 2.4: module:level, pid:tid, client with port, AH code.
            (
                "[Sat Nov 21 05:53:08.123456 2026] [core:error] [pid 1234:tid 140000] [client 203.0.113.5:51234] AH00124: Request exceeded the limit of 10 internal redirects due to probable configuration error. Use 'LimitInternalRecursion' to increase the limit if necessary. Use 'LogLevel debug' to get a backtrace.",
                &["2026-11-21T05:53:08.123Z[zone-assumed] error client=203.0.113.5 pid=1234 session=140000 logger=core code=AH00124 | AH00124: Request exceeded the limit of 10 internal redirects due to probable configuration error. Use \\'LimitInternalRecursion\\' to increase the limit if necessary. Use \\'LogLevel debug\\' to get a backtrace."],
            ),
            // 2.4: the APR status comes before the client bracket, the referer after the message.
            (
                "[Sat Nov 21 06:00:49.004512 2026] [proxy_http:error] [pid 2211:tid 139912] (70007)The timeout specified has expired: [client 2001:db8::7:51234] AH01102: error reading status line from remote server 127.0.0.1:8080, referer: https://shop.example.com/cart",
                &["2026-11-21T06:00:49.004Z[zone-assumed] error client=2001:db8::7 pid=2211 session=139912 logger=proxy_http code=AH01102 referer=https://shop.example.com/cart | (70007)The timeout specified has expired: AH01102: error reading status line from remote server 127.0.0.1:8080"],
            ),
            // 2.4 without a request: status and code, no client; prefork writes no tid.
            (
                "[Sat Nov 21 06:00:50.000001 2026] [proxy:error] [pid 2212] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed",
                &["2026-11-21T06:00:50.000Z[zone-assumed] error pid=2212 logger=proxy code=AH00957 | (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed"],
            ),
            // A backend connection is `[remote …]`; an empty module name; a debug source location.
            (
                "[Sat Nov 21 06:00:51.250000 2026] [proxy:debug] [pid 2212:tid 139913] proxy_util.c(2797): [remote 192.0.2.10:8080] AH00947: connected /api/orders to 192.0.2.10:8080\n[Sat Nov 21 06:00:52.000000 2026] [:error] [pid 2213:tid 139914] [client 198.51.100.4:40112] PHP Warning:  Undefined variable $cart in /var/www/shop/cart.php on line 42",
                &[
                    "2026-11-21T06:00:51.250Z[zone-assumed] debug upstream=192.0.2.10:8080 pid=2212 session=139913 logger=proxy code=AH00947 | proxy_util.c(2797): AH00947: connected /api/orders to 192.0.2.10:8080",
                    "2026-11-21T06:00:52.000Z[zone-assumed] error client=198.51.100.4 pid=2213 session=139914 | PHP Warning:  Undefined variable $cart in /var/www/shop/cart.php on line 42",
                ],
            ),
            // Startup: mpm notice, then a line written before the log was set up continues it.
            (
                "[Sat Nov 21 05:53:07.998877 2026] [mpm_event:notice] [pid 2200:tid 140001] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations\nAH00558: apache2: Could not reliably determine the server's fully qualified domain name, using 127.0.1.1",
                &["2026-11-21T05:53:07.998Z[zone-assumed] notice pid=2200 session=140001 logger=mpm_event code=AH00489 | AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations\\nAH00558: apache2: Could not reliably determine the server\\'s fully qualified domain name, using 127.0.1.1"],
            ),
            // 2.2: no module, no pid, client without port (IPv6 kept whole), status after the client.
            (
                "[Sat Nov 21 05:53:08 2026] [error] [client 2001:db8::1] File does not exist: /var/www/html/favicon.ico\n[Sat Nov 21 05:53:09 2026] [crit] [client 192.0.2.4] (13)Permission denied: /var/www/html/.htaccess pcfg_openfile: unable to check htaccess file, ensure it is readable, referer: http://www.example.org/",
                &[
                    "2026-11-21T05:53:08.000Z[zone-assumed] error client=2001:db8::1 | File does not exist: /var/www/html/favicon.ico",
                    "2026-11-21T05:53:09.000Z[zone-assumed] fatal client=192.0.2.4 referer=http://www.example.org/ | (13)Permission denied: /var/www/html/.htaccess pcfg_openfile: unable to check htaccess file, ensure it is readable",
                ],
            ),
            (
                "[Sat Nov 21 05:53:10 2026] [notice] Apache/2.2.22 (Ubuntu) PHP/5.3.10 configured -- resuming normal operations\n[Sat Nov 21 05:53:11.5 2026] [ssl:trace3] [pid 7:tid 8] [client 192.0.2.9:443] ",
                &[
                    "2026-11-21T05:53:10.000Z[zone-assumed] notice | Apache/2.2.22 (Ubuntu) PHP/5.3.10 configured -- resuming normal operations",
                    "2026-11-21T05:53:11.500Z[zone-assumed] trace client=192.0.2.9 pid=7 session=8 logger=ssl | ",
                ],
            ),
            // Malformed: unknown level, bad date, no brackets, other formats.
            (
                "[Sat Nov 21 05:53:08 2026] [fatal] [client 192.0.2.4] nope",
                &["UNPARSED | [Sat Nov 21 05:53:08 2026] [fatal] [client 192.0.2.4] nope"],
            ),
            (
                "[Sat Nov 31 05:53:08 2026] [error] bad day",
                &["UNPARSED | [Sat Nov 31 05:53:08 2026] [error] bad day"],
            ),
            (
                "[Sat Nov 21 05:53:08 2026] [core:error] [pid abc] bad pid",
                &["UNPARSED | [Sat Nov 21 05:53:08 2026] [core:error] [pid abc] bad pid"],
            ),
            (
                "2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out",
                &["UNPARSED | 2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out"],
            ),
            (
                "[2026-11-21 05:53:09 +0000] [16501] [INFO] Booting worker with pid: 16501",
                &["UNPARSED | [2026-11-21 05:53:09 +0000] [16501] [INFO] Booting worker with pid: 16501"],
            ),
        ],
    );
}

#[test]
fn cut_records_do_not_panic() {
    let line = "[Sat Nov 21 06:00:49.004512 2026] [proxy_http:error] [pid 2211:tid 139912] (70007)The timeout: [client 2001:db8::7:51234] AH01102: é, referer: ü";
    for cut in 0..=line.len() {
        if let Some(prefix) = line.get(..cut) {
            let _ = crate::testing::summaries(&ApacheError, prefix, &ctx());
        }
    }
}

#[test]
fn detection_picks_apache_error_on_its_samples() {
    for (name, sample) in [
        (
            "apache-error.log",
            &include_bytes!("../../../../tests/samples/apache-error.log")[..],
        ),
        (
            "apache-error.2.2.log",
            &include_bytes!("../../../../tests/samples/apache-error.2.2.log")[..],
        ),
    ] {
        let d = Registry::default().detect(sample, &ctx()).expect(name);
        assert_eq!(d.format.name(), "apache-error", "{name}: {d:?}");
        assert!(d.confidence > 0.99, "{name}: {d:?}");
    }
}

/// Found by the `access` fuzz target: byte 256 of the message fell inside a
/// multi-byte character and the status-prefix probe sliced there.
#[test]
fn regression_multibyte_character_at_byte_256_does_not_panic() {
    let line = format!(
        "[Sat Nov 21 14:02:00 2026] [error] (104)Connection reset by peer{}",
        "é".repeat(200)
    );
    let ev = crate::format::Format::parse(&super::ApacheError, &line, &crate::testing::ctx())
        .expect("still an Apache error line");
    assert!(ev.message.ends_with('é'));
}
