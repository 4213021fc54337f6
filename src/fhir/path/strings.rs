//! FHIRPath stage: the string and conversion functions of the subset
//! (`startsWith`, `endsWith`, `contains`, `lower`, `upper`, `length`,
//! `substring`, `indexOf`, `toString`, `toInteger`, `toDecimal`), each on a
//! single item: empty in, empty out.

use super::ast::Expr;
use super::compare::Prim;
use super::error::PathError;
use super::eval::{mismatch, single, Evaluator};
use super::functions::{name, Func};
use super::item::Item;
use std::ops::Range;

impl<'a> Evaluator<'a, '_> {
    /// The string and conversion functions.
    pub(super) fn string_function(
        &mut self,
        func: Func,
        input: Vec<Item<'a>>,
        args: &[Expr],
        this: &[Item<'a>],
        index: Option<usize>,
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let fname = name(func);
        let Some(item) = single(&input, fname, span)? else {
            return Ok(Vec::new());
        };
        let prim = Prim::of(item);
        match func {
            Func::ToString => return Ok(to_string(prim).map(Item::String).into_iter().collect()),
            Func::ToInteger => {
                return Ok(match prim {
                    Prim::Int(i) => Some(Item::Integer(i)),
                    Prim::Str(s) | Prim::Text(s) => s.parse().ok().map(Item::Integer),
                    Prim::Bool(b) => Some(Item::Integer(i64::from(b))),
                    _ => None,
                }
                .into_iter()
                .collect());
            }
            Func::ToDecimal => {
                return Ok(match prim {
                    Prim::Int(_) | Prim::Dec(_) => {
                        Some(Item::Decimal(super::compare::number(item)))
                    }
                    Prim::Str(s) | Prim::Text(s) if is_decimal(s) => {
                        s.parse().ok().map(Item::Decimal)
                    }
                    Prim::Bool(b) => Some(Item::Decimal(if b { 1.0 } else { 0.0 })),
                    _ => None,
                }
                .into_iter()
                .collect());
            }
            _ => {}
        }
        let text = match prim {
            Prim::Str(s) | Prim::Text(s) | Prim::Date(s) | Prim::Time(s) => s.to_string(),
            other => return Err(mismatch(fname, other.describe(), span)),
        };
        self.charge_text(&text, span)?;
        let count = |s: &str| i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
        let out = match func {
            Func::StartsWith | Func::EndsWith | Func::Contains | Func::IndexOf => {
                let Some(needle) = self.string_arg(&args[0], this, index, fname)? else {
                    return Ok(Vec::new());
                };
                match func {
                    Func::StartsWith => Item::Bool(text.starts_with(&needle)),
                    Func::EndsWith => Item::Bool(text.ends_with(&needle)),
                    Func::Contains => Item::Bool(text.contains(&needle)),
                    _ => Item::Integer(text.find(&needle).map_or(-1, |at| count(&text[..at]))),
                }
            }
            Func::Lower => Item::String(text.to_lowercase()),
            Func::Upper => Item::String(text.to_uppercase()),
            Func::Length => Item::Integer(count(&text)),
            _ => {
                let Some(start) = self.integer_arg(&args[0], this, index, fname)? else {
                    return Ok(Vec::new());
                };
                let length = match args.get(1) {
                    Some(arg) => match self.integer_arg(arg, this, index, fname)? {
                        Some(n) => Some(n),
                        None => return Ok(Vec::new()),
                    },
                    None => None,
                };
                if start < 0 || start >= count(&text) {
                    return Ok(Vec::new());
                }
                let skip = usize::try_from(start).unwrap_or(usize::MAX);
                let take = length.map_or(usize::MAX, |n| usize::try_from(n.max(0)).unwrap_or(0));
                Item::String(text.chars().skip(skip).take(take).collect())
            }
        };
        Ok(vec![out])
    }
}

/// `toString()`: the text of a primitive; `None` for an element with children.
fn to_string(prim: Prim<'_>) -> Option<String> {
    Some(match prim {
        Prim::Bool(b) => b.to_string(),
        Prim::Int(i) => i.to_string(),
        Prim::Dec(d) => format!("{d}"),
        Prim::Str(s) | Prim::Text(s) | Prim::Date(s) | Prim::Time(s) => s.to_string(),
        Prim::Other(_) => return None,
    })
}

/// FHIRPath's decimal syntax: `(\+|-)?\d+(\.\d+)?`.
fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}
