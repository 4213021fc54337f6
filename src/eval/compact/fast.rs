//! Eval stage: the per-case program in a compact, specialised encoding.
//!
//! [`Code`](crate::eval::compile::Code) keeps one general [`Op`] per slot for the
//! walkers that explain results. The per-case pass instead runs this list
//! (see `fast_run`). Bool and small enum slots get a second, one-byte
//! encoding: a truth value is a byte [`F`], [`U`] or [`T`], and an enum or
//! table row is its index, with [`UNKNOWN`] for unknown.
//!
//! The byte forms of the Kleene connectives are derived from those of
//! record, `value::ops::{and, or, not}` (`grammar/SEMANTICS.md`), by this
//! correspondence, stated here and nowhere else: ordering the truth values
//! `false < unknown < true` as `F < U < T`, strong Kleene `and` is the
//! minimum, `or` the maximum and `not` the reflection `T - x`, so the
//! compact program and the batch lanes combine truth bytes with no branch
//! on the data (the tests compare both with the general code). The common
//! operations (`and`, `or`, `not`, `fact = value`, `x in {values}`,
//! quantifiers, `first`, table lookups) work on those bytes only;
//! comparisons of numbers, quantities and dates and table cells read the
//! general value slots; the rest (arithmetic) runs the general operation,
//! which reads the bytes through a view and writes both encodings. Results
//! are the same as the general operations', which a test checks on random
//! cases.

use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::Value;

/// Kleene false in the byte encoding.
pub(crate) const F: u8 = 0;
/// Kleene unknown in the byte encoding.
pub(crate) const U: u8 = 1;
/// Kleene true in the byte encoding.
pub(crate) const T: u8 = 2;
/// An unknown enum value or table row in the byte encoding.
pub(crate) const UNKNOWN: u8 = 255;
/// No slot (an absent `otherwise`).
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// A slot index in the compact program. `u32`, so that an analysis slice of
/// a long `first` chain (about four slots a branch) still has a compact
/// form; programs wider than the largest of [`WIDTHS`] run on the general
/// instructions instead.
pub(crate) type S = u32;

/// How a slot is held in the byte encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// Not in the byte encoding (numbers, quantities, dates, large enums).
    Other,
    /// A truth value: [`F`], [`U`] or [`T`].
    Bool,
    /// An enum value's index, or [`UNKNOWN`].
    Enum,
    /// A table row's index, or [`UNKNOWN`].
    Row,
}

/// One instruction of the per-case program (at most 20 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Ins {
    /// The general operation of slot `pc`; a result of a byte-encoded kind
    /// is written in both encodings.
    General { pc: S, kind: Kind },
    /// A comparison of two slots held only as values (numbers, quantities,
    /// dates), such as `grade <= 2`.
    Compare { dst: S, op: BinOp, a: S, b: S },
    /// `is known` (`known`) or `is unknown` of a slot held only as a value.
    IsKnownValue { dst: S, a: S, known: bool },
    /// Column `column` of the row in byte slot `row` of table `table`,
    /// written as a value (and as a byte for a byte kind).
    Cell {
        dst: S,
        row: S,
        table: u16,
        column: u16,
        kind: Kind,
    },
    /// Kleene negation.
    Not { dst: S, a: S },
    /// Kleene conjunction.
    And { dst: S, a: S, b: S },
    /// Kleene disjunction.
    Or { dst: S, a: S, b: S },
    /// Slot `a` equals (or, negated, differs from) the enum value `k`.
    EqEnum { dst: S, a: S, k: u8, negated: bool },
    /// Two enum slots are equal (or, negated, differ).
    EqSlots { dst: S, a: S, b: S, negated: bool },
    /// Slot `a` is (or is not) one of the enum values in `masks[mask]`.
    InEnum {
        dst: S,
        a: S,
        mask: u16,
        negated: bool,
    },
    /// `is known` (`known`) or `is unknown` of a slot whose unknown byte is
    /// `unknown`.
    IsKnown {
        dst: S,
        a: S,
        unknown: u8,
        known: bool,
    },
    /// A quantifier over the truth values `args[start..start+len]`.
    Quant {
        dst: S,
        q: Quantifier,
        len: u16,
        start: u32,
    },
    /// First match over the condition/value pairs `args[start..]`; the
    /// result's unknown byte is `unknown`.
    First {
        dst: S,
        branches: u32,
        otherwise: S,
        unknown: u8,
        start: u32,
    },
    /// The first matching row of table `table` for the key slots
    /// `args[start..start+keys]`.
    Lookup {
        dst: S,
        table: u16,
        keys: u16,
        start: u32,
    },
    /// A `first` whose conditions all compare one slot with constants,
    /// decided by a search over them (`picks[pick]`, see `pick`); the
    /// result's unknown byte is `unknown`.
    Pick { dst: S, pick: u32, unknown: u8 },
    /// A copy of value slot `src` (a repeated read of a fact the program
    /// holds in no slot of its own, as in an analysis slice).
    Copy { dst: S, src: S },
}

