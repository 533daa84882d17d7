//! Settings: defaults, then a TOML file (`--config`, `EMCEE_CONFIG`, or
//! `emcee.toml` when present), then `EMCEE_*` environment variables (a `.env`
//! file is read first and never overrides what is already set). This is the
//! only module that reads the environment.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

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
    reminder_minutes: u64,
    schedule_url: Option<String>,
    schedule_sync_seconds: u64,
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
    /// How long before a session its reminder goes out.
    pub reminder_lead: std::time::Duration,
    /// A published programme (a pretalx export) to keep in sync with.
    pub schedule_url: Option<String>,
    /// How often the published programme is polled.
    pub schedule_sync: std::time::Duration,
}

/// The database when `DATABASE_URL` is unset.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://emcee.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        dotenvy::dotenv().ok();
        let file = file.map(Path::to_path_buf).or_else(|| std::env::var_os("EMCEE_CONFIG").map(PathBuf::from));
        let mut builder = config::Config::builder()
            .set_default("data_dir", "data")?
            .set_default("log_format", "text")?
            .set_default("usage_store_queries", true)?
            .set_default("reminder_minutes", 10)?
            .set_default("schedule_sync_seconds", 300)?;
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
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_override("database_url", url)?;
        }
        let raw: Raw = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading settings (check emcee.toml and the EMCEE_* environment variables)")?;
        Settings::validate(raw)
    }

    fn validate(raw: Raw) -> anyhow::Result<Settings> {
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
        let history_file = raw
            .history_file
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".emcee_history")));
        let database_url =
            raw.database_url.filter(|u| !u.trim().is_empty()).unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let state_dir_set = raw.state_dir.is_some();
        let state_dir = raw.state_dir.unwrap_or_else(|| {
            crate::store::Store::sqlite_file(&database_url)
                .and_then(|file| file.parent().map(PathBuf::from))
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from("."))
        });
        let operator =
            std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| String::from("operator"));
        Ok(Settings {
            data_dir: raw.data_dir,
            now,
            history_file,
            log_format,
            operator,
            database_url,
            state_dir,
            state_dir_set,
            usage_key: raw.usage_key,
            usage_store_queries: raw.usage_store_queries,
            reminder_lead: std::time::Duration::from_secs(raw.reminder_minutes * 60),
            schedule_url: raw.schedule_url.filter(|u| !u.trim().is_empty()),
            schedule_sync: std::time::Duration::from_secs(raw.schedule_sync_seconds.max(10)),
        })
    }

    pub fn clock(&self) -> Clock {
        match self.now {
            Some(at) => Clock::Pinned(at),
            None => Clock::System,
        }
    }
}

/// Logs go to standard error, filtered by `RUST_LOG` (default `warn`).
pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(now: Option<&str>, log_format: &str) -> Raw {
        Raw {
            data_dir: "data".into(),
            now: now.map(str::to_string),
            history_file: None,
            log_format: log_format.into(),
            database_url: None,
            state_dir: None,
            usage_key: None,
            usage_store_queries: true,
            reminder_minutes: 10,
            schedule_url: None,
            schedule_sync_seconds: 300,
        }
    }

    #[test]
    fn validates_the_pinned_clock() {
        let settings = Settings::validate(raw(Some("2022-11-01T09:30:00+01:00"), "text")).unwrap();
        assert_eq!(settings.now.unwrap().to_string(), "2022-11-01T08:30:00Z");
        let error = Settings::validate(raw(Some("tomorrow"), "text")).unwrap_err();
        assert!(error.to_string().contains("EMCEE_NOW is `tomorrow`"), "{error}");
        let error = Settings::validate(raw(None, "xml")).unwrap_err();
        assert!(error.to_string().contains("use `text` or `json`"), "{error}");
    }

    #[test]
    fn keeps_state_beside_the_sqlite_file() {
        let settings = Settings::validate(raw(None, "text")).unwrap();
        assert_eq!((settings.database_url.as_str(), settings.state_dir.to_str()), (DEFAULT_DATABASE_URL, Some(".")));
        let mut elsewhere = raw(None, "text");
        elsewhere.database_url = Some("sqlite:///var/lib/emcee/usage.db".into());
        assert_eq!(Settings::validate(elsewhere).unwrap().state_dir, PathBuf::from("/var/lib/emcee"));
    }
}
