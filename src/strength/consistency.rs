//! Check stage: strengths that contradict their recommendation's kind, or
//! their own level of evidence, by the scheme's own definitions.
//!
//! Each rule cites the wording the scheme gives its strengths:
//! - ACC/AHA (2019 table of class and level): classes 1, 2a and 2b are
//!   phrased "is recommended", "is reasonable", "may be reasonable"; both
//!   class 3 values are phrased "is not recommended" / "should not be
//!   performed". A class for an intervention on a `do-not-offer` or
//!   `discourage`, or a class 3 on a kind that advises for, contradicts it.
//! - USPSTF (grade definitions): A and B "recommends the service", C
//!   "recommends selectively offering", D "recommends against"; I is
//!   neither and fits any kind.
//! - NICE (manual, chapter 9): "offer" (or "refer", "advise") is a strong
//!   recommendation for, "consider" a weaker one, "do not offer" a strong
//!   one against. The wording must match the kind: `offer` goes with
//!   `recommend` or `refer`, `consider` with `consider`, `suggest` or
//!   `option`, `do-not-offer` with `do-not-offer` or `discourage`.
//! - Oxford CEBM (2009): grade A needs level 1 studies, B level 2 or 3, C
//!   level 4; D is any. A grade above its level's is a contradiction (a
//!   lower one is allowed: extrapolation or inconsistent studies lower it).
//!
//! GRADE and declared schemes say nothing about kinds, so nothing is checked.

use super::{AccClass, Strength, CEBM_GRADES, CEBM_LEVELS, NICE_WORDS, USPSTF_GRADES};
use crate::syntax::ast::RecKind;

/// Which way a kind advises.
#[derive(PartialEq)]
enum Direction {
    For,
    Against,
    Other,
}

fn direction(kind: RecKind) -> Direction {
    match kind {
        RecKind::Recommend | RecKind::Suggest | RecKind::Option | RecKind::Consider => {
            Direction::For
        }
        RecKind::DoNotOffer | RecKind::Discourage => Direction::Against,
        RecKind::Refer | RecKind::Inform => Direction::Other,
    }
}

/// Why `strength` contradicts a recommendation of kind `kind`, and what to
/// do instead; `None` when it does not.
pub fn inconsistency(strength: &Strength, kind: RecKind) -> Option<(String, String)> {
    let kw = kind.keyword();
    let dir = direction(kind);
    match strength {
        Strength::AccAha(class, _) => {
            let against = matches!(class, AccClass::NoBenefit | AccClass::Harm);
            let problem = format!("ACC/AHA class {} on a `{kw}` recommendation", class.label());
            if against && dir == Direction::For {
                Some((problem, "class 3 means \"is not recommended\" or \"potentially harmful\": declare the recommendation `do-not-offer` or `discourage`, or give a class 1, 2a or 2b".into()))
            } else if !against && dir == Direction::Against {
                Some((problem, "classes 1, 2a and 2b mean \"is recommended\", \"is reasonable\" or \"may be reasonable\": a recommendation against takes class `3 no benefit` or `3 harm`".into()))
            } else {
                None
            }
        }
        Strength::Uspstf(g) => {
            let grade = USPSTF_GRADES.get(*g as usize).copied().unwrap_or("?");
            let problem = format!("USPSTF grade {grade} on a `{kw}` recommendation");
            match (grade, dir) {
                ("A" | "B" | "C", Direction::Against) => Some((problem, format!("grade {grade} recommends (selectively) offering the service; a recommendation against the service is grade D"))),
                ("D", Direction::For) => Some((problem, "grade D recommends against the service: declare the recommendation `do-not-offer` or `discourage`".into())),
                _ => None,
            }
        }
        Strength::Nice(w) => {
            let word = NICE_WORDS.get(*w as usize).copied().unwrap_or("?");
            let fits: &[RecKind] = match word {
                "offer" => &[RecKind::Recommend, RecKind::Refer],
                "consider" => &[RecKind::Consider, RecKind::Suggest, RecKind::Option],
                _ => &[RecKind::DoNotOffer, RecKind::Discourage],
            };
            if fits.contains(&kind) {
                return None;
            }
            let kinds: Vec<String> = fits.iter().map(|k| format!("`{}`", k.keyword())).collect();
            Some((
                format!("NICE wording `{word}` on a `{kw}` recommendation"),
                format!(
                    "NICE words a recommendation by its strength: `{word}` goes with {}",
                    kinds.join(" or ")
                ),
            ))
        }
        Strength::Cebm(g, Some(l)) => {
            let grade = CEBM_GRADES.get(*g as usize).copied().unwrap_or("?");
            let level = CEBM_LEVELS.get(*l as usize).copied().unwrap_or("?");
            // The best grade each level of evidence supports.
            let supported = match level.chars().next() {
                Some('1') => 0,
                Some('2' | '3') => 1,
                Some('4') => 2,
                _ => 3,
            };
            (*g < supported).then(|| {
                (
                    format!("Oxford CEBM grade {grade} on level {level} evidence"),
                    format!(
                        "grade {grade} needs level {} studies; level {level} supports grade {} at best",
                        match grade {
                            "A" => "1",
                            "B" => "2 or 3",
                            _ => "4",
                        },
                        CEBM_GRADES.get(supported as usize).copied().unwrap_or("?")
                    ),
                )
            })
        }
        Strength::Grade(_) | Strength::Cebm(_, None) | Strength::Custom(..) => None,
    }
}
