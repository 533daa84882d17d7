//! Keynotes on a platform's own event surface (Discord's Guild Scheduled
//! Events): the sessions of a type or track the organiser names become
//! events that people see in the server's event list and can mark
//! "Interested". Each pass makes the events say what the programme says:
//! an event for each upcoming keynote (as many of the first as fit within
//! [`EVENT_LIMIT`], Discord's limit, with those under way), changed when the
//! session changes, cancelled when it is, removed when it is no longer a
//! keynote. Discord starts and ends an external event at its times; one
//! under way is left as it is.
//!
//! Replicas sharing the database share the work: an event is made by the
//! one replica whose claim of the session's row in `keynote_events` lands,
//! and a change, a cancellation or a removal by the one whose
//! compare-and-set of that row does. An event someone removed on the
//! platform is forgotten and, while still wanted, made again.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use sha2::Digest as _;

use crate::store::{EventState, KeynoteEvent, Store};

/// Discord's limit on a server's scheduled and active events.
pub const EVENT_LIMIT: usize = 100;
/// Longest event name, location and description Discord takes, in characters.
const NAME_CHARS: usize = 100;
const LOCATION_CHARS: usize = 100;
const DESCRIPTION_CHARS: usize = 1000;
/// A claim whose maker has not recorded the event after this long is taken over.
const STALE_CLAIM: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// What an event says about a keynote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keynote {
    pub session_id: String,
    pub name: String,
    pub description: String,
    pub location: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Keynote {
    fn of(session: &Session) -> Keynote {
        let mut description = String::new();
        if !session.speakers.is_empty() {
            description.push_str(&format!("With {}.", session.speakers.join(", ")));
        }
        let summary = session.abstract_text.trim();
        if !summary.is_empty() {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(summary);
        }
        let link = session.url.as_deref().map(|url| format!("\n\n{url}")).unwrap_or_default();
        let room_for_text = DESCRIPTION_CHARS.saturating_sub(link.chars().count());
        let mut description = clip(&description, room_for_text);
        description.push_str(&link);
        Keynote {
            session_id: session.id.clone(),
            name: clip(&session.title, NAME_CHARS),
            description: description.trim().to_string(),
            location: clip(if session.room.is_empty() { "To be announced" } else { &session.room }, LOCATION_CHARS),
            start: session.start,
            // An event must end after it starts.
            end: session.end.max(session.start + jiff::SignedDuration::from_mins(1)),
        }
    }

    /// What the event says, in a few bytes: a change to any of it is sent.
    fn fingerprint(&self) -> String {
        let mut hash = sha2::Sha256::new();
        for part in [&self.name, &self.description, &self.location] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hash.update(self.start.as_second().to_le_bytes());
        hash.update(self.end.as_second().to_le_bytes());
        crate::hex::encode(&hash.finalize()[..16])
    }
}

/// `text` cut to at most `chars` characters, an ellipsis marking a cut.
fn clip(text: &str, chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The error of an [`EventSurface`] asked about an event the platform no
/// longer has (someone removed it there): its row is forgotten, and a
/// keynote still wanted gets a new event.
#[derive(Debug)]
pub struct Gone;

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the event is no longer on the platform")
    }
}

impl std::error::Error for Gone {}

/// A platform's event surface.
pub trait EventSurface: Send + Sync {
    /// Makes an event for `keynote`; returns its id.
    fn create<'a>(&'a self, keynote: &'a Keynote) -> Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send + 'a>>;
    /// Makes event `id` say what `keynote` says.
    fn update<'a>(
        &'a self,
        id: &'a str,
        keynote: &'a Keynote,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
    /// Marks event `id` cancelled: who marked it "Interested" sees that.
    fn cancel<'a>(&'a self, id: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
    /// Removes event `id`.
    fn delete<'a>(&'a self, id: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
    /// The ids of the events scheduled or under way on the platform.
    fn existing(&self) -> Pin<Box<dyn Future<Output = anyhow::Result<HashSet<String>>> + Send + '_>>;
}

/// What one pass changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    pub created: usize,
    pub updated: usize,
    pub cancelled: usize,
    pub removed: usize,
}

/// Keeps a platform's events in step with the programme's keynotes.
pub struct Keynotes {
    surface: Arc<dyn EventSurface>,
    /// Session types and tracks that make a keynote, lower case.
    kinds: Vec<String>,
}

