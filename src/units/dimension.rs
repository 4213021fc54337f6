//! Units stage: dimensions, as UCUM base-unit exponent vectors, with the
//! name and the canonical unit Cairn keeps values of that dimension in.
//!
//! The canonical unit of a dimension is fixed here so that every value of
//! one dimension is stored in one unit whatever unit it was written in.
//! The dimensions the sarcoma guideline used before UCUM keep their old
//! canonical units (Gy, cm, days, %, mg/m2, mg, Celsius), so stored values
//! did not change; a dimension not named here is kept in UCUM's base units.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

/// A physical dimension: the exponents of UCUM's seven base units (`m`,
/// `s`, `g`, `rad`, `K`, `C`, `cd`), plus the arbitrary atoms (`[iU]`) of a
/// unit such as `[iU]/L`, which compare with nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dimension {
    /// Exponents of length, time, mass, plane angle, temperature, electric
    /// charge and luminous intensity.
    pub exponents: [i8; 7],
    /// The arbitrary atoms with their exponents (`[iU]`, `[iU]2.[arb'U]`).
    pub arbitrary: Option<&'static str>,
}

const fn dim(exponents: [i8; 7]) -> Dimension {
    Dimension {
        exponents,
        arbitrary: None,
    }
}

/// A dimension with a readable name and the canonical unit of its values.
struct Named {
    dimension: Dimension,
    name: &'static str,
    canonical: &'static str,
}

/// The dimensions named in messages. Order matters only for readability.
const NAMED: &[Named] = &[
    Named {
        dimension: Dimension::Dose,
        name: "radiation dose",
        canonical: "Gy",
    },
    Named {
        dimension: Dimension::Length,
        name: "length",
        canonical: "cm",
    },
    Named {
        dimension: Dimension::Time,
        name: "time",
        canonical: "days",
    },
    Named {
        dimension: Dimension::Percent,
        name: "proportion",
        canonical: "%",
    },
    Named {
        dimension: Dimension::DosePerArea,
        name: "mass per area",
        canonical: "mg/m2",
    },
    Named {
        dimension: Dimension::Mass,
        name: "mass",
        canonical: "mg",
    },
    Named {
        dimension: Dimension::Temperature,
        name: "temperature",
        canonical: "Cel",
    },
    Named {
        dimension: dim([3, 0, 0, 0, 0, 0, 0]),
        name: "volume",
        canonical: "mL",
    },
    Named {
        dimension: dim([3, -1, 0, 0, 0, 0, 0]),
        name: "volume flow",
        canonical: "mL/min",
    },
    Named {
        dimension: dim([-3, 0, 1, 0, 0, 0, 0]),
        name: "mass concentration",
        canonical: "mg/dL",
    },
    // UCUM counts moles as a number (6.0221367e23), so an amount of
    // substance per volume has the dimension of a number per volume.
    Named {
        dimension: dim([-3, 0, 0, 0, 0, 0, 0]),
        name: "substance concentration",
        canonical: "mmol/L",
    },
    Named {
        dimension: dim([-1, -2, 1, 0, 0, 0, 0]),
        name: "pressure",
        canonical: "mm[Hg]",
    },
    Named {
        dimension: dim([0, -1, 0, 0, 0, 0, 0]),
        name: "rate",
        canonical: "/min",
    },
    Named {
        dimension: dim([2, 0, 0, 0, 0, 0, 0]),
        name: "area",
        canonical: "m2",
    },
    Named {
        dimension: dim([1, -1, 0, 0, 0, 0, 0]),
        name: "speed",
        canonical: "m/s",
    },
];

#[allow(non_upper_case_globals)]
impl Dimension {
    /// Absorbed radiation dose (`L2.T-2`); canonical unit Gy.
    pub const Dose: Dimension = dim([2, -2, 0, 0, 0, 0, 0]);
    /// Length; canonical unit cm.
    pub const Length: Dimension = dim([1, 0, 0, 0, 0, 0, 0]);
    /// Time; canonical unit days.
    pub const Time: Dimension = dim([0, 1, 0, 0, 0, 0, 0]);
    /// Dimensionless (`%`, `{score}`, `1`); canonical unit percent.
    pub const Percent: Dimension = dim([0; 7]);
    /// Mass per area (a drug dose per body surface area, a body mass
    /// index); canonical unit mg/m2.
    pub const DosePerArea: Dimension = dim([-2, 0, 1, 0, 0, 0, 0]);
    /// Mass; canonical unit mg.
    pub const Mass: Dimension = dim([0, 0, 1, 0, 0, 0, 0]);
    /// Temperature; canonical unit degrees Celsius.
    pub const Temperature: Dimension = dim([0, 0, 0, 0, 1, 0, 0]);

    fn named(self) -> Option<&'static Named> {
        NAMED.iter().find(|n| n.dimension == self)
    }

    /// The canonical unit's symbol, in which values of this dimension are
    /// stored; UCUM's base units for a dimension without a name here.
    pub fn canonical(self) -> Cow<'static, str> {
        match self.named() {
            Some(n) => Cow::Borrowed(n.canonical),
            None => Cow::Owned(self.base_units()),
        }
    }

    /// A readable name for messages (`mass concentration`, or the exponent
    /// vector such as `dimension L3.T-2` when it has none).
    pub fn name(self) -> Cow<'static, str> {
        match self.named() {
            Some(n) => Cow::Borrowed(n.name),
            None => Cow::Owned(format!("dimension {}", self.vector())),
        }
    }

    /// The exponent vector in UCUM's notation (`L.T-1`, `1` for none).
    pub fn vector(self) -> String {
        const SYMBOLS: [&str; 7] = ["L", "T", "M", "A", "Θ", "Q", "F"];
        let mut parts = powers(&SYMBOLS, self.exponents);
        parts.extend(self.arbitrary.map(str::to_string));
        if parts.is_empty() {
            "1".into()
        } else {
            parts.join(".")
        }
    }

    /// This dimension's UCUM base units, as a UCUM expression (`m-3.g`).
    pub(crate) fn base_units(self) -> String {
        const BASE: [&str; 7] = ["m", "s", "g", "rad", "K", "C", "cd"];
        let mut parts = powers(&BASE, self.exponents);
        parts.extend(self.arbitrary.map(str::to_string));
        if parts.is_empty() {
            "1".into()
        } else {
            parts.join(".")
        }
    }

    /// The dimension of a product (`self + other` exponents), `None` when
    /// an exponent overflows or either has arbitrary atoms.
    pub(crate) fn times(self, other: Dimension, sign: i8) -> Option<Dimension> {
        if self.arbitrary.is_some() || other.arbitrary.is_some() {
            return None;
        }
        let mut exponents = [0i8; 7];
        for (i, e) in exponents.iter_mut().enumerate() {
            let b = other.exponents[i].checked_mul(sign)?;
            *e = self.exponents[i].checked_add(b)?;
        }
        Some(dim(exponents))
    }
}

fn powers(symbols: &[&str; 7], exponents: [i8; 7]) -> Vec<String> {
    symbols
        .iter()
        .zip(exponents)
        .filter(|(_, e)| *e != 0)
        .map(|(s, e)| {
            if e == 1 {
                s.to_string()
            } else {
                format!("{s}{e}")
            }
        })
        .collect()
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}