/// How a slot's value is read after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// In the general value slots.
    Value,
    /// In the byte at the given slot, of the given kind.
    Byte(S, Kind),
    /// Computed when read, by `lazy[i]` (see `lazy`): the per-case run
    /// skips it.
    Lazy(u32),
}

impl Ins {
    /// The instruction with its destination cleared: equal keys compute
    /// equal values (used to share common subexpressions).
    /// (A general instruction's key is itself: its slot says which
    /// operation it is.)
    pub fn key(self) -> Ins {
        let mut k = self;
        if !matches!(k, Ins::General { .. }) {
            *k.dst_mut() = 0;
        }
        k
    }

    /// The slot the instruction writes.
    pub fn dst(self) -> S {
        let mut i = self;
        *i.dst_mut()
    }

    fn dst_mut(&mut self) -> &mut S {
        match self {
            Ins::Compare { dst, .. }
            | Ins::IsKnownValue { dst, .. }
            | Ins::Cell { dst, .. }
            | Ins::Not { dst, .. }
            | Ins::And { dst, .. }
            | Ins::Or { dst, .. }
            | Ins::EqEnum { dst, .. }
            | Ins::EqSlots { dst, .. }
            | Ins::InEnum { dst, .. }
            | Ins::IsKnown { dst, .. }
            | Ins::Quant { dst, .. }
            | Ins::First { dst, .. }
            | Ins::Lookup { dst, .. }
            | Ins::Pick { dst, .. }
            | Ins::Copy { dst, .. }
            | Ins::General { pc: dst, .. } => dst,
        }
    }
}

/// The operation of a run of instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RunOp {
    /// Only [`Ins::And`].
    And,
    /// Only [`Ins::Or`].
    Or,
    /// Only [`Ins::Not`].
    Not,
    /// Only [`Ins::EqEnum`].
    EqEnum,
    /// Only [`Ins::Compare`].
    Compare,
    /// Any other instructions.
    Mixed,
}

/// Instructions `ins[start..end]`, all of operation `op`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub op: RunOp,
    pub start: u32,
    pub end: u32,
}

