//! Exact statuses checked by brute force: on small guidelines, every case
//! with at most two facts unknown gets the status and missing facts that
//! enumerating a dense grid of its completions gives (every integer of a
//! range, every day of seven years, every quarter milligram), independently
//! of the exact pass's own split into regions.

use cairn::case::Case;
use cairn::check::model::Type;
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use cairn::value::{parse_date, Value};

fn checked(decls: &str) -> Checked {
    let text = format!("guideline t {{ title \"T\" version \"1.0.0\" status draft }}\n{decls}");
    cairn::parse("t.cairn", &text).check().unwrap()
}

/// Small guidelines whose conditions the dense grid below covers.
const GRID_GUIDELINES: [&str; 3] = [
    r#"
fact a "a": integer 0 to 12
fact b "b": integer 0 to 12
fact p "p": bool
fact e "e": enum { x "X" y "Y" z "Z" }
define s "s": integer = a * 2 + 1
define pick "pick": integer = first {
  when e = x then a
  when e = y then b
  otherwise 5
}
inform r1 { when (p and a >= 4) or (not p and a >= 6) statement "r1" }
inform r2 { when s > 7 and e != z statement "r2" }
inform r3 { when a + b >= 10 statement "r3" }
inform r4 { when pick > 6 statement "r4" }
inform r5 { when a in {3, 5, 7} or a > 8 or b = 2 statement "r5" }
inform r6 { when 24 / a >= 4 and p statement "r6" }
inform r7 { when a >= 3 or a < 5 statement "r7" }
"#,
    r#"
fact d "d": date
fact t "t": date
fact q "q": quantity mg
inform r1 { when d + 6 weeks < 2024-03-01 statement "r1" }
inform r2 { when q / 1 mg >= 1.5 and q < 4 mg statement "r2" }
inform r3 { when d >= t statement "r3" }
inform r4 { when d + 1 year >= t and q > 2 mg statement "r4" }
inform r5 { when q * 2 = 3 mg or d = 2024-01-31 statement "r5" }
inform r6 { when 2024-01-01 - d > 30 days or q <= 1 mg statement "r6" }
inform r7 { when d + 1 month = 2024-02-29 statement "r7" }
inform r8 { when d + 3 months > 2024-05-31 and d - 1 year <= t statement "r8" }
"#,
    // Tables by numbers: each row bound is a threshold of its key's fact,
    // also through a definition (`s` follows `a`).
    r#"
fact a "a": integer 0 to 12
fact e "e": enum { x "X" y "Y" z "Z" }
fact q "q": quantity mg
define s "s": integer = a * 2 + 1
table t "t" {
  key e, a, q
  column v "v": integer
  row x, 0 to 3, _         -> 1
  row _, >= 9,   < 2 mg    -> 2
  row y, _,      2.25 to 4 mg -> 3
  row _, 5,      _         -> 4
  row _, _,      _         -> 5
}
table u "u" {
  key s
  column w "w": integer
  row < 7     -> 1
  row 7 to 15 -> 2
  row > 20    -> 3
}
inform r1 { when t.v = 1 statement "r1" }
inform r2 { when t.v >= 3 statement "r2" }
inform r3 { when t.v != 5 and u.w = 2 statement "r3" }
inform r4 { when u.w = 1 or u.w = 3 statement "r4" }
inform r5 { when t.v = 2 or t.v = 4 statement "r5" }
"#,
];

/// The values the brute force tries for a fact: every integer of its
/// range, every day from 2020-01-01 to 2026-12-31 (every 30th day for a
/// second date), every quarter milligram up to 10 mg.
fn grid(ty: Type, index: usize) -> Vec<Value> {
    match ty {
        Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Type::Enum(_) => (0..3).map(Value::Enum).collect(),
        Type::Int { min, max } => (min.unwrap()..=max.unwrap()).map(Value::Int).collect(),
        Type::Date => {
            let from = parse_date("2020-01-01").unwrap();
            let to = parse_date("2026-12-31").unwrap();
            let step = if index == 0 { 1 } else { 30 };
            (from..=to).step_by(step).map(Value::Date).collect()
        }
        Type::Quantity { unit, .. } => (0..=40)
            .map(|i| Value::Quantity(f64::from(i) * 0.25 * unit.factor))
            .collect(),
        _ => Vec::new(),
    }
}

