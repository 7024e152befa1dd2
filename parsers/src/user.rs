//! User-defined formats: a log format described in TOML, read with a regex,
//! added to the [`Registry`](crate::Registry) at run time — no recompiling.
//!
//! A file describes one format with top-level keys, or several with
//! `[[format]]` tables (the two shapes cannot be mixed in one file):
//!
//! ```toml
//! name = "shop-worker"            # unique; becomes the --format name
//! kind = "app"                     # load-balancer | app | database | system (default app)
//! description = "Our queue worker" # optional
//! regex = '^(?P<time>\S+ \S+) \[(?P<level>\w+)\] (?P<logger>[\w.]+) - (?P<message>.*)$'
//! time_format = "%Y-%m-%d %H:%M:%S%.3f"  # strftime, "epoch" or "auto" (default)
//! zone = "Europe/Berlin"           # optional: zone of zone-less times of this format
//! multiline_start = '^\d{4}-\d{2}-\d{2} '  # optional: lines not matching continue a record
//! specificity = 0.9                # optional, in (0, 1]; default 0.9
//!
//! [levels]                         # optional: raw level text -> level
//! "W" = "warn"
//! "CRIT" = "fatal"
//! ```
//!
//! The regex (Rust [`regex`] syntax) is applied to the first line of each
//! record; a line it does not match is not of this format. Its named
//! captures are read as follows:
//!
//! - `time`: the timestamp, read with `time_format` — a chrono `strftime`
//!   pattern (`%z` for an offset; without a year, the year is inferred),
//!   `"epoch"` (seconds, ms, µs or ns, told apart by magnitude) or `"auto"`
//!   (every shape [`any_timestamp`] knows, then epochs). A format without a
//!   `time` capture gives events without a timestamp (the ingest gives them
//!   their predecessor's).
//! - `level`: looked up in `[levels]` (exactly, then ignoring case), then as
//!   a level word (`WARN`, `err`, `E`…); an unknown word gives `info` and is
//!   kept in `extra` as `level`. Without a `level` capture the level is
//!   derived from an HTTP `status` capture (5xx error, 4xx warn), else `info`.
//! - `message`: the message; continuation lines are appended to it. Without
//!   it the message is the whole record.
//! - any other name goes through [`Fields::set`](crate::Fields::set): known
//!   names and their aliases (`status`, `duration_ms`, `client`,
//!   `request_id`, `pid`, `user`, `db`…) fill typed fields, with unit
//!   conversion for durations; the rest go to `extra`.
//!
//! Records span several lines when `multiline_start` is given (lines it
//! does not match continue the record before), or when `multiline = true`
//! (lines the main regex does not match continue the record before).
//!
//! ```
//! use std::sync::Arc;
//! use onset_parsers::{framing::Framer, parse_record, user, Registry, TimeContext};
//!
//! let toml = r#"
//!     name = "shop-worker"
//!     regex = '^(?P<time>\S+ \S+) \[(?P<level>\w+)\] (?P<message>.*)$'
//!     time_format = "%Y-%m-%d %H:%M:%S"
//! "#;
//! let mut registry = Registry::default();
//! for format in user::from_toml_str(toml).expect("a valid format") {
//!     registry.add(Arc::new(format));
//! }
//! let log = b"2026-11-21 05:53:09 [W] queue is backing up\n";
//! let ctx = TimeContext::default();
//! let format = registry.get("shop-worker").expect("registered");
//! let record = Framer::new(log, format.as_ref(), 1, 0).next().expect("one record");
//! let event = parse_record(format.as_ref(), &record, &ctx, None);
//! assert_eq!(event.level, onset_parsers::Level::Warn);
//! assert_eq!(event.message, "queue is backing up");
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::format::{Item, StrftimeItems};
use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;

use crate::common::{non_empty, timestamp};
use crate::event::{Event, Fields, Kind, Level, Timestamp};
use crate::format::{Format, ParseError};
use crate::time::{any_timestamp, epoch_text, with_pattern, ParsedTime, TimeContext};

/// The specificity of a user format that does not set one: above the
/// permissive built-ins (generic, logfmt), below the rigid ones.
pub const DEFAULT_SPECIFICITY: f64 = 0.9;