/// The per-case program and its tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fast {
    /// Instructions in run order.
    pub ins: Vec<Ins>,
    /// Bitmasks of enum value sets for [`Ins::InEnum`].
    pub masks: Vec<u64>,
    /// Operand lists of quantifiers, `first` and lookups.
    pub args: Vec<S>,
    /// How each slot is held.
    pub kinds: Vec<Kind>,
    /// Bool facts, encoded when a case is loaded.
    pub bool_facts: Vec<S>,
    /// Enum facts, encoded when a case is loaded.
    pub enum_facts: Vec<S>,
    /// Facts held only as values.
    pub value_facts: Vec<S>,
    /// Where each byte slot's value is held: itself, or the earlier slot
    /// that computes the same expression (or that it copies).
    pub alias: Vec<S>,
    /// For each slot, where its value is read after a run: the byte that
    /// holds it (itself or the slot it is an alias of) and its kind, the
    /// value slot, or the instruction that computes it on demand; derived
    /// from `kinds`, `alias` and `lazy` once, so reading a slot is one
    /// lookup.
    pub held: Vec<Held>,
    /// The search tables of [`Ins::Pick`].
    pub picks: Vec<crate::eval::compact::pick::Pick>,
    /// Instructions the per-case run skips, because only a [`Ins::Pick`]
    /// (which does not read them) or nothing reads them; each computes one
    /// slot from slots that are always filled, when a walker reads it.
    pub lazy: Vec<Ins>,
    /// Slots written only in the byte encoding, as `(slot, held in, kind)`;
    /// copied to the general slots when a walker needs them.
    pub byte_only: Vec<(S, S, Kind)>,
    /// What `lazy::sync` copies, planned from `byte_only` (see there).
    pub sync: crate::eval::lazy::SyncPlan,
    /// The part of `sync` that the instructions run on demand (study
    /// conditions, per-case strengths and kinds) read: all they need
    /// synced before they run.
    pub sync_on_demand: crate::eval::lazy::SyncPlan,
    /// The instructions as runs of one operation (see `fast_plan`).
    pub runs: Vec<Run>,
    /// The slot holding each recommendation's combined condition, read
    /// for its status after the instructions ran.
    pub roots: Vec<S>,
    /// Length of the byte array: a power of two above every slot index,
    /// so that masked indexing needs no bounds check.
    pub width: usize,
}

/// The widths the runner is specialised for; larger programs (more than
/// 16 M slots) use the general instructions.
pub(crate) const WIDTHS: [usize; 5] = [256, 4096, 65536, 1 << 20, 1 << 24];

/// Kleene truth of a test on a byte that may be unknown: unknown when the
/// byte is `unknown`, else whether the test hit.
#[inline(always)]
pub(crate) fn test(x: u8, unknown: u8, hit: bool) -> u8 {
    if x == unknown {
        U
    } else {
        T * u8::from(hit)
    }
}

/// Kleene negation of a truth byte.
#[inline(always)]
pub(crate) fn not(x: u8) -> u8 {
    T - x.min(T)
}

/// Whether an enum byte is (or, negated, is not) the value `k`.
#[inline(always)]
pub(crate) fn eq_enum(x: u8, k: u8, negated: bool) -> u8 {
    test(x, UNKNOWN, (x == k) != negated)
}

/// The byte encoding of a value of a kind.
#[inline]
pub(crate) fn encode(v: Option<Value>, kind: Kind) -> u8 {
    match (kind, v) {
        (Kind::Bool, Some(Value::Bool(true))) => T,
        (Kind::Bool, Some(Value::Bool(false))) => F,
        (Kind::Bool, _) => U,
        (Kind::Enum, Some(Value::Enum(k))) | (Kind::Row, Some(Value::Row(k))) if k < 255 => k as u8,
        _ => UNKNOWN,
    }
}

/// The values of every byte of one kind.
const fn decode_table(kind: Kind) -> [Option<Value>; 256] {
    let mut t = [None; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = decode(i as u8, kind);
        i += 1;
    }
    t
}

/// Decoding tables for [`Kind::Bool`], [`Kind::Enum`] and [`Kind::Row`],
/// so that copying many bytes back to values is a load per slot rather
/// than a branch on each byte.
pub(crate) static DECODE: [[Option<Value>; 256]; 3] = [
    decode_table(Kind::Bool),
    decode_table(Kind::Enum),
    decode_table(Kind::Row),
];

/// The row of [`DECODE`] for a byte kind (`None` for [`Kind::Other`]).
pub(crate) const fn decode_row(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Bool => Some(0),
        Kind::Enum => Some(1),
        Kind::Row => Some(2),
        Kind::Other => None,
    }
}

/// The value of a byte of a kind.
#[inline]
pub(crate) const fn decode(x: u8, kind: Kind) -> Option<Value> {
    match (kind, x) {
        (Kind::Bool, T) => Some(Value::Bool(true)),
        (Kind::Bool, F) => Some(Value::Bool(false)),
        (Kind::Enum, k) if k != UNKNOWN => Some(Value::Enum(k as u32)),
        (Kind::Row, k) if k != UNKNOWN => Some(Value::Row(k as u32)),
        _ => None,
    }
}
