//! Case stage: the quick path of a row against the loader it stands in
//! for, on random rows of the shipped guidelines' facts whose cells mix
//! good values with every near miss the quick decoders must leave alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::row::{load, Columns};
use super::Case;
use crate::check::model::{FactId, Type};
use crate::check::Checked;

const GUIDELINES: [&str; 3] = [
    "guidelines/rps/initial-management.cairn",
    "guidelines/cervical/screening.cairn",
    "guidelines/vte/diagnosis-treatment.cairn",
];

fn checked(path: &str) -> Checked {
    let text = std::fs::read_to_string(path).unwrap();
    crate::check::check(crate::syntax::parse_with(
        path,
        &text,
        &crate::syntax::FsLoader,
    ))
    .unwrap()
}

/// The columns of a table giving every fact (quantities with or without
/// their unit in the header; one in three left out with `skip`, so that
/// `absent means` applies) and every list, and `name`.
fn header(checked: &Checked, units: bool, skip: bool) -> Vec<String> {
    let model = &checked.model;
    let mut out = vec!["name".to_string()];
    for (i, f) in model.facts.iter().enumerate() {
        let absent = f.domain.absent.is_some();
        if model.slot_of(FactId(i as u32)).is_some() || (skip && (absent || i % 3 == 0)) {
            continue;
        }
        match f.ty {
            Type::Quantity { unit, .. } if units => {
                out.push(format!("{}[{}]", f.name, unit.symbol))
            }
            _ => out.push(f.name.clone()),
        }
    }
    out.extend(model.lists.iter().map(|l| l.name.clone()));
    out
}

/// Cells a column of `name` may hold: after four blanks and misses, the
/// good values (their number given), then near misses.
fn candidates(checked: &Checked, column: &str) -> (Vec<String>, usize) {
    let model = &checked.model;
    let base = column.split('[').next().unwrap_or(column);
    let mut out: Vec<String> = ["", " ", "null", "x"].map(String::from).to_vec();
    if base == "name" {
        out.extend(["p1", " p 2 ", "=1"].map(String::from));
        return (out, 3);
    }
    if let Some(list) = model.lists.iter().find(|l| l.name == base) {
        let values = &model.enums[list.values.0 as usize].values;
        let names: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
        out.push(";".into());
        out.push(names.join(";"));
        out.push(format!(" {} ", names[0]));
        out.push(format!("{};nope", names[0]));
        return (out, 2);
    }
    let fact = model.facts.iter().find(|f| f.name == base).unwrap();
    let good = match fact.ty {
        Type::Bool => {
            out.extend(["true", "false", "TRUE", " true", "1"].map(String::from));
            2
        }
        Type::Int { min, max } => {
            let lo = min.unwrap_or(-5);
            let hi = max.unwrap_or(5);
            for i in [lo, hi, (lo + hi) / 2, lo - 1, hi + 1] {
                out.push(i.to_string());
            }
            out.extend(
                ["-0", "01", "2.0", "1e1", " 3", "99999999999999999999", "-"].map(String::from),
            );
            3
        }
        // Without a unit in the header, the cell gives it.
        Type::Quantity { unit, .. } if !column.contains('[') => {
            out.extend(["1", "2.5", "4.0"].map(|n| format!("{n} {}", unit.symbol)));
            out.extend(["1", "1 parsec", "x kg", "1e400 kg"].map(String::from));
            3
        }
        Type::Number | Type::Quantity { .. } => {
            out.extend(
                [
                    "1", "2.5", "60", "0", "-3", "1e2", "45.0", "01", "1.", ".5", "1e400", "50 Gy",
                    "50 mg", " 7", "5e-1", "-0", "100000",
                ]
                .map(String::from),
            );
            3
        }
        Type::Date => {
            out.extend(
                [
                    "2025-03-26",
                    "2024-02-29",
                    "2023-02-29",
                    "never",
                    " 2025-01-01",
                    "2025-1-1",
                ]
                .map(String::from),
            );
            2
        }
        Type::Enum(id) => {
            let values = &model.enums[id.0 as usize].values;
            out.extend(values.iter().map(|v| v.name.clone()));
            out.extend(values.iter().map(|v| v.name.to_uppercase()));
            out.extend(values.iter().map(|v| format!("{} ", v.name)));
            values.len()
        }
        Type::Row(_) => 0,
    };
    (out, good)
}

#[test]
fn quick_rows_load_as_the_loader_loads_them() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for path in GUIDELINES {
        let checked = checked(path);
        let model = &checked.model;
        for (units, skip) in [(true, false), (false, false), (true, true)] {
            let names = header(&checked, units, skip);
            let head = names.join(",");
            let mut cells = Vec::new();
            crate::case::csv::split(&head, &mut cells).unwrap();
            let columns = Columns::new(model, "t.csv", &head, &cells).unwrap();
            let pools: Vec<(Vec<String>, usize)> =
                names.iter().map(|n| candidates(&checked, n)).collect();
            let (mut quick, mut total) = (0, 0);
            let mut case = Case::default();
            let mut slots = Vec::new();
            for round in 0..3000 {
                // Most rows take only good values (or blanks), so that
                // some load.
                let good = round % 4 != 0;
                let row: Vec<&str> = pools
                    .iter()
                    .map(|(pool, n)| {
                        let i = match good {
                            true if *n > 0 && next(4) != 0 => 4 + next(*n),
                            true => 0,
                            false => next(pool.len()),
                        };
                        pool[i].as_str()
                    })
                    .collect();
                let text = row.join(",");
                total += 1;
                let mut cells = Vec::new();
                crate::case::csv::split(&text, &mut cells).unwrap();
                let slow = load(&checked, &columns, || "t.csv:2".into(), &text, &cells);
                if let Some(name) = columns.load_quick(model, &text, &mut case, &mut slots) {
                    quick += 1;
                    let slow = slow.unwrap_or_else(|_| panic!("{path}: quick loaded `{text}`"));
                    assert_eq!(case, slow.case, "{path}: `{text}`");
                    assert_eq!(name, slow.name, "{path}: `{text}`");
                }
            }
            // Enough rows must go the quick way, or it is not tested.
            assert!(quick * 20 > total, "{path}: {quick} of {total} rows quick");
        }
    }
}

#[test]
fn quick_path_leaves_rows_of_the_wrong_width_and_quoted_rows() {
    let checked = checked(GUIDELINES[0]);
    let model = &checked.model;
    let head = "grade,phase";
    let mut cells = Vec::new();
    crate::case::csv::split(head, &mut cells).unwrap();
    let columns = Columns::new(model, "t.csv", head, &cells).unwrap();
    let mut case = Case::default();
    let mut s = Vec::new();
    assert!(columns
        .load_quick(model, "2,pretreatment", &mut case, &mut s)
        .is_some());
    assert!(columns.load_quick(model, "2", &mut case, &mut s).is_none());
    assert!(columns
        .load_quick(model, "2,pretreatment,", &mut case, &mut s)
        .is_none());
    assert!(columns
        .load_quick(model, "2,\"pretreatment\"", &mut case, &mut s)
        .is_none());
}
