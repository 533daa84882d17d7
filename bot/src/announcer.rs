//! Announcements: a reminder a set number of minutes before each session,
//! and a notice when a session is added, moved or cancelled. Each goes out
//! exactly once across restarts and replicas sharing a database: it is
//! claimed in the `announcements` table (keyed by session, kind and version)
//! before it is sent, and only the replica whose claim lands sends it.
//!
//! Announcements go to [`Sink`]s: the terminal prints them; the chat
//! adapters plug in their own.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use jiff::tz::TimeZone;

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

/// Prints announcements on standard output.
pub struct TerminalSink;

impl Sink for TerminalSink {
    fn send<'a>(
        &'a self,
        announcement: &'a Announcement,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(
            async move { crate::terminal::print(&format!("[{}] {}\n", announcement.kind.as_str(), announcement.text)) },
        )
    }
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
