//! `emcee announce`: reminders and change notices printed as they fall due;
//! with `EMCEE_SCHEDULE_URL` it also keeps the programme in sync. Several can
//! run against one database: each announcement still goes out once.

use std::process::ExitCode;

use crate::config::Settings;
use crate::terminal::{TerminalDirect, TerminalSink};

#[derive(Debug, clap::Args)]
pub struct AnnounceArgs {
    /// One pass, then stop.
    #[arg(long)]
    once: bool,
}

pub async fn run(args: AnnounceArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = crate::startup::open_store(settings).await?;
    let direct: Vec<std::sync::Arc<dyn crate::announcer::DirectSink>> =
        vec![std::sync::Arc::new(TerminalDirect { operator: settings.operator.clone() })];
    let sinks: Vec<Box<dyn crate::announcer::Sink>> = vec![Box::new(TerminalSink)];
    let outlets = crate::announcer::Outlets { sinks, direct, keynotes: None };
    crate::announcer::run_loop(settings, store, outlets, args.once, crate::shutdown::signal()).await?;
    Ok(ExitCode::SUCCESS)
}
