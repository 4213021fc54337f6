//! FHIRPath stage: the parser — tokens into a syntax tree by precedence
//! climbing, checking every function, type and variable against the subset
//! and bounding the nesting depth (an error, never a stack overflow).

use super::ast::TYPE_OP_PRECEDENCE;
pub use super::ast::{BinOp, Expr, Kind, Literal, TypeOp};
use super::error::PathError;
use super::lexer::{Tok, Token};
use super::{MAX_DEPTH, MAX_NESTING};
use crate::diagnostics::suggestion;
use std::ops::Range;

/// Parses the tokens of `text` into one expression.
pub fn parse(text: &str, tokens: &[Token]) -> Result<Expr, PathError> {
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = p.expression(0)?;
    match p.peek() {
        None => Ok(expr),
        Some(t) => Err(p.unexpected("an operator or the end", t.span.clone())),
    }
}

/// The parser's state (its invocations are parsed in `invocation.rs`).
pub(super) struct Parser<'t> {
    pub(super) text: &'t str,
    pub(super) tokens: &'t [Token],
    pub(super) pos: usize,
    /// How many nested `expression`/`unary`/argument levels are open:
    /// bounded by [`MAX_NESTING`].
    pub(super) depth: usize,
}

/// The calendar duration words that make a number a quantity (`3 days`).
const CALENDAR_UNITS: &[&str] = &[
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "millisecond",
    "milliseconds",
];

