//! `cairn batch --format jsonl`: each good row, now written by a serializer
//! straight from the slots, is byte for byte the `serde_json::json!` tree
//! the batch wrote before (rebuilt here from the library, as it was), on
//! every golden case of the three encoded guidelines and a generated
//! sarcoma cohort.

use cairn::check::model::{DefId, RecId};
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::Program;
use std::path::Path;
use std::process::Command;

const GUIDELINES: [(&str, &str); 3] = [
    (
        "guidelines/rps/initial-management.cairn",
        "guidelines/rps/cases",
    ),
    (
        "guidelines/cervical/screening.cairn",
        "guidelines/cervical/cases",
    ),
    (
        "guidelines/vte/diagnosis-treatment.cairn",
        "guidelines/vte/cases",
    ),
];

fn checked(path: &str) -> Checked {
    cairn::parse_file(Path::new(path)).unwrap().check().unwrap()
}

/// The row as the batch built it before: a `serde_json::Value` tree.
fn tree_row(checked: &Checked, program: &Program, line: usize, text: &str) -> String {
    const NO_NAME: &str = "\u{0}no name";
    let loaded = cairn::load_case(checked, NO_NAME, text).unwrap();
    let model = &checked.model;
    let mut scratch = program.scratch();
    let statuses = program.statuses(&loaded.case, &mut scratch).to_vec();
    let mut recs = serde_json::Map::new();
    let mut missing = serde_json::Map::new();
    for (i, (rec, status)) in model.recs.iter().zip(&statuses).enumerate() {
        recs.insert(rec.id.clone(), status.as_str().into());
        if *status == Status::Undetermined {
            let facts = program.missing(&mut scratch, RecId(i as u32));
            missing.insert(rec.id.clone(), model.user_names(facts).into());
        }
    }
    let derived: serde_json::Map<String, serde_json::Value> = model
        .defs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = program.def_value(&scratch, DefId(i as u32));
            (d.name.clone(), cairn::value::json::encode(model, d.ty, v))
        })
        .collect();
    let name = (loaded.name != NO_NAME).then_some(loaded.name);
    let mut row = serde_json::json!({
        "line": line,
        "name": name,
        "recommendations": recs,
        "missing": missing,
        "derived": derived,
    });
    if !loaded.case.absent.is_empty() {
        let absent = cairn::eval::outcome::absent_facts(model, &loaded.case);
        row["absent"] = serde_json::to_value(absent).unwrap();
    }
    row.to_string()
}

/// Runs `cairn batch --format jsonl` over `lines` and checks every row.
fn check_rows(guideline: &str, lines: &[String]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cohort.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "batch",
            guideline,
            input.to_str().unwrap(),
            "--format",
            "jsonl",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), lines.len(), "{guideline}: one row per line");
    let checked = checked(guideline);
    let program = Program::new(&checked);
    for (i, (row, text)) in rows.iter().zip(lines).enumerate() {
        let expected = tree_row(&checked, &program, i + 1, text);
        assert_eq!(*row, expected, "{guideline}, line {}", i + 1);
    }
    rows.len()
}

/// A case file as one JSON line.
fn one_line(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str::<serde_json::Value>(&text)
        .unwrap()
        .to_string()
}

#[test]
fn jsonl_rows_are_the_json_trees_byte_for_byte_on_every_golden_case() {
    for (guideline, cases) in GUIDELINES {
        let mut paths: Vec<_> = std::fs::read_dir(cases)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let lines: Vec<String> = paths.iter().map(|p| one_line(p)).collect();
        assert!(lines.len() >= 10, "{guideline}: golden cases");
        check_rows(guideline, &lines);
    }
}

#[test]
fn jsonl_rows_are_the_json_trees_byte_for_byte_on_a_generated_cohort() {
    let guideline = GUIDELINES[0].0;
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["cohort", guideline, "-n", "600", "--format", "jsonl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(check_rows(guideline, &lines), 600);
}
