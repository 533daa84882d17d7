//! Where one connection is, shared by the accept loop's task for it
//! ([`super::connections`]), the socket's deadlines and the request bodies'
//! ([`super::deadlines`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// A connection between requests this long may be closed to make room.
pub(super) const SHED_AFTER: Duration = Duration::from_secs(1);

/// A kept-alive connection quiet this long after a response is taken back
/// from hyper, whose two 8 KiB buffers it then no longer holds, and waits
/// for its next request as a new one does ([`super::arrival`]). Chosen:
/// a client sending requests back to back never pays for it, and of a
/// burst of new connections only those of the last 50 ms hold the buffers.
pub(super) const HAND_BACK_AFTER: Duration = Duration::from_millis(50);

/// Where one connection is, for its deadlines and for shedding.
pub(super) struct ConnectionState {
    pub(super) accepted: Instant,
    /// A request is being answered (its headers are in).
    pub(super) busy: AtomicBool,
    /// That request's body took longer than its deadline: close.
    pub(super) expired: AtomicBool,
    /// Responses handed over.
    pub(super) answered: AtomicU64,
    /// The next request's first bytes have come, and it is not answered yet.
    pub(super) arriving: AtomicBool,
    /// The last write found the socket full: hyper holds bytes not yet sent.
    pub(super) blocked: AtomicBool,
    /// When the last response was handed over, in milliseconds after `accepted`.
    idle_since_ms: AtomicU64,
}

impl ConnectionState {
    pub(super) fn new() -> ConnectionState {
        ConnectionState {
            accepted: Instant::now(),
            busy: AtomicBool::new(false),
            expired: AtomicBool::new(false),
            answered: AtomicU64::new(0),
            arriving: AtomicBool::new(false),
            blocked: AtomicBool::new(false),
            idle_since_ms: AtomicU64::new(0),
        }
    }

    pub(super) fn idle_since(&self) -> Instant {
        self.accepted + Duration::from_millis(self.idle_since_ms.load(Ordering::Relaxed))
    }

    fn went_idle(&self, at: Instant) {
        let ms = u64::try_from(at.saturating_duration_since(self.accepted).as_millis()).unwrap_or(u64::MAX);
        self.idle_since_ms.store(ms, Ordering::Relaxed);
    }

    pub(super) fn begin(&self) {
        self.busy.store(true, Ordering::Relaxed);
        self.arriving.store(false, Ordering::Relaxed);
    }

    pub(super) fn end(&self) {
        self.went_idle(Instant::now());
        self.answered.fetch_add(1, Ordering::Relaxed);
        self.busy.store(false, Ordering::Relaxed);
    }

    pub(super) fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// Hyper may give the connection back: more than `from` responses
    /// handed over, nothing of the next request yet, nothing left to
    /// write, for [`HAND_BACK_AFTER`]. When not, how long to wait before
    /// asking again.
    pub(super) fn quiet(&self, from: u64) -> Result<(), Duration> {
        if self.answered() <= from
            || self.busy.load(Ordering::Relaxed)
            || self.arriving.load(Ordering::Relaxed)
            || self.blocked.load(Ordering::Relaxed)
        {
            return Err(HAND_BACK_AFTER);
        }
        match HAND_BACK_AFTER.checked_sub(self.idle_since().elapsed()) {
            Some(left) if !left.is_zero() => Err(left),
            _ => Ok(()),
        }
    }

    /// Between requests for a while: may be closed to make room.
    pub(super) fn sheddable(&self) -> bool {
        !self.busy.load(Ordering::Relaxed) && self.idle_since().elapsed() >= SHED_AFTER
    }
}
