//! Log text made safe for each output format.
//!
//! A record is written by whoever sent the request it logs: its text may
//! hold Markdown (`[link](…)`, `| table |`, `# heading`, backticks), HTML
//! (`<script>`, `</svg>`), entities or terminal escapes. Every string of
//! the draft that comes from the logs (or from the user) passes through
//! one of these before it is written:
//!
//! - [`md_code`]: a Markdown code span, where nothing is interpreted —
//!   for quoted records, templates, file names and source names;
//! - [`md_text`]: Markdown prose with every ASCII punctuation character
//!   backslash-escaped — for the user's comments and the draft's own
//!   sentences that name signals;
//! - [`xml`]: HTML and SVG text and attribute values.
//!
//! All three first make control characters visible ([`crate::text::inert`]):
//! a newline cannot start a new Markdown block, and an ANSI escape reads as
//! `␛[2J` when the draft is printed on a terminal.

use crate::text::inert;

/// `s` as a Markdown code span: fenced by a run of backticks longer than
/// any run inside, padded with a space when it starts or ends with a
/// backtick or a space (CommonMark strips one space each side). Not for
/// table cells (a pipe would still end the cell there): use [`md_text`].
pub fn md_code(s: &str) -> String {
    let s = inert(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) || s.is_empty();
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `s` as Markdown prose: the characters that can open inline structure
/// (code, emphasis, links, images, raw HTML, entities, table cells,
/// strikethrough) backslash-escaped wherever they are, and a first
/// character that could open a block (heading, list, quote, setext line)
/// escaped too, so the text stays one run of plain words.
pub fn md_text(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len() + 8);
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in s.chars().enumerate() {
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!'
        );
        let opens_block = (i == 0 && matches!(c, '#' | '+' | '-' | '=' | ':'))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if inline || opens_block {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as HTML or SVG text, or as a quoted attribute value.
pub fn xml(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file name made of `s`'s letters, digits, dots and dashes only.
pub fn file_stem(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    out.trim_start_matches('.').to_string()
}
