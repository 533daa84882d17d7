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
    // With --once the programme is synced before the pass, which announces what it changed.
    if args.once {
        crate::programme::keep_in_sync(settings, &store, true, crate::shutdown::signal()).await;
        crate::announcer::run_loop(settings, store, outlets, true, crate::shutdown::signal()).await?;
    } else {
        let syncing = crate::programme::keep_in_sync(settings, &store, false, crate::shutdown::signal());
        let announcing = crate::announcer::run_loop(settings, store.clone(), outlets, false, crate::shutdown::signal());
        tokio::join!(syncing, announcing).1?;
    }
    Ok(ExitCode::SUCCESS)
}