impl Keynotes {
    /// Sessions whose type or track is one of `kinds` (any case) become events on `surface`.
    pub fn new(surface: Arc<dyn EventSurface>, kinds: &[String]) -> Keynotes {
        let kinds = kinds.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect();
        Keynotes { surface, kinds }
    }

    fn is_keynote(&self, session: &Session) -> bool {
        let named =
            |field: &Option<String>| field.as_deref().is_some_and(|v| self.kinds.contains(&v.trim().to_lowercase()));
        named(&session.kind) || named(&session.track)
    }

    /// The keynotes that should have an event: those not started yet, the earliest first, `slots` at most.
    fn wanted(&self, schedule: &Schedule, now: Timestamp, slots: usize) -> Vec<Keynote> {
        let mut upcoming: Vec<&Session> =
            schedule.sessions.iter().filter(|s| s.start > now && self.is_keynote(s)).collect();
        upcoming.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        upcoming.into_iter().take(slots).map(Keynote::of).collect()
    }

    /// One pass: removes, cancels, changes and creates events until they
    /// say what `schedule` says (removals first, to make room within the
    /// limit). A platform's refusal is logged and tried again on the next
    /// pass; the database's failure ends the pass.
    pub async fn sync(&self, store: &Store, schedule: &Schedule, now: Timestamp, by: &str) -> anyhow::Result<Synced> {
        let mut made: HashMap<String, KeynoteEvent> =
            store.keynote_events().await?.into_iter().map(|e| (e.session_id.clone(), e)).collect();
        self.forget_the_gone(store, &mut made, now).await?;
        let sessions: HashMap<&str, &Session> = schedule.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
        // Events under way count towards Discord's limit until they end.
        let under_way =
            made.values().filter(|e| e.state == EventState::Scheduled && e.starts_at <= now && e.ends_at > now).count();
        let wanted = self.wanted(schedule, now, EVENT_LIMIT.saturating_sub(under_way));
        let mut synced = Synced::default();
        let wanted_ids: HashSet<&str> = wanted.iter().map(|k| k.session_id.as_str()).collect();
        // A removal left unfinished is finished first, even for a session wanted again (made anew next pass).
        let retiring = made.values().filter(|e| {
            e.ends_at > now && (e.state == EventState::Removing || !wanted_ids.contains(e.session_id.as_str()))
        });
        for event in retiring {
            self.retire(store, event, sessions.get(event.session_id.as_str()).copied(), now, &mut synced).await?;
        }
        for keynote in &wanted {
            self.make(store, keynote, made.get(&keynote.session_id), (by, now), &mut synced).await?;
        }
        Ok(synced)
    }

    /// Forgets the events someone removed on the platform: those that
    /// should be scheduled and have not begun but are not there. A keynote
    /// still wanted gets a new event in the same pass. When the platform
    /// cannot be asked, nothing is forgotten.
    async fn forget_the_gone(
        &self,
        store: &Store,
        made: &mut HashMap<String, KeynoteEvent>,
        now: Timestamp,
    ) -> anyhow::Result<()> {
        let expected =
            made.values().any(|e| e.state == EventState::Scheduled && e.event_id.is_some() && e.starts_at > now);
        if !expected {
            return Ok(());
        }
        let existing = match self.surface.existing().await {
            Ok(existing) => existing,
            Err(error) => {
                tracing::warn!("listing the platform's events failed; trying again next pass: {error:#}");
                return Ok(());
            }
        };
        let gone: Vec<(String, String)> = made
            .values()
            .filter(|e| e.state == EventState::Scheduled && e.starts_at > now)
            .filter_map(|e| Some((e.session_id.clone(), e.event_id.clone()?)))
            .filter(|(_, id)| !existing.contains(id))
            .collect();
        for (session, id) in gone {
            tracing::info!(session = %session, "a keynote's event was removed on the platform; it is made again if still wanted");
            store.drop_keynote_event(&session, &id).await?;
            made.remove(&session);
        }
        Ok(())
    }

