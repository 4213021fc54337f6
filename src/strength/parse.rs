//! Check stage: reads a strength's words in the guideline's scheme.
//!
//! The grammar takes a strength as a run of words (`class 2a level B-NR`)
//! so that it does not depend on the scheme, which the header names and
//! may sit in another file; the scheme gives the words their meaning here.
//! A word outside the scheme is a problem at that word, with the closest
//! value when one is close ("did you mean `B-NR`?").

use super::{
    AccClass, Scheme, Strength, ACC_LEVELS, CEBM_GRADES, CEBM_LEVELS, NICE_WORDS, USPSTF_GRADES,
};
use crate::check::model::Grade;
use crate::source::Span;
use crate::syntax::ast::Ident;

/// Why some words are not a strength of the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The words at fault (all of them when one is missing).
    pub span: Span,
    /// The message: "`2c` is not an ACC/AHA class of recommendation".
    pub message: String,
    /// "Did you mean", or how the scheme writes a strength.
    pub help: Option<String>,
}

/// Reads `words`, written at `span`, as a strength of `scheme`.
pub fn parse(scheme: &Scheme, words: &[Ident], span: Span) -> Result<Strength, Problem> {
    let mut r = Reader {
        scheme,
        words,
        span,
        at: 0,
    };
    let strength = match scheme {
        Scheme::Grade => Strength::Grade(r.grade()?),
        Scheme::AccAha => {
            r.keyword("class")?;
            let class = r.acc_class()?;
            r.keyword("level")?;
            let level = r.one_of(
                ACC_LEVELS,
                ("an ACC/AHA level of evidence", "the levels of evidence"),
            )?;
            Strength::AccAha(class, level)
        }
        Scheme::Uspstf => {
            r.keyword("grade")?;
            Strength::Uspstf(r.one_of(USPSTF_GRADES, ("a USPSTF grade", "the grades"))?)
        }
        Scheme::Nice => Strength::Nice(r.one_of(NICE_WORDS, ("a NICE wording", "the wordings"))?),
        Scheme::Cebm => {
            r.keyword("grade")?;
            let grade = r.one_of(
                CEBM_GRADES,
                ("an Oxford CEBM grade of recommendation", "the grades"),
            )?;
            let level = match r.peek() {
                Some(_) => {
                    r.keyword("level")?;
                    Some(r.one_of(
                        CEBM_LEVELS,
                        ("an Oxford CEBM level of evidence", "the levels"),
                    )?)
                }
                None => None,
            };
            Strength::Cebm(grade, level)
        }
        Scheme::Custom(c) => {
            let names: Vec<&str> = c.values.iter().map(|v| v.name.as_str()).collect();
            let what = format!("a value of the `{}` grading", c.name);
            let i = r.index(&names, (&what, "its values"))?;
            // The checker refuses a declared scheme with more values.
            Strength::Custom(c.clone(), u16::try_from(i).unwrap_or(u16::MAX))
        }
    };
    r.end()?;
    Ok(strength)
}

