//! Command line: the `fhir` subcommands — `cairn fhir path EXPR RESOURCE`
//! evaluates a FHIRPath expression of Cairn's subset against one resource,
//! for integrators debugging a binding; `cairn fhir extract` reads a case
//! from a Bundle through a binding (`fhir_extract`).

use super::commands::print_json;
use super::output::{self, ERRORS};
use cairn::diagnostics::Diagnostics;
use cairn::fhir::path::{Item, Path};
use cairn::source::SourceMap;
use clap::Subcommand;
use std::path::PathBuf;

/// The resource file is not JSON.
const RESOURCE_JSON: &str = "cairn::fhirpath::resource_json";

/// The `fhir` subcommands.
#[derive(Debug, Subcommand)]
pub enum FhirCommand {
    /// Evaluate a FHIRPath expression (Cairn's subset, see
    /// docs/fhirpath.md) against one FHIR R4 resource and print the result
    /// collection as JSON.
    Path {
        /// The expression, e.g. `Observation.value.ofType(Quantity).value`.
        expr: String,
        /// The resource (JSON), or `-` for standard input.
        resource: PathBuf,
        /// Print each item with its type (`{"type": "Quantity", "value": …}`;
        /// `null` when only the FHIR model would know it).
        #[arg(long)]
        types: bool,
    },
    /// Extract a case from one patient's FHIR Bundle through a binding:
    /// the case JSON, with each fact's provenance and the warnings, on
    /// standard output (warnings also on standard error).
    Extract {
        /// The guideline file.
        guideline: PathBuf,
        /// The binding file (TOML).
        #[arg(long, value_name = "FILE")]
        binding: PathBuf,
        /// The Bundle (JSON), or `-` for standard input.
        bundle: PathBuf,
        /// The date the case is assessed on (YYYY-MM-DD; default today,
        /// UTC): `from = "as_of"` facts take it, resources dated after it
        /// are not read.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Write the case to this file (atomically); default standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With `-o`: replace the file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
}

/// Runs a `fhir` subcommand; the exit code.
pub fn run(command: FhirCommand) -> u8 {
    match command {
        FhirCommand::Path {
            expr,
            resource,
            types,
        } => path(&expr, &resource, types),
        FhirCommand::Extract {
            guideline,
            binding,
            bundle,
            as_of,
            output,
            force,
        } => {
            let source = super::fhir_extract::Source {
                binding: &binding,
                bundle: &bundle,
                as_of: as_of.as_deref(),
            };
            super::fhir_extract::extract(&guideline, &source, output.as_deref(), force)
        }
    }
}

/// `cairn fhir path`: 0 with the result, 1 for a bad expression, resource
/// or evaluation error, 2 for an I/O error.
fn path(expr: &str, resource: &std::path::Path, types: bool) -> u8 {
    let fail = |e: cairn::fhir::path::PathError| {
        let mut sources = SourceMap::new();
        let file = sources.add("<expression>", expr);
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(file, e);
        output::eprint_diagnostics(&diagnostics, &sources);
        ERRORS
    };
    let path = match Path::parse(expr) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let text = match output::read(resource) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            let name = output::case_name(resource);
            output::error_in(
                RESOURCE_JSON,
                &name,
                format_args!("`{name}` is not JSON: {e}"),
            );
            return ERRORS;
        }
    };
    let items = match path.evaluate(&json) {
        Ok(items) => items,
        Err(e) => return fail(e),
    };
    if types {
        let typed: Vec<serde_json::Value> = items
            .iter()
            .map(|i: &Item<'_>| serde_json::json!({"type": i.fhir_type(), "value": i.to_json()}))
            .collect();
        print_json(&typed)
    } else {
        print_json(&cairn::fhir::path::to_json(&items))
    }
}
