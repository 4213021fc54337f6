//! Diff tests on random pairs: small random guidelines over facts with
//! finite domains, and a second version differing in one atom (replaced,
//! rewritten equivalently, or left alone). Every case is run on both
//! versions; `cairn diff`'s verdicts must agree with that enumeration: no
//! change it reports that no case shows, no change missed unless the item
//! is reported undecided, and every change listed when its search was
//! exhaustive. Every witness is re-run. A constraint rejects some cases:
//! neither the enumeration nor the diff may count them.

use super::diff::{checked, witnesses_reproduce, HEAD};
use cairn::analysis::diff::{diff, render_text};
use cairn::case::Case;
use cairn::check::Checked;
use cairn::eval::{Options, Program};
use cairn::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A deterministic generator, so a seed replays its pair.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const SMALL_FACTS: &str = "fact b0 \"b0\": bool\nfact b1 \"b1\": bool\nfact b2 \"b2\": bool\n\
fact e0 \"e0\": enum { x, y, z }\nfact n0 \"n0\": integer 0 to 4\nfact n1 \"n1\": integer 0 to 2\n";

/// Atoms over facts with small domains, so that every case can be tried.
const SMALL_ATOMS: &[&str] = &[
    "b0",
    "not b1",
    "b2 = false",
    "b0 != b1",
    "e0 = x",
    "e0 in {y, z}",
    "e0 != z",
    "n0 >= 3",
    "n0 < 2",
    "n0 = 2",
    "n1 <= 1",
    "n0 + n1 > 3",
    "n0 > n1",
    "n0 * 2 >= 5",
    "n1 in {0, n0}",
    "b1 is known",
    "n1 is unknown",
    "c0",
];

/// A guideline as pieces of text and atom slots, so that a second version
/// can differ in one atom.
struct Template {
    pieces: Vec<Result<String, usize>>,
    atoms: Vec<String>,
}

impl Template {
    fn atom(&mut self, rng: &mut Rng, defs: bool) -> String {
        let n = if defs {
            SMALL_ATOMS.len()
        } else {
            SMALL_ATOMS.len() - 1
        };
        self.atoms.push(SMALL_ATOMS[rng.below(n)].to_string());
        String::new()
    }

    fn cond(&mut self, rng: &mut Rng, depth: usize, defs: bool) {
        if depth == 0 || rng.below(3) == 0 {
            self.atom(rng, defs);
            self.pieces.push(Err(self.atoms.len() - 1));
            return;
        }
        let op = ["and", "or", "and"][rng.below(3)];
        self.pieces.push(Ok("(".into()));
        self.cond(rng, depth - 1, defs);
        self.pieces.push(Ok(format!(" {op} ")));
        self.cond(rng, depth - 1, defs);
        self.pieces.push(Ok(")".into()));
    }

    fn text(&mut self, s: &str) {
        self.pieces.push(Ok(s.to_string()));
    }

    fn new(seed: u64) -> (Template, Rng) {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut t = Template {
            pieces: Vec::new(),
            atoms: Vec::new(),
        };
        t.text(&format!(
            "{HEAD}{SMALL_FACTS}constraint k \"k\": not (b2 and n0 >= 2) and not (b1 and e0 = y)\ndefine c0 \"c0\": bool = "
        ));
        t.cond(&mut rng, 2, false);
        t.text("\ndefine v \"v\" = first {\n  when ");
        t.cond(&mut rng, 1, true);
        t.text(" then n0\n  otherwise n1\n}\nsection s \"S\" when ");
        t.cond(&mut rng, 1, true);
        t.text(" {\n  suggest r0 { when ");
        t.cond(&mut rng, 2, true);
        t.text(" statement \"r0\" }\n}\nrecommend r1 { strength 1B when ");
        t.cond(&mut rng, 0, false);
        t.text(" otherwise 2C when ");
        t.cond(&mut rng, 2, true);
        t.text(" statement \"r1\" }\nsuggest r2 { when v >= 2 and ");
        t.cond(&mut rng, 1, true);
        t.text(" statement \"r2\" }\n");
        (t, rng)
    }

    fn render(&self, atoms: &[String]) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Ok(s) => s.clone(),
                Err(i) => atoms[*i].clone(),
            })
            .collect()
    }
}

