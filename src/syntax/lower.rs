//! Syntax stage: converts pest pairs for declarations into the typed AST.
//!
//! The grammar guarantees the shape of each pair, so a missing child here
//! means a grammar/lowering mismatch, not bad input; such cases drop the
//! declaration quietly rather than panic, and the tests catch them.

use super::ast::*;
use super::error::SyntaxError;
use super::Rule;
use crate::diagnostics::Diagnostics;
use crate::source::{FileId, Span};
use pest::iterators::Pair;

/// Lowering context: the file being lowered and where to report problems.
pub struct Lower<'d> {
    pub(super) file: FileId,
    pub(super) diagnostics: &'d mut Diagnostics,
    /// Where the parsed text starts in the file (recovery parses each
    /// declaration on its own, without copying the text before it).
    offset: usize,
}

impl<'d> Lower<'d> {
    /// A context for `file`.
    pub fn new(file: FileId, diagnostics: &'d mut Diagnostics) -> Lower<'d> {
        Lower::at(file, 0, diagnostics)
    }

    /// A context for text that starts at byte `offset` of `file`.
    pub fn at(file: FileId, offset: usize, diagnostics: &'d mut Diagnostics) -> Lower<'d> {
        Lower {
            file,
            diagnostics,
            offset,
        }
    }

    /// The span of a pair, without the whitespace and comments pest may
    /// have skipped at its end while trying an optional tail.
    pub(super) fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let text = trim_trailing_trivia(pair.as_str());
        let start = self.offset + s.start();
        Span::new(self.file, start, start + text.len())
    }

    pub(super) fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// Lowers a whole `file` pair.
    pub fn file(&mut self, pair: Pair<Rule>) -> Vec<Decl> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::decl)
            .filter_map(|p| self.decl(p))
            .collect()
    }

    /// Lowers a `lone_decl` pair.
    pub fn lone_decl(&mut self, pair: Pair<Rule>) -> Option<Decl> {
        let decl = pair.into_inner().find(|p| p.as_rule() == Rule::decl)?;
        self.decl(decl)
    }

    fn decl(&mut self, pair: Pair<Rule>) -> Option<Decl> {
        let mut doc = Vec::new();
        let mut kind = None;
        let mut span = self.span(&pair);
        for child in pair.into_inner() {
            if child.as_rule() == Rule::doc {
                doc.push(doc_text(child.as_str()));
                continue;
            }
            span = self.span(&child);
            kind = Some(match child.as_rule() {
                Rule::header => DeclKind::Header(self.header(child)?),
                Rule::include => DeclKind::Include(self.text(child.into_inner().nth(1)?)),
                Rule::fact => DeclKind::Fact(self.fact(child)?),
                Rule::group => DeclKind::Group(self.group(child)?),
                Rule::define => DeclKind::Define(self.define(child)?),
                Rule::constraint => DeclKind::Constraint(self.constraint(child)?),
                Rule::grading => DeclKind::Grading(self.grading(child)?),
                Rule::table => DeclKind::Table(self.table(child)?),
                Rule::schedule => DeclKind::Schedule(self.schedule(child)?),
                Rule::section => DeclKind::Section(self.section(child)?),
                Rule::references => DeclKind::References(self.references(child)?),
                Rule::recommendation => DeclKind::Recommendation(self.recommendation(child)?),
                _ => return None,
            });
        }
        Some(Decl {
            doc,
            kind: kind?,
            span,
        })
    }

    fn header(&mut self, pair: Pair<Rule>) -> Option<Header> {
        let mut inner = pair.into_inner().skip(1);
        let id = self.ident(inner.next()?);
        let mut fields = Vec::new();
        for field in inner {
            let span = self.span(&field);
            let mut parts = field.into_inner();
            let key = self.ident(parts.next()?);
            let value_pair = parts.next()?;
            let mut texts = Vec::new();
            let mut date = None;
            let mut word = None;
            for v in value_pair.into_inner() {
                match v.as_rule() {
                    Rule::string => texts.push(self.text(v)),
                    Rule::date_lit => date = Some(self.date(v)),
                    Rule::ident => word = Some(self.ident(v)),
                    _ => {}
                }
            }
            let value = if !texts.is_empty() {
                HeaderValue::Texts(texts, date)
            } else if let Some(d) = date {
                HeaderValue::Date(d)
            } else {
                HeaderValue::Word(word?)
            };
            fields.push(HeaderField { key, value, span });
        }
        Some(Header { id, fields })
    }

    fn fact(&mut self, pair: Pair<Rule>) -> Option<Fact> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let description = self.text(inner.next()?);
        let ty = self.type_expr(inner.next()?)?;
        let (mut or_never, mut absent) = (None, None);
        for part in inner {
            match part.as_rule() {
                Rule::or_never => or_never = Some(self.span(&part)),
                Rule::absent_means => absent = self.absent(part),
                _ => {}
            }
        }
        Some(Fact {
            name,
            description,
            ty,
            or_never,
            absent,
        })
    }

    fn absent(&mut self, pair: Pair<Rule>) -> Option<Absent> {
        let span = self.span(&pair);
        let word = pair.into_inner().nth(2)?;
        let value = match word.as_rule() {
            Rule::kw_true => AbsentValue::Bool(true),
            Rule::kw_false => AbsentValue::Bool(false),
            Rule::kw_never => AbsentValue::Never,
            Rule::kw_none => AbsentValue::Empty,
            _ => AbsentValue::Name(self.ident(word)),
        };
        Some(Absent { value, span })
    }

    fn group(&mut self, pair: Pair<Rule>) -> Option<Group> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let title = self.text(inner.next()?);
        let mut facts = Vec::new();
        for item in inner {
            let mut doc = Vec::new();
            for part in item.into_inner() {
                match part.as_rule() {
                    Rule::doc => doc.push(doc_text(part.as_str())),
                    Rule::fact => {
                        let span = self.span(&part);
                        if let Some(f) = self.fact(part) {
                            facts.push((std::mem::take(&mut doc), f, span));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Group { name, title, facts })
    }

    pub(super) fn type_expr(&mut self, pair: Pair<Rule>) -> Option<TypeExpr> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::bool_type => TypeExpr::Bool(span),
            Rule::date_type => TypeExpr::Date(span),
            Rule::integer_type => {
                let bounds: Vec<i64> = inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::signed_int)
                    .map(|p| self.int(&p).unwrap_or(0))
                    .collect();
                let range = match bounds.as_slice() {
                    [lo, hi] => Some((*lo, *hi)),
                    _ => None,
                };
                TypeExpr::Integer { range, span }
            }
            Rule::number_type => {
                let range = match inner.into_inner().nth(1) {
                    Some(r) => Some(self.decimal_range(r)?),
                    None => None,
                };
                TypeExpr::Number { range, span }
            }
            Rule::quantity_type => {
                let mut parts = inner.into_inner().skip(1);
                let unit = self.ident(parts.next()?);
                let (mut range, mut conversions) = (None, Vec::new());
                for p in parts {
                    match p.as_rule() {
                        Rule::decimal_range => range = Some(self.decimal_range(p)?),
                        Rule::unit_conversion => conversions.push(self.unit_conversion(p)?),
                        _ => {}
                    }
                }
                TypeExpr::Quantity {
                    unit,
                    range,
                    conversions,
                    span,
                }
            }
            Rule::enum_type => TypeExpr::Enum {
                values: self.enum_values(inner)?,
                span,
            },
            Rule::list_type => {
                let values = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::enum_type)?;
                TypeExpr::List {
                    values: self.enum_values(values)?,
                    span,
                }
            }
            _ => return None,
        })
    }

    /// The values of an `enum_type` pair.
    fn enum_values(&mut self, inner: Pair<Rule>) -> Option<Vec<EnumValue>> {
        {
            {
                let mut values = Vec::new();
                for v in inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::enum_value)
                {
                    let mut doc = Vec::new();
                    let mut name = None;
                    let mut label = None;
                    let mut codes = Vec::new();
                    for part in v.into_inner() {
                        match part.as_rule() {
                            Rule::doc => doc.push(doc_text(part.as_str())),
                            Rule::ident => name = Some(self.ident(part)),
                            Rule::string => label = Some(self.text(part)),
                            Rule::code => {
                                let mut c = part.into_inner().skip(1);
                                let system = self.ident(c.next()?);
                                let code = self.text(c.next()?);
                                codes.push(Code { system, code });
                            }
                            _ => {}
                        }
                    }
                    values.push(EnumValue {
                        doc,
                        name: name?,
                        label,
                        codes,
                    });
                }
                Some(values)
            }
        }
    }

    fn define(&mut self, pair: Pair<Rule>) -> Option<Define> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let description = self.text(inner.next()?);
        let mut ty = None;
        let mut body = None;
        for p in inner {
            match p.as_rule() {
                Rule::type_expr => ty = self.type_expr(p),
                Rule::expr => body = self.expr(p),
                _ => {}
            }
        }
        Some(Define {
            name,
            description,
            ty,
            body: body?,
        })
    }

    fn constraint(&mut self, pair: Pair<Rule>) -> Option<Constraint> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let description = self.text(inner.next()?);
        let condition = self.expr(inner.next()?)?;
        Some(Constraint {
            name,
            description,
            condition,
        })
    }

    /// Lowers a `strength_choice` or `kind_choice`: the first value, then
    /// `when COND otherwise` and the rest of the chain, flattened.
    fn choice<T>(
        &mut self,
        pair: Pair<Rule>,
        value: impl Fn(&mut Self, Pair<Rule>) -> Option<T>,
    ) -> Option<Choice<T>> {
        let mut branches = Vec::new();
        let mut cur = pair;
        loop {
            let mut parts = cur.into_inner();
            let first = value(self, parts.next()?)?;
            let Some(cond) = parts.find(|p| p.as_rule() == Rule::expr) else {
                return Some(Choice {
                    branches,
                    otherwise: first,
                });
            };
            branches.push((self.expr(cond)?, first));
            cur =
                parts.find(|p| matches!(p.as_rule(), Rule::strength_choice | Rule::kind_choice))?;
        }
    }

    fn strength_value(&mut self, pair: Pair<Rule>) -> Option<StrengthValue> {
        let span = self.span(&pair);
        let mut words = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::kw_none => return Some(StrengthValue::None(self.span(&inner))),
                _ => words.push(self.ident(inner)),
            }
        }
        (!words.is_empty()).then_some(StrengthValue::Words(words, span))
    }

    /// Lowers a `grading NAME "TITLE" { VALUE "DESCRIPTION" ... }` declaration.
    fn grading(&mut self, pair: Pair<Rule>) -> Option<Grading> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let title = self.text(inner.next()?);
        let mut values = Vec::new();
        for value in inner.filter(|p| p.as_rule() == Rule::grading_value) {
            let mut doc = Vec::new();
            let mut word = None;
            let mut description = None;
            let mut span = self.span(&value);
            for part in value.into_inner() {
                match part.as_rule() {
                    Rule::doc => doc.push(doc_text(part.as_str())),
                    Rule::string => {
                        span = span.to(self.span(&part));
                        description = Some(self.text(part));
                    }
                    _ => {
                        span = self.span(&part);
                        word = Some(self.ident(part));
                    }
                }
            }
            values.push(GradingValue {
                doc,
                name: word?,
                description,
                span,
            });
        }
        Some(Grading {
            name,
            title,
            values,
        })
    }

    fn rec_kind(&mut self, pair: Pair<Rule>) -> Option<(RecKind, Span)> {
        let span = self.span(&pair);
        let kind = match pair.into_inner().next()?.as_rule() {
            Rule::kw_recommend => RecKind::Recommend,
            Rule::kw_suggest => RecKind::Suggest,
            Rule::kw_option => RecKind::Option,
            Rule::kw_consider => RecKind::Consider,
            Rule::kw_do_not_offer => RecKind::DoNotOffer,
            Rule::kw_discourage => RecKind::Discourage,
            Rule::kw_refer => RecKind::Refer,
            _ => RecKind::Inform,
        };
        Some((kind, span))
    }

    fn table(&mut self, pair: Pair<Rule>) -> Option<Table> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let title = self.text(inner.next()?);
        let mut table = Table {
            name,
            title,
            keys: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            cites: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::table_keys => {
                    table.keys = p
                        .into_inner()
                        .filter(|k| k.as_rule() == Rule::ident)
                        .map(|k| self.ident(k))
                        .collect()
                }
                Rule::table_column => {
                    let mut c = p.into_inner().skip(1);
                    let name = self.ident(c.next()?);
                    let label = self.text(c.next()?);
                    let ty = self.type_expr(c.next()?)?;
                    table.columns.push(Column { name, label, ty });
                }
                Rule::table_row => {
                    let span = self.span(&p);
                    let mut keys = Vec::new();
                    let mut cells = Vec::new();
                    for part in p.into_inner() {
                        match part.as_rule() {
                            Rule::row_key => keys.push(self.row_key(part)?),
                            Rule::literal => cells.push(self.literal(part)?),
                            _ => {}
                        }
                    }
                    table.rows.push(Row { keys, cells, span });
                }
                Rule::cite_field => table.cites.extend(self.cites(p)),
                _ => {}
            }
        }
        Some(table)
    }

    /// Lowers a `row_key`: `_`, an enum value, a value, a range or a bound.
    fn row_key(&mut self, pair: Pair<Rule>) -> Option<RowKey> {
        let k = pair.into_inner().next()?;
        let span = self.span(&k);
        Some(match k.as_rule() {
            Rule::ident => RowKey::Value(self.ident(k)),
            Rule::key_value => RowKey::Exact(self.key_value(k)?),
            Rule::key_range => {
                let mut parts = k.into_inner().filter(|p| p.as_rule() == Rule::key_value);
                let from = self.key_value(parts.next()?)?;
                let to = self.key_value(parts.next()?)?;
                RowKey::Range { from, to, span }
            }
            Rule::key_bound => {
                let mut parts = k.into_inner();
                let op = match parts.next()?.as_str() {
                    "<" => BinOp::Lt,
                    "<=" | "≤" => BinOp::Le,
                    ">" => BinOp::Gt,
                    _ => BinOp::Ge,
                };
                let value = self.key_value(parts.next()?)?;
                RowKey::Bound { op, value, span }
            }
            _ => RowKey::Any(span),
        })
    }

    /// Lowers a `key_value`: a literal, negated after a leading `-`.
    fn key_value(&mut self, pair: Pair<Rule>) -> Option<Literal> {
        let span = self.span(&pair);
        let mut negative = false;
        let mut lit = None;
        for p in pair.into_inner() {
            let inner_span = self.span(&p);
            lit = Some(match p.as_rule() {
                Rule::key_minus => {
                    negative = true;
                    continue;
                }
                Rule::date_lit => Literal::Date(self.date(p)),
                Rule::quantity_lit => Literal::Quantity(self.quantity(p)?),
                _ => Literal::Number {
                    value: self.number(&p)?,
                    is_integer: !p.as_str().contains('.'),
                    span: inner_span,
                },
            });
        }
        Some(match lit? {
            Literal::Number {
                value, is_integer, ..
            } if negative => Literal::Number {
                value: -value,
                is_integer,
                span,
            },
            Literal::Quantity(q) if negative => Literal::Quantity(QuantityLit {
                value: -q.value,
                span,
                ..q
            }),
            other => other,
        })
    }

    fn schedule(&mut self, pair: Pair<Rule>) -> Option<Schedule> {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let title = self.text(inner.next()?);
        let from = self.ident(inner.nth(1)?);
        let mut as_of = None;
        let mut phases = Vec::new();
        let mut studies = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::as_of => as_of = Some(self.ident(p.into_inner().nth(2)?)),
                Rule::phase => {
                    let span = self.span(&p);
                    let mut parts = p.into_inner().skip(1);
                    let every = self.amount(parts.next()?)?;
                    let len = parts.next()?;
                    let length = match len.as_rule() {
                        Rule::phase_for => PhaseLength::For(self.amount(len.into_inner().nth(1)?)?),
                        _ => self.until(len)?,
                    };
                    phases.push(Phase {
                        every,
                        length,
                        span,
                    });
                }
                Rule::study => {
                    let span = self.span(&p);
                    let mut study = Study {
                        names: Vec::new(),
                        alternating: false,
                        when: None,
                        span,
                    };
                    for part in p.into_inner() {
                        match part.as_rule() {
                            Rule::string => study.names.push(self.text(part)),
                            Rule::alternating => {
                                study.alternating = true;
                                for s in part.into_inner().filter(|s| s.as_rule() == Rule::string) {
                                    study.names.push(self.text(s));
                                }
                            }
                            Rule::expr => study.when = self.expr(part),
                            _ => {}
                        }
                    }
                    studies.push(study);
                }
                _ => {}
            }
        }
        Some(Schedule {
            name,
            title,
            from,
            as_of,
            phases,
            studies,
        })
    }

    /// A phase's `until` clause: a time since the start, or a date.
    fn until(&mut self, pair: Pair<Rule>) -> Option<PhaseLength> {
        let mut at_least = false;
        let mut amount = None;
        let mut date = None;
        for x in pair.into_inner() {
            match x.as_rule() {
                Rule::at_least => at_least = true,
                Rule::amount_range => amount = Some(self.amount(x)?),
                Rule::date_lit => date = Some(UntilAnchor::Date(self.date(x))),
                Rule::ident => date = Some(UntilAnchor::Name(self.ident(x))),
                Rule::until_after => {
                    date = Some(UntilAnchor::Name(self.ident(x.into_inner().nth(1)?)));
                }
                _ => {}
            }
        }
        Some(match date {
            Some(date) => PhaseLength::UntilDate {
                date,
                after: amount,
                at_least,
            },
            None => PhaseLength::Until {
                total: amount?,
                at_least,
            },
        })
    }

    fn section(&mut self, pair: Pair<Rule>) -> Option<Section> {
        let mut inner = pair.into_inner().skip(1);
        let id = self.ident(inner.next()?);
        let title = self.text(inner.next()?);
        let mut section = Section {
            id,
            title,
            when: None,
            exhaustive: false,
            items: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::expr => section.when = self.expr(p),
                Rule::exhaustive => section.exhaustive = true,
                Rule::decl => {
                    if let Some(d) = self.decl(p) {
                        section.items.push(d);
                    }
                }
                _ => {}
            }
        }
        Some(section)
    }

    fn references(&mut self, pair: Pair<Rule>) -> Option<Vec<Reference>> {
        let mut refs = Vec::new();
        for r in pair.into_inner().filter(|p| p.as_rule() == Rule::reference) {
            let span = self.span(&r);
            let mut parts = r.into_inner();
            let number = self.int(&parts.next()?)? as u32;
            let text = self.text(parts.next()?);
            refs.push(Reference { number, text, span });
        }
        Some(refs)
    }

    fn recommendation(&mut self, pair: Pair<Rule>) -> Option<Recommendation> {
        let mut inner = pair.into_inner();
        let (kind, kind_span) = self.rec_kind(inner.next()?)?;
        let id = self.ident(inner.next()?);
        let mut fields = Vec::new();
        for f in inner {
            let Some(field) = f.into_inner().next() else {
                continue;
            };
            if let Some(lowered) = self.rec_field(field) {
                fields.push(lowered);
            }
        }
        Some(Recommendation {
            kind,
            kind_span,
            id,
            fields,
        })
    }

    fn rec_field(&mut self, field: Pair<Rule>) -> Option<RecField> {
        let rule = field.as_rule();
        let mut parts = field.into_inner().skip(1);
        Some(match rule {
            Rule::strength_field => {
                RecField::Strength(self.choice(parts.next()?, Self::strength_value)?)
            }
            Rule::kind_field => RecField::Kind(self.choice(parts.next()?, Self::rec_kind)?),
            Rule::about_field => RecField::About(self.ident(parts.next()?)),
            Rule::when_field => RecField::When(self.expr(parts.next()?)?),
            Rule::statement_field => RecField::Statement(self.text(parts.next()?)),
            Rule::rationale_field => RecField::Rationale(self.text(parts.next()?)),
            Rule::note_field => RecField::Note(self.text(parts.next()?)),
            Rule::see_field => RecField::See(self.text(parts.next()?)),
            Rule::follow_field => RecField::Schedule(self.ident(parts.next()?)),
            Rule::alternative_field => {
                let first = parts.next()?;
                if first.as_rule() == Rule::ident {
                    let id = self.ident(first);
                    RecField::Alternative(Some(id), self.text(parts.next()?))
                } else {
                    RecField::Alternative(None, self.text(first))
                }
            }
            Rule::detail_field => {
                let name = self.ident(parts.next()?);
                let mut values = Vec::new();
                for v in parts {
                    values.push(self.detail_value(v)?);
                }
                RecField::Detail(name, values)
            }
            Rule::excludes_field => RecField::Excludes(parts.map(|p| self.ident(p)).collect()),
            Rule::acknowledge_field => {
                let finding = self.ident(parts.next()?);
                let next = parts.next()?;
                if next.as_rule() == Rule::string {
                    RecField::Acknowledge {
                        finding,
                        with: None,
                        reason: self.text(next),
                    }
                } else {
                    // `next` is the `with` keyword; the name follows it.
                    let with = Some(self.ident(parts.next()?));
                    RecField::Acknowledge {
                        finding,
                        with,
                        reason: self.text(parts.next()?),
                    }
                }
            }
            Rule::cite_field => {
                // `cites` expects the whole field; rebuild from the parts.
                let mut cites = Vec::new();
                for item in parts.filter(|p| p.as_rule() == Rule::cite_item) {
                    cites.push(self.cite_item(item)?);
                }
                RecField::Cite(cites)
            }
            _ => return None,
        })
    }

    fn detail_value(&mut self, pair: Pair<Rule>) -> Option<DetailValue> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::dose_value => {
                let mut parts = inner.into_inner();
                let total = self.quantity(parts.next()?)?;
                let fractions = self.int(&parts.nth(1)?)? as u32;
                DetailValue::Dose {
                    total,
                    fractions,
                    span,
                }
            }
            Rule::interval_value => {
                let mut low = None;
                let mut high = None;
                let mut unit = None;
                let mut after = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::number if low.is_none() => low = self.number(&p),
                        Rule::number => high = self.number(&p),
                        Rule::unit => unit = Some(self.ident(p)),
                        Rule::string => after = Some(self.text(p)),
                        _ => {}
                    }
                }
                let low = low?;
                DetailValue::Interval {
                    range: AmountRange {
                        low,
                        high: high.unwrap_or(low),
                        unit: unit?,
                        span,
                    },
                    after,
                }
            }
            Rule::quantity_lit => DetailValue::Quantity(self.quantity(inner)?),
            _ => DetailValue::Text(self.text(inner)),
        })
    }

    pub(super) fn cites(&mut self, pair: Pair<Rule>) -> Vec<Cite> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::cite_item)
            .filter_map(|p| self.cite_item(p))
            .collect()
    }

    fn cite_item(&mut self, pair: Pair<Rule>) -> Option<Cite> {
        let span = self.span(&pair);
        let nums: Vec<u32> = pair
            .into_inner()
            .filter_map(|p| self.int(&p).map(|n| n as u32))
            .collect();
        let from = *nums.first()?;
        Some(Cite {
            from,
            to: nums.get(1).copied().unwrap_or(from),
            span,
        })
    }

    fn decimal(&mut self, pair: &Pair<Rule>) -> Option<Decimal> {
        Some(Decimal {
            value: self.number(pair)?,
            text: pair.as_str().to_string(),
        })
    }

    fn decimal_range(&mut self, pair: Pair<Rule>) -> Option<DecimalRange> {
        let span = self.span(&pair);
        let mut bounds = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::signed_number);
        let low = self.decimal(&bounds.next()?)?;
        let high = self.decimal(&bounds.next()?)?;
        Some(DecimalRange { low, high, span })
    }

    fn unit_conversion(&mut self, pair: Pair<Rule>) -> Option<UnitConversion> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        let rule = inner.as_rule();
        let (mut nums, mut units) = (Vec::new(), Vec::new());
        for p in inner.into_inner() {
            match p.as_rule() {
                Rule::number => nums.push(self.decimal(&p)?),
                Rule::unit => units.push(self.ident(p)),
                _ => {}
            }
        }
        let mut nums = nums.into_iter();
        let mut units = units.into_iter();
        Some(match rule {
            Rule::molar_mass => UnitConversion::MolarMass {
                amount: nums.next()?,
                unit: units.next()?,
                span,
            },
            _ => UnitConversion::Equivalence {
                left: (nums.next()?, units.next()?),
                right: (nums.next()?, units.next()?),
                span,
            },
        })
    }

    fn amount(&mut self, pair: Pair<Rule>) -> Option<AmountRange> {
        let span = self.span(&pair);
        let mut nums = Vec::new();
        let mut unit = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => nums.push(self.number(&p)?),
                Rule::unit => unit = Some(self.ident(p)),
                _ => {}
            }
        }
        let low = *nums.first()?;
        Some(AmountRange {
            low,
            high: nums.get(1).copied().unwrap_or(low),
            unit: unit?,
            span,
        })
    }
}

