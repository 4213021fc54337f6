//! Check stage and outputs: grading schemes and the strengths they give.
//!
//! A guideline grades its recommendations in one scheme, named in its
//! header (`grading acc_aha`); GRADE is the default. A strength keeps its
//! scheme, so it prints in the scheme's own words ("Class 2a, LOE B-NR")
//! and serialises to the JSON contract on its own: a GRADE strength is the
//! plain string `"2C"`, every other one an object naming its scheme and
//! parts (`{"scheme": "acc_aha", "class": "2a", "level": "B-NR"}`).
//!
//! Reading a strength from its words is in `parse`; the checks of a
//! strength against the recommendation's kind are in `consistency`.

pub mod complete;
mod consistency;
mod parse;

pub use consistency::inconsistency;
pub use parse::{parse, Problem};

use crate::check::model::Grade;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::sync::Arc;

/// A grading scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scheme {
    /// GRADE: 1 or 2 and A, B or C (`2C`).
    #[default]
    Grade,
    /// ACC/AHA class of recommendation and level of evidence.
    AccAha,
    /// USPSTF grades A, B, C, D and I statements.
    Uspstf,
    /// NICE's wording: offer, consider, do not offer.
    Nice,
    /// Oxford CEBM grades of recommendation (A–D) and levels of evidence (1a–5).
    Cebm,
    /// A list declared in the guideline (`grading NAME "..." { ... }`).
    Custom(Arc<CustomScheme>),
}

/// The names of the built-in schemes, as written after `grading`.
pub const BUILT_IN: &[&str] = &["grade", "acc_aha", "uspstf", "nice", "cebm"];

impl Scheme {
    /// The built-in scheme called `name`.
    pub fn built_in(name: &str) -> Option<Scheme> {
        Some(match name {
            "grade" => Scheme::Grade,
            "acc_aha" => Scheme::AccAha,
            "uspstf" => Scheme::Uspstf,
            "nice" => Scheme::Nice,
            "cebm" => Scheme::Cebm,
            _ => return None,
        })
    }

    /// The name written after `grading` (`acc_aha`), also the JSON `scheme`.
    pub fn name(&self) -> &str {
        match self {
            Scheme::Grade => "grade",
            Scheme::AccAha => "acc_aha",
            Scheme::Uspstf => "uspstf",
            Scheme::Nice => "nice",
            Scheme::Cebm => "cebm",
            Scheme::Custom(c) => &c.name,
        }
    }

    /// The scheme's name in prose, for diagnostics.
    pub fn title(&self) -> &str {
        match self {
            Scheme::Grade => "GRADE",
            Scheme::AccAha => "ACC/AHA",
            Scheme::Uspstf => "USPSTF",
            Scheme::Nice => "NICE",
            Scheme::Cebm => "Oxford CEBM",
            Scheme::Custom(c) => &c.name,
        }
    }

    /// How a strength is written in this scheme, for help texts.
    pub fn example(&self) -> String {
        match self {
            Scheme::Grade => "`strength 2C`".into(),
            Scheme::AccAha => "`strength class 2a level B-NR` (class 1, 2a, 2b, `3 no benefit` or `3 harm`; level A, B-R, B-NR, C-LD or C-EO)".into(),
            Scheme::Uspstf => "`strength grade B` (grade A, B, C, D or I)".into(),
            Scheme::Nice => "`strength offer`, `strength consider` or `strength do-not-offer`".into(),
            Scheme::Cebm => "`strength grade A level 1b` (grade A to D; the level, 1a to 5, may be left out)".into(),
            Scheme::Custom(c) => {
                let names: Vec<String> = c.values.iter().map(|v| format!("`{}`", v.name)).collect();
                format!("`strength {}` (one of {})", c.values.first().map_or("", |v| v.name.as_str()), names.join(", "))
            }
        }
    }
}

/// A grading scheme declared in the guideline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomScheme {
    /// Its name, as written after `grading` in the header.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its values, highest first.
    pub values: Vec<CustomValue>,
}

/// One value of a declared scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomValue {
    /// The value as written (`B`).
    pub name: String,
    /// What it means, when given.
    pub description: Option<String>,
}

/// An ACC/AHA class of recommendation (2015 and later, numbered classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccClass {
    /// Class 1 (strong): "is recommended".
    One,
    /// Class 2a (moderate): "is reasonable".
    TwoA,
    /// Class 2b (weak): "may be reasonable".
    TwoB,
    /// Class 3: No Benefit (moderate): "is not recommended".
    NoBenefit,
    /// Class 3: Harm (strong): "potentially harmful".
    Harm,
}

impl AccClass {
    /// The class as ACC/AHA print it (`2a`, `3: No Benefit`).
    pub fn label(self) -> &'static str {
        match self {
            AccClass::One => "1",
            AccClass::TwoA => "2a",
            AccClass::TwoB => "2b",
            AccClass::NoBenefit => "3: No Benefit",
            AccClass::Harm => "3: Harm",
        }
    }

    /// The class as written in Cairn (`2a`, `3 no benefit`).
    pub fn words(self) -> &'static str {
        match self {
            AccClass::One => "1",
            AccClass::TwoA => "2a",
            AccClass::TwoB => "2b",
            AccClass::NoBenefit => "3 no benefit",
            AccClass::Harm => "3 harm",
        }
    }
}

