//! FHIRPath stage: the functions of the subset. Criteria (`where`,
//! `select`, `exists`, `all`) are evaluated per item with that item as
//! `$this`; `iif`'s arguments with the input as `$this`; other arguments
//! with the caller's `$this`, as HL7's engine does.

use super::ast::Expr;
use super::compare::Prim;
use super::error::PathError;
use super::eval::{mismatch, navigate, single, to_bool, Evaluator};
use super::functions::{name, Func};
use super::item::Item;
use std::ops::Range;

impl<'a> Evaluator<'a, '_> {
    /// `input.func(args)`.
    pub(super) fn call(
        &mut self,
        func: Func,
        input: Vec<Item<'a>>,
        args: &[Expr],
        this: &[Item<'a>],
        index: Option<usize>,
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        match func {
            Func::Where | Func::Select | Func::Exists | Func::All | Func::Iif => {
                self.lambda(func, input, args)
            }
            _ => self.eager(func, input, args, this, index, span),
        }
    }

    /// The functions whose arguments are criteria, evaluated per item
    /// (`iif`: with the input as `$this`).
    #[inline(never)]
    fn lambda(
        &mut self,
        func: Func,
        input: Vec<Item<'a>>,
        args: &[Expr],
    ) -> Result<Vec<Item<'a>>, PathError> {
        let fname = name(func);
        let boolean = |b: bool| vec![Item::Bool(b)];
        Ok(match func {
            Func::Where => self.filter(input, &args[0], fname)?,
            Func::Select => {
                let mut out = Vec::new();
                for (i, item) in input.iter().enumerate() {
                    out.extend(self.eval(&args[0], std::slice::from_ref(item), Some(i))?);
                }
                out
            }
            Func::Exists => match args.first() {
                None => boolean(!input.is_empty()),
                Some(criteria) => boolean(!self.filter(input, criteria, fname)?.is_empty()),
            },
            Func::All => {
                let n = input.len();
                boolean(self.filter(input, &args[0], fname)?.len() == n)
            }
            _ => {
                let cond = self.eval(&args[0], &input, None)?;
                match to_bool(&cond, fname, &args[0].span)? {
                    Some(true) => self.eval(&args[1], &input, None)?,
                    _ => match args.get(2) {
                        Some(otherwise) => self.eval(otherwise, &input, None)?,
                        None => Vec::new(),
                    },
                }
            }
        })
    }

    /// The functions whose arguments (if any) are values, evaluated with
    /// the caller's `$this`.
    #[inline(never)]
    fn eager(
        &mut self,
        func: Func,
        input: Vec<Item<'a>>,
        args: &[Expr],
        this: &[Item<'a>],
        index: Option<usize>,
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let fname = name(func);
        let boolean = |b: bool| vec![Item::Bool(b)];
        Ok(match func {
            Func::Empty => boolean(input.is_empty()),
            Func::Count => vec![Item::Integer(
                i64::try_from(input.len()).unwrap_or(i64::MAX),
            )],
            Func::First => input.into_iter().take(1).collect(),
            Func::Last => input.into_iter().last().into_iter().collect(),
            Func::Tail => input.into_iter().skip(1).collect(),
            Func::Skip | Func::Take => {
                let Some(n) = self.integer_arg(&args[0], this, index, fname)? else {
                    return Ok(Vec::new());
                };
                let n = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
                match func {
                    Func::Skip => input.into_iter().skip(n).collect(),
                    _ => input.into_iter().take(n).collect(),
                }
            }
            Func::Single => single(&input, fname, span)?.cloned().into_iter().collect(),
            Func::Distinct => self.union(input, Vec::new(), span)?,
            Func::IsDistinct => boolean(self.is_distinct(input, span)?),
            Func::Not => to_bool(&input, fname, span)?
                .map(|b| Item::Bool(!b))
                .into_iter()
                .collect(),
            Func::HasValue => boolean(matches!(
                input.as_slice(),
                [Item::Node { value, .. }] if !value.is_object() && !value.is_array()
            )),
            Func::AllTrue | Func::AnyTrue | Func::AllFalse | Func::AnyFalse => {
                let mut values = Vec::with_capacity(input.len());
                for item in &input {
                    let b = item
                        .as_bool()
                        .ok_or_else(|| mismatch(fname, Prim::of(item).describe(), span))?;
                    values.push(b);
                }
                boolean(match func {
                    Func::AllTrue => values.iter().all(|b| *b),
                    Func::AnyTrue => values.iter().any(|b| *b),
                    Func::AllFalse => values.iter().all(|b| !*b),
                    _ => values.iter().any(|b| !*b),
                })
            }
            Func::Union | Func::Combine | Func::Intersect | Func::Exclude => {
                let other = self.eval(&args[0], this, index)?;
                match func {
                    Func::Union => self.union(input, other, span)?,
                    Func::Combine => input.into_iter().chain(other).collect(),
                    _ => {
                        let keep = self.members(&input, other, span)?;
                        let wanted = func == Func::Intersect;
                        let kept = input
                            .into_iter()
                            .zip(keep)
                            .filter(|(_, member)| *member == wanted)
                            .map(|(item, _)| item)
                            .collect();
                        if wanted {
                            self.union(kept, Vec::new(), span)?
                        } else {
                            kept
                        }
                    }
                }
            }
            Func::SubsetOf | Func::SupersetOf => {
                let other = self.eval(&args[0], this, index)?;
                let (small, big) = match func {
                    Func::SubsetOf => (input, other),
                    _ => (other, input),
                };
                boolean(self.members(&small, big, span)?.into_iter().all(|m| m))
            }
            Func::Extension => {
                let Some(url) = self.string_arg(&args[0], this, index, fname)? else {
                    return Ok(Vec::new());
                };
                let mut extensions = Vec::new();
                let mut scanned = 0;
                for item in &input {
                    scanned += navigate(item, "extension", &mut extensions);
                }
                self.step(scanned, span)?;
                extensions.retain(|e| {
                    e.as_node()
                        .and_then(|n| n.get("url"))
                        .and_then(|u| u.as_str())
                        == Some(url.as_str())
                });
                extensions
            }
            Func::Trace => input,
            _ => self.string_function(func, input, args, this, index, span)?,
        })
    }

    /// The items for which `criteria` is true (`$this` each item).
    fn filter(
        &mut self,
        input: Vec<Item<'a>>,
        criteria: &Expr,
        fname: &str,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let mut out = Vec::new();
        for (i, item) in input.into_iter().enumerate() {
            let result = self.eval(criteria, std::slice::from_ref(&item), Some(i))?;
            if to_bool(&result, fname, &criteria.span)? == Some(true) {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// A string argument (empty gives `None`).
    pub(super) fn string_arg(
        &mut self,
        arg: &Expr,
        this: &[Item<'a>],
        index: Option<usize>,
        fname: &str,
    ) -> Result<Option<String>, PathError> {
        let items = self.eval(arg, this, index)?;
        match single(&items, fname, &arg.span)? {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| mismatch(fname, Prim::of(item).describe(), &arg.span)),
        }
    }

    /// An integer argument (empty gives `None`).
    pub(super) fn integer_arg(
        &mut self,
        arg: &Expr,
        this: &[Item<'a>],
        index: Option<usize>,
        fname: &str,
    ) -> Result<Option<i64>, PathError> {
        let items = self.eval(arg, this, index)?;
        match single(&items, fname, &arg.span)?.map(Prim::of) {
            None => Ok(None),
            Some(Prim::Int(i)) => Ok(Some(i)),
            Some(p) => Err(mismatch(fname, p.describe(), &arg.span)),
        }
    }
}
