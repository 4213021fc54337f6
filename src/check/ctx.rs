//! Check stage: the state shared by the checker's passes.
//!
//! The passes run in order: collect (declare every name), header, the
//! definitions and tables (typed on demand, so a definition without a
//! declared type gets its type from its body before anyone reads it),
//! sections, schedules and recommendations, then cycles and unused names.

use super::error::CheckError;
use super::model::{DefId, EnumId, FactId, Model, RecId, ScheduleId, SectionId, TableId, Type};
use crate::diagnostics::Diagnostics;
use crate::source::{SourceMap, Span};
use crate::syntax::ast;
use miette::SourceSpan;
use std::collections::HashMap;

/// What a name in the global namespace refers to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Symbol {
    /// A fact.
    Fact(FactId),
    /// A definition.
    Def(DefId),
    /// A table, with the definition holding its value.
    Table(TableId, DefId),
    /// A recommendation.
    Rec(RecId),
    /// A section.
    Section(SectionId),
    /// A schedule.
    Schedule(ScheduleId),
    /// A list-valued fact (index into [`Model::lists`]).
    List(u32),
}

impl Symbol {
    /// The kind of declaration, in words.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Symbol::Fact(_) => "fact",
            Symbol::Def(_) => "definition",
            Symbol::Table(..) => "table",
            Symbol::Rec(_) => "recommendation",
            Symbol::Section(_) => "section",
            Symbol::Schedule(_) => "schedule",
            Symbol::List(_) => "list fact",
        }
    }
}

/// Where a definition's value comes from, in the AST.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DefSrc<'a> {
    /// A `define`.
    Define(&'a ast::Define),
    /// A `table`.
    Table(TableId, &'a ast::Table),
}

/// How far a definition's typing has got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DefState {
    /// Not typed yet.
    Todo,
    /// Being typed; meeting it again means a cycle.
    Busy,
    /// Typed; `false` when its body had errors, so readers stay quiet.
    Done(bool),
}

/// The checker: the model being built and everything the passes share.
pub(crate) struct Checker<'a> {
    /// The files, to place labels that point into other files.
    pub sources: &'a SourceMap,
    /// The model being built.
    pub model: Model,
    /// Errors and warnings found so far.
    pub diags: Diagnostics,
    /// The global namespace with each name's declaration span.
    pub names: HashMap<String, (Symbol, Span)>,
    /// Enum values by name, to hint which fact an out-of-context value belongs to.
    pub value_owners: HashMap<String, Vec<EnumId>>,
    /// The AST of each definition.
    pub def_src: Vec<DefSrc<'a>>,
    /// Typing state of each definition.
    pub def_state: Vec<DefState>,
    /// True when the definition's type was declared (not inferred).
    pub def_declared: Vec<bool>,
    /// The definitions each definition reads.
    pub def_deps: Vec<Vec<(DefId, Span)>>,
    /// The definitions being typed, innermost last; reads are recorded on the last.
    pub reading: Vec<DefId>,
    /// How deeply the expression being typed is nested.
    pub depth: usize,
    /// True once `too_deep` was reported for the current top-level expression.
    pub deep_reported: bool,
    /// Whether anything reads each fact.
    pub fact_used: Vec<bool>,
    /// False for facts whose declared type had errors, so readers stay quiet.
    pub fact_ok: Vec<bool>,
    /// Whether anything reads each definition.
    pub def_used: Vec<bool>,
    /// The names of declarations that failed to parse: not reported as
    /// unused (when read there) or unknown (when declared there).
    pub skipped: ast::Skipped,
}

impl<'a> Checker<'a> {
    /// A checker with an empty model.
    pub fn new(sources: &'a SourceMap) -> Checker<'a> {
        Checker {
            sources,
            model: Model::default(),
            diags: Diagnostics::new(),
            names: HashMap::new(),
            value_owners: HashMap::new(),
            def_src: Vec::new(),
            def_state: Vec::new(),
            def_declared: Vec::new(),
            def_deps: Vec::new(),
            reading: Vec::new(),
            depth: 0,
            deep_reported: false,
            fact_used: Vec::new(),
            fact_ok: Vec::new(),
            def_used: Vec::new(),
            skipped: ast::Skipped::default(),
        }
    }

    /// True when `name` may be declared by a declaration that failed to
    /// parse: an unknown `name` is then the syntax error seen again.
    pub fn declared_by_skipped(&self, name: &str) -> bool {
        self.skipped.declared.contains(name)
    }

    /// Reports a diagnostic whose primary label is `at`.
    pub fn report<D: miette::Diagnostic + Send + Sync + 'static>(
        &mut self,
        at: Span,
        diagnostic: D,
    ) {
        self.diags.push(at.file, diagnostic);
    }

