//! FHIRPath stage: the evaluator — navigation over FHIR R4 JSON (arrays
//! flatten, choice elements found by their type suffix), literals,
//! variables, type tests and the operators with FHIRPath's empty-propagating
//! three-valued logic; functions are in `calls.rs`. Every node evaluated
//! costs a step, so an evaluation ends within [`MAX_STEPS`].

use super::ast::{Expr, Kind, Literal, TypeOp};
use super::compare::{self, Prim};
use super::error::PathError;
use super::item::Item;
use super::types::{self, TypeName};
use super::MAX_STEPS;
use serde_json::Value;
use std::ops::Range;

/// Evaluates `expr` (parsed from `text`) with `root` as the resource,
/// `%resource` and `$this`.
pub fn evaluate<'a>(text: &str, expr: &Expr, root: &'a Value) -> Result<Vec<Item<'a>>, PathError> {
    let mut ev = Evaluator {
        text,
        root,
        steps: 0,
    };
    let mut focus = Vec::new();
    push_flat(root, None, &mut focus);
    ev.eval(expr, &focus, None)
}

/// The evaluation's resource and the steps it has taken.
pub(super) struct Evaluator<'a, 't> {
    /// The expression's text, for messages.
    text: &'t str,
    pub(super) root: &'a Value,
    steps: u64,
}

