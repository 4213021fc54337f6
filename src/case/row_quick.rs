//! Case stage: the quick path of loading one row of a cohort table (a CSV
//! line), straight into a reused case's fact slots.
//!
//! The header chooses each column's decoder once ([`Header::new`]); a row
//! with no quote is cut at its commas (`memchr`) and each cell read in
//! place: `true`/`false`, an enum value's name, an integer or a number in
//! JSON's grammar, a quantity in the header's unit are recognised without
//! building a JSON value, and any other cell goes through the same codec
//! call as [`super::row::load`] ([`super::row::cell_value`]). The facts the
//! header leaves out that take their `absent means` value are listed once.
//!
//! The quick path never reports: a row it cannot load exactly as
//! [`super::row::load`] would, a quoted cell, a row of the wrong width, a
//! bad value, a list that does not read or a broken constraint, is left to
//! that loader, which reads it again from its start and reports its errors
//! with their byte-exact locations. So a row loads to the same case, or the
//! same diagnostics, either way.

use super::row::{cell_value, Columns, Target};
use super::Case;
use crate::check::model::{FactInfo, Model, Type};
use crate::units::Unit;
use crate::value::json::{decode_in, decode_quantity_in, Shape};
use crate::value::Value;

/// How the quick path reads one column.
#[derive(Debug, Clone, PartialEq)]
enum Quick {
    /// The `name` column.
    Name,
    /// A `bool` fact: `true` or `false`.
    Bool,
    /// An `integer` fact: plain digits, within the bounds.
    Int { min: Option<i64>, max: Option<i64> },
    /// An enum fact: a value's name, as written in the guideline.
    Enum,
    /// A number, or a quantity in the unit the header gives.
    Number(Option<Unit>),
    /// Any other fact cell: the loader's codec call.
    Other,
    /// A list fact: its value names separated by `;`.
    List,
}

/// The quick path's view of a header.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Header {
    /// One per column.
    quick: Vec<Quick>,
    /// The facts no column gives that take their `absent means` value, by
    /// id ascending (as the loader puts them).
    absent: Vec<(u32, Value)>,
}

impl Header {
    /// The decoders of `targets` (the header's resolved columns).
    pub(super) fn new(model: &Model, targets: &[Target]) -> Header {
        let mut given = vec![false; model.facts.len()];
        let quick = targets
            .iter()
            .map(|target| match target {
                Target::Name => Quick::Name,
                Target::Fact { id, unit } => {
                    if let Some(g) = given.get_mut(*id) {
                        *g = true;
                    }
                    let ty = model.facts.get(*id).map(|f| f.ty);
                    match (ty, unit) {
                        (Some(Type::Bool), _) => Quick::Bool,
                        (Some(Type::Int { min, max }), _) => Quick::Int { min, max },
                        (Some(Type::Enum(_)), _) => Quick::Enum,
                        (Some(Type::Number), _) => Quick::Number(None),
                        (Some(Type::Quantity { .. }), Some(u)) => {
                            match crate::units::parse_value_unit(u) {
                                Ok(unit) => Quick::Number(Some(unit)),
                                Err(_) => Quick::Other,
                            }
                        }
                        _ => Quick::Other,
                    }
                }
                Target::List(i) => {
                    // Given even when empty: `absent means` does not apply.
                    for slot in model.lists.get(*i).map_or(&[][..], |l| &l.slots) {
                        if let Some(g) = given.get_mut(slot.0 as usize) {
                            *g = true;
                        }
                    }
                    Quick::List
                }
            })
            .collect();
        let absent = model.absent_left_out(&given);
        Header { quick, absent }
    }
}

