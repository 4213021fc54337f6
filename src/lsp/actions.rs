//! Language server: code actions.
//!
//! Two kinds of quick fix: the edit behind every "did you mean `x`?" of the
//! checker ([`crate::diagnostics::Report::fix`], kept by the analysis as a
//! [`QuickFix`]), and adding the missing `otherwise` of a `first`, with a
//! placeholder the author replaces (until then the checker reports it as an
//! unknown name, so it cannot be forgotten).
//!
//! Every edit is computed on the text an analysis saw; one that is older
//! than the document offers nothing rather than an edit in the wrong place.

use super::analysis::{Analysis, QuickFix, MAIN};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// What the `otherwise` action inserts as the fallback value.
pub const OTHERWISE_PLACEHOLDER: &str = "TODO";

/// The code actions for `range` of the document `uri`, whose current text
/// is `text`. `fixes` are the quick fixes every analysis found in this
/// document (its own, and those of open documents that include it).
pub fn actions<'a>(
    analysis: &Analysis,
    uri: &Uri,
    text: &str,
    range: Range,
    fixes: impl IntoIterator<Item = &'a QuickFix>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let mut seen: Vec<(Range, String)> = Vec::new();
    for fix in fixes {
        if !overlaps(fix.diagnostic.range, range) {
            continue;
        }
        let key = (fix.edit.range, fix.edit.new_text.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(action(
            format!("Replace with `{}`", fix.edit.new_text),
            uri,
            fix.edit.clone(),
            Some(fix.diagnostic.clone()),
        ));
    }
    let fresh = analysis.sources.get(MAIN).is_some_and(|f| &*f.text == text);
    if fresh {
        for span in &analysis.index.open_firsts {
            if span.file != MAIN || !overlaps(analysis.range(*span), range) {
                continue;
            }
            if let Some((at, new_text)) = otherwise_insertion(text, span.end as usize) {
                let position = analysis.range(crate::source::Span::new(MAIN, at, at));
                let edit = TextEdit {
                    range: position,
                    new_text,
                };
                out.push(action(
                    "Add `otherwise` to this `first`".into(),
                    uri,
                    edit,
                    None,
                ));
            }
        }
    }
    out
}

/// The quick fixes of `analysis` that point into the file `name`, when the
/// analysis saw `text`, that file's current text.
pub fn fresh_fixes<'a>(analysis: &'a Analysis, name: &str, text: &str) -> Vec<&'a QuickFix> {
    analysis
        .fixes
        .iter()
        .filter(|f| {
            analysis
                .sources
                .get(f.file)
                .is_some_and(|s| s.name == name && &*s.text == text)
        })
        .collect()
}

fn action(
    title: String,
    uri: &Uri,
    edit: TextEdit,
    diagnostic: Option<lsp_types::Diagnostic>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// Where and what to insert for a `first` whose closing `}` ends at byte
/// `end`: a line `otherwise TODO` indented like the branch above it when the
/// brace is on its own line, or ` otherwise TODO` before it otherwise.
fn otherwise_insertion(text: &str, end: usize) -> Option<(usize, String)> {
    let close = end.checked_sub(1)?;
    if text.get(close..end)? != "}" {
        return None;
    }
    let line_start = text.get(..close)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..close)?;
    if !before.trim().is_empty() || line_start == 0 {
        let space = if before.ends_with(' ') { "" } else { " " };
        return Some((close, format!("{space}otherwise {OTHERWISE_PLACEHOLDER} ")));
    }
    let previous = text.get(..line_start - 1)?;
    let previous = &previous[previous.rfind('\n').map_or(0, |i| i + 1)..];
    let indent: String = previous.chars().take_while(|c| *c == ' ').collect();
    Some((
        line_start,
        format!("{indent}otherwise {OTHERWISE_PLACEHOLDER}\n"),
    ))
}

/// True when two ranges share a position (touching counts: a cursor at the
/// end of a name is on it).
fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}
