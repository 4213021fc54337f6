//! Language server: renaming a fact, definition, table, schedule or
//! recommendation.
//!
//! The edit covers every occurrence the symbol index holds, in the open
//! guideline and the files it includes. Before it is offered, the renamed
//! guideline is parsed and checked again in memory: a rename that would add
//! an error (a use the index does not know, say) is refused rather than
//! half-applied. Case files (`cases/*.json`) are not edited: fact names and
//! recommendation ids are the guideline's public contract, and a rename
//! breaks the cases and every system that sends facts by name.

use super::analysis::{analyse, path_to_uri, Analysis};
use super::features::{key_at, KEYWORDS};
use super::index::{Key, SymbolKind};
use lsp_types::{Position, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;
use std::path::PathBuf;

/// The name under the cursor that can be renamed, with its range.
pub fn prepare(analysis: &Analysis, position: Position) -> Result<PrepareRenameResponse, String> {
    let (name, span) = target(analysis, position)?;
    Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range: analysis.range(span),
        placeholder: name,
    })
}

/// The edit renaming the symbol under the cursor to `new_name`, over every
/// file of the guideline; `open` holds the open documents' texts, read
/// again to check the result, and `current` the document's text now (an
/// analysis of an older text would put the edits in the wrong places).
pub fn rename(
    analysis: &Analysis,
    (main, current): (&std::path::Path, &str),
    open: &HashMap<PathBuf, String>,
    position: Position,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    if analysis
        .sources
        .get(super::analysis::MAIN)
        .map(|f| &*f.text)
        != Some(current)
    {
        return Err("the document is still being checked after an edit: try again".into());
    }
    let (old, _) = target(analysis, position)?;
    if !is_identifier(new_name) {
        return Err(format!(
            "`{new_name}` is not a name: use letters, digits and `_`, not starting with a digit, \
             and no keyword"
        ));
    }
    if new_name == old {
        return Ok(WorkspaceEdit::default());
    }
    if analysis
        .index
        .symbols
        .contains_key(&Key::Name(new_name.into()))
    {
        return Err(format!(
            "`{new_name}` is already declared in this guideline"
        ));
    }
    // Byte edits per file, then the same edits as protocol ranges.
    let key = Key::Name(old.clone());
    let mut spans: Vec<crate::source::Span> =
        analysis.index.references(&key).map(|o| o.span).collect();
    spans.sort_by_key(|s| (s.file.0, s.start));
    spans.dedup();
    let mut texts: HashMap<crate::source::FileId, String> = HashMap::new();
    // By file, in the order met; a `Vec` because `Uri` may not key a
    // local map (clippy::mutable_key_type), the edit's own map is built last.
    let mut changes: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
    for span in spans.iter().rev() {
        let file = analysis
            .sources
            .get(span.file)
            .ok_or_else(|| format!("`{old}` is used in a file that is gone"))?;
        let (start, end) = (span.start as usize, span.end as usize);
        if file.text.get(start..end) != Some(old.as_str()) {
            return Err(format!(
                "cannot rename `{old}`: one of its uses in `{}` is not spelt as its name",
                file.name
            ));
        }
        let text = texts
            .entry(span.file)
            .or_insert_with(|| file.text.to_string());
        text.replace_range(start..end, new_name);
        let uri = path_to_uri(std::path::Path::new(&file.name))
            .ok_or_else(|| format!("cannot name the file `{}` as a URI", file.name))?;
        let edit = TextEdit {
            range: analysis.range(*span),
            new_text: new_name.to_string(),
        };
        match changes.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, edits)) => edits.push(edit),
            None => changes.push((uri, vec![edit])),
        }
    }
    check_result(analysis, main, open, &texts, &old, new_name)?;
    Ok(WorkspaceEdit {
        changes: Some(changes.into_iter().collect()),
        ..WorkspaceEdit::default()
    })
}

/// The declared name under the cursor, if it is of a kind that can be
/// renamed.
fn target(
    analysis: &Analysis,
    position: Position,
) -> Result<(String, crate::source::Span), String> {
    for (key, span) in key_at(analysis, position) {
        let Key::Name(name) = &key else { continue };
        let kind = analysis.index.symbols.get(&key).map(|s| s.kind);
        if matches!(
            kind,
            Some(
                SymbolKind::Fact
                    | SymbolKind::Define
                    | SymbolKind::Table
                    | SymbolKind::Schedule
                    | SymbolKind::Recommendation
            )
        ) {
            return Ok((name.clone(), span));
        }
    }
    Err("only a fact, definition, table, schedule or recommendation can be renamed".into())
}

/// Parses and checks the renamed guideline in memory, and refuses the
/// rename when it has more errors than before.
fn check_result(
    analysis: &Analysis,
    main: &std::path::Path,
    open: &HashMap<PathBuf, String>,
    texts: &HashMap<crate::source::FileId, String>,
    old: &str,
    new_name: &str,
) -> Result<(), String> {
    let mut renamed = open.clone();
    let mut main_text = analysis
        .sources
        .get(super::analysis::MAIN)
        .map(|f| f.text.to_string())
        .unwrap_or_default();
    for (id, text) in texts {
        if *id == super::analysis::MAIN {
            main_text = text.clone();
        } else if let Some(f) = analysis.sources.get(*id) {
            renamed.insert(PathBuf::from(&f.name), text.clone());
        }
    }
    let after = analyse(main, &main_text, &renamed);
    let errors = |a: &Analysis| -> Vec<String> {
        a.diagnostics
            .iter()
            .flat_map(|(_, list)| list)
            .filter(|d| d.severity == Some(lsp_types::DiagnosticSeverity::ERROR))
            .map(|d| d.message.clone())
            .collect()
    };
    let (before, after) = (errors(analysis), errors(&after));
    if after.len() > before.len() {
        let first = after
            .iter()
            .find(|m| !before.contains(m))
            .or(after.first())
            .cloned()
            .unwrap_or_default();
        return Err(format!(
            "renaming `{old}` to `{new_name}` would break the guideline: {first}"
        ));
    }
    Ok(())
}

/// True when `name` can name a declaration: an identifier of the grammar
/// (`ident` in `grammar/cairn.pest`) that is not a keyword.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
}
