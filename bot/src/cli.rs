//! The command line: `emcee serve`, `chat`, `ask`, `stats`, `announce`, `usage prune|forget`,
//! `schedule …`, `slack manifest`, `discord register`, `data check`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::dispatch::{Dispatcher, Platform, Usage};
use crate::store::Store;
use crate::usage::spill::{SPILL_FILE, Spill};
use crate::usage::{UserKeyer, writer};
use crate::{knowledge, report, terminal};

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
    Ask {
        /// One JSON object per query, one per line.
        #[arg(long)]
        json: bool,
        /// The queries; each argument is one query.
        #[arg(value_name = "QUERY")]
        queries: Vec<String>,
    },
    /// How the bot was used: commands, platforms, days, top and unanswered queries, latency.
    Stats {
        /// The window: 90m, 24h, 7d, 2w, a date (2026-11-01), an RFC 3339 instant, or all.
        #[arg(long, default_value = emcee_core::stats::DEFAULT_SINCE)]
        since: String,
        /// One JSON object for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Send reminders before sessions and notices of changes as they fall due
    /// (and, with EMCEE_SCHEDULE_URL, keep the programme in sync with it).
    Announce {
        /// One pass, then stop.
        #[arg(long)]
        once: bool,
    },
    /// Retention and privacy of the usage log.
    Usage {
        #[command(subcommand)]
        command: UsageCommand,
    },
    /// The programme: import an export, list the sessions, export a calendar.
    Schedule {
        #[command(subcommand)]
        command: ScheduleCommand,
    },
    /// Set up the Slack app.
    Slack {
        #[command(subcommand)]
        command: SlackCommand,
    },
    /// Set up the Discord application.
    Discord {
        #[command(subcommand)]
        command: DiscordCommand,
    },
    /// Work with the knowledge base in the data directory.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UsageCommand {
    /// Delete usage events older than a window (90d, 12w, a date, …).
    Prune {
        #[arg(long, value_name = "WINDOW")]
        older_than: String,
    },
    /// Delete every usage event of one person, found by recomputing their key.
    Forget {
        #[arg(long, value_enum)]
        platform: Platform,
        /// The person's user id on that platform.
        #[arg(long)]
        user: String,
    },
}

