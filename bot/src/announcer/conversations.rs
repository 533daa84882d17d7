//! Conversations opened ahead: on a platform where a direct message needs
//! a conversation first (Discord's DM channel), one is opened with each
//! person due a message soon and kept, so that a reminder costs one
//! request per person when it is due.

use std::sync::Arc;

use emcee_core::Schedule;
use jiff::Timestamp;

use super::pacing::{DIRECT_AT_ONCE, MAX_LEAD, TICK};
use super::{Announcer, DirectSink};
use crate::store::Store;

/// How long before the longest lead conversations are opened with the
/// people a direct message will reach, so that none has to be opened when it is due.
pub(super) const OPEN_AHEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);
/// The most pages of people read to find this replica's share of those to open a conversation with.
pub(super) const MAX_PAGES: usize = 20;

impl Announcer {
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
}

/// Which of `replicas` replicas opens conversations ahead with `user`.
fn share_of(user: &str, replicas: u32) -> u32 {
    let hash = user.bytes().fold(0u32, |hash, b| hash.wrapping_mul(31).wrapping_add(u32::from(b)));
    hash % replicas.max(1)
}

/// Opens a conversation with `user` on `sink`'s platform and keeps it for the next message.
pub(super) async fn open_and_keep(
    store: &Store,
    sink: &dyn DirectSink,
    user: &str,
    now: Timestamp,
) -> anyhow::Result<String> {
    let channel = sink.open(user).await?;
    if let Err(error) = store.save_direct_channel(sink.platform(), user, &channel, now).await {
        tracing::warn!(
            platform = sink.platform(),
            "keeping an opened conversation failed; it is opened again next time: {error:#}"
        );
    }
    Ok(channel)
}
