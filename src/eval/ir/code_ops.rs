//! Eval stage: reading the compiled code's structure: an instruction's
//! operands, and where operators read facts and definitions (for traces).

use crate::eval::compile::{Code, Op, Pc};
use crate::source::Span;

impl Code {
    /// True when slot `pc` is a fact or a definition's value, read directly
    /// by operators (a boundary for traces).
    pub fn is_read(&self, pc: Pc) -> bool {
        (pc as usize) < self.facts
            || self
                .def_of_root
                .get(pc as usize)
                .copied()
                .flatten()
                .is_some()
    }

    /// The span where operator `parent` reads slot `child`.
    pub fn site(&self, parent: Pc, child: Pc) -> Span {
        match self
            .sites
            .binary_search_by_key(&(parent, child), |&(p, c, _)| (p, c))
        {
            Ok(i) => self.sites.get(i).map(|s| s.2).unwrap_or_default(),
            Err(_) => self.spans.get(child as usize).copied().unwrap_or_default(),
        }
    }

    /// The operand list `args[start..start+len]` (empty when out of range).
    pub fn args(&self, start: u32, len: u32) -> &[Pc] {
        self.args
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    /// The slot indices read by an instruction, in order (without the
    /// definition a `Def`/`Column` read points to).
    pub fn children(&self, pc: Pc) -> Children<'_> {
        let mut fixed = [0; 3];
        let (n, slice): (usize, &[Pc]) = match self.ops.get(pc as usize) {
            Some(Op::Not(a) | Op::Neg(a) | Op::IsKnown(a, _)) => {
                fixed[0] = *a;
                (1, &[])
            }
            Some(
                Op::And(a, b)
                | Op::Or(a, b)
                | Op::Binary(_, a, b)
                | Op::Eq(a, b, _)
                | Op::Shift { a, b, .. },
            ) => {
                fixed[0] = *a;
                fixed[1] = *b;
                (2, &[])
            }
            Some(Op::In {
                value, start, len, ..
            }) => {
                fixed[0] = *value;
                (1, self.args(*start, *len))
            }
            Some(Op::Quant(_, start, len)) => (0, self.args(*start, *len)),
            Some(Op::Lookup { start, len, .. }) => (0, self.args(*start, *len)),
            Some(Op::First {
                start,
                branches,
                otherwise,
            }) => {
                if let Some(o) = otherwise {
                    fixed[0] = *o;
                    (1, self.args(*start, branches * 2))
                } else {
                    (0, self.args(*start, branches * 2))
                }
            }
            _ => (0, &[]),
        };
        Children {
            fixed,
            n,
            slice,
            i: 0,
        }
    }
}

/// Iterator over an instruction's operand slots.
pub(crate) struct Children<'a> {
    fixed: [Pc; 3],
    n: usize,
    slice: &'a [Pc],
    i: usize,
}

impl Iterator for Children<'_> {
    type Item = Pc;
    fn next(&mut self) -> Option<Pc> {
        let i = self.i;
        self.i += 1;
        if i < self.n {
            self.fixed.get(i).copied()
        } else {
            self.slice.get(i - self.n).copied()
        }
    }
}
