//! Format stage: layout of expressions and literals.
//!
//! Operators are written in their canonical spelling (`<=`, not `≤`) with
//! the fewest parentheses that keep the tree: a child is parenthesised only
//! when its precedence is lower than its position requires, with one
//! exception for readers: an `and` inside an `or` is always parenthesised. Chains of `and`
//! and `or` that do not fit on a line are broken before each operator, the
//! continuation lines indented two spaces; an operand that is itself a
//! broken chain is indented two more, so the structure stays visible.

use super::doc::{cat, flush, flush_close, group, nest, text, Blank, Doc};
use super::Layout;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Func, Literal, Quantifier, QuantityLit};

/// Binding strength of an expression, loosest first (the grammar's order).
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => binop_precedence(*op),
        ExprKind::Implies { .. } => 0,
        ExprKind::Not(_) => 3,
        ExprKind::In { .. }
        | ExprKind::IsKnown(..)
        | ExprKind::Contains { .. }
        | ExprKind::IsEmpty(_)
        // `x as kg` is looser than a sum and tighter than a comparison; a
        // comparison's sides are written with parentheses around it.
        | ExprKind::AsUnit(..) => 4,
        ExprKind::Neg(_) | ExprKind::InUnit(..) => 7,
        _ => 8,
    }
}

fn binop_precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div => 6,
    }
}

