//! The usage log: one [`UsageEvent`] per command answered, handed to a
//! bounded in-memory queue on the reply path (never an await on the
//! database) and written in batches by a background [`writer`]. When the
//! queue is full or the database is down, events go to a local
//! [`spill`] file and are replayed, idempotently by event id, when the
//! database is back. An event the database refuses for what it holds goes
//! to the [`rejected`] file, and the rest are stored.

pub mod journal;
pub mod key;
pub mod rejected;
pub mod spill;
pub mod writer;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

pub use key::UserKeyer;

pub use crate::store::UsageEvent;
use spill::Spill;

/// What happened to events, for logs and metrics.
#[derive(Debug, Default)]
pub struct Counters {
    pub written: AtomicU64,
    pub retried: AtomicU64,
    pub spilled: AtomicU64,
    pub replayed: AtomicU64,
    pub dropped: AtomicU64,
    /// Refused by the database for what they hold, and set aside.
    pub rejected: AtomicU64,
    /// On the disk before their reply went (`EMCEE_USAGE_DURABILITY=crash`).
    pub journaled: AtomicU64,
}

impl Counters {
    /// `(written, retried, spilled, replayed, dropped)`.
    pub fn snapshot(&self) -> (u64, u64, u64, u64, u64) {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        (get(&self.written), get(&self.retried), get(&self.spilled), get(&self.replayed), get(&self.dropped))
    }

    /// Each count with the outcome it is named by in metrics.
    pub fn outcomes(&self) -> [(&'static str, u64); 6] {
        let (written, retried, spilled, replayed, dropped) = self.snapshot();
        let journaled = self.journaled.load(Ordering::Relaxed);
        [
            ("written", written),
            ("retried", retried),
            ("spilled", spilled),
            ("replayed", replayed),
            ("dropped", dropped),
            ("journaled", journaled),
        ]
    }
}

/// The writer's view of the database, for `/readyz`: an outage and a
/// refusal are different troubles.
#[derive(Debug, Default)]
pub struct Health {
    /// The database stopped answering and has not answered since.
    down: AtomicBool,
    /// Its reason for the last event it refused.
    last_refusal: Mutex<Option<String>>,
}

impl Health {
    fn refused(&self, reason: &str) {
        *self.last_refusal.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(reason.to_string());
    }

    /// Whether the writer found the database not answering.
    pub fn down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// The database's reason for the last event it refused, if it ever did.
    pub fn last_refusal(&self) -> Option<String> {
        self.last_refusal.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// Events the queue holds before the reply path spills to the file instead.
pub const QUEUE_CAPACITY: usize = 65_536;

/// The reply path's handle on the usage log. Cloning is cheap; the writer
/// stops once every clone is dropped and the queue is drained.
#[derive(Clone, Debug)]
pub struct UsageLog {
    tx: mpsc::Sender<UsageEvent>,
    spill: Arc<Spill>,
    rejected: Arc<rejected::Rejected>,
    counters: Arc<Counters>,
    health: Arc<Health>,
    /// With `EMCEE_USAGE_DURABILITY=crash`: where events go before a reply.
    journal: Option<journal::Journal>,
    /// Wakes the writer early: once a full batch is queued, and when the
    /// last handle is dropped. Declared after `tx`, so the queue is closed
    /// by then.
    wake: Arc<Wake>,
    /// Events put in the queue, counted, and those the writer has dealt with.
    queued: Arc<AtomicU64>,
    settled: Arc<Settled>,
}

/// Events the writer has taken from the queue and dealt with (written,
/// spilled or set aside), and a bell rung after each batch.
#[derive(Debug, Default)]
pub(crate) struct Settled {
    count: AtomicU64,
    bell: tokio::sync::Notify,
}

impl Settled {
    pub(crate) fn add(&self, events: usize) {
        self.count.fetch_add(events as u64, Ordering::Release);
        self.bell.notify_waiters();
    }
}

/// Rings the writer's bell; dropped with the last [`UsageLog`], it rings a
/// last time so that the writer stores what is queued without lingering.
#[derive(Debug)]
struct Wake(Arc<tokio::sync::Notify>);

impl Drop for Wake {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

impl UsageLog {
    /// Hands an event over without waiting: to the queue, or when it is full
    /// to the spill file. Only if the file cannot be written either is the
    /// event dropped, and that is logged as an error.
    pub fn record(&self, event: UsageEvent) {
        let event = match self.tx.try_send(event) {
            Ok(()) => {
                self.queued.fetch_add(1, Ordering::Release);
                if self.queue_depth() >= writer::BATCH_MAX {
                    self.wake.0.notify_one();
                }
                return;
            }
            Err(mpsc::error::TrySendError::Full(event) | mpsc::error::TrySendError::Closed(event)) => event,
        };
        match self.spill.append(std::slice::from_ref(&event)) {
            Ok(()) => {
                self.counters.spilled.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    event_id = %event.event_id,
                    "usage event LOST: the queue is full and the spill file {} cannot be written: {error}",
                    self.spill.path().display()
                );
            }
        }
    }

    /// Records the event of a command about to be answered, as the
    /// durability setting asks: queued at once ([`record`](Self::record)),
    /// or, for `crash`, on the disk before this returns. Should the disk
    /// fail, the event is queued and the reply still goes.
    pub async fn record_before_reply(&self, event: UsageEvent) {
        let Some(journal) = &self.journal else { return self.record(event) };
        match journal.append(event).await {
            Ok(()) => {
                self.counters.journaled.fetch_add(1, Ordering::Relaxed);
            }
            Err(journal::Unwritten { event, reason }) => {
                tracing::error!(
                    "a usage event could not be put on the disk before its reply ({reason}); queued instead"
                );
                match event {
                    Some(event) => self.record(*event),
                    None => {
                        self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
    }

    pub fn counters(&self) -> &Arc<Counters> {
        &self.counters
    }

    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Where refused events are set aside.
    pub fn rejected_path(&self) -> &std::path::Path {
        self.rejected.path()
    }

    /// Whether the spill file can take events now.
    pub fn spill_writable(&self) -> bool {
        self.spill.writable()
    }

    /// Waits until the writer has dealt with every event queued before
    /// this call (stored it, or spilled it while the database is away), for
    /// at most `within`; `false` if that passed first. For what must see
    /// the log whole, such as forgetting a person.
    pub async fn settle(&self, within: Duration) -> bool {
        let target = self.queued.load(Ordering::Acquire);
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let rung = self.settled.bell.notified();
            let mut rung = std::pin::pin!(rung);
            // Registered before the count is read, so that a batch in between is not missed.
            rung.as_mut().enable();
            if self.settled.count.load(Ordering::Acquire) >= target {
                return true;
            }
            // A batch lingering for more events goes now.
            self.wake.0.notify_one();
            if tokio::time::timeout_at(deadline, rung).await.is_err() {
                return false;
            }
        }
    }

    /// Events waiting in the queue.
    pub fn queue_depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}
