//! The one path every adapter's command takes: parse, check permission,
//! answer (the engine for knowledge, the store for usage statistics, the
//! organisers' changes in [`schedule`], [`transcript`] and [`faq`]; what `/ask`
//! cannot answer handed to the organisers' help desk in [`help`]), and log usage —
//! without ever waiting on the database for the log.

mod agenda;
mod conversation;
mod faq;
mod gate;
mod help;
mod qa;
mod schedule;
mod transcript;

pub use agenda::{AgendaSettings, Feed, person};
pub use faq::{Imported as FaqImported, Refused as FaqRefused, change_line as faq_change_line, import as import_faq};
pub use help::{FAQ_SECTION, HELP_ANSWER_MAX, HelpAnswered, HelpClaimed, HelpDesk, HelpRefused, HelpSettings, Pending};
pub use qa::QaBoard;
pub use transcript::{Added, Refused, knowledge_with, store as store_transcript};

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use emcee_core::command::{self, Command, CommandKind, ScheduleCommand};
use emcee_core::reply::Status;
use emcee_core::{Context, Engine, Reply};
use jiff::tz::TimeZone;

use crate::clock::{Clock, seed};
use crate::programme;
use crate::store::{Store, StoredTranscript, UsageEvent};
use crate::usage::{UsageLog, UserKeyer};

/// Where a command came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub platform: Platform,
    /// Discord guild or Slack team; empty in the terminal.
    pub workspace: String,
    pub channel: String,
    /// The platform's user id (the OS user in the terminal). Stored only
    /// with the sessions the person chose for their agenda, which a direct
    /// message needs; never in the usage log.
    pub user: String,
    /// Whether the adapter found this user to be an organiser.
    pub organiser: bool,
}

