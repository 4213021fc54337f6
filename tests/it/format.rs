//! Format stage tests.

use cairn::format::format_source;

#[test]
fn scratch() {
    let text = std::fs::read_to_string("tests/corpus/format/sample.cairn").unwrap();
    match format_source("sample.cairn", &text) {
        Ok(out) => println!("{out}"),
        Err(e) => println!("{}", e.diagnostics.render(&e.sources, 100)),
    }
}