/// Removes trailing whitespace and `//` comments from a pair's text.
fn trim_trailing_trivia(text: &str) -> &str {
    let mut text = text.trim_end();
    loop {
        let line_start = text.rfind('\n').map(|i| i + 1).unwrap_or(0);
        // Most last lines hold no `//` at all: skip the byte-by-byte scan.
        if !text[line_start..].contains("//") {
            return text;
        }
        match comment_start(&text[line_start..]) {
            Some(at) => text = text[..line_start + at].trim_end(),
            None => return text,
        }
    }
}

/// Where a `//` comment starts in one line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // A quote after the slashes means they were inside a string that
            // began on an earlier line (a URL, say), not a comment.
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                return (!line[i..].contains('"')).then_some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of a `///` doc comment line, without the slashes and one space.
fn doc_text(raw: &str) -> String {
    let body = raw.trim_start_matches("///");
    body.strip_prefix(' ')
        .unwrap_or(body)
        .trim_end()
        .to_string()
}

/// Converts a pest error into a diagnostic with a readable list of what was
/// expected.
pub fn syntax_error(e: pest::error::Error<Rule>, text: &str) -> SyntaxError {
    use pest::error::{ErrorVariant, InputLocation};
    let (mut start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let mut names: Vec<String> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_string)
            .collect(),
        ErrorVariant::CustomError { message } => vec![message.clone()],
    };
    // With error detail on, pest also records the farthest position any
    // rule or literal token was tried at; that is where the user's text
    // really went wrong (a missing `:` after a fact's description, say).
    // A farthest position inside or right after a word comes from a
    // keyword's look-ahead (`bool` in `boolean`); the plain error is better.
    let after_word = |at: usize| {
        text.get(..at)
            .and_then(|t| t.chars().next_back())
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    };
    if let Some(attempts) = e.parse_attempts().filter(|a| !after_word(a.max_position)) {
        if attempts.max_position > start {
            start = attempts.max_position;
            names.clear();
        }
        if attempts.max_position == start {
            // pest does not export the token and attempt types, so they
            // are read through their `Debug` form.
            for token in attempts.expected_tokens() {
                let debug = format!("{token:?}");
                if let Some(literal) = debug
                    .strip_prefix("Sensitive { token: \"")
                    .and_then(|t| t.strip_suffix("\" }"))
                {
                    // Blanks, comments and arithmetic operators can follow
                    // almost anything; listing them hides the useful tokens.
                    let noise = literal.trim().is_empty()
                        || literal.starts_with('\\')
                        || literal.starts_with("//")
                        || ["*", "+", "-", "/"].contains(&literal);
                    if !noise {
                        names.push(format!("`{}`", literal.replace("\\\"", "\"")));
                    }
                }
            }
            for stack in attempts.call_stacks() {
                let debug = format!("{:?}", stack.deepest);
                if let Some(name) = DESCRIBED
                    .iter()
                    .find(|r| debug == format!("Rule({r:?})"))
                    .and_then(|r| describe(*r))
                    .filter(|n| !n.starts_with('`'))
                {
                    names.push(name.to_string());
                }
            }
        }
    }
    // The words that start an expression (`not`, `any`, `min`, `years`,
    // ...) are all "an expression" when that is expected.
    if names.iter().any(|n| n == "an expression") {
        names.retain(|n| {
            let word = n.trim_matches('`');
            !(n.starts_with('`') && word.chars().all(|c| c.is_ascii_lowercase()))
        });
    }
    // "`and` or `or`" is redundant once the tokens themselves are listed.
    if names.iter().any(|n| n.starts_with('`') && !n.contains(' ')) {
        names.retain(|n| !(n.starts_with('`') && n.contains(" or ")));
    }
    // A token already named inside a description ("a type (`bool`, ...)")
    // need not be listed again on its own.
    let descriptions: Vec<String> = names.iter().filter(|n| n.contains(' ')).cloned().collect();
    names.retain(|n| n.contains(' ') || !descriptions.iter().any(|d| d.contains(n.as_str())));
    names.sort_unstable();
    names.dedup();
    let expected = match names.len() {
        0 => "a declaration".to_string(),
        1 => names[0].clone(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    };
    // A declaration cut short (recovery parses each one on its own) ends in
    // blanks: point at its last token rather than at the next declaration.
    let rest = text.get(start..).unwrap_or("");
    let at_end = rest.trim().is_empty();
    if at_end {
        start = text
            .get(..start)
            .map(|t| t.trim_end().len())
            .unwrap_or(start);
    }
    let found = if at_end && start > 0 {
        "the declaration ends here".to_string()
    } else {
        found_at(text, start)
    };
    let len = if end > start && !at_end {
        end - start
    } else {
        1
    };
    let span_start = if at_end {
        start.saturating_sub(1)
    } else {
        start
    };
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    // Misspelt keywords are the commonest syntax error: offer the closest
    // keyword that the grammar expected here.
    let mut keywords: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with('`') && !n.contains(' '))
        .map(|n| n.trim_matches('`').to_string())
        .collect();
    if expected.contains("a type") {
        keywords.extend(["bool", "integer", "quantity", "date", "enum"].map(String::from));
    }
    if expected.contains("a declaration") {
        keywords.extend(DECLARATION_WORDS.iter().map(|w| w.to_string()));
    }
    // A type where a declaration starts lacks the `fact NAME "Title":` it
    // belongs to (`quantity g 0 to 500` on a line of its own).
    if expected.contains("a declaration") && TYPE_WORDS.contains(&word.as_str()) && !at_end {
        return SyntaxError::TypeWithoutFact {
            span: (span_start, word.len()).into(),
            word,
        };
    }
    let close = crate::diagnostics::suggestion(&word, keywords.iter().map(String::as_str))
        .filter(|_| !word.is_empty());
    // A reserved word is a bad name only where a name was expected; an
    // operator anywhere else is a stray one, the rest of its condition lost.
    // The word before the error: an operator there lacks its right side.
    // A field word read as the operator's operand (`when x and` then
    // `statement "..."`) is no operand: look before it.
    let mut before = text.get(..start).unwrap_or("").trim_end();
    let word_ends = |rest: &str| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_');
    if let Some(rest) = FIELD_WORDS
        .iter()
        .find_map(|f| before.strip_suffix(*f).filter(|r| word_ends(r)))
    {
        before = rest.trim_end();
    }
    let dangling = BINARY
        .iter()
        .find(|op| before.strip_suffix(**op).is_some_and(word_ends));
    let help = if let Some(op) = dangling {
        format!("`{op}` needs a condition after it: complete the condition, or remove the `{op}`")
    } else if RESERVED.contains(&word.as_str()) && expected.contains("a name") {
        format!(
            "`{word}` is a reserved word and cannot be a name; choose another, such as `n_{word}`"
        )
    } else if BINARY.contains(&word.as_str()) {
        format!(
            "`{word}` joins two conditions, but no condition goes on here: \
             remove the stray `{word}` or join it to the condition it continues"
        )
    } else if let Some(close) = close {
        close
    } else {
        help_for(&expected)
    };
    SyntaxError::Unexpected {
        help,
        expected,
        span: (span_start, len).into(),
        found,
    }
}