impl Origin {
    /// Whether the command came from a direct message with the bot, where
    /// no one else can see a question posted (a Slack `D…` channel; a
    /// Discord interaction outside any guild).
    pub fn in_direct_messages(&self) -> bool {
        match self.platform {
            Platform::Slack => self.channel.starts_with('D'),
            Platform::Discord => self.workspace.is_empty(),
            Platform::Terminal => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
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

    /// As people write it: `Slack`.
    pub fn display(self) -> &'static str {
        match self {
            Platform::Discord => "Discord",
            Platform::Slack => "Slack",
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
    /// `EMCEE_TIME_ZONE`: the zone for imported files with local times and none of their own.
    time_zone: Option<TimeZone>,
    /// The documents of `data/`, to rebuild the knowledge base with stored
    /// transcripts, and the revision of those it answers from.
    documents: Option<emcee_core::Documents>,
    transcripts_revision: i64,
    /// The version of the stored FAQ the engine was first built with; 0
    /// for none (the FAQ of `data/`, if any).
    faq_version: i64,
    /// Who each asker's last `/ask` was about, for "he", "she" or "they" in the next.
    conversations: conversation::Conversations,
    agenda: AgendaSettings,
    /// Fetches the addresses organisers give: public ones, and what the operator allows.
    fetcher: crate::fetch::Fetcher,
    /// Set once the database's schema is known to be current.
    migrated: tokio::sync::OnceCell<()>,
    /// Each person's commands that use the store, one at a time.
    gate: gate::Gate,
    /// Who can help when `/ask` cannot, and each platform's help channel.
    help: HelpSettings,
    desks: help::Desks,
    /// When sessions take audience questions.
    qa_window: emcee_core::engine::qa::Window,
    boards: qa::Boards,
}

/// A kind of button under a reply, each carrying the line it asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// A person or session picked from an ambiguous name.
    Choose,
    /// "Add to my agenda" or "Remove" beside a session.
    Agenda,
    /// "Another quote" (or the next answer).
    Another,
    /// "Share" an answer with the channel.
    Share,
}

/// Whether a button of this kind may ask `line`. A button's value comes
/// back from the platform as the client sent it, so it is checked as
/// typed input is: no organisers' command (nor a speaker's); only adding or removing a
/// session from an agenda button; nothing personal from a button whose
/// answer replaces or joins a message others may see.
pub fn button_may_run(button: Button, line: &str) -> bool {
    if command::catalogue::asks_organiser(line) {
        return false;
    }
    let Ok(parsed) = command::parse(line) else { return false };
    let agenda_change =
        matches!(parsed, Command::Agenda(command::AgendaCommand::Add { .. } | command::AgendaCommand::Remove { .. }));
    match button {
        Button::Agenda => agenda_change,
        Button::Choose => agenda_change || !parsed.kind().personal(),
        Button::Another | Button::Share => !parsed.kind().personal(),
    }
}

/// The reply to a command whose work inside emcee failed (the database did
/// not answer, or refused): the detail `what … failed: error` logged for
/// the operator and counted in `emcee_internal_errors_total`, and the
/// person told only what it means for them, `told`.
fn failed(kind: CommandKind, what: &str, error: &anyhow::Error, told: &str) -> Reply {
    tracing::error!(command = kind.as_str(), "{what} failed: {error:#}");
    crate::metrics::internal_error(kind.as_str());
    Reply::message(kind, Status::Error, told)
}

/// The refusal of `line` (a `kind` command) to `origin`, when the
/// catalogue keeps what it runs for organisers and `origin` is not one
/// ([`catalogue::for_organisers`](command::catalogue::for_organisers)):
/// the one check every way a command arrives goes through.
fn refusal(origin: &Origin, line: &str, kind: CommandKind) -> Option<Reply> {
    let what = command::catalogue::for_organisers(line).filter(|_| !origin.organiser)?;
    Some(Reply::message(kind, Status::Denied, format!("Only organisers can use {what}.")))
}

impl Dispatcher {
    pub fn new(engine: Arc<Engine>, clock: Clock, usage: Option<Usage>) -> Dispatcher {
        Dispatcher {
            engine: RwLock::new(engine),
            clock,
            usage,
            time_zone: None,
            documents: None,
            transcripts_revision: 0,
            faq_version: 0,
            conversations: conversation::Conversations::default(),
            agenda: AgendaSettings::default(),
            fetcher: crate::fetch::Fetcher::default(),
            migrated: tokio::sync::OnceCell::new(),
            gate: gate::Gate::default(),
            help: HelpSettings::default(),
            desks: help::Desks::default(),
            qa_window: emcee_core::engine::qa::Window { after: jiff::SignedDuration::from_mins(15) },
            boards: qa::Boards::default(),
        }
    }

    /// The time the bot answers at.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Where feeds are reached from, and the default reminder lead, for `/agenda`.
    /// What the addresses organisers give may reach (`EMCEE_FETCH_ALLOW`);
    /// by default the public internet only.
    pub fn with_fetcher(self, fetcher: crate::fetch::Fetcher) -> Dispatcher {
        Dispatcher { fetcher, ..self }
    }

    pub fn with_agenda(self, agenda: AgendaSettings) -> Dispatcher {
        Dispatcher { agenda, ..self }
    }

    /// The documents of `data/`, which a stored transcript is added to,
    /// and the revision of the stored transcripts the engine was built with.
    pub fn with_documents(self, documents: emcee_core::Documents, revision: i64) -> Dispatcher {
        Dispatcher { documents: Some(documents), transcripts_revision: revision, ..self }
    }

    /// The revision of the stored transcripts the engine was first built with.
    pub fn transcripts_revision(&self) -> i64 {
        self.transcripts_revision
    }

    /// The version of the stored FAQ the engine was first built with.
    pub fn with_faq_version(self, faq_version: i64) -> Dispatcher {
        Dispatcher { faq_version, ..self }
    }

    pub fn faq_version(&self) -> i64 {
        self.faq_version
    }

    /// The conference's zone for imports of files that give none.
    pub fn with_time_zone(self, time_zone: Option<TimeZone>) -> Dispatcher {
        Dispatcher { time_zone, ..self }
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
        self.answer_parsed(origin, line, command::parse(line), shown, seed).await
    }

    /// Answers a command filled in on a form (whose text is taken as
    /// typed, never read for options), logged as `line`.
    pub async fn answer_form(&self, origin: &Origin, line: &str, command: Command) -> Reply {
        self.answer_parsed(origin, line, Ok(command), 0, seed()).await
    }

    async fn answer_parsed(
        &self,
        origin: &Origin,
        line: &str,
        parsed: Result<Command, command::ParseError>,
        shown: usize,
        seed: u64,
    ) -> Reply {
        let started = Instant::now();
        let now = self.clock.now();
        let ctx = Context { now, seed };
        let engine = self.engine();
        // Who may run it is settled before the line is read any further.
        let kind = parsed.as_ref().map_or_else(|e| e.kind, Command::kind);
        let uses_store = matches!(
            parsed,
            Ok(Command::Stats { .. }
                | Command::Schedule(_)
                | Command::Transcript(_)
                | Command::Agenda(_)
                | Command::Faq(_)
                | Command::Qa(_))
        ) && self.usage.is_some();
        let turn = if uses_store { Some(self.gate.enter(origin).await) } else { None };
        let mut reply = match parsed {
            _ if matches!(turn, Some(None)) => Reply::message(
                kind,
                Status::Invalid,
                format!(
                    "{} of your commands are still being answered, so this one was not run: try it again in a moment.",
                    gate::WAITING_MOST + 1
                ),
            ),
            _ if let Some(refused) = refusal(origin, line, kind) => refused,
            Err(e) => Reply::message(e.kind, Status::Invalid, e.message),
            Ok(Command::Stats { since }) => self.stats(since.as_deref()).await,
            Ok(Command::Schedule(change)) => self.change_schedule_to(change, None).await,
            Ok(Command::Transcript(command)) => self.change_transcripts(command).await,
            Ok(Command::Agenda(command)) => self.agenda(origin, command).await,
            Ok(Command::Faq(command)) => self.faq(command, &ctx).await,
            Ok(Command::Qa(command)) => self.qa(origin, command).await,
            Ok(cmd) if shown > 0 => engine.another(&cmd, shown, &ctx),
            Ok(Command::Ask { question }) => {
                let previous = self.conversations.recall(origin, started);
                let mut reply = engine.ask(&question, &ctx, previous.as_deref());
                if let Some(person) = &reply.about {
                    self.conversations.remember(origin, person, started);
                }
                if reply.status == Status::NotFound {
                    self.ask_for_help(origin, &question, &mut reply).await;
                }
                reply
            }
            Ok(cmd) => engine.answer(&cmd, &ctx),
        };
        // Sessions taking audience questions offer a form for one, where
        // questions can be kept and others can see them posted.
        if self.usage.is_some() && !origin.in_direct_messages() {
            for session in &mut reply.sessions {
                session.asking = self.qa_window.open_between(session.start, session.end, now);
            }
        }
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
        drop(turn);
        self.log(origin, line, started, &reply).await;
        reply
    }

    /// Whether a command from this person that uses the store would now be
    /// refused, so many of theirs are in flight: an adapter drops a click
    /// then, before doing any work for it.
    pub fn crowded(&self, platform: Platform, user: &str) -> bool {
        self.gate.crowded(platform, user)
    }

    /// Answers a line whose reply everyone in a channel will see (a Slack
    /// mention, a shared answer): a personal command
    /// ([`CommandKind::personal`]) is not run there, and the reply says
    /// where to ask it instead. Logged as [`answer_seeded`](Self::answer_seeded) is.
    pub async fn answer_in_public(&self, origin: &Origin, line: &str, shown: usize, seed: u64) -> Reply {
        let kind = match command::parse(line) {
            Ok(command) if command.kind().personal() => command.kind(),
            _ => return self.answer_seeded(origin, line, shown, seed).await,
        };
        let started = Instant::now();
        let reply = Reply::message(
            kind,
            Status::Invalid,
            format!(
                "/{name} answers with what is yours alone, so it is not answered where others see it: use the \
                 /{name} command, whose reply only you see, or ask me in a direct message.",
                name = kind.spec().name
            ),
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
            _ if let Some(refused) = refusal(origin, &line, CommandKind::Schedule) => refused,
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
                query: usage.store_queries.then(|| command::for_the_log(line.trim())),
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
    async fn stats(&self, since: Option<&str>) -> Reply {
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
            Err(error) => failed(
                CommandKind::Stats,
                "usage statistics",
                &error,
                "The usage database is not answering; try again soon.",
            ),
        }
    }
}

impl programme::Follower for Dispatcher {
    fn take(&self, schedule: emcee_core::Schedule) {
        self.use_schedule(schedule);
    }

    fn take_transcripts(&self, stored: Vec<StoredTranscript>) {
        self.use_transcripts(&stored);
    }

    fn take_faq(&self, faq: emcee_core::faq::Faq) {
        self.use_faq(faq);
    }
}

#[cfg(test)]
mod tests {
    use super::{Button, button_may_run};

    #[test]
    fn each_button_asks_only_what_its_kind_may() {
        let may = |button, line| button_may_run(button, line);
        assert!(may(Button::Agenda, "/agenda add supply chain") && may(Button::Agenda, "/agenda remove abc"));
        assert!(!may(Button::Agenda, "/agenda feed") && !may(Button::Agenda, "/agenda forget"));
        assert!(may(Button::Choose, "/bio Kelsey Hightower") && may(Button::Choose, "/agenda add abc"));
        assert!(!may(Button::Choose, "/agenda feed reset") && !may(Button::Choose, "/schedule cancel abc"));
        assert!(may(Button::Another, "/quote wasm") && may(Button::Share, "when was Kelsey born?"));
        assert!(!may(Button::Share, "/agenda feed") && !may(Button::Another, "/agenda"));
        assert!(!may(Button::Share, "/stats") && !may(Button::Another, "/faq import https://example.org/faq.md"));
        assert!(!may(Button::Another, &"x".repeat(5_000)), "a line too long to answer");
    }
}
