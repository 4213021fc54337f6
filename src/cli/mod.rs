//! Command line: argument parsing and dispatch to the subcommands.
//!
//! Exit codes: 0 success (warnings allowed), 1 errors in the input (a
//! guideline or case with errors, a failing test, a bad cohort line), 2
//! usage or I/O errors, including standard output that cannot be written
//! (`output::finish`). Input files are never written, except by `cairn fmt`
//! without `--check` and by `cairn test --bless` (case files), and then only
//! through `cairn::format::rewrite`; `cairn new`, `analyze
//! --save-witnesses`, `graph -o` and `report -o` create new files only
//! (the last three replace one with `--force`).

/// Like `print!`, through the one standard output writer
/// (`output::write_stdout`): a failed write never panics and sets the exit
/// code.
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = $crate::cli::output::write_stdout(format_args!($($t)*));
    }};
}

/// Like `println!`, through the one standard output writer.
macro_rules! outln {
    ($($t:tt)*) => {{
        let _ = $crate::cli::output::write_stdout(format_args!($($t)*))
            .and_then(|()| $crate::cli::output::print("\n"));
    }};
}

/// Like `eprint!`, without the panic on a closed standard error.
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($t)*);
    }};
}

/// Like `eprintln!`, without the panic on a closed standard error.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

mod analyze;
mod batch;
mod batch_arrow;
mod batch_chunk;
mod batch_json;
mod batch_ndjson;
mod batch_rows;
mod batch_rows_arrow;
mod batch_write;
mod codes;
mod cohort;
mod cohort_arrow;
mod cohort_gen;
mod commands;
mod completions;
mod fhir;
mod fhir_extract;
mod fhir_synth;
mod fmt;
mod graph;
mod new;
mod output;
mod report;
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod test_cmd;
mod witnesses;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Cairn: check, run and test clinical practice guidelines.
#[derive(Debug, Parser)]
// The version names the commit it was built from (`build.rs`).
#[command(
    name = "cairn",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CAIRN_COMMIT"), ")"),
    about
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// A folder outside the guideline's own folder tree that `include`s
    /// (and cases' `"guideline"` keys) may also read from; repeatable.
    #[arg(long = "include-path", value_name = "DIR", global = true)]
    pub include_path: Vec<PathBuf>,
    /// How diagnostics and errors are printed: `json` writes each as one
    /// line of JSON on standard error (`check` writes one array on standard
    /// output); a command's `--format json` implies it.
    #[arg(long, value_enum, default_value = "human", global = true)]
    pub error_format: ErrorFormat,
    /// Colour in rendered diagnostics: `auto` colours them when standard
    /// error is a terminal and `NO_COLOR` is not set (to a non-empty
    /// value); `always` and `never` override both.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: Color,
}

/// When rendered diagnostics are drawn in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Rendered with source excerpts.
    Human,
    /// JSON: `check` prints one array on standard output; every other
    /// command writes one object per line on standard error.
    Json,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON.
    Json,
}

/// How `cairn run` prints its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// Readable text.
    Text,
    /// JSON.
    Json,
    /// A FHIR R4 `GuidanceResponse` with a contained `RequestGroup`
    /// (JSON; with `--binding`, data requirements name resources and codes).
    Fhir,
}

/// Who the text of `cairn run` is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Audience {
    /// The clinician note: provenance, what applies in words, one ranked
    /// list of what to ask next, why not, references and a disclaimer.
    Clinician,
    /// Every detail of the outcome: all derived values, what each
    /// undetermined recommendation needs, grading rules as written.
    Informaticist,
}

/// How batch results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// One JSON object per case.
    Jsonl,
    /// One CSV row per case, one column per recommendation.
    Csv,
    /// A Parquet file (`-o FILE`), one row per case.
    Parquet,
    /// An Arrow IPC file (`-o FILE`; `.arrows` or `.ipc` for a stream).
    Arrow,
}

