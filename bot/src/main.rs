//! The `emcee` binary: parses the command line and runs the chosen job.

use std::process::ExitCode;

fn main() -> ExitCode {
    match emcee::cli::run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("emcee: {error:#}");
            ExitCode::FAILURE
        }
    }
}
