//! The command line: `emcee chat`, `emcee ask`, `emcee data check`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::dispatch::Dispatcher;
use crate::{knowledge, terminal};

/// emcee: the conference bot that knows who is speaking, what they said and what is on next.
#[derive(Debug, Parser)]
#[command(name = "emcee", version, about, long_about = None)]
struct Cli {
    /// Settings file (default: emcee.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Talk to the bot in the terminal, with line editing and history.
    Chat,
    /// Answer each QUERY (a command such as `/bio kelsey`, or a question);
    /// with no QUERY, answer one query per line of standard input.
    Ask {
        /// One JSON object per query, one per line.
        #[arg(long)]
        json: bool,
        /// The queries; each argument is one query.
        #[arg(value_name = "QUERY")]
        queries: Vec<String>,
    },
    /// Work with the knowledge base in the data directory.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Read every document and list what was found and every problem, with file and line.
    Check,
}

pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    crate::config::init_logging(&settings);
    let loaded = knowledge::load(&settings.data_dir)
        .with_context(|| format!("reading the knowledge base in {}", settings.data_dir.display()))?;
    match cli.command {
        Command::Data { command: DataCommand::Check } => Ok(knowledge::check(&loaded)),
        Command::Chat => {
            let dispatcher = Dispatcher::new(loaded.into_engine(), settings.clock());
            terminal::chat(&dispatcher, &settings)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask { json, queries } => {
            let dispatcher = Dispatcher::new(loaded.into_engine(), settings.clock());
            terminal::ask(&dispatcher, &settings, &queries, json)
        }
    }
}
