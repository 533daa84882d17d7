//! The one path every adapter's command takes: parse, check permission,
//! answer (the engine for knowledge, the store for usage statistics), and
//! log usage — without ever waiting on the database for the log.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use emcee_core::command::{self, Command, CommandKind, ScheduleCommand};
use emcee_core::engine::schedule as schedule_replies;
use emcee_core::reply::Status;
use emcee_core::schedule::ImportOptions;
use emcee_core::{Context, Engine, Reply};

use crate::clock::{Clock, seed};
use crate::programme::{self, ProgrammeError};
use crate::store::{Store, UsageEvent};
use crate::usage::{UsageLog, UserKeyer};

/// Where a command came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub platform: Platform,
    /// Discord guild or Slack team; empty in the terminal.
    pub workspace: String,
    pub channel: String,
    /// The platform's user id (the OS user in the terminal). Never stored.
    pub user: String,
    /// Whether the adapter found this user to be an organiser.
    pub organiser: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Platform {
    Discord,
    Slack,
    Terminal,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Slack => "slack",
            Platform::Terminal => "terminal",
        }
    }
}

/// The usage log and what it needs.
pub struct Usage {
    pub log: UsageLog,
    pub keyer: UserKeyer,
    pub store: Store,
    /// Whether events keep the query text.
    pub store_queries: bool,
}

/// How long `/stats` waits for the database.
const STATS_TIMEOUT: Duration = Duration::from_secs(5);

/// Answers commands for every adapter.
pub struct Dispatcher {
    /// Replaced whole when the programme changes; readers keep the one they took.
    engine: RwLock<Arc<Engine>>,
    clock: Clock,
    usage: Option<Usage>,
}

impl Dispatcher {
    pub fn new(engine: Arc<Engine>, clock: Clock, usage: Option<Usage>) -> Dispatcher {
        Dispatcher { engine: RwLock::new(engine), clock, usage }
    }

    /// The database, when there is one.
    pub fn store(&self) -> Option<Store> {
        self.usage.as_ref().map(|u| u.store.clone())
    }

    /// The engine answering now.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Answers with `schedule` from now on, if it differs from the programme in use.
    pub fn use_schedule(&self, schedule: emcee_core::Schedule) {
        let engine = self.engine();
        if &schedule != engine.schedule() {
            self.replace_engine(engine.with_schedule(schedule));
        }
    }

    fn replace_engine(&self, engine: Engine) {
        *self.engine.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(engine);
    }

    /// The usage log, when there is one.
    pub fn usage(&self) -> Option<&Usage> {
        self.usage.as_ref()
    }

    /// Answers one line of input from `origin`, and logs it.
    pub async fn answer(&self, origin: &Origin, line: &str) -> Reply {
        self.answer_again(origin, line, 0).await
    }

    /// Answers a line already answered `shown` times ("another quote"), and
    /// logs it; with `shown` 0 it is a first answer.
    pub async fn answer_again(&self, origin: &Origin, line: &str, shown: usize) -> Reply {
        self.answer_seeded(origin, line, shown, seed()).await
    }

    /// Answers as [`answer_again`](Self::answer_again) does, drawing random
    /// picks with `seed`: the same seed picks the same random quote again.
    pub async fn answer_seeded(&self, origin: &Origin, line: &str, shown: usize, seed: u64) -> Reply {
        let started = Instant::now();
        let now = self.clock.now();
        let ctx = Context { now, seed };
        let engine = self.engine();
        let reply = match command::parse(line) {
            Err(e) => Reply::message(e.kind, Status::Invalid, e.message),
            Ok(Command::Stats { since }) => self.stats(origin, since.as_deref()).await,
            Ok(Command::Schedule(change)) => self.change_schedule(origin, change).await,
            Ok(cmd) if shown > 0 => engine.another(&cmd, shown, &ctx),
            Ok(cmd) => engine.answer(&cmd, &ctx),
        };
        if reply.status == Status::Error
            && let Some(detail) = engine.index_error()
        {
            tracing::error!(command = reply.command.as_str(), "could not answer: {detail}");
        }
        tracing::debug!(
            platform = origin.platform.as_str(),
            workspace = %origin.workspace,
            channel = %origin.channel,
            command = reply.command.as_str(),
            status = reply.status.as_str(),
            "answered"
        );
        self.log(origin, line, started, &reply).await;
        reply
    }

