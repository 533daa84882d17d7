//! `emcee data check`: what the data directory holds and every problem in it.

use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Read every document and list what was found and every problem, with file and line.
    Check,
}

pub fn run(command: DataCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let DataCommand::Check = command;
    let loaded = crate::startup::load_knowledge(settings)?;
    Ok(crate::knowledge::check(&loaded))
}
