//! The `cairn` command line; all the work happens in [`cli`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
