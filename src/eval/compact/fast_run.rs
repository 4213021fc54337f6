//! Eval stage: runs the compact per-case program built by `fast`.
//!
//! The byte array is a fixed-size array whose length `N` is a power of two
//! above every slot index, and every index is masked with `N - 1`, so the
//! compiler drops the bounds checks without `unsafe`. Truth bytes are
//! combined arithmetically (the correspondence is in `fast`), which keeps
//! unpredictable data out of the branches.

use crate::check::model::Pattern;
use crate::eval::compile::{Code, Pc};
use crate::eval::fast::{
    decode, encode, eq_enum, not, test, Fast, Held, Ins, Kind, RunOp, F, NO_SLOT, S, T, U, UNKNOWN,
};
use crate::eval::lazy;
use crate::eval::outcome::Status;
use crate::eval::run::{self, Slots};
use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::Value;

/// Runs the whole per-case program on a case whose facts are already in
/// `vals[..facts]`: every slot the case decides, and every recommendation's
/// status. Returns false (and does nothing) when `bytes` does not have the
/// program's width.
pub(crate) fn run_case(
    code: &Code,
    fast: &Fast,
    facts: &[Option<Value>],
    vals: &mut [Option<Value>],
    bytes: &mut [u8],
    statuses: &mut [Status],
) -> bool {
    let mut m = Machine {
        code,
        fast,
        facts,
        vals,
        statuses,
    };
    if let Ok(b) = <&mut [u8; 256]>::try_from(&mut *bytes) {
        m.run(b);
    } else if let Ok(b) = <&mut [u8; 4096]>::try_from(&mut *bytes) {
        m.run(b);
    } else if let Ok(b) = <&mut [u8; 65536]>::try_from(&mut *bytes) {
        m.run(b);
    } else if let Ok(b) = <&mut [u8; 1 << 20]>::try_from(&mut *bytes) {
        m.run(b);
    } else if let Ok(b) = <&mut [u8; 1 << 24]>::try_from(bytes) {
        m.run(b);
    } else {
        return false;
    }
    true
}

/// Fresh bytes for a program: constants encoded, everything else unknown.
pub(crate) fn fresh_bytes(fast: &Fast, vals: &[Option<Value>]) -> Vec<u8> {
    let mut bytes = vec![UNKNOWN; fast.width];
    for ((b, v), &kind) in bytes.iter_mut().zip(vals).zip(&fast.kinds) {
        *b = encode(*v, kind);
    }
    bytes
}

pub(crate) use crate::eval::lazy::sync;

/// The value of slot `pc`, reading the byte encoding for the kinds held
/// there and computing a slot the run skipped.
#[inline(always)]
pub(crate) fn value(fast: &Fast, bytes: &[u8], vals: &[Option<Value>], pc: Pc) -> Option<Value> {
    match fast.held.get(pc as usize) {
        Some(&Held::Byte(held, kind)) => match bytes.get(held as usize) {
            Some(&b) => decode(b, kind),
            None => vals.slot(pc),
        },
        Some(&Held::Lazy(i)) => lazy::deferred(fast, bytes, vals, i),
        _ => vals.slot(pc),
    }
}

/// A case's slots read in place: bytes for the kinds held there, the
/// general slots for the rest. The general operations read their operands
/// through it, and the trace walk reads a case whose results have not been
/// copied back (it gives every slot the value `sync` would copy there).
pub(crate) struct View<'a> {
    fast: &'a Fast,
    bytes: &'a [u8],
    vals: &'a [Option<Value>],
}

impl<'a> View<'a> {
    /// The slots of a case evaluated by `fast` into `bytes` and `vals`.
    pub(crate) fn new(fast: &'a Fast, bytes: &'a [u8], vals: &'a [Option<Value>]) -> View<'a> {
        View { fast, bytes, vals }
    }
}

impl Slots for View<'_> {
    #[inline(always)]
    fn slot(&self, pc: Pc) -> Option<Value> {
        value(self.fast, self.bytes, self.vals, pc)
    }
}

/// The status each truth byte gives a recommendation, indexed by the byte
/// (a table rather than a `match`, which would branch on the data).
const STATUS: [Status; 4] = [
    Status::NotApplicable,
    Status::Undetermined,
    Status::Applies,
    Status::Undetermined,
];

/// The status a truth byte gives a recommendation.
#[inline(always)]
pub(crate) fn status(t: u8) -> Status {
    STATUS[usize::from(t & 3)]
}

