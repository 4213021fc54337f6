//! Command line: argument parsing and dispatch to the subcommands.
//!
//! Exit codes: 0 success (warnings allowed), 1 errors in the input (a
//! guideline or case with errors, a failing test, a bad cohort line), 2
//! usage or I/O errors, including standard output that cannot be written
//! (`output::finish`). Input files are never written, except by `cairn fmt`
//! without `--check` and by `cairn test --bless` (case files), and then only
//! through `cairn::format::rewrite`; `cairn new` and `analyze
//! --save-witnesses` create new files only.

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
mod batch_rows;
mod batch_rows_arrow;
mod batch_write;
mod cohort;
mod cohort_arrow;
mod cohort_gen;
mod commands;
mod fmt;
mod new;
mod output;
mod schema;
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
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Rendered with source excerpts.
    Human,
    /// A JSON array of diagnostics on standard output.
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
        /// The guideline files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        error_format: ErrorFormat,
    },
    /// Run a guideline against a case.
    Run {
        /// The guideline file.
        guideline: PathBuf,
        /// The case file (JSON), or `-` for standard input.
        #[arg(long)]
        case: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Add the step-by-step explanation.
        #[arg(long)]
        trace: bool,
    },
    /// Explain one recommendation for a case: its trace and everything it depends on.
    Explain {
        /// The guideline file.
        guideline: PathBuf,
        /// The case file (JSON), or `-` for standard input.
        #[arg(long)]
        case: PathBuf,
        /// The recommendation id.
        id: String,
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
        cohort: PathBuf,
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
    let code = match cli.command {
        Command::Check {
            files,
            error_format,
        } => commands::check(&files, error_format),
        Command::Run {
            guideline,
            case,
            format,
            trace,
        } => commands::run(&guideline, &case, format, trace),
        Command::Explain {
            guideline,
            case,
            id,
        } => commands::explain(&guideline, &case, &id),
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
            format,
            input_format,
            threads,
            output,
            derived,
            missing,
            lanes,
        } => batch::run(
            &guideline,
            &cohort,
            batch::Settings {
                format,
                input_format,
                threads,
                output,
                options: cairn::cohort::arrow::Options {
                    derived,
                    missing,
                    lanes: lanes > 1,
                },
            },
        ),
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
                errln!("error: cairn lsp: {e}");
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
    };
    ExitCode::from(output::finish(code))
}