    /// Cancels or removes the event of a session that no longer wants one:
    /// cancelled when the session left the programme, removed when it is
    /// no longer a keynote or beyond the limit; left as it is once under
    /// way (Discord cancels no event that has begun; it ends at its time).
    async fn retire(
        &self,
        store: &Store,
        event: &KeynoteEvent,
        session: Option<&Session>,
        now: Timestamp,
        synced: &mut Synced,
    ) -> anyhow::Result<()> {
        let Some(id) = &event.event_id else { return Ok(()) };
        let (from, to, older_than) = match (event.state, session) {
            (EventState::Scheduled, None) if event.starts_at > now => {
                (EventState::Scheduled, EventState::Cancelled, Timestamp::MAX)
            }
            (EventState::Scheduled, Some(session)) if session.start > now => {
                (EventState::Scheduled, EventState::Removing, Timestamp::MAX)
            }
            // A removal that never finished (the replica stopped): tried again.
            (EventState::Removing, _) => (EventState::Removing, EventState::Removing, now - STALE_CLAIM),
            _ => return Ok(()),
        };
        if !store.move_keynote_event(&event.session_id, from, to, now, older_than).await? {
            return Ok(());
        }
        let told =
            if to == EventState::Cancelled { self.surface.cancel(id).await } else { self.surface.delete(id).await };
        match told {
            Ok(()) if to == EventState::Cancelled => synced.cancelled += 1,
            Ok(()) => {
                store.drop_keynote_event(&event.session_id, id).await?;
                synced.removed += 1;
            }
            Err(error) if error.is::<Gone>() => store.drop_keynote_event(&event.session_id, id).await?,
            Err(error) => {
                tracing::warn!(session = %event.session_id, "telling the platform a keynote's event is {} failed; trying again later: {error:#}", to.as_str());
                if to == EventState::Cancelled {
                    store.move_keynote_event(&event.session_id, to, from, now, Timestamp::MAX).await?;
                }
            }
        }
        Ok(())
    }

    /// Creates `keynote`'s event, or changes it to say what `keynote` says.
    async fn make(
        &self,
        store: &Store,
        keynote: &Keynote,
        made: Option<&KeynoteEvent>,
        claimant: (&str, Timestamp),
        synced: &mut Synced,
    ) -> anyhow::Result<()> {
        let says = keynote.fingerprint();
        let span = (keynote.start, keynote.end);
        // An event that has ended is over on the platform: a session moved later gets a new one.
        let made = made.filter(|e| e.ends_at > claimant.1);
        if let Some(KeynoteEvent { event_id: Some(id), fingerprint, state: EventState::Scheduled, .. }) = made {
            if *fingerprint == says
                || !store.swap_keynote_fingerprint(&keynote.session_id, fingerprint, &says, span).await?
            {
                return Ok(());
            }
            match self.surface.update(id, keynote).await {
                Ok(()) => synced.updated += 1,
                // Removed on the platform: made again on the next pass.
                Err(error) if error.is::<Gone>() => store.drop_keynote_event(&keynote.session_id, id).await?,
                Err(error) => {
                    tracing::warn!(session = %keynote.session_id, "changing a keynote's event failed; trying again next pass: {error:#}");
                    store.swap_keynote_fingerprint(&keynote.session_id, &says, fingerprint, span).await?;
                }
            }
            return Ok(());
        }
        if made.is_some_and(|e| e.state == EventState::Removing) {
            return Ok(());
        }
        let stale = claimant.1 - STALE_CLAIM;
        if !store.claim_keynote_event(&keynote.session_id, &says, span, claimant, stale).await? {
            return Ok(());
        }
        match self.surface.create(keynote).await {
            Ok(id) => {
                if store.set_keynote_event(&keynote.session_id, &id, claimant).await? {
                    synced.created += 1;
                } else {
                    // Another replica took the claim over meanwhile and makes its own.
                    tracing::warn!(session = %keynote.session_id, "a keynote's claim was taken over while its event was made; removing this one");
                    if let Err(error) = self.surface.delete(&id).await {
                        tracing::warn!(session = %keynote.session_id, "removing a keynote's extra event failed: {error:#}");
                    }
                }
            }
            Err(error) => {
                tracing::warn!(session = %keynote.session_id, "making a keynote's event failed; trying again next pass: {error:#}");
                store.release_keynote_claim(&keynote.session_id, claimant).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clips_at_a_character_with_an_ellipsis() {
        assert_eq!(clip("  short  ", 10), "short");
        assert_eq!(clip("ééééé ééééé", 7), "ééééé…");
        assert_eq!(clip(&"x".repeat(300), 100).chars().count(), 100);
    }
}