/// Describes the input at `offset` for the label of a syntax error.
fn found_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(24)
        .collect();
    if word.is_empty() {
        if rest.is_empty() {
            "file ends here".to_string()
        } else {
            "unexpected whitespace".to_string()
        }
    } else {
        format!("found `{word}`")
    }
}

fn help_for(expected: &str) -> String {
    if expected.contains("declaration") {
        "a file is a list of declarations: `guideline`, `include`, `grading`, `fact`, `group`, `define`, `constraint`, `table`, `schedule`, `section`, `references`, or a recommendation (`recommend`, `suggest`, `option`, `consider`, `do-not-offer`, `discourage`, `refer`, `inform`)".to_string()
    } else if expected.contains("recommendation field") || expected.contains("`statement`") {
        "a recommendation holds `strength`, `kind`, `about`, `when`, `statement`, `rationale`, `alternative`, `note`, `detail`, `schedule`, `cite` and `see` fields".to_string()
    } else {
        "see grammar/README.md for the syntax of each construct".to_string()
    }
}

/// The words that start a declaration.
pub(super) const DECLARATION_WORDS: &[&str] = &[
    "guideline",
    "include",
    "grading",
    "fact",
    "group",
    "define",
    "constraint",
    "table",
    "schedule",
    "section",
    "references",
    "recommend",
    "suggest",
    "option",
    "consider",
    "do-not-offer",
    "discourage",
    "refer",
    "inform",
];

