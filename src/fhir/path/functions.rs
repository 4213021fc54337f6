//! FHIRPath stage: the table of functions — the subset's own, with their
//! arities, and FHIRPath's others, which are reported as unsupported with
//! the reason rather than as unknown.

/// A function of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `where(criteria)`
    Where,
    /// `select(projection)`
    Select,
    /// `exists([criteria])`
    Exists,
    /// `all(criteria)`
    All,
    /// `empty()`
    Empty,
    /// `count()`
    Count,
    /// `first()`
    First,
    /// `last()`
    Last,
    /// `tail()`
    Tail,
    /// `skip(n)`
    Skip,
    /// `take(n)`
    Take,
    /// `single()`
    Single,
    /// `distinct()`
    Distinct,
    /// `isDistinct()`
    IsDistinct,
    /// `not()`
    Not,
    /// `hasValue()`
    HasValue,
    /// `iif(criterion, then[, else])`
    Iif,
    /// `allTrue()`
    AllTrue,
    /// `anyTrue()`
    AnyTrue,
    /// `allFalse()`
    AllFalse,
    /// `anyFalse()`
    AnyFalse,
    /// `union(other)`
    Union,
    /// `combine(other)`
    Combine,
    /// `intersect(other)`
    Intersect,
    /// `exclude(other)`
    Exclude,
    /// `subsetOf(other)`
    SubsetOf,
    /// `supersetOf(other)`
    SupersetOf,
    /// `extension(url)`
    Extension,
    /// `startsWith(prefix)`
    StartsWith,
    /// `endsWith(suffix)`
    EndsWith,
    /// `contains(substring)` (the function; the operator is membership)
    Contains,
    /// `lower()`
    Lower,
    /// `upper()`
    Upper,
    /// `length()`
    Length,
    /// `substring(start[, length])`
    Substring,
    /// `indexOf(substring)`
    IndexOf,
    /// `toString()`
    ToString,
    /// `toInteger()`
    ToInteger,
    /// `toDecimal()`
    ToDecimal,
    /// `trace(name)`: the input, unchanged (nothing is logged).
    Trace,
}

/// Every function of the subset: name, function, fewest and most arguments.
pub const FUNCTIONS: &[(&str, Func, usize, usize)] = &[
    ("where", Func::Where, 1, 1),
    ("select", Func::Select, 1, 1),
    ("exists", Func::Exists, 0, 1),
    ("all", Func::All, 1, 1),
    ("empty", Func::Empty, 0, 0),
    ("count", Func::Count, 0, 0),
    ("first", Func::First, 0, 0),
    ("last", Func::Last, 0, 0),
    ("tail", Func::Tail, 0, 0),
    ("skip", Func::Skip, 1, 1),
    ("take", Func::Take, 1, 1),
    ("single", Func::Single, 0, 0),
    ("distinct", Func::Distinct, 0, 0),
    ("isDistinct", Func::IsDistinct, 0, 0),
    ("not", Func::Not, 0, 0),
    ("hasValue", Func::HasValue, 0, 0),
    ("iif", Func::Iif, 2, 3),
    ("allTrue", Func::AllTrue, 0, 0),
    ("anyTrue", Func::AnyTrue, 0, 0),
    ("allFalse", Func::AllFalse, 0, 0),
    ("anyFalse", Func::AnyFalse, 0, 0),
    ("union", Func::Union, 1, 1),
    ("combine", Func::Combine, 1, 1),
    ("intersect", Func::Intersect, 1, 1),
    ("exclude", Func::Exclude, 1, 1),
    ("subsetOf", Func::SubsetOf, 1, 1),
    ("supersetOf", Func::SupersetOf, 1, 1),
    ("extension", Func::Extension, 1, 1),
    ("startsWith", Func::StartsWith, 1, 1),
    ("endsWith", Func::EndsWith, 1, 1),
    ("contains", Func::Contains, 1, 1),
    ("lower", Func::Lower, 0, 0),
    ("upper", Func::Upper, 0, 0),
    ("length", Func::Length, 0, 0),
    ("substring", Func::Substring, 1, 2),
    ("indexOf", Func::IndexOf, 1, 1),
    ("toString", Func::ToString, 0, 0),
    ("toInteger", Func::ToInteger, 0, 0),
    ("toDecimal", Func::ToDecimal, 0, 0),
    ("trace", Func::Trace, 1, 2),
];

/// The type functions, parsed apart since their argument is a type.
pub const TYPE_FUNCTIONS: &[&str] = &["ofType", "is", "as"];

