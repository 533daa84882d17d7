//! Direct messages to the people who chose a session: their reminders and
//! the notices of what changed, claimed per person so that each goes out
//! once however many announcers run, and sent many at a time.

use std::sync::Arc;

use emcee_core::Schedule;
use emcee_core::schedule::Session;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::conversations::open_and_keep;
use super::pacing::{DIRECT_AT_ONCE, MAX_EARLY, MAX_LEAD, chunk_of, early};
use super::wording::{personal_notice, personal_reminder};
use super::{Announcer, Personal};
use crate::store::{Claimant, Fans, Person};

impl Announcer {
    /// Reminds each person of the sessions of their agenda that start
    /// within their lead from `now`, unless someone has. Returns how many
    /// messages this replica sent.
    ///
    /// A crowd on a platform with a rate limit takes a while to reach: at
    /// Discord's 50 requests a second, 5,000 people take 100 s. So on such
    /// a platform the reminders start going out early by half the time
    /// that everyone due within the next few minutes needs (and half a
    /// tick), so that each goes out within that half of its due time rather
    /// than all of the delay falling after it. A pass claims only
    /// [`CHUNK`]'s worth of this replica's share; [`Announcer::has_backlog`]
    /// then says to come back at once, and the call returns while that
    /// chunk is still going out ([`Announcer::finish_sending`] waits for it).
    pub async fn remind_fans(&self, schedule: &Schedule, now: Timestamp) -> anyhow::Result<usize> {
        self.backlog.store(false, std::sync::atomic::Ordering::Relaxed);
        if self.direct.is_empty() {
            return Ok(0);
        }
        let fans_by_session = self.store.fans_by_session(self.default_minutes).await?;
        let zone = &schedule.conference.time_zone;
        let upcoming: Vec<(&Session, &std::collections::HashMap<String, Fans>)> = schedule
            .sessions
            .iter()
            .filter(|s| s.start > now && s.start <= now + MAX_LEAD + MAX_EARLY)
            .filter_map(|s| Some((s, fans_by_session.get(&s.id)?)))
            .collect();
        let first_due = |session: &Session, fans: &Fans| {
            session.start - jiff::SignedDuration::from_mins(i64::from(fans.longest_lead))
        };
        let mut batches: Vec<(Personal, Vec<Person>)> = Vec::new();
        let mut claimed = 0;
        let mut failure = None;
        'sinks: for sink in &self.direct {
            let platform = sink.platform();
            let (due_by, mut room) = match sink.rate() {
                None => (now, u64::MAX),
                Some(rate) => {
                    // The crowds due within MAX_EARLY that someone is still to be reminded of,
                    // whole: the early start stays put while a crowd goes out.
                    let mut soon = 0;
                    for (session, fans) in &upcoming {
                        let Some(these) = fans.get(platform) else { continue };
                        if first_due(session, these) > now + MAX_EARLY {
                            continue;
                        }
                        let (start, lead) = (session.start, self.default_minutes);
                        match self.store.due_reminders(&session.id, start, lead, now + MAX_EARLY, platform).await {
                            Ok((due, unclaimed)) if unclaimed > 0 => soon += due,
                            Ok(_) => {}
                            // What is claimed already still goes out.
                            Err(error) => {
                                failure = Some(error);
                                break 'sinks;
                            }
                        }
                    }
                    (now + early(soon, rate.bot), chunk_of(sink.as_ref()))
                }
            };
            // Replicas claim a crowd from its two ends, so that two of them meet only once.
            let from_the_end = sink.replica().0 % 2 == 1;
            for (session, fans) in &upcoming {
                let Some(these) = fans.get(platform) else { continue };
                // No one's reminder can be due yet: nothing to claim.
                if first_due(session, these) > due_by {
                    continue;
                }
                if room == 0 {
                    self.backlog.store(true, std::sync::atomic::Ordering::Relaxed);
                    break;
                }
                let claimant = Claimant { by: &self.replica, now, platform };
                let (start, lead) = (session.start, self.default_minutes);
                let order = (room, from_the_end);
                match self.store.claim_reminders(&session.id, start, lead, due_by, order, &claimant).await {
                    Ok(people) => {
                        room = room.saturating_sub(people.len() as u64);
                        claimed += people.len();
                        // A crowd on a rate-limited platform goes on until a pass finds no one:
                        // a replica that collided with another on the same people tries again at once.
                        if room == 0 || (sink.rate().is_some() && !people.is_empty()) {
                            self.backlog.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        if !people.is_empty() {
                            batches.push((personal_reminder(session, now, zone), people));
                        }
                    }
                    // What is claimed already still goes out.
                    Err(error) => {
                        failure = Some(error);
                        break 'sinks;
                    }
                }
            }
        }
        let keep = if self.has_backlog() { claimed } else { 0 };
        let sent = self.deliver(batches, keep).await;
        match failure {
            Some(error) => Err(error),
            None => Ok(sent),
        }
    }

