//! Eval stage, outcome: the clinician note as data, the one model that both
//! its text (`note_text`, `cairn run`) and the HTML report (`report`,
//! `cairn report`) are written from, so that the two never say different
//! things. `note` builds it from an [`super::Outcome`] and the evaluated
//! slots, `note_ask` its ask-next and why-not parts.
//!
//! Every string is plain text, in the words the note prints: a renderer
//! adds only layout (and, for HTML, escaping).

/// The clinician note of one case.
#[derive(Debug, Clone, Default)]
pub(crate) struct Note {
    /// The guideline's title (its id when it has none).
    pub title: String,
    /// `rps version 1.0.0, status active`.
    pub guideline: String,
    /// The source document, with its date when declared.
    pub source: Option<String>,
    /// The date the guideline was last reviewed.
    pub last_reviewed: Option<String>,
    /// The case's name.
    pub case: String,
    /// When the note was produced, as printed.
    pub produced: String,
    /// Runtime diagnostics: `message (location) [code]`.
    pub warnings: Vec<String>,
    /// The facts the case gives, under their groups in declaration order.
    pub facts: Vec<FactGroup>,
    /// Facts not given, taken as their declared absent value: `label: value`.
    pub assumed: Vec<String>,
    /// What applies, by section path in document order.
    pub applies: Vec<AppliesGroup>,
    /// The derived values an applying recommendation uses: `label: value`.
    pub derived: Vec<String>,
    /// What to ask next, when some recommendation is undetermined.
    pub ask: Option<AskNext>,
    /// One line per recommendation (or section) that does not apply.
    pub why_not: Vec<WhyNotLine>,
    /// The references cited by what applies, by number.
    pub references: Vec<(u32, String)>,
}

/// Given facts under one group (`None`: declared outside any group).
#[derive(Debug, Clone)]
pub(crate) struct FactGroup {
    /// The group's title.
    pub title: Option<String>,
    /// `label: value`, one per fact.
    pub lines: Vec<String>,
}

/// The recommendations that apply under one section path.
#[derive(Debug, Clone)]
pub(crate) struct AppliesGroup {
    /// `RESECTABLE DISEASE > Postsurgical management`, or `(no section)`.
    pub path: String,
    /// The section headings, outermost first (empty outside any section).
    pub section_path: Vec<String>,
    /// The recommendations, in document order.
    pub recs: Vec<Applied>,
}

/// One recommendation that applies.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    /// Its id.
    pub id: String,
    /// Its kind as written (`recommend`, `do-not-offer`).
    pub kind: String,
    /// The kind in a clinician's words (`Recommended`, `Do not offer`).
    pub kind_words: String,
    /// Its strength in words, when it says more than the kind.
    pub strength: Option<String>,
    /// The statement, unknown placeholders said plainly.
    pub statement: String,
    /// What follows it, as `(label, text)`: the strength not yet decided,
    /// details, alternatives, notes, `see`, references.
    pub lines: Vec<(String, String)>,
}

/// What to ask next: the missing facts ranked, under their groups.
#[derive(Debug, Clone)]
pub(crate) struct AskNext {
    /// How many facts are asked for.
    pub facts: usize,
    /// How many recommendations are undetermined.
    pub undetermined: usize,
    /// The ranked facts under their groups, groups in the order of their
    /// best-ranked fact.
    pub groups: Vec<AskGroup>,
    /// Undetermined recommendations no fact decides: `(id, why)`.
    pub stuck: Vec<(String, String)>,
}

/// The asked facts of one group.
#[derive(Debug, Clone)]
pub(crate) struct AskGroup {
    /// The group's title (`Other facts` outside any group).
    pub title: String,
    /// The facts, by rank.
    pub asks: Vec<AskLine>,
}

/// One fact to ask for.
#[derive(Debug, Clone)]
pub(crate) struct AskLine {
    /// Its 1-based rank over the whole list.
    pub rank: usize,
    /// Its label (description).
    pub label: String,
    /// Its name.
    pub fact: String,
    /// How many undetermined recommendations it could decide.
    pub decides: usize,
    /// The strongest of them: `(kind in words, id)`.
    pub strongest: Option<(String, String)>,
    /// Answers that make some apply: `(values in words, ids)`.
    pub leads: Vec<(String, Vec<String>)>,
}

/// One line of "why not".
#[derive(Debug, Clone)]
pub(crate) enum WhyNotLine {
    /// A recommendation whose own condition is false.
    Rec {
        /// Its id.
        id: String,
        /// `not applicable: …` in words.
        because: String,
    },
    /// A section whose condition is false, with what it holds.
    Section {
        /// The section's title.
        title: String,
        /// What its condition read, in words.
        reads: String,
        /// The ids of the recommendations it holds.
        ids: Vec<String>,
    },
}
