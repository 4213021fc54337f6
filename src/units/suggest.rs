//! Units stage: units to suggest for a dimension, so that "did you mean"
//! proposes only units that would be accepted where one was expected
//! (`"50 gy"` for a dose suggests `Gy`, never `g`).

use super::ucum::resolve;
use super::ucum::ALIASES;
use super::Dimension;

/// Common clinical compound units, offered when their dimension is the one
/// expected. The candidates for "did you mean", not a table of what is
/// accepted: any UCUM expression is.
const COMMON: &[&str] = &[
    "mg/dL",
    "g/dL",
    "g/L",
    "mg/L",
    "ug/L",
    "ng/mL",
    "pg/mL",
    "mmol/L",
    "umol/L",
    "nmol/L",
    "mol/L",
    "mL/min",
    "mL/min/{1.73_m2}",
    "L/min",
    "mm[Hg]",
    "kPa",
    "kg/m2",
    "mg/m2",
    "g/m2",
    "/min",
    "/h",
    "10*9/L",
    "10*12/L",
    "/uL",
    "mL",
    "L",
    "dL",
    "m2",
    "[lb_av]",
    "[oz_av]",
    "[in_i]",
    "[ft_i]",
    "[degF]",
    "K",
    "mg/kg",
    "U/L",
    "[iU]/L",
];

/// Prefixes tried on each metric atom of the expected dimension.
const PREFIXES: &[&str] = &["", "k", "c", "m", "u", "n", "d"];

/// Prefixes tried on every metric atom when no dimension is expected.
const COMMON_PREFIXES: &[&str] = &["", "k", "c", "m", "u"];

/// The unit spellings of dimension `dim` (of any dimension for `None`), the
/// most usual first: Cairn's spellings, common clinical units, then UCUM's
/// atoms (prefixed, where a dimension is given). Resolved without the unit cache, which they would fill.
pub fn same_dimension(dim: Option<Dimension>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        let fits = match dim {
            None => true,
            Some(d) => resolve(&s).is_ok_and(|(found, _, _)| found == d),
        };
        if fits && !out.contains(&s) {
            out.push(s);
        }
    };
    for (alias, _) in ALIASES {
        push(alias.to_string());
    }
    for c in COMMON {
        push(c.to_string());
    }
    for atom in octofhir_ucum::get_all_units() {
        if dim.is_some_and(|d| d.arbitrary.is_some() || atom.dim.0 != d.exponents) {
            continue;
        }
        // Every prefix only where a dimension narrows the atoms down.
        if atom.is_metric {
            let prefixes = if dim.is_some() {
                PREFIXES
            } else {
                COMMON_PREFIXES
            };
            for p in prefixes {
                push(format!("{p}{}", atom.code));
            }
        } else {
            push(atom.code.to_string());
        }
    }
    out
}

/// Units for the language server's completion after `quantity`: Cairn's
/// spellings and the common clinical units, each with its dimension's name.
pub fn completion_units() -> Vec<(String, String)> {
    let spellings = ALIASES.iter().map(|(alias, _)| *alias);
    let common = [
        "kg", "g", "mg", "ug", "cm", "mm", "m", "L", "mL", "Cel", "K",
    ];
    let mut out: Vec<(String, String)> = Vec::new();
    for unit in spellings.chain(common).chain(COMMON.iter().copied()) {
        if out.iter().any(|(u, _)| u == unit) {
            continue;
        }
        if let Ok((dim, _, _)) = resolve(unit) {
            out.push((unit.to_string(), dim.name().into_owned()));
        }
    }
    out
}
