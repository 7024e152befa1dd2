//! Log text made safe for a terminal.
//!
//! A log line is written by whoever sent the request it records, attackers
//! included. Printed raw, its escape sequences would drive the user's
//! terminal: OSC 0 sets the window title, OSC 52 writes the clipboard,
//! `ESC[2J` clears the screen, a carriage return or backspaces overwrite
//! what came before, bidi controls reorder what the user reads. Every
//! renderer that writes log text to a terminal (the CLI's text output, the
//! TUI) passes it through [`inert`] first: control and format characters
//! become visible, harmless stand-ins, and nothing else changes.
//!
//! ```
//! assert_eq!(onset::text::inert("a\x1b]0;pwned\x07b"), "a␛]0;pwned␇b");
//! assert_eq!(onset::text::inert("plain"), "plain");
//! ```

use std::borrow::Cow;

/// `true` for the characters a terminal would act on or that reorder or
/// hide text: C0 controls (tab aside), DEL, C1 controls, and the Unicode
/// format characters used to spoof text (bidi embeddings, overrides and
/// isolates, marks, zero-width joiners and spaces, the BOM).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0a'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// `s` with every [unsafe](is_unsafe) character replaced by a visible
/// stand-in: C0 controls and DEL by their Unicode control pictures
/// (`␛`, `␇`, `␍`…), the others by `<U+XXXX>`. Tabs are kept. Borrows
/// when there is nothing to replace (the common case).
pub fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_inert(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, replaced by its stand-in if it is unsafe.
pub fn push_inert(out: &mut String, c: char) {
    match c {
        '\0'..='\x1f' if c != '\t' => {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
        }
        '\x7f' => out.push('\u{2421}'),
        c if is_unsafe(c) => {
            use std::fmt::Write;
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
        c => out.push(c),
    }
}

/// The first line of `s`, made [inert](inert): what a one-line view of a
/// (possibly multi-line) record shows.
pub fn first_line(s: &str) -> Cow<'_, str> {
    inert(s.lines().next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_and_inert() {
        let cases = [
            ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
            ("\x1b[2J\x1b[H", "␛[2J␛[H"),
            ("\x1b]52;c;aGVsbG8=\x07", "␛]52;c;aGVsbG8=␇"),
            ("ok\rFAKE", "ok␍FAKE"),
            ("abc\x08\x08\x08xyz", "abc␈␈␈xyz"),
            ("\u{9b}31m", "<U+009B>31m"),
            ("\x1bP1$r\x1b\\", "␛P1$r␛\\"),
            ("user\u{202e}txt.exe", "user<U+202E>txt.exe"),
            ("a\u{2066}b\u{2069}", "a<U+2066>b<U+2069>"),
            ("del\x7f", "del␡"),
            ("nul\0", "nul␀"),
        ];
        for (raw, want) in cases {
            let got = inert(raw);
            assert_eq!(got, want, "{raw:?}");
            assert!(!got.chars().any(is_unsafe), "{got:?}");
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for s in ["GET /index.html 200", "tab\tkept", "日本語 e\u{301} 🙂", ""] {
            assert!(matches!(inert(s), Cow::Borrowed(_)), "{s:?}");
            assert_eq!(inert(s), s);
        }
    }

    #[test]
    fn the_first_line_of_a_record_is_inert() {
        assert_eq!(first_line("head\x1b[2J\n  at frame"), "head␛[2J");
        assert_eq!(first_line(""), "");
    }
}