struct Machine<'a> {
    code: &'a Code,
    fast: &'a Fast,
    facts: &'a [Option<Value>],
    vals: &'a mut [Option<Value>],
    statuses: &'a mut [Status],
}

impl Machine<'_> {
    /// A slot held only as a value.
    #[inline(always)]
    fn value(&self, pc: S) -> Option<Value> {
        self.vals.get(pc as usize).copied().flatten()
    }

    /// The truth byte of a comparison of two value slots.
    #[inline(always)]
    fn compare(&self, op: BinOp, a: S, b: S) -> u8 {
        match (self.value(a), self.value(b)) {
            (Some(x), Some(z)) => run::compare(op, x, z).map_or(U, |t| T * u8::from(t)),
            _ => U,
        }
    }

    /// A cell of table row byte `r` (unknown when the row is).
    fn cell(&self, r: u8, table: u16, column: u16) -> Option<Value> {
        let t = self.code.tables.get(table as usize)?;
        if r == UNKNOWN {
            return None;
        }
        t.cells
            .get(usize::from(r) * t.columns + usize::from(column))
            .copied()
    }

    fn args(&self, start: u32, len: usize) -> &[S] {
        let start = start as usize;
        self.fast.args.get(start..start + len).unwrap_or(&[])
    }

    /// The general operation of slot `pc`, written to `vals` and returned.
    /// Kept out of line so the loop over the byte instructions stays small.
    #[inline(never)]
    fn general(&mut self, pc: S, bytes: &[u8]) -> Option<Value> {
        let op = self.code.ops.get(pc as usize)?;
        let view = View {
            fast: self.fast,
            bytes,
            vals: self.vals,
        };
        let v = run::step(self.code, self.facts, &view, op);
        if let Some(slot) = self.vals.get_mut(pc as usize) {
            *slot = v;
        }
        v
    }

    #[inline(never)]
    fn run<const N: usize>(&mut self, b: &mut [u8; N]) {
        let at = |i: S| i as usize & (N - 1);
        let fact = |f: S| self.facts.get(f as usize).copied().flatten();
        for &f in &self.fast.bool_facts {
            b[at(f)] = encode(fact(f), Kind::Bool);
        }
        for &f in &self.fast.enum_facts {
            b[at(f)] = encode(fact(f), Kind::Enum);
        }
        let fast = self.fast;
        // One dispatch per run; inside a run the `if let` always holds, so
        // its branch is predicted.
        for run in &fast.runs {
            let part = fast
                .ins
                .get(run.start as usize..run.end as usize)
                .unwrap_or(&[]);
            match run.op {
                RunOp::And => {
                    for ins in part {
                        if let Ins::And { dst, a, b: y } = *ins {
                            b[at(dst)] = b[at(a)].min(b[at(y)]);
                        }
                    }
                }
                RunOp::Or => {
                    for ins in part {
                        if let Ins::Or { dst, a, b: y } = *ins {
                            b[at(dst)] = b[at(a)].max(b[at(y)]);
                        }
                    }
                }
                RunOp::Not => {
                    for ins in part {
                        if let Ins::Not { dst, a } = *ins {
                            b[at(dst)] = not(b[at(a)]);
                        }
                    }
                }
                RunOp::EqEnum => {
                    for ins in part {
                        if let Ins::EqEnum { dst, a, k, negated } = *ins {
                            let x = b[at(a)];
                            b[at(dst)] = eq_enum(x, k, negated);
                        }
                    }
                }
                RunOp::Compare => {
                    for ins in part {
                        if let Ins::Compare { dst, op, a, b: y } = *ins {
                            b[at(dst)] = self.compare(op, a, y);
                        }
                    }
                }
                RunOp::Mixed => {
                    for ins in part {
                        self.exec(ins, b);
                    }
                }
            }
        }
        for (s, &root) in self.statuses.iter_mut().zip(&fast.roots) {
            *s = status(b[at(root)]);
        }
    }

    /// One instruction of a mixed run.
    #[inline(always)]
    fn exec<const N: usize>(&mut self, ins: &Ins, b: &mut [u8; N]) {
        let at = |i: S| i as usize & (N - 1);
        match *ins {
            Ins::And { dst, a, b: y } => b[at(dst)] = b[at(a)].min(b[at(y)]),
            Ins::Or { dst, a, b: y } => b[at(dst)] = b[at(a)].max(b[at(y)]),
            Ins::Not { dst, a } => b[at(dst)] = not(b[at(a)]),
            Ins::EqEnum { dst, a, k, negated } => {
                let x = b[at(a)];
                b[at(dst)] = eq_enum(x, k, negated);
            }
            Ins::EqSlots {
                dst,
                a,
                b: y,
                negated,
            } => {
                let (x, z) = (b[at(a)], b[at(y)]);
                let hit = (x == z) != negated;
                b[at(dst)] = if z == UNKNOWN {
                    U
                } else {
                    test(x, UNKNOWN, hit)
                };
            }
            Ins::InEnum {
                dst,
                a,
                mask,
                negated,
            } => {
                let m = self.fast.masks.get(mask as usize).copied().unwrap_or(0);
                let x = b[at(a)];
                let hit = (m >> (x & 63)) & 1 == 1 && x < 64;
                b[at(dst)] = test(x, UNKNOWN, hit != negated);
            }
            Ins::IsKnown {
                dst,
                a,
                unknown,
                known,
            } => {
                b[at(dst)] = T * u8::from((b[at(a)] != unknown) == known);
            }
            Ins::Compare { dst, op, a, b: y } => b[at(dst)] = self.compare(op, a, y),
            Ins::IsKnownValue { dst, a, known } => {
                b[at(dst)] = T * u8::from(self.value(a).is_some() == known);
            }
            Ins::Cell {
                dst,
                row,
                table,
                column,
                kind,
            } => {
                let r = b[at(row)];
                let v = self.cell(r, table, column);
                if let Some(slot) = self.vals.get_mut(dst as usize) {
                    *slot = v;
                }
                if kind != Kind::Other {
                    b[at(dst)] = encode(v, kind);
                }
            }
            Ins::Quant { dst, q, len, start } => {
                let items = self.args(start, len as usize).iter().map(|&p| b[at(p)]);
                b[at(dst)] = match q {
                    Quantifier::Any => items.fold(F, u8::max),
                    Quantifier::All => items.fold(T, u8::min),
                    Quantifier::None => not(items.fold(F, u8::max)),
                };
            }
            Ins::First {
                dst,
                branches,
                otherwise,
                unknown,
                start,
            } => {
                let mut v = if otherwise == NO_SLOT {
                    unknown
                } else {
                    b[at(otherwise)]
                };
                for pair in self.args(start, branches as usize * 2).chunks_exact(2) {
                    match pair {
                        [c, x] if b[at(*c)] != F => {
                            v = if b[at(*c)] == T { b[at(*x)] } else { unknown };
                            break;
                        }
                        _ => {}
                    }
                }
                b[at(dst)] = v;
            }
            Ins::Lookup {
                dst,
                table,
                keys,
                start,
            } => {
                let keys = self.args(start, keys as usize);
                b[at(dst)] = lookup(self.code, table, keys, |k| b[at(k)]);
            }
            Ins::Pick { dst, pick, unknown } => {
                let fast = self.fast;
                let s = fast.picks.get(pick as usize).map_or(NO_SLOT, |p| {
                    p.choose(&fast.masks, |s| b[at(s)], |s| self.value(s))
                });
                b[at(dst)] = if s == NO_SLOT { unknown } else { b[at(s)] };
            }
            Ins::Copy { dst, src } => {
                let v = self.value(src);
                if let Some(slot) = self.vals.get_mut(dst as usize) {
                    *slot = v;
                }
            }
            Ins::General { pc, kind } => {
                let v = self.general(pc, b.as_slice());
                if kind != Kind::Other {
                    b[at(pc)] = encode(v, kind);
                }
            }
        }
    }
}

/// First-row matching on enum bytes, as `run::lookup`: a row matches when
/// every key matches (Kleene `and`); a definite mismatch skips the row, an
/// unknown match stops the lookup with an unknown row. Only tables whose
/// keys are all enums get here (`fast_build`), so a row has no ranges.
pub(crate) fn lookup(code: &Code, table: u16, keys: &[S], byte: impl Fn(S) -> u8) -> u8 {
    let Some(t) = code.tables.get(table as usize) else {
        return UNKNOWN;
    };
    for (r, row) in t.patterns.chunks_exact(t.keys.max(1)).enumerate() {
        let mut m = T;
        for (pattern, &key) in row.iter().zip(keys) {
            match *pattern {
                Pattern::Any => {}
                Pattern::Enum(p) => {
                    let x = byte(key);
                    m = m.min(test(x, UNKNOWN, u32::from(x) == p));
                }
                // Not an enum key: the builder never sends such a table here.
                Pattern::Range { .. } => return UNKNOWN,
            }
        }
        match m {
            T => return u8::try_from(r).unwrap_or(UNKNOWN),
            F => {}
            _ => return UNKNOWN,
        }
    }
    UNKNOWN
}