/// The words that start a recommendation's fields (the grammar's
/// `field_word`, the ones a condition can precede).
const FIELD_WORDS: &[&str] = &[
    "strength",
    "kind",
    "about",
    "statement",
    "rationale",
    "alternative",
    "note",
    "detail",
    "schedule",
    "cite",
    "see",
    "acknowledge",
];

/// The words that start a type.
const TYPE_WORDS: &[&str] = &[
    "bool", "integer", "number", "quantity", "date", "enum", "list",
];

/// The operators that join two conditions; one found where no condition
/// goes on is stray.
const BINARY: &[&str] = &["and", "or", "implies"];

/// Words the grammar reserves (its `keyword` rule).
const RESERVED: &[&str] = &[
    "and",
    "or",
    "implies",
    "not",
    "in",
    "is",
    "known",
    "unknown",
    "true",
    "false",
    "when",
    "then",
    "otherwise",
    "first",
    "of",
    "to",
    "after",
    "fractions",
];

/// The rules [`describe`] has a name for.
const DESCRIBED: &[Rule] = &[
    Rule::decl,
    Rule::ident,
    Rule::path,
    Rule::string,
    Rule::expr,
    Rule::atom,
    Rule::literal,
    Rule::type_expr,
    Rule::rec_field,
    Rule::cmp_op,
    Rule::compare_tail,
    Rule::unit,
    Rule::type_unit,
    Rule::number,
    Rule::signed_number,
    Rule::int_lit,
    Rule::signed_int,
    Rule::date_lit,
    Rule::enum_value,
    Rule::header_field,
    Rule::branch,
    Rule::otherwise,
    Rule::phase,
    Rule::study,
    Rule::table_keys,
    Rule::table_column,
    Rule::table_row,
    Rule::reference,
    Rule::cite_item,
    Rule::strength_word,
    Rule::grading_value,
    Rule::detail_value,
    Rule::kw_and,
    Rule::kw_or,
    Rule::kw_then,
    Rule::kw_to,
    Rule::kw_from,
    Rule::kw_of,
    Rule::kw_fractions,
    Rule::kw_for,
    Rule::kw_until,
    Rule::group_item,
];