impl Columns {
    /// Loads the row `text` into `case` (its slots replaced) the quick way
    /// and gives the row's name (its `name` cell, when not empty); `None`
    /// when the row must go through [`super::row::load`] instead, which
    /// then either loads the same case or reports why not (`case` is then
    /// left half written).
    /// `slots` are the constraints' buffer, kept from row to row.
    pub fn load_quick(
        &self,
        model: &Model,
        text: &str,
        case: &mut Case,
        slots: &mut Vec<Option<Value>>,
    ) -> Option<Option<String>> {
        let bytes = text.as_bytes();
        if memchr::memchr(b'"', bytes).is_some() {
            return None;
        }
        case.facts.clear();
        case.facts.resize(model.facts.len(), None);
        case.absent.clear();
        case.name.clear();
        let mut name = None;
        let mut start = 0;
        let last = self.targets.len().checked_sub(1)?;
        for (i, (target, quick)) in self.targets.iter().zip(&self.quick.quick).enumerate() {
            // Cells are short: a plain scan beats a vector search here.
            let comma = bytes
                .get(start..)?
                .iter()
                .position(|&b| b == b',')
                .map(|n| start + n);
            let end = match comma {
                Some(end) if i < last => end,
                None if i == last => bytes.len(),
                // Fewer or more cells than columns.
                _ => return None,
            };
            let cell = text.get(start..end)?;
            match (target, quick) {
                (Target::Name, _) => {
                    let cell = cell.trim();
                    name = (!cell.is_empty()).then(|| cell.to_string());
                }
                (Target::Fact { id, unit }, quick) => {
                    let info = model.facts.get(*id)?;
                    let value = match read(model, info, quick, cell) {
                        Some(v) => v,
                        None => {
                            let domain = Some(&info.domain);
                            let plain = match quick {
                                Quick::Other if cell.trim().len() == cell.len() => {
                                    decode_in(model, info.ty, domain, &Shape::String(cell)).ok()
                                }
                                _ => None,
                            };
                            match plain {
                                Some(v) => v,
                                None => {
                                    let cell = cell.trim();
                                    cell_value(model, info, unit.as_deref(), cell, start, end)
                                        .ok()?
                                }
                            }
                        }
                    };
                    *case.facts.get_mut(*id)? = value;
                }
                (Target::List(i), _) => {
                    let cell = cell.trim();
                    let names: Option<Vec<&str>> = (!cell.is_empty()).then(|| {
                        cell.split(';')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .collect()
                    });
                    let problems = super::typed::list(model, *i, names.as_deref(), &mut case.facts);
                    if !problems.is_empty() {
                        return None;
                    }
                }
            }
            start = end + 1;
        }
        for (id, value) in &self.quick.absent {
            *case.facts.get_mut(*id as usize)? = Some(*value);
            case.absent.push(*id);
        }
        if self.constraints.any_broken(&case.facts, slots) {
            return None;
        }
        if let Some(n) = &name {
            case.name.push_str(n);
        }
        Some(name)
    }
}

/// A cell's value when the quick decoder of its column recognises it (the
/// value the loader gives the same cell), else `None`.
fn read(model: &Model, info: &FactInfo, quick: &Quick, cell: &str) -> Option<Option<Value>> {
    if cell.is_empty() {
        return Some(None);
    }
    let bytes = cell.as_bytes();
    let value = match quick {
        Quick::Bool => match bytes {
            b"true" => Value::Bool(true),
            b"false" => Value::Bool(false),
            _ => return None,
        },
        Quick::Int { min, max } => {
            let i = integer(bytes)?;
            if min.is_some_and(|m| i < m) || max.is_some_and(|m| i > m) {
                return None;
            }
            Value::Int(i)
        }
        Quick::Enum => {
            let Type::Enum(id) = info.ty else { return None };
            let values = &model.enum_info(id)?.values;
            let i = values.iter().position(|v| v.name.as_bytes() == bytes)?;
            Value::Enum(u32::try_from(i).ok()?)
        }
        Quick::Number(unit) => {
            if !json_number(bytes) {
                return None;
            }
            // As the JSON reader reads a number.
            let n = cell.parse::<f64>().ok().filter(|n| n.is_finite())?;
            let domain = Some(&info.domain);
            // The loader reads a quantity cell as `{"value": n, "unit": u}`,
            // whose codec path is this one with the unit parsed per row.
            return match unit {
                Some(unit) => decode_quantity_in(info.ty, domain, n, *unit).ok(),
                None => decode_in(model, info.ty, domain, &Shape::Number(n, cell.into())).ok(),
            };
        }
        Quick::Name | Quick::Other | Quick::List => return None,
    };
    Some(Some(value))
}

/// The integer that `bytes` write in JSON's grammar without fraction or
/// exponent (`-?(0|[1-9][0-9]*)`), when an `i64` holds it.
fn integer(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    match digits {
        [] => return None,
        [b'0', _, ..] => return None,
        _ => {}
    }
    let mut n: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = i64::from(b - b'0');
        n = n.checked_mul(10)?;
        n = if negative {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

/// True when `bytes` are a number in JSON's grammar:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn json_number(bytes: &[u8]) -> bool {
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied();
    let digits = |i: &mut usize| {
        let from = *i;
        while at(*i).is_some_and(|b| b.is_ascii_digit()) {
            *i += 1;
        }
        *i - from
    };
    if at(i) == Some(b'-') {
        i += 1;
    }
    if at(i) == Some(b'0') {
        i += 1;
    } else if digits(&mut i) == 0 {
        return false;
    }
    if at(i) == Some(b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}
