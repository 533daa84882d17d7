//! The `emcee` binary: parses the command line and runs the chosen job.

use std::process::ExitCode;

/// mimalloc: replies allocate many small strings, and under load glibc's
/// allocator took about a tenth of the server's time. Built without
/// transparent huge pages (`no_thp`): with them, every page first touched in
/// its arena can be a 2 MB one, which added 9 MB to a cold `emcee ask` and
/// 22 MB to `emcee serve`, for no measurable speed.
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
