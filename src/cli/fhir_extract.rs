//! Command line: bindings and extraction — `cairn check GUIDELINE
//! --binding FILE`, `cairn fhir extract` and `cairn run --fhir`.

use super::output::{self, ERRORS, IO};
use cairn::check::Checked;
use cairn::diagnostics::Diagnostics;
use cairn::fhir::{self, Binding, Extracted};
use std::path::{Path, PathBuf};

/// The settings of `cairn fhir extract` and `cairn run --fhir`.
pub struct Source<'a> {
    /// The binding file.
    pub binding: &'a Path,
    /// The Bundle (JSON), or `-`.
    pub bundle: &'a Path,
    /// `--as-of DATE` (default: today, UTC).
    pub as_of: Option<&'a str>,
}

/// Loads and checks a binding file against a guideline, printing its
/// diagnostics; the error is the exit code.
pub fn load_binding(checked: &Checked, path: &Path) -> Result<Binding, u8> {
    let text = output::read(path)?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fhir::load_binding(checked, &path.display().to_string(), &text, &base) {
        Ok((binding, warnings)) => {
            output::eprint_diagnostics(&warnings, binding.sources());
            Ok(binding)
        }
        Err(failed) => Err(output::failed(&failed)),
    }
}

/// `cairn check GUIDELINE --binding FILE`.
pub fn check(guideline: &Path, binding: &Path) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let text = match output::read(binding) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let base = binding
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = binding.display().to_string();
    let (sources, diagnostics) = match fhir::load_binding(&checked, &name, &text, base) {
        Ok((b, warnings)) => (b.sources().clone(), warnings),
        Err(f) => (f.sources, f.diagnostics),
    };
    if output::json_errors() {
        // As `cairn check` does: one array on standard output.
        if super::commands::print_json(&diagnostics.to_json(&sources)) != 0 {
            return IO;
        }
    } else {
        output::eprint_diagnostics(&diagnostics, &sources);
        let verdict = if diagnostics.has_errors() {
            "failed"
        } else {
            "ok"
        };
        errln!("{name}: {verdict} ({})", output::summary(&diagnostics));
    }
    if diagnostics.has_errors() {
        ERRORS
    } else {
        0
    }
}

/// Reads the bundle and extracts; warnings go to standard error. The error
/// is the exit code.
pub fn extracted(checked: &Checked, source: &Source) -> Result<Extracted, u8> {
    let binding = load_binding(checked, source.binding)?;
    let as_of = as_of(source.as_of)?;
    let text = output::read(source.bundle)?;
    let name = output::case_name(source.bundle);
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        output::error(format_args!(
            "`{name}` is not JSON: {e} (a FHIR Bundle in JSON is expected)"
        ));
        ERRORS
    })?;
    let resources = fhir::bundle_resources(&json).map_err(|e| {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(cairn::source::FileId(0), e);
        output::eprint_diagnostics(&diagnostics, &cairn::source::SourceMap::new());
        ERRORS
    })?;
    let out = fhir::extract(checked, &binding, &resources, Some(as_of));
    for w in &out.warnings {
        if output::json_errors() {
            // The shape of a diagnostic's JSON, with the resources for labels.
            let json = serde_json::json!({
                "severity": "warning",
                "code": w.code,
                "message": w.message,
                "help": null,
                "file": name,
                "labels": [],
                "resources": w.resources,
            });
            errln!("{json}");
        } else {
            errln!(
                "warning[{}]: {}",
                w.code,
                cairn::diagnostics::escape_controls(&w.message)
            );
        }
    }
    Ok(out)
}

/// `--as-of DATE`, or today (UTC; the day `SOURCE_DATE_EPOCH` fixes, when set).
pub(super) fn as_of(given: Option<&str>) -> Result<jiff::civil::Date, u8> {
    match given {
        Some(text) => text.parse::<jiff::civil::Date>().map_err(|_| {
            output::error(format_args!(
                "`--as-of {text}` is not a date: write it as YYYY-MM-DD"
            ));
            IO
        }),
        None => {
            let day = super::commands::now_secs().div_euclid(86_400);
            let day = i32::try_from(day).unwrap_or(0);
            cairn::value::format_date(day)
                .parse::<jiff::civil::Date>()
                .map_err(|_| {
                    output::error("the clock's date is out of range: give `--as-of DATE`");
                    IO
                })
        }
    }
}

/// `cairn fhir extract GUIDELINE --binding B BUNDLE [--as-of D] [-o FILE]`.
pub fn extract(guideline: &Path, source: &Source, out: Option<&Path>, force: bool) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let extracted = match extracted(&checked, source) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let text = match serde_json::to_string_pretty(&extracted.to_case_json()) {
        Ok(t) => t + "\n",
        Err(e) => {
            output::error(format_args!("cannot write JSON: {e}"));
            return IO;
        }
    };
    match out {
        None => match output::print(&text) {
            Ok(()) => 0,
            Err(_) => IO,
        },
        Some(path) => match super::report::write(path, &text, force) {
            Ok(()) => 0,
            Err((code, message)) => {
                output::error(message);
                code
            }
        },
    }
}

/// The case `cairn run --fhir` evaluates: extracted, then loaded as a case
/// file is (so its values and the guideline's constraints are checked).
pub fn case(checked: &Checked, source: &Source) -> Result<cairn::CaseFile, u8> {
    let extracted = extracted(checked, source)?;
    let text = extracted.to_case_json().to_string();
    let name = format!("{} (extracted)", output::case_name(source.bundle));
    cairn::load_case(checked, &name, &text).map_err(|f| output::failed(&f))
}
