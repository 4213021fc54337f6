//! Eval stage test support: the guidelines the evaluator tests run on,
//! and deterministic random cases for them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::Program;
use crate::case::Case;
use crate::check::model::{Model, Type};
use crate::value::Value;

pub(super) const GUIDELINES: [&str; 4] = [
    "guidelines/rps/initial-management.cairn",
    "tests/corpus/check/valid_expressions.cairn",
    "tests/corpus/check/valid_sample.cairn",
    "tests/corpus/check/valid_semantics.cairn",
];

pub(super) fn program(path: &str) -> Program {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = crate::syntax::parse_with(path, &text, &crate::syntax::FsLoader);
    Program::new(&crate::check::check(parsed).unwrap())
}

/// A deterministic generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// A value near the thresholds guidelines use (so comparisons go both
/// ways), or unknown (one in `unknown_one_in`).
fn value(model: &Model, ty: Type, rng: &mut Rng, unknown_one_in: u64) -> Option<Value> {
    if rng.below(unknown_one_in) == 0 {
        return None;
    }
    Some(match ty {
        Type::Bool => Value::Bool(rng.below(2) == 0),
        Type::Int { min, max } => {
            let lo = min.unwrap_or(-3);
            let hi = max.unwrap_or(100).max(lo);
            Value::Int(lo + rng.below((hi - lo + 1) as u64) as i64)
        }
        Type::Number => Value::Number(rng.below(200) as f64 / 10.0),
        Type::Quantity { unit, .. } => {
            let v = [0.0, 5.0, 25.0, 28.0, 45.0, 50.0, 50.4, 60.0, 1000.0][rng.below(9) as usize];
            Value::Quantity(unit.canonical_of(v))
        }
        Type::Date => Value::Date(18_000 + rng.below(400) as i32),
        Type::Enum(e) => {
            let n = model.enum_info(e).map_or(1, |i| i.values.len());
            Value::Enum(rng.below(n as u64) as u32)
        }
        Type::Row(_) => return None,
    })
}

/// A random case named after `seed`, drawn from a generator started at
/// `state` (odd), each fact unknown with probability 1 / `unknown_one_in`.
pub(super) fn random_case(model: &Model, seed: u64, state: u64, unknown_one_in: u64) -> Case {
    let mut rng = Rng(state | 1);
    Case {
        name: format!("seed {seed}"),
        facts: model
            .facts
            .iter()
            .map(|f| value(model, f.ty, &mut rng, unknown_one_in))
            .collect(),
        absent: Vec::new(),
    }
}

/// The corpus guidelines of [`GUIDELINES`] and the encoded cervical and
/// VTE guidelines, compiled (the exact pass's differential tests).
pub(super) fn programs() -> Vec<(&'static str, Program)> {
    let encoded = [
        "guidelines/cervical/screening.cairn",
        "guidelines/vte/diagnosis-treatment.cairn",
    ];
    GUIDELINES
        .iter()
        .chain(&encoded)
        .map(|&g| (g, program(g)))
        .collect()
}