impl<'a> Evaluator<'a, '_> {
    /// Counts `n` steps against [`MAX_STEPS`].
    pub(super) fn step(&mut self, n: usize, span: &Range<usize>) -> Result<(), PathError> {
        self.steps = self.steps.saturating_add(n as u64 + 1);
        if self.steps > MAX_STEPS {
            return Err(PathError::TooCostly {
                limit: MAX_STEPS,
                span: span.clone().into(),
            });
        }
        Ok(())
    }

    /// Counts the work of comparing or hashing `items` whole: one step per
    /// JSON node of each object or array and per 16 bytes of each string
    /// (counted only up to the steps left, so counting costs no more than
    /// the limit allows).
    pub(super) fn charge_nodes(
        &mut self,
        items: &[Item<'a>],
        span: &Range<usize>,
    ) -> Result<(), PathError> {
        for item in items {
            let cost = match item {
                Item::Node { value, .. } => {
                    let left = MAX_STEPS.saturating_sub(self.steps);
                    nodes_up_to(
                        value,
                        usize::try_from(left)
                            .unwrap_or(usize::MAX)
                            .saturating_add(1),
                    )
                }
                Item::String(s) => s.len() / 16,
                _ => 0,
            };
            self.step(cost, span)?;
        }
        Ok(())
    }

    /// Counts the work of a string function reading `text`: a step per 16
    /// bytes.
    pub(super) fn charge_text(&mut self, text: &str, span: &Range<usize>) -> Result<(), PathError> {
        self.step(text.len() / 16, span)
    }

    /// Evaluates `expr` with `this` as `$this` (the focus of a name without
    /// a base) and `index` as `$index`.
    ///
    /// A chain (`a.b.c`, `x | y | z`) is a left spine in the tree: it is
    /// walked in a loop, bottom first, each node given the value of the
    /// one below. Only the other children (arguments, right operands,
    /// indexes) recurse, and the parser bounds their nesting.
    pub(super) fn eval(
        &mut self,
        expr: &Expr,
        this: &[Item<'a>],
        index: Option<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let mut spine = Vec::new();
        let mut bottom = expr;
        while let Some(first) = first_child(bottom) {
            spine.push(bottom);
            bottom = first;
        }
        let mut value = self.node(bottom, None, this, index)?;
        for node in spine.into_iter().rev() {
            value = self.node(node, Some(value), this, index)?;
        }
        Ok(value)
    }

    /// One node, given the value of its first child (`None`: the focus).
    fn node(
        &mut self,
        expr: &Expr,
        first: Option<Vec<Item<'a>>>,
        this: &[Item<'a>],
        index: Option<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        self.step(0, &expr.span)?;
        let input = || first.unwrap_or_else(|| this.to_vec());
        let out = match &expr.kind {
            Kind::Member { base, name } => {
                let (out, scanned) = member(input(), base.is_none(), name);
                self.step(scanned, &expr.span)?;
                out
            }
            Kind::Call { func, args, .. } => {
                self.call(*func, input(), args, this, index, &expr.span)?
            }
            Kind::Type { base, op, ty } => {
                self.type_test(*op, *ty, input(), base.as_deref(), &expr.span)?
            }
            Kind::Indexer { index: at, .. } => {
                let at_items = self.eval(at, this, index)?;
                indexer(input(), &at_items, &at.span)?
            }
            Kind::Binary { op, lhs, rhs } => {
                let right = self.eval(rhs, this, index)?;
                self.binary(*op, input(), right, (lhs, rhs), &expr.span)?
            }
            Kind::Negate(operand) => {
                let items = self.eval(operand, this, index)?;
                negate(&items, &operand.span)?
            }
            leaf => self.leaf(leaf, this, index),
        };
        self.step(out.len(), &expr.span)?;
        Ok(out)
    }

    /// A literal or variable.
    #[inline(never)]
    fn leaf(&self, kind: &Kind, this: &[Item<'a>], index: Option<usize>) -> Vec<Item<'a>> {
        match kind {
            Kind::Literal(lit) => vec![literal(lit)],
            Kind::This => this.to_vec(),
            Kind::Index => index
                .and_then(|i| i64::try_from(i).ok())
                .map(Item::Integer)
                .into_iter()
                .collect(),
            Kind::Resource => vec![Item::node(self.root, None)],
            Kind::Ucum => vec![Item::String("http://unitsofmeasure.org".to_string())],
            _ => Vec::new(),
        }
    }

    #[inline(never)]
    fn type_test(
        &mut self,
        op: TypeOp,
        ty: TypeName,
        input: Vec<Item<'a>>,
        base: Option<&Expr>,
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let at = base.map_or(span, |b| &b.span);
        let untyped = || PathError::Untyped {
            path: self.text.get(at.clone()).unwrap_or("$this").to_string(),
            span: at.clone().into(),
        };
        let what = match op {
            TypeOp::OfType => {
                let mut out = Vec::new();
                for item in input {
                    if is_type(&item, ty, op).ok_or_else(untyped)? {
                        out.push(item);
                    }
                }
                return Ok(out);
            }
            TypeOp::Is => "is",
            TypeOp::As => "as",
        };
        let Some(item) = single(&input, what, span)? else {
            return Ok(Vec::new());
        };
        let matches = is_type(item, ty, op).ok_or_else(untyped)?;
        Ok(match op {
            TypeOp::Is => vec![Item::Bool(matches)],
            _ if matches => input,
            _ => Vec::new(),
        })
    }
}

/// The child evaluated first, whose value a node takes as its input: the
/// base of a step, the left operand.
fn first_child(expr: &Expr) -> Option<&Expr> {
    match &expr.kind {
        Kind::Member { base, .. } | Kind::Call { base, .. } | Kind::Type { base, .. } => {
            base.as_deref()
        }
        Kind::Indexer { base, .. } => Some(base),
        Kind::Binary { lhs, .. } => Some(lhs),
        _ => None,
    }
}

/// The children `name` of each input item; capitalised at the start of a
/// path, the resource type filter (the focus, if it is one). Also gives
/// how many keys were scanned for a choice element, a cost in steps.
#[inline(never)]
fn member<'a>(input: Vec<Item<'a>>, leading: bool, name: &str) -> (Vec<Item<'a>>, usize) {
    if leading && name.starts_with(|c: char| c.is_ascii_uppercase()) {
        let out = input
            .into_iter()
            .filter(|i| i.fhir_type() == Some(name))
            .collect();
        return (out, 0);
    }
    let mut out = Vec::new();
    let mut scanned = 0;
    for item in &input {
        scanned += navigate(item, name, &mut out);
    }
    (out, scanned)
}

/// `input[at]`: the item at a zero-based Integer index, if any.
#[inline(never)]
fn indexer<'a>(
    input: Vec<Item<'a>>,
    at: &[Item<'a>],
    span: &Range<usize>,
) -> Result<Vec<Item<'a>>, PathError> {
    Ok(match single(at, "[]", span)?.map(Prim::of) {
        None => Vec::new(),
        Some(Prim::Int(i)) => usize::try_from(i)
            .ok()
            .and_then(|i| input.into_iter().nth(i))
            .into_iter()
            .collect(),
        Some(p) => return Err(mismatch("[]", p.describe(), span)),
    })
}

/// Unary `-` on a single number.
#[inline(never)]
fn negate<'a>(items: &[Item<'a>], span: &Range<usize>) -> Result<Vec<Item<'a>>, PathError> {
    Ok(match single(items, "-", span)?.map(Prim::of) {
        None => Vec::new(),
        Some(Prim::Int(i)) => {
            vec![Item::Integer(i.checked_neg().ok_or_else(|| {
                mismatch("-", "an integer that overflows", span)
            })?)]
        }
        Some(Prim::Dec(d)) => vec![Item::Decimal(-d)],
        Some(p) => return Err(mismatch("-", p.describe(), span)),
    })
}