    /// Whether the last [`remind_fans`](Self::remind_fans) left reminders
    /// due that it had no room to claim.
    pub fn has_backlog(&self) -> bool {
        self.backlog.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the last [`notify_fans`](Self::notify_fans) left notices it
    /// had no room to claim: called again with the same `after`, it goes on.
    pub fn has_notice_backlog(&self) -> bool {
        self.notice_backlog.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Tells each person who chose a session changed after schedule
    /// version `after` what changed. Returns how many messages this replica sent.
    pub async fn notify_fans(&self, after: i64, zone: &TimeZone, now: Timestamp) -> anyhow::Result<usize> {
        if self.direct.is_empty() {
            return Ok(0);
        }
        self.notice_backlog.store(false, std::sync::atomic::Ordering::Relaxed);
        let mut batches = Vec::new();
        let mut claimed_now = 0;
        let mut failure = None;
        // A crowd on a rate-limited platform is claimed a chunk at a time, as reminders are.
        let mut rooms: Vec<u64> = self.direct.iter().map(|sink| chunk_of(sink.as_ref())).collect();
        'changes: for change in self.store.recorded_changes(after).await? {
            let Some(message) = personal_notice(&change, zone) else { continue };
            let mut people = Vec::new();
            for (sink, room) in self.direct.iter().zip(rooms.iter_mut()) {
                if *room == 0 {
                    self.notice_backlog.store(true, std::sync::atomic::Ordering::Relaxed);
                    continue;
                }
                let claimant = Claimant { by: &self.replica, now, platform: sink.platform() };
                let (session, kind, version) = (&change.session().id, message.kind.as_str(), change.version);
                match self.store.claim_notices(session, kind, version, change.at, *room, &claimant).await {
                    Ok(claimed) => {
                        *room = room.saturating_sub(claimed.len() as u64);
                        claimed_now += claimed.len();
                        if *room == 0 {
                            self.notice_backlog.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        people.extend(claimed);
                    }
                    // What is claimed already still goes out.
                    Err(error) => {
                        failure = Some(error);
                        if !people.is_empty() {
                            batches.push((message, people));
                        }
                        break 'changes;
                    }
                }
            }
            if !people.is_empty() {
                batches.push((message, people));
            }
        }
        let keep = if self.has_notice_backlog() { claimed_now } else { 0 };
        let sent = self.deliver(batches, keep).await;
        match failure {
            Some(error) => Err(error),
            None => Ok(sent),
        }
    }

    /// Sends each batch's message to each of its people through their
    /// platform's sink, [`DIRECT_AT_ONCE`] at a time on each platform, all
    /// batches together, and waits until no more than `keep` messages are
    /// still going out (so that a crowd's next chunk is claimed while this
    /// one is sent); returns how many went meanwhile. A failure is logged:
    /// the message was claimed, so it is not tried again.
    async fn deliver(&self, batches: Vec<(Personal, Vec<Person>)>, keep: usize) -> usize {
        let limits: std::collections::HashMap<&str, Arc<tokio::sync::Semaphore>> = self
            .direct
            .iter()
            .map(|sink| (sink.platform(), Arc::new(tokio::sync::Semaphore::new(DIRECT_AT_ONCE))))
            .collect();
        let mut sending = self.sending.lock().await;
        for (message, people) in batches {
            let message = Arc::new(message);
            // The conversations already open with these people, on the platforms that need one.
            let mut channels = std::collections::HashMap::new();
            for sink in self.direct.iter().filter(|sink| sink.opens_conversations()) {
                let users: Vec<&str> =
                    people.iter().filter(|p| p.platform == sink.platform()).map(|p| p.user.as_str()).collect();
                if !users.is_empty() {
                    match self.store.direct_channels(sink.platform(), &users).await {
                        Ok(open) => {
                            channels.insert(sink.platform(), open);
                        }
                        Err(error) => tracing::warn!(
                            platform = sink.platform(),
                            "reading the open conversations failed; each is opened again: {error:#}"
                        ),
                    }
                }
            }
            for person in people {
                let Some(sink) = self.direct.iter().find(|s| s.platform() == person.platform).cloned() else {
                    tracing::warn!(platform = %person.platform, session = %message.session_id, "a direct message has no way to its platform; it is not sent");
                    continue;
                };
                let channel = channels.get(sink.platform()).and_then(|open| open.get(&person.user)).cloned();
                let Some(limit) = limits.get(sink.platform()).cloned() else { continue };
                let (message, store) = (message.clone(), self.store.clone());
                sending.spawn(async move {
                    let Ok(_permit) = limit.acquire_owned().await else { return false };
                    let to = match channel {
                        Some(channel) => Ok(channel),
                        None if sink.opens_conversations() => {
                            open_and_keep(&store, &*sink, &person.user, Timestamp::now()).await
                        }
                        None => Ok(person.user.clone()),
                    };
                    let sent = match to {
                        Ok(to) => sink.send_to(&to, &message).await,
                        Err(error) => Err(error),
                    };
                    crate::metrics::announcement(sink.platform(), sent.is_ok());
                    if let Err(error) = &sent {
                        tracing::error!(platform = %person.platform, session = %message.session_id, kind = message.kind.as_str(), "a direct message could not be sent: {error:#}");
                    }
                    sent.is_ok()
                });
            }
        }
        let mut sent = 0;
        while sending.len() > keep {
            let Some(done) = sending.join_next().await else { break };
            sent += usize::from(done.unwrap_or(false));
        }
        sent
    }

    /// Stops opening conversations ahead: the process is stopping.
    pub fn stop_opening(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Waits for every direct message still going out; returns how many went.
    pub async fn finish_sending(&self) -> usize {
        self.deliver(Vec::new(), 0).await
    }
}
