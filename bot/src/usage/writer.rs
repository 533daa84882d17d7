//! The background task that moves usage events from the queue to the
//! database: batches of up to [`BATCH_MAX`] events or [`LINGER`] of waiting,
//! one transaction each, retried with backoff. While a batch lingers the
//! task sleeps: the reply path wakes it only when a full batch is waiting
//! or the last handle is gone, not for every event. A database that keeps failing
//! is marked down: batches go straight to the spill file and the database is
//! probed with growing pauses; once it answers, the spill file is replayed.
//! The spill file is replayed a chunk at a time between batches, so a
//! large backlog never holds up new events or the memory they use.
//!
//! A database that refuses a batch for what it holds (a data exception or
//! an integrity violation, [`Store::refusal`]) is not down: the batch is
//! split in halves until the refused events are found, those go to the
//! dead-letter file ([`Rejected`]) with the database's reason, and the rest
//! is stored. A replayed chunk is kept, not read again, while the database
//! is away; one that keeps failing while the database answers is searched
//! the same way, so that no chunk can stop the replay for good.
//! When every sender is gone, or [`WriterHandle::stop`] is called, the task
//! drains the queue and stops within [`Options::shutdown_timeout`], leaving
//! what it could not store in the spill file for the next start.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout};

use super::journal::Journal;
use super::rejected::Rejected;
use super::spill::{Replay, Spill};
use super::{Counters, Health, QUEUE_CAPACITY, UsageEvent, UsageLog};
use crate::config::Durability;
use crate::store::Store;

/// Most events written in one statement.
pub const BATCH_MAX: usize = 1_000;
/// Longest a batch waits for more events once it has one.
pub const LINGER: Duration = Duration::from_millis(100);
/// Failed attempts at one replayed chunk, each after the database answered
/// again, before its failures are taken as refusals and it is searched for
/// the events to set aside.
const REPLAY_ATTEMPTS: u32 = 3;

/// Timing of the writer; tests shorten it.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Longest one write may take before it counts as failed.
    pub write_timeout: Duration,
    /// Pauses between the attempts at one batch.
    pub retry_backoff: [Duration; 2],
    /// First pause between probes of a database that is down; it doubles up to `probe_max`.
    pub probe_every: Duration,
    pub probe_max: Duration,
    /// Longest the final flush may take.
    pub shutdown_timeout: Duration,
    /// What an answered command's event survives; `Crash` puts it on the
    /// disk before its reply, and the writer moves it on from there.
    pub durability: Durability,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            write_timeout: Duration::from_secs(5),
            retry_backoff: [Duration::from_millis(50), Duration::from_millis(250)],
            probe_every: Duration::from_millis(500),
            probe_max: Duration::from_secs(5),
            shutdown_timeout: Duration::from_secs(5),
            durability: Durability::Shutdown,
        }
    }
}

/// The running writer task.
#[derive(Debug)]
pub struct WriterHandle {
    task: JoinHandle<()>,
    stop: Arc<tokio::sync::Notify>,
}

impl WriterHandle {
    /// Waits for the writer, which ends once every [`UsageLog`] is dropped
    /// and the queue is flushed.
    pub async fn wait(self) {
        if let Err(error) = self.task.await {
            tracing::error!("the usage writer failed: {error}");
        }
    }

    /// Stops taking events (recording then goes to the spill file), flushes
    /// what is queued, and waits: for a shutdown while handles still exist.
    pub async fn stop(self) {
        self.stop.notify_one();
        self.wait().await;
    }
}

