//! Units stage: the derived dimension of a product, a quotient or an
//! integer power of quantities, and the constant that scales the plain
//! product of canonical amounts into that dimension's canonical unit.
//!
//! Canonical units are not UCUM's base units (a length is kept in cm, a
//! mass in mg), so the factor goes through each canonical unit's magnitude
//! in base units ([`ucum::base_factor`]): `a × b` in canonical units is
//! `a·f_A × b·f_B` in base units, which is `a·b · f_A·f_B / f_R` in the
//! result's canonical unit. A result with no dimension is a plain number
//! (`f_R = 1`). The checker computes this once; at run time a derived
//! quantity is one more multiplication by a constant.

use super::{ucum, Dimension, Unit, UnitError};

/// The result of combining dimensions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derived {
    /// The result's dimension; [`Dimension::Percent`] (no dimension) means
    /// the result is a plain number.
    pub dimension: Dimension,
    /// Multiply the plain product of the canonical amounts by this to get
    /// the result in its canonical unit (or as a plain number).
    pub factor: f64,
}

impl Derived {
    /// True when the dimensions cancel: the result is a number.
    pub fn is_number(&self) -> bool {
        self.dimension == Dimension::Percent
    }
}

/// Why two dimensions do not combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeriveError {
    /// An arbitrary unit (`[iU]`) has no dimension to combine.
    Arbitrary,
    /// A temperature's canonical unit (Celsius) has an offset, so its
    /// amounts are not proportional to anything.
    Offset,
    /// An exponent beyond what a dimension holds.
    Exponent,
    /// A canonical unit UCUM cannot measure.
    Unit(UnitError),
}

impl DeriveError {
    /// Why, for a diagnostic's help.
    pub fn reason(self) -> String {
        match self {
            DeriveError::Arbitrary => {
                "an arbitrary unit (such as `[iU]`) compares only with itself, so it does not multiply"
                    .into()
            }
            DeriveError::Offset => {
                "a temperature in Celsius counts from an offset zero, so it neither multiplies nor \
                 divides by a quantity; read it as a number first (`t in K`)"
                    .into()
            }
            DeriveError::Exponent => "the dimension's exponents grow too large".into(),
            DeriveError::Unit(e) => e.reason(),
        }
    }
}

/// The product (`sign` 1) or quotient (`sign` -1) of quantities of
/// dimensions `a` and `b`.
pub fn combine(a: Dimension, b: Dimension, sign: i8) -> Result<Derived, DeriveError> {
    check(a)?;
    check(b)?;
    let dimension = a.times(b, sign).ok_or(DeriveError::Exponent)?;
    let (f_a, f_b) = (magnitude(a)?, magnitude(b)?);
    let base = if sign < 0 { f_a / f_b } else { f_a * f_b };
    scaled(dimension, base)
}

/// The quotient `1 / b` (a number divided by a quantity).
pub fn inverse(b: Dimension) -> Result<Derived, DeriveError> {
    combine(Dimension::Percent, b, -1).map(|d| Derived {
        // `combine` counted the number as a percent: it is a plain ratio.
        factor: d.factor * 100.0,
        ..d
    })
}

/// The power `a ^ n` of a quantity of dimension `a`.
pub fn power(a: Dimension, n: i32) -> Result<Derived, DeriveError> {
    check(a)?;
    let k = i8::try_from(n).map_err(|_| DeriveError::Exponent)?;
    let mut exponents = [0i8; 7];
    for (e, x) in exponents.iter_mut().zip(a.exponents) {
        *e = x.checked_mul(k).ok_or(DeriveError::Exponent)?;
    }
    let dimension = Dimension {
        exponents,
        arbitrary: None,
    };
    scaled(dimension, magnitude(a)?.powi(n))
}

/// The unit a derived dimension's values are shown in when nothing
/// declares one: its canonical unit.
pub fn canonical_unit(dimension: Dimension) -> Result<Unit, UnitError> {
    super::parse(&dimension.canonical())
}

fn scaled(dimension: Dimension, base: f64) -> Result<Derived, DeriveError> {
    let f_r = if dimension == Dimension::Percent {
        1.0
    } else {
        magnitude(dimension)?
    };
    let factor = base / f_r;
    if !(factor.is_finite() && factor != 0.0) {
        return Err(DeriveError::Unit(UnitError::Magnitude));
    }
    Ok(Derived { dimension, factor })
}

fn check(d: Dimension) -> Result<(), DeriveError> {
    if d.arbitrary.is_some() {
        return Err(DeriveError::Arbitrary);
    }
    if d == Dimension::Temperature {
        return Err(DeriveError::Offset);
    }
    Ok(())
}

fn magnitude(d: Dimension) -> Result<f64, DeriveError> {
    ucum::base_factor(d).map_err(DeriveError::Unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse;

    fn dim(u: &str) -> Dimension {
        parse(u).unwrap().dimension
    }

    #[test]
    fn body_mass_index_lands_in_mg_per_m2() {
        let area = power(Dimension::Length, 2).unwrap();
        assert_eq!(area.dimension, dim("m2"));
        // 180 cm squared is 3.24 m2.
        assert!((180.0f64 * 180.0 * area.factor - 3.24).abs() < 1e-12);
        let bmi = combine(Dimension::Mass, area.dimension, -1).unwrap();
        assert_eq!(bmi.dimension, Dimension::DosePerArea);
        // 81 kg (81e6 mg) over 3.24 m2 is 25 kg/m2 = 25e6 mg/m2.
        let got = 81e6 / 3.24 * bmi.factor;
        assert!((parse("kg/m2").unwrap().from_canonical(got) - 25.0).abs() < 1e-9);
    }

    #[test]
    fn cancelling_dimensions_give_a_number() {
        let r = combine(dim("mg"), dim("kg"), -1).unwrap();
        assert!(r.is_number());
        assert_eq!(r.factor, 1.0);
        let per_day = inverse(Dimension::Time).unwrap();
        // 1 / (2 days) is 0.5 per day = 0.5/1440 per minute.
        assert!((per_day.factor / 2.0 - 0.5 / 1440.0).abs() < 1e-15);
        assert_eq!(
            combine(Dimension::Temperature, Dimension::Mass, 1),
            Err(DeriveError::Offset)
        );
        assert_eq!(power(Dimension::Length, 200), Err(DeriveError::Exponent));
    }
}