struct Reader<'a> {
    scheme: &'a Scheme,
    words: &'a [Ident],
    span: Span,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<&Ident> {
        self.words.get(self.at)
    }

    fn text(&self) -> String {
        let words: Vec<&str> = self.words.iter().map(|w| w.name.as_str()).collect();
        words.join(" ")
    }

    fn example(&self) -> Option<String> {
        Some(format!("write {}", self.scheme.example()))
    }

    /// A problem with the next word, or with all of them when there is none.
    fn problem(&self, expected: String, help: Option<String>) -> Problem {
        match self.peek() {
            Some(w) => Problem {
                span: w.span,
                message: format!("`{}` is not {expected}", w.name),
                help: help.or_else(|| self.example()),
            },
            None => Problem {
                span: self.span,
                message: format!("`{}` is incomplete: {expected} must follow", self.text()),
                help: help.or_else(|| self.example()),
            },
        }
    }

    fn next(&mut self) -> Option<&Ident> {
        let w = self.words.get(self.at)?;
        self.at += 1;
        Some(w)
    }

    fn keyword(&mut self, word: &str) -> Result<(), Problem> {
        match self.peek() {
            Some(w) if w.name == word => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.problem(format!("`{word}`"), None)),
        }
    }

    /// The index of the next word in a built-in table (of ten words at most).
    fn one_of(&mut self, table: &[&str], (what, all): (&str, &str)) -> Result<u8, Problem> {
        self.index(table, (what, all))
            .map(|i| u8::try_from(i).unwrap_or(u8::MAX))
    }

    /// The index of the next word in `table`, with a suggestion when it is not.
    fn index(&mut self, table: &[&str], (what, all): (&str, &str)) -> Result<usize, Problem> {
        let Some(w) = self.peek() else {
            return Err(self.problem(what.to_string(), None));
        };
        if let Some(i) = table.iter().position(|t| *t == w.name) {
            self.at += 1;
            return Ok(i);
        }
        let help = table
            .iter()
            .find(|t| t.eq_ignore_ascii_case(&w.name))
            .map(|t| format!("did you mean `{t}`?"))
            // Every one- or two-letter value is "close" to every other.
            .or_else(|| {
                (w.name.len() > 2)
                    .then(|| crate::diagnostics::suggestion(&w.name, table.iter().copied()))
                    .flatten()
            })
            .map(|h| format!("{h} ({all} are {})", list(table)))
            .or_else(|| Some(format!("{all} are {}", list(table))));
        Err(self.problem(what.to_string(), help))
    }

    fn grade(&mut self) -> Result<Grade, Problem> {
        let parsed = self.peek().and_then(|w| {
            let mut chars = w.name.chars();
            match (chars.next(), chars.next(), chars.next()) {
                (Some(l @ ('1' | '2')), Some(q @ ('A' | 'B' | 'C')), None) => Some(Grade {
                    level: if l == '1' { 1 } else { 2 },
                    quality: q,
                }),
                _ => None,
            }
        });
        match parsed {
            Some(g) => {
                self.at += 1;
                Ok(g)
            }
            None => Err(self.problem("a GRADE strength".into(), None)),
        }
    }

    fn acc_class(&mut self) -> Result<AccClass, Problem> {
        let what = "an ACC/AHA class of recommendation";
        let Some(w) = self.peek() else {
            return Err(self.problem(what.into(), None));
        };
        let class = match w.name.as_str() {
            "1" => AccClass::One,
            "2a" => AccClass::TwoA,
            "2b" => AccClass::TwoB,
            "3" => {
                self.at += 1;
                let next = self.next().map(|w| w.name.clone());
                return match next.as_deref() {
                    Some("harm") => Ok(AccClass::Harm),
                    Some("no") if self.peek().is_some_and(|w| w.name == "benefit") => {
                        self.at += 1;
                        Ok(AccClass::NoBenefit)
                    }
                    _ => {
                        self.at -= 1;
                        let help = "class 3 is `3 no benefit` or `3 harm`".to_string();
                        Err(self.problem("`no benefit` or `harm`".into(), Some(help)))
                    }
                };
            }
            other => {
                // The classes were numbered in Roman numerals before 2015.
                let arabic = match other {
                    "I" | "i" => Some("1"),
                    "IIa" | "iia" | "2A" => Some("2a"),
                    "IIb" | "iib" | "2B" => Some("2b"),
                    "III" | "iii" => Some("3 no benefit` or `3 harm"),
                    _ => None,
                };
                let help = match arabic {
                    Some(a) => format!("did you mean `{a}`? (the classes are 1, 2a, 2b, `3 no benefit` and `3 harm`)"),
                    None => "the classes are 1, 2a, 2b, `3 no benefit` and `3 harm`".into(),
                };
                return Err(self.problem(what.into(), Some(help)));
            }
        };
        self.at += 1;
        Ok(class)
    }

    fn end(&self) -> Result<(), Problem> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.problem("part of the strength".into(), None)),
        }
    }
}

fn list(table: &[&str]) -> String {
    let items: Vec<String> = table.iter().map(|t| format!("`{t}`")).collect();
    items.join(", ")
}
