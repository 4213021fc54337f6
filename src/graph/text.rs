//! Graph stage: the words on the flowchart, taken from the guideline's own
//! source text and shortened so that a node or an edge stays readable.

use crate::check::model::TExpr;
use crate::check::Checked;

/// The longest condition shown on an edge or in a decision, in characters;
/// longer ones end in an ellipsis (the source has the rest).
pub(crate) const CONDITION_CHARS: usize = 72;

/// The longest statement excerpt shown in a recommendation's box.
pub(crate) const STATEMENT_CHARS: usize = 64;

/// The widest line of a node, in characters, before it wraps.
pub(crate) const LINE_CHARS: usize = 28;

/// The source text of an expression with its whitespace (line breaks and
/// indentation) collapsed to single spaces: the guideline's own words.
pub(crate) fn source_words(checked: &Checked, expr: &TExpr) -> String {
    collapse(checked.sources.slice(expr.span))
}

/// `text` with every run of whitespace made one space, trimmed; a list
/// broken over lines (`[\n  a,\n  b,\n]`) reads `[a, b]`.
pub(crate) fn collapse(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .replace("[ ", "[")
        .replace("( ", "(")
        .replace(", ]", "]")
        .replace(" ]", "]")
        .replace(" )", ")")
}

/// `text` cut to at most `max` characters at a word boundary, with an
/// ellipsis when something was cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    // Cut at the last space when it keeps most of the text, so that a word
    // is not broken in the middle.
    let kept = match cut.rfind(' ') {
        Some(i) if i >= cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", kept.trim_end())
}

/// `text` broken into lines of at most `width` characters at spaces (a
/// longer word gets a line of its own).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A condition as shown: its source words, shortened.
pub(crate) fn condition(checked: &Checked, expr: &TExpr) -> String {
    shorten(&source_words(checked, expr), CONDITION_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten("age >= 21", 20), "age >= 21");
        assert_eq!(
            shorten("in_scope and has_cervix and age < 21", 20),
            "in_scope and…"
        );
        assert_eq!(shorten("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghi…");
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("", 6), [""]);
        assert_eq!(
            wrap("averyveryverylongword x", 6),
            ["averyveryverylongword", "x"]
        );
    }

    #[test]
    fn collapse_joins_lines() {
        assert_eq!(collapse("a\n    and b\t c "), "a and b c");
        assert_eq!(collapse("any of [\n  a,\n  b,\n]"), "any of [a, b]");
    }
}
