//! `emcee stats`: the usage summary as tables, or as JSON for scripts.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Settings;
use crate::{report, startup, terminal};

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The window: 90m, 24h, 7d, 2w, a date (2026-11-01), an RFC 3339 instant, or all.
    #[arg(long, default_value = emcee_core::stats::DEFAULT_SINCE)]
    since: String,
    /// One JSON object for scripts.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: StatsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = startup::open_store(settings).await?;
    // Usage is stamped with the real clock, whatever EMCEE_NOW pins for the engine.
    let now = jiff::Timestamp::now();
    let from = emcee_core::stats::parse_since(&args.since, now).map_err(anyhow::Error::msg)?;
    let summary = store.summary(from, now).await.context("reading usage statistics")?;
    if args.json {
        terminal::print(&format!("{}\n", terminal::json_safe(&serde_json::to_string_pretty(&summary)?)))?;
    } else {
        // Top queries are what users typed: their control characters are shown escaped.
        terminal::print_text(&report::tables(&summary))?;
    }
    Ok(ExitCode::SUCCESS)
}
