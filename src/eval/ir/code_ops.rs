//! Eval stage: reading the compiled code's structure: an instruction's
//! operands, and where operators read facts and definitions (for traces).
//!
//! The slot tables are complete by construction (one entry per
//! definition, section, recommendation and instruction), so the accessors
//! below index them and a broken invariant fails loudly instead of reading
//! slot 0 or a made-up type.

use crate::check::model::{Pattern, TableInfo, Type};
use crate::eval::compile::{Code, Op, Pc};
use crate::source::Span;
use crate::value::Value;

/// A table's rows in compiled form.
#[derive(Debug, Clone, Default)]
pub(crate) struct CTable {
    /// Number of keys per row.
    pub keys: usize,
    /// Row patterns, `keys` per row.
    pub patterns: Vec<Pattern>,
    /// Cells, `columns` per row.
    pub cells: Vec<Value>,
    /// Number of columns.
    pub columns: usize,
}

impl CTable {
    /// A table's rows, flattened.
    pub fn new(table: &TableInfo) -> CTable {
        let mut t = CTable {
            keys: table.keys.len(),
            columns: table.columns.len(),
            ..CTable::default()
        };
        for row in &table.rows {
            // The checker gives every row one pattern per key and one cell
            // per column; lookups index by that arity.
            assert!(
                row.keys.len() == t.keys && row.cells.len() == t.columns,
                "a row of table `{}` does not have the table's arity",
                table.title
            );
            t.patterns.extend_from_slice(&row.keys);
            t.cells.extend_from_slice(&row.cells);
        }
        t
    }
}

impl Code {
    /// The slot holding definition `d`'s value.
    pub fn def_slot(&self, d: u32) -> Pc {
        self.def_root[d as usize]
    }

    /// The slot holding recommendation `r`'s status condition.
    pub fn rec_slot(&self, r: usize) -> Pc {
        self.rec_root[r]
    }

    /// The slot holding section `s`'s effective condition.
    pub fn section_slot(&self, s: u32) -> Pc {
        self.section_eff[s as usize]
    }

    /// The type of slot `pc`'s value.
    pub fn slot_type(&self, pc: Pc) -> Type {
        self.types[pc as usize]
    }

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
            Some(Op::Call { start, len, .. }) => (0, self.args(*start, *len)),
            Some(Op::Score { start, len, .. }) => (0, self.args(*start, len * 4)),
            Some(Op::ScoreCmp {
                score,
                k,
                start,
                len,
                ..
            }) => {
                fixed[0] = *score;
                fixed[1] = *k;
                (2, self.args(*start, len * 4))
            }
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

#[cfg(test)]
mod tests {
    use crate::eval::test_cases::{program, GUIDELINES};
    use crate::eval::Program;
    use crate::source::SourceMap;

    /// A model whose definition order leaves a definition out cannot be
    /// compiled: reading it would otherwise read slot 0.
    #[test]
    #[should_panic(expected = "a definition is compiled before anything reads it")]
    fn a_definition_missing_from_the_order_fails_loudly() {
        let mut model = program(GUIDELINES[0]).model().clone();
        assert!(model.def_order.len() > 1);
        model.def_order.remove(0);
        Program::from_model(model, SourceMap::new());
    }

    /// A table row with a missing cell cannot be compiled: a lookup would
    /// otherwise read another row's cell.
    #[test]
    #[should_panic(expected = "does not have the table's arity")]
    fn a_table_row_of_the_wrong_arity_fails_loudly() {
        let mut model = program(GUIDELINES[0]).model().clone();
        let row = model
            .tables
            .iter_mut()
            .flat_map(|t| t.rows.iter_mut())
            .next()
            .unwrap();
        row.cells.pop();
        Program::from_model(model, SourceMap::new());
    }

    /// The well-formed models compile, and every definition has its slot.
    #[test]
    fn well_formed_models_compile() {
        for path in GUIDELINES {
            let p = program(path);
            for d in 0..p.model().defs.len() as u32 {
                assert!((p.code.def_slot(d) as usize) < p.code.ops.len());
            }
        }
    }
}
