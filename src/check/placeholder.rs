//! Check stage: the one reader of `{name}` placeholders in statements.
//!
//! A placeholder is `{`, one or more name characters (ASCII letters,
//! digits, `_` and `.`), optionally a format, then `}`. The format is `:`
//! then a number of decimals `.N` (one or two digits: `{egfr:.0}`), a space
//! and a unit to show a quantity in (`{dose_per_kg:.1 mg/kg}`, `{crcl: mL/s}`;
//! a unit here holds no space or brace), or both. Anything else in braces is text: a
//! statement may say "a set {a, b}" or "{ spaced }" without a placeholder.
//! The checker validates each placeholder (it must name a fact or a
//! definition; `{table.column}` gets a hint), the outcome fills them in, the
//! analysis counts them as reads and the language server indexes them, all
//! through [`placeholders`], so they agree on what is one.
//!
//! Statements have no escape for braces; the escapes of the string syntax
//! (`\"`, `\\`, `\n`, `\t`) never produce a name character, so the raw
//! source text of a string and its value hold the same placeholders (the
//! checker reads the source, for spans).

/// One placeholder of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The name between the braces (without a format).
    pub name: &'a str,
    /// The decimals of a `:.N` format, when given.
    pub digits: Option<u8>,
    /// The unit of a `: unit` format, as written, when given.
    pub unit: Option<&'a str>,
    /// Byte offset of the `{`.
    pub start: usize,
    /// Byte offset just after the `}`.
    pub end: usize,
}

impl<'a> Placeholder<'a> {
    /// Byte offset of the name (just after the `{`).
    pub fn name_start(&self) -> usize {
        self.start + 1
    }

    /// The name split at its first `.`: `("outcome", Some("lr"))` for
    /// `{outcome.lr}`.
    pub fn parts(&self) -> (&'a str, Option<&'a str>) {
        match self.name.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (self.name, None),
        }
    }
}

/// True for the characters a placeholder's name may hold.
fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// The placeholders of `text`, left to right.
pub fn placeholders(text: &str) -> Placeholders<'_> {
    Placeholders { text, at: 0 }
}

/// Iterator over the placeholders of a text, see [`placeholders`].
#[derive(Debug, Clone)]
pub struct Placeholders<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Placeholders<'a> {
    type Item = Placeholder<'a>;

    fn next(&mut self) -> Option<Placeholder<'a>> {
        let bytes = self.text.as_bytes();
        while let Some(offset) = bytes.get(self.at..)?.iter().position(|&b| b == b'{') {
            let start = self.at + offset;
            let from = start + 1;
            let len = bytes
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .take_while(|&&b| name_char(b))
                .count();
            let name_end = from + len;
            let (digits, unit, close) = format_at(bytes, name_end);
            if len > 0 && bytes.get(close) == Some(&b'}') {
                self.at = close + 1;
                // Name characters are ASCII, and a unit ends before an
                // ASCII `}`, so these are char boundaries.
                let name = self.text.get(from..name_end)?;
                let unit = match unit {
                    Some((a, b)) => Some(self.text.get(a..b)?),
                    None => None,
                };
                return Some(Placeholder {
                    name,
                    digits,
                    unit,
                    start,
                    end: close + 1,
                });
            }
            // Not a placeholder: look again from the next character, so
            // that `{{x}` still holds `{x}`.
            self.at = from;
        }
        self.at = bytes.len();
        None
    }
}

/// A format at `at`: its decimals, the byte range of its unit, and where it
/// ends; `(None, None, at)` when there is none.
fn format_at(bytes: &[u8], at: usize) -> (Option<u8>, Option<(usize, usize)>, usize) {
    if bytes.get(at) != Some(&b':') {
        return (None, None, at);
    }
    let (digits, end) = digits_at(bytes, at + 1);
    let mut unit = None;
    let mut close = end;
    if bytes.get(end) == Some(&b' ') {
        let n = bytes
            .get(end + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&b| !matches!(b, b' ' | b'{' | b'}' | b'\t' | b'\n' | b'\r'))
            .count();
        if n > 0 {
            unit = Some((end + 1, end + 1 + n));
            close = end + 1 + n;
        }
    }
    if digits.is_none() && unit.is_none() {
        return (None, None, at);
    }
    (digits, unit, close)
}

