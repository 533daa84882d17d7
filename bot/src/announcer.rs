//! Announcements: a reminder a set number of minutes before each session,
//! and a notice when a session is added, moved or cancelled. Each goes out
//! exactly once across restarts and replicas sharing a database: it is
//! claimed in the `announcements` table (keyed by session, kind and version)
//! before it is sent, and only the replica whose claim lands sends it.
//!
//! Announcements go to [`Sink`]s: each adapter (the terminal, Slack,
//! Discord) plugs in its own. [`run_loop`] is the announcer at work: a tick
//! every few seconds, and the published programme kept in sync on the way.
//!
//! Each person who chose a session for their agenda also gets [`Personal`]
//! direct messages through their platform's [`DirectSink`]: a reminder
//! before it (their own lead, or the default), and a notice when it moves,
//! changes or is cancelled, saying what it was and what it is. Those are
//! claimed per person in the `personal_notices` table, all of a session's
//! fans in one statement, so that each goes out once however many
//! announcers run; the claimed messages are sent many at a time, each
//! platform's client keeping its rate limits.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Settings;
use crate::programme::{self, Validators};
use crate::store::{Person, RecordedChange, Store};

/// How often due announcements are looked for.
const TICK: Duration = Duration::from_secs(15);

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
    fn send_to<'a>(
        &'a self,
        user: &'a str,
        message: &'a Personal,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// Direct messages in flight at once, across all of a pass's people: the
/// platforms' clients queue them further by their rate limits.
const DIRECT_AT_ONCE: usize = 64;
/// The longest lead a person may choose: sessions this far ahead are looked at.
const MAX_LEAD: jiff::SignedDuration = jiff::SignedDuration::from_mins(emcee_core::command::MAX_REMIND_MINUTES as i64);

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
}

impl Announcer {
    pub fn new(store: Store, sinks: Vec<Box<dyn Sink>>, lead: Duration, replica: String) -> Announcer {
        let default_minutes = u32::try_from(lead.as_secs() / 60).unwrap_or(u32::MAX);
        Announcer { store, sinks, direct: Vec::new(), default_minutes, lead, replica }
    }

    /// The same, sending each person's direct messages to their platform's sink.
    pub fn with_direct(self, direct: Vec<Arc<dyn DirectSink>>) -> Announcer {
        Announcer { direct, ..self }
    }

    /// Reminds each person of the sessions of their agenda that start
    /// within their lead from `now`, unless someone has. Returns how many
    /// messages this replica sent.
    pub async fn remind_fans(&self, schedule: &Schedule, now: Timestamp) -> anyhow::Result<usize> {
        if self.direct.is_empty() {
            return Ok(0);
        }
        let chosen: HashSet<String> = self.store.chosen_sessions().await?.into_iter().collect();
        let horizon = now + MAX_LEAD;
        let zone = &schedule.conference.time_zone;
        let mut sent = 0;
        for session in schedule.sessions.iter().filter(|s| s.start > now && s.start <= horizon) {
            if !chosen.contains(&session.id) {
                continue;
            }
            let people = self
                .store
                .claim_reminders(&session.id, session.start, self.default_minutes, &self.replica, now)
                .await?;
            if !people.is_empty() {
                sent += self.deliver(people, personal_reminder(session, now, zone)).await;
            }
        }
        Ok(sent)
    }

    /// Tells each person who chose a session changed after schedule
    /// version `after` what changed. Returns how many messages this replica sent.
    pub async fn notify_fans(&self, after: i64, zone: &TimeZone, now: Timestamp) -> anyhow::Result<usize> {
        if self.direct.is_empty() {
            return Ok(0);
        }
        let mut sent = 0;
        for change in self.store.recorded_changes(after).await? {
            let Some(message) = personal_notice(&change, zone) else { continue };
            let people = self
                .store
                .claim_notices(&change.session_id, message.kind.as_str(), change.version, change.at, &self.replica, now)
                .await?;
            if !people.is_empty() {
                sent += self.deliver(people, message).await;
            }
        }
        Ok(sent)
    }

    /// Sends `message` to each of `people` through their platform's sink,
    /// [`DIRECT_AT_ONCE`] at a time; returns how many went. A failure is
    /// logged: the message was claimed, so it is not tried again.
    async fn deliver(&self, people: Vec<Person>, message: Personal) -> usize {
        let message = Arc::new(message);
        let limit = Arc::new(tokio::sync::Semaphore::new(DIRECT_AT_ONCE));
        let mut sending = tokio::task::JoinSet::new();
        for person in people {
            let Some(sink) = self.direct.iter().find(|s| s.platform() == person.platform).cloned() else {
                tracing::warn!(platform = %person.platform, session = %message.session_id, "a direct message has no way to its platform; it is not sent");
                continue;
            };
            let Ok(permit) = limit.clone().acquire_owned().await else { break };
            let message = message.clone();
            sending.spawn(async move {
                let sent = sink.send_to(&person.user, &message).await;
                drop(permit);
                crate::metrics::announcement(sink.platform(), sent.is_ok());
                if let Err(error) = &sent {
                    tracing::error!(platform = %person.platform, session = %message.session_id, kind = message.kind.as_str(), "a direct message could not be sent: {error:#}");
                }
                sent.is_ok()
            });
        }
        let mut sent = 0;
        while let Some(done) = sending.join_next().await {
            sent += usize::from(done.unwrap_or(false));
        }
        sent
    }

