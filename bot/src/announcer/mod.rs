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
//! platform's client keeping its rate limits. Where a platform needs a
//! conversation opened first (Discord's DM channel), it is opened ahead of
//! time and kept, so that a reminder costs one request per person.
//!
//! Keynotes also go to a platform's own event surface ([`keynotes`]).

pub mod keynotes;

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
use crate::store::{Claimant, Fans, Person, RecordedChange, Store};

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

/// Direct messages in flight at once, across all of a pass's people: the
/// platforms' clients queue them further by their rate limits.
const DIRECT_AT_ONCE: usize = 64;
/// A platform's limit on a bot's requests, and one replica's share of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests a second for the bot, however many replicas send.
    pub bot: f64,
    /// Requests a second this replica sends.
    pub replica: f64,
}

/// How much sending a replica claims at once on a rate-limited platform:
/// with the chunk before it still going out, what a shutdown's last
/// moments can still send.
const CHUNK: Duration = Duration::from_secs(1);

/// The longest lead a person may choose: sessions this far ahead are looked at.
const MAX_LEAD: jiff::SignedDuration = jiff::SignedDuration::from_mins(emcee_core::command::MAX_REMIND_MINUTES as i64);
/// How long before the longest lead conversations are opened with the
/// people a direct message will reach, so that none has to be opened when it is due.
const OPEN_AHEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);
/// The most pages of people read to find this replica's share of those to open a conversation with.
const MAX_PAGES: usize = 20;
/// The earliest a reminder to a crowd may start going out, however large it is.
const MAX_EARLY: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

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
    /// again ahead for [`OPEN_AHEAD`], so that they do not take every pass's budget.
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
    fn any(&self) -> bool {
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

    /// Opens conversations ahead with the people whose direct messages
    /// will need one: those who chose a session starting within the
    /// longest lead and an hour. At most half a tick's worth of the
    /// platform's rate is spent on it each pass. Returns how many were opened.
    pub async fn open_ahead(&self, schedule: &Schedule, now: Timestamp) -> anyhow::Result<usize> {
        let openers: Vec<_> = self.direct.iter().filter(|sink| sink.opens_conversations()).cloned().collect();
        if openers.is_empty() {
            return Ok(0);
        }
        let horizon = now + MAX_LEAD + OPEN_AHEAD;
        let mut opened = 0;
        for sink in openers {
            let platform = sink.platform();
            let lacking = self.store.sessions_lacking_channels(platform).await?;
            let budget = sink.rate().map_or(DIRECT_AT_ONCE as f64, |rate| rate.replica * TICK.as_secs_f64() / 2.0);
            let mut left = budget.max(1.0) as u32;
            let (ordinal, replicas) = sink.replica();
            let failed: std::collections::HashSet<String> = {
                let mut failed = self.failed_opens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                failed.retain(|_, at| *at + OPEN_AHEAD > now);
                failed.keys().filter(|(p, _)| p == platform).map(|(_, user)| user.clone()).collect()
            };
            let upcoming = schedule.sessions.iter().filter(|s| s.start > now && s.start <= horizon);
            for session in upcoming.filter(|s| lacking.contains(&s.id)) {
                if left == 0 || self.stopping.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                // This replica's share of the people, leaving out those whose
                // opening failed lately, a page at a time.
                let mut people = Vec::new();
                let mut after = String::new();
                for _ in 0..MAX_PAGES {
                    let page = self.store.fans_without_channel(platform, &session.id, &after, left.max(64)).await?;
                    let Some(last) = page.last() else { break };
                    after = last.clone();
                    let room = (left as usize).saturating_sub(people.len());
                    people.extend(
                        page.into_iter()
                            .filter(|user| share_of(user, replicas) == ordinal && !failed.contains(user))
                            .take(room),
                    );
                    if people.len() >= left as usize {
                        break;
                    }
                }
                left = left.saturating_sub(people.len() as u32);
                opened += self.open_all(&sink, people, now).await;
            }
        }
        Ok(opened)
    }

    /// Opens a conversation with each of `people` on `sink`'s platform and
    /// keeps it; returns how many were opened.
    async fn open_all(&self, sink: &Arc<dyn DirectSink>, people: Vec<String>, now: Timestamp) -> usize {
        let limit = Arc::new(tokio::sync::Semaphore::new(DIRECT_AT_ONCE));
        let mut opening = tokio::task::JoinSet::new();
        for user in people {
            if self.stopping.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let Ok(permit) = limit.clone().acquire_owned().await else { break };
            let (sink, store) = (sink.clone(), self.store.clone());
            opening.spawn(async move {
                let opened = open_and_keep(&store, &*sink, &user, now).await;
                drop(permit);
                if let Err(error) = &opened {
                    tracing::warn!(
                        platform = sink.platform(),
                        "opening a conversation for direct messages failed: {error:#}"
                    );
                }
                (user, opened.is_ok())
            });
        }
        let mut opened = 0;
        while let Some(done) = opening.join_next().await {
            match done {
                Ok((_, true)) => opened += 1,
                Ok((user, false)) => {
                    let mut failed = self.failed_opens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    failed.insert((sink.platform().to_string(), user), now);
                }
                Err(_) => {}
            }
        }
        opened
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
                let (session, kind, version) = (&change.session_id, message.kind.as_str(), change.version);
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

/// How long before their due time reminders to `count` people on a
/// platform that allows the bot `rate` requests a second start going out:
/// nothing when they all fit within a tick, else half the time they need,
/// plus half a tick; at most [`MAX_EARLY`].
fn early(count: u64, rate: f64) -> jiff::SignedDuration {
    let needs = count as f64 / rate;
    if needs < TICK.as_secs_f64() {
        return jiff::SignedDuration::ZERO;
    }
    let most = MAX_EARLY.as_secs_f64();
    jiff::SignedDuration::from_secs_f64(((needs + TICK.as_secs_f64()) / 2.0).min(most))
}

/// How many direct messages one pass claims on `sink`'s platform: a
/// second's sending of this replica's share where the platform limits the
/// rate, else everyone.
fn chunk_of(sink: &dyn DirectSink) -> u64 {
    sink.rate().map_or(u64::MAX, |rate| (rate.replica * CHUNK.as_secs_f64()).max(1.0) as u64)
}

/// Which of `replicas` replicas opens conversations ahead with `user`.
fn share_of(user: &str, replicas: u32) -> u32 {
    let hash = user.bytes().fold(0u32, |hash, b| hash.wrapping_mul(31).wrapping_add(u32::from(b)));
    hash % replicas.max(1)
}

/// Opens a conversation with `user` on `sink`'s platform and keeps it for the next message.
async fn open_and_keep(store: &Store, sink: &dyn DirectSink, user: &str, now: Timestamp) -> anyhow::Result<String> {
    let channel = sink.open(user).await?;
    if let Err(error) = store.save_direct_channel(sink.platform(), user, &channel, now).await {
        tracing::warn!(
            platform = sink.platform(),
            "keeping an opened conversation failed; it is opened again next time: {error:#}"
        );
    }
    Ok(channel)
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

/// Sends due announcements to the outlets' sinks, each person's direct
/// messages to their platform, and keeps keynote events in step (no
/// outlet: only the programme is kept in sync) until `stop` completes, or once.
pub async fn run_loop(
    settings: &Settings,
    store: Store,
    outlets: Outlets,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let announcing = outlets.any();
    let replica = format!("{}@{}", std::process::id(), settings.host);
    let Outlets { sinks, direct, keynotes } = outlets;
    let announcer = Announcer::new(store.clone(), sinks, settings.reminder_lead, replica)
        .with_direct(direct)
        .with_keynotes(keynotes);
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
    // The changes whose notices to fans are all claimed: behind `seen` while a crowd's are going out.
    let mut fans_seen = 1;
    let mut validators = Validators::default();
    let mut next_sync = tokio::time::Instant::now();
    let mut stopped = false;
    tokio::pin!(stop);
    loop {
        // Ticks start TICK apart, however long a pass takes.
        let next_tick = tokio::time::Instant::now() + TICK;
        if let Some(url) = &settings.schedule_url
            && tokio::time::Instant::now() >= next_sync
        {
            next_sync = tokio::time::Instant::now() + settings.schedule_sync;
            programme::sync(&settings.fetcher, &store, url, &mut validators, settings.time_zone.as_ref()).await;
        }
        if announcing {
            // A stop during the pass lets it finish (what it claimed is
            // sent) but cuts short the opening of conversations ahead.
            let pass = tick(&announcer, &store, &mut schedule, (&mut seen, &mut fans_seen), settings);
            tokio::pin!(pass);
            let passed = tokio::select! {
                passed = &mut pass => passed,
                () = &mut stop => {
                    stopped = true;
                    announcer.stop_opening();
                    pass.await
                }
            };
            // A database that blips is retried on the next tick.
            if let Err(error) = passed {
                tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
            }
        }
        // A crowd is claimed a chunk at a time: the rest follows at once, a
        // chunk after another, until the next tick (whose pass goes on with
        // it) or a stop.
        let backlog = |announcer: &Announcer| announcer.has_backlog() || announcer.has_notice_backlog();
        while announcing && !stopped && backlog(&announcer) && tokio::time::Instant::now() < next_tick {
            stopped = tokio::select! {
                biased;
                () = &mut stop => true,
                () = std::future::ready(()) => false,
            };
            if stopped {
                break;
            }
            let now = settings.clock().now();
            let chunk = async {
                if announcer.has_notice_backlog() {
                    announcer.notify_fans(fans_seen, &schedule.conference.time_zone, now).await?;
                    if !announcer.has_notice_backlog() {
                        fans_seen = seen;
                    }
                }
                if announcer.has_backlog() {
                    announcer.remind_fans(&schedule, now).await?;
                }
                anyhow::Ok(())
            };
            if let Err(error) = chunk.await {
                tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
                break;
            }
        }
        if stopped || once || !backlog(&announcer) {
            announcer.finish_sending().await;
        }
        if stopped || once {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep_until(next_tick) => {}
            () = &mut stop => {
                announcer.finish_sending().await;
                return Ok(());
            }
        }
    }
}

/// One pass: notices of recorded changes, then reminders, to channels and
/// to fans; then conversations opened ahead and keynote events kept in step.
async fn tick(
    announcer: &Announcer,
    store: &Store,
    schedule: &mut Schedule,
    (seen, fans_seen): (&mut i64, &mut i64),
    settings: &Settings,
) -> anyhow::Result<()> {
    if let Some((latest, _)) = store.load_schedule().await? {
        *schedule = latest;
        let now = settings.clock().now();
        let newest = announcer.notify(*seen, &schedule.conference.time_zone, now).await?.1;
        announcer.notify_fans(*fans_seen, &schedule.conference.time_zone, now).await?;
        if !announcer.has_notice_backlog() {
            *fans_seen = newest;
        }
        *seen = newest;
    }
    announcer.remind(schedule, settings.clock().now()).await?;
    announcer.remind_fans(schedule, settings.clock().now()).await?;
    // A crowd being reminded or told of a change has the platform's rate to itself.
    if !announcer.has_backlog() && !announcer.has_notice_backlog() {
        announcer.open_ahead(schedule, settings.clock().now()).await?;
    }
    announcer.sync_keynotes(schedule, settings.clock().now()).await?;
    Ok(())
}
