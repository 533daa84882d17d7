//! The `emcee` binary: parses the command line and runs the chosen job.

mod cli;
mod clock;
mod config;
mod dispatch;
mod knowledge;
mod terminal;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("emcee: {error:#}");
            ExitCode::FAILURE
        }
    }
}