/// Whether `item` is of type `ty`; `None` when its type is not known.
/// `is` never takes a node for a System type (`valueBoolean is Boolean` is
/// false: it is a FHIR `boolean`); `ofType` does, for the FHIR primitive
/// types whose values are of that System type, as HL7's engine does.
fn is_type(item: &Item<'_>, ty: TypeName, op: TypeOp) -> Option<bool> {
    match (item, ty) {
        (Item::Node { .. }, TypeName::Fhir(wanted)) => item
            .fhir_type()
            .map(|actual| types::fhir_is(actual, wanted)),
        (Item::Node { .. }, TypeName::System(_)) if op != TypeOp::OfType => Some(false),
        (Item::Node { .. }, TypeName::System(wanted)) => item
            .fhir_type()
            .map(|actual| types::system_type_of(actual) == Some(wanted)),
        (_, TypeName::System(wanted)) => Some(item.fhir_type() == Some(wanted)),
        (_, TypeName::Fhir(_)) => Some(false),
    }
}

/// The item of a collection of at most one; several are an error.
pub(super) fn single<'i, 'a>(
    items: &'i [Item<'a>],
    what: &str,
    span: &Range<usize>,
) -> Result<Option<&'i Item<'a>>, PathError> {
    match items {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(PathError::NotSingleton {
            what: what.to_string(),
            count: many.len(),
            span: span.clone().into(),
        }),
    }
}

/// A collection as a Boolean (FHIRPath's singleton evaluation): empty is
/// `None`, one Boolean is itself, one other item is `true`, several are an
/// error.
pub fn to_bool(
    items: &[Item<'_>],
    what: &str,
    span: &Range<usize>,
) -> Result<Option<bool>, PathError> {
    Ok(single(items, what, span)?.map(|i| i.as_bool().unwrap_or(true)))
}

/// A type error: `what` cannot take `found`.
pub(super) fn mismatch(what: &str, found: &str, span: &Range<usize>) -> PathError {
    PathError::TypeMismatch {
        what: what.to_string(),
        found: found.to_string(),
        span: span.clone().into(),
    }
}

fn literal(lit: &Literal) -> Item<'static> {
    match lit {
        Literal::Bool(b) => Item::Bool(*b),
        Literal::Integer(i) => Item::Integer(*i),
        Literal::Decimal(d) => Item::Decimal(*d),
        Literal::String(s) => Item::String(s.clone()),
        Literal::Date(s) => Item::Date(s.clone()),
        Literal::DateTime(s) => Item::DateTime(s.clone()),
        Literal::Time(s) => Item::Time(s.clone()),
    }
}

/// The children named `name` of `item` (FHIR R4 JSON): the key itself, or
/// a choice element's key `name` + a type suffix (`valueQuantity`). Gives
/// the number of keys scanned for the choice element (0 when the key is
/// there), which the caller counts as steps: a node of many keys is not
/// scanned for free.
pub(super) fn navigate<'a>(item: &Item<'a>, name: &str, out: &mut Vec<Item<'a>>) -> usize {
    let Item::Node {
        value: Value::Object(map),
        ..
    } = item
    else {
        return 0;
    };
    if let Some(child) = map.get(name) {
        push_flat(child, None, out);
        return 0;
    }
    for (key, child) in map {
        if let Some(ty) = key.strip_prefix(name).and_then(types::choice_suffix) {
            push_flat(child, Some(ty), out);
        }
    }
    map.len()
}

/// The work of reading `value` whole: one per JSON node and per 16 bytes
/// of a string, counted up to `cap`.
fn nodes_up_to(value: &Value, cap: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        count += 1;
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                count += map.keys().map(|k| k.len() / 16).sum::<usize>();
                stack.extend(map.values());
            }
            Value::String(s) => count += s.len() / 16,
            _ => {}
        }
        if count >= cap {
            return count;
        }
    }
    count
}

/// A JSON value as items: an array's elements (`null`s, which stand for
/// primitives with only an extension, left out), one node otherwise.
pub(super) fn push_flat<'a>(value: &'a Value, ty: Option<&'static str>, out: &mut Vec<Item<'a>>) {
    match value {
        Value::Array(items) => out.extend(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| Item::node(v, ty)),
        ),
        Value::Null => {}
        other => out.push(Item::node(other, ty)),
    }
}

/// Whether two items are equal for `distinct`, `|` and membership.
pub(super) fn same(a: &Item<'_>, b: &Item<'_>) -> bool {
    compare::equal(a, b) == Some(true)
}
