//! Units stage: reads a unit expression through UCUM (the `octofhir-ucum`
//! crate) into a [`Unit`]: its dimension and the factor and offset that
//! take a value in it to its dimension's canonical unit.
//!
//! Cairn's own spellings from before UCUM (`days`, `months`, `GyRBE`,
//! `percent`, `C` for degrees Celsius, ...) are aliases of UCUM
//! expressions, kept as written for display. Resolved units are cached
//! (bounded by [`MAX_UNITS`]), so a case file's thousandth `"50 Gy"` costs
//! a hash lookup, not a parse.

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use octofhir_ucum::{analyse, ErrorKind, Number, SpecialKind};

use super::{Dimension, Unit, UnitError, MAX_UNIT_DEPTH, MAX_UNIT_LEN};

/// The most distinct unit spellings kept resolved at once (every unit of
/// the sources and case files of one process). A source past it gets a
/// located `check::unknown_unit` diagnostic; a case value is still read,
/// only not cached.
pub const MAX_UNITS: usize = 4096;

/// Cairn's spellings that are not UCUM codes, and the UCUM expression each
/// stands for. `C` is degrees Celsius here, as it was before UCUM (UCUM's
/// `C` is the coulomb, which no guideline needs); calendar months and years
/// are UCUM's Gregorian ones, whose mean lengths Cairn always used.
pub const ALIASES: &[(&str, &str)] = &[
    ("GyRBE", "Gy{RBE}"),
    ("day", "d"),
    ("days", "d"),
    ("week", "wk"),
    ("weeks", "wk"),
    ("month", "mo_g"),
    ("months", "mo_g"),
    ("year", "a_g"),
    ("years", "a_g"),
    ("minute", "min"),
    ("minutes", "min"),
    ("hour", "h"),
    ("hours", "h"),
    ("percent", "%"),
    ("C", "Cel"),
];

static CACHE: LazyLock<RwLock<HashMap<&'static str, Unit>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// The unit written `symbol`, cached. `Err(TooMany)` when the cache is full
/// and `symbol` is not in it.
pub fn lookup_cached(symbol: &str) -> Result<Unit, UnitError> {
    if let Some(u) = CACHE
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(symbol)
    {
        return Ok(*u);
    }
    let (dimension, factor, offset) = resolve(symbol)?;
    let mut cache = CACHE.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(u) = cache.get(symbol) {
        return Ok(*u);
    }
    if cache.len() >= MAX_UNITS {
        return Err(UnitError::TooMany);
    }
    // Leaked once per distinct spelling, at most MAX_UNITS of them, so a
    // unit stays `Copy` and its symbol `&'static str`.
    let symbol: &'static str = Box::leak(symbol.to_string().into_boxed_str());
    let unit = Unit {
        symbol,
        dimension,
        factor,
        offset,
    };
    cache.insert(symbol, unit);
    Ok(unit)
}

/// The dimension, factor and offset of `symbol` (see [`Unit`]).
pub fn resolve(symbol: &str) -> Result<(Dimension, f64, f64), UnitError> {
    let (dimension, factor, offset) = analysis(symbol)?;
    let canonical = dimension.canonical();
    let (f_c, o_c) = if canonical == symbol {
        (factor, offset)
    } else {
        match analysis(&canonical) {
            Ok((_, f, o)) => (f, o),
            Err(_) => (Number::ONE, Number::ZERO),
        }
    };
    // value in canonical = value × f/f_c + (o − o_c)/f_c
    let ratio = factor.checked_div(f_c).ok_or(UnitError::Magnitude)?;
    let shift = offset
        .checked_sub(o_c)
        .and_then(|d| d.checked_div(f_c))
        .ok_or(UnitError::Magnitude)?;
    let (factor, offset) = (ratio.to_f64(), shift.to_f64());
    let sane = |x: f64| x.is_finite() && x.abs() <= super::MAX_FACTOR;
    if !(sane(factor) && factor != 0.0 && sane(offset)) {
        return Err(UnitError::Magnitude);
    }
    Ok((dimension, factor, offset))
}

/// UCUM's view of `symbol`: dimension, magnitude (times the scale of a
/// special unit) and offset, in base units.
fn analysis(symbol: &str) -> Result<(Dimension, Number, Number), UnitError> {
    if symbol.chars().count() > MAX_UNIT_LEN {
        return Err(UnitError::TooLong);
    }
    if depth(symbol) > MAX_UNIT_DEPTH {
        return Err(UnitError::TooDeep);
    }
    let code = ALIASES
        .iter()
        .find(|(alias, _)| *alias == symbol)
        .map_or_else(|| symbol.replace(['µ', 'μ'], "u"), |(_, c)| c.to_string());
    let a = analyse(&code).map_err(|e| match e.kind {
        ErrorKind::NestingTooDeep { .. } => UnitError::TooDeep,
        ErrorKind::InvalidExpression { .. } => UnitError::Syntax,
        _ => UnitError::Unknown,
    })?;
    match a.special {
        None | Some(SpecialKind::None | SpecialKind::Arbitrary) => {}
        Some(SpecialKind::Celsius | SpecialKind::Fahrenheit | SpecialKind::Reaumur) => {}
        Some(_) => return Err(UnitError::Unsupported),
    }
    let exponents = a.dimension.0;
    let arbitrary = match a.arbitrary.as_slice() {
        [] => None,
        [(atom, 1)] => Some(*atom),
        _ => return Err(UnitError::Unsupported),
    };
    let factor = a.factor.checked_mul(a.scale).ok_or(UnitError::Magnitude)?;
    Ok((
        Dimension {
            exponents,
            arbitrary,
        },
        factor,
        a.offset,
    ))
}

/// How deep parentheses and annotations nest in `symbol`.
fn depth(symbol: &str) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for c in symbol.chars() {
        match c {
            '(' | '[' | '{' => {
                now += 1;
                max = max.max(now);
            }
            ')' | ']' | '}' => now = now.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The magnitude of `dimension`'s canonical unit in UCUM's base units.
pub fn base_factor(dimension: Dimension) -> Result<f64, UnitError> {
    let canonical = dimension.canonical();
    let (_, f, _) = analysis(&canonical)?;
    let f = f.to_f64();
    if f.is_finite() && f != 0.0 {
        Ok(f)
    } else {
        Err(UnitError::Magnitude)
    }
}