    /// A second label at `other` when it is in the same file as `at`;
    /// otherwise a help text saying where it is.
    pub fn elsewhere(
        &self,
        at: Span,
        other: Span,
        what: &str,
    ) -> (Option<SourceSpan>, Option<String>) {
        if at.file == other.file {
            (Some(other.miette()), None)
        } else {
            let name = self
                .sources
                .get(other.file)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            let lc = self.sources.line_col(other);
            (
                None,
                Some(format!("{what} at {name}:{}:{}", lc.line, lc.column)),
            )
        }
    }

    /// Declares `name` in the global namespace, or reports a duplicate.
    pub fn declare(&mut self, ident: &ast::Ident, symbol: Symbol) -> bool {
        if let Some((_, first)) = self.names.get(&ident.name).copied() {
            let (first_label, help) = self.elsewhere(ident.span, first, "first declared");
            self.report(
                ident.span,
                CheckError::Duplicate {
                    what: "name",
                    name: ident.name.clone(),
                    span: ident.span.miette(),
                    first: first_label,
                    help,
                },
            );
            false
        } else {
            self.names.insert(ident.name.clone(), (symbol, ident.span));
            true
        }
    }

    /// The name of the thing that declared an enum (for messages).
    pub fn enum_owner(&self, id: EnumId) -> String {
        self.model
            .enum_info(id)
            .map(|e| e.owner.clone())
            .unwrap_or_default()
    }

    /// The index of `value` in the enum `id`.
    pub fn enum_index(&self, id: EnumId, value: &str) -> Option<u32> {
        self.model
            .enum_info(id)?
            .values
            .iter()
            .position(|v| v.name == value)
            .map(|i| i as u32)
    }

    /// "Did you mean" help for a value not in enum `id`, or the list of values.
    pub fn enum_help(&self, id: EnumId, value: &str) -> Option<String> {
        let info = self.model.enum_info(id)?;
        crate::diagnostics::suggestion(value, info.values.iter().map(|v| v.name.as_str())).or_else(
            || {
                let list: Vec<String> = info
                    .values
                    .iter()
                    .map(|v| format!("`{}`", v.name))
                    .collect();
                Some(format!("the values are {}", list.join(", ")))
            },
        )
    }

    /// "Did you mean" help over facts and definitions.
    pub fn value_name_help(&self, name: &str) -> Option<String> {
        let candidates = self
            .names
            .iter()
            .filter(|(_, (s, _))| matches!(s, Symbol::Fact(_) | Symbol::Def(_) | Symbol::Table(..)))
            .map(|(n, _)| n.as_str());
        crate::diagnostics::suggestion(name, candidates)
    }

    /// Marks a fact as read.
    pub fn use_fact(&mut self, id: FactId) {
        if let Some(u) = self.fact_used.get_mut(id.0 as usize) {
            *u = true;
        }
    }

    /// Marks a definition as read, and records the dependency of the
    /// definition being typed, if any.
    pub fn use_def(&mut self, id: DefId, at: Span) {
        if let Some(u) = self.def_used.get_mut(id.0 as usize) {
            *u = true;
        }
        if let Some(reader) = self.reading.last().copied() {
            if let Some(deps) = self.def_deps.get_mut(reader.0 as usize) {
                deps.push((id, at));
            }
        }
    }

    /// A readable name of a type, for messages.
    pub fn type_name(&self, ty: Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Int {
                min: Some(a),
                max: Some(b),
            } => format!("integer {a} to {b}"),
            Type::Int { .. } => "integer".into(),
            Type::Number => "number".into(),
            Type::Quantity { dim, unit } => format!("{} (quantity {})", dim.name(), unit.symbol),
            Type::Date => "date".into(),
            Type::Enum(e) => format!("enum of `{}`", self.enum_owner(e)),
            Type::Row(t) => {
                let name = self
                    .model
                    .tables
                    .get(t.0 as usize)
                    .and_then(|t| self.model.defs.get(t.def.0 as usize))
                    .map(|d| d.name.clone())
                    .unwrap_or_default();
                format!("row of table `{name}`")
            }
        }
    }
}
