//! Eval stage: a `first` chain decided by search rather than by testing
//! every branch ([`Ins::Pick`]).
//!
//! A classification such as `first { when n = 0 then a when n = 1 then b
//! … }`, `when age < 18 then … when age < 65 then …` or `when stage = iii
//! then …` tests one slot against constants. Testing the branches in turn
//! costs one comparison per branch for every case, which made a chain of n
//! branches O(n) per case and the analysis of it, which runs about n cases,
//! O(n^2). For such a chain the builder sorts the constants once: they cut
//! the values into `2m + 1` regions (each constant, and the open intervals
//! between them), on each of which every condition is constant, and each
//! region is given the first branch true on it (painting the branches'
//! regions in order, each region painted once). A case then finds its
//! region by binary search; an enum (or table row) byte indexes a table of
//! 256 entries directly.
//!
//! The result is the one the branch-by-branch instruction gives:
//! comparisons of integers and of dates are exact integer comparisons
//! (`value::ops::compare`), and when the tested slot is unknown every
//! condition is, so the first one decides "unknown" (Kleene logic, as the
//! general `first`). A value of another kind than the constants' (never
//! for a checked case) is tested branch by branch instead. The condition
//! slots themselves are computed only when a walker reads them (`lazy`).

use crate::eval::compile::{Code, Op};
use crate::eval::fast::{Fast, Ins, F, NO_SLOT, S, T, UNKNOWN};
use crate::eval::lazy;
use crate::syntax::ast::BinOp;
use crate::value::Value;

/// What the tested slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    /// An integer value, compared with integer constants.
    Int,
    /// A date value, compared with date constants.
    Date,
    /// An enum or row byte, tested with `=`, `!=` or `in`.
    Byte,
}

/// The search table of one chain.
#[derive(Debug, Clone)]
pub(crate) struct Pick {
    /// The slot every condition tests.
    on: S,
    by: By,
    /// The sorted, distinct constants (value chains).
    keys: Vec<i64>,
    /// For each region (value chains: `2 * keys.len() + 1`; byte chains:
    /// one per byte), the slot holding the chain's value there, or
    /// [`NO_SLOT`] for unknown.
    out: Vec<S>,
    /// The conditions and the slots of the branches' values, and the
    /// fallback's slot, for a value of another kind (tested in turn).
    conds: Vec<Ins>,
    values: Vec<S>,
    otherwise: S,
}

/// A branch condition as `on op key`.
fn test(code: &Code, ins: Ins) -> Option<(S, By, BinOp, i64)> {
    let constant = |s: S| match code.ops.get(s as usize) {
        Some(Op::Const(Value::Int(x))) => Some((By::Int, *x)),
        Some(Op::Const(Value::Date(d))) => Some((By::Date, i64::from(*d))),
        _ => None,
    };
    match ins {
        Ins::Compare { op, a, b, .. } => match (constant(a), constant(b)) {
            (None, Some((by, k))) => Some((a, by, op, k)),
            (Some((by, k)), None) => Some((b, by, op.flipped()?, k)),
            _ => None,
        },
        Ins::EqEnum { a, .. } | Ins::InEnum { a, .. } => Some((a, By::Byte, BinOp::Eq, 0)),
        _ => None,
    }
}

/// The first unpainted region at or after `i` (`next[i] == i` when
/// unpainted; the last entry is a sentinel), halving the path.
fn find(next: &mut [usize], mut i: usize) -> usize {
    while let Some(&n) = next.get(i) {
        if n == i {
            return i;
        }
        let nn = next.get(n).copied().unwrap_or(n);
        if let Some(s) = next.get_mut(i) {
            *s = nn;
        }
        i = nn;
    }
    i
}

impl Pick {
    /// The table of a chain whose conditions are the instructions `conds`,
    /// or `None` when they do not all test one slot against constants.
    fn new(
        code: &Code,
        masks: &[u64],
        conds: Vec<Ins>,
        values: Vec<S>,
        otherwise: S,
    ) -> Option<Pick> {
        let tests: Vec<(S, By, BinOp, i64)> = conds
            .iter()
            .map(|&c| test(code, c))
            .collect::<Option<_>>()?;
        let &(on, by, _, _) = tests.first()?;
        if tests.iter().any(|&(o, b, _, _)| o != on || b != by) {
            return None;
        }
        let mut pick = Pick {
            on,
            by,
            keys: Vec::new(),
            out: Vec::new(),
            conds,
            values,
            otherwise,
        };
        if by == By::Byte {
            pick.paint_bytes(masks);
        } else {
            pick.keys = tests.iter().map(|t| t.3).collect();
            pick.keys.sort_unstable();
            pick.keys.dedup();
            pick.paint_regions(&tests);
        }
        Some(pick)
    }

    /// Gives every region of a value chain its first true branch.
    fn paint_regions(&mut self, tests: &[(S, By, BinOp, i64)]) {
        let r = 2 * self.keys.len() + 1;
        self.out = vec![self.otherwise; r];
        let mut next: Vec<usize> = (0..=r).collect();
        let mut left = r;
        for (&(_, _, op, k), &value) in tests.iter().zip(&self.values) {
            if left == 0 {
                break;
            }
            // The region of the constant itself.
            let p = 2 * self.keys.partition_point(|&x| x < k) + 1;
            let spans: [(usize, usize); 2] = match op {
                BinOp::Eq => [(p, p + 1), (0, 0)],
                BinOp::Ne => [(0, p), (p + 1, r)],
                BinOp::Lt => [(0, p), (0, 0)],
                BinOp::Le => [(0, p + 1), (0, 0)],
                BinOp::Gt => [(p + 1, r), (0, 0)],
                _ => [(p, r), (0, 0)],
            };
            for (from, to) in spans {
                let mut i = find(&mut next, from);
                while i < to {
                    if let Some(o) = self.out.get_mut(i) {
                        *o = value;
                    }
                    left -= 1;
                    if let Some(n) = next.get_mut(i) {
                        *n = i + 1;
                    }
                    i = find(&mut next, i + 1);
                }
            }
        }
    }