    /// Reminds of every session starting within the lead time from `now`
    /// that no one has reminded of yet. Returns what this replica sent.
    pub async fn remind(&self, schedule: &Schedule, now: Timestamp) -> anyhow::Result<Vec<Announcement>> {
        let horizon = now + jiff::SignedDuration::try_from(self.lead)?;
        let zone = &schedule.conference.time_zone;
        let mut sent = Vec::new();
        for session in schedule.sessions.iter().filter(|s| s.start > now && s.start <= horizon) {
            // Keyed by the start: a session moved later is reminded of again at its new time.
            let announcement = reminder(session, now, zone);
            if self.claim(&announcement, session.start.as_second(), now).await? {
                self.send(&announcement).await;
                sent.push(announcement);
            }
        }
        Ok(sent)
    }

    /// Announces the changes recorded after schedule version `after`:
    /// sessions added, moved (time or room) and cancelled. Returns what
    /// this replica sent and the newest version seen.
    pub async fn notify(
        &self,
        after: i64,
        zone: &TimeZone,
        now: Timestamp,
    ) -> anyhow::Result<(Vec<Announcement>, i64)> {
        let mut newest = after;
        let mut sent = Vec::new();
        for (version, session_id, change, parts, title, start, room) in self.store.changes_since(after).await? {
            newest = newest.max(version);
            let kind = match change.as_str() {
                "added" => Kind::Added,
                "removed" => Kind::Cancelled,
                "changed" if parts.split(',').any(|p| p == "time" || p == "room") => Kind::Moved,
                _ => continue,
            };
            let start = Timestamp::from_second(start).unwrap_or(now);
            let when = start.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M %Z");
            let text = match kind {
                Kind::Added => format!("New session: {title} — {when}, {room}"),
                Kind::Moved => format!("Moved: {title} is now {when}, {room}"),
                Kind::Cancelled => format!("Cancelled: {title} ({when}, {room})"),
                Kind::Reminder => continue,
            };
            let announcement = Announcement { kind, session_id, title, room, start, text };
            if self.claim(&announcement, version, now).await? {
                self.send(&announcement).await;
                sent.push(announcement);
            }
        }
        Ok((sent, newest))
    }

    async fn claim(&self, announcement: &Announcement, version: i64, now: Timestamp) -> anyhow::Result<bool> {
        self.store
            .claim_announcement(&announcement.session_id, announcement.kind.as_str(), version, &self.replica, now)
            .await
    }

    /// Sends to every sink; a sink that fails is logged, the others still get it.
    async fn send(&self, announcement: &Announcement) {
        for sink in &self.sinks {
            if let Err(error) = sink.send(announcement).await {
                tracing::error!(session = %announcement.session_id, kind = announcement.kind.as_str(), "an announcement could not be sent: {error:#}");
            }
        }
    }
}

fn reminder(session: &Session, now: Timestamp, zone: &TimeZone) -> Announcement {
    let minutes = (session.start.as_second() - now.as_second() + 59) / 60;
    let when = session.start.to_zoned(zone.clone()).strftime("%H:%M %Z");
    let who =
        if session.speakers.is_empty() { String::new() } else { format!(" with {}", session.speakers.join(", ")) };
    Announcement {
        kind: Kind::Reminder,
        session_id: session.id.clone(),
        title: session.title.clone(),
        room: session.room.clone(),
        start: session.start,
        text: format!("In {minutes} min ({when}), {}: {}{who}", session.room, session.title),
    }
}

/// A reminder to a person who chose the session, with its room and link.
fn personal_reminder(session: &Session, now: Timestamp, zone: &TimeZone) -> Personal {
    let minutes = (session.start.as_second() - now.as_second() + 59) / 60;
    let when = session.start.to_zoned(zone.clone()).strftime("%H:%M %Z");
    let link = session.url.as_deref().map(|url| format!(" {url}")).unwrap_or_default();
    Personal {
        kind: PersonalKind::Reminder,
        session_id: session.id.clone(),
        title: session.title.clone(),
        room: session.room.clone(),
        start: session.start,
        url: session.url.clone(),
        text: format!("In {minutes} min ({when}), in {}: “{}”, from your agenda.{link}", session.room, session.title),
    }
}

