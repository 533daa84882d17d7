//! Announcements to the conference's channels: a reminder before each
//! session, and a notice when one is added, moved or cancelled, each
//! claimed in the `announcements` table before it is sent.

use emcee_core::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::wording::{channel_notice, reminder};
use super::{Announcement, Announcer};

impl Announcer {
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
        for recorded in self.store.recorded_changes(after).await? {
            newest = newest.max(recorded.version);
            let Some(announcement) = channel_notice(&recorded.change, zone) else { continue };
            if self.claim(&announcement, recorded.version, now).await? {
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