/// What is wrong with a user format file. Every message is complete on its
/// own (file, format name, the offending value), ready to print.
#[derive(Debug, thiserror::Error)]
pub enum UserFormatError {
    /// The directory or a file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// An error in one file of a directory.
    #[error("{}: {error}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        error: Box<UserFormatError>,
    },
    /// The text is not valid TOML, or has a key a format does not have.
    #[error("invalid TOML: {0}")]
    Toml(String),
    /// `format` is not an array of tables, or is mixed with top-level keys.
    #[error("{0}")]
    Shape(&'static str),
    /// A format without `name`.
    #[error("format #{index}: missing `name`")]
    MissingName {
        /// 1-based position of the format in the file.
        index: usize,
    },
    /// A name that cannot be a `--format` value.
    #[error("format `{name}`: a name must be non-empty ASCII letters, digits, `-`, `_` or `.`")]
    BadName {
        /// The name.
        name: String,
    },
    /// The same name twice.
    #[error("format `{name}` is defined twice{}", first.as_ref().map(|p| format!(" (first in {})", p.display())).unwrap_or_default())]
    DuplicateName {
        /// The name.
        name: String,
        /// The file of the first definition, when loading a directory.
        first: Option<PathBuf>,
    },
    /// A format without `regex`.
    #[error("format `{name}`: missing `regex`")]
    MissingRegex {
        /// The format.
        name: String,
    },
    /// A regex that does not compile.
    #[error("format `{name}`: bad regex in `{key}`: {error}")]
    BadRegex {
        /// The format.
        name: String,
        /// `regex` or `multiline_start`.
        key: &'static str,
        /// Why it does not compile.
        error: regex::Error,
    },
    /// A `kind` that is not one of the four.
    #[error(
        "format `{name}`: unknown kind `{kind}` (expected load-balancer, app, database or system)"
    )]
    UnknownKind {
        /// The format.
        name: String,
        /// The kind as written.
        kind: String,
    },
    /// A level name in `[levels]` that is not a level.
    #[error("format `{name}`: unknown level `{level}` for `{raw}` in [levels] (expected trace, debug, info, notice, warn, error or fatal)")]
    UnknownLevel {
        /// The format.
        name: String,
        /// The raw text being mapped.
        raw: String,
        /// The level as written.
        level: String,
    },
    /// A `zone` that is not an IANA zone name.
    #[error("format `{name}`: unknown zone `{zone}` (expected an IANA name such as Europe/Berlin or UTC)")]
    BadZone {
        /// The format.
        name: String,
        /// The zone as written.
        zone: String,
    },
    /// A `time_format` that is not a valid strftime pattern.
    #[error("format `{name}`: bad time_format `{pattern}` (expected a chrono strftime pattern, \"epoch\" or \"auto\")")]
    BadTimeFormat {
        /// The format.
        name: String,
        /// The pattern as written.
        pattern: String,
    },
    /// A specificity outside `(0, 1]`.
    #[error("format `{name}`: specificity {value} is not in (0, 1]")]
    BadSpecificity {
        /// The format.
        name: String,
        /// The value.
        value: f64,
    },
}

/// One format as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: Option<String>,
    kind: Option<String>,
    description: Option<String>,
    regex: Option<String>,
    time_format: Option<String>,
    zone: Option<String>,
    multiline_start: Option<String>,
    multiline: Option<bool>,
    specificity: Option<f64>,
    #[serde(default)]
    levels: BTreeMap<String, String>,
}

/// How the `time` capture is read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TimeFormat {
    /// Every shape [`any_timestamp`] knows, then epochs.
    Auto,
    /// Seconds, ms, µs or ns since 1970.
    Epoch,
    /// A chrono strftime pattern.
    Pattern(String),
}

/// How records are framed.
#[derive(Debug, Clone)]
enum Multiline {
    /// Every line is a record.
    No,
    /// Lines matching the main regex start records.
    MainRegex,
    /// Lines matching this regex start records.
    Start(Regex),
}

/// A format defined in TOML: a regex with named captures and how to read them.
#[derive(Debug, Clone)]
pub struct UserFormat {
    name: String,
    description: String,
    kind: Kind,
    regex: Regex,
    time_format: TimeFormat,
    zone: Option<Tz>,
    multiline: Multiline,
    specificity: f64,
    levels: Vec<(String, Level)>,
    /// Indexes of the `time`, `level`, `message` captures.
    time_group: Option<usize>,
    level_group: Option<usize>,
    message_group: Option<usize>,
    /// Every other named capture: (index, name).
    field_groups: Vec<(usize, String)>,
    /// The TOML that defines this format alone (see [`Format::definition`]).
    definition: String,
}