/// A `.N` at `at` (one or two digits): its decimals and where it ends;
/// `(None, at)` when there is none.
fn digits_at(bytes: &[u8], at: usize) -> (Option<u8>, usize) {
    if bytes.get(at) != Some(&b'.') {
        return (None, at);
    }
    let n = bytes
        .get(at + 1..)
        .unwrap_or(&[])
        .iter()
        .take(2)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let digits = bytes
        .get(at + 1..at + 1 + n)
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| d.parse::<u8>().ok());
    match digits {
        Some(d) if n > 0 => (Some(d), at + 1 + n),
        _ => (None, at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        placeholders(text).map(|p| p.name).collect()
    }

    #[test]
    fn reads_a_number_format() {
        let p: Vec<_> = placeholders("eGFR {egfr:.0} mL/min, {x:.12} {y:.} {z:.123}").collect();
        let got: Vec<_> = p.iter().map(|p| (p.name, p.digits)).collect();
        assert_eq!(got, [("egfr", Some(0)), ("x", Some(12))]);
    }

    #[test]
    fn reads_a_unit_format() {
        let p: Vec<_> =
            placeholders("{d:.1 mg/kg} {c: mL/s} {x: } {y:} {z:.2 a b} {µ: µg}").collect();
        let got: Vec<_> = p.iter().map(|p| (p.name, p.digits, p.unit)).collect();
        assert_eq!(
            got,
            [("d", Some(1), Some("mg/kg")), ("c", None, Some("mL/s")),]
        );
        let q: Vec<_> = placeholders("{e: µg}").map(|p| p.unit).collect();
        assert_eq!(q, [Some("µg")]);
    }

    #[test]
    fn finds_names_between_braces() {
        assert_eq!(names("A tumour of {size}, not {sise}."), ["size", "sise"]);
        assert_eq!(names("{a}{b_2}"), ["a", "b_2"]);
        assert_eq!(names("no braces"), Vec::<&str>::new());
        assert_eq!(names(""), Vec::<&str>::new());
    }

    #[test]
    fn other_braces_are_text() {
        assert_eq!(
            names("{not a placeholder} and { spaced }"),
            Vec::<&str>::new()
        );
        assert_eq!(names("a set {a, b} then {x}"), ["x"]);
        assert_eq!(names("{}"), Vec::<&str>::new());
        assert_eq!(names("{x-y}"), Vec::<&str>::new());
    }

    #[test]
    fn unclosed_braces_are_text() {
        assert_eq!(names("{size"), Vec::<&str>::new());
        assert_eq!(names("{size {grade}"), ["grade"]);
        assert_eq!(names("trailing {"), Vec::<&str>::new());
        assert_eq!(names("{{x}}"), ["x"]);
    }

    #[test]
    fn escapes_and_other_characters_stay_outside_names() {
        // The raw source of `"say \"{x}\" \\{y}"`: escapes are not name
        // characters, so the source and the value hold the same names.
        assert_eq!(names(r#"say \"{x}\" \\{y}"#), ["x", "y"]);
        assert_eq!(names("{x\\n}"), Vec::<&str>::new());
        assert_eq!(names("é{größe}{ok}"), ["ok"]);
    }

    #[test]
    fn offsets_and_parts() {
        let text = "Rate: {outcome.lr}.";
        let p = placeholders(text).next().unwrap();
        assert_eq!((p.start, p.end, p.name_start()), (6, 18, 7));
        assert_eq!(&text[p.start..p.end], "{outcome.lr}");
        assert_eq!(p.parts(), ("outcome", Some("lr")));
        let q = placeholders("{a.b.c} {d}").collect::<Vec<_>>();
        assert_eq!(q[0].parts(), ("a", Some("b.c")));
        assert_eq!(q[1].parts(), ("d", None));
    }
}