/// Starts the writer: the handle the reply path records with, and the task.
pub fn start(store: Store, spill: Spill, options: Options) -> (UsageLog, WriterHandle) {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    let stop = Arc::new(tokio::sync::Notify::new());
    let wake = Arc::new(tokio::sync::Notify::new());
    let rejected = Arc::new(Rejected::beside(spill.path()));
    let spill = Arc::new(spill);
    let journal = match options.durability {
        Durability::Shutdown => None,
        Durability::Crash => match Journal::start(spill.clone()) {
            Ok(journal) => Some(journal),
            Err(error) => {
                tracing::error!("usage events are NOT kept across a crash: the journal cannot start: {error}");
                None
            }
        },
    };
    let counters = Arc::new(Counters::default());
    let health = Arc::new(Health::default());
    let settled = Arc::new(super::Settled::default());
    let writer = Writer {
        settled: settled.clone(),
        rx,
        store,
        spill: spill.clone(),
        rejected: rejected.clone(),
        counters: counters.clone(),
        health: health.clone(),
        options,
        migrated: false,
        down_since: None,
        next_probe: Instant::now(),
        probe_pause: options.probe_every,
        deadline: None,
        replay: None,
        replay_retry: None,
        replay_failures: 0,
        stop: stop.clone(),
        wake: wake.clone(),
    };
    (
        UsageLog {
            tx,
            spill,
            rejected,
            counters,
            health,
            journal,
            wake: Arc::new(super::Wake(wake)),
            queued: Arc::default(),
            settled,
        },
        WriterHandle { task: tokio::spawn(writer.run()), stop },
    )
}

/// Why a write failed.
enum Failure {
    /// The database refused the rows for what they hold: it would again.
    Refused(String),
    /// Anything else (a connection, a timeout): a retry may succeed.
    Unavailable(anyhow::Error),
}

struct Writer {
    rx: mpsc::Receiver<UsageEvent>,
    store: Store,
    spill: Arc<Spill>,
    rejected: Arc<Rejected>,
    counters: Arc<Counters>,
    health: Arc<Health>,
    options: Options,
    migrated: bool,
    /// When the database stopped answering, while it is down.
    down_since: Option<Instant>,
    next_probe: Instant,
    probe_pause: Duration,
    /// Set once the queue is closed: the final flush ends by then.
    deadline: Option<Instant>,
    /// The spill file being replayed, between chunks.
    replay: Option<Replay>,
    /// A replayed chunk the database did not take, to try again first.
    replay_retry: Option<Vec<UsageEvent>>,
    /// Failed attempts at that chunk.
    replay_failures: u32,
    stop: Arc<tokio::sync::Notify>,
    /// Notified by the reply path once [`BATCH_MAX`] events are queued,
    /// and when the last [`UsageLog`] is dropped.
    wake: Arc<tokio::sync::Notify>,
    /// Counts the events dealt with, for [`UsageLog::settle`].
    settled: Arc<super::Settled>,
}

impl Writer {
    async fn run(mut self) {
        loop {
            let (batch, open) = self.collect().await;
            if !batch.is_empty() {
                let taken = batch.len();
                self.deliver(batch).await;
                self.settled.add(taken);
            }
            if !open {
                break;
            }
            if self.down_since.is_some() {
                if Instant::now() >= self.next_probe {
                    self.probe().await;
                }
            } else if self.replay.is_some() || self.spill.has_pending() {
                self.replay_chunk().await;
            }
        }
        // Events spilled during an outage that just ended are stored before stopping, time allowing.
        while self.down_since.is_none() && !self.past_deadline() && (self.replay.is_some() || self.spill.has_pending())
        {
            self.replay_chunk().await;
        }
        let (written, retried, spilled, replayed, dropped) = self.counters.snapshot();
        tracing::debug!(written, retried, spilled, replayed, dropped, "usage writer stopped");
        if self.spill.has_pending() {
            tracing::warn!(
                "some usage events wait in {} and will be stored when the database next answers",
                self.spill.path().display()
            );
        }
    }

    /// The next batch, and whether the queue is still open. Waits at most a
    /// second for a first event (none while a replay has more to do), so
    /// that probes and replays go on when no commands arrive.
    async fn collect(&mut self) -> (Vec<UsageEvent>, bool) {
        let mut batch = Vec::new();
        let idle = if self.replay.is_some() && self.down_since.is_none() {
            Duration::ZERO
        } else if self.options.durability == Durability::Crash {
            // Events arrive through the spill file: look at it as often as a batch lingers.
            LINGER
        } else {
            Duration::from_secs(1)
        };
        let first = tokio::select! {
            received = timeout(idle, self.rx.recv()) => received,
            () = self.stop.notified() => {
                // Take nothing more; what is queued is still drained below.
                self.rx.close();
                Ok(self.rx.recv().await)
            }
        };
        let first = match first {
            Err(_) => return (batch, true),
            Ok(None) => return (batch, self.closing()),
            Ok(Some(event)) => event,
        };
        batch.push(first);
        // Not `recv` in a loop: that would wake this task, and set a timer,
        // for every event the replies record. A backlog is taken at once:
        // the reply path wakes this task only as the queue fills.
        if batch.len() + self.rx.len() < BATCH_MAX {
            tokio::select! {
                () = tokio::time::sleep(LINGER) => {}
                () = self.wake.notified() => {}
                () = self.stop.notified() => self.rx.close(),
            }
        }
        while batch.len() < BATCH_MAX {
            match self.rx.try_recv() {
                Ok(event) => batch.push(event),
                Err(mpsc::error::TryRecvError::Disconnected) => return (batch, self.closing()),
                Err(mpsc::error::TryRecvError::Empty) => break,
            }
        }
        (batch, true)
    }

