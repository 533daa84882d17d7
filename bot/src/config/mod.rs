//! Settings: defaults, then a TOML file (`--config`, `EMCEE_CONFIG`, or
//! `emcee.toml` when present), then `EMCEE_*` environment variables (a `.env`
//! file is read first and never overrides what is already set). This is the
//! only module that reads the environment: [`Settings::load`] reads it, and
//! [`Settings::validate`] checks what was read without looking anywhere else.
//! Each platform's settings are in a file of their own.

mod discord;
mod http;
mod slack;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

pub use discord::{DiscordSettings, shard_range};
pub use http::HttpSettings;
pub use slack::SlackSettings;

use crate::clock::Clock;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    data_dir: PathBuf,
    now: Option<String>,
    history_file: Option<PathBuf>,
    log_format: String,
    database_url: Option<String>,
    state_dir: Option<PathBuf>,
    usage_key: Option<String>,
    usage_store_queries: bool,
    usage_durability: String,
    reminder_minutes: u64,
    public_url: Option<String>,
    time_zone: Option<String>,
    schedule_url: Option<String>,
    schedule_sync_seconds: u64,
    fetch_allow: Option<String>,
    http_addr: String,
    http_header_timeout_seconds: u64,
    http_body_timeout_seconds: u64,
    http_idle_timeout_seconds: u64,
    http_max_connections: u64,
    accept_replays: bool,
    slack_signing_secret: Option<String>,
    slack_bot_token: Option<String>,
    slack_app_token: Option<String>,
    #[serde(default)]
    slack_organisers: IdList,
    slack_organiser_group: Option<String>,
    #[serde(default)]
    slack_channels: IdList,
    slack_replies: String,
    slack_help_channel: Option<String>,
    discord_token: Option<String>,
    discord_application_id: Option<String>,
    discord_public_key: Option<String>,
    #[serde(default)]
    discord_organiser_roles: IdList,
    #[serde(default)]
    discord_channels: IdList,
    discord_shard_total: Option<u32>,
    discord_replicas: u32,
    discord_keynote_guild: Option<String>,
    #[serde(default)]
    discord_keynote_kinds: IdList,
    discord_dm_rate: f64,
    discord_help_channel: Option<String>,
    help_contact: Option<String>,
    help_per_hour: u32,
    qa_closes_after_minutes: u32,
    replica_ordinal: Option<u32>,
}

/// A list of ids: a TOML array, or text separated by commas or spaces (as
/// an environment variable holds it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
enum IdList {
    #[default]
    None,
    List(Vec<String>),
    Text(String),
}

impl IdList {
    fn into_vec(self) -> Vec<String> {
        let items = match self {
            IdList::None => Vec::new(),
            IdList::List(items) => items,
            IdList::Text(text) => text.split([',', ' ', '\n', '\t']).map(str::to_string).collect(),
        };
        items.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    }

