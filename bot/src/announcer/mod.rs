//! Announcements: a reminder a set number of minutes before each session,
//! and a notice when a session is added, moved or cancelled. Each goes out
//! exactly once across restarts and replicas sharing a database: it is
//! claimed in the `announcements` table (keyed by session, kind and version)
//! before it is sent, and only the replica whose claim lands sends it.
//!
//! Announcements go to [`Sink`]s: each adapter (the terminal, Slack,
//! Discord) plugs in its own. [`run_loop`] is the announcer at work: a pass
//! every few seconds.
//!
//! Each person who chose a session for their agenda also gets [`Personal`]
//! direct messages through their platform's [`DirectSink`]: a reminder
//! before it (their own lead, or the default), and a notice when it moves,
//! changes or is cancelled, saying what it was and what it is. Those are
//! claimed per person in the `personal_notices` table, all of a session's
//! fans in one statement, so that each goes out once however many
//! announcers run; the claimed messages are sent many at a time, each
//! platform's client keeping its rate limits. Where a platform needs a
//! conversation opened first (Discord's DM channel), it is opened ahead of
//! time and kept, so that a reminder costs one request per person.
//!
//! Keynotes also go to a platform's own event surface ([`keynotes`]).
//!
//! By concern: [`channels`] announces to the conference's channels,
//! [`direct`] messages each person, [`conversations`] opens their
//! conversations ahead, [`pacing`] sets how fast, [`wording`] says it, and
//! [`run`] is the loop.

mod channels;
mod conversations;
mod direct;
pub mod keynotes;
mod pacing;
mod run;
mod wording;

pub use run::run_loop;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use emcee_core::Schedule;
use jiff::Timestamp;

use crate::store::Store;

/// What an announcement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reminder,
    Added,
    Moved,
    Cancelled,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reminder => "reminder",
            Kind::Added => "added",
            Kind::Moved => "moved",
            Kind::Cancelled => "cancelled",
        }
    }
}

/// One announcement, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub kind: Kind,
    pub session_id: String,
    pub title: String,
    pub room: String,
    pub start: Timestamp,
    /// The message, as plain text in the conference's zone.
    pub text: String,
}

/// Somewhere announcements are sent.
pub trait Sink: Send + Sync {
    fn send<'a>(
        &'a self,
        announcement: &'a Announcement,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// What a direct message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    Reminder,
    /// Moved, re-roomed, renamed or given other speakers.
    Changed,
    Cancelled,
    /// Back on the programme after it was cancelled.
    Restored,
}

impl PersonalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonalKind::Reminder => "reminder",
            PersonalKind::Changed => "changed",
            PersonalKind::Cancelled => "cancelled",
            PersonalKind::Restored => "restored",
        }
    }
}

/// A direct message to one person about a session of their agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Personal {
    pub kind: PersonalKind,
    pub session_id: String,
    pub title: String,
    pub room: String,
    pub start: Timestamp,
    pub url: Option<String>,
    /// The message, as plain text in the conference's zone.
    pub text: String,
}

/// Where one platform's direct messages are sent.
pub trait DirectSink: Send + Sync {
    /// The platform whose people it reaches (`slack`, `discord`, `terminal`).
    fn platform(&self) -> &'static str;
    /// The requests a second the platform allows the bot across all of its
    /// conversations, when it sets such a limit, and this replica's share:
    /// a reminder to many people then takes a known time, which the
    /// announcer centres on the due time, claiming a few seconds' worth at a time.
    fn rate(&self) -> Option<Rate> {
        None
    }
    /// This replica's index among the replicas sending for the bot, and how
    /// many there are: each opens conversations ahead with its own share of people.
    fn replica(&self) -> (u32, u32) {
        (0, 1)
    }
    /// Whether a conversation must be opened with a person before a direct
    /// message ([`open`](Self::open)); one opened is kept and reused.
    fn opens_conversations(&self) -> bool {
        false
    }
    /// Opens the conversation with `user` that direct messages go to, and
    /// returns its id.
    fn open<'a>(&'a self, user: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send + 'a>> {
        Box::pin(async move { anyhow::bail!("{} opens no conversation with {user}", self.platform()) })
    }
    /// Sends `message` to `to`: the conversation opened with the person, or
    /// their user id on a platform that opens none.
    fn send_to<'a>(
        &'a self,
        to: &'a str,
        message: &'a Personal,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// A platform's limit on a bot's requests, and one replica's share of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests a second for the bot, however many replicas send.
    pub bot: f64,
    /// Requests a second this replica sends.
    pub replica: f64,
}

/// Claims and sends announcements.
pub struct Announcer {
    store: Store,
    sinks: Vec<Box<dyn Sink>>,
    direct: Vec<Arc<dyn DirectSink>>,
    /// Minutes before a session for whoever chose no lead of their own.
    default_minutes: u32,
    /// How long before a session its reminder goes out.
    pub lead: Duration,
    /// Who claims, for the operator reading the table.
    pub replica: String,
    keynotes: Option<keynotes::Keynotes>,
    /// Whether the last pass left reminders due that it had no room to claim.
    backlog: std::sync::atomic::AtomicBool,
    /// The same for change notices.
    notice_backlog: std::sync::atomic::AtomicBool,
    /// The direct messages going out.
    sending: tokio::sync::Mutex<tokio::task::JoinSet<bool>>,
    /// Set when the process is stopping: conversations are no longer opened ahead.
    stopping: std::sync::atomic::AtomicBool,
    /// People with whom opening a conversation failed, and when: not tried
    /// again ahead for [`conversations::OPEN_AHEAD`], so that they do not take every pass's budget.
    failed_opens: std::sync::Mutex<std::collections::HashMap<(String, String), Timestamp>>,
}

/// Where announcements, direct messages and keynote events go.
#[derive(Default)]
pub struct Outlets {
    pub sinks: Vec<Box<dyn Sink>>,
    pub direct: Vec<Arc<dyn DirectSink>>,
    pub keynotes: Option<keynotes::Keynotes>,
}

impl Outlets {
    pub(crate) fn any(&self) -> bool {
        !self.sinks.is_empty() || !self.direct.is_empty() || self.keynotes.is_some()
    }
}

impl Announcer {
    pub fn new(store: Store, sinks: Vec<Box<dyn Sink>>, lead: Duration, replica: String) -> Announcer {
        let default_minutes = u32::try_from(lead.as_secs() / 60).unwrap_or(u32::MAX);
        Announcer {
            store,
            sinks,
            direct: Vec::new(),
            default_minutes,
            lead,
            replica,
            keynotes: None,
            backlog: std::sync::atomic::AtomicBool::new(false),
            notice_backlog: std::sync::atomic::AtomicBool::new(false),
            failed_opens: std::sync::Mutex::default(),
            sending: tokio::sync::Mutex::default(),
            stopping: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The same, keeping `keynotes`' events in step with the programme.
    pub fn with_keynotes(self, keynotes: Option<keynotes::Keynotes>) -> Announcer {
        Announcer { keynotes, ..self }
    }

    /// Makes the keynote events say what `schedule` says (nothing without an event surface).
    pub async fn sync_keynotes(&self, schedule: &Schedule, now: Timestamp) -> anyhow::Result<keynotes::Synced> {
        match &self.keynotes {
            Some(keynotes) => keynotes.sync(&self.store, schedule, now, &self.replica).await,
            None => Ok(keynotes::Synced::default()),
        }
    }

    /// The same, sending each person's direct messages to their platform's sink.
    pub fn with_direct(self, direct: Vec<Arc<dyn DirectSink>>) -> Announcer {
        Announcer { direct, ..self }
    }
}