    /// `/schedule import` of a file uploaded to the chat: organisers only;
    /// imported as a URL would be, and logged as `/schedule import NAME`.
    /// `file` is the upload's bytes, or the reply saying why the adapter
    /// could not get them (too large, not on the platform's file store, a
    /// failed download): logged all the same.
    pub async fn import_file(&self, origin: &Origin, name: &str, file: Result<&[u8], Box<Reply>>) -> Reply {
        let started = Instant::now();
        let line = format!("/schedule import {name}");
        let reply = match file {
            _ if !origin.organiser => {
                Reply::message(CommandKind::Schedule, Status::Denied, "Only organisers can use /schedule.")
            }
            Ok(bytes) => {
                self.change_schedule_to(ScheduleCommand::Import { source: name.to_string() }, Some((name, bytes))).await
            }
            Err(unusable) => *unusable,
        };
        self.log(origin, &line, started, &reply).await;
        reply
    }

    /// Counts the command and records its usage event, before the reply
    /// goes: with crash durability, that waits until the event is on disk.
    async fn log(&self, origin: &Origin, line: &str, started: Instant, reply: &Reply) {
        let took = started.elapsed();
        crate::metrics::command(origin.platform.as_str(), reply.command.as_str(), reply.status.as_str(), took);
        if let Some(usage) = &self.usage {
            let event = UsageEvent {
                event_id: uuid::Uuid::now_v7().to_string(),
                // The real time, whatever EMCEE_NOW pins for the engine.
                occurred_at: jiff::Timestamp::now().as_second(),
                platform: origin.platform.as_str().to_string(),
                workspace: origin.workspace.clone(),
                channel: origin.channel.clone(),
                user_key: usage.keyer.key(origin.platform.as_str(), &origin.user),
                command: reply.command.as_str().to_string(),
                query: usage.store_queries.then(|| line.trim().to_string()),
                status: reply.status.as_str().to_string(),
                result_count: i32::try_from(reply.result_count).unwrap_or(i32::MAX),
                latency_us: i64::try_from(took.as_micros()).unwrap_or(i64::MAX),
                source_kind: reply.sources.first().map(|s| s.kind.as_str().to_string()),
            };
            usage.log.record_before_reply(event.storable()).await;
        }
    }

    /// `/stats [since]`: organisers only, from the usage store, over a
    /// window of real time.
    async fn stats(&self, origin: &Origin, since: Option<&str>) -> Reply {
        if !origin.organiser {
            return Reply::message(CommandKind::Stats, Status::Denied, "Only organisers can see usage statistics.");
        }
        let now = jiff::Timestamp::now();
        let Some(usage) = &self.usage else {
            return self
                .engine()
                .answer(&Command::Stats { since: since.map(str::to_string) }, &Context { now, seed: 0 });
        };
        let from = match emcee_core::stats::parse_since(since.unwrap_or(emcee_core::stats::DEFAULT_SINCE), now) {
            Ok(from) => from,
            Err(error) => return Reply::message(CommandKind::Stats, Status::Invalid, error.to_string()),
        };
        let summary = tokio::time::timeout(STATS_TIMEOUT, async {
            usage.store.migrate().await?;
            usage.store.summary(from, now).await
        })
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("no answer within {STATS_TIMEOUT:?}")));
        match summary {
            Ok(summary) => emcee_core::stats::reply(&summary),
            Err(error) => {
                tracing::error!("usage statistics failed: {error:#}");
                Reply::message(
                    CommandKind::Stats,
                    Status::Error,
                    "The usage database is not answering; try again soon.",
                )
            }
        }
    }
}

