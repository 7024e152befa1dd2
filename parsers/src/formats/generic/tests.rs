use super::Generic;
use crate::testing::check_table;

#[test]
fn generic_table() {
    check_table(
        &Generic,
        &[
            (
                "2026-11-21 05:53:09,463 ERROR something broke",
                &["2026-11-21T05:53:09.463Z[zone-assumed] error | something broke"],
            ),
            (
                "[2026-11-21T05:53:09Z] [warn] disk at 91%",
                &["2026-11-21T05:53:09.000Z warn | disk at 91%"],
            ),
            (
                "2026-11-21T06:53:09.5+01:00 | INFO | started",
                &["2026-11-21T05:53:09.500Z info | started"],
            ),
            (
                "Nov 21 05:53:09 no level here",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info | no level here"],
            ),
            (
                "2026-11-21 05:53:09 ERROR boom\n  at frame one\n  at frame two\n2026-11-21 05:53:10 INFO next",
                &[
                    "2026-11-21T05:53:09.000Z[zone-assumed] error | boom\\n  at frame one\\n  at frame two",
                    "2026-11-21T05:53:10.000Z[zone-assumed] info | next",
                ],
            ),
            (
                "orphan line before any timestamp\n2026-11-21 05:53:10 INFO ok",
                &[
                    "UNPARSED | orphan line before any timestamp",
                    "2026-11-21T05:53:10.000Z[zone-assumed] info | ok",
                ],
            ),
            ("2026-13-45 05:53:09 bad date", &["UNPARSED | 2026-13-45 05:53:09 bad date"]),
            ("", &[]),
            (
                "21/Nov/2026:05:53:10 +0100 WARNING: clf time",
                &["2026-11-21T04:53:10.000Z warn | clf time"],
            ),
        ],
    );
}

#[test]
fn generic_wins_detection_on_its_sample() {
    let sample = include_bytes!("../../../../tests/samples/generic.log");
    let detection = crate::Registry::default()
        .detect(sample, &crate::testing::ctx())
        .expect("a format reads the sample");
    assert_eq!(detection.format.name(), "generic", "{detection:?}");
}
