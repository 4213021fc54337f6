//! Syntax stage: moving a declaration's spans.
//!
//! An incremental parse ([`super::ParseCache`]) reuses a declaration it
//! parsed before when the declaration's text is unchanged but now starts
//! somewhere else in the file (an edit above it added or removed bytes).
//! Every span of the reused tree is moved by the difference, so the tree is
//! the one a fresh parse at the new place would give. Each node is taken
//! apart field by field, with no `..`, so that a field added to the tree
//! later does not compile until it is moved here too.

use super::ast::*;
use crate::source::Span;

/// Moves every span of `decl` by `delta` bytes.
pub fn shift_decl(decl: &mut Decl, delta: i64) {
    if delta != 0 {
        decl.shift(delta);
    }
}

trait Shift {
    fn shift(&mut self, d: i64);
}

impl Shift for Span {
    fn shift(&mut self, d: i64) {
        // Offsets stay inside a file under the size limit, far from both ends
        // of `u32`; the clamp only keeps the arithmetic total.
        let moved = |x: u32| (i64::from(x) + d).clamp(0, i64::from(u32::MAX)) as u32;
        self.start = moved(self.start);
        self.end = moved(self.end);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, d: i64) {
        self.iter_mut().for_each(|x| x.shift(d));
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, d: i64) {
        if let Some(x) = self {
            x.shift(d);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, d: i64) {
        (**self).shift(d);
    }
}

impl<A: Shift, B: Shift> Shift for (A, B) {
    fn shift(&mut self, d: i64) {
        self.0.shift(d);
        self.1.shift(d);
    }
}

/// Leaves that hold no span.
macro_rules! no_span {
    ($($t:ty),*) => {
        $(impl Shift for $t {
            fn shift(&mut self, _: i64) {}
        })*
    };
}
no_span!(String, bool, u32, f64, RecKind, CountBound);

impl Shift for Ident {
    fn shift(&mut self, d: i64) {
        let Ident { name: _, span } = self;
        span.shift(d);
    }
}

impl Shift for Text {
    fn shift(&mut self, d: i64) {
        let Text { value: _, span } = self;
        span.shift(d);
    }
}

impl Shift for DateLit {
    fn shift(&mut self, d: i64) {
        let DateLit { text: _, span } = self;
        span.shift(d);
    }
}

impl Shift for Decl {
    fn shift(&mut self, d: i64) {
        let Decl { doc: _, kind, span } = self;
        span.shift(d);
        match kind {
            DeclKind::Header(x) => x.shift(d),
            DeclKind::Include(x) => x.shift(d),
            DeclKind::Fact(x) => x.shift(d),
            DeclKind::Group(x) => x.shift(d),
            DeclKind::Define(x) => x.shift(d),
            DeclKind::Constraint(x) => x.shift(d),
            DeclKind::Table(x) => x.shift(d),
            DeclKind::Schedule(x) => x.shift(d),
            DeclKind::Section(x) => x.shift(d),
            DeclKind::References(x) => x.shift(d),
            DeclKind::Recommendation(x) => x.shift(d),
            DeclKind::Grading(x) => x.shift(d),
        }
    }
}

impl Shift for Header {
    fn shift(&mut self, d: i64) {
        let Header { id, fields } = self;
        id.shift(d);
        fields.shift(d);
    }
}

impl Shift for HeaderField {
    fn shift(&mut self, d: i64) {
        let HeaderField { key, value, span } = self;
        key.shift(d);
        span.shift(d);
        match value {
            HeaderValue::Texts(texts, date) => {
                texts.shift(d);
                date.shift(d);
            }
            HeaderValue::Date(date) => date.shift(d),
            HeaderValue::Word(word) => word.shift(d),
        }
    }
}

impl Shift for Fact {
    fn shift(&mut self, d: i64) {
        let Fact {
            name,
            description,
            ty,
            or_never,
            absent,
        } = self;
        name.shift(d);
        description.shift(d);
        ty.shift(d);
        or_never.shift(d);
        absent.shift(d);
    }
}

impl Shift for Absent {
    fn shift(&mut self, d: i64) {
        let Absent { value, span } = self;
        if let AbsentValue::Name(id) = value {
            id.shift(d);
        }
        span.shift(d);
    }
}

impl Shift for Group {
    fn shift(&mut self, d: i64) {
        let Group { name, title, facts } = self;
        name.shift(d);
        title.shift(d);
        for (_, fact, span) in facts {
            fact.shift(d);
            span.shift(d);
        }
    }
}

impl Shift for TypeExpr {
    fn shift(&mut self, d: i64) {
        match self {
            TypeExpr::Bool(span) | TypeExpr::Date(span) => span.shift(d),
            TypeExpr::Integer { range: _, span } => span.shift(d),
            TypeExpr::Number { range, span } => {
                range.shift(d);
                span.shift(d);
            }
            TypeExpr::Quantity {
                unit,
                range,
                conversions,
                span,
            } => {
                unit.shift(d);
                range.shift(d);
                conversions.shift(d);
                span.shift(d);
            }
            TypeExpr::Enum { values, span } | TypeExpr::List { values, span } => {
                values.shift(d);
                span.shift(d);
            }
        }
    }
}

impl Shift for EnumValue {
    fn shift(&mut self, d: i64) {
        let EnumValue {
            doc: _,
            name,
            label,
            codes,
        } = self;
        name.shift(d);
        label.shift(d);
        codes.shift(d);
    }
}

impl Shift for Code {
    fn shift(&mut self, d: i64) {
        let Code { system, code } = self;
        system.shift(d);
        code.shift(d);
    }
}

impl Shift for Define {
    fn shift(&mut self, d: i64) {
        let Define {
            name,
            description,
            ty,
            body,
        } = self;
        name.shift(d);
        description.shift(d);
        ty.shift(d);
        body.shift(d);
    }
}

impl Shift for Constraint {
    fn shift(&mut self, d: i64) {
        let Constraint {
            name,
            description,
            condition,
        } = self;
        name.shift(d);
        description.shift(d);
        condition.shift(d);
    }
}

impl<T: Shift> Shift for Choice<T> {
    fn shift(&mut self, d: i64) {
        let Choice {
            branches,
            otherwise,
        } = self;
        branches.shift(d);
        otherwise.shift(d);
    }
}

impl Shift for StrengthValue {
    fn shift(&mut self, d: i64) {
        match self {
            StrengthValue::Words(words, span) => {
                words.shift(d);
                span.shift(d);
            }
            StrengthValue::None(span) => span.shift(d),
        }
    }
}

impl Shift for Decimal {
    fn shift(&mut self, _: i64) {
        let Decimal { value: _, text: _ } = self;
    }
}

impl Shift for DecimalRange {
    fn shift(&mut self, d: i64) {
        let DecimalRange { low, high, span } = self;
        low.shift(d);
        high.shift(d);
        span.shift(d);
    }
}

impl Shift for UnitConversion {
    fn shift(&mut self, d: i64) {
        match self {
            UnitConversion::MolarMass { amount, unit, span } => {
                amount.shift(d);
                unit.shift(d);
                span.shift(d);
            }
            UnitConversion::Equivalence { left, right, span } => {
                left.shift(d);
                right.shift(d);
                span.shift(d);
            }
        }
    }
}

impl Shift for Grading {
    fn shift(&mut self, d: i64) {
        let Grading {
            name,
            title,
            values,
        } = self;
        name.shift(d);
        title.shift(d);
        values.shift(d);
    }
}

impl Shift for GradingValue {
    fn shift(&mut self, d: i64) {
        let GradingValue {
            doc: _,
            name,
            description,
            span,
        } = self;
        name.shift(d);
        description.shift(d);
        span.shift(d);
    }
}

impl Shift for ScoreItem {
    fn shift(&mut self, d: i64) {
        let ScoreItem {
            points,
            from: _,
            when,
            span,
        } = self;
        points.shift(d);
        when.shift(d);
        span.shift(d);
    }
}

impl Shift for Table {
    fn shift(&mut self, d: i64) {
        let Table {
            name,
            title,
            keys,
            columns,
            rows,
            cites,
        } = self;
        name.shift(d);
        title.shift(d);
        keys.shift(d);
        columns.shift(d);
        rows.shift(d);
        cites.shift(d);
    }
}

impl Shift for Column {
    fn shift(&mut self, d: i64) {
        let Column { name, label, ty } = self;
        name.shift(d);
        label.shift(d);
        ty.shift(d);
    }
}

impl Shift for RowKey {
    fn shift(&mut self, d: i64) {
        match self {
            RowKey::Any(span) => span.shift(d),
            RowKey::Value(id) => id.shift(d),
            RowKey::Exact(lit) => lit.shift(d),
            RowKey::Range { from, to, span } => {
                from.shift(d);
                to.shift(d);
                span.shift(d);
            }
            RowKey::Bound { op: _, value, span } => {
                value.shift(d);
                span.shift(d);
            }
        }
    }
}

impl Shift for Row {
    fn shift(&mut self, d: i64) {
        let Row { keys, cells, span } = self;
        keys.shift(d);
        cells.shift(d);
        span.shift(d);
    }
}

impl Shift for Schedule {
    fn shift(&mut self, d: i64) {
        let Schedule {
            name,
            title,
            from,
            as_of,
            phases,
            studies,
        } = self;
        name.shift(d);
        title.shift(d);
        from.shift(d);
        as_of.shift(d);
        phases.shift(d);
        studies.shift(d);
    }
}

impl Shift for AmountRange {
    fn shift(&mut self, d: i64) {
        let AmountRange {
            low: _,
            high: _,
            unit,
            span,
        } = self;
        unit.shift(d);
        span.shift(d);
    }
}

impl Shift for Phase {
    fn shift(&mut self, d: i64) {
        let Phase {
            every,
            length,
            span,
        } = self;
        every.shift(d);
        span.shift(d);
        match length {
            PhaseLength::For(range) => range.shift(d),
            PhaseLength::Until { total, at_least: _ } => total.shift(d),
            PhaseLength::UntilDate {
                date,
                after,
                at_least: _,
            } => {
                match date {
                    UntilAnchor::Date(lit) => lit.shift(d),
                    UntilAnchor::Name(id) => id.shift(d),
                }
                after.shift(d);
            }
        }
    }
}

impl Shift for Study {
    fn shift(&mut self, d: i64) {
        let Study {
            names,
            alternating: _,
            when,
            span,
        } = self;
        names.shift(d);
        when.shift(d);
        span.shift(d);
    }
}

impl Shift for Section {
    fn shift(&mut self, d: i64) {
        let Section {
            id,
            title,
            when,
            exhaustive: _,
            items,
        } = self;
        id.shift(d);
        title.shift(d);
        when.shift(d);
        items.shift(d);
    }
}

impl Shift for Reference {
    fn shift(&mut self, d: i64) {
        let Reference {
            number: _,
            text,
            span,
        } = self;
        text.shift(d);
        span.shift(d);
    }
}

impl Shift for Recommendation {
    fn shift(&mut self, d: i64) {
        let Recommendation {
            kind: _,
            kind_span,
            id,
            fields,
        } = self;
        kind_span.shift(d);
        id.shift(d);
        fields.shift(d);
    }
}

impl Shift for Cite {
    fn shift(&mut self, d: i64) {
        let Cite {
            from: _,
            to: _,
            span,
        } = self;
        span.shift(d);
    }
}

impl Shift for RecField {
    fn shift(&mut self, d: i64) {
        match self {
            RecField::Strength(choice) => choice.shift(d),
            RecField::Kind(choice) => choice.shift(d),
            RecField::About(x) | RecField::Schedule(x) => x.shift(d),
            RecField::When(e) => e.shift(d),
            RecField::Statement(t) | RecField::Rationale(t) | RecField::Note(t) => t.shift(d),
            RecField::See(t) => t.shift(d),
            RecField::Alternative(name, t) => {
                name.shift(d);
                t.shift(d);
            }
            RecField::Detail(name, values) => {
                name.shift(d);
                values.shift(d);
            }
            RecField::Cite(cites) => cites.shift(d),
            RecField::Excludes(ids) => ids.shift(d),
            RecField::Acknowledge {
                finding,
                with,
                reason,
            } => {
                finding.shift(d);
                with.shift(d);
                reason.shift(d);
            }
        }
    }
}

impl Shift for DetailValue {
    fn shift(&mut self, d: i64) {
        match self {
            DetailValue::Dose {
                total,
                fractions: _,
                span,
            } => {
                total.shift(d);
                span.shift(d);
            }
            DetailValue::Interval { range, after } => {
                range.shift(d);
                after.shift(d);
            }
            DetailValue::Quantity(q) => q.shift(d),
            DetailValue::Text(t) => t.shift(d),
        }
    }
}

impl Shift for QuantityLit {
    fn shift(&mut self, d: i64) {
        let QuantityLit {
            value: _,
            unit,
            span,
        } = self;
        unit.shift(d);
        span.shift(d);
    }
}

impl Shift for Literal {
    fn shift(&mut self, d: i64) {
        match self {
            Literal::Bool(_, span) => span.shift(d),
            Literal::Number {
                value: _,
                is_integer: _,
                span,
            } => span.shift(d),
            Literal::Quantity(q) => q.shift(d),
            Literal::Date(date) => date.shift(d),
            Literal::Text(t) => t.shift(d),
        }
    }
}

impl Shift for Expr {
    fn shift(&mut self, d: i64) {
        let Expr { kind, span } = self;
        span.shift(d);
        match kind {
            ExprKind::Literal(l) => l.shift(d),
            ExprKind::Name(n) => n.shift(d),
            ExprKind::Field(a, b) => {
                a.shift(d);
                b.shift(d);
            }
            ExprKind::Not(e)
            | ExprKind::Neg(e)
            | ExprKind::IsKnown(e, _)
            | ExprKind::IsEmpty(e) => e.shift(d),
            ExprKind::InUnit(e, unit) | ExprKind::AsUnit(e, unit) => {
                e.shift(d);
                unit.shift(d);
            }
            ExprKind::Contains {
                list,
                quantifier: _,
                values,
            } => {
                list.shift(d);
                values.shift(d);
            }
            ExprKind::Binary(_, a, b) | ExprKind::Implies { a, b, excludes: _ } => {
                a.shift(d);
                b.shift(d);
            }
            ExprKind::In {
                value,
                set,
                negated: _,
            } => {
                value.shift(d);
                set.shift(d);
            }
            ExprKind::Quantified(_, items) => items.shift(d),
            ExprKind::Count { bound, items } => {
                bound.shift(d);
                items.shift(d);
            }
            ExprKind::CountList {
                bound,
                list,
                values,
            } => {
                bound.shift(d);
                list.shift(d);
                values.shift(d);
            }
            ExprKind::Score(items) => items.shift(d),
            ExprKind::Call(_, args) => args.shift(d),
            ExprKind::First {
                branches,
                otherwise,
            } => {
                branches.shift(d);
                otherwise.shift(d);
            }
        }
    }
}