/// Statuses of every completion of `case` on the grid, and for each
/// unknown fact whether two completions differing only in it differ.
fn brute_force(p: &Program, case: &Case, unknown: &[usize]) -> (Vec<Status>, Vec<Vec<bool>>) {
    let model = p.model();
    let axes: Vec<Vec<Value>> = unknown
        .iter()
        .enumerate()
        .map(|(k, &f)| grid(model.facts[f].ty, k))
        .collect();
    let total: usize = axes.iter().map(Vec::len).product();
    let mut scratch = p.scratch();
    let mut all: Vec<Vec<Status>> = Vec::with_capacity(total);
    let mut c = case.clone();
    for i in 0..total {
        let mut rest = i;
        for (axis, &f) in axes.iter().zip(unknown) {
            c.facts[f] = Some(axis[rest % axis.len()]);
            rest /= axis.len();
        }
        all.push(p.statuses(&c, &mut scratch).to_vec());
    }
    let recs = model.recs.len();
    let agreed = (0..recs)
        .map(|r| {
            let first = all[0][r];
            if all.iter().all(|s| s[r] == first) {
                first
            } else {
                Status::Undetermined
            }
        })
        .collect();
    let mut stride = 1;
    let mut matters = vec![vec![false; unknown.len()]; recs];
    for (k, axis) in axes.iter().enumerate() {
        for i in 0..total {
            let digit = (i / stride) % axis.len();
            if digit + 1 < axis.len() {
                for (r, m) in matters.iter_mut().enumerate() {
                    m[k] |= all[i][r] != all[i + stride][r];
                }
            }
        }
        stride *= axis.len();
    }
    (agreed, matters)
}

#[test]
fn exact_statuses_and_missing_facts_agree_with_a_dense_grid() {
    let mut checked_recs = 0;
    let mut approximate = 0;
    for (g, text) in GRID_GUIDELINES.iter().enumerate() {
        let c = checked(text);
        let p = Program::new(&c);
        let model = p.model();
        let n = model.facts.len();
        // Known values for the facts a partial case gives, near the
        // thresholds (so the grid reaches every region around them).
        let known: Vec<Value> = model
            .facts
            .iter()
            .enumerate()
            .map(|(k, f)| match f.ty {
                Type::Date => Value::Date(parse_date("2024-02-10").unwrap()),
                Type::Quantity { unit, .. } => Value::Quantity(1.5 * unit.factor),
                ty => {
                    let g = grid(ty, 1);
                    g[(k * 7 + 3) % g.len()]
                }
            })
            .collect();
        // Every case with at most two facts unknown.
        for mask in 0u32..(1 << n) {
            let unknown: Vec<usize> = (0..n).filter(|&f| mask & (1 << f) != 0).collect();
            if unknown.is_empty() || unknown.len() > 2 {
                continue;
            }
            let case = Case {
                name: String::new(),
                facts: (0..n)
                    .map(|f| (!unknown.contains(&f)).then(|| known[f]))
                    .collect(),
                absent: Vec::new(),
            };
            let (oracle, matters) = brute_force(&p, &case, &unknown);
            let out = p.evaluate(&case, Options::default());
            for (r, rec) in out.recommendations.iter().enumerate() {
                let at = format!("guideline {g}, `{}`, unknown {unknown:?}", rec.id);
                if rec.approximate {
                    // No claim: the Kleene result stands.
                    assert_eq!(rec.status, Status::Undetermined, "{at}");
                    approximate += 1;
                    continue;
                }
                assert_eq!(rec.status, oracle[r], "{at}");
                let want: Vec<String> = unknown
                    .iter()
                    .zip(&matters[r])
                    .filter(|(_, &m)| m && oracle[r] == Status::Undetermined)
                    .map(|(&f, _)| model.facts[f].name.clone())
                    .collect();
                assert_eq!(rec.missing, want, "{at}");
                checked_recs += 1;
            }
        }
    }
    assert!(checked_recs > 80, "{checked_recs}");
    // Comparisons of two unknown facts are approximations.
    assert!(approximate > 0);
}
