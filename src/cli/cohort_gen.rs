//! Command line: `cairn cohort`, a synthetic cohort of a guideline for
//! `cairn batch` and its benchmark, in CSV or JSON lines (Parquet and Arrow
//! in `cohort_arrow`).
//!
//! Random facts alone hardly exercise a guideline (with each imaging finding
//! true half the time nearly every case is unresectable), so three cases in
//! four are one of the guideline's golden cases (its `cases/` folder) with
//! each fact, with probability 1/8, replaced by a random value or made
//! unknown; the rest are wholly random. Between them they reach every
//! status of every recommendation of the sarcoma guideline (a test counts
//! them), and none breaks a constraint of the guideline. The generator is deterministic (xorshift64*), so runs compare.
//! Both formats say the same cases: an unknown fact is an empty cell in CSV
//! and `null` in JSON (never left out, so `absent means` does not apply).

use super::batch_rows::csv;
use super::output::{self, IO};
use super::InputFormat;
use cairn::case::Case;
use cairn::check::model::{FactId, Model, Type};
use cairn::check::Checked;
use cairn::eval::constraints::Constraints;
use cairn::value::Value;
use std::io::Write;
use std::path::Path;

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Writes `n` cases of `guideline` to standard output or `output`; exit
/// code.
pub fn run(guideline: &Path, n: usize, format: InputFormat, output: Option<&Path>) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let seeds = golden(&checked, &guideline.with_file_name("cases"));
    let model = &checked.model;
    // Slot facts of lists are written as their list's column.
    let facts: Vec<usize> = (0..model.facts.len())
        .filter(|&f| model.slot_of(FactId(f as u32)).is_none())
        .collect();
    if matches!(format, InputFormat::Parquet | InputFormat::Arrow) {
        let Some(path) = output else {
            super::output::error_coded(
                super::batch::BINARY_STDOUT,
                "a binary cohort is written to a file: give it with `-o FILE`",
            );
            return IO;
        };
        return super::cohort_arrow::write(model, &seeds, n, format, path);
    }
    if let Some(path) = output {
        // Text formats go to standard output; `-o` is for binary ones.
        super::output::error(format_args!(
            "`-o {}` is for `--format parquet` or `arrow`: redirect standard output for text",
            path.display()
        ));
        return IO;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if format == InputFormat::Csv {
        let mut header: Vec<String> = facts.iter().filter_map(|&f| column(model, f)).collect();
        header.extend(model.lists.iter().map(|l| csv(&l.name)));
        if writeln!(out, "{}", header.join(",")).is_err() {
            return IO;
        }
    }
    let mut rng = rng();
    let constraints = Constraints::new(model);
    let mut line = String::new();
    for _ in 0..n {
        let case = next_case(model, &seeds, &constraints, &mut rng);
        line.clear();
        match format {
            InputFormat::Csv => csv_row(model, &facts, &case, &mut line),
            _ => json_row(model, &facts, &case, &mut line),
        }
        if writeln!(out, "{line}").is_err() {
            return IO;
        }
    }
    if out.flush().is_err() {
        return IO;
    }
    0
}

/// The generator every format shares, seeded the same way.
pub fn rng() -> Rng {
    Rng(0x9e37_79b9_7f4a_7c15)
}

/// The next case: one that breaks no constraint (drawn a few times, then
/// all unknown, which breaks none).
pub fn next_case(model: &Model, seeds: &[Case], constraints: &Constraints, rng: &mut Rng) -> Case {
    (0..16)
        .map(|_| generate(model, seeds, rng))
        .find(|c| constraints.broken(&c.facts).is_empty())
        .unwrap_or_else(|| Case {
            facts: vec![None; model.facts.len()],
            ..Case::default()
        })
}

/// The golden cases in `dir` that load (none when it is missing).
fn golden(checked: &Checked, dir: &Path) -> Vec<Case> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "json"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            cairn::case::load(checked, &p.to_string_lossy(), &text).ok()
        })
        .map(|c| c.case)
        .collect()
}

