//! Diagnostics: the index of every stable diagnostic code, generated at
//! build time (`build.rs`) from the code enums of every stage, so it cannot
//! miss one or keep a stale one; `cairn codes` prints it.

include!(concat!(env!("OUT_DIR"), "/codes.rs"));

/// One stable code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Code {
    /// The code, `cairn::stage::name`.
    pub code: &'static str,
    /// The message it is reported with (`{name}` stands for the input).
    pub message: &'static str,
    /// What it means: the doc comment of its variant.
    pub meaning: &'static str,
}

/// Every code, sorted.
pub fn all() -> impl Iterator<Item = Code> {
    CODES.iter().map(|&(code, message, meaning)| Code {
        code,
        message,
        meaning,
    })
}

/// The code named `name`, with or without its `cairn::` prefix.
pub fn find(name: &str) -> Option<Code> {
    let name = name.trim();
    all().find(|c| c.code == name || c.code.strip_prefix("cairn::") == Some(name))
}

/// "Did you mean" help for a code that is not in the index.
pub fn help(name: &str) -> Option<String> {
    let short = name.trim().trim_start_matches("cairn::");
    let names = all().filter_map(|c| c.code.strip_prefix("cairn::"));
    crate::diagnostics::suggestion(short, names)
}

/// The index as a Markdown table, as the README lists it.
pub fn markdown() -> String {
    let mut out = String::from("| Code | Meaning |\n|---|---|\n");
    for c in all() {
        let meaning = if c.meaning.is_empty() {
            c.message
        } else {
            c.meaning
        };
        out.push_str(&format!(
            "| `{}` | {} |\n",
            c.code,
            meaning.replace('|', "\\|")
        ));
    }
    out
}
