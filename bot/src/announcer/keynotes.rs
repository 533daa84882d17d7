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
//! An event is made once per session however many replicas run: the
//! session's row in `keynote_events` is claimed before the event is created.
//! A change or a cancellation may be sent twice by racing replicas, which
//! leaves the event as it should be.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use sha2::Digest as _;

use crate::store::{KeynoteEvent, Store};

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
    limit: usize,
}

impl Keynotes {
    /// Sessions whose type or track is one of `kinds` (any case) become events on `surface`.
    pub fn new(surface: Arc<dyn EventSurface>, kinds: &[String]) -> Keynotes {
        let kinds = kinds.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect();
        Keynotes { surface, kinds, limit: EVENT_LIMIT }
    }

    /// The same, with at most `limit` events at once.
    pub fn with_limit(self, limit: usize) -> Keynotes {
        Keynotes { limit: limit.min(EVENT_LIMIT), ..self }
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

    /// One pass: creates, changes, cancels and removes events until they
    /// say what `schedule` says. A platform's refusal is logged and tried
    /// again on the next pass; the database's failure ends the pass.
    pub async fn sync(&self, store: &Store, schedule: &Schedule, now: Timestamp, by: &str) -> anyhow::Result<Synced> {
        let made: HashMap<String, KeynoteEvent> =
            store.keynote_events().await?.into_iter().map(|e| (e.session_id.clone(), e)).collect();
        let sessions: HashMap<&str, &Session> = schedule.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
        // Events under way count towards Discord's limit until they end.
        let under_way = made
            .values()
            .filter(|e| e.scheduled && e.ends_at > now)
            .filter(|e| sessions.get(e.session_id.as_str()).is_some_and(|s| s.start <= now))
            .count();
        let wanted = self.wanted(schedule, now, self.limit.saturating_sub(under_way));
        let mut synced = Synced::default();
        for keynote in &wanted {
            let says = keynote.fingerprint();
            match made.get(&keynote.session_id) {
                Some(KeynoteEvent { event_id: Some(id), fingerprint, scheduled: true, .. }) => {
                    if *fingerprint != says
                        && store.swap_keynote_fingerprint(&keynote.session_id, fingerprint, &says, keynote.end).await?
                    {
                        match self.surface.update(id, keynote).await {
                            Ok(()) => synced.updated += 1,
                            Err(error) => {
                                tracing::warn!(session = %keynote.session_id, "changing a keynote's event failed; trying again next pass: {error:#}");
                                store
                                    .swap_keynote_fingerprint(&keynote.session_id, &says, fingerprint, keynote.end)
                                    .await?;
                            }
                        }
                    }
                }
                _ => {
                    if store
                        .claim_keynote_event(&keynote.session_id, &says, keynote.end, by, now, now - STALE_CLAIM)
                        .await?
                    {
                        match self.surface.create(keynote).await {
                            Ok(id) => {
                                store.set_keynote_event(&keynote.session_id, &id).await?;
                                synced.created += 1;
                            }
                            Err(error) => {
                                tracing::warn!(session = %keynote.session_id, "making a keynote's event failed; trying again next pass: {error:#}");
                                store.drop_keynote_event(&keynote.session_id).await?;
                            }
                        }
                    }
                }
            }
        }
        let wanted: HashSet<&str> = wanted.iter().map(|k| k.session_id.as_str()).collect();
        for event in made.values().filter(|e| e.scheduled && e.ends_at > now && !wanted.contains(e.session_id.as_str()))
        {
            let Some(id) = &event.event_id else { continue };
            let (to, done) = match sessions.get(event.session_id.as_str()) {
                // Cancelled: the event says so to who was interested.
                None => ("cancelled", &mut synced.cancelled),
                // No longer a keynote, or later than the first `limit`: its event goes.
                Some(session) if session.start > now => ("removing", &mut synced.removed),
                // Under way: left as it is.
                Some(_) => continue,
            };
            if !store.move_keynote_event(&event.session_id, "scheduled", to).await? {
                continue;
            }
            let told = if to == "cancelled" { self.surface.cancel(id).await } else { self.surface.delete(id).await };
            match told {
                Ok(()) => {
                    if to == "removing" {
                        store.drop_keynote_event(&event.session_id).await?;
                    }
                    *done += 1;
                }
                Err(error) => {
                    tracing::warn!(session = %event.session_id, "telling Discord a keynote's event is {to} failed; trying again next pass: {error:#}");
                    store.move_keynote_event(&event.session_id, to, "scheduled").await?;
                }
            }
        }
        Ok(synced)
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
