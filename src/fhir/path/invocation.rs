//! FHIRPath stage: the parser's invocations — a member name, a function call
//! checked against the subset's table (unknown and unsupported functions
//! are errors here, with a "did you mean"), and type specifiers.

use super::ast::{Expr, Kind, TypeOp};
use super::error::PathError;
use super::functions::{self, Func};
use super::lexer::{Tok, Token};
use super::parser::Parser;
use super::types::{self, TypeName};
use crate::diagnostics::suggestion;
use std::ops::Range;

/// The words that are operators, never a name, unless written in backticks.
const KEYWORDS: &[&str] = &[
    "and", "or", "xor", "implies", "div", "mod", "in", "contains", "is", "as",
];

impl Parser<'_> {
    /// A name at the cursor: a function call when `(` follows, else a member
    /// of `base` (of the input focus when `base` is absent). The work that
    /// does not recurse is out of line, so the recursion's frames stay small.
    pub(super) fn invocation(&mut self, base: Option<Expr>) -> Result<Expr, PathError> {
        let (name, delimited, span) = self.name()?;
        let start = base.as_ref().map_or(span.start, |b| b.span.start);
        if !self.peek_sym("(") {
            return self.member(base, name, delimited, span);
        }
        self.pos += 1;
        let func = match name.as_str() {
            "ofType" | "is" | "as" => return self.type_call(base, &name, start),
            _ => function(&name, &span)?,
        };
        let mut args = Vec::new();
        if !self.peek_sym(")") {
            self.enter()?;
            loop {
                args.push(self.expression(0)?);
                if !self.peek_sym(",") {
                    break;
                }
                self.pos += 1;
            }
            self.depth -= 1;
        }
        let end = self.expect_sym(")")?.end;
        self.call(base, func, args, name, start..end)
    }

    /// The name at the cursor: its text, whether in backticks, its bytes.
    #[inline(never)]
    fn name(&mut self) -> Result<(String, bool, Range<usize>), PathError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Ident { name, delimited },
                span,
            }) => {
                self.pos += 1;
                Ok((name.clone(), *delimited, span.clone()))
            }
            Some(t) => Err(self.unexpected("a name", t.span.clone())),
            None => Err(self.unexpected("a name", self.end()..self.end())),
        }
    }

    /// A member `name` of `base`; capitalised without a base, a resource type.
    #[inline(never)]
    fn member(
        &mut self,
        base: Option<Expr>,
        name: String,
        delimited: bool,
        span: Range<usize>,
    ) -> Result<Expr, PathError> {
        let start = base.as_ref().map_or(span.start, |b| b.span.start);
        if base.is_none() && !delimited && KEYWORDS.contains(&name.as_str()) {
            return Err(self.unexpected("an expression", span));
        }
        if base.is_none() && name.starts_with(|c: char| c.is_ascii_uppercase()) {
            // FHIR R4 element names begin in lower case: a capitalised
            // first name is a resource type, or a misspelt one.
            if types::resource_type(&name).is_none() {
                let help = suggestion(&name, types::RESOURCE_TYPES.iter().copied())
                    .unwrap_or_else(|| "resource types are spelt as in FHIR R4".to_string());
                return Err(PathError::UnknownResource {
                    name,
                    help,
                    span: span.into(),
                });
            }
        }
        let kind = Kind::Member {
            base: base.map(Box::new),
            name,
        };
        self.node(kind, start..span.end)
    }

    /// `ofType(T)`, `is(T)`, `as(T)` after the `(`.
    #[inline(never)]
    fn type_call(
        &mut self,
        base: Option<Expr>,
        name: &str,
        start: usize,
    ) -> Result<Expr, PathError> {
        let op = match name {
            "ofType" => TypeOp::OfType,
            "is" => TypeOp::Is,
            _ => TypeOp::As,
        };
        let (ty, _) = self.type_specifier()?;
        let end = self.expect_sym(")")?.end;
        let kind = Kind::Type {
            base: base.map(Box::new),
            op,
            ty,
        };
        self.node(kind, start..end)
    }

    /// A call node, once its arity is checked.
    #[inline(never)]
    fn call(
        &mut self,
        base: Option<Expr>,
        func: Func,
        args: Vec<Expr>,
        name: String,
        span: Range<usize>,
    ) -> Result<Expr, PathError> {
        let (fewest, most) = functions::arity(func);
        if args.len() < fewest || args.len() > most {
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let expected = if fewest == most {
                format!("{fewest} argument{}", plural(fewest))
            } else {
                format!("{fewest} to {most} arguments")
            };
            return Err(PathError::Arity {
                name,
                expected,
                found: args.len(),
                span: span.into(),
            });
        }
        let kind = Kind::Call {
            base: base.map(Box::new),
            func,
            args,
        };
        self.node(kind, span)
    }

    /// A type specifier, `Name` or `Namespace.Name`; returns where it ends.
    pub(super) fn type_specifier(&mut self) -> Result<(TypeName, usize), PathError> {
        let first = self.ident("a type name")?;
        let (namespace, name, span) = if self.peek_sym(".") {
            self.pos += 1;
            let second = self.ident("a type name")?;
            (Some(first.0), second.0, first.1.start..second.1.end)
        } else {
            (None, first.0, first.1)
        };
        match TypeName::resolve(namespace.as_deref(), &name) {
            Some(ty) => Ok((ty, span.end)),
            None => {
                let written = match &namespace {
                    Some(ns) => format!("{ns}.{name}"),
                    None => name.clone(),
                };
                let help = match namespace.as_deref() {
                    Some("FHIR" | "System") | None => suggestion(&name, TypeName::all_names()),
                    Some(_) => Some("the namespaces are `FHIR` and `System`".to_string()),
                };
                Err(PathError::UnknownType {
                    name: written,
                    help: help.unwrap_or_else(|| {
                        "types are FHIR R4's (`Quantity`, `dateTime`, `Patient`) or System's \
                         (`String`, `Boolean`)"
                            .to_string()
                    }),
                    span: span.into(),
                })
            }
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, Range<usize>), PathError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Ident { name, .. },
                span,
            }) => {
                self.pos += 1;
                Ok((name.clone(), span.clone()))
            }
            Some(t) => Err(self.unexpected(what, t.span.clone())),
            None => Err(self.unexpected(what, self.end()..self.end())),
        }
    }
}

/// The subset's function `name`, or the error saying why it is not one.
#[inline(never)]
fn function(name: &str, span: &Range<usize>) -> Result<Func, PathError> {
    if let Some((func, ..)) = functions::lookup(name) {
        return Ok(func);
    }
    Err(match functions::unsupported(name) {
        Some(why) => PathError::Unsupported {
            what: format!("function `{name}`"),
            help: why.to_string(),
            span: span.clone().into(),
        },
        None => PathError::UnknownFunction {
            help: suggestion(name, functions::all_names()).unwrap_or_else(|| {
                "the functions of the subset are listed in docs/fhirpath.md".to_string()
            }),
            name: name.to_string(),
            span: span.clone().into(),
        },
    })
}
