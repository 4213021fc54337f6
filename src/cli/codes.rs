//! Command line: the `codes` subcommand, the index of stable diagnostic
//! codes (`cairn::codes`).

use super::commands::print_json;
use super::output::{self, ERRORS};
use super::Format;
use cairn::codes;

/// The code an unknown name given to `cairn codes` is reported with.
pub const UNKNOWN_CODE: &str = "cairn::cli::unknown_code";

/// `cairn codes [CODE]`: every code (or the one asked for) with its meaning;
/// 1 when the code is not in the index.
pub fn run(code: Option<&str>, format: Format) -> u8 {
    let Some(name) = code else {
        let all: Vec<codes::Code> = codes::all().collect();
        return match format {
            Format::Json => print_json(&all),
            Format::Text => {
                let width = all.iter().map(|c| c.code.len()).max().unwrap_or(0);
                for c in &all {
                    outln!("{:width$}  {}", c.code, meaning(c));
                }
                0
            }
        };
    };
    match codes::find(name) {
        Some(c) => match format {
            Format::Json => print_json(&c),
            Format::Text => {
                outln!("{}", c.code);
                outln!("  {}", meaning(&c));
                if !c.message.is_empty() && c.message != "{message}" {
                    outln!("  reported as: {}", c.message);
                }
                0
            }
        },
        None => {
            let help = codes::help(name)
                .map(|h| format!("; {h}"))
                .unwrap_or_else(|| "; `cairn codes` lists them all".to_string());
            output::error_coded(UNKNOWN_CODE, format_args!("no code `{name}`{help}"));
            ERRORS
        }
    }
}

/// What a code means: its doc, or else its message.
fn meaning(c: &codes::Code) -> &'static str {
    if c.meaning.is_empty() {
        c.message
    } else {
        c.meaning
    }
}