    /// Gives every byte of a byte chain its first true branch (the
    /// unknown byte stays unknown).
    fn paint_bytes(&mut self, masks: &[u64]) {
        self.out = vec![self.otherwise; 256];
        if let Some(o) = self.out.last_mut() {
            *o = NO_SLOT;
        }
        let mut left: Vec<u8> = (0..255).collect();
        for (&c, &value) in self.conds.iter().zip(&self.values) {
            left.retain(|&b| {
                let hit = lazy::truth(&c, masks, |_| b, |_| None) == T;
                if hit {
                    if let Some(o) = self.out.get_mut(usize::from(b)) {
                        *o = value;
                    }
                }
                !hit
            });
            if left.is_empty() {
                break;
            }
        }
    }

    /// The slot holding the chain's value for a case ([`NO_SLOT`]:
    /// unknown), reading bytes and values through `byte` and `val`.
    #[inline]
    pub(crate) fn choose(
        &self,
        masks: &[u64],
        byte: impl Fn(S) -> u8,
        val: impl Fn(S) -> Option<Value>,
    ) -> S {
        if self.by == By::Byte {
            let b = usize::from(byte(self.on));
            return self.out.get(b).copied().unwrap_or(NO_SLOT);
        }
        let key = match (self.by, val(self.on)) {
            (_, None) => return NO_SLOT,
            (By::Int, Some(Value::Int(x))) => x,
            (By::Date, Some(Value::Date(d))) => i64::from(d),
            _ => return self.in_turn(masks, byte, val),
        };
        let i = self.keys.partition_point(|&x| x < key);
        let r = 2 * i + usize::from(self.keys.get(i) == Some(&key));
        self.out.get(r).copied().unwrap_or(NO_SLOT)
    }

    /// [`Pick::choose`] for each lane of a batch, as the row of its
    /// result bytes (`bytes`: a row of `L` bytes per slot; `vals`: `L`
    /// values per slot).
    pub(crate) fn choose_lanes<const L: usize>(
        &self,
        masks: &[u64],
        bytes: &[[u8; L]],
        vals: &[Option<Value>],
        unknown: u8,
    ) -> [u8; L] {
        let byte = |s: S, lane: usize| {
            bytes
                .get(s as usize)
                .and_then(|r| r.get(lane))
                .copied()
                .unwrap_or(UNKNOWN)
        };
        let mut d = [unknown; L];
        for (lane, d) in d.iter_mut().enumerate() {
            let val = |s: S| vals.get(s as usize * L + lane).copied().flatten();
            let s = self.choose(masks, |s| byte(s, lane), val);
            if s != NO_SLOT {
                *d = byte(s, lane);
            }
        }
        d
    }

    /// [`Pick::choose`] by testing the branches in turn.
    fn in_turn(
        &self,
        masks: &[u64],
        byte: impl Fn(S) -> u8,
        val: impl Fn(S) -> Option<Value>,
    ) -> S {
        for (c, &value) in self.conds.iter().zip(&self.values) {
            match lazy::truth(c, masks, &byte, &val) {
                F => {}
                T => return value,
                _ => return NO_SLOT,
            }
        }
        self.otherwise
    }

    /// The slots a pick reads: the tested slot and the values.
    pub(crate) fn reads(&self, out: &mut Vec<S>) {
        out.push(self.on);
        out.extend(self.values.iter().copied());
        if self.otherwise != NO_SLOT {
            out.push(self.otherwise);
        }
    }
}

impl Fast {
    /// Turns every `first` whose conditions all test one slot against
    /// constants into an [`Ins::Pick`] (before `defer` and `schedule`).
    pub(crate) fn pick(&mut self, code: &Code) {
        let mut writer = vec![u32::MAX; self.kinds.len()];
        for (i, ins) in self.ins.iter().enumerate() {
            if let Some(w) = writer.get_mut(ins.dst() as usize) {
                *w = i as u32;
            }
        }
        for i in 0..self.ins.len() {
            let Some(&Ins::First {
                dst,
                branches,
                otherwise,
                unknown,
                start,
            }) = self.ins.get(i)
            else {
                continue;
            };
            let start = start as usize;
            let pairs = self
                .args
                .get(start..start + branches as usize * 2)
                .unwrap_or(&[]);
            let conds: Option<Vec<Ins>> = pairs
                .iter()
                .step_by(2)
                .map(|&c| {
                    let w = *writer.get(c as usize)?;
                    self.ins.get(w as usize).copied()
                })
                .collect();
            let values: Vec<S> = pairs.iter().skip(1).step_by(2).copied().collect();
            let Some(p) = conds.and_then(|c| Pick::new(code, &self.masks, c, values, otherwise))
            else {
                continue;
            };
            let pick = self.picks.len() as u32;
            self.picks.push(p);
            if let Some(ins) = self.ins.get_mut(i) {
                *ins = Ins::Pick { dst, pick, unknown };
            }
        }
    }
}
