//! `emcee usage prune|forget`: retention and privacy of the usage log.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use crate::config::Settings;
use crate::dispatch::Platform;
use crate::startup;
use crate::usage::UserKeyer;

#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Delete usage events older than a window (90d, 12w, a date, …).
    Prune {
        #[arg(long, value_name = "WINDOW")]
        older_than: String,
    },
    /// Delete every usage event of one person, found by recomputing their key,
    /// and their agenda: favourites, reminder setting and calendar feed.
    Forget {
        #[arg(long, value_enum)]
        platform: Platform,
        /// The person's user id on that platform.
        #[arg(long)]
        user: String,
    },
}

pub async fn run(command: UsageCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        UsageCommand::Prune { older_than } => {
            let store = startup::open_store(settings).await?;
            let before =
                emcee_core::stats::parse_since(&older_than, jiff::Timestamp::now()).map_err(anyhow::Error::msg)?;
            let deleted = store.prune(before).await.context("deleting old usage events")?;
            println!("deleted {deleted} usage events from before {before}");
        }
        UsageCommand::Forget { platform, user } => {
            let keyer = UserKeyer::existing(settings.usage_key.as_deref(), &settings.state_dir)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no usage key: EMCEE_USAGE_KEY is unset and there is no {} in {}; the key the rows were made with is needed to find them",
                    crate::usage::key::KEY_FILE,
                    settings.state_dir.display()
                )
            })?;
            let store = startup::open_store(settings).await?;
            let platform = platform.as_str();
            let deleted =
                store.forget(&keyer.key(platform, &user)).await.context("deleting the person's usage events")?;
            println!("deleted {deleted} usage events of that {platform} user");
            let person = crate::store::Person::new(platform, &user);
            let favourites = store.forget_agenda(&person).await.context("deleting the person's agenda")?;
            println!("deleted their agenda: {favourites} favourites, their reminder setting and calendar feed");
        }
    }
    Ok(ExitCode::SUCCESS)
}
