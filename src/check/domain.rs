//! Check stage: the domain of a `number` or `quantity` fact: its declared
//! range (in canonical units, for the case loader) and its analyte-specific
//! conversions (`molar mass 113.12 g/mol`, `where 1 mmol/L = 18.016
//! mg/dL`), each checked against the fact's dimension.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::{Domain, Type};
use crate::syntax::ast::{DecimalRange, TypeExpr, UnitConversion};
use crate::units::{self, Conversion, ConversionError};

impl<'a> Checker<'a> {
    /// The domain declared by `ty`, resolved as `resolved`. `fact` is false
    /// for a definition or a table column, where a range or conversion is
    /// reported: only a case's facts are checked against one.
    pub(crate) fn domain(&mut self, ty: &TypeExpr, resolved: Option<Type>, fact: bool) -> Domain {
        let (range, conversions) = match ty {
            TypeExpr::Number { range, .. } => (range.as_ref(), &[][..]),
            TypeExpr::Quantity {
                range, conversions, ..
            } => (range.as_ref(), conversions.as_slice()),
            _ => return Domain::default(),
        };
        if !fact {
            let extra = range
                .map(|r| r.span)
                .or_else(|| conversions.first().map(UnitConversion::span));
            if let Some(span) = extra {
                self.report(
                    span,
                    CheckError::DomainOutsideFact {
                        span: span.miette(),
                    },
                );
            }
            return Domain::default();
        }
        let mut domain = Domain::default();
        if let Some(r) = range {
            self.range(r, resolved, &mut domain);
        }
        if let Some(Type::Quantity { dim, .. }) = resolved {
            for c in conversions {
                if let Some(found) = self.conversion(dim, c) {
                    domain.conversions.extend(found);
                }
            }
        }
        domain
    }

    fn range(&mut self, r: &DecimalRange, resolved: Option<Type>, domain: &mut Domain) {
        if r.low.value > r.high.value {
            self.report(
                r.span,
                CheckError::BadRange {
                    low: r.low.text.clone(),
                    high: r.high.text.clone(),
                    span: r.span.miette(),
                },
            );
            return;
        }
        let (low, high, written) = match resolved {
            Some(Type::Quantity { unit, .. }) => {
                let low = self.quantity_literal(r.low.value, unit, r.span);
                let high = self.quantity_literal(r.high.value, unit, r.span);
                let (Some(low), Some(high)) = (low, high) else {
                    return;
                };
                let written = format!("{} to {} {}", r.low.text, r.high.text, unit.symbol);
                (low, high, written)
            }
            Some(Type::Number) => (
                r.low.value,
                r.high.value,
                format!("{} to {}", r.low.text, r.high.text),
            ),
            _ => return,
        };
        domain.range = Some((low, high));
        domain.written = Some(written);
    }

    fn conversion(
        &mut self,
        fact: units::Dimension,
        c: &UnitConversion,
    ) -> Option<Vec<Conversion>> {
        let result = match c {
            UnitConversion::MolarMass { amount, unit, .. } => {
                let u = self.unit(unit)?;
                units::convert::molar_mass(fact, amount.value, u).map(|c| c.to_vec())
            }
            UnitConversion::Equivalence { left, right, .. } => {
                let (l, r) = (self.unit(&left.1), self.unit(&right.1));
                let (l, r) = (l?, r?);
                units::convert::equivalence(fact, (left.0.value, l), (right.0.value, r))
                    .map(|c| vec![c])
            }
        };
        match result {
            Ok(found) => Some(found),
            Err(why) => {
                let reason = match why {
                    ConversionError::Unrelated { left, right } => format!(
                        "it relates {left} to {right}; one side must be the fact's {}",
                        fact.name()
                    ),
                    ConversionError::NotMolarMass(found) => format!(
                        "a molar mass is a mass per amount of substance, such as `g/mol`, not a {found}"
                    ),
                    ConversionError::NotAFactor => {
                        "a conversion needs positive amounts and units without an offset".into()
                    }
                    ConversionError::Unit(e) => e.reason(),
                };
                let span = c.span();
                self.report(
                    span,
                    CheckError::BadConversion {
                        reason,
                        span: span.miette(),
                    },
                );
                None
            }
        }
    }
}
