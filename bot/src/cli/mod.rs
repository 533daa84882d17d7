//! The command line: one file per command or group of subcommands, each
//! with its clap arguments and what it runs. `main` calls [`run`].

mod announce;
mod data;
mod discord;
mod faq;
mod qa;
mod schedule;
mod slack;
mod stats;
mod terminal;
mod transcript;
mod usage;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Settings;

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
    /// Run the bot: the HTTP endpoints (Slack, Discord, health, metrics),
    /// Slack Socket Mode and the Discord gateway as configured, announcements.
    Serve,
    /// Talk to the bot in the terminal, with line editing and history.
    Chat,
    /// Answer each QUERY (a command such as `/bio kelsey`, or a question);
    /// with no QUERY, answer one query per line of standard input.
    Ask(terminal::AskArgs),
    /// How the bot was used: commands, platforms, days, top and unanswered queries, latency.
    Stats(stats::StatsArgs),
    /// Send reminders before sessions and notices of changes as they fall due
    /// (and, with EMCEE_SCHEDULE_URL, keep the programme in sync with it).
    Announce(announce::AnnounceArgs),
    /// Retention and privacy of the usage log.
    #[command(subcommand)]
    Usage(usage::UsageCommand),
    /// The programme: import an export, list the sessions, export a calendar.
    #[command(subcommand)]
    Schedule(schedule::ScheduleCommand),
    /// Recordings' transcripts, linked to their sessions.
    #[command(subcommand)]
    Transcript(transcript::TranscriptCommand),
    /// The organisers' FAQ: import the published page.
    #[command(subcommand)]
    Faq(faq::FaqCommand),
    /// Audience questions for the speakers: export a session's.
    #[command(subcommand)]
    Qa(qa::QaCommand),
    /// Set up the Slack app.
    #[command(subcommand)]
    Slack(slack::SlackCommand),
    /// Set up the Discord application.
    #[command(subcommand)]
    Discord(discord::DiscordCommand),
    /// Work with the knowledge base in the data directory.
    #[command(subcommand)]
    Data(data::DataCommand),
}

pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    crate::config::init_logging(&settings);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // One worker per core this process may run on (fewer under taskset or a CPU limit).
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)))
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(run_command(cli.command, settings));
    // A read of standard input may still be blocked on a thread that would
    // hold a normal shutdown open; the usage log has already been flushed.
    runtime.shutdown_background();
    result
}

async fn run_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => crate::server::run(&settings).await,
        Command::Chat => terminal::chat(&settings).await,
        Command::Ask(args) => terminal::ask(args, &settings).await,
        Command::Stats(args) => stats::run(args, &settings).await,
        Command::Announce(args) => announce::run(args, &settings).await,
        Command::Usage(command) => usage::run(command, &settings).await,
        Command::Schedule(command) => schedule::run(command, &settings).await,
        Command::Transcript(command) => transcript::run(command, &settings).await,
        Command::Faq(command) => faq::run(command, &settings).await,
        Command::Qa(command) => qa::run(command, &settings).await,
        Command::Slack(command) => slack::run(command),
        Command::Discord(command) => discord::run(command, &settings).await,
        Command::Data(command) => data::run(command, &settings),
    }
}