impl Layout<'_> {
    /// An expression in a position that accepts any expression.
    pub fn expr(&self, e: &Expr) -> Doc {
        self.expr_at(e, 0)
    }

    /// An expression where at least precedence `min` is required;
    /// parenthesised when it binds more loosely.
    fn expr_at(&self, e: &Expr, min: u8) -> Doc {
        let doc = self.expr_bare(e);
        if precedence(e) < min {
            cat(vec![text("("), doc, text(")")])
        } else {
            doc
        }
    }

    fn expr_bare(&self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Literal(l) => text(literal(l)),
            ExprKind::Name(n) => text(n.name.clone()),
            ExprKind::Field(t, c) => text(format!("{}.{}", t.name, c.name)),
            // `not (L contains v)` keeps its parentheses: without them it
            // parses the same, but reads as `(not L) contains v`.
            ExprKind::Not(inner)
                if matches!(inner.kind, ExprKind::Contains { .. } | ExprKind::IsEmpty(_)) =>
            {
                cat(vec![text("not ("), self.expr(inner), text(")")])
            }
            ExprKind::Not(inner) => cat(vec![text("not "), self.expr_at(inner, 3)]),
            ExprKind::Neg(inner) => cat(vec![text("-"), self.expr_at(inner, 8)]),
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => self.chain(e, *op),
            ExprKind::Implies { a, b, excludes } => group(
                cat(vec![
                    self.expr_at(a, 1),
                    nest(
                        2,
                        cat(vec![
                            Doc::Line,
                            text(if *excludes { "excludes " } else { "implies " }),
                            self.expr_at(b, 1),
                        ]),
                    ),
                ]),
                false,
            ),
            ExprKind::Binary(op, l, r) => {
                let p = binop_precedence(*op);
                // Comparisons do not chain: both sides must be sums.
                let (lmin, rmin) = if p == 4 { (5, 5) } else { (p, p + 1) };
                cat(vec![
                    self.expr_at(l, lmin),
                    text(format!(" {} ", op.symbol())),
                    self.expr_at(r, rmin),
                ])
            }
            ExprKind::In {
                value,
                set,
                negated,
            } => cat(vec![
                // `(count of L) in {...}` would read back as `count of L in
                // {...}`: the parentheses keep the tree.
                match &value.kind {
                    ExprKind::CountList { values: None, .. } => {
                        cat(vec![text("("), self.expr(value), text(")")])
                    }
                    _ => self.expr_at(value, 5),
                },
                text(if *negated { " not in " } else { " in " }),
                self.list("{", set, "}", e),
            ]),
            ExprKind::Contains {
                list,
                quantifier,
                values,
            } => match (quantifier, values.as_slice()) {
                (None, [v]) => cat(vec![
                    self.expr_at(list, 5),
                    text(" contains "),
                    self.expr_at(v, 5),
                ]),
                _ => {
                    let word = match quantifier {
                        Some(Quantifier::All) => " contains all of ",
                        Some(Quantifier::None) => " contains none of ",
                        _ => " contains any of ",
                    };
                    cat(vec![
                        self.expr_at(list, 5),
                        text(word),
                        self.list("{", values, "}", e),
                    ])
                }
            },
            ExprKind::IsEmpty(list) => cat(vec![self.expr_at(list, 5), text(" is empty")]),
            ExprKind::AsUnit(value, unit) => cat(vec![
                self.expr_at(value, 5),
                text(format!(" as {}", unit.name)),
            ]),
            // `(h ^ 2) in m2` keeps its parentheses: the exponent of `^`
            // would otherwise take the unit (`h ^ (2 in m2)`).
            ExprKind::InUnit(value, unit) => {
                let power = matches!(value.kind, ExprKind::Call(Func::Power, _));
                let value = if power {
                    cat(vec![text("("), self.expr(value), text(")")])
                } else {
                    self.expr_at(value, 7)
                };
                cat(vec![value, text(format!(" in {}", unit.name))])
            }
            ExprKind::IsKnown(value, known) => cat(vec![
                self.expr_at(value, 5),
                text(if *known { " is known" } else { " is unknown" }),
            ]),
            ExprKind::Quantified(q, items) => {
                let word = match q {
                    Quantifier::Any => "any of [",
                    Quantifier::All => "all of [",
                    Quantifier::None => "none of [",
                };
                self.list(word, items, "]", e)
            }
            ExprKind::Count { bound, items } => {
                let head = match bound {
                    None => text("count of ["),
                    Some((b, k)) => cat(vec![
                        text(format!("{} ", b.words())),
                        self.expr_at(k, 7),
                        text(" of ["),
                    ]),
                };
                cat(vec![head, self.list("", items, "]", e)])
            }
            ExprKind::CountList {
                bound,
                list,
                values,
            } => {
                let mut parts = match bound {
                    None => vec![text("count of ")],
                    Some((b, k)) => vec![
                        text(format!("{} ", b.words())),
                        self.expr_at(k, 7),
                        text(" of "),
                    ],
                };
                parts.push(self.expr(list));
                if let Some(values) = values {
                    parts.push(text(" in "));
                    parts.push(self.list("{", values, "}", e));
                }
                cat(parts)
            }
            ExprKind::Call(func, args) => self.call(*func, args, e),
            ExprKind::Score(items) => {
                let mut body = Vec::new();
                for item in items {
                    body.push(Doc::Hard);
                    body.push(flush(item.span.start as usize, Blank::Never));
                    let points = match (&item.points.kind, item.from) {
                        (ExprKind::Literal(l @ Literal::Number { value, .. }), false) => {
                            let word = if value.abs() == 1.0 {
                                "point"
                            } else {
                                "points"
                            };
                            text(format!("{} {word}", literal(l)))
                        }
                        _ => cat(vec![text("points from "), self.expr_at(&item.points, 7)]),
                    };
                    let mut line = vec![points];
                    if let Some(c) = &item.when {
                        line.push(nest(2, cat(vec![Doc::Line, text("when "), self.expr(c)])));
                    }
                    body.push(group(cat(line), false));
                }
                group(
                    cat(vec![
                        text("score {"),
                        nest(2, cat(body)),
                        Doc::Hard,
                        flush_close(self.close(e.span)),
                        text("}"),
                    ]),
                    true,
                )
            }
            ExprKind::First {
                branches,
                otherwise,
            } => {
                let mut body = Vec::new();
                for (cond, value) in branches {
                    body.push(Doc::Hard);
                    body.push(flush(cond.span.start as usize, Blank::Never));
                    body.push(group(
                        cat(vec![
                            text("when "),
                            self.expr(cond),
                            nest(2, cat(vec![Doc::Line, text("then "), self.expr(value)])),
                        ]),
                        false,
                    ));
                }
                if let Some(o) = otherwise {
                    body.push(Doc::Hard);
                    body.push(flush(o.span.start as usize, Blank::Never));
                    body.push(text("otherwise "));
                    body.push(self.expr(o));
                }
                group(
                    cat(vec![
                        text("first {"),
                        nest(2, cat(body)),
                        Doc::Hard,
                        flush_close(self.close(e.span)),
                        text("}"),
                    ]),
                    true,
                )
            }
        }
    }

    /// A function in its written form.
    fn call(&self, func: Func, args: &[Expr], e: &Expr) -> Doc {
        match (func, args) {
            (Func::Power, [a, b]) => cat(vec![self.expr_at(a, 8), text(" ^ "), self.expr_at(b, 7)]),
            (Func::YearsBetween | Func::MonthsBetween | Func::DaysBetween, [a, b]) => cat(vec![
                text(format!("{} between ", func.word())),
                self.expr_at(a, 5),
                text(" and "),
                self.expr_at(b, 5),
            ]),
            (Func::Min | Func::Max | Func::Earliest | Func::Latest, items) => {
                self.list(&format!("{} of [", func.word()), items, "]", e)
            }
            (_, items) => self.list(&format!("{}(", func.word()), items, ")", e),
        }
    }

    /// A chain of `and` or `or`: the left-nested operands of one operator.
    fn chain(&self, e: &Expr, op: BinOp) -> Doc {
        let mut operands = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary(o, l, r) = &cur.kind {
            if *o != op {
                break;
            }
            operands.push(r.as_ref());
            cur = l;
        }
        operands.push(cur);
        operands.reverse();
        // An `and` inside an `or` is always parenthesised: the tree would
        // be the same without, but a reader should not need the precedence
        // table to see which conditions belong together.
        let (first_min, rest_min) = match op {
            BinOp::Or => (3, 3),
            _ => (2, 3),
        };
        let mut parts = Vec::new();
        for (i, operand) in operands.iter().enumerate() {
            if i == 0 {
                parts.push(nest(4, self.expr_at(operand, first_min)));
            } else {
                parts.push(nest(
                    2,
                    cat(vec![
                        Doc::Line,
                        flush(operand.span.start as usize, Blank::Never),
                        text(format!("{} ", op.symbol())),
                        nest(2, self.expr_at(operand, rest_min)),
                    ]),
                ));
            }
        }
        group(cat(parts), self.has_comment_in(e.span))
    }

    /// A bracketed, comma-separated list that breaks one item per line.
    fn list(&self, open: &str, items: &[Expr], close: &str, whole: &Expr) -> Doc {
        let mut inner = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(text(","));
                inner.push(Doc::Line);
            }
            inner.push(flush(item.span.start as usize, Blank::Never));
            inner.push(self.expr(item));
        }
        inner.push(Doc::IfBreak(","));
        group(
            cat(vec![
                text(open),
                nest(2, cat(vec![Doc::SoftLine, cat(inner)])),
                Doc::SoftLine,
                text(close),
            ]),
            self.has_comment_in(whole.span),
        )
    }
}

