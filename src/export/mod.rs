//! `onset export`: the postmortem draft, as Markdown, self-contained HTML
//! or JSON.
//!
//! One [`draft::Draft`] is made from the incident model and the user's
//! annotations ([`draft::draft`]): summary, timeline (the story the TUI
//! tells, [`crate::incident::story`]), root cause and its evidence chain,
//! detection, resolution, the alerts that would have fired earliest,
//! what went well / wrong / lucky, the sources. Each format renders that
//! draft ([`markdown`], [`html`], JSON by serializing it), so the three say
//! the same thing; the charts of the key signals are SVG ([`svg`]), inline
//! in the HTML, files beside the Markdown. Nothing here recomputes the
//! analysis: a number the draft needs is a field of the model.
//!
//! Log text is hostile input: [`escape`] makes it inert for each format.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let store = onset::index::Store::open(std::path::Path::new(".onset"))?;
//! let incident = onset::analyze::incident(&store, &Default::default())?;
//! let notes = onset::incident::annotations::load(&store.dir)?;
//! let out = onset::export::render(&incident, &notes, &Default::default(), onset::export::Format::Markdown, None);
//! print!("{}", out.document);
//! # Ok(())
//! # }
//! ```

pub mod draft;
pub mod escape;
pub mod html;
pub mod markdown;
pub mod svg;

use crate::incident::annotations::Annotation;
use crate::incident::Incident;

pub use draft::{Draft, Options};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Markdown; charts as SVG files beside it (with `-o FILE`).
    #[default]
    Markdown,
    /// One self-contained HTML file with inline SVG charts.
    Html,
    /// The whole draft as one JSON object.
    Json,
}

/// What an export writes.
#[derive(Debug, Clone)]
pub struct Output {
    /// The document.
    pub document: String,
    /// Files to write beside it (name, contents): the Markdown's charts.
    pub charts: Vec<(String, String)>,
}

/// Renders the draft of `inc` in `format`. `stem` names the Markdown's
/// chart files (`STEM-1-SIGNAL.svg`…); `None` (standard output): no chart files.
pub fn render(
    inc: &Incident,
    annotations: &[Annotation],
    opts: &Options,
    format: Format,
    stem: Option<&str>,
) -> Output {
    let d = draft::draft(inc, annotations, opts);
    let key = inc.key_signals();
    match format {
        Format::Json => {
            let mut document = serde_json::to_string_pretty(&d)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            document.push('\n');
            Output {
                document,
                charts: Vec::new(),
            }
        }
        Format::Html => {
            let charts: Vec<String> = key.iter().map(|s| svg::chart(inc, s, false)).collect();
            Output {
                document: html::render(&d, &charts),
                charts: Vec::new(),
            }
        }
        Format::Markdown => {
            let charts: Vec<(String, String)> = match stem {
                Some(stem) => key
                    .iter()
                    .enumerate()
                    .map(|(k, s)| {
                        (
                            format!(
                                "{}-{}-{}.svg",
                                escape::file_stem(stem),
                                k + 1,
                                escape::file_stem(&s.name)
                            ),
                            svg::chart(inc, s, true),
                        )
                    })
                    .collect(),
                None => Vec::new(),
            };
            let names: Vec<String> = charts.iter().map(|c| c.0.clone()).collect();
            Output {
                document: markdown::render(&d, &names),
                charts,
            }
        }
    }
}

#[cfg(test)]
mod tests;