/// The notice to a session's fans of a recorded change, saying what it was
/// and what it is; `None` for a change they need not hear of (its details).
fn personal_notice(change: &RecordedChange, zone: &TimeZone) -> Option<Personal> {
    let when = |at: Timestamp| at.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M %Z").to_string();
    let span = |start: Timestamp, end: Timestamp| emcee_core::render::time_span(start, end, zone);
    let (kind, text) = match change.change.as_str() {
        "removed" => (
            PersonalKind::Cancelled,
            format!(
                "Cancelled: “{}” ({}, {}) will not take place. It stays in your agenda, marked cancelled, until a later programme brings it back or you remove it.",
                change.title,
                when(change.start),
                change.room
            ),
        ),
        "added" => (
            PersonalKind::Restored,
            format!("Back on the programme: “{}”, {}, {}.", change.title, span(change.start, change.end), change.room),
        ),
        "changed" => {
            let (title, start, end, room, speakers) = change.before.clone()?;
            let mut what = Vec::new();
            let parts: Vec<&str> = change.parts.split(',').collect();
            if parts.contains(&"time") {
                what.push(format!("time {} → {}", span(start, end), span(change.start, change.end)));
            }
            if parts.contains(&"room") {
                what.push(format!("room {room} → {}", change.room));
            }
            if parts.contains(&"title") {
                what.push(format!("title “{title}” → “{}”", change.title));
            }
            if parts.contains(&"speakers") {
                let names = |list: &[String]| if list.is_empty() { String::from("no one") } else { list.join(", ") };
                what.push(format!("speakers {} → {}", names(&speakers), names(&change.speakers)));
            }
            if what.is_empty() {
                return None;
            }
            (PersonalKind::Changed, format!("Changed: “{title}” in your agenda: {}.", what.join("; ")))
        }
        _ => return None,
    };
    Some(Personal {
        kind,
        session_id: change.session_id.clone(),
        title: change.title.clone(),
        room: change.room.clone(),
        start: change.start,
        url: None,
        text,
    })
}

/// Sends due announcements to `sinks` and each person's direct messages to
/// `direct` (neither: only the programme is kept in sync) until `stop`
/// completes, or once.
pub async fn run_loop(
    settings: &Settings,
    store: Store,
    sinks: Vec<Box<dyn Sink>>,
    direct: Vec<Arc<dyn DirectSink>>,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let announcing = !sinks.is_empty() || !direct.is_empty();
    let replica = format!("{}@{}", std::process::id(), settings.host);
    let announcer = Announcer::new(store.clone(), sinks, settings.reminder_lead, replica).with_direct(direct);
    let mut schedule = match store.load_schedule().await {
        Ok(Some((schedule, _))) => schedule,
        Ok(None) => crate::knowledge::load(&settings.data_dir, settings.time_zone.as_ref())?.schedule,
        Err(error) => {
            // Each tick reads the programme again; until then, the files' one.
            tracing::warn!("announcements: reading the programme failed: {error:#}");
            crate::knowledge::load(&settings.data_dir, settings.time_zone.as_ref())?.schedule
        }
    };
    // Every change since the first programme (itself not news) is looked at
    // on every start; claims keep each notice to one sending, so a restart
    // neither repeats nor loses any.
    let mut seen = 1;
    let mut validators = Validators::default();
    let mut next_sync = tokio::time::Instant::now();
    tokio::pin!(stop);
    loop {
        if let Some(url) = &settings.schedule_url
            && tokio::time::Instant::now() >= next_sync
        {
            next_sync = tokio::time::Instant::now() + settings.schedule_sync;
            programme::sync(&store, url, &mut validators, settings.time_zone.as_ref()).await;
        }
        // A database that blips is retried on the next tick.
        if announcing && let Err(error) = tick(&announcer, &store, &mut schedule, &mut seen, settings).await {
            tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
        }
        if once {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = &mut stop => return Ok(()),
        }
    }
}

/// One pass: notices of recorded changes, then reminders, to channels and to fans.
async fn tick(
    announcer: &Announcer,
    store: &Store,
    schedule: &mut Schedule,
    seen: &mut i64,
    settings: &Settings,
) -> anyhow::Result<()> {
    if let Some((latest, _)) = store.load_schedule().await? {
        *schedule = latest;
        let now = settings.clock().now();
        let after = *seen;
        let newest = announcer.notify(after, &schedule.conference.time_zone, now).await?.1;
        announcer.notify_fans(after, &schedule.conference.time_zone, now).await?;
        *seen = newest;
    }
    announcer.remind(schedule, settings.clock().now()).await?;
    announcer.remind_fans(schedule, settings.clock().now()).await?;
    Ok(())
}