#[derive(Debug, Subcommand)]
enum ScheduleCommand {
    /// Replace the programme with a pretalx/frab JSON, frab XML, iCalendar,
    /// CSV or Sessionize export (the format is told from the content), and
    /// print what changed.
    Import {
        /// A file, or an http(s) URL.
        source: String,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The change set as JSON.
        #[arg(long)]
        json: bool,
        /// The conference's time zone, for exports with local times (Sessionize, CSV, floating iCalendar).
        #[arg(long, value_name = "IANA_ZONE")]
        time_zone: Option<String>,
        /// The conference's name, for exports without one (iCalendar, CSV, Sessionize).
        #[arg(long)]
        title: Option<String>,
        /// Accept an export with no sessions, which cancels every session.
        #[arg(long)]
        allow_empty: bool,
    },
    /// The sessions, in order.
    List {
        /// A JSON array of sessions.
        #[arg(long)]
        json: bool,
    },
    /// The whole programme for calendar apps.
    Export {
        #[arg(long, value_enum, default_value = "ics")]
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Ics,
}

#[derive(Debug, Subcommand)]
enum SlackCommand {
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

#[derive(Debug, Subcommand)]
enum DiscordCommand {
    /// Register the slash commands (needs DISCORD_TOKEN and DISCORD_APPLICATION_ID);
    /// changes nothing when Discord already has them.
    Register {
        /// Register in one server, where they show at once, instead of globally (up to an hour).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
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
        Command::Slack { command: SlackCommand::Manifest { url, socket_mode } } => {
            let manifest = crate::slack::manifest::manifest(url.as_deref().unwrap_or(""), socket_mode)?;
            terminal::print(&format!("{}\n", serde_json::to_string_pretty(&manifest)?))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Discord { command: DiscordCommand::Register { guild } } => {
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
        Command::Data { command: DataCommand::Check } => {
            let loaded = load_knowledge(&settings)?;
            Ok(knowledge::check(&loaded))
        }
        Command::Chat => {
            let (dispatcher, writer) = dispatcher(&settings).await?;
            let dispatcher = Arc::new(dispatcher);
            tokio::spawn(crate::programme::follow(Arc::downgrade(&dispatcher)));
            // The line editor cannot be interrupted; on a signal the usage log is flushed and the process ends.
            let result = tokio::select! {
                result = terminal::chat(dispatcher.clone(), &settings) => result,
                () = crate::shutdown::signal() => Ok(()),
            };
            drop(dispatcher);
            writer.stop().await;
            result.map(|()| ExitCode::SUCCESS)
        }
        Command::Ask { json, queries } => {
            let (dispatcher, writer) = dispatcher(&settings).await?;
            let result = terminal::ask(&dispatcher, &settings, &queries, json).await;
            drop(dispatcher);
            writer.wait().await;
            result
        }
        Command::Stats { since, json } => {
            let store = open_store(&settings).await?;
            // Usage is stamped with the real clock, whatever EMCEE_NOW pins for the engine.
            let now = jiff::Timestamp::now();
            let from = emcee_core::stats::parse_since(&since, now).map_err(anyhow::Error::msg)?;
            let summary = store.summary(from, now).await.context("reading usage statistics")?;
            if json {
                terminal::print(&format!("{}\n", serde_json::to_string_pretty(&summary)?))?;
            } else {
                terminal::print(&report::tables(&summary))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Announce { once } => crate::announce_cli::run(&settings, once).await,
        Command::Schedule { command } => crate::schedule_cli::run(command_parts(command), &settings).await,
        Command::Usage { command: UsageCommand::Prune { older_than } } => {
            let store = open_store(&settings).await?;
            let before =
                emcee_core::stats::parse_since(&older_than, jiff::Timestamp::now()).map_err(anyhow::Error::msg)?;
            let deleted = store.prune(before).await.context("deleting old usage events")?;
            println!("deleted {deleted} usage events from before {before}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Usage { command: UsageCommand::Forget { platform, user } } => {
            let keyer = UserKeyer::existing(settings.usage_key.as_deref(), &settings.state_dir)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no usage key: EMCEE_USAGE_KEY is unset and there is no {} in {}; the key the rows were made with is needed to find them",
                    crate::usage::key::KEY_FILE,
                    settings.state_dir.display()
                )
            })?;
            let store = open_store(&settings).await?;
            let platform = platform.as_str();
            let deleted =
                store.forget(&keyer.key(platform, &user)).await.context("deleting the person's usage events")?;
            println!("deleted {deleted} usage events of that {platform} user");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn command_parts(command: ScheduleCommand) -> crate::schedule_cli::Action {
    use crate::schedule_cli::Action;
    match command {
        ScheduleCommand::Import { source, dry_run, json, time_zone, title, allow_empty } => {
            Action::Import { source, dry_run, json, time_zone, title, allow_empty }
        }
        ScheduleCommand::List { json } => Action::List { json },
        ScheduleCommand::Export { format: ExportFormat::Ics } => Action::ExportIcs,
    }
}

fn load_knowledge(settings: &Settings) -> anyhow::Result<knowledge::Loaded> {
    knowledge::load(&settings.data_dir)
        .with_context(|| format!("reading the knowledge base in {}", settings.data_dir.display()))
}

/// A knowledge base this large is indexed at start, saying so.
const LARGE_INDEX: usize = 20_000;

/// The engine, and the usage log behind the dispatch path with its writer task.
pub(crate) async fn dispatcher(settings: &Settings) -> anyhow::Result<(Dispatcher, writer::WriterHandle)> {
    let loaded = load_knowledge(settings)?;
    let store = Store::open(&settings.database_url)?;
    if matches!(store, Store::Postgres(_)) && settings.usage_key.is_none() && !settings.state_dir_set {
        anyhow::bail!(
            "with DATABASE_URL on PostgreSQL, set EMCEE_USAGE_KEY (or EMCEE_STATE_DIR, where the key is kept) so that every replica keys users alike"
        );
    }
    if matches!(store, Store::Sqlite(_)) {
        // A local file: migrate now, before the writer and /stats could race to do it.
        store.migrate().await.with_context(|| format!("preparing the usage database {}", settings.database_url))?;
    }
    let schedule = crate::programme::load(&store, loaded.schedule, loaded.schedule_file.as_deref()).await;
    let engine = Arc::new(emcee_core::Engine::new(loaded.kb, schedule));
    let documents = engine.knowledge().quotes.len() + engine.schedule().sessions.len();
    if documents >= LARGE_INDEX {
        // Built now rather than on the first search, which would otherwise wait for it in silence.
        eprintln!("indexing {documents} quotes and sessions…");
        let started = std::time::Instant::now();
        engine.warm()?;
        eprintln!("indexed in {:.1?}", started.elapsed());
    }
    let keyer = UserKeyer::load(settings.usage_key.as_deref(), &settings.state_dir)?;
    let spill = Spill::new(settings.state_dir.join(SPILL_FILE));
    let (log, writer) = writer::start(store.clone(), spill, writer::Options::default());
    let usage = Usage { log, keyer, store, store_queries: settings.usage_store_queries };
    Ok((Dispatcher::new(engine, settings.clock(), Some(usage)), writer))
}

/// The store for an operator's command: it must answer now.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.database_url)?;
    store.migrate().await.with_context(|| {
        format!("cannot reach the usage database at {} (DATABASE_URL)", redact(&settings.database_url))
    })?;
    Ok(store)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hides_passwords_in_database_urls() {
        assert_eq!(super::redact("postgres://emcee:s3cret@db:5432/emcee"), "postgres://emcee:***@db:5432/emcee");
        assert_eq!(super::redact("sqlite://emcee.db"), "sqlite://emcee.db");
    }
}