    /// The same for names, which may hold spaces: text is separated by commas only.
    fn into_names(self) -> Vec<String> {
        match self {
            IdList::Text(text) => IdList::List(text.split([',', '\n']).map(str::to_string).collect()).into_vec(),
            list => list.into_vec(),
        }
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the knowledge base is: `speakers/`, `transcripts/`, `schedule.json`.
    pub data_dir: PathBuf,
    /// `EMCEE_NOW`: the instant to answer at instead of the system clock.
    pub now: Option<jiff::Timestamp>,
    /// Where `emcee chat` keeps its history; `None` keeps none.
    pub history_file: Option<PathBuf>,
    /// `text` or `json` log lines on standard error.
    pub log_format: LogFormat,
    /// Who runs the terminal adapter: the OS user.
    pub operator: String,
    /// This machine or pod (`HOSTNAME`), else the operator: who claimed an announcement.
    pub host: String,
    /// `DATABASE_URL`: `postgres://…`, or the embedded SQLite file by default.
    pub database_url: String,
    /// Where the generated usage key and the usage spill file live: beside
    /// the SQLite file, or the working directory for Postgres.
    pub state_dir: PathBuf,
    /// Whether `state_dir` was set rather than defaulted.
    pub state_dir_set: bool,
    /// `EMCEE_USAGE_KEY`: the secret user keys are made with; generated into
    /// `state_dir` when unset.
    pub usage_key: Option<String>,
    /// Whether the usage log keeps what was asked, or only which command.
    pub usage_store_queries: bool,
    /// What an answered command's usage event survives.
    pub usage_durability: Durability,
    /// How long before a session its reminder goes out.
    pub reminder_lead: std::time::Duration,
    /// `EMCEE_PUBLIC_URL`: where `emcee serve` is reached from outside,
    /// for each person's calendar feed address.
    pub public_url: Option<String>,
    /// `EMCEE_TIME_ZONE`: the conference's zone, for exports with local times and none of their own.
    pub time_zone: Option<jiff::tz::TimeZone>,
    /// A published programme (a pretalx export) to keep in sync with.
    pub schedule_url: Option<String>,
    /// How often the published programme is polled.
    pub schedule_sync: std::time::Duration,
    /// `EMCEE_FETCH_ALLOW`: what the addresses people give the bot may
    /// reach besides the public internet.
    pub fetcher: crate::fetch::Fetcher,
    /// `EMCEE_HTTP_ADDR`: where `emcee serve` listens.
    pub http_addr: std::net::SocketAddr,
    /// How long `emcee serve` waits for slow clients, and how many it holds.
    pub http: HttpSettings,
    /// Answer a copy of a signed request already answered: only for load
    /// generators that cycle through a few pre-signed requests.
    pub accept_replays: bool,
    /// Who can help when `/ask` cannot, and how many questions an hour go to the help channels.
    pub help: HelpSettings,
    /// How long after a session ends its audience questions close.
    pub qa_closes_after: jiff::SignedDuration,
    pub slack: SlackSettings,
    pub discord: DiscordSettings,
}

/// Who can help, and how much the help channels take.
#[derive(Debug, Clone)]
pub struct HelpSettings {
    /// `EMCEE_HELP_CONTACT`: said when `/ask` cannot answer (`the help desk
    /// by registration, or help@example.org`).
    pub contact: Option<String>,
    /// `EMCEE_HELP_PER_HOUR`: questions a workspace passes to its help channel an hour.
    pub per_hour: u32,
}

impl HelpSettings {
    /// Questions passed on an hour when unset: one every three minutes,
    /// which a few organisers on duty can answer.
    pub const DEFAULT_PER_HOUR: u32 = 20;
    /// The most that may be set: more than a person can read.
    pub const MOST_PER_HOUR: u32 = 600;
}

impl Default for HelpSettings {
    fn default() -> HelpSettings {
        HelpSettings { contact: None, per_hour: HelpSettings::DEFAULT_PER_HOUR }
    }
}

/// The address `emcee serve` listens on when `EMCEE_HTTP_ADDR` is unset.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";

/// Settings read from variables named as their platforms' documentation
/// names them, and the key each sets.
const PLATFORM_VARIABLES: &[(&str, &str)] = &[
    ("DATABASE_URL", "database_url"),
    ("SLACK_SIGNING_SECRET", "slack_signing_secret"),
    ("SLACK_BOT_TOKEN", "slack_bot_token"),
    ("SLACK_APP_TOKEN", "slack_app_token"),
    ("DISCORD_TOKEN", "discord_token"),
    ("DISCORD_APPLICATION_ID", "discord_application_id"),
    ("DISCORD_PUBLIC_KEY", "discord_public_key"),
];

/// The database when `DATABASE_URL` is unset.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://emcee.db";

/// Minutes after a session ends that its audience questions stay open by
/// default: the Q&A at the end of a talk, and the walk to the next one.
const QA_CLOSES_AFTER_MINUTES: u32 = 15;
/// The longest an operator may keep them open: a day.
const QA_CLOSES_AFTER_MOST: u32 = 24 * 60;

/// What an answered command's usage event survives (`EMCEE_USAGE_DURABILITY`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// A shutdown (Ctrl-C, SIGTERM, the end of input): events wait in
    /// memory for the database and are flushed on the way out; a crash or
    /// `kill -9` loses those not yet written. No reply ever waits.
    #[default]
    Shutdown,
    /// A crash or `kill -9` too: each event is on disk (the spill file,
    /// fsynced, in groups across concurrent replies) before its reply goes.
    Crash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    /// Every setting that has a value when nothing sets it, with that
    /// value; the others are unset, or worked out by [`Settings::validate`].
    /// `docs/operators.md`'s settings table gives the same defaults, and a
    /// test compares them.
    fn defaults() -> Result<config::ConfigBuilder<config::builder::DefaultState>, config::ConfigError> {
        config::Config::builder()
            .set_default("data_dir", "data")?
            .set_default("log_format", "text")?
            .set_default("database_url", DEFAULT_DATABASE_URL)?
            .set_default("usage_store_queries", true)?
            .set_default("usage_durability", "shutdown")?
            .set_default("reminder_minutes", 10)?
            .set_default("schedule_sync_seconds", 300)?
            .set_default("http_addr", DEFAULT_HTTP_ADDR)?
            .set_default("http_header_timeout_seconds", http::DEFAULT_HEADER_SECONDS)?
            .set_default("http_body_timeout_seconds", http::DEFAULT_BODY_SECONDS)?
            .set_default("http_idle_timeout_seconds", http::DEFAULT_IDLE_SECONDS)?
            .set_default("http_max_connections", http::DEFAULT_MAX_CONNECTIONS)?
            .set_default("accept_replays", false)?
            .set_default("slack_replies", "ephemeral")?
            .set_default("discord_replicas", 1)?
            .set_default("discord_keynote_kinds", discord::DEFAULT_KEYNOTE_KIND)?
            .set_default("discord_dm_rate", discord::DEFAULT_DM_RATE)?
            .set_default("help_per_hour", HelpSettings::DEFAULT_PER_HOUR)?
            .set_default("qa_closes_after_minutes", QA_CLOSES_AFTER_MINUTES)
    }

    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        dotenvy::dotenv().ok();
        let file = file.map(Path::to_path_buf).or_else(|| std::env::var_os("EMCEE_CONFIG").map(PathBuf::from));
        let mut builder = Settings::defaults()?;
        builder = match &file {
            Some(path) => {
                if !path.exists() {
                    bail!("the settings file {} does not exist (named by --config or EMCEE_CONFIG)", path.display());
                }
                builder.add_source(config::File::from(path.as_path()).format(config::FileFormat::Toml))
            }
            None => builder
                .add_source(config::File::with_name("emcee.toml").format(config::FileFormat::Toml).required(false)),
        };
        builder = builder.add_source(
            config::Environment::with_prefix("EMCEE").prefix_separator("_").separator("__").try_parsing(false),
        );
        // Platform secrets keep the names their platforms' own documentation uses.
        for (variable, key) in PLATFORM_VARIABLES {
            if let Ok(value) = std::env::var(variable) {
                builder = builder.set_override(*key, value)?;
            }
        }
        let raw: Raw = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading settings (check emcee.toml and the EMCEE_* environment variables)")?;
        Settings::validate(raw, &Host::from_env())
    }

    /// Checks and completes what was read; `host` is all it knows of the
    /// machine, so the same input always gives the same settings.
    fn validate(raw: Raw, host: &Host) -> anyhow::Result<Settings> {
        let now = match raw.now.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(text.parse::<jiff::Timestamp>().with_context(|| {
                format!("EMCEE_NOW is `{text}`, which is not an RFC 3339 instant such as 2022-11-01T09:30:00+01:00")
            })?),
        };
        let log_format = match raw.log_format.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!("EMCEE_LOG_FORMAT is `{other}`; use `text` or `json`"),
        };
        let usage_durability = match raw.usage_durability.trim() {
            "shutdown" => Durability::Shutdown,
            "crash" => Durability::Crash,
            other => bail!("EMCEE_USAGE_DURABILITY is `{other}`; use `shutdown` or `crash`"),
        };
        let http = http::http_settings(&raw)?;
        let slack = slack::slack_settings(&raw)?;
        let discord = discord::discord_settings(&raw, host)?;
        let history_file = raw.history_file.or_else(|| host.home.as_ref().map(|home| home.join(".emcee_history")));
        let database_url =
            raw.database_url.filter(|u| !u.trim().is_empty()).unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let state_dir_set = raw.state_dir.is_some();
        let state_dir = raw.state_dir.unwrap_or_else(|| {
            sqlite_file(&database_url)
                .and_then(|file| file.parent().map(PathBuf::from))
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from("."))
        });
        let time_zone = match raw.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(name) => Some(jiff::tz::TimeZone::get(name).with_context(|| {
                format!("EMCEE_TIME_ZONE is `{name}`, which is not a time zone; use an IANA name such as Europe/Berlin")
            })?),
        };
        let http_addr = raw.http_addr.trim().parse().with_context(|| {
            format!("EMCEE_HTTP_ADDR is `{}`, which is not an address and port such as 127.0.0.1:8080", raw.http_addr)
        })?;
        let public_url = match raw.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(url)
                if (url.starts_with("https://") || url.starts_with("http://"))
                    && !url.contains(char::is_whitespace) =>
            {
                Some(url.trim_end_matches('/').to_string())
            }
            Some(url) => bail!(
                "EMCEE_PUBLIC_URL is `{url}`; give the address people reach emcee serve at, such as https://emcee.example.org"
            ),
        };
        let fetcher = crate::fetch::Fetcher::allowing(raw.fetch_allow.as_deref().unwrap_or_default())
            .map_err(|error| anyhow::anyhow!(error))?;
        let max_minutes = u64::from(emcee_core::command::MAX_REMIND_MINUTES);
        if !(1..=max_minutes).contains(&raw.reminder_minutes) {
            bail!(
                "EMCEE_REMINDER_MINUTES is {}; it is how many minutes before a session its reminder goes out, from 1 to {max_minutes}",
                raw.reminder_minutes
            );
        }
        if !(1..=HelpSettings::MOST_PER_HOUR).contains(&raw.help_per_hour) {
            bail!(
                "EMCEE_HELP_PER_HOUR is {}; it is how many unanswered questions an hour are passed to a help channel, from 1 to {}",
                raw.help_per_hour,
                HelpSettings::MOST_PER_HOUR
            );
        }
        let help = HelpSettings { contact: secret(&raw.help_contact), per_hour: raw.help_per_hour };
        if raw.qa_closes_after_minutes > QA_CLOSES_AFTER_MOST {
            bail!(
                "EMCEE_QA_CLOSES_AFTER_MINUTES is {}; it is how many minutes after a session ends its audience questions close, from 0 to {QA_CLOSES_AFTER_MOST}",
                raw.qa_closes_after_minutes
            );
        }
        let operator = host.user.clone().unwrap_or_else(|| String::from("operator"));
        let host = host.hostname.clone().unwrap_or_else(|| operator.clone());
        Ok(Settings {
            data_dir: raw.data_dir,
            now,
            history_file,
            log_format,
            operator,
            host,
            database_url,
            state_dir,
            state_dir_set,
            usage_key: raw.usage_key,
            usage_store_queries: raw.usage_store_queries,
            usage_durability,
            reminder_lead: std::time::Duration::from_secs(raw.reminder_minutes * 60),
            public_url,
            time_zone,
            schedule_url: raw.schedule_url.filter(|u| !u.trim().is_empty()),
            schedule_sync: std::time::Duration::from_secs(raw.schedule_sync_seconds.max(10)),
            fetcher,
            http_addr,
            http,
            accept_replays: raw.accept_replays,
            help,
            qa_closes_after: jiff::SignedDuration::from_mins(i64::from(raw.qa_closes_after_minutes)),
            slack,
            discord,
        })
    }

    /// What a start of `emcee serve` runs, for its first log line.
    pub fn parts(&self) -> Vec<&'static str> {
        let mut parts = vec!["health and metrics"];
        if self.slack.signing_secret.is_some() {
            parts.push("Slack HTTP");
        }
        if self.slack.app_token.is_some() {
            parts.push("Slack Socket Mode");
        }
        if self.discord.public_key.is_some() {
            parts.push("Discord HTTP interactions");
        }
        if self.discord.token.is_some() {
            parts.push("Discord gateway");
        }
        parts
    }

    pub fn clock(&self) -> Clock {
        match self.now {
            Some(at) => Clock::Pinned(at),
            None => Clock::System,
        }
    }
}

/// What settings take from the machine rather than from `EMCEE_*`.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// `HOME`: where `emcee chat` keeps its history by default.
    pub home: Option<PathBuf>,
    /// `USER` (`USERNAME` on Windows): the operator.
    pub user: Option<String>,
    /// `HOSTNAME`: who claims announcements, and a StatefulSet pod's ordinal.
    pub hostname: Option<String>,
}

impl Host {
    fn from_env() -> Host {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Host {
            home: std::env::var_os("HOME").map(PathBuf::from),
            user: var("USER").or_else(|| var("USERNAME")),
            hostname: var("HOSTNAME"),
        }
    }
}

/// The file behind a `sqlite:` URL, if that is what this is.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn secret(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Which log lines show when `RUST_LOG` is unset.
pub const DEFAULT_LOG_FILTER: &str = "warn";

/// Logs go to standard error, filtered by `RUST_LOG` (default [`DEFAULT_LOG_FILTER`]).
pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[cfg(test)]
mod tests;
