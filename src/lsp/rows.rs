//! Language server: completion inside a table row. A row's patterns are
//! per key, so the pattern at the cursor is for the key at the same place
//! in the table's `key` line: an enum key's values, or for a number,
//! quantity or date key the forms of a pattern.

/// The key the row pattern before the cursor is for: in a table with `key
/// stage, egfr`, `row late, ` gives `egfr`. `head` is the line up to the
/// word being typed, `above` the document before that line.
pub fn row_key(above: &str, head: &str) -> Option<String> {
    let pattern = head.trim_start().strip_prefix("row ")?;
    if pattern.contains("->") {
        return None;
    }
    let index = pattern.matches(',').count();
    for line in above.lines().rev() {
        let line = line.trim();
        if let Some(keys) = line.strip_prefix("key ") {
            return keys.split(',').nth(index).map(|k| k.trim().to_string());
        }
        if line.starts_with("table ") || line.starts_with('}') {
            return None;
        }
    }
    None
}

/// The forms of a pattern for a number, quantity or date key, with what
/// each matches.
pub const NUMBER_PATTERNS: [(&str, &str); 6] = [
    ("_", "any value, known or not"),
    ("to", "`2 to 3`: both ends included"),
    (">=", "`>= 6`: 6 and above"),
    (">", "`> 5`: above 5"),
    ("<=", "`<= 4`: 4 and below"),
    ("<", "`< 30 mL/min`: below 30 mL/min"),
];

#[cfg(test)]
mod tests {
    use super::row_key;

    #[test]
    fn the_pattern_at_the_cursor_is_for_the_key_at_its_place() {
        let above =
            "table t \"T\" {\n  key stage, egfr\n  column v \"V\": integer\n  row early, _ -> 1\n";
        assert_eq!(row_key(above, "  row ").as_deref(), Some("stage"));
        assert_eq!(row_key(above, "  row late, ").as_deref(), Some("egfr"));
        assert_eq!(row_key(above, "  row late, _ -> "), None);
        assert_eq!(row_key(above, "  when "), None);
        assert_eq!(row_key("}\n", "  row "), None);
    }
}
