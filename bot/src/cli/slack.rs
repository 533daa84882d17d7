//! `emcee slack manifest`: the Slack app's manifest, from the command catalogue.

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SlackCommand {
    /// Print the app manifest to paste at api.slack.com/apps → Create New App → From a manifest.
    Manifest {
        /// The public https address Slack reaches `emcee serve` at.
        #[arg(long, value_name = "https://HOST", required_unless_present = "socket_mode")]
        url: Option<String>,
        /// Slack connects over Socket Mode (SLACK_APP_TOKEN) instead: no public address needed.
        #[arg(long)]
        socket_mode: bool,
    },
}

pub fn run(command: SlackCommand) -> anyhow::Result<ExitCode> {
    let SlackCommand::Manifest { url, socket_mode } = command;
    let manifest = crate::slack::manifest::manifest(url.as_deref().unwrap_or(""), socket_mode)?;
    crate::terminal::print(&format!("{}\n", serde_json::to_string_pretty(&manifest)?))?;
    Ok(ExitCode::SUCCESS)
}