/// One case: a perturbed golden case (three in four) or a random one.
fn generate(model: &Model, seeds: &[Case], rng: &mut Rng) -> Case {
    let seed = match rng.below(4) {
        0 => None,
        _ if seeds.is_empty() => None,
        _ => seeds.get(rng.below(seeds.len() as u64) as usize),
    };
    let facts = model
        .facts
        .iter()
        .enumerate()
        .map(|(f, info)| match seed {
            Some(s) if rng.below(8) != 0 => s.facts.get(f).copied().flatten(),
            _ => random_value(model, info.ty, rng),
        })
        .collect();
    Case {
        facts,
        ..Case::default()
    }
}

/// A random value of a type; about one in six is unknown.
fn random_value(model: &Model, ty: Type, rng: &mut Rng) -> Option<Value> {
    if rng.below(6) == 0 {
        return None;
    }
    Some(match ty {
        Type::Bool => Value::Bool(rng.below(2) == 0),
        Type::Int { min, max } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(100).max(lo);
            Value::Int(lo + rng.below((hi - lo + 1) as u64) as i64)
        }
        Type::Number => Value::Number(rng.below(1000) as f64 / 10.0),
        Type::Quantity { unit, .. } => {
            // Around typical clinical magnitudes in the fact's own unit.
            let v = if unit.symbol == "Gy" {
                [50.0, 50.4, 45.0, 60.0][rng.below(4) as usize]
            } else {
                rng.below(100) as f64
            };
            Value::Quantity(v * unit.factor)
        }
        Type::Date => Value::Date(18_000 + rng.below(3_000) as i32),
        Type::Enum(e) => {
            let n = model.enum_info(e).map_or(1, |i| i.values.len());
            Value::Enum(rng.below(n as u64) as u32)
        }
        Type::Row(_) => return None,
    })
}

/// The CSV header cell of fact `f`: its name, with the unit of a quantity.
fn column(model: &Model, f: usize) -> Option<String> {
    let info = model.facts.get(f)?;
    Some(match info.ty {
        Type::Quantity { unit, .. } => csv(&format!("{}[{}]", info.name, unit.symbol)),
        _ => csv(&info.name),
    })
}

/// A value as a CSV cell: the codec's JSON, a quantity's number alone (the
/// header gives the unit).
fn cell(model: &Model, ty: Type, v: Option<Value>) -> String {
    match cairn::value::json::encode(model, ty, v) {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => csv(&s),
        serde_json::Value::Object(m) => m.get("value").map(|v| v.to_string()).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// A list's cell from its slots: the values in it joined by `;` (`;` for
/// none), empty when some slot is unknown.
fn list_cell(model: &Model, list: usize, case: &Case) -> String {
    let Some(info) = model.lists.get(list) else {
        return String::new();
    };
    let names = model.enum_info(info.values).map(|e| &e.values);
    let mut inside = Vec::new();
    for (i, slot) in info.slots.iter().enumerate() {
        match case.facts.get(slot.0 as usize).copied().flatten() {
            Some(Value::Bool(true)) => {
                if let Some(v) = names.and_then(|n| n.get(i)) {
                    inside.push(v.name.clone());
                }
            }
            Some(_) => {}
            None => return String::new(),
        }
    }
    if inside.is_empty() {
        ";".into()
    } else {
        csv(&inside.join(";"))
    }
}

fn csv_row(model: &Model, facts: &[usize], case: &Case, out: &mut String) {
    let mut cells: Vec<String> = facts
        .iter()
        .filter_map(|&f| {
            let info = model.facts.get(f)?;
            Some(cell(model, info.ty, case.facts.get(f).copied().flatten()))
        })
        .collect();
    cells.extend((0..model.lists.len()).map(|l| list_cell(model, l, case)));
    out.push_str(&cells.join(","));
}

fn json_row(model: &Model, facts: &[usize], case: &Case, out: &mut String) {
    let mut map = serde_json::Map::new();
    for &f in facts {
        if let Some(info) = model.facts.get(f) {
            let v = case.facts.get(f).copied().flatten();
            map.insert(
                info.name.clone(),
                cairn::value::json::encode(model, info.ty, v),
            );
        }
    }
    for (l, list) in model.lists.iter().enumerate() {
        let cell = list_cell(model, l, case);
        let value = match cell.as_str() {
            "" => serde_json::Value::Null,
            ";" => serde_json::json!([]),
            names => names
                .trim_matches('"')
                .split(';')
                .collect::<Vec<_>>()
                .into(),
        };
        map.insert(list.name.clone(), value);
    }
    out.push_str(&serde_json::json!({ "facts": map }).to_string());
}
