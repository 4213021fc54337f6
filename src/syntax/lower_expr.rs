//! Syntax stage: converts pest pairs for expressions and literals into the
//! typed AST.

use super::ast::*;
use super::error::SyntaxError;
use super::lower::Lower;
use super::Rule;
use pest::iterators::Pair;

impl Lower<'_> {
    /// Lowers an `expr` pair (or any of its precedence levels).
    pub fn expr(&mut self, pair: Pair<Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::atom => self.expr(pair.into_inner().next()?),
            // Parentheses leave no node of their own, but the span of what
            // they enclose takes them in, so that `a or (b and c)` quoted
            // from its span keeps its closing bracket.
            Rule::paren => {
                let mut inner = self.expr(pair.into_inner().next()?)?;
                inner.span = span;
                Some(inner)
            }
            Rule::implication | Rule::exclusion => {
                let excludes = pair.as_rule() == Rule::exclusion;
                let mut operands = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_implies | Rule::kw_excludes));
                let a = self.expr(operands.next()?)?;
                match operands.next() {
                    Some(b) => {
                        let b = self.expr(b)?;
                        Some(Expr {
                            kind: ExprKind::Implies {
                                a: Box::new(a),
                                b: Box::new(b),
                                excludes,
                            },
                            span,
                        })
                    }
                    None => Some(a),
                }
            }
            Rule::disjunction | Rule::conjunction => {
                let op = if pair.as_rule() == Rule::disjunction {
                    BinOp::Or
                } else {
                    BinOp::And
                };
                let mut operands = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and));
                let mut acc = self.expr(operands.next()?)?;
                for next in operands {
                    let rhs = self.expr(next)?;
                    let span = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span,
                    };
                }
                Some(acc)
            }
            Rule::negation => {
                let mut inner = pair.into_inner();
                let first = inner.next()?;
                if first.as_rule() == Rule::not_op {
                    let operand = self.expr(inner.next()?)?;
                    Some(Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(first)
                }
            }
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let lhs = self.expr(inner.next()?)?;
                let Some(tail) = inner.next() else {
                    return Some(lhs);
                };
                self.comparison_tail(lhs, tail, span)
            }
            Rule::sum | Rule::product => {
                let mut inner = pair.into_inner();
                let mut acc = self.expr(inner.next()?)?;
                while let Some(op) = inner.next() {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        _ => BinOp::Div,
                    };
                    let rhs = self.expr(inner.next()?)?;
                    let span = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span,
                    };
                }
                Some(acc)
            }
            Rule::power => {
                let mut inner = pair.into_inner();
                let base = self.expr(inner.next()?)?;
                match inner.next() {
                    Some(exp) => {
                        let exp = self.expr(exp)?;
                        Some(Expr {
                            kind: ExprKind::Call(Func::Power, vec![base, exp]),
                            span,
                        })
                    }
                    None => Some(base),
                }
            }
            Rule::extreme_expr | Rule::between_expr | Rule::call_expr => {
                let mut inner = pair.into_inner();
                let func = Func::from_word(inner.next()?.as_str())?;
                let args = inner
                    .filter(|p| matches!(p.as_rule(), Rule::expr | Rule::sum))
                    .map(|p| self.expr(p))
                    .collect::<Option<Vec<_>>>()?;
                Some(Expr {
                    kind: ExprKind::Call(func, args),
                    span,
                })
            }
            Rule::unary => {
                let mut inner = pair.into_inner().peekable();
                let negated = inner.next_if(|p| p.as_rule() == Rule::neg_op);
                let mut operand = self.expr(inner.next()?)?;
                if let Some(neg) = negated {
                    let span = self.span(&neg).to(operand.span);
                    operand = Expr {
                        kind: ExprKind::Neg(Box::new(operand)),
                        span,
                    };
                }
                match inner.next() {
                    Some(unit) => {
                        let unit = self.ident(unit.into_inner().nth(1)?);
                        Some(Expr {
                            kind: ExprKind::InUnit(Box::new(operand), unit),
                            span,
                        })
                    }
                    None => Some(operand),
                }
            }
            Rule::measure => {
                let mut inner = pair.into_inner();
                let operand = self.expr(inner.next()?)?;
                match inner.next() {
                    Some(unit) => {
                        let unit = self.ident(unit.into_inner().nth(1)?);
                        Some(Expr {
                            kind: ExprKind::AsUnit(Box::new(operand), unit),
                            span,
                        })
                    }
                    None => Some(operand),
                }
            }
            Rule::quantifier => {
                let mut inner = pair.into_inner();
                let q = match inner.next()?.as_rule() {
                    Rule::kw_any => Quantifier::Any,
                    Rule::kw_all => Quantifier::All,
                    _ => Quantifier::None,
                };
                let items = inner
                    .filter(|p| p.as_rule() == Rule::expr)
                    .map(|p| self.expr(p))
                    .collect::<Option<Vec<_>>>()?;
                Some(Expr {
                    kind: ExprKind::Quantified(q, items),
                    span,
                })
            }
            Rule::count_expr => {
                let mut bound = None;
                let mut items = Vec::new();
                let mut inner = pair.into_inner().peekable();
                if let Some(b) = inner.next_if(|p| p.as_rule() == Rule::count_bound) {
                    let words: Vec<Rule> = b.into_inner().map(|w| w.as_rule()).collect();
                    let which = match words.as_slice() {
                        [Rule::kw_at, Rule::kw_least] => CountBound::AtLeast,
                        [Rule::kw_at, Rule::kw_most] => CountBound::AtMost,
                        _ => CountBound::Exactly,
                    };
                    let k = self.expr(inner.next()?)?;
                    bound = Some((which, Box::new(k)));
                }
                let mut list = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::expr => items.push(self.expr(p)?),
                        Rule::count_list => list = Some(self.count_list(p)?),
                        _ => {}
                    }
                }
                let kind = match list {
                    Some((list, values)) => ExprKind::CountList {
                        bound,
                        list: Box::new(list),
                        values,
                    },
                    None => ExprKind::Count { bound, items },
                };
                Some(Expr { kind, span })
            }
            Rule::score_expr => {
                let mut items = Vec::new();
                for item in pair.into_inner() {
                    if item.as_rule() == Rule::score_item {
                        items.push(self.score_item(item)?);
                    }
                }
                Some(Expr {
                    kind: ExprKind::Score(items),
                    span,
                })
            }
            Rule::first_expr => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::branch => {
                            let mut parts = p.into_inner().filter(|x| x.as_rule() == Rule::expr);
                            let cond = self.expr(parts.next()?)?;
                            let value = self.expr(parts.next()?)?;
                            branches.push((cond, value));
                        }
                        Rule::otherwise => {
                            let e = p.into_inner().find(|x| x.as_rule() == Rule::expr)?;
                            otherwise = Some(Box::new(self.expr(e)?));
                        }
                        _ => {}
                    }
                }
                Some(Expr {
                    kind: ExprKind::First {
                        branches,
                        otherwise,
                    },
                    span,
                })
            }
            Rule::literal => Some(Expr {
                kind: ExprKind::Literal(self.literal(pair)?),
                span,
            }),
            Rule::path => {
                let mut parts = pair.into_inner();
                let first = self.ident(parts.next()?);
                let kind = match parts.next() {
                    Some(field) => ExprKind::Field(first, self.ident(field)),
                    None => ExprKind::Name(first),
                };
                Some(Expr { kind, span })
            }
            _ => None,
        }
    }

    fn comparison_tail(
        &mut self,
        lhs: Expr,
        tail: Pair<Rule>,
        span: crate::source::Span,
    ) -> Option<Expr> {
        let kind = match tail.as_rule() {
            Rule::compare_tail => {
                let mut parts = tail.into_inner();
                let op = match parts.next()?.as_str() {
                    "=" => BinOp::Eq,
                    "!=" | "≠" => BinOp::Ne,
                    "<" => BinOp::Lt,
                    "<=" | "≤" => BinOp::Le,
                    ">" => BinOp::Gt,
                    _ => BinOp::Ge,
                };
                let rhs = self.expr(parts.next()?)?;
                ExprKind::Binary(op, Box::new(lhs), Box::new(rhs))
            }
            Rule::in_tail | Rule::not_in_tail => {
                let negated = tail.as_rule() == Rule::not_in_tail;
                let set = tail.into_inner().find(|p| p.as_rule() == Rule::set)?;
                let items = set
                    .into_inner()
                    .map(|p| self.expr(p))
                    .collect::<Option<Vec<_>>>()?;
                ExprKind::In {
                    value: Box::new(lhs),
                    set: items,
                    negated,
                }
            }
            Rule::contains_tail => {
                let mut parts = tail.into_inner().skip(1).peekable();
                let quantifier = match parts.peek().map(|p| p.as_rule()) {
                    Some(Rule::kw_any) => Some(Quantifier::Any),
                    Some(Rule::kw_all) => Some(Quantifier::All),
                    Some(Rule::kw_none) => Some(Quantifier::None),
                    _ => None,
                };
                let mut values = Vec::new();
                for p in parts {
                    match p.as_rule() {
                        Rule::set => {
                            for item in p.into_inner() {
                                values.push(self.expr(item)?);
                            }
                        }
                        Rule::sum => values.push(self.expr(p)?),
                        _ => {}
                    }
                }
                ExprKind::Contains {
                    list: Box::new(lhs),
                    quantifier,
                    values,
                }
            }
            Rule::empty_tail => ExprKind::IsEmpty(Box::new(lhs)),
            Rule::known_tail => ExprKind::IsKnown(Box::new(lhs), true),
            _ => ExprKind::IsKnown(Box::new(lhs), false),
        };
        Some(Expr { kind, span })
    }

    /// Lowers a `count_list` pair: the list's name and the set after `in`.
    fn count_list(&mut self, pair: Pair<Rule>) -> Option<(Expr, Option<Vec<Expr>>)> {
        let mut list = None;
        let mut values = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => {
                    list = Some(Expr {
                        span: self.span(&p),
                        kind: ExprKind::Name(self.ident(p)),
                    })
                }
                Rule::set => {
                    let items = p.into_inner().map(|v| self.expr(v));
                    values = Some(items.collect::<Option<Vec<_>>>()?);
                }
                _ => {}
            }
        }
        Some((list?, values))
    }

    /// Lowers a `score_item` pair: `N point(s) [when c]` or `points from
    /// e [when c]`.
    fn score_item(&mut self, pair: Pair<Rule>) -> Option<ScoreItem> {
        let span = self.span(&pair);
        let mut points = None;
        let mut from = false;
        let mut when = None;
        let mut after_when = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::score_points => {
                    let value = self.number(&p)?;
                    points = Some(Expr {
                        kind: ExprKind::Literal(Literal::Number {
                            value,
                            is_integer: !p.as_str().contains('.'),
                            span: self.span(&p),
                        }),
                        span: self.span(&p),
                    });
                }
                Rule::kw_from => from = true,
                Rule::kw_when => after_when = true,
                Rule::unary if !after_when => points = Some(self.expr(p)?),
                Rule::expr if after_when => when = Some(self.expr(p)?),
                _ => {}
            }
        }
        Some(ScoreItem {
            points: points?,
            from,
            when,
            span,
        })
    }

    /// Lowers a `literal` pair.
    pub fn literal(&mut self, pair: Pair<Rule>) -> Option<Literal> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::kw_true => Literal::Bool(true, span),
            Rule::kw_false => Literal::Bool(false, span),
            Rule::date_lit => Literal::Date(self.date(inner)),
            Rule::quantity_lit => Literal::Quantity(self.quantity(inner)?),
            Rule::number => Literal::Number {
                value: self.number(&inner)?,
                is_integer: !inner.as_str().contains('.'),
                span,
            },
            _ => Literal::Text(self.text(inner)),
        })
    }

    /// Lowers a `quantity_lit` pair.
    pub fn quantity(&mut self, pair: Pair<Rule>) -> Option<QuantityLit> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let value = self.number(&parts.next()?)?;
        let unit = self.ident(parts.next()?);
        Some(QuantityLit { value, unit, span })
    }

    /// Parses a decimal number, reporting values that do not fit.
    pub fn number(&mut self, pair: &Pair<Rule>) -> Option<f64> {
        match pair.as_str().parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.number_error(pair);
                None
            }
        }
    }

    /// Parses an integer, reporting values that do not fit.
    pub fn int(&mut self, pair: &Pair<Rule>) -> Option<i64> {
        match pair.as_str().parse::<i64>() {
            Ok(v) if v.unsigned_abs() <= u32::MAX as u64 => Some(v),
            _ => {
                self.number_error(pair);
                None
            }
        }
    }

    fn number_error(&mut self, pair: &Pair<Rule>) {
        let span = self.span(pair);
        self.diagnostics.push(
            self.file,
            SyntaxError::NumberRange {
                text: pair.as_str().to_string(),
                span: span.miette(),
            },
        );
    }

    /// Lowers a `date_lit` pair.
    pub fn date(&mut self, pair: Pair<Rule>) -> DateLit {
        DateLit {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// Lowers a `string` pair, resolving escapes.
    pub fn text(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let body = pair.as_str();
        let body = body.get(1..body.len().saturating_sub(1)).unwrap_or("");
        // Most strings have no escapes: copy them whole.
        if !body.contains('\\') {
            return Text {
                value: body.to_string(),
                span,
            };
        }
        let mut value = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => {
                    let at = span.start as usize + 1 + i;
                    self.diagnostics.push(
                        self.file,
                        SyntaxError::BadEscape {
                            text: format!("\\{other}"),
                            span: (at, 1 + other.len_utf8()).into(),
                        },
                    );
                }
                None => {}
            }
        }
        Text { value, span }
    }
}
