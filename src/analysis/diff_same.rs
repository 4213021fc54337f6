//! Analysis stage, `cairn diff`: proving an item unchanged without
//! searching its cases.
//!
//! A recommendation or derived value whose logic is the same typed
//! expression in both versions (facts matched by name and type, enum
//! values by name, definitions and tables compared by content, however
//! they are named) computes the same outcome for every case, so its
//! behaviour is unchanged whatever its case space: this proves the rules
//! no edit touched, including those whose conditions compare facts with
//! each other, which no split into regions decides exactly. Anything not
//! provably identical is left to the search (`diff_search`).

use super::diff::Item;
use crate::check::model::{
    Bound, DefBody, Model, Pattern, RecInfo, TExpr, TExprKind, TableId, Type,
};
use crate::value::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Structural comparison of the logic of two models.
pub(super) struct Same<'a> {
    om: &'a Model,
    nm: &'a Model,
    /// Definitions already compared, by `(old, new)` index: a definition
    /// read many times is compared once.
    defs: RefCell<BTreeMap<(u32, u32), bool>>,
}

impl<'a> Same<'a> {
    /// A comparison of `om` (old) against `nm` (new).
    pub fn new(om: &'a Model, nm: &'a Model) -> Same<'a> {
        Same {
            om,
            nm,
            defs: RefCell::new(BTreeMap::new()),
        }
    }

    /// True when the item's outcome is the same function of the case in
    /// both versions.
    pub fn item(&self, item: &Item) -> bool {
        match item {
            Item::Rec(Some(o), Some(n), _) => match (self.om.recs.get(*o), self.nm.recs.get(*n)) {
                (Some(a), Some(b)) => self.rec(a, b),
                _ => false,
            },
            Item::Rec(..) => false,
            Item::Def(o, n, _) => self.def(*o as u32, *n as u32),
        }
    }

    /// A recommendation's status (its sections' and its own conditions)
    /// and strength.
    fn rec(&self, a: &RecInfo, b: &RecInfo) -> bool {
        let (ca, cb) = (self.om.rec_conditions(a), self.nm.rec_conditions(b));
        let status = ca.len() == cb.len() && ca.iter().zip(&cb).all(|(x, y)| self.expr(x, y));
        let strength = match (&a.varies.strength, &b.varies.strength) {
            (None, None) => a.strength == b.strength,
            (Some(x), Some(y)) => {
                x.branches.len() == y.branches.len()
                    && x.otherwise == y.otherwise
                    && x.branches
                        .iter()
                        .zip(&y.branches)
                        .all(|((ex, gx), (ey, gy))| gx == gy && self.expr(ex, ey))
            }
            _ => false,
        };
        status && strength
    }

    /// Two definitions: the same type and the same body.
    fn def(&self, a: u32, b: u32) -> bool {
        if let Some(&known) = self.defs.borrow().get(&(a, b)) {
            return known;
        }
        // Definitions are acyclic; the provisional answer only guards
        // against a model that is not.
        self.defs.borrow_mut().insert((a, b), false);
        let same = match (self.om.defs.get(a as usize), self.nm.defs.get(b as usize)) {
            (Some(x), Some(y)) => {
                self.ty(x.ty, y.ty)
                    && match (&x.body, &y.body) {
                        (DefBody::Expr(ex), DefBody::Expr(ey)) => self.expr(ex, ey),
                        (DefBody::Table(tx), DefBody::Table(ty)) => self.table(*tx, *ty),
                        _ => false,
                    }
            }
            _ => false,
        };
        self.defs.borrow_mut().insert((a, b), same);
        same
    }

    /// Two tables: the same keys, column types and rows, in order.
    fn table(&self, a: TableId, b: TableId) -> bool {
        let (Some(x), Some(y)) = (
            self.om.tables.get(a.0 as usize),
            self.nm.tables.get(b.0 as usize),
        ) else {
            return false;
        };
        let keys = x.keys.len() == y.keys.len()
            && x.keys.iter().zip(&y.keys).all(|(kx, ky)| self.expr(kx, ky));
        let columns = x.columns.len() == y.columns.len()
            && x.columns
                .iter()
                .zip(&y.columns)
                .all(|(cx, cy)| self.ty(cx.ty, cy.ty));
        let rows = x.rows.len() == y.rows.len()
            && x.rows.iter().zip(&y.rows).all(|(rx, ry)| {
                let pats = rx.keys.len() == ry.keys.len()
                    && rx.keys.iter().zip(&ry.keys).zip(&x.keys).zip(&y.keys).all(
                        |(((px, py), kx), ky)| match (px, py) {
                            (Pattern::Any, Pattern::Any) => true,
                            (Pattern::Enum(i), Pattern::Enum(j)) => {
                                self.value(kx.ty, Value::Enum(*i), ky.ty, Value::Enum(*j))
                            }
                            (
                                Pattern::Range { lo: lx, hi: hx },
                                Pattern::Range { lo: ly, hi: hy },
                            ) => {
                                let same = |a: &Option<Bound>, b: &Option<Bound>| match (a, b) {
                                    (None, None) => true,
                                    (Some(a), Some(b)) => {
                                        a.inclusive == b.inclusive
                                            && self.value(kx.ty, a.value, ky.ty, b.value)
                                    }
                                    _ => false,
                                };
                                same(lx, ly) && same(hx, hy)
                            }
                            _ => false,
                        },
                    );
                let cells = rx.cells.len() == ry.cells.len()
                    && rx
                        .cells
                        .iter()
                        .zip(&ry.cells)
                        .zip(x.columns.iter().zip(&y.columns))
                        .all(|((vx, vy), (cx, cy))| self.value(cx.ty, *vx, cy.ty, *vy));
                pats && cells
            });
        keys && columns && rows
    }

    /// Two types: enums by their value names, tables by content.
    fn ty(&self, a: Type, b: Type) -> bool {
        match (a, b) {
            (Type::Enum(x), Type::Enum(y)) => {
                let names = |m: &Model, e| -> Option<Vec<String>> {
                    m.enum_info(e)
                        .map(|i| i.values.iter().map(|v| v.name.clone()).collect())
                };
                let (nx, ny) = (names(self.om, x), names(self.nm, y));
                nx.is_some() && nx == ny
            }
            (Type::Row(x), Type::Row(y)) => self.table(x, y),
            (Type::Row(_), _) | (_, Type::Row(_)) | (Type::Enum(_), _) | (_, Type::Enum(_)) => {
                false
            }
            (x, y) => x == y,
        }
    }

    /// Two constants of types `ta` and `tb`: enum values by name.
    fn value(&self, ta: Type, a: Value, tb: Type, b: Value) -> bool {
        match (ta, a, tb, b) {
            (Type::Enum(x), Value::Enum(i), Type::Enum(y), Value::Enum(j)) => {
                let name = |m: &'a Model, e, k: u32| {
                    m.enum_info(e)
                        .and_then(|info| info.values.get(k as usize))
                        .map(|v| v.name.as_str())
                };
                let (nx, ny) = (name(self.om, x, i), name(self.nm, y, j));
                nx.is_some() && nx == ny
            }
            (Type::Enum(_), ..) | (_, _, Type::Enum(_), _) => false,
            (Type::Row(_), ..) | (_, _, Type::Row(_), _) => false,
            _ => a == b,
        }
    }

    /// Two typed expressions, node by node.
    fn expr(&self, a: &TExpr, b: &TExpr) -> bool {
        if !self.ty(a.ty, b.ty) {
            return false;
        }
        let all = |xs: &[TExpr], ys: &[TExpr]| {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.expr(x, y))
        };
        match (&a.kind, &b.kind) {
            (TExprKind::Const(x), TExprKind::Const(y)) => self.value(a.ty, *x, b.ty, *y),
            (TExprKind::Fact(x), TExprKind::Fact(y)) => {
                match (
                    self.om.facts.get(x.0 as usize),
                    self.nm.facts.get(y.0 as usize),
                ) {
                    (Some(fx), Some(fy)) => fx.name == fy.name && self.ty(fx.ty, fy.ty),
                    _ => false,
                }
            }
            (TExprKind::Def(x), TExprKind::Def(y)) => self.def(x.0, y.0),
            (
                TExprKind::Column {
                    def: dx,
                    table: tx,
                    column: cx,
                },
                TExprKind::Column {
                    def: dy,
                    table: ty,
                    column: cy,
                },
            ) => cx == cy && self.def(dx.0, dy.0) && self.table(*tx, *ty),
            (TExprKind::Not(x), TExprKind::Not(y)) | (TExprKind::Neg(x), TExprKind::Neg(y)) => {
                self.expr(x, y)
            }
            (TExprKind::IsKnown(x, kx), TExprKind::IsKnown(y, ky)) => kx == ky && self.expr(x, y),
            (TExprKind::Binary(ox, lx, rx), TExprKind::Binary(oy, ly, ry)) => {
                ox == oy && self.expr(lx, ly) && self.expr(rx, ry)
            }
            (
                TExprKind::In {
                    value: vx,
                    set: sx,
                    negated: nx,
                },
                TExprKind::In {
                    value: vy,
                    set: sy,
                    negated: ny,
                },
            ) => nx == ny && self.expr(vx, vy) && all(sx, sy),
            (TExprKind::Quantified(qx, ix), TExprKind::Quantified(qy, iy)) => {
                qx == qy && all(ix, iy)
            }
            (
                TExprKind::First {
                    branches: bx,
                    otherwise: ox,
                },
                TExprKind::First {
                    branches: by,
                    otherwise: oy,
                },
            ) => {
                let branches = bx.len() == by.len()
                    && bx
                        .iter()
                        .zip(by)
                        .all(|((cx, vx), (cy, vy))| self.expr(cx, cy) && self.expr(vx, vy));
                let otherwise = match (ox, oy) {
                    (None, None) => true,
                    (Some(x), Some(y)) => self.expr(x, y),
                    _ => false,
                };
                branches && otherwise
            }
            _ => false,
        }
    }
}
