//! Command line: the `cairn fhir` subcommands (FHIR R4 data sources).

use clap::Subcommand;
use std::path::PathBuf;

/// The `cairn fhir` subcommands.
#[derive(Debug, Subcommand)]
pub enum FhirCommand {
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

/// Runs a `cairn fhir` subcommand.
pub fn run(command: FhirCommand) -> u8 {
    match command {
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
