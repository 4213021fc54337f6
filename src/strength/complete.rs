//! Language server support: the words that may come next in a strength.
//!
//! Given the words typed after `strength` so far, lists what the scheme
//! allows next, with what each means, so completion can offer `2a` after
//! `class` and the levels of evidence after `level`.

use super::{Scheme, ACC_LEVELS, CEBM_GRADES, CEBM_LEVELS, NICE_WORDS, USPSTF_GRADES};

/// A word that may follow, and what it means.
pub type Word = (String, Option<String>);

fn words(table: &[&str], meaning: impl Fn(&str) -> Option<&'static str>) -> Vec<Word> {
    table
        .iter()
        .map(|w| (w.to_string(), meaning(w).map(str::to_string)))
        .collect()
}

fn one(word: &str, meaning: &str) -> Vec<Word> {
    vec![(word.to_string(), Some(meaning.to_string()))]
}

/// The words that may follow `typed` (the words after `strength`) in
/// `scheme`; `when` once the strength is complete.
pub fn next_words(scheme: &Scheme, typed: &[&str]) -> Vec<Word> {
    let done = || {
        one(
            "when",
            "the strength depends on the case: `when COND otherwise ...`",
        )
    };
    match (scheme, typed) {
        (Scheme::Grade, []) => {
            let mut out = words(&["1A", "1B", "1C", "2A", "2B", "2C"], |w| {
                Some(match w.as_bytes().first() {
                    Some(b'1') => "strong recommendation",
                    _ => "weak recommendation",
                })
            });
            out.push(("none".into(), Some("no strength".into())));
            out
        }
        (Scheme::AccAha, []) => one("class", "the class of recommendation"),
        (Scheme::AccAha, ["class"]) => words(&["1", "2a", "2b", "3"], |w| {
            Some(match w {
                "1" => "strong: is recommended",
                "2a" => "moderate: is reasonable",
                "2b" => "weak: may be reasonable",
                _ => "no benefit or harm",
            })
        }),
        (Scheme::AccAha, ["class", "3"]) => {
            let mut out = one("no", "class 3: No Benefit (`3 no benefit`)");
            out.extend(one("harm", "class 3: Harm"));
            out
        }
        (Scheme::AccAha, ["class", "3", "no"]) => one("benefit", "class 3: No Benefit"),
        (
            Scheme::AccAha,
            ["class", _] | ["class", "3", "harm"] | ["class", "3", "no", "benefit"],
        ) => one("level", "the level of evidence"),
        (Scheme::AccAha, [.., "level"]) => words(ACC_LEVELS, |w| {
            Some(match w {
                "A" => "high-quality evidence from more than one RCT",
                "B-R" => "moderate-quality evidence from randomized trials",
                "B-NR" => "moderate-quality evidence from nonrandomized studies",
                "C-LD" => "limited data",
                _ => "consensus of expert opinion",
            })
        }),
        (Scheme::Uspstf | Scheme::Cebm, []) => one("grade", "the grade of recommendation"),
        (Scheme::Uspstf, ["grade"]) => words(USPSTF_GRADES, |w| {
            Some(match w {
                "A" => "recommended: high certainty of substantial net benefit",
                "B" => "recommended: moderate net benefit",
                "C" => "selectively offered: small net benefit",
                "D" => "recommended against: no net benefit or harms outweigh benefits",
                _ => "insufficient evidence",
            })
        }),
        (Scheme::Nice, []) => words(NICE_WORDS, |w| {
            Some(match w {
                "offer" => "strong recommendation for (with `recommend` or `refer`)",
                "consider" => "weaker recommendation (with `consider`, `suggest` or `option`)",
                _ => "strong recommendation against (with `do-not-offer` or `discourage`)",
            })
        }),
        (Scheme::Cebm, ["grade"]) => words(CEBM_GRADES, |w| {
            Some(match w {
                "A" => "consistent level 1 studies",
                "B" => "consistent level 2 or 3 studies",
                "C" => "level 4 studies",
                _ => "level 5 evidence",
            })
        }),
        (Scheme::Cebm, ["grade", _]) => {
            let mut out = one("level", "the level of evidence (optional)");
            out.extend(done());
            out
        }
        (Scheme::Cebm, ["grade", _, "level"]) => words(CEBM_LEVELS, |_| None),
        (Scheme::Custom(c), []) => c
            .values
            .iter()
            .map(|v| (v.name.clone(), v.description.clone()))
            .collect(),
        _ => done(),
    }
}
