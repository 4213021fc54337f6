//! Functions and number formats in statements (issue 11): the formats of
//! `{name:.N}` placeholders, and the checker's errors for functions and
//! formats used on the wrong types.

use cairn::check::check;
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline f { title \"F\" version \"1\" status draft }\n";

/// The codes of the errors checking `decls` gives (empty: it checks).
fn codes(decls: &str) -> Vec<String> {
    super::error_codes(&format!("{HEADER}{decls}"))
}

/// The statement of the one recommendation for `facts`.
fn statement(decls: &str, facts: &str) -> String {
    let text = format!("{HEADER}{decls}");
    let checked = match check(parse_with("f.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(&checked, "case", &json) {
        Ok(file) => file.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let program = Program::new(&checked);
    let outcome = program.evaluate(&case, Options { trace: false });
    outcome.recommendations[0].statement.to_string()
}

#[test]
fn a_number_format_sets_the_decimals_of_a_placeholder() {
    let decls = "fact k \"k\": integer\nfact size \"size\": quantity cm\n\
                 define ratio \"ratio\" = k / 3\n\
                 inform r { statement \"{ratio:.0} / {ratio:.2} / {ratio} / {k:.1} / {size:.1}\" }\n";
    assert_eq!(
        statement(decls, r#"{"k": 80, "size": "12.345 cm"}"#),
        "27 / 26.67 / 26.666667 / 80.0 / 12.3 cm"
    );
}

#[test]
fn a_number_format_on_a_value_that_is_not_a_number_is_an_error() {
    let decls = "fact ok \"ok\": bool\ninform r { statement \"{ok:.1}\" }\n";
    assert_eq!(codes(decls), ["cairn::check::placeholder_format"]);
    let fine = "fact n \"n\": integer\ninform r { statement \"{n:.12}\" }\n";
    assert_eq!(codes(fine), Vec::<String>::new());
    let many = "fact n \"n\": integer\ninform r { statement \"{n:.13}\" }\n";
    assert_eq!(codes(many), ["cairn::check::placeholder_format"]);
    let unknown = "fact n \"n\": integer\ninform r { statement \"{m:.1}\" }\n";
    assert_eq!(codes(unknown), ["cairn::check::unknown_placeholder"]);
}

#[test]
fn functions_are_typed() {
    let dates = "fact a \"a\": date\nfact n \"n\": integer\n";
    let ok = |e: &str| {
        codes(&format!(
            "{dates}define x \"x\" = {e}\ninform r {{ when x is known statement \"{{x}}\" }}\n"
        ))
    };
    assert_eq!(ok("years between a and a"), Vec::<String>::new());
    assert_eq!(ok("years between a and n"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("earliest of [a, a]"), Vec::<String>::new());
    assert_eq!(ok("earliest of [n, 1]"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("max of [n, a]"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("round(n / 3, 2)"), Vec::<String>::new());
    assert_eq!(ok("round(n / 3, 13)"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("round(n / 3, n)"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("abs(a)"), ["cairn::check::type_mismatch"]);
    assert_eq!(ok("n ^ a"), ["cairn::check::type_mismatch"]);
}
