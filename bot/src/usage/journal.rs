//! Group commit for `EMCEE_USAGE_DURABILITY=crash`: each answered command's
//! event is on the disk before its reply is sent, so a crash or `kill -9`
//! loses nothing that was answered.
//!
//! The events go to the spill file, which the writer already replays into
//! the database (and which a new start replays too). A thread of its own
//! takes every event waiting, appends them in one write, `fdatasync`s once
//! and only then lets each reply go: replies that arrive during one fsync
//! share the next, so the cost of a sync is spread across concurrent
//! replies rather than paid by each.

use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::oneshot;

use super::UsageEvent;
use super::spill::Spill;

/// Most events written and synced together.
const GROUP_MAX: usize = 4_096;

/// An event the journal could not put on the disk, and why. The event
/// is gone only if the journal's thread died with it.
#[derive(Debug)]
pub struct Unwritten {
    pub event: Option<Box<UsageEvent>>,
    pub reason: String,
}

/// What a reply waits for: the event on the disk, or the reason it is not.
type Done = oneshot::Sender<Result<(), Unwritten>>;

/// The reply path's handle on the journal thread.
#[derive(Debug, Clone)]
pub struct Journal {
    tx: mpsc::Sender<(UsageEvent, Done)>,
}

impl Journal {
    /// Starts the thread that appends to `spill`; it ends when every handle is dropped.
    pub fn start(spill: Arc<Spill>) -> std::io::Result<Journal> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new().name("usage-journal".into()).spawn(move || commit_groups(&rx, &spill))?;
        Ok(Journal { tx })
    }

    /// Returns once `event` is on the disk.
    pub async fn append(&self, event: UsageEvent) -> Result<(), Unwritten> {
        let stopped = |event| Unwritten { event, reason: String::from("the journal's thread has stopped") };
        let (done, wait) = oneshot::channel();
        if let Err(mpsc::SendError((event, _))) = self.tx.send((event, done)) {
            return Err(stopped(Some(Box::new(event))));
        }
        wait.await.unwrap_or_else(|_| Err(stopped(None)))
    }
}

fn commit_groups(rx: &mpsc::Receiver<(UsageEvent, Done)>, spill: &Spill) {
    while let Ok(first) = rx.recv() {
        let group: Vec<(UsageEvent, Done)> = std::iter::once(first).chain(rx.try_iter().take(GROUP_MAX - 1)).collect();
        let (events, waiting): (Vec<UsageEvent>, Vec<Done>) = group.into_iter().unzip();
        match spill.append_synced(&events) {
            Ok(()) => {
                for done in waiting {
                    // A reply that stopped waiting (its request was cancelled) needs no answer.
                    let _ = done.send(Ok(()));
                }
            }
            Err(error) => {
                let reason = format!("{}: {error}", spill.path().display());
                for (event, done) in events.into_iter().zip(waiting) {
                    let _ = done.send(Err(Unwritten { event: Some(Box::new(event)), reason: reason.clone() }));
                }
            }
        }
    }
}
