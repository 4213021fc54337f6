//! FHIRPath stage: the syntax tree of a parsed expression.

use super::functions::Func;
use super::types::TypeName;
use std::ops::Range;

/// An expression node with its bytes in the expression's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: Kind,
    /// Its bytes in the text.
    pub span: Range<usize>,
    /// The height of its tree (1 for a leaf), bounded by the parser.
    pub depth: usize,
}

impl Expr {
    /// A node over `kind`'s children, or `None` when its tree would be
    /// deeper than `limit`.
    pub fn new(kind: Kind, span: Range<usize>, limit: usize) -> Option<Expr> {
        let below = match &kind {
            Kind::Member { base, .. } | Kind::Type { base, .. } => {
                base.as_ref().map_or(0, |b| b.depth)
            }
            Kind::Call { base, args, .. } => args
                .iter()
                .map(|a| a.depth)
                .chain(base.as_ref().map(|b| b.depth))
                .max()
                .unwrap_or(0),
            Kind::Indexer { base, index } => base.depth.max(index.depth),
            Kind::Negate(e) => e.depth,
            Kind::Binary { lhs, rhs, .. } => lhs.depth.max(rhs.depth),
            _ => 0,
        };
        (below < limit).then_some(Expr {
            kind,
            span,
            depth: below + 1,
        })
    }
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `{}`: the empty collection.
    Empty,
    /// A literal.
    Literal(Literal),
    /// `$this`: the focus.
    This,
    /// `$index`: the position of `$this` in `where`, `select`, `all`, `exists`.
    Index,
    /// `%resource`, `%context`, `%rootResource`: the resource evaluated.
    Resource,
    /// `%ucum`: `http://unitsofmeasure.org`.
    Ucum,
    /// A name: an element of each focus item (`base` absent: of the input),
    /// or, capitalised and without a base, the resource type filter.
    Member {
        /// The collection navigated from; absent for the input focus.
        base: Option<Box<Expr>>,
        /// The element name (or resource type).
        name: String,
    },
    /// A function call.
    Call {
        /// The collection it is invoked on; absent for the input focus.
        base: Option<Box<Expr>>,
        /// The function.
        func: Func,
        /// Its arguments (criteria stay unevaluated until called).
        args: Vec<Expr>,
    },
    /// `ofType(T)`, `is(T)`, `as(T)` and the operators `is T`, `as T`.
    Type {
        /// The collection tested; absent for the input focus.
        base: Option<Box<Expr>>,
        /// Which test.
        op: TypeOp,
        /// The type.
        ty: TypeName,
    },
    /// `base[index]`.
    Indexer {
        /// The collection indexed.
        base: Box<Expr>,
        /// The index expression (an integer).
        index: Box<Expr>,
    },
    /// Unary `-` (unary `+` is dropped by the parser).
    Negate(Box<Expr>),
    /// A binary operator.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `true`, `false`.
    Bool(bool),
    /// `3`.
    Integer(i64),
    /// `3.5`.
    Decimal(f64),
    /// `'text'`.
    String(String),
    /// `@2024-01-01` (text without the `@`).
    Date(String),
    /// `@2024-01-01T10:00Z` (text without the `@`).
    DateTime(String),
    /// `@T10:00` (text without the `@T`).
    Time(String),
}

/// The type tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeOp {
    /// `ofType(T)`: the items that are a `T`.
    OfType,
    /// `is T`: whether the single item is a `T`.
    Is,
    /// `as T`: the single item if it is a `T`.
    As,
}

/// The binary operators, by FHIRPath's precedence groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `div`
    IntDiv,
    /// `mod`
    Mod,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `&`
    Concat,
    /// `|`
    Union,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `~`
    Equiv,
    /// `!~`
    NotEquiv,
    /// `in`
    In,
    /// `contains`
    Contains,
    /// `and`
    And,
    /// `or`
    Or,
    /// `xor`
    Xor,
    /// `implies`
    Implies,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::IntDiv => "div",
            BinOp::Mod => "mod",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Concat => "&",
            BinOp::Union => "|",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Equiv => "~",
            BinOp::NotEquiv => "!~",
            BinOp::In => "in",
            BinOp::Contains => "contains",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Xor => "xor",
            BinOp::Implies => "implies",
        }
    }

    /// Its precedence: higher binds tighter (FHIRPath N1 §6: `implies`
    /// lowest, then `or`/`xor`, `and`, membership, equality, comparison,
    /// `|`, (`is`/`as`), additive, multiplicative).
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Implies => 1,
            BinOp::Or | BinOp::Xor => 2,
            BinOp::And => 3,
            BinOp::In | BinOp::Contains => 4,
            BinOp::Eq | BinOp::Ne | BinOp::Equiv | BinOp::NotEquiv => 5,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 6,
            BinOp::Union => 7,
            BinOp::Add | BinOp::Sub | BinOp::Concat => 9,
            BinOp::Mul | BinOp::Div | BinOp::IntDiv | BinOp::Mod => 10,
        }
    }
}

/// The precedence of the `is`/`as` operators (between `|` and `+`).
pub const TYPE_OP_PRECEDENCE: u8 = 8;
