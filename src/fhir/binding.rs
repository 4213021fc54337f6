//! FHIR stage (bindings): the checked model of a binding file, what
//! extraction, synthesis, data requirements and the CDS service read.
//!
//! A binding says, for each fact of one guideline, how a data source (FHIR
//! R4) records it: one or more [`Shape`]s, each a kind of resource with its
//! codes and filters and the way the fact's value is read from it, and the
//! [`Pick`] rule that combines several matching resources. It is made only
//! by [`super::load_binding`], which checks it against the guideline, so
//! every fact, system, valueset and value in it is known to be valid; its
//! parts are read-only to the rest of the crate. Fact values are held in the
//! case file's JSON form (`true`, `"leiomyosarcoma"`, `"never"`, `3`).

use crate::check::model::FactId;
use crate::fhir::path::Path;
use crate::source::{FileId, SourceMap};
use std::collections::{BTreeMap, BTreeSet};

/// A checked binding of one guideline to one data source.
#[derive(Debug)]
pub struct Binding {
    pub(crate) source: String,
    pub(crate) version: Option<String>,
    pub(crate) guideline: Option<String>,
    pub(crate) systems: BTreeMap<String, String>,
    pub(crate) valuesets: BTreeMap<String, ValueSet>,
    pub(crate) unbound: BTreeMap<String, String>,
    pub(crate) facts: Vec<FactBinding>,
    pub(crate) sources: SourceMap,
    pub(crate) file: FileId,
}

impl Binding {
    /// The data source it reads (`FHIR R4`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The binding's own version, if it gives one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The guideline file it names (relative to the binding; informative).
    pub fn guideline(&self) -> Option<&str> {
        self.guideline.as_deref()
    }

    /// The bound facts, in the guideline's declaration order.
    pub fn facts(&self) -> &[FactBinding] {
        &self.facts
    }

    /// The binding of the fact `name`, if it is bound.
    pub fn fact(&self, name: &str) -> Option<&FactBinding> {
        self.facts.iter().find(|f| f.name == name)
    }

    /// `[systems]`: the names the binding and the guideline's enum codes
    /// use, with their URIs.
    pub fn systems(&self) -> &BTreeMap<String, String> {
        &self.systems
    }

    /// The URI of the system `name` (`sct` → `http://snomed.info/sct`).
    pub fn system_uri(&self, name: &str) -> Option<&str> {
        self.systems.get(name).map(String::as_str)
    }

    /// The loaded valueset `name`.
    pub fn valueset(&self, name: &str) -> Option<&ValueSet> {
        self.valuesets.get(name)
    }

    /// `[unbound]`: facts deliberately not read from this source, with why.
    pub fn unbound(&self) -> &BTreeMap<String, String> {
        &self.unbound
    }

    /// The binding's TOML text, for rendering its diagnostics.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The binding file in [`Binding::sources`].
    pub fn file(&self) -> FileId {
        self.file
    }
}

/// How one fact is read.
#[derive(Debug)]
pub struct FactBinding {
    /// The fact's name.
    pub name: String,
    /// The fact.
    pub fact: FactId,
    /// What absence means, when the binding declares a closed world.
    pub closed_world: Option<ClosedWorld>,
    /// How several candidate values combine.
    pub pick: Pick,
    /// The ways a resource records the fact; at least one.
    pub shapes: Vec<Shape>,
}

/// A declared closed world: when no resource matches, the fact takes
/// `value`, and `reason` is echoed in the extraction block.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedWorld {
    /// The value, in case-file JSON form.
    pub value: serde_json::Value,
    /// Why absence means this value.
    pub reason: String,
}

/// How candidate values from several resources combine into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// All must agree; a disagreement is unknown with a warning.
    Agree,
    /// The value of the resource with the latest date.
    Latest,
    /// The value of the resource with the earliest date.
    Earliest,
    /// Booleans: true when any resource says true, false when all say false.
    AnyTrue,
}

impl Pick {
    /// The spelling in binding files.
    pub fn as_str(self) -> &'static str {
        match self {
            Pick::Agree => "agree",
            Pick::Latest => "latest",
            Pick::Earliest => "earliest",
            Pick::AnyTrue => "any-true",
        }
    }

    /// Every pick rule, for messages.
    pub const ALL: [Pick; 4] = [Pick::Agree, Pick::Latest, Pick::Earliest, Pick::AnyTrue];
}

/// One way of recording a fact.
#[derive(Debug)]
pub enum Shape {
    /// `from = "as_of"`: the extraction's as-of date.
    AsOf,
    /// Resources of one type (boxed: it is large, and `AsOf` empty).
    Resource(Box<ResourceShape>),
}

/// Resources of one type that record the fact.
#[derive(Debug)]
pub struct ResourceShape {
    /// The resource type (`Condition`).
    pub resource: String,
    /// Codings, one of which must be at `code_path` (empty: no code test,
    /// unless `valueset` is given).
    pub codes: Vec<Coding>,
    /// A valueset, one of whose codings must be at `code_path`.
    pub valueset: Option<String>,
    /// Where the codes are (default `code`).
    pub code_path: Expr,
    /// Equality filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// A free FHIRPath boolean that must be true.
    pub where_: Option<Expr>,
    /// How the value is read.
    pub read: Read,
    /// Expected UCUM units of a quantity (empty: any of the dimension).
    pub units: Vec<String>,
    /// The paths of the resource's date, tried in order.
    pub date: Vec<Expr>,
}

/// How a matching resource gives the fact's value.
#[derive(Debug)]
pub enum Read {
    /// A matching resource asserts this value (case-file JSON form).
    Present(serde_json::Value),
    /// The value is read by a FHIRPath, then converted by the fact's type:
    /// codes through `map` (first), then the enum's own code bindings.
    Value {
        /// The path, relative to the resource.
        path: Expr,
        /// Codings (or plain codes) to values.
        map: Vec<(Coding, serde_json::Value)>,
    },
}

/// An equality filter: some item of `path` equals `value`.
#[derive(Debug)]
pub struct Filter {
    /// The path.
    pub path: Expr,
    /// The literal.
    pub value: Literal,
}

/// A filter's literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string (also matches a code).
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
}

/// A coding: a system URI and a code. A map key written without `|` is a
/// plain code (`female`), with no system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coding {
    /// The system's URI, or `None` for a plain code.
    pub system: Option<String>,
    /// The code.
    pub code: String,
}

impl std::fmt::Display for Coding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.system {
            Some(s) => write!(f, "{s}|{}", self.code),
            None => f.write_str(&self.code),
        }
    }
}

/// A local, pre-expanded valueset: a set of `(system URI, code)` pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueSet {
    /// Its canonical URL, when the file gives one.
    pub url: Option<String>,
    /// The codings.
    pub codings: BTreeSet<(String, String)>,
}

/// A parsed FHIRPath expression with the text it was written as.
pub struct Expr {
    /// The text, as in the binding.
    pub text: String,
    /// The parsed path.
    pub path: Path,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.text)
    }
}
