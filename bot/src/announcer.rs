//! Announcements: a reminder a set number of minutes before each session,
//! and a notice when a session is added, moved or cancelled. Each goes out
//! exactly once across restarts and replicas sharing a database: it is
//! claimed in the `announcements` table (keyed by session, kind and version)
//! before it is sent, and only the replica whose claim lands sends it.
//!
//! Announcements go to [`Sink`]s: each adapter (the terminal, Slack,
//! Discord) plugs in its own. [`run_loop`] is the announcer at work: a tick
//! every few seconds, and the published programme kept in sync on the way.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Settings;
use crate::programme::{self, Validators};
use crate::store::Store;

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

/// Claims and sends announcements.
pub struct Announcer {
    store: Store,
    sinks: Vec<Box<dyn Sink>>,
    /// How long before a session its reminder goes out.
    pub lead: Duration,
    /// Who claims, for the operator reading the table.
    pub replica: String,
}

impl Announcer {
    pub fn new(store: Store, sinks: Vec<Box<dyn Sink>>, lead: Duration, replica: String) -> Announcer {
        Announcer { store, sinks, lead, replica }
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

/// Sends due announcements to `sinks` (none: only the programme is kept in
/// sync) until `stop` completes, or once.
pub async fn run_loop(
    settings: &Settings,
    store: Store,
    sinks: Vec<Box<dyn Sink>>,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let announcing = !sinks.is_empty();
    let replica = format!("{}@{}", std::process::id(), settings.host);
    let announcer = Announcer::new(store.clone(), sinks, settings.reminder_lead, replica);
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

/// One pass: notices of recorded changes, then reminders.
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
        *seen = announcer.notify(*seen, &schedule.conference.time_zone, now).await?.1;
    }
    announcer.remind(schedule, settings.clock().now()).await?;
    Ok(())
}
