//! Conformance suite: a test's guideline, checked and compiled once, and
//! its cases loaded through the case loader (the same path as case files).

use super::format::{self, Test};
use super::probe::Probes;
use crate::case::Case;
use crate::check::Checked;
use crate::eval::Program;

/// A test's guideline and everything compiled from it.
pub(crate) struct Subject {
    /// The full source text (header and declarations).
    pub text: String,
    /// The file name it was parsed under.
    pub name: String,
    /// The checked guideline.
    pub checked: Checked,
    /// The compiled program.
    pub program: Program,
    /// Every expression node and the program that computes them.
    pub probes: Probes,
}

/// One case of a test, loaded.
pub(crate) struct Loaded {
    /// The case.
    pub case: Case,
    /// `case 2 (line 14: {"g": 1})`, for messages.
    pub label: String,
}

impl Subject {
    /// Parses and checks a test's declarations under the fixed header;
    /// a check failure is returned with its rendered diagnostics.
    pub fn new(test: &Test) -> Result<Subject, String> {
        let text = format::source(test);
        // The name says where the declarations come from; line 1 is the header.
        let name = format!("{}.cairn", test.origin);
        Subject::from_text(&name, text)
    }

    /// Parses and checks a whole guideline text.
    pub fn from_text(name: &str, text: String) -> Result<Subject, String> {
        let checked = match crate::parse(name, &text).check() {
            Ok(c) => c,
            Err(mut failed) => {
                failed.diagnostics.reports.retain(|r| r.is_error());
                return Err(format!(
                    "the declarations do not check (line 1 is the header):\n{}",
                    failed.diagnostics.render(&failed.sources, 100)
                ));
            }
        };
        let program = Program::new(&checked);
        let probes = Probes::new(&checked);
        Ok(Subject {
            text,
            name: name.to_string(),
            checked,
            program,
            probes,
        })
    }

    /// Loads a case's facts (a JSON object) through the case loader.
    pub fn load(&self, n: usize, line: usize, facts: &str) -> Result<Loaded, String> {
        let label = match line {
            0 => format!("case {n} ({facts})"),
            _ => format!("case {n} (line {line}: {facts})"),
        };
        let json = format!("{{\"facts\": {facts}}}");
        match crate::load_case(&self.checked, "case.json", &json) {
            Ok(file) => Ok(Loaded {
                case: file.case,
                label,
            }),
            Err(failed) => Err(format!(
                "{label}: the case does not load:\n{}",
                failed.diagnostics.render(&failed.sources, 100)
            )),
        }
    }

    /// Cases to run next to the tested ones in a batch: every fact unknown,
    /// and the tested cases' facts mixed (fact `f` from case `(f + k) % n`),
    /// so the tested cases sit among different ones.
    pub fn fillers(&self, cases: &[&Case]) -> Vec<Case> {
        let width = self.checked.model.facts.len();
        let mut out = vec![Case {
            name: "all unknown".into(),
            facts: vec![None; width],
            absent: Vec::new(),
        }];
        let n = cases.len().max(1);
        for k in 1..=3 {
            out.push(Case {
                name: format!("mixed {k}"),
                facts: (0..width)
                    .map(|f| {
                        cases
                            .get((f + k) % n)
                            .and_then(|c| c.facts.get(f).copied().flatten())
                    })
                    .collect(),
                absent: Vec::new(),
            });
        }
        out
    }
}