/// A literal in canonical form.
pub fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b, _) => b.to_string(),
        Literal::Number {
            value, is_integer, ..
        } => number_literal(*value, *is_integer),
        Literal::Quantity(q) => quantity(q),
        Literal::Date(d) => d.text.clone(),
        Literal::Text(t) => quote(&t.value),
    }
}

/// A quantity literal: the number, one space, the unit.
pub fn quantity(q: &QuantityLit) -> String {
    format!("{} {}", number(q.value), q.unit.name)
}

/// A number that reads back as the same value: the shortest decimal form,
/// never in exponent notation (which the grammar does not accept).
pub fn number(value: f64) -> String {
    format!("{value}")
}

/// A number literal; one written with a decimal point keeps one, because
/// that makes it a `number` rather than an `integer`.
pub fn number_literal(value: f64, is_integer: bool) -> String {
    let s = number(value);
    if !is_integer && !s.contains('.') {
        format!("{s}.0")
    } else {
        s
    }
}

/// A string literal with `"`, `\`, newlines and tabs escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_without_exponents() {
        assert_eq!(number_literal(1e-7, false), "0.0000001");
        assert_eq!(number_literal(2.0, false), "2.0");
        assert_eq!(number_literal(50.4, false), "50.4");
        assert_eq!(number_literal(3.0, true), "3");
        assert_eq!(quote("a \"b\"\\\n"), "\"a \\\"b\\\"\\\\\\n\"");
    }
}
