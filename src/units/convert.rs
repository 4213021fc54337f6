//! Units stage: analyte-specific conversions declared on a fact, which
//! UCUM alone cannot do: a molar mass (`molar mass 113.12 g/mol` relates
//! creatinine in mg/dL and in umol/L) or an explicit equivalence (`where
//! 1 mmol/L = 18.016 mg/dL`). Each lets a case give the fact in units of
//! one more dimension; the value is converted to the fact's canonical unit
//! when the case is loaded.

use super::{ucum, Dimension, Unit, UnitError, MAX_FACTOR};

/// Values of dimension `other` convert to the fact's canonical unit by
/// `factor`: (value in `other`'s canonical unit) × factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// The dimension a case may also give the fact in.
    pub other: Dimension,
    /// Canonical units of the fact per canonical unit of `other`.
    pub factor: f64,
}

/// Why a declared conversion is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ConversionError {
    /// The equivalence does not relate the fact's dimension to another.
    Unrelated {
        /// The two dimensions it relates, by name.
        left: String,
        /// The other one.
        right: String,
    },
    /// A molar mass whose unit is not a mass per amount (`g/mol`); the
    /// dimension it has.
    NotMolarMass(String),
    /// A temperature or a zero amount, which no factor converts.
    NotAFactor,
    /// A factor beyond [`MAX_FACTOR`] or a unit refused by UCUM.
    Unit(UnitError),
}

impl From<UnitError> for ConversionError {
    fn from(e: UnitError) -> Self {
        ConversionError::Unit(e)
    }
}

fn factor(x: f64) -> Result<f64, ConversionError> {
    let ok = x.is_finite() && x > 0.0 && (1.0 / MAX_FACTOR..=MAX_FACTOR).contains(&x);
    if ok {
        Ok(x)
    } else if x == 0.0 {
        Err(ConversionError::NotAFactor)
    } else {
        Err(ConversionError::Unit(UnitError::Magnitude))
    }
}

/// The conversions of a molar mass `amount` in `unit` (mass per amount of
/// substance, `g/mol`) for a fact of dimension `fact`: between a mass and an
/// amount of substance, per whatever volume the fact's unit has.
pub fn molar_mass(
    fact: Dimension,
    amount: f64,
    unit: Unit,
) -> Result<[Conversion; 2], ConversionError> {
    if unit.offset != 0.0 || amount <= 0.0 {
        return Err(ConversionError::NotAFactor);
    }
    let mass = unit.dimension;
    // UCUM counts a mole as a number, so `g/mol` is a mass (per particle).
    if mass != Dimension::Mass {
        return Err(ConversionError::NotMolarMass(mass.name().into_owned()));
    }
    let per_particle = unit.canonical_of(amount) * ucum::base_factor(mass)?;
    let f_fact = ucum::base_factor(fact)?;
    let mut out = [Conversion {
        other: fact,
        factor: 1.0,
    }; 2];
    // mass = amount × M (fact in mass units), amount = mass / M.
    for (slot, sign) in out.iter_mut().zip([-1i8, 1]) {
        let other = fact
            .times(mass, sign)
            .ok_or(ConversionError::Unit(UnitError::Unsupported))?;
        let f_other = ucum::base_factor(other)?;
        let m = if sign < 0 {
            per_particle
        } else {
            1.0 / per_particle
        };
        *slot = Conversion {
            other,
            factor: factor(f_other * m / f_fact)?,
        };
    }
    Ok(out)
}

/// The conversion of an equivalence `a_amount a_unit = b_amount b_unit`
/// for a fact of dimension `fact`: one side is of the fact's dimension.
pub fn equivalence(
    fact: Dimension,
    a: (f64, Unit),
    b: (f64, Unit),
) -> Result<Conversion, ConversionError> {
    let ((fa, fu), (oa, ou)) = if a.1.dimension == fact {
        (a, b)
    } else {
        (b, a)
    };
    if fu.dimension != fact || ou.dimension == fact {
        return Err(ConversionError::Unrelated {
            left: a.1.dimension.name().into_owned(),
            right: b.1.dimension.name().into_owned(),
        });
    }
    if fu.offset != 0.0 || ou.offset != 0.0 || fa <= 0.0 || oa <= 0.0 {
        return Err(ConversionError::NotAFactor);
    }
    Ok(Conversion {
        other: ou.dimension,
        factor: factor(fu.canonical_of(fa) / ou.canonical_of(oa))?,
    })
}
