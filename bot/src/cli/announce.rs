//! `emcee announce`: reminders and change notices printed as they fall due;
//! with `EMCEE_SCHEDULE_URL` it also keeps the programme in sync. Several can
//! run against one database: each announcement still goes out once.

use std::process::ExitCode;

use crate::config::Settings;
use crate::terminal::TerminalSink;

#[derive(Debug, clap::Args)]
pub struct AnnounceArgs {
    /// One pass, then stop.
    #[arg(long)]
    once: bool,
}

pub async fn run(args: AnnounceArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = crate::startup::open_store(settings).await?;
    crate::announcer::run_loop(settings, store, vec![Box::new(TerminalSink)], args.once, crate::shutdown::signal())
        .await?;
    Ok(ExitCode::SUCCESS)
}
