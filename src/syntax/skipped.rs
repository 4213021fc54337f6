//! Syntax stage: what error recovery keeps of a declaration that failed to
//! parse. The declaration itself is lost, but the names it reads and
//! declares are not: the checker uses them to stay quiet about names that
//! only look unused or unknown because of the syntax error.

use super::ast::Skipped;

/// The keywords whose next word is a name being declared.
const DECLARING: &[&str] = &["fact", "define", "table", "schedule", "grading", "group"];

impl Skipped {
    /// Adds the names of `text`, a piece of source that did not parse.
    pub fn add(&mut self, text: &str) {
        let mut previous: Option<&str> = None;
        for word in words(text, &mut self.words) {
            if previous.is_some_and(|p| DECLARING.contains(&p)) {
                self.declared.insert(word.to_string());
            }
            self.words.insert(word.to_string());
            previous = Some(word);
        }
        // A header starts a line (a whole file skipped for its nesting
        // holds it after other declarations' lines, or after comments).
        self.header |= text.lines().any(|line| {
            line.trim_start()
                .strip_prefix("guideline")
                .is_some_and(|rest| rest.starts_with(char::is_whitespace) || rest.is_empty())
        });
    }

    /// Adds what `other` holds.
    pub fn extend(&mut self, other: Skipped) {
        self.words.extend(other.words);
        self.declared.extend(other.declared);
        self.header |= other.header;
    }

    /// True when nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && !self.header
    }
}

/// The words of `text` outside strings and comments, in order; the
/// `{placeholder}` names inside strings go straight into `placeholders`.
fn words<'t>(text: &'t str, placeholders: &mut std::collections::BTreeSet<String>) -> Vec<&'t str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                let start = i;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let inside = text.get(start..i.min(text.len())).unwrap_or("");
                for p in crate::check::placeholder::placeholders(inside) {
                    placeholders.insert(p.parts().0.to_string());
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && word_byte(bytes[i]) {
                    i += 1;
                }
                if let Some(word) = text.get(start..i) {
                    out.push(word);
                }
            }
            b if b.is_ascii_digit() => {
                // A number (or a unit glued to it) is no name.
                while i < bytes.len() && (word_byte(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Skipped;

    #[test]
    fn keeps_read_and_declared_names_but_not_strings_or_comments() {
        let mut s = Skipped::default();
        s.add("define r \"R {dose}\": bool = a and and b // c\n  \"d e\" 5e3");
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        assert_eq!(words, ["a", "and", "b", "bool", "define", "dose", "r"]);
        let declared: Vec<&str> = s.declared.iter().map(String::as_str).collect();
        assert_eq!(declared, ["r"]);
        assert!(!s.header);
        s.add("// c\nfact guideline \"x\": bool\n  guideline g { title \"x\" ");
        assert!(s.header);
        let mut t = Skipped::default();
        t.add("fact guideline \"x\": bool");
        assert!(!t.header);
    }
}