impl UserFormat {
    fn from_spec(
        (spec, definition): (Spec, String),
        index: usize,
    ) -> Result<UserFormat, UserFormatError> {
        let name = spec
            .name
            .map(|n| n.trim().to_string())
            .ok_or(UserFormatError::MissingName { index })?;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(UserFormatError::BadName { name });
        }
        let kind = match &spec.kind {
            None => Kind::App,
            Some(k) => k.parse().map_err(|_| UserFormatError::UnknownKind {
                name: name.clone(),
                kind: k.clone(),
            })?,
        };
        let pattern = spec
            .regex
            .ok_or_else(|| UserFormatError::MissingRegex { name: name.clone() })?;
        let regex = Regex::new(&pattern).map_err(|error| UserFormatError::BadRegex {
            name: name.clone(),
            key: "regex",
            error,
        })?;
        let multiline =
            match (spec.multiline_start, spec.multiline) {
                (Some(start), _) => Multiline::Start(Regex::new(&start).map_err(|error| {
                    UserFormatError::BadRegex {
                        name: name.clone(),
                        key: "multiline_start",
                        error,
                    }
                })?),
                (None, Some(true)) => Multiline::MainRegex,
                (None, _) => Multiline::No,
            };
        let time_format = match spec.time_format.as_deref().map(str::trim) {
            None | Some("auto") => TimeFormat::Auto,
            Some("epoch") => TimeFormat::Epoch,
            Some(p) => {
                let valid =
                    !p.is_empty() && StrftimeItems::new(p).all(|item| !matches!(item, Item::Error));
                if !valid {
                    return Err(UserFormatError::BadTimeFormat {
                        name,
                        pattern: p.to_string(),
                    });
                }
                TimeFormat::Pattern(p.to_string())
            }
        };
        let zone = match spec.zone.as_deref().map(str::trim) {
            None => None,
            Some(z) => Some(z.parse::<Tz>().map_err(|_| UserFormatError::BadZone {
                name: name.clone(),
                zone: z.to_string(),
            })?),
        };
        let specificity = spec.specificity.unwrap_or(DEFAULT_SPECIFICITY);
        if !(specificity > 0.0 && specificity <= 1.0) {
            return Err(UserFormatError::BadSpecificity {
                name,
                value: specificity,
            });
        }
        let mut levels = Vec::with_capacity(spec.levels.len());
        for (raw, level) in spec.levels {
            match Level::from_word(&level) {
                Some(l) => levels.push((raw, l)),
                None => {
                    return Err(UserFormatError::UnknownLevel { name, raw, level });
                }
            }
        }
        let mut time_group = None;
        let mut level_group = None;
        let mut message_group = None;
        let mut field_groups = Vec::new();
        for (i, group) in regex.capture_names().enumerate() {
            match group {
                None => {}
                Some("time") => time_group = Some(i),
                Some("level") => level_group = Some(i),
                Some("message") => message_group = Some(i),
                Some(other) => field_groups.push((i, other.to_string())),
            }
        }
        let description = spec
            .description
            .unwrap_or_else(|| format!("User-defined format `{name}`"));
        Ok(UserFormat {
            name,
            description,
            kind,
            regex,
            time_format,
            zone,
            multiline,
            specificity,
            levels,
            time_group,
            level_group,
            message_group,
            field_groups,
            definition,
        })
    }

    /// Reads the `time` capture.
    fn read_time(&self, text: &str) -> Option<ParsedTime> {
        let text = text.trim();
        match &self.time_format {
            TimeFormat::Auto => match any_timestamp(text) {
                Ok((rest, t)) if rest.trim().is_empty() => Some(t),
                _ => epoch_text(text),
            },
            TimeFormat::Epoch => epoch_text(text),
            TimeFormat::Pattern(p) => with_pattern(text, p),
        }
    }

    /// Maps a `level` capture to a level.
    fn read_level(&self, raw: &str) -> Option<Level> {
        let raw = raw.trim();
        self.levels
            .iter()
            .find(|(k, _)| k == raw)
            .or_else(|| {
                self.levels
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(raw))
            })
            .map(|(_, l)| *l)
            .or_else(|| Level::from_word(raw))
    }
}

impl fmt::Display for UserFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Format for UserFormat {
    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn kind(&self) -> Kind {
        self.kind
    }

    fn multiline(&self) -> bool {
        !matches!(self.multiline, Multiline::No)
    }

    fn is_record_start(&self, line: &str) -> bool {
        match &self.multiline {
            Multiline::No => true,
            Multiline::MainRegex => self.regex.is_match(line),
            Multiline::Start(start) => start.is_match(line),
        }
    }

    fn definition(&self) -> Option<&str> {
        Some(&self.definition)
    }

    fn specificity(&self) -> f64 {
        self.specificity
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first_line = record.split('\n').next().unwrap_or(record);
        let caps = self
            .regex
            .captures(first_line)
            .ok_or(ParseError::new("line does not match the format's regex", 0))?;
        let group = |i: Option<usize>| i.and_then(|i| caps.get(i));

        let timestamp: Option<Timestamp<'a>> = match group(self.time_group) {
            Some(m) => {
                let parsed = self.read_time(m.as_str()).ok_or(ParseError::new(
                    "time does not match time_format",
                    m.start(),
                ))?;
                let ts = match self.zone {
                    Some(zone) => {
                        let local = TimeContext {
                            zone,
                            reference: ctx.reference,
                        };
                        timestamp(m.as_str(), parsed, &local)?
                    }
                    None => timestamp(m.as_str(), parsed, ctx)?,
                };
                Some(ts)
            }
            None => None,
        };