    /// The queue is closed and drained: the final flush starts its clock. Returns `false`.
    fn closing(&mut self) -> bool {
        if self.deadline.is_none() {
            self.deadline = Some(Instant::now() + self.options.shutdown_timeout);
        }
        false
    }

    /// Writes a batch, retrying; spills what is left when the database is
    /// down or stays failing.
    async fn deliver(&mut self, mut batch: Vec<UsageEvent>) {
        if self.down_since.is_none() && !self.past_deadline() {
            let backoff = self.options.retry_backoff;
            for attempt in 0..=backoff.len() {
                match self.settle(batch, false).await {
                    Ok(_) => return,
                    Err((error, rest)) => {
                        batch = rest;
                        tracing::debug!(attempt, "writing {} usage events failed: {error:#}", batch.len());
                        if attempt == backoff.len() || self.past_deadline() {
                            self.mark_down(&error);
                            break;
                        }
                        self.counters.retried.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(backoff[attempt]).await;
                    }
                }
            }
        }
        self.spill_batch(&batch);
    }

    /// Stores `events`, splitting a part the database refuses into halves
    /// until the refused events are found; those are set aside. Returns how
    /// many were set aside; or, when the database stops answering on the
    /// way, the error and the events not yet stored, in order. When
    /// `suspect`, a failure while the database still answers counts as a
    /// refusal of what was being written.
    async fn settle(
        &mut self,
        events: Vec<UsageEvent>,
        suspect: bool,
    ) -> Result<usize, (anyhow::Error, Vec<UsageEvent>)> {
        let mut set_aside = 0;
        // A stack: the part pushed last is written next, so the order holds.
        let mut parts: Vec<std::ops::Range<usize>> = Vec::new();
        parts.push(0..events.len());
        while let Some(part) = parts.pop() {
            if part.is_empty() {
                continue;
            }
            let reason = match self.write(&events[part.clone()]).await {
                Ok(()) => continue,
                Err(Failure::Refused(reason)) => reason,
                Err(Failure::Unavailable(error)) if suspect && self.answers().await => {
                    format!("failed {REPLAY_ATTEMPTS} times while the database answered: {error:#}")
                }
                Err(Failure::Unavailable(error)) => {
                    let mut rest = events[part].to_vec();
                    for later in parts.iter().rev() {
                        rest.extend_from_slice(&events[later.clone()]);
                    }
                    return Err((error, rest));
                }
            };
            if part.len() == 1 {
                self.set_aside(&events[part.start], &reason);
                set_aside += 1;
            } else {
                let middle = part.start + part.len() / 2;
                parts.push(middle..part.end);
                parts.push(part.start..middle);
            }
        }
        Ok(set_aside)
    }

    /// Whether the database answers a ping now.
    async fn answers(&self) -> bool {
        timeout(self.options.write_timeout, self.store.ping()).await.is_ok_and(|r| r.is_ok())
    }