/// How a batch cohort is read (default: by the file's extension, `.csv`
/// for CSV, `.parquet` for Parquet, `.arrow` for an Arrow IPC file and
/// `.arrows` or `.ipc` for an Arrow IPC stream, anything else JSON lines);
/// also the format `cairn cohort` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// One case object per line.
    Jsonl,
    /// A header of fact names, one case per row.
    Csv,
    /// Parquet, columns typed from the fact declarations.
    Parquet,
    /// Arrow IPC, columns typed from the fact declarations.
    Arrow,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check guidelines, reporting errors and warnings.
    Check {
        /// The guideline files, or folders (searched for `.cairn` files
        /// with a `guideline` header).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check this binding file (TOML) against the one guideline given.
        #[arg(long, value_name = "FILE")]
        binding: Option<PathBuf>,
    },
    /// Run a guideline against a case.
    Run {
        /// The guideline file.
        guideline: PathBuf,
        /// The case file (JSON), or `-` for standard input.
        #[arg(long, required_unless_present = "fhir")]
        case: Option<PathBuf>,
        /// Extract the case from this FHIR Bundle (JSON) instead, through
        /// `--binding`.
        #[arg(
            long,
            value_name = "BUNDLE",
            conflicts_with = "case",
            requires = "binding"
        )]
        fhir: Option<PathBuf>,
        /// The binding file (TOML) `--fhir` reads the bundle through; with
        /// `--format fhir`, each data requirement names the resources and
        /// codes to fetch.
        #[arg(long, value_name = "FILE")]
        binding: Option<PathBuf>,
        /// With `--fhir`: the date the case is assessed on (YYYY-MM-DD;
        /// default today, UTC).
        #[arg(long, value_name = "DATE", requires = "fhir")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: RunFormat,
        /// Add the explanation: the decision path, then the tree of the
        /// steps that decided it (JSON: every step, with its edges).
        #[arg(long)]
        trace: bool,
        /// Start the trace's tree from the recommendations that `applies`
        /// (default), are `undetermined` or `not_applicable`, or from one
        /// definition, section or recommendation ID.
        #[arg(long, value_name = "WHAT", requires = "trace")]
        only: Option<String>,
        /// How deep the trace's tree goes below its roots.
        #[arg(long, value_name = "N", requires = "trace", default_value_t = cairn::eval::outcome::DEFAULT_DEPTH)]
        depth: usize,
        /// Show every step of the trace, in evaluation order, instead of the tree.
        #[arg(long, requires = "trace", conflicts_with_all = ["only", "depth"])]
        full: bool,
        /// Who the text note is for (ignored with `--format json`).
        #[arg(long, value_enum, default_value = "clinician")]
        audience: Audience,
    },
    /// Explain a definition, section, schedule or recommendation for a
    /// case: its trace steps and everything it depends on.
    Explain {
        /// The guideline file.
        guideline: PathBuf,
        /// The case file (JSON), or `-` for standard input.
        #[arg(long)]
        case: PathBuf,
        /// The definition, section, schedule or recommendation id.
        id: String,
        /// Output format (JSON: the list of trace steps).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run the cases with an `expect` block under the given paths.
    Test {
        /// Case files or folders (searched recursively); default `guidelines/`.
        paths: Vec<PathBuf>,
        /// Report which conditions the cases drive to true, false and unknown.
        #[arg(long)]
        coverage: bool,
        /// Fail when condition coverage is below this percentage (implies --coverage).
        #[arg(long, value_name = "PCT")]
        min_coverage: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Run only the cases whose path or `name` contains PATTERN, or
        /// matches it as a glob (`*`, `?`).
        #[arg(long, value_name = "PATTERN")]
        filter: Option<String>,
        /// Rewrite the `expect` values of failing cases to what the
        /// guideline now gives (each file atomically; diffs on standard
        /// error); cases that do not load are refused.
        #[arg(long)]
        bless: bool,
    },
    /// Run a guideline over a cohort: JSON lines (one case object per
    /// line) or CSV (a header of fact names, one case per row).
    Batch {
        /// The guideline file.
        guideline: PathBuf,
        /// The cohort file (`.csv` or JSON lines), or `-` for standard input.
        #[arg(required_unless_present = "ndjson", conflicts_with = "ndjson")]
        cohort: Option<PathBuf>,
        /// Read a FHIR Bulk Data export instead: a folder of `Type.ndjson`
        /// files (`Patient.ndjson` names the patients), one case extracted
        /// per patient through `--binding`.
        #[arg(long, value_name = "DIR", requires = "binding")]
        ndjson: Option<PathBuf>,
        /// The binding file (TOML) `--ndjson` is read through.
        #[arg(long, value_name = "FILE", requires = "ndjson")]
        binding: Option<PathBuf>,
        /// With `--ndjson`: the date the cases are assessed on (YYYY-MM-DD;
        /// default today, UTC).
        #[arg(long, value_name = "DATE", requires = "ndjson")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: BatchFormat,
        /// Input format (default: by extension, `.csv` is CSV).
        #[arg(long, value_enum)]
        input_format: Option<InputFormat>,
        /// Worker threads (default: the available parallelism).
        #[arg(long)]
        threads: Option<usize>,
        /// The output file (required for `parquet` and `arrow`, written
        /// atomically); default standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Add every definition's value (`derived.NAME` columns in CSV,
        /// Parquet and Arrow; JSON lines always have them).
        #[arg(long)]
        derived: bool,
        /// Add each recommendation's missing facts (`missing.ID` columns in
        /// CSV, Parquet and Arrow; JSON lines always have them).
        #[arg(long)]
        missing: bool,
        /// Cases evaluated side by side when only statuses are written (64
        /// or 1).
        #[arg(long, default_value = "64", hide = true)]
        lanes: usize,
    },
    /// Write a synthetic cohort of a guideline (perturbed golden cases from
    /// its `cases/` folder, reaching every status) to standard output.
    Cohort {
        /// The guideline file.
        guideline: PathBuf,
        /// Number of cases.
        #[arg(short = 'n', long, default_value = "1000")]
        cases: usize,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: InputFormat,
        /// The output file (required for `parquet` and `arrow`, written
        /// atomically); default standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Rewrite guideline files in the canonical layout.
    Fmt {
        /// Only report files that are not formatted (exit 1), with a diff.
        #[arg(long)]
        check: bool,
        /// Files or folders (searched for `.cairn` files); default `guidelines/`.
        files: Vec<PathBuf>,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp {
        /// Log each message's method and how long it took to standard error.
        #[arg(long)]
        verbose: bool,
        /// Talk over standard input and output: the only transport, and
        /// the default; accepted because clients such as VS Code's pass it.
        #[arg(long)]
        stdio: bool,
    },
    /// Find gaps, conflicts, dead rules and sensitivity to missing data.
    Analyze {
        /// The guideline file.
        guideline: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write every finding's witness as a case file
        /// (`DIR/<finding>-<n>.json`, with an `expect` block of what the
        /// guideline gives), for `cairn test DIR`.
        #[arg(long, value_name = "DIR")]
        save_witnesses: Option<PathBuf>,
        /// With `--save-witnesses`: replace existing files.
        #[arg(long, requires = "save_witnesses")]
        force: bool,
    },
    /// Print a JSON Schema (draft 2020-12) of the guideline's case files,
    /// for editors (VS Code's `json.schemas`) and validators.
    Schema {
        /// The guideline file.
        guideline: PathBuf,
    },
    /// Create a guideline folder to start from: `NAME/NAME.cairn` and a
    /// `cases/` folder with one golden case.
    New {
        /// The guideline's name (lowercase letters, digits, `_`, `-`).
        name: String,
        /// The folder to create it in (default: the current folder).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// List every stable diagnostic code and what it means, or explain one.
    Codes {
        /// A code (`cairn::check::unused`, or `check::unused`); default: all.
        code: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print a shell completion script: `cairn completions bash >
    /// ~/.local/share/bash-completion/completions/cairn`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `cairn man > cairn.1`.
    Man,
    /// Show the difference in behaviour and text between two versions.
    Diff {
        /// The old version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Accept, with this reason, the items whose behaviour could not be
        /// decided (otherwise they fail the command).
        #[arg(long, value_name = "REASON")]
        acknowledge_undecided: Option<String>,
    },
    /// Draw the guideline as flowcharts (DOT, Mermaid or SVG), with a
    /// patient's path when a case is given: a large guideline as an
    /// overview plus one picture per top-level section.
    Graph {
        /// The guideline file.
        guideline: PathBuf,
        /// Draw only this section (with its enclosing sections' conditions).
        #[arg(long, value_name = "ID")]
        section: Option<String>,
        /// A case file (JSON) whose path is drawn: each recommendation and
        /// section coloured by its status.
        #[arg(long, value_name = "CASE")]
        case: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Which way the arrows run.
        #[arg(long, value_enum, default_value = "TB")]
        direction: GraphDirection,
        /// Add the facts → definitions → conditions layer.
        #[arg(long)]
        definitions: bool,
        /// Write to this file (one picture) or folder (`ID.dot`, `ID.mmd`,
        /// `ID.svg`, one per picture), atomically; default standard output.
        #[arg(short = 'o', long, value_name = "FILE|DIR")]
        output: Option<PathBuf>,
        /// With `-o`: replace existing files.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Write the HTML report of a case: one self-contained page (the
    /// clinician note, the flowcharts of the patient's path, the follow-up
    /// timeline, what to ask next, why not, the references) that opens
    /// offline and prints on A4.
    Report {
        /// The guideline file.
        guideline: PathBuf,
        /// The case file (JSON), or `-` for standard input.
        #[arg(long)]
        case: PathBuf,
        /// The HTML file to write (atomically); default standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Serve the guidelines as CDS Hooks 2.0 services (patient-view,
    /// order-select, order-sign) on 127.0.0.1, facts read from FHIR through
    /// each guideline's binding; or, with `--report LOG`, summarise the
    /// feedback log per recommendation.
    #[cfg(feature = "serve")]
    Serve {
        /// The guideline files.
        #[arg(required_unless_present = "report")]
        guidelines: Vec<PathBuf>,
        /// One binding file per guideline, in the same order.
        #[arg(long = "binding", value_name = "BINDING")]
        bindings: Vec<PathBuf>,
        /// The configuration file (TOML: address, keys, CORS, limits,
        /// feedback log; see the README).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The address to listen on (default 127.0.0.1:8015).
        #[arg(long, value_name = "ADDR")]
        addr: Option<std::net::SocketAddr>,
        /// Summarise this feedback log (accepted, overridden by reason, per
        /// recommendation) instead of serving.
        #[arg(long, value_name = "LOG", conflicts_with_all = ["bindings", "config", "addr"])]
        report: Option<PathBuf>,
        /// The report's format.
        #[arg(long, value_enum, default_value = "text", requires = "report")]
        format: Format,
    },
    /// FHIR R4: extract cases from resources through a binding, write
    /// bundles and data requirements, evaluate FHIRPath against a resource.
    Fhir {
        /// What to do.
        #[command(subcommand)]
        command: fhir::FhirCommand,
    },
}

/// The format of `cairn graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg` renders it).
    Dot,
    /// Mermaid `flowchart` (rendered by GitHub and many wikis).
    Mermaid,
    /// Self-contained SVG, laid out without Graphviz.
    Svg,
}

/// Which way the arrows of `cairn graph` run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphDirection {
    /// Top to bottom.
    #[value(name = "TB", alias = "tb")]
    Tb,
    /// Left to right.
    #[value(name = "LR", alias = "lr")]
    Lr,
}

impl Command {
    /// True when the command's result is JSON (`--format json`): its
    /// diagnostics are then JSON too.
    fn json_output(&self) -> bool {
        match self {
            Command::Run { format, .. } => *format != RunFormat::Text,
            Command::Test { format, .. }
            | Command::Analyze { format, .. }
            | Command::Diff { format, .. }
            | Command::Codes { format, .. } => *format == Format::Json,
            _ => false,
        }
    }
}

/// Parses the arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` print on standard output: a failed
            // write is an I/O error too.
            let printed = e.print().is_ok();
            return ExitCode::from(if e.use_stderr() || !printed { 2 } else { 0 });
        }
    };
    output::set_include_paths(cli.include_path);
    output::set_json_errors(cli.error_format == ErrorFormat::Json || cli.command.json_output());
    output::set_color(match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => output::color_by_default(),
    });
    let error_format = cli.error_format;
    let code = match cli.command {
        Command::Check { files, binding } => match (binding, files.as_slice()) {
            (None, _) => commands::check(&files, error_format),
            (Some(binding), [guideline]) => fhir_extract::check(guideline, &binding),
            (Some(_), _) => {
                output::error(
                    "`--binding` checks a binding against one guideline file: give exactly one",
                );
                output::IO
            }
        },
        Command::Run {
            guideline,
            case,
            fhir,
            binding,
            as_of,
            format,
            trace,
            only,
            depth,
            full,
            audience,
        } => {
            let view = trace.then(|| commands::trace_view(only.as_deref(), depth, full));
            let input = match (&case, &fhir, &binding) {
                (Some(case), _, _) => commands::Input::Case(case),
                (None, Some(bundle), Some(binding)) => {
                    commands::Input::Fhir(fhir_extract::Source {
                        binding,
                        bundle,
                        as_of: as_of.as_deref(),
                    })
                }
                _ => commands::Input::Missing,
            };
            match format {
                // A GuidanceResponse has no place for the trace: refused,
                // not silently dropped.
                RunFormat::Fhir if trace => {
                    output::error(
                        "`--trace` does not go with `--format fhir`: the GuidanceResponse has no trace; use `--format json --trace`",
                    );
                    output::IO
                }
                RunFormat::Fhir => fhir_synth::run(&guideline, input, binding.as_deref()),
                _ if binding.is_some() && fhir.is_none() => fhir_synth::binding_unused(),
                RunFormat::Json => commands::run(&guideline, input, Format::Json, view, audience),
                RunFormat::Text => commands::run(&guideline, input, Format::Text, view, audience),
            }
        }
        Command::Explain {
            guideline,
            case,
            id,
            format,
        } => commands::explain(&guideline, &case, &id, format),
        Command::Test {
            paths,
            coverage,
            min_coverage,
            format,
            filter,
            bless,
        } => test_cmd::test(
            paths,
            test_cmd::Settings {
                coverage,
                min_coverage,
                format,
                filter,
                bless,
            },
        ),
        Command::Batch {
            guideline,
            cohort,
            ndjson,
            binding,
            as_of,
            format,
            input_format,
            threads,
            output,
            derived,
            missing,
            lanes,
        } => {
            let settings = batch::Settings {
                format,
                input_format,
                threads,
                output,
                options: cairn::cohort::arrow::Options {
                    derived,
                    missing,
                    lanes: lanes > 1,
                },
                source: None,
            };
            match (cohort, ndjson, binding) {
                (_, Some(dir), Some(binding)) => {
                    batch_ndjson::run(&guideline, &dir, &binding, as_of.as_deref(), settings)
                }
                (Some(cohort), _, _) => batch::run(&guideline, &cohort, settings),
                _ => {
                    output::error("give the cohort, or `--ndjson DIR --binding FILE`");
                    output::IO
                }
            }
        }
        Command::Cohort {
            guideline,
            cases,
            format,
            output,
        } => cohort_gen::run(&guideline, cases, format, output.as_deref()),
        Command::Fmt { check, files } => fmt::run(files, check),
        Command::Lsp { verbose, .. } => match cairn::lsp::run_with(cairn::lsp::Options { verbose })
        {
            Ok(()) => 0,
            Err(e) => {
                output::error(format_args!("cairn lsp: {e}"));
                output::IO
            }
        },
        Command::Analyze {
            guideline,
            format,
            save_witnesses,
            force,
        } => analyze::analyze(&guideline, format, save_witnesses.as_deref(), force),
        Command::Schema { guideline } => schema::run(&guideline),
        Command::New { name, dir } => new::run(&name, dir.as_deref()),
        Command::Diff {
            old,
            new,
            format,
            acknowledge_undecided,
        } => analyze::diff(&old, &new, format, acknowledge_undecided.as_deref()),
        Command::Codes { code, format } => codes::run(code.as_deref(), format),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
        Command::Graph {
            guideline,
            section,
            case,
            format,
            direction,
            definitions,
            output,
            force,
        } => graph::run(
            &guideline,
            &graph::Settings {
                case: case.as_deref(),
                format: match format {
                    GraphFormat::Dot => cairn::graph::Format::Dot,
                    GraphFormat::Mermaid => cairn::graph::Format::Mermaid,
                    GraphFormat::Svg => cairn::graph::Format::Svg,
                },
                options: cairn::graph::Options {
                    section,
                    direction: match direction {
                        GraphDirection::Tb => cairn::graph::Direction::TopBottom,
                        GraphDirection::Lr => cairn::graph::Direction::LeftRight,
                    },
                    definitions,
                },
                output: output.as_deref(),
                force,
            },
        ),
        Command::Report {
            guideline,
            case,
            output,
            force,
        } => report::run(&guideline, &case, &report::Settings { output, force }),
        #[cfg(feature = "serve")]
        Command::Serve {
            guidelines,
            bindings,
            config,
            addr,
            report,
            format,
        } => serve::run(serve::Settings {
            guidelines,
            bindings,
            config,
            addr,
            report,
            format,
        }),
        Command::Fhir { command } => fhir::run(command),
    };
    ExitCode::from(output::finish(code))
}
