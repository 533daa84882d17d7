//! The time the bot answers at: the system clock, or an instant pinned with
//! `EMCEE_NOW` for demos and tests.

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
