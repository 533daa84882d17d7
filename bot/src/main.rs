//! The `emcee` binary: parses the command line and runs the chosen job.

use std::process::ExitCode;

/// mimalloc: replies allocate many small strings, and under load glibc's
/// allocator took about a tenth of the server's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match emcee::cli::run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("emcee: {error:#}");
            ExitCode::FAILURE
        }
    }
}
