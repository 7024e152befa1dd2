//! Log text fitted to terminal cells: made [inert](crate::text::inert),
//! tabs expanded, measured per grapheme (a wide CJK character takes two
//! cells, a combining accent none), cut to a width after skipping the
//! columns scrolled off to the left.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns a tab advances to (the next multiple of).
const TAB: usize = 4;

/// `s` made safe and cut to the display columns `[skip, skip + width)`.
pub fn fit(s: &str, skip: usize, width: usize) -> String {
    let safe = crate::text::inert(s);
    let mut out = String::with_capacity(width.min(safe.len()) + 4);
    let mut col = 0usize;
    let end = skip + width;
    for g in safe.graphemes(true) {
        if col >= end {
            break;
        }
        if g == "\t" {
            let next = (col / TAB + 1) * TAB;
            for c in col..next {
                if c >= skip && c < end {
                    out.push(' ');
                }
            }
            col = next;
            continue;
        }
        let w = g.width();
        if w == 0 {
            // A lone combining mark or a zero-width character: attach it to
            // what is shown, never let it start a cell.
            if col > skip && col <= end && !out.is_empty() {
                out.push_str(g);
            }
            continue;
        }
        if col >= skip && col + w <= end {
            out.push_str(g);
        } else if col < end && col + w > skip {
            // Half of a wide character at an edge: a blank cell instead.
            for c in col..col + w {
                if c >= skip && c < end {
                    out.push(' ');
                }
            }
        }
        col += w;
    }
    out
}

/// Display width of `s` once made safe (tabs counted as [`TAB`] at most).
pub fn width(s: &str) -> usize {
    let safe = crate::text::inert(s);
    safe.graphemes(true)
        .map(|g| if g == "\t" { TAB } else { g.width() })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_inert_and_counted_as_cells() {
        assert_eq!(fit("a\x1b[2Jb", 0, 80), "a␛[2Jb");
        assert_eq!(fit("\x1b]0;pwned\x07", 0, 3), "␛]0");
    }

    #[test]
    fn wide_and_combining_characters_take_their_cells() {
        assert_eq!(width("日本"), 4);
        assert_eq!(fit("日本語", 0, 5), "日本 ");
        assert_eq!(fit("日本語", 1, 4), " 本 ");
        assert_eq!(width("e\u{301}x"), 2);
        assert_eq!(fit("e\u{301}x", 0, 1), "e\u{301}");
    }

    #[test]
    fn long_lines_scroll_horizontally_and_tabs_expand() {
        let line = "x".repeat(1 << 20);
        assert_eq!(fit(&line, 500_000, 10), "xxxxxxxxxx");
        assert_eq!(fit("a\tb", 0, 10), "a   b");
    }
}