impl Dispatcher {
    /// `/schedule …`: organisers only. `post` is answered by the engine;
    /// `import`, `add` and `cancel` start from the stored programme (which
    /// another process may have changed), replace it in one transaction and
    /// reload the engine.
    async fn change_schedule(&self, origin: &Origin, change: ScheduleCommand) -> Reply {
        if !origin.organiser {
            return Reply::message(CommandKind::Schedule, Status::Denied, "Only organisers can use /schedule.");
        }
        self.change_schedule_to(change, None).await
    }

    /// Changes the programme; `file` is an uploaded schedule for an import.
    async fn change_schedule_to(&self, change: ScheduleCommand, file: Option<(&str, &[u8])>) -> Reply {
        let engine = self.engine();
        let Some(usage) = (match change {
            ScheduleCommand::Post { .. } => None,
            _ => self.usage.as_ref(),
        }) else {
            return engine.answer(&Command::Schedule(change), &Context { now: self.clock.now(), seed: 0 });
        };
        let stored = match usage.store.load_schedule().await {
            Ok(Some((schedule, _))) => schedule,
            Ok(None) => engine.schedule().clone(),
            Err(error) => {
                tracing::error!("reading the programme failed: {error:#}");
                return Reply::message(
                    CommandKind::Schedule,
                    Status::Error,
                    "The schedule database is not answering; nothing was changed.",
                );
            }
        };
        let current = &stored;
        let zone = current.conference.time_zone.clone();
        let (next, source) = match change {
            ScheduleCommand::Import { source } => {
                let options =
                    ImportOptions { time_zone: Some(zone.clone()), title: Some(current.conference.title.clone()) };
                let parsed = match file {
                    Some((name, bytes)) => programme::parse(bytes, name, &options, false),
                    None if !programme::is_address(&source) => Err(ProgrammeError::NotAnAddress),
                    None => match programme::fetch(&source).await {
                        Ok(bytes) => programme::parse(&bytes, &source, &options, false),
                        Err(error) => Err(error),
                    },
                };
                match parsed {
                    Ok((_, schedule)) => (schedule, source),
                    Err(error) => return refused(&error),
                }
            }
            ScheduleCommand::Add { fields } => match schedule_replies::new_session(&fields, &zone) {
                Ok(session) => {
                    let mut next = current.clone();
                    next.sessions.retain(|s| s.id != session.id);
                    next.sessions.push(session);
                    // Refused here, as an import is, rather than by the database.
                    if let Err(error) = emcee_core::schedule::check_storable(&next, &[]) {
                        return Reply::message(CommandKind::Schedule, Status::Invalid, format!("{error}."));
                    }
                    (emcee_core::Schedule::new(next.conference, next.sessions), String::from("/schedule add"))
                }
                Err(error) => return Reply::message(CommandKind::Schedule, Status::Invalid, error.to_string()),
            },
            ScheduleCommand::Cancel { session } => match schedule_replies::find_session(current, &session) {
                Ok(found) => {
                    let mut next = current.clone();
                    let id = found.id.clone();
                    next.sessions.retain(|s| s.id != id);
                    (next, String::from("/schedule cancel"))
                }
                Err(reply) => return *reply,
            },
            post @ ScheduleCommand::Post { .. } => {
                return engine.answer(&Command::Schedule(post), &Context { now: self.clock.now(), seed: 0 });
            }
        };
        match usage.store.replace_schedule(&next, &source, jiff::Timestamp::now()).await {
            Ok(applied) => {
                if &next != engine.schedule() {
                    self.replace_engine(engine.with_schedule(next));
                }
                schedule_replies::change_reply(applied.version, &applied.changes, &zone)
            }
            Err(error) => {
                tracing::error!("changing the programme failed: {error:#}");
                Reply::message(
                    CommandKind::Schedule,
                    Status::Error,
                    "The schedule database is not answering; nothing was changed.",
                )
            }
        }
    }
}

impl programme::Follower for Dispatcher {
    fn take(&self, schedule: emcee_core::Schedule) {
        self.use_schedule(schedule);
    }
}

/// The reply to an organiser whose programme could not be fetched or read:
/// the one place such a failure becomes chat text.
fn refused(error: &ProgrammeError) -> Reply {
    let mut text = error.to_string();
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    text.push('.');
    Reply::message(CommandKind::Schedule, Status::Invalid, text)
}
