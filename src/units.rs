//! Units of measure, shared by the checker, the case loader and the
//! interpreter.
//!
//! Every quantity is stored as an `f64` in its dimension's canonical unit
//! (Gy, cm, days, percent, mg/m2, ...). Conversion happens once, when a
//! literal is checked or a case is loaded, so evaluation compares plain
//! numbers. Calendar months and years are converted with their mean length
//! (30.436875 and 365.2425 days); schedules that need calendar-exact dates
//! use the unit as written instead.

use serde::Serialize;

/// A physical dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Absorbed radiation dose; canonical unit Gy.
    Dose,
    /// Length; canonical unit cm.
    Length,
    /// Time; canonical unit days.
    Time,
    /// A proportion; canonical unit percent.
    Percent,
    /// Drug dose per body surface area; canonical unit mg/m2.
    DosePerArea,
    /// Mass; canonical unit mg.
    Mass,
    /// Temperature; canonical unit degrees Celsius.
    Temperature,
}

impl Dimension {
    /// The canonical unit's symbol.
    pub fn canonical(self) -> &'static str {
        match self {
            Dimension::Dose => "Gy",
            Dimension::Length => "cm",
            Dimension::Time => "days",
            Dimension::Percent => "%",
            Dimension::DosePerArea => "mg/m2",
            Dimension::Mass => "mg",
            Dimension::Temperature => "C",
        }
    }

    /// A readable name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Dose => "radiation dose",
            Dimension::Length => "length",
            Dimension::Time => "time",
            Dimension::Percent => "percentage",
            Dimension::DosePerArea => "dose per body surface area",
            Dimension::Mass => "mass",
            Dimension::Temperature => "temperature",
        }
    }
}

/// A known unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Unit {
    /// The symbol as written.
    pub symbol: &'static str,
    /// Its dimension.
    pub dimension: Dimension,
    /// Multiply a value in this unit by this factor to get the canonical unit.
    pub factor: f64,
}

/// Every unit the language knows, with accepted spellings.
pub const UNITS: &[Unit] = &[
    Unit {
        symbol: "Gy",
        dimension: Dimension::Dose,
        factor: 1.0,
    },
    Unit {
        symbol: "cGy",
        dimension: Dimension::Dose,
        factor: 0.01,
    },
    Unit {
        symbol: "GyRBE",
        dimension: Dimension::Dose,
        factor: 1.0,
    },
    Unit {
        symbol: "mm",
        dimension: Dimension::Length,
        factor: 0.1,
    },
    Unit {
        symbol: "cm",
        dimension: Dimension::Length,
        factor: 1.0,
    },
    Unit {
        symbol: "m",
        dimension: Dimension::Length,
        factor: 100.0,
    },
    Unit {
        symbol: "day",
        dimension: Dimension::Time,
        factor: 1.0,
    },
    Unit {
        symbol: "days",
        dimension: Dimension::Time,
        factor: 1.0,
    },
    Unit {
        symbol: "week",
        dimension: Dimension::Time,
        factor: 7.0,
    },
    Unit {
        symbol: "weeks",
        dimension: Dimension::Time,
        factor: 7.0,
    },
    Unit {
        symbol: "month",
        dimension: Dimension::Time,
        factor: 30.436875,
    },
    Unit {
        symbol: "months",
        dimension: Dimension::Time,
        factor: 30.436875,
    },
    Unit {
        symbol: "year",
        dimension: Dimension::Time,
        factor: 365.2425,
    },
    Unit {
        symbol: "years",
        dimension: Dimension::Time,
        factor: 365.2425,
    },
    Unit {
        symbol: "minutes",
        dimension: Dimension::Time,
        factor: 1.0 / 1440.0,
    },
    Unit {
        symbol: "hours",
        dimension: Dimension::Time,
        factor: 1.0 / 24.0,
    },
    Unit {
        symbol: "%",
        dimension: Dimension::Percent,
        factor: 1.0,
    },
    Unit {
        symbol: "percent",
        dimension: Dimension::Percent,
        factor: 1.0,
    },
    Unit {
        symbol: "mg/m2",
        dimension: Dimension::DosePerArea,
        factor: 1.0,
    },
    Unit {
        symbol: "g/m2",
        dimension: Dimension::DosePerArea,
        factor: 1000.0,
    },
    Unit {
        symbol: "mg",
        dimension: Dimension::Mass,
        factor: 1.0,
    },
    Unit {
        symbol: "g",
        dimension: Dimension::Mass,
        factor: 1000.0,
    },
    Unit {
        symbol: "C",
        dimension: Dimension::Temperature,
        factor: 1.0,
    },
];

/// Looks up a unit by symbol.
pub fn lookup(symbol: &str) -> Option<Unit> {
    UNITS.iter().copied().find(|u| u.symbol == symbol)
}

/// All unit symbols, for "did you mean" help.
pub fn symbols() -> impl Iterator<Item = &'static str> {
    UNITS.iter().map(|u| u.symbol)
}

/// The largest magnitude of a quantity or decimal, in any unit. Far beyond
/// any clinical value, and small enough that converting it into any unit
/// (the factors are between 0.001 and about 365) stays finite, so a known
/// value never prints as `null`. A value past it is out of range: a case
/// file's value is rejected when loaded, a computed one is unknown with an
/// `eval::overflow` diagnostic.
pub const MAX_MAGNITUDE: f64 = 1e300;

/// True when `x` is a finite number within [`MAX_MAGNITUDE`].
pub fn in_range(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

/// `amount` in `unit` as a value in the canonical unit; `None` when the
/// result is out of range (see [`MAX_MAGNITUDE`]).
pub fn to_canonical(amount: f64, unit: Unit) -> Option<f64> {
    let x = amount * unit.factor;
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
    let v = canonical_value / display.factor;
    if display.symbol == "%" {
        format!("{} %", format_number(v))
    } else {
        format!("{} {}", format_number(v), display.symbol)
    }
}