/// The ACC/AHA levels of evidence, as written and printed.
pub const ACC_LEVELS: &[&str] = &["A", "B-R", "B-NR", "C-LD", "C-EO"];
/// The USPSTF grades.
pub const USPSTF_GRADES: &[&str] = &["A", "B", "C", "D", "I"];
/// NICE's wordings as written (`do-not-offer`, printed "do not offer").
pub const NICE_WORDS: &[&str] = &["offer", "consider", "do-not-offer"];
/// The Oxford CEBM grades of recommendation.
pub const CEBM_GRADES: &[&str] = &["A", "B", "C", "D"];
/// The Oxford CEBM (2009) levels of evidence.
pub const CEBM_LEVELS: &[&str] = &["1a", "1b", "1c", "2a", "2b", "2c", "3a", "3b", "4", "5"];

/// A recommendation's strength, in its guideline's scheme. The `u8`s index
/// the tables above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strength {
    /// GRADE, e.g. `2C`.
    Grade(Grade),
    /// ACC/AHA class and level of evidence (an index into [`ACC_LEVELS`]).
    AccAha(AccClass, u8),
    /// USPSTF grade (an index into [`USPSTF_GRADES`]).
    Uspstf(u8),
    /// NICE wording (an index into [`NICE_WORDS`]).
    Nice(u8),
    /// Oxford CEBM grade and, when given, level (indices into
    /// [`CEBM_GRADES`] and [`CEBM_LEVELS`]).
    Cebm(u8, Option<u8>),
    /// A value of a declared scheme (an index into its values).
    Custom(Arc<CustomScheme>, u16),
}

fn at(table: &[&'static str], i: u8) -> &'static str {
    table.get(i as usize).copied().unwrap_or("?")
}

impl Strength {
    /// The strength as written after `strength` (`class 2a level B-NR`),
    /// which the formatter and diffs use.
    pub fn source(&self) -> String {
        match self {
            Strength::Grade(g) => g.to_string(),
            Strength::AccAha(c, l) => format!("class {} level {}", c.words(), at(ACC_LEVELS, *l)),
            Strength::Uspstf(g) => format!("grade {}", at(USPSTF_GRADES, *g)),
            Strength::Nice(w) => at(NICE_WORDS, *w).to_string(),
            Strength::Cebm(g, None) => format!("grade {}", at(CEBM_GRADES, *g)),
            Strength::Cebm(g, Some(l)) => {
                format!(
                    "grade {} level {}",
                    at(CEBM_GRADES, *g),
                    at(CEBM_LEVELS, *l)
                )
            }
            Strength::Custom(s, i) => Self::custom_name(s, *i).to_string(),
        }
    }

    fn custom_name(s: &CustomScheme, i: u16) -> &str {
        s.values.get(i as usize).map_or("?", |v| v.name.as_str())
    }

    /// The JSON form of the contract (see the module documentation).
    pub fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The scheme's own words: "2C", "Class 2a, LOE B-NR", "Grade B",
/// "do not offer", "Grade A, level 1b".
impl std::fmt::Display for Strength {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strength::Grade(g) => write!(f, "{g}"),
            Strength::AccAha(c, l) => write!(f, "Class {}, LOE {}", c.label(), at(ACC_LEVELS, *l)),
            Strength::Uspstf(g) => write!(f, "Grade {}", at(USPSTF_GRADES, *g)),
            Strength::Nice(w) => write!(f, "{}", at(NICE_WORDS, *w).replace('-', " ")),
            Strength::Cebm(g, None) => write!(f, "Grade {}", at(CEBM_GRADES, *g)),
            Strength::Cebm(g, Some(l)) => {
                write!(
                    f,
                    "Grade {}, level {}",
                    at(CEBM_GRADES, *g),
                    at(CEBM_LEVELS, *l)
                )
            }
            Strength::Custom(s, i) => write!(f, "{}", Self::custom_name(s, *i)),
        }
    }
}

impl Serialize for Strength {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (scheme, parts): (&str, Vec<(&str, serde_json::Value)>) = match self {
            // The contract keeps GRADE simple: `"strength": "2C"`.
            Strength::Grade(g) => return serializer.serialize_str(&g.to_string()),
            Strength::AccAha(c, l) => (
                "acc_aha",
                vec![
                    ("class", c.label().into()),
                    ("level", at(ACC_LEVELS, *l).into()),
                ],
            ),
            Strength::Uspstf(g) => ("uspstf", vec![("grade", at(USPSTF_GRADES, *g).into())]),
            Strength::Nice(w) => (
                "nice",
                vec![("wording", at(NICE_WORDS, *w).replace('-', " ").into())],
            ),
            Strength::Cebm(g, l) => {
                let mut parts = vec![("grade", at(CEBM_GRADES, *g).into())];
                if let Some(l) = l {
                    parts.push(("level", at(CEBM_LEVELS, *l).into()));
                }
                ("cebm", parts)
            }
            Strength::Custom(s, i) => (
                s.name.as_str(),
                vec![
                    ("grade", Self::custom_name(s, *i).into()),
                    ("rank", (u32::from(*i) + 1).into()),
                ],
            ),
        };
        let mut map = serializer.serialize_map(Some(parts.len() + 1))?;
        map.serialize_entry("scheme", scheme)?;
        for (k, v) in &parts {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
