//! The time the bot answers at (the system clock, or an instant pinned with
//! `EMCEE_NOW` for demos and tests), and the seeds random picks are drawn with.

use jiff::Timestamp;

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Pinned(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Pinned(at) => *at,
        }
    }
}

/// A seed that differs between calls, for random quotes.
pub fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0),
    );
    hasher.finish()
}
