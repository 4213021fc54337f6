//! Syntax stage tests.

use cairn::syntax::{parse_with, FsLoader};

#[test]
fn recovers_one_error_per_declaration() {
    let text = "fact grade \"FNCLCC grade\": integer 1 to 3\nfact x \"bad\": integr\ndefine z \"bad\" = (grade <=\nsuggest r { when grade = 1 statement \"ok\" }\n";
    let parsed = parse_with("t.cairn", text, &FsLoader);
    assert_eq!(parsed.diagnostics.error_count(), 2);
    assert_eq!(parsed.modules[0].1.decls.len(), 2);
}