    /// Puts an event the database refused in the dead-letter file.
    fn set_aside(&self, event: &UsageEvent, reason: &str) {
        self.health.refused(reason);
        match self.rejected.append(event, reason) {
            Ok(()) => {
                self.counters.rejected.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    event_id = %event.event_id,
                    "the usage database refused a usage event for what it holds ({reason}); it is set aside in {} \
                     and the events around it are stored",
                    self.rejected.path().display()
                );
            }
            Err(error) => {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    event_id = %event.event_id,
                    "usage event LOST: the database refused it ({reason}) and {} cannot be written: {error}",
                    self.rejected.path().display()
                );
            }
        }
    }

    async fn write(&mut self, batch: &[UsageEvent]) -> Result<(), Failure> {
        let limit = match self.deadline {
            Some(deadline) => self.options.write_timeout.min(deadline.saturating_duration_since(Instant::now())),
            None => self.options.write_timeout,
        };
        let store = self.store.clone();
        let migrated = self.migrated;
        let written = timeout(limit, async move {
            if !migrated {
                store.migrate().await?;
            }
            store.insert_events(batch).await
        })
        .await
        .map_err(|_| Failure::Unavailable(anyhow::anyhow!("the database did not answer within {limit:?}")))?
        .map_err(|error| match Store::refusal(&error) {
            Some(reason) => Failure::Refused(reason),
            None => Failure::Unavailable(error),
        })?;
        self.migrated = true;
        self.counters.written.fetch_add(written, Ordering::Relaxed);
        Ok(())
    }

    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn mark_down(&mut self, error: &anyhow::Error) {
        if self.down_since.is_none() {
            tracing::warn!(
                "the usage database is not answering ({error:#}); usage events go to {} until it does",
                self.spill.path().display()
            );
            self.down_since = Some(Instant::now());
            self.health.down.store(true, Ordering::Relaxed);
            self.probe_pause = self.options.probe_every;
            self.next_probe = Instant::now() + self.probe_pause;
        }
    }

    fn spill_batch(&self, batch: &[UsageEvent]) {
        match self.spill.append(batch) {
            Ok(()) => {
                self.counters.spilled.fetch_add(batch.len() as u64, Ordering::Relaxed);
            }
            Err(error) => {
                self.counters.dropped.fetch_add(batch.len() as u64, Ordering::Relaxed);
                tracing::error!(
                    "{} usage events LOST: the database is down and the spill file {} cannot be written: {error}",
                    batch.len(),
                    self.spill.path().display()
                );
            }
        }
    }

    async fn probe(&mut self) {
        if self.answers().await {
            let down_for = self.down_since.take().map(|since| since.elapsed()).unwrap_or_default();
            self.health.down.store(false, Ordering::Relaxed);
            tracing::info!("the usage database answers again after {down_for:.1?}");
        } else {
            self.probe_pause = (self.probe_pause * 2).min(self.options.probe_max);
            self.next_probe = Instant::now() + self.probe_pause;
        }
    }

    /// Stores the next chunk of what was spilled; on failure keeps the file
    /// for later, and at its end removes it.
    async fn replay_chunk(&mut self) {
        if self.replay.is_none() {
            match self.spill.begin_replay() {
                Ok(Some(replay)) => self.replay = Some(replay),
                Ok(None) => return,
                Err(error) => {
                    tracing::error!(
                        "cannot set the spill file {} aside to replay it: {error}",
                        self.spill.path().display()
                    );
                    // Not again until the next outage ends.
                    self.mark_down(&anyhow::anyhow!("spill file: {error}"));
                    return;
                }
            }
        }
        let Some(replay) = self.replay.as_mut() else { return };
        let chunk = match self.replay_retry.take() {
            Some(chunk) => chunk,
            None => match replay.next_chunk(BATCH_MAX) {
                Ok(chunk) => chunk,
                Err(error) => {
                    tracing::error!("cannot read the spilled usage events in {}: {error}", replay.path().display());
                    self.replay = None;
                    return;
                }
            },
        };
        if chunk.is_empty() {
            if let Some(done) = self.replay.take() {
                let path = done.path().to_path_buf();
                if let Err(error) = done.finish() {
                    tracing::error!("replayed {} but cannot remove it: {error}", path.display());
                }
            }
            return;
        }
        let (events, suspect) = (chunk.len(), self.replay_failures >= REPLAY_ATTEMPTS);
        match self.settle(chunk, suspect).await {
            Ok(set_aside) => {
                self.replay_failures = 0;
                self.counters.replayed.fetch_add((events - set_aside) as u64, Ordering::Relaxed);
            }
            Err((error, rest)) => {
                // Kept, not read again: after the outage the replay goes on from here.
                self.replay_retry = Some(rest);
                self.replay_failures += 1;
                self.mark_down(&error);
            }
        }
    }
}
