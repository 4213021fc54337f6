//! Units stage: units of measure, shared by the checker, the case loader
//! and the interpreter.
//!
//! A unit is any UCUM expression (`kg`, `mg/dL`, `mL/min/{1.73_m2}`,
//! `mm[Hg]`, `Cel`, `[lb_av]`), read through the `octofhir-ucum` crate
//! ([`ucum`]), plus Cairn's older spellings (`days`, `months`, `GyRBE`,
//! `percent`, `C`). Its dimension is UCUM's base-unit exponent vector.
//! Every quantity is stored as an `f64` in its dimension's canonical unit
//! ([`Dimension::canonical`]: Gy, cm, days, %, mg/dL, ...). Conversion
//! happens once, when a literal is checked or a case is loaded, so
//! evaluation compares plain numbers. Calendar months and years are
//! converted with their mean Gregorian length (30.436875 and 365.2425
//! days); schedules and date shifts that need calendar-exact dates use the
//! unit as written instead ([`is_calendar`]).

pub mod convert;
pub mod derive;
mod dimension;
mod suggest;
pub mod ucum;

use serde::Serialize;

pub use convert::{Conversion, ConversionError};
pub use dimension::Dimension;
pub use suggest::{completion_units, same_dimension};

/// A unit as written, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Unit {
    /// The symbol as written.
    pub symbol: &'static str,
    /// Its dimension.
    pub dimension: Dimension,
    /// Multiply a value in this unit by this factor (then add `offset`) to
    /// get the canonical unit.
    pub factor: f64,
    /// Zero of this unit in the canonical unit; not zero only for
    /// temperatures (`K`, `[degF]` against Celsius).
    pub offset: f64,
}

impl Unit {
    /// `amount` in this unit, in the canonical unit (may be out of range:
    /// see [`to_canonical`]).
    pub fn canonical_of(self, amount: f64) -> f64 {
        amount * self.factor + self.offset
    }

    /// A canonical value expressed in this unit.
    pub fn from_canonical(self, canonical: f64) -> f64 {
        (canonical - self.offset) / self.factor
    }
}

/// Why a unit expression was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitError {
    /// Not a UCUM unit (nor one of Cairn's spellings).
    Unknown,
    /// Not UCUM syntax.
    Syntax,
    /// Longer than [`MAX_UNIT_LEN`] characters.
    TooLong,
    /// Nested deeper than [`MAX_UNIT_DEPTH`].
    TooDeep,
    /// A factor too large or too small for a quantity (`10*400.g`).
    Magnitude,
    /// A logarithmic unit (`dB`, `[pH]`) or several arbitrary atoms, which
    /// no linear conversion relates to other units.
    Unsupported,
    /// More than [`ucum::MAX_UNITS`] distinct units in one process.
    TooMany,
}

impl UnitError {
    /// Why, for a diagnostic's label.
    pub fn reason(self) -> String {
        match self {
            UnitError::Unknown => "not a known unit".into(),
            UnitError::Syntax => "not a UCUM unit expression".into(),
            UnitError::TooLong => format!("longer than {MAX_UNIT_LEN} characters"),
            UnitError::TooDeep => format!("nested deeper than {MAX_UNIT_DEPTH} levels"),
            UnitError::Magnitude => format!("a factor beyond {MAX_FACTOR:e}"),
            UnitError::Unsupported => {
                "a logarithmic or compound arbitrary unit, which does not convert linearly".into()
            }
            UnitError::TooMany => format!("more than {} distinct units", ucum::MAX_UNITS),
        }
    }
}

/// The longest unit expression, in characters (README, "Limits and
/// safety"); clinical units are under 20.
pub const MAX_UNIT_LEN: usize = 64;

/// The deepest nesting of parentheses, brackets and braces in a unit.
pub const MAX_UNIT_DEPTH: usize = 4;

/// The largest conversion factor of a unit to its canonical unit: past it
/// a unit's values could not stay within [`MAX_MAGNITUDE`] in both units.
pub const MAX_FACTOR: f64 = 1e30;

/// Resolves a unit as written (cached; see [`ucum`]).
pub fn parse(symbol: &str) -> Result<Unit, UnitError> {
    ucum::lookup_cached(symbol)
}

/// Looks up a unit by symbol (`None` for any [`UnitError`]).
pub fn lookup(symbol: &str) -> Option<Unit> {
    parse(symbol).ok()
}

/// Resolves a unit for one value (a case file's): like [`parse`], but past
/// the cache's limit the unit is still resolved, with its dimension's
/// canonical symbol, since a case value keeps only its canonical number.
pub fn parse_value_unit(symbol: &str) -> Result<Unit, UnitError> {
    match ucum::lookup_cached(symbol) {
        Err(UnitError::TooMany) => {
            let (dimension, factor, offset) = ucum::resolve(symbol)?;
            Ok(Unit {
                symbol: "",
                dimension,
                factor,
                offset,
            })
        }
        other => other,
    }
}

/// True when a time unit counts calendar months: `month(s)`, `year(s)`
/// and UCUM's Gregorian `mo_g` and `a_g`. (UCUM's `mo` and `a` are the
/// Julian mean month and year, 30.4375 and 365.25 days, and count days.)
pub fn is_calendar(unit: Unit) -> bool {
    calendar_months(unit).is_some()
}

/// The calendar months in one `unit` (1 or 12), for a calendar unit.
pub fn calendar_months(unit: Unit) -> Option<f64> {
    match unit.symbol {
        "month" | "months" | "mo_g" => Some(1.0),
        "year" | "years" | "a_g" => Some(12.0),
        _ => None,
    }
}

/// The largest magnitude of a quantity or decimal, in any unit. Far beyond
/// any clinical value, and small enough that converting it into any unit
/// (the factors are within [`MAX_FACTOR`]) stays finite, so a known value
/// never prints as `null`. A value past it is out of range: a case file's
/// value is rejected when loaded, a computed one is unknown with an
/// `eval::overflow` diagnostic.
pub const MAX_MAGNITUDE: f64 = 1e250;

/// True when `x` is a finite number within [`MAX_MAGNITUDE`].
pub fn in_range(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

/// `amount` in `unit` as a value in the canonical unit; `None` when the
/// result is out of range (see [`MAX_MAGNITUDE`]).
pub fn to_canonical(amount: f64, unit: Unit) -> Option<f64> {
    let x = unit.canonical_of(amount);
    in_range(x).then_some(x)
}

/// Two quantities in canonical units are equal when they agree to a relative
/// tolerance, so `5040 cGy = 50.4 Gy` holds despite binary rounding.
pub fn approx_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Formats a number without trailing zeros (`50.4`, `50`, `1.8`).
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let s = format!("{:.6}", value);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Formats a quantity given in canonical units in the unit `display`
/// (`50.4 Gy`, `35 %`).
pub fn format_quantity(canonical_value: f64, display: Unit) -> String {
    let v = display.from_canonical(canonical_value);
    format!("{} {}", format_number(v), display.symbol)
}