/// A readable name for a grammar rule in "expected ..." messages.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::decl | Rule::EOI => "a declaration",
        Rule::ident | Rule::path => "a name",
        Rule::string => "a string",
        Rule::expr | Rule::atom | Rule::literal => "an expression",
        Rule::type_expr => {
            "a type (`bool`, `integer`, `number`, `quantity`, `date`, `enum` or `list` of enum)"
        }
        Rule::rec_field => "a recommendation field",
        Rule::cmp_op | Rule::compare_tail => "a comparison",
        Rule::unit | Rule::type_unit => "a unit",
        Rule::number | Rule::int_lit | Rule::signed_int | Rule::signed_number => "a number",
        Rule::date_lit => "a date (YYYY-MM-DD)",
        Rule::enum_value => "an enum value",
        Rule::header_field => "a header field",
        Rule::branch => "`when ... then ...`",
        Rule::otherwise => "`otherwise`",
        Rule::phase => "a phase (`every ... for ...`)",
        Rule::study => "`study`",
        Rule::table_keys => "`key`",
        Rule::table_column => "`column`",
        Rule::table_row => "`row`",
        Rule::reference => "a reference (`[n] \"...\"`)",
        Rule::cite_item => "a reference number",
        Rule::strength_word => "a strength such as `2C`",
        Rule::grading_value => "a grading value",
        Rule::detail_value => "a detail value",
        Rule::kw_and | Rule::kw_or => "`and` or `or`",
        Rule::kw_then => "`then`",
        Rule::kw_to => "`to`",
        Rule::kw_from => "`from`",
        Rule::kw_of => "`of`",
        Rule::kw_fractions => "`fractions`",
        Rule::kw_for | Rule::kw_until => "`for` or `until`",
        Rule::group_item => "a fact",
        _ => return None,
    })
}