        let mut fields = Fields::default();
        for (i, name) in &self.field_groups {
            if let Some(m) = caps.get(*i) {
                // `-` and empty are the placeholders logs write for "no value".
                if non_empty(m.as_str()).is_some() {
                    fields.set(Cow::Owned(name.clone()), Cow::Borrowed(m.as_str()));
                }
            }
        }

        let level = match group(self.level_group) {
            Some(m) => match self.read_level(m.as_str()) {
                Some(level) => level,
                None => {
                    if !m.as_str().trim().is_empty() {
                        fields
                            .extra
                            .push((Cow::Borrowed("level"), Cow::Borrowed(m.as_str())));
                    }
                    Level::Info
                }
            },
            None => match fields.status {
                Some(s) if s >= 500 => Level::Error,
                Some(s) if s >= 400 => Level::Warn,
                _ => Level::Info,
            },
        };

        // The message capture, with the continuation lines after it.
        let continuation = record.get(first_line.len()..).unwrap_or("");
        let message = match group(self.message_group) {
            None => Cow::Borrowed(record),
            Some(m) if continuation.is_empty() => Cow::Borrowed(m.as_str()),
            // The capture runs to the end of the first line: borrow through the rest.
            Some(m) if m.end() == first_line.len() => Cow::Borrowed(&record[m.start()..]),
            Some(m) => Cow::Owned(format!("{}{}", m.as_str(), continuation)),
        };

        Ok(Event {
            timestamp,
            level,
            message,
            fields,
            ..Event::default()
        })
    }
}

/// The top-level table of a file: one format, or `format = [...]`; each
/// with the TOML text that defines it alone.
fn specs(text: &str) -> Result<Vec<(Spec, String)>, UserFormatError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| UserFormatError::Toml(e.to_string()))?;
    let as_spec = |value: toml::Value| -> Result<(Spec, String), UserFormatError> {
        let toml_error = |e: &dyn std::fmt::Display| UserFormatError::Toml(e.to_string());
        let definition = toml::to_string(&value).map_err(|e| toml_error(&e))?;
        let spec = value.try_into::<Spec>().map_err(|e| toml_error(&e))?;
        Ok((spec, definition))
    };
    match table.get("format") {
        Some(toml::Value::Array(items)) => {
            if table.len() > 1 {
                return Err(UserFormatError::Shape(
                    "a file with [[format]] tables cannot also have top-level keys",
                ));
            }
            if items.is_empty() {
                return Err(UserFormatError::Shape("`format` is an empty array"));
            }
            items.iter().cloned().map(as_spec).collect()
        }
        Some(_) => Err(UserFormatError::Shape(
            "`format` must be an array of tables ([[format]])",
        )),
        None => Ok(vec![as_spec(toml::Value::Table(table))?]),
    }
}

/// Reads the format(s) a TOML text describes (one format as top-level keys,
/// or several as `[[format]]` tables).
pub fn from_toml_str(text: &str) -> Result<Vec<UserFormat>, UserFormatError> {
    let mut formats: Vec<UserFormat> = Vec::new();
    for (i, spec) in specs(text)?.into_iter().enumerate() {
        let format = UserFormat::from_spec(spec, i + 1)?;
        if formats.iter().any(|f| f.name == format.name) {
            return Err(UserFormatError::DuplicateName {
                name: format.name,
                first: None,
            });
        }
        formats.push(format);
    }
    Ok(formats)
}

/// Reads one TOML file; errors name the file.
pub fn load_file(path: &Path) -> Result<Vec<UserFormat>, UserFormatError> {
    let text = std::fs::read_to_string(path).map_err(|error| UserFormatError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    from_toml_str(&text).map_err(|error| UserFormatError::InFile {
        path: path.to_path_buf(),
        error: Box::new(error),
    })
}

/// Reads every `*.toml` file in `dir` (not its subdirectories), in name
/// order. A name defined in two files is an error naming both.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<UserFormat>, UserFormatError> {
    let dir = dir.as_ref();
    let io = |error| UserFormatError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut formats: Vec<(UserFormat, PathBuf)> = Vec::new();
    for path in paths {
        for format in load_file(&path)? {
            if let Some((_, first)) = formats.iter().find(|(f, _)| f.name == format.name) {
                return Err(UserFormatError::InFile {
                    error: Box::new(UserFormatError::DuplicateName {
                        name: format.name,
                        first: Some(first.clone()),
                    }),
                    path,
                });
            }
            formats.push((format, path.clone()));
        }
    }
    Ok(formats.into_iter().map(|(f, _)| f).collect())
}

#[cfg(test)]
mod tests;
