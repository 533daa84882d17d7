//! Signed requests this process has answered, remembered by the id the
//! platform gives each one (Slack's `trigger_id` and `event_id`, Discord's
//! interaction id), so that a copy is not answered or logged again.
//!
//! A signature stays good for five minutes either side of its timestamp,
//! so an id is kept for ten minutes after it arrives; the oldest go first
//! when [`CAPACITY`] are held. Only this process's memory: replicas share
//! nothing but the database, so a copy sent to another replica is
//! answered there.

use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an id is remembered: the five minutes a signature stays fresh,
/// either side of its timestamp.
pub const KEEP: Duration = Duration::from_secs(10 * 60);
/// Most ids remembered: ten minutes at 166 requests a second, twice the
/// busiest minute expected of a large conference, in about 5 MB.
pub const CAPACITY: usize = 100_000;

/// The ids seen, as keyed hashes (the ids themselves are never kept).
#[derive(Debug)]
pub struct Replays {
    seen: Mutex<Seen>,
    hasher: std::collections::hash_map::RandomState,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<u64>,
    /// The same ids by arrival, to forget them in order.
    arrivals: VecDeque<(Instant, u64)>,
}

impl Default for Replays {
    fn default() -> Replays {
        Replays::with_capacity(CAPACITY)
    }
}

impl Replays {
    pub fn with_capacity(capacity: usize) -> Replays {
        Replays { seen: Mutex::default(), hasher: Default::default(), capacity: capacity.max(1) }
    }

    /// Whether this is the first time `id` from `platform` is seen within
    /// [`KEEP`]; it is remembered either way.
    pub fn first(&self, platform: &str, id: &str) -> bool {
        let key = self.hasher.hash_one((platform, id));
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while let Some(&(at, old)) = seen.arrivals.front() {
            if now.duration_since(at) < KEEP && seen.arrivals.len() < self.capacity {
                break;
            }
            seen.arrivals.pop_front();
            seen.ids.remove(&old);
        }
        if !seen.ids.insert(key) {
            return false;
        }
        seen.arrivals.push_back((now, key));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Replays;

    #[test]
    fn a_copy_is_not_first_and_the_oldest_go_first() {
        let replays = Replays::with_capacity(2);
        assert!(replays.first("slack", "1.2.3"));
        assert!(!replays.first("slack", "1.2.3"));
        assert!(replays.first("discord", "1.2.3"), "each platform has its own ids");
        assert!(replays.first("slack", "4.5.6"));
        assert!(replays.first("slack", "1.2.3"), "forgotten once two newer ones are held");
    }
}