/// Every case of the small facts: each value, and unknown.
fn all_cases(c: &Checked) -> Vec<Case> {
    let m = &c.model;
    let domain = |name: &str| -> Vec<Option<Value>> {
        let mut d: Vec<Option<Value>> = match name {
            "e0" => (0..3).map(|i| Some(Value::Enum(i))).collect(),
            "n0" => (0..=4).map(|i| Some(Value::Int(i))).collect(),
            "n1" => (0..=2).map(|i| Some(Value::Int(i))).collect(),
            _ => vec![Some(Value::Bool(false)), Some(Value::Bool(true))],
        };
        d.push(None);
        d
    };
    let mut cases = vec![Case {
        name: String::new(),
        facts: vec![None; m.facts.len()],
        absent: Vec::new(),
    }];
    for (i, f) in m.facts.iter().enumerate() {
        cases = cases
            .into_iter()
            .flat_map(|c| {
                domain(&f.name).into_iter().map(move |v| {
                    let mut c = c.clone();
                    c.facts[i] = v;
                    c
                })
            })
            .collect();
    }
    cases
}

/// Per item, every `(aspect, before, after)` change some case shows, by
/// running both versions on every case.
fn truth(old: &Checked, new: &Checked) -> BTreeMap<String, BTreeSet<(String, String, String)>> {
    let (op, np) = (Program::new(old), Program::new(new));
    let mut out: BTreeMap<String, BTreeSet<(String, String, String)>> = BTreeMap::new();
    let rejected = |c: &Checked, case: &Case| {
        !cairn::eval::constraints::broken(&c.model, &case.facts).is_empty()
    };
    for case in all_cases(old) {
        // A case file either version rejects cannot be run.
        if rejected(old, &case) || rejected(new, &case) {
            continue;
        }
        let (a, b) = (
            op.evaluate(&case, Options::default()),
            np.evaluate(&case, Options::default()),
        );
        for (x, y) in a.recommendations.iter().zip(&b.recommendations) {
            let set = out.entry(x.id.to_string()).or_default();
            if x.status != y.status {
                set.insert((
                    "status".into(),
                    x.status.as_str().into(),
                    y.status.as_str().into(),
                ));
            } else if x.status.as_str() == "applies" && x.strength != y.strength {
                let s = |g: &Option<cairn::strength::Strength>| {
                    g.as_ref().map_or_else(|| "none".into(), |g| g.to_string())
                };
                set.insert(("strength".into(), s(&x.strength), s(&y.strength)));
            }
        }
        for (name, x) in &a.derived {
            let y = b.derived.get(name).cloned().unwrap_or_default();
            let show = |v: &serde_json::Value| {
                if v.is_null() {
                    "unknown".to_string()
                } else {
                    v.to_string()
                }
            };
            let set = out.entry(name.clone()).or_default();
            if *x != y {
                set.insert(("value".into(), show(x), show(&y)));
            }
        }
    }
    out
}

#[test]
fn random_pairs_agree_with_exhaustive_enumeration() {
    let (mut changed, mut unchanged, mut undecided) = (0, 0, 0);
    for seed in 0..32u64 {
        let (t, mut rng) = Template::new(seed);
        let mut atoms = t.atoms.clone();
        let k = rng.below(atoms.len());
        // One atom replaced, or rewritten equivalently, or left alone.
        atoms[k] = match rng.below(4) {
            0 => format!("not (not ({}))", atoms[k]),
            1 => atoms[k].clone(),
            _ => SMALL_ATOMS[rng.below(SMALL_ATOMS.len() - 1)].to_string(),
        };
        let (ot, nt) = (t.render(&t.atoms), t.render(&atoms));
        let (old, new) = (checked("old.cairn", &ot), checked("new.cairn", &nt));
        let d = diff(&old, &new);
        let out = render_text(&d);
        let truth = truth(&old, &new);
        witnesses_reproduce(&old, &new, &d);
        for (name, changes) in &truth {
            let found: BTreeSet<(String, String, String)> = d
                .regions
                .iter()
                .filter(|r| &r.name == name)
                .map(|r| (r.aspect.to_string(), r.before.clone(), r.after.clone()))
                .collect();
            let open = d.undecided.iter().any(|u| &u.name == name);
            let ctx = format!(
                "seed {seed}, `{name}`: truth {changes:?}\n{out}\n--- old\n{ot}\n--- new\n{nt}"
            );
            assert!(found.is_subset(changes), "{ctx}");
            if changes.is_empty() {
                assert!(found.is_empty(), "{ctx}");
                if open {
                    undecided += 1
                } else {
                    unchanged += 1
                }
            } else {
                assert!(!open || found.is_empty(), "{ctx}");
                assert!(!found.is_empty() || open, "a change missed: {ctx}");
                let exhaustive = d
                    .regions
                    .iter()
                    .filter(|r| &r.name == name)
                    .all(|r| r.exhaustive);
                if exhaustive && !found.is_empty() {
                    assert_eq!(&found, changes, "{ctx}");
                }
                changed += 1;
            }
        }
    }
    // The pairs exercise every verdict.
    assert!(
        changed >= 10 && unchanged >= 40,
        "{changed} changed, {unchanged} unchanged, {undecided} undecided"
    );
}
