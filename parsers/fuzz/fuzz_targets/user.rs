//! User-defined formats: TOML and regex.
//!
//! An input starting with `T` is TOML text up to the first NUL byte, and
//! the log after it. Any other input is split in lines: `time_format`,
//! `regex`, `zone`, `multiline_start` (empty: none), then the log — so the
//! fuzzer explores strftime patterns, regexes and zones without first having
//! to write valid TOML. Formats that load are run over the log.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use onset_parsers::{user, Format};
use onset_parsers_fuzz::exercise;

fn structured(data: &[u8]) -> Option<(String, &[u8])> {
    let mut parts = data.splitn(5, |&b| b == b'\n');
    let mut field = || {
        parts
            .next()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    };
    let (time_format, regex, zone, start) = (field()?, field()?, field()?, field()?);
    let log = data.splitn(5, |&b| b == b'\n').nth(4).unwrap_or(&[]);
    let mut table = toml::Table::new();
    table.insert("name".into(), "fuzz".into());
    table.insert("regex".into(), regex.into());
    table.insert("time_format".into(), time_format.into());
    if !zone.is_empty() {
        table.insert("zone".into(), zone.into());
    }
    if !start.is_empty() {
        table.insert("multiline_start".into(), start.into());
    }
    table.insert(
        "levels".into(),
        toml::Value::Table(toml::Table::from_iter([("W".to_string(), "warn".into())])),
    );
    Some((table.to_string(), log))
}

fuzz_target!(|data: &[u8]| {
    let (toml, log): (String, &[u8]) = if let Some(rest) = data.strip_prefix(b"T") {
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (
            String::from_utf8_lossy(&rest[..end]).into_owned(),
            rest.get(end + 1..).unwrap_or(&[]),
        )
    } else {
        match structured(data) {
            Some(s) => s,
            None => return,
        }
    };
    let Ok(formats) = user::from_toml_str(&toml) else {
        return;
    };
    let formats: Vec<Arc<dyn Format>> = formats
        .into_iter()
        .map(|f| Arc::new(f) as Arc<dyn Format>)
        .collect();
    exercise(&formats, log);
});