impl<'t> Parser<'t> {
    pub(super) fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    pub(super) fn peek_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(s), .. }) if *s == sym)
    }

    pub(super) fn end(&self) -> usize {
        self.text.len()
    }

    pub(super) fn unexpected(&self, expected: &str, span: Range<usize>) -> PathError {
        let found = self
            .text
            .get(span.clone())
            .filter(|s| !s.is_empty())
            .map_or("the end".to_string(), |s| format!("`{s}`"));
        PathError::Syntax {
            expected: expected.to_string(),
            found,
            span: span.into(),
        }
    }

    pub(super) fn expect_sym(&mut self, sym: &'static str) -> Result<Range<usize>, PathError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Sym(s),
                span,
            }) if *s == sym => {
                self.pos += 1;
                Ok(span.clone())
            }
            Some(t) => Err(self.unexpected(&format!("`{sym}`"), t.span.clone())),
            None => Err(self.unexpected(&format!("`{sym}`"), self.end()..self.end())),
        }
    }

    /// A syntax tree node, failing when the tree would be taller than
    /// [`MAX_DEPTH`].
    pub(super) fn node(&self, kind: Kind, span: Range<usize>) -> Result<Expr, PathError> {
        Expr::new(kind, span.clone(), MAX_DEPTH).ok_or(PathError::TooTall {
            limit: MAX_DEPTH,
            span: span.into(),
        })
    }

    /// Opens one level of nesting, failing past [`MAX_NESTING`].
    pub(super) fn enter(&mut self) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let span = self
                .peek()
                .map_or(self.end()..self.end(), |t| t.span.clone());
            return Err(PathError::TooDeep {
                limit: MAX_NESTING,
                span: span.into(),
            });
        }
        Ok(())
    }

    /// The binary operator at the cursor, if any (`is`/`as` apart).
    fn binary_op(&self) -> Option<BinOp> {
        Some(match &self.peek()?.tok {
            Tok::Sym(s) => match *s {
                "*" => BinOp::Mul,
                "/" => BinOp::Div,
                "+" => BinOp::Add,
                "-" => BinOp::Sub,
                "&" => BinOp::Concat,
                "|" => BinOp::Union,
                "<" => BinOp::Lt,
                "<=" => BinOp::Le,
                ">" => BinOp::Gt,
                ">=" => BinOp::Ge,
                "=" => BinOp::Eq,
                "!=" => BinOp::Ne,
                "~" => BinOp::Equiv,
                "!~" => BinOp::NotEquiv,
                _ => return None,
            },
            Tok::Ident {
                name,
                delimited: false,
            } => match name.as_str() {
                "div" => BinOp::IntDiv,
                "mod" => BinOp::Mod,
                "in" => BinOp::In,
                "contains" => BinOp::Contains,
                "and" => BinOp::And,
                "or" => BinOp::Or,
                "xor" => BinOp::Xor,
                "implies" => BinOp::Implies,
                _ => return None,
            },
            _ => return None,
        })
    }

    fn type_op(&self) -> Option<TypeOp> {
        match &self.peek()?.tok {
            Tok::Ident {
                name,
                delimited: false,
            } if name == "is" => Some(TypeOp::Is),
            Tok::Ident {
                name,
                delimited: false,
            } if name == "as" => Some(TypeOp::As),
            _ => None,
        }
    }

    /// An expression whose operators all bind at least as tightly as `min`.
    pub(super) fn expression(&mut self, min: u8) -> Result<Expr, PathError> {
        self.enter()?;
        let mut lhs = self.unary()?;
        loop {
            if let Some(op) = self.type_op().filter(|_| TYPE_OP_PRECEDENCE >= min) {
                self.pos += 1;
                let (ty, end) = self.type_specifier()?;
                let span = lhs.span.start..end;
                let kind = Kind::Type {
                    base: Some(Box::new(lhs)),
                    op,
                    ty,
                };
                lhs = self.node(kind, span)?;
                continue;
            }
            let Some(op) = self.binary_op().filter(|op| op.precedence() >= min) else {
                break;
            };
            self.pos += 1;
            let rhs = self.expression(op.precedence() + 1)?;
            let span = lhs.span.start..rhs.span.end;
            let kind = Kind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
            lhs = self.node(kind, span)?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, PathError> {
        let sign = match self.peek() {
            Some(Token {
                tok: Tok::Sym(s @ ("-" | "+")),
                span,
            }) => Some((*s, span.start)),
            _ => None,
        };
        let Some((sign, start)) = sign else {
            return self.postfix();
        };
        self.pos += 1;
        self.enter()?;
        let operand = self.unary()?;
        self.depth -= 1;
        if sign == "+" {
            return Ok(operand);
        }
        let span = start..operand.span.end;
        self.node(Kind::Negate(Box::new(operand)), span)
    }

    /// A term followed by `.member`, `.function(…)` and `[index]` steps.
    fn postfix(&mut self) -> Result<Expr, PathError> {
        let mut expr = self.term()?;
        loop {
            if self.peek_sym(".") {
                self.pos += 1;
                expr = self.invocation(Some(expr))?;
            } else if self.peek_sym("[") {
                self.pos += 1;
                self.enter()?;
                let index = self.expression(0)?;
                self.depth -= 1;
                let end = self.expect_sym("]")?.end;
                let span = expr.span.start..end;
                let kind = Kind::Indexer {
                    base: Box::new(expr),
                    index: Box::new(index),
                };
                expr = self.node(kind, span)?;
            } else {
                break;
            }
        }
        Ok(expr)
    }

    /// A term. Only `(…)` and names recurse; the other terms are built in
    /// [`Parser::atom`], out of line, so the recursion's frames stay small
    /// (debug builds give every arm's temporaries their own stack slots).
    fn term(&mut self) -> Result<Expr, PathError> {
        let Some(token) = self.peek() else {
            return Err(self.unexpected("an expression", self.end()..self.end()));
        };
        match &token.tok {
            Tok::Sym("(") => {
                let start = token.span.start;
                self.pos += 1;
                let inner = self.expression(0)?;
                let end = self.expect_sym(")")?.end;
                Ok(Expr {
                    span: start..end,
                    ..inner
                })
            }
            Tok::Ident {
                name,
                delimited: false,
            } if name == "true" || name == "false" => self.atom(),
            Tok::Ident { .. } => self.invocation(None),
            _ => self.atom(),
        }
    }

    /// A literal, variable or `{}` at the cursor.
    #[inline(never)]
    fn atom(&mut self) -> Result<Expr, PathError> {
        let Some(token) = self.peek() else {
            return Err(self.unexpected("an expression", self.end()..self.end()));
        };
        let span = token.span.clone();
        self.pos += 1;
        let kind = match &token.tok {
            Tok::Integer(i) => {
                self.no_quantity(span.start)?;
                Kind::Literal(Literal::Integer(*i))
            }
            Tok::Decimal(d) => {
                self.no_quantity(span.start)?;
                Kind::Literal(Literal::Decimal(*d))
            }
            Tok::Str(s) => Kind::Literal(Literal::String(s.clone())),
            Tok::DateTime(text) => Kind::Literal(date_literal(text, span.clone())?),
            Tok::Env(name) => match name.as_str() {
                "resource" | "context" | "rootResource" => Kind::Resource,
                "ucum" => Kind::Ucum,
                _ => return Err(unknown_variable('%', name, span)),
            },
            Tok::Special(name) => match name.as_str() {
                "this" => Kind::This,
                "index" => Kind::Index,
                "total" => {
                    return Err(PathError::Unsupported {
                        what: "variable `$total`".to_string(),
                        help: "`$total` belongs to `aggregate()`, which is not in the subset"
                            .to_string(),
                        span: span.into(),
                    });
                }
                _ => return Err(unknown_variable('$', name, span)),
            },
            Tok::Sym("{") => {
                let end = self.expect_sym("}")?.end;
                return self.node(Kind::Empty, span.start..end);
            }
            Tok::Ident { name, .. } => Kind::Literal(Literal::Bool(name == "true")),
            Tok::Sym(_) => return Err(self.unexpected("an expression", span)),
        };
        self.node(kind, span)
    }

    /// A number followed by a unit string or calendar word is a quantity
    /// literal, which the subset does not have.
    fn no_quantity(&self, start: usize) -> Result<(), PathError> {
        let unit = match self.peek() {
            Some(Token {
                tok: Tok::Str(_), ..
            }) => true,
            Some(Token {
                tok:
                    Tok::Ident {
                        name,
                        delimited: false,
                    },
                ..
            }) => CALENDAR_UNITS.contains(&name.as_str()),
            _ => false,
        };
        match (unit, self.peek()) {
            (true, Some(t)) => Err(PathError::Unsupported {
                what: "quantity literal".to_string(),
                help: "compare the quantity's `value` (and `code` for its unit) instead; Cairn \
                       converts units after extraction"
                    .to_string(),
                span: (start..t.span.end).into(),
            }),
            _ => Ok(()),
        }
    }
}

/// A `%name` or `$name` that the subset does not define.
fn unknown_variable(sigil: char, name: &str, span: Range<usize>) -> PathError {
    let known: &[&str] = if sigil == '%' {
        &["resource", "context", "rootResource", "ucum"]
    } else {
        &["this", "index"]
    };
    let help = suggestion(name, known.iter().copied())
        .map(|h| h.replacen('`', &format!("`{sigil}"), 1))
        .unwrap_or_else(|| {
            let list: Vec<String> = known.iter().map(|k| format!("`{sigil}{k}`")).collect();
            format!("the subset defines {}", list.join(", "))
        });
    PathError::UnknownVariable {
        name: format!("{sigil}{name}"),
        help,
        span: span.into(),
    }
}

/// Checks the shape of a date, date-time or time literal's text.
fn date_literal(text: &str, span: Range<usize>) -> Result<Literal, PathError> {
    let bad = || {
        PathError::lexical(
            "a date (`@2024-01-31`), date-time or time (`@T10:30`)",
            span.clone(),
        )
    };
    if let Some(time) = text.strip_prefix('T') {
        return super::compare::DateValue::parse_time(time)
            .map(|_| Literal::Time(time.to_string()))
            .ok_or_else(bad);
    }
    let value = super::compare::DateValue::parse(text).ok_or_else(bad)?;
    Ok(if text.contains('T') || value.has_time() {
        Literal::DateTime(text.to_string())
    } else {
        Literal::Date(text.to_string())
    })
}