/// FHIRPath (N1 and FHIR's additions) functions outside the subset, with
/// why: they are reported as unsupported, not unknown.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "today",
        "the extraction's as-of date stands for today; compare with a date literal",
    ),
    (
        "now",
        "the extraction's as-of date stands for now; compare with a date literal",
    ),
    ("timeOfDay", "the extraction's as-of date stands for now"),
    (
        "resolve",
        "references are not followed: there is no server to resolve them against",
    ),
    (
        "memberOf",
        "no terminology server: use a binding's local `valueset` instead",
    ),
    (
        "conformsTo",
        "profiles are not known without the FHIR model",
    ),
    ("htmlChecks", "narrative is not checked"),
    (
        "children",
        "without the FHIR model the children of a node have no types",
    ),
    (
        "descendants",
        "without the FHIR model the descendants of a node have no types",
    ),
    ("repeat", "not needed by bindings; write the path out"),
    ("aggregate", "not needed by bindings"),
    (
        "matches",
        "regular expressions are not in the subset; use `startsWith`/`contains`",
    ),
    (
        "replaceMatches",
        "regular expressions are not in the subset",
    ),
    ("replace", "not needed by bindings"),
    ("toChars", "not needed by bindings"),
    ("split", "not needed by bindings"),
    ("join", "not needed by bindings"),
    ("trim", "not needed by bindings"),
    ("encode", "not needed by bindings"),
    ("decode", "not needed by bindings"),
    ("toBoolean", "not needed by bindings"),
    (
        "toDate",
        "compare the element with a date literal (`@2024-01-01`) instead",
    ),
    (
        "toDateTime",
        "compare the element with a date-time literal instead",
    ),
    ("toTime", "not needed by bindings"),
    (
        "toQuantity",
        "quantities are read by the binding's `value` and converted by Cairn's UCUM",
    ),
    ("convertsToBoolean", "not needed by bindings"),
    ("convertsToInteger", "not needed by bindings"),
    ("convertsToDecimal", "not needed by bindings"),
    ("convertsToString", "not needed by bindings"),
    ("convertsToDate", "not needed by bindings"),
    ("convertsToDateTime", "not needed by bindings"),
    ("convertsToTime", "not needed by bindings"),
    ("convertsToQuantity", "not needed by bindings"),
    ("abs", "arithmetic beyond `+ - * /` is not in the subset"),
    (
        "ceiling",
        "arithmetic beyond `+ - * /` is not in the subset",
    ),
    ("floor", "arithmetic beyond `+ - * /` is not in the subset"),
    ("round", "arithmetic beyond `+ - * /` is not in the subset"),
    (
        "truncate",
        "arithmetic beyond `+ - * /` is not in the subset",
    ),
    ("exp", "arithmetic beyond `+ - * /` is not in the subset"),
    ("ln", "arithmetic beyond `+ - * /` is not in the subset"),
    ("log", "arithmetic beyond `+ - * /` is not in the subset"),
    ("power", "arithmetic beyond `+ - * /` is not in the subset"),
    ("sqrt", "arithmetic beyond `+ - * /` is not in the subset"),
    ("sum", "aggregates are not in the subset"),
    ("min", "aggregates are not in the subset"),
    ("max", "aggregates are not in the subset"),
    ("avg", "aggregates are not in the subset"),
    ("elementDefinition", "the FHIR model is not loaded"),
    ("slice", "the FHIR model is not loaded"),
    ("checkModifiers", "the FHIR model is not loaded"),
    ("hasTemplateIdOf", "CDA is not supported"),
    ("getValue", "not needed by bindings"),
    ("lowBoundary", "not needed by bindings"),
    ("highBoundary", "not needed by bindings"),
    ("precision", "not needed by bindings"),
    (
        "comparable",
        "quantities are compared by Cairn's UCUM after extraction",
    ),
    ("type", "reflection is not in the subset"),
    ("defineVariable", "variables are not in the subset"),
    ("sort", "not in the subset"),
    ("coalesce", "not in the subset"),
];

/// The subset's function named `name`, with its arity.
pub fn lookup(name: &str) -> Option<(Func, usize, usize)> {
    FUNCTIONS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|&(_, f, lo, hi)| (f, lo, hi))
}

/// The fewest and most arguments `func` takes.
pub fn arity(func: Func) -> (usize, usize) {
    FUNCTIONS
        .iter()
        .find(|(_, f, ..)| *f == func)
        .map_or((0, 0), |&(_, _, lo, hi)| (lo, hi))
}

/// Why a FHIRPath function outside the subset is left out, if it is one.
pub fn unsupported(name: &str) -> Option<&'static str> {
    UNSUPPORTED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, why)| why)
}

/// The name of a function of the subset.
pub fn name(func: Func) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(_, f, ..)| *f == func)
        .map_or("?", |(n, ..)| n)
}

/// Every name a call may use, for "did you mean".
pub fn all_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|(n, ..)| *n)
        .chain(TYPE_FUNCTIONS.iter().copied())
}
