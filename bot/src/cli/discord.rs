//! `emcee discord register`: the slash commands, from the command catalogue,
//! registered only when Discord's set differs.

use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum DiscordCommand {
    /// Register the slash commands (needs DISCORD_TOKEN and DISCORD_APPLICATION_ID);
    /// changes nothing when Discord already has them.
    Register {
        /// Register in one server, where they show at once, instead of globally (up to an hour).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
}

pub async fn run(command: DiscordCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let DiscordCommand::Register { guild } = command;
    let discord = &settings.discord;
    let (Some(token), Some(application)) = (&discord.token, discord.application_id) else {
        anyhow::bail!(
            "registering commands needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your application)"
        );
    };
    let http = serenity::all::HttpBuilder::new(token).application_id(application.into()).build();
    let changed = crate::discord::commands::register(&http, guild).await?;
    let place = guild.map(|g| format!("server {g}")).unwrap_or_else(|| String::from("every server (global)"));
    match changed {
        true => println!("registered {} commands in {place}", crate::discord::commands::definitions().len()),
        false => println!("the commands in {place} are already up to date; nothing changed"),
    }
    Ok(ExitCode::SUCCESS)
}
