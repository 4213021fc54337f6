//! Eval stage: the instruction set of the flat slot code. Each [`Op`]
//! computes the value of the slot at its own index from the slots it names;
//! `run` gives each its meaning (`grammar/SEMANTICS.md`), `compile` emits them.

use crate::syntax::ast::{BinOp, Func, Quantifier};
use crate::value::Value;

/// A slot index (an instruction's position in the code).
pub(crate) type Pc = u32;

/// One instruction; it computes the value of the slot at its own index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// A constant.
    Const(Value),
    /// A fact of the case.
    Fact(u32),
    /// A definition: a copy of the slot of its body's root.
    Def {
        /// The definition.
        def: u32,
        /// The slot holding its value.
        root: Pc,
    },
    /// A cell of the row a table definition matched.
    Column {
        /// The table's definition.
        def: u32,
        /// The slot holding the row.
        root: Pc,
        /// The table.
        table: u32,
        /// The column.
        column: u16,
    },
    /// Kleene negation.
    Not(Pc),
    /// Arithmetic negation.
    Neg(Pc),
    /// Kleene conjunction.
    And(Pc, Pc),
    /// Kleene disjunction.
    Or(Pc, Pc),
    /// `=` (false) or `!=` (true), kept apart from [`Op::Binary`] because
    /// it is the most common comparison.
    Eq(Pc, Pc, bool),
    /// A comparison or arithmetic operator.
    Binary(BinOp, Pc, Pc),
    /// A date plus or minus a time span, the date and the span in source
    /// order (`a + b` or `a - b`). `calendar` is fixed by the span's static
    /// unit: months and years count calendar months (see
    /// `value::date::shift`).
    Shift {
        /// The left operand.
        a: Pc,
        /// The right operand.
        b: Pc,
        /// `a - b`.
        minus: bool,
        /// The span counts calendar months.
        calendar: bool,
    },
    /// Set membership; the members are `args[start..start+len]`.
    In {
        /// The tested value.
        value: Pc,
        /// First member in `args`.
        start: u32,
        /// Number of members.
        len: u32,
        /// `not in`.
        negated: bool,
    },
    /// `is known` (true) or `is unknown` (false).
    IsKnown(Pc, bool),
    /// A quantifier over `args[start..start+len]`.
    Quant(Quantifier, u32, u32),
    /// First match: `args[start..start+2*branches]` holds condition/value pairs.
    First {
        /// First condition in `args`.
        start: u32,
        /// Number of branches.
        branches: u32,
        /// The fallback's slot.
        otherwise: Option<Pc>,
    },
    /// A score: the sum of the points of the items whose condition holds.
    /// `args[start..start+4*len]` holds one `(condition, points, low,
    /// high)` quadruple per item, `low` and `high` being constant slots
    /// with the bounds of the points (infinite when unbounded), for the
    /// interval of a comparison (see [`Op::ScoreCmp`]).
    Score {
        /// First item in `args`.
        start: u32,
        /// Number of items.
        len: u32,
        /// The sum is an integer (every item's points are).
        integer: bool,
    },
    /// A comparison of the score in slot `score` with slot `k` (the score
    /// on the left), decided on the score's interval when the score is
    /// unknown; `start` and `len` repeat the score's items.
    ScoreCmp {
        /// The comparison.
        op: BinOp,
        /// The score's slot.
        score: Pc,
        /// The value it is compared with.
        k: Pc,
        /// The score's first item in `args`.
        start: u32,
        /// The score's number of items.
        len: u32,
    },
    /// A function of `args[start..start+len]` (see `value::func`).
    Call {
        /// The function.
        func: Func,
        /// First argument in `args`.
        start: u32,
        /// Number of arguments.
        len: u32,
        /// The result is an integer (for `min of`/`max of` over integers
        /// and `round` to 0 digits).
        integer: bool,
    },
    /// Table lookup: the keys are `args[start..start+len]`.
    Lookup {
        /// The table.
        table: u32,
        /// First key in `args`.
        start: u32,
        /// Number of keys.
        len: u32,
    },
}
