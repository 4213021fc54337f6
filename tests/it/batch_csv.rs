//! `cairn batch` over CSV cohorts: a row loads to exactly the case the JSON
//! loader gives (every golden case of every guideline, as a CSV row), and
//! end to end the CSV path agrees with `cairn run`, locates bad cells and
//! keeps input order with several threads.

use cairn::case::row::{self, Columns};
use cairn::check::Checked;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every guideline with its golden case files.
fn guidelines() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root().join("guidelines")).unwrap() {
        let dir = dir.unwrap().path();
        let Some(guideline) = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "cairn"))
        else {
            continue;
        };
        let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        cases.sort();
        out.push((guideline, cases));
    }
    out.sort();
    out
}

/// A JSON fact value written as a CSV cell (unquoted), or `None` when CSV
/// cannot say it (a partial list).
fn cell(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    Some(match value {
        J::Null => String::new(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => s.clone(),
        J::Array(items) if items.is_empty() => ";".into(),
        J::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()?
            .join(";"),
        J::Object(m) => match (m.get("value"), m.get("unit")) {
            (Some(v), Some(J::String(u))) => format!("{v} {u}"),
            _ => return None,
        },
    })
}

/// A CSV cell quoted when needed.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The facts of a case file as a CSV header and row, or `None` when some
/// value has no CSV form.
fn csv_of(case_text: &str) -> Option<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(case_text).unwrap();
    let facts = json["facts"].as_object()?;
    // A `name` column, so a case without facts still has a header.
    let mut names = vec!["name".to_string()];
    let mut cells = vec!["golden".to_string()];
    for (name, value) in facts {
        names.push(quote(name));
        cells.push(quote(&cell(value)?));
    }
    Some((names.join(","), cells.join(",")))
}

fn row_case(checked: &Checked, header: &str, line: &str) -> Result<cairn::case::Case, String> {
    let mut cells = Vec::new();
    cairn::case::csv::split(header, &mut cells).unwrap();
    let columns = Columns::new(&checked.model, "h.csv", header, &cells)
        .map_err(|f| f.diagnostics.render(&f.sources, 100))?;
    cairn::case::csv::split(line, &mut cells).unwrap();
    assert_eq!(cells.len(), columns.len(), "{line}");
    row::load(checked, &columns, || "row".into(), line, &cells)
        .map(|r| r.case)
        .map_err(|f| f.diagnostics.render(&f.sources, 100))
}

/// One semantics: every golden case of every guideline written as a CSV
/// row loads to the same case as its JSON (fact slots and the facts taken
/// as absent), so every evaluator gives the same statuses.
#[test]
fn every_golden_case_as_a_csv_row_loads_to_the_same_case() {
    let mut compared = 0;
    let mut skipped = 0;
    for (guideline, cases) in guidelines() {
        let checked = cairn::testing::load::guideline(&guideline).unwrap();
        let program = cairn::eval::Program::new(&checked);
        let mut scratch = program.scratch();
        for path in cases {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(json) = cairn::case::load(&checked, "case.json", &text) else {
                continue;
            };
            let Some((header, line)) = csv_of(&text) else {
                skipped += 1;
                continue;
            };
            let case = row_case(&checked, &header, &line)
                .unwrap_or_else(|e| panic!("{}: {line}\n{e}", path.display()));
            assert_eq!(case.facts, json.case.facts, "{}: {line}", path.display());
            assert_eq!(case.absent, json.case.absent, "{}", path.display());
            let a = program.statuses(&case, &mut scratch).to_vec();
            assert_eq!(
                a,
                program.statuses(&json.case, &mut scratch),
                "{}",
                path.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 100, "{compared} compared, {skipped} skipped");
}

/// A quantity cell in the header's unit, in its own unit, or a bare
/// number in the unit the header gives all load alike; a unit in the
/// header of a fact that is not a quantity is an error.
#[test]
fn units_in_the_header_or_in_the_cell_load_alike() {
    let checked = cairn::testing::load::guideline(&root().join(MINI)).unwrap();
    let json = r#"{"facts": {"planned_rt_total_dose": "5000 cGy", "grade": 2}}"#;
    let want = cairn::case::load(&checked, "c.json", json).unwrap().case;
    for (header, line) in [
        ("planned_rt_total_dose[Gy],grade", "50,2"),
        ("planned_rt_total_dose[cGy],grade", "5000,2"),
        ("planned_rt_total_dose,grade", "50 Gy,2"),
        ("planned_rt_total_dose[Gy],grade", "\"5000 cGy\",2"),
    ] {
        assert_eq!(
            row_case(&checked, header, line).unwrap().facts,
            want.facts,
            "{header}"
        );
    }
    let err = row_case(&checked, "grade[Gy]", "2").unwrap_err();
    assert!(err.contains("not a quantity"), "{err}");
}

const MINI: &str = "tests/corpus/case/mini/mini.cairn";

fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap(),
        text(out.stdout),
        text(out.stderr),
    )
}

/// End to end: a CSV cohort runs with the statuses of `cairn run`, a bad
/// cell is an error row located by line, column name and byte, the rest
/// still run, and the output keeps input order with several threads.
#[test]
fn a_csv_cohort_runs_in_order_and_locates_bad_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cohort.csv");
    let mut text = String::from("name,grade,distant_metastases,planned_rt_total_dose[Gy]\n");
    for i in 0..5000 {
        let grade = if i == 3000 {
            "7".to_string()
        } else {
            (1 + i % 3).to_string()
        };
        let mets = ["true", "false", ""][i % 3];
        text.push_str(&format!("p{i},{grade},{mets},{}\n", 40 + i % 20));
    }
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = cairn(&["batch", MINI, p, "--format", "csv", "--threads", "2"]);
    assert_eq!(code, 1, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 5001);
    for (i, row) in rows.iter().skip(1).enumerate() {
        assert!(row.starts_with(&format!("{},", i + 2)), "{row}");
    }
    assert_eq!(rows[3001], "3002,,error,error,error");
    assert!(
        err.contains("cohort.csv:3002:7: error[cairn::case::integer_range]: `grade` must be between 1 and 3, found 7 (column `grade`, byte 6)"),
        "{err}"
    );
    assert!(err.contains("4999 cases evaluated, 1 bad line"), "{err}");

    // Each row agrees with `cairn run` on the same facts as JSON.
    for i in [0usize, 1, 2, 17] {
        let mets = ["true", "false", "null"][i % 3];
        let case = format!(
            r#"{{"facts": {{"grade": {}, "distant_metastases": {mets}, "planned_rt_total_dose": "{} Gy"}}}}"#,
            1 + i % 3,
            40 + i % 20
        );
        let case_path = dir.path().join("case.json");
        std::fs::write(&case_path, case).unwrap();
        let (_, single, _) = cairn(&[
            "run",
            MINI,
            "--case",
            case_path.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let single: serde_json::Value = serde_json::from_str(&single).unwrap();
        let statuses: Vec<&str> = single["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            rows[i + 1],
            format!("{},p{i},{}", i + 2, statuses.join(","))
        );
    }

    // An unknown column is a located error with a did-you-mean, before any row runs.
    std::fs::write(&path, "grade,distant_metastasis\n1,true\n").unwrap();
    let (code, out, err) = cairn(&["batch", MINI, p]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("distant_metastases"), "{err}");
}
