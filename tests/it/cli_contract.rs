//! The command line's machine-output contract: one number format in every
//! JSON output (integral numbers without `.0`, as `cairn run` writes them).

use std::process::Command;

const VTE: &str = "guidelines/vte/diagnosis-treatment.cairn";

/// Runs `cairn` in the crate root; returns the exit code and standard output.
fn cairn(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Every number in `v` whose value is integral, with its path, when it is
/// written as a float (`1.0`): none may be.
fn integral_floats(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n)
            if n.is_f64() && n.as_f64().is_some_and(|x| x.fract() == 0.0) =>
        {
            out.push(format!("{path} = {n}"));
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                integral_floats(item, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                integral_floats(item, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn assert_no_integral_floats(args: &[&str]) -> serde_json::Value {
    let (_, out) = cairn(args);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut found = Vec::new();
    integral_floats(&json, "", &mut found);
    assert!(
        found.is_empty(),
        "{args:?} writes integral floats: {found:?}"
    );
    json
}

#[test]
fn test_coverage_percent_is_written_as_run_writes_numbers() {
    let json =
        assert_no_integral_floats(&["test", "guidelines/vte", "--coverage", "--format", "json"]);
    // The golden cases cover every branch: the percent is exactly 100, and
    // it is written `100`, not `100.0`.
    assert!(json.to_string().contains("\"percent\":100"), "{json}");
}

#[test]
fn analyze_shares_are_written_as_run_writes_numbers() {
    let json = assert_no_integral_floats(&["analyze", VTE, "--format", "json"]);
    assert!(json.to_string().contains("\"share\":1}"), "{json}");
}

#[test]
fn run_and_batch_write_numbers_alike() {
    let case = "guidelines/vte/cases/dvt_likely_delayed_ultrasound.json";
    let run = assert_no_integral_floats(&["run", VTE, "--case", case, "--format", "json"]);
    // The same case as a one-line cohort: its row's derived values are the
    // run's, number for number.
    let mut facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
    facts.as_object_mut().unwrap().remove("expect");
    let dir = tempfile::tempdir().unwrap();
    let cohort = dir.path().join("cohort.jsonl");
    std::fs::write(&cohort, format!("{facts}\n")).unwrap();
    let (code, out) = cairn(&["batch", VTE, cohort.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(row["derived"], run["derived"]);
    assert_eq!(row["derived"]["dvt_wells"].to_string(), "2");
}

#[test]
fn version_names_the_build_commit() {
    let (code, out) = cairn(&["--version"]);
    assert_eq!(code, 0, "{out}");
    let version = env!("CARGO_PKG_VERSION");
    let rest = out
        .trim()
        .strip_prefix(&format!("cairn {version} ("))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("`{out}`"));
    // A short hash from git, or `unknown` outside a checkout.
    assert!(
        rest == "unknown" || (rest.len() >= 7 && rest.chars().all(|c| c.is_ascii_hexdigit())),
        "{out}"
    );
}
