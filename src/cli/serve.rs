//! Command line: `cairn serve`, the CDS Hooks service (`cairn::serve`),
//! and `cairn serve --report LOG`, the feedback log summarised.
//!
//! The guidelines and bindings are loaded and checked before the server
//! binds: a bad guideline, binding, configuration or key stops it with
//! the usual diagnostics and exit code 1 (2 for an I/O or usage error).
//! Once listening it prints `listening on http://ADDR` on standard output
//! (tests read the port from it), then one line per request on standard
//! error.

use super::output::{self, ERRORS, IO};
use super::Format;
use cairn::serve::{self, Config, Guideline, ServeError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// What `cairn serve` was asked for.
#[derive(Debug)]
pub struct Settings {
    /// The guideline files.
    pub guidelines: Vec<PathBuf>,
    /// One binding per guideline, in the same order.
    pub bindings: Vec<PathBuf>,
    /// The configuration file.
    pub config: Option<PathBuf>,
    /// The address, over the configuration's.
    pub addr: Option<SocketAddr>,
    /// Summarise this feedback log instead of serving.
    pub report: Option<PathBuf>,
    /// The report's format.
    pub format: Format,
}

/// Runs the command; the exit code.
pub fn run(settings: Settings) -> u8 {
    if let Some(log) = &settings.report {
        return report(log, settings.format);
    }
    if settings.guidelines.is_empty() {
        output::error("`cairn serve` needs at least one guideline (or `--report LOG`)");
        return IO;
    }
    if settings.guidelines.len() != settings.bindings.len() {
        output::error(format_args!(
            "give one `--binding` per guideline, in the same order ({} guidelines, {} bindings)",
            settings.guidelines.len(),
            settings.bindings.len()
        ));
        return IO;
    }
    let config = match &settings.config {
        Some(path) => match Config::load(path) {
            Ok(c) => c,
            Err(e) => return serve_error(&e),
        },
        None => Config::default(),
    };
    let mut guidelines = Vec::new();
    for (g, b) in settings.guidelines.iter().zip(&settings.bindings) {
        match load(g, b, &config) {
            Ok(guideline) => guidelines.push(guideline),
            Err(code) => return code,
        }
    }
    let addr = match settings.addr.or(config.addr) {
        Some(a) => a,
        None => match serve::config::DEFAULT_ADDR.parse() {
            Ok(a) => a,
            Err(_) => return IO,
        },
    };
    let result = serve::run(guidelines, config, addr, |local, verifier| {
        if !verifier.required() {
            errln!(
                "warning: JWT verification is off (`[auth] required = false`): any caller that \
                 reaches {local} can call the hooks"
            );
        }
        if !local.ip().is_loopback() {
            errln!("warning: listening on {local}, reachable from other machines");
        }
        outln!("listening on http://{local}");
        let _ = output::flush_stdout();
    });
    match result {
        Ok(()) => output::finish(0),
        Err(e) => serve_error(&e),
    }
}

/// Loads and checks one guideline and its binding.
fn load(guideline: &Path, binding: &Path, config: &Config) -> Result<Guideline, u8> {
    let checked = output::guideline(guideline)?;
    let text = output::read(binding)?;
    let base = binding.parent().unwrap_or(Path::new("."));
    let name = binding.display().to_string();
    let source = match serve::FhirSource::load(&checked, &name, &text, base) {
        Ok((source, warnings)) => {
            output::eprint_diagnostics(&warnings, source.sources());
            source
        }
        Err(failed) => return Err(output::failed(&failed)),
    };
    let links = config
        .guideline
        .get(&checked.model.meta.id)
        .cloned()
        .unwrap_or_default();
    Ok(Guideline::new(checked, Box::new(source), links))
}

/// `cairn serve --report LOG`.
fn report(log: &Path, format: Format) -> u8 {
    let text = match output::read(log) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let tallies = match serve::report::summarise(&log.display().to_string(), &text) {
        Ok(t) => t,
        Err(e) => return serve_error(&e),
    };
    match format {
        Format::Text => out!("{}", serve::report::render(&tallies)),
        Format::Json => match serde_json::to_string_pretty(&tallies) {
            Ok(json) => outln!("{json}"),
            Err(e) => {
                output::error(format_args!("cannot write JSON: {e}"));
                return IO;
            }
        },
    }
    output::finish(0)
}

/// Prints a serve error with its code; 1 for bad input, 2 for I/O.
fn serve_error(e: &ServeError) -> u8 {
    let code =
        miette::Diagnostic::code(e).map_or_else(|| "cairn::serve".to_string(), |c| c.to_string());
    output::error_coded(&code, e);
    match e {
        ServeError::Read { .. } | ServeError::Bind { .. } => IO,
        _ => ERRORS,
    }
}
